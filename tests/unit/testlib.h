/* A tiny harness for unit tests: one line per case, "PASS <name>", "FAIL <name>: <reason>" or
 * "SKIP <name>: <reason>", counted by tests/run.sh; test_exit_code() fails the program when any
 * case failed. Names have no spaces. */
#ifndef RUNC_GO_TESTLIB_H
#define RUNC_GO_TESTLIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int testlib_failed;

/* Reasons may quote program output: keep each report on one line. */
static void testlib_print_line(const char *status, const char *name, const char *fmt, va_list ap)
{
    char reason[2048];

    vsnprintf(reason, sizeof reason, fmt, ap);
    for (char *p = reason; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    printf("%s %s: %s\n", status, name, reason);
    fflush(stdout);
}

/* An error message is what the case expects, optionally followed by " (how to fix it)". */
static inline bool test_message_matches(const char *got, const char *want)
{
    size_t len = strlen(want), got_len = strlen(got);

    if (strcmp(got, want) == 0)
        return true;
    return strncmp(got, want, len) == 0 && strncmp(got + len, " (", 2) == 0 &&
           got[got_len - 1] == ')';
}

static inline void test_pass(const char *name)
{
    printf("PASS %s\n", name);
    fflush(stdout);
}

static inline __attribute__((format(printf, 2, 3))) void test_fail(const char *name,
                                                                   const char *fmt, ...)
{
    va_list ap;

    testlib_failed++;
    va_start(ap, fmt);
    testlib_print_line("FAIL", name, fmt, ap);
    va_end(ap);
}

static inline __attribute__((format(printf, 2, 3))) void test_skip(const char *name,
                                                                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    testlib_print_line("SKIP", name, fmt, ap);
    va_end(ap);
}

static inline int test_exit_code(void)
{
    return testlib_failed ? 1 : 0;
}

#endif
