/* Signal names as runc's `kill` takes them: "KILL", "SIGKILL", "9". */
#ifndef RUNC_GO_SIGNALS_H
#define RUNC_GO_SIGNALS_H

/* Returns the signal number or -1 for an unknown name or number. */
int signal_parse(const char *name);

#endif
