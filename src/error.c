#include "error.h"

#include <stdio.h>
#include <string.h>

#include "errno-text.h"

static void append_errno_text(char *buf, size_t size, int errnum)
{
    char unknown[32];

    snprintf(buf, size, ": %s", errno_text(errnum, unknown, sizeof unknown));
}

int error_set(struct error *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    int n;

    err->errnum = errnum;
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (errnum != 0 && n >= 0 && (size_t)n < sizeof err->msg)
        append_errno_text(err->msg + n, sizeof err->msg - (size_t)n, errnum);
    return -1;
}

int error_prefix(struct error *err, const char *fmt, ...)
{
    char prefix[ERROR_MSG_MAX];
    char joined[2 * ERROR_MSG_MAX + 3];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
    /* Truncation is fine: the start of the message names the context. */
    memcpy(err->msg, joined, sizeof err->msg - 1);
    err->msg[sizeof err->msg - 1] = '\0';
    return -1;
}

void error_clear(struct error *err)
{
    err->errnum = 0;
    err->msg[0] = '\0';
}
