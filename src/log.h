/* Runtime log: runc's --log / --log-format / --debug behaviour.
 * Text lines look like logrus' (`time="..." level=error msg="..."`), JSON lines like
 * runc's (`{"level":"error","msg":"...","time":"..."}`), which engines' shims parse. */
#ifndef RUNC_GO_LOG_H
#define RUNC_GO_LOG_H

#include <stdbool.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* path NULL or "" logs to stderr. Returns -1 (and prints) when the file can't be opened. */
int log_init(const char *path, enum log_format format, bool debug);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)

/* --debug timing of setup steps: t = log_clock() before a step, log_step(t, "create", "clone
 * the init", result) after it logs "create: clone the init: 0.412 ms" (or "failed after").
 * Without --debug no clock is read. */
unsigned long long log_clock(void);
void log_step(unsigned long long started, const char *command, const char *step, int result);

/* Reports a fatal error the way runc does: to the log (in its format) and, when the log
 * is a file, also as `runc-go: msg` on stderr so a person at a terminal sees it. */
void log_fatal_error(const char *msg);
bool log_to_file(void);

#endif
