/* The runtime's side of a terminal it keeps itself (foreground `run` / `exec -t` without
 * --console-socket): the user's terminal in raw mode, its keys to the pty master and the
 * master's output to our stdout, its size to the pty; signals forwarded as in the
 * non-terminal case, all in one poll loop over a signalfd. */
#ifndef RUNC_GO_CONSOLE_PROXY_H
#define RUNC_GO_CONSOLE_PROXY_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "../error.h"

/* Starts as {.master = -1, .host_fd = -1}. */
struct console_proxy {
    int master;      /* the pty master, -1 when none */
    int host_fd;     /* the user's terminal (stderr, stdout, stdin or /dev/tty), -1: none */
    bool host_owned; /* host_fd is our own /dev/tty fd */
    bool raw;        /* host_fd is in raw mode, `saved` restores it */
    struct termios saved;
};

/* Takes ownership of master: puts the user's terminal (if any) in raw mode and gives the
 * pty its size. */
int console_proxy_start(struct console_proxy *proxy, int master, struct error *err);

/* Copies between stdio and the master and forwards the signals (blocked by the caller) to
 * pid until it exits; SIGWINCH resizes the pty instead. With reap_orphans (a subreaper)
 * other children are reaped too. Returns pid's wait status. */
int console_proxy_wait(struct console_proxy *proxy, pid_t pid, bool reap_orphans,
                       struct error *err);

/* Restores the user's terminal and closes the master; safe to call twice. */
void console_proxy_stop(struct console_proxy *proxy);

#define cleanup_console_proxy __attribute__((cleanup(console_proxy_stop)))

#endif
