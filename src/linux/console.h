/* Terminals: the pty a container's process gets (allocated inside the container), the master's
 * trip over a unix socket (SCM_RIGHTS), and the user's terminal in raw mode. */
#ifndef RUNC_GO_CONSOLE_H
#define RUNC_GO_CONSOLE_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "../error.h"

/* The payload runc sends with the master over --console-socket (the name of the file it
 * opened); engines only use it to name their copy of the fd. */
#define CONSOLE_MASTER_NAME "/dev/ptmx"

/* What the process's terminal looks like. */
struct console_setup {
    int socket_fd; /* connected unix socket the master is sent over */
    bool has_size; /* process.consoleSize */
    unsigned short rows, cols;
    uid_t owner;            /* process.user.uid: the pty is chowned to it, as runc does */
    bool mount_dev_console; /* the init: /dev/console becomes a bind mount of the pty */
    bool clear_onlcr;       /* the runtime proxies the pty itself (see console_clear_onlcr) */
};

/* In the container, as a session leader without a controlling terminal (after setsid):
 * allocates a pty from the container's /dev/ptmx, makes it the controlling terminal and
 * stdin/stdout/stderr, and sends the master over setup->socket_fd. No fd of the pty stays
 * open besides 0, 1 and 2. */
int console_setup_terminal(const struct console_setup *setup, struct error *err);

/* Connects to the --console-socket path (a unix stream socket). runc's error text:
 * "dial unix PATH: connect: no such file or directory". */
int console_connect(const char *path, struct error *err);

/* Sends fd with SCM_RIGHTS and name as the data. */
int console_send_fd(int sock, int fd, const char *name, struct error *err);

/* Receives one fd sent with console_send_fd (close-on-exec); without blocking when
 * dont_wait (the sender sent it before telling us it is ready). */
int console_recv_fd(int sock, bool dont_wait, struct error *err);

/* The size of the terminal `from` given to `to` (TIOCGWINSZ / TIOCSWINSZ). */
int console_copy_size(int from, int to, struct error *err);

/* Output newlines stay "\n" on the container's pty: the user's terminal adds the "\r" (runc
 * does this for the terminals it proxies itself). Set from inside, before the process runs:
 * the runtime receives the master only after the exec'd process started writing. */
int console_clear_onlcr(int master, struct error *err);

/* Raw mode as runc sets it on the user's terminal (cfmakeraw, output processing kept);
 * *saved receives the mode to restore. */
int console_raw_enter(int fd, struct termios *saved, struct error *err);
void console_raw_restore(int fd, const struct termios *saved);

#endif
