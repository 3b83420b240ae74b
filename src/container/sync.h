/* The parent <-> init sync protocol over a SOCK_SEQPACKET socketpair.
 * parent                          init
 *   clone ---------------------->  waits
 *   cgroup, id maps, SYNC_GO --->  namespaces, rootfs, process setup
 *   <--------------------------- SYNC_SECCOMP_FD with the fd (SCMP_ACT_NOTIFY only)
 *   to the agent, SYNC_SECCOMP_FD_DONE ->
 *   <--------------------------- SYNC_READY (or SYNC_ERROR with the message)
 *   state.json, exits (create)     blocks on exec.fifo until `start`, then execve
 * Errors in the init travel as text: the init never prints to the user's terminal. */
#ifndef RUNC_GO_SYNC_H
#define RUNC_GO_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "../error.h"

enum sync_type {
    SYNC_GO = 1,
    SYNC_READY,
    SYNC_ERROR,
    SYNC_HOOKS,           /* init: mounts done, run prestart/createRuntime before pivot_root */
    SYNC_HOOKS_DONE,      /* parent: they succeeded */
    SYNC_SECCOMP_FD,      /* child: the seccomp listener fd (SCM_RIGHTS), for listenerPath */
    SYNC_SECCOMP_FD_DONE, /* parent: the agent has it */
    SYNC_JOINED,          /* exec's child: it joined the v1 cgroup hierarchies itself */
};

struct sync_msg {
    uint32_t type;
    int32_t errnum;
    int32_t value; /* SYNC_GO: the init's pid as the host sees it */
    char text[ERROR_MSG_MAX];
};

int sync_send(int fd, enum sync_type type, struct error *err);
int sync_send_value(int fd, enum sync_type type, int32_t value, struct error *err);
/* Sends `type` with fd attached (SCM_RIGHTS). */
int sync_send_fd(int fd, enum sync_type type, int attached_fd, struct error *err);
/* Sends err's message as SYNC_ERROR (best effort: the parent may be gone). */
void sync_send_error(int fd, const struct error *failure);
/* Receives one message; a closed socket is reported as "init exited". */
int sync_recv(int fd, struct sync_msg *msg, struct error *err);
/* Receives one message and the fd attached to it (-1 when none) into *attached_fd; *closed is
 * set, and nothing else, when the peer's end is closed (by execve, or by dying). A SYNC_ERROR
 * is returned as a message, not as err. */
int sync_read(int fd, struct sync_msg *msg, int *attached_fd, bool *closed, struct error *err);
/* The failure a SYNC_ERROR message carries, into err. Returns -1. */
int sync_error_of(const struct sync_msg *msg, struct error *err);
/* Receives and expects `type`; a SYNC_ERROR becomes err. */
int sync_expect(int fd, enum sync_type type, struct error *err);
/* Like sync_expect, also returning the message's value. */
int sync_expect_value(int fd, enum sync_type type, int32_t *value, struct error *err);

#endif
