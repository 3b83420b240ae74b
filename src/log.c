#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spec/json-out.h"
#include "util.h"

static int log_fd = STDERR_FILENO;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_debug_enabled;

static const char *level_name(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_DEBUG:
        return "debug";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_WARN:
        return "warning";
    default:
        return "error";
    }
}

int log_init(const char *path, enum log_format format, bool debug)
{
    log_fmt = format;
    log_debug_enabled = debug;
    if (path && *path) {
        /* O_CLOEXEC: the log must never leak into the container. */
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "runc-go: open log file %s: %m\n", path);
            return -1;
        }
        log_fd = fd;
    }
    return 0;
}

bool log_to_file(void)
{
    return log_fd != STDERR_FILENO;
}

static void format_time(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void log_write(enum log_level level, const char *msg)
{
    char when[64];
    cleanup_free char *line = NULL;

    format_time(when, sizeof when);
    if (log_fmt == LOG_FORMAT_JSON) {
        cleanup_free char *jmsg = json_quote(msg);
        line = xasprintf("{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n", level_name(level), jmsg,
                         when);
    } else {
        cleanup_free char *qmsg = json_quote(msg);
        line = xasprintf("time=\"%s\" level=%s msg=%s\n", when, level_name(level), qmsg);
    }
    (void)write_all(log_fd, line, strlen(line));
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (level == LOG_LEVEL_DEBUG && !log_debug_enabled)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_write(level, msg);
}

unsigned long long log_clock(void)
{
    struct timespec ts;

    if (!log_debug_enabled)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

void log_step(unsigned long long started, const char *command, const char *step, int result)
{
    unsigned long long ns;

    if (!log_debug_enabled)
        return;
    ns = log_clock() - started;
    log_debug("%s: %s: %s%llu.%03llu ms", command, step, result < 0 ? "failed after " : "",
              ns / 1000000, ns / 1000 % 1000);
}

void log_fatal_error(const char *msg)
{
    if (log_to_file() || log_fmt == LOG_FORMAT_JSON)
        log_write(LOG_LEVEL_ERROR, msg);
    if (log_to_file() || log_fmt != LOG_FORMAT_JSON)
        fprintf(stderr, "runc-go: %s\n", msg);
}
