/* The one error type of runc-go: an errno (0 when none applies) and a one-line message.
 * Fallible functions return a negative value (or NULL) and fill a `struct error`;
 * callers add context with error_prefix() as the error travels up. */
#ifndef RUNC_GO_ERROR_H
#define RUNC_GO_ERROR_H

#include <stdarg.h>

#define ERROR_MSG_MAX 1024

struct error {
    int errnum;
    char msg[ERROR_MSG_MAX];
};

/* Sets the message from fmt; when errnum != 0, ": " and the errno's text as Go prints it
 * ("no such file or directory") is appended.
 * Always returns -1 so callers can `return error_set(...)`. */
int error_set(struct error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the message. Returns -1. */
int error_prefix(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears an error so the struct can be reused. */
void error_clear(struct error *err);

#endif
