/* Pieces of the seccomp code shared by its files (and the unit test): handing the
 * SCMP_ACT_NOTIFY listener to the agent at linux.seccomp.listenerPath. */
#ifndef RUNC_GO_SECCOMP_INTERNAL_H
#define RUNC_GO_SECCOMP_INTERNAL_H

#include "../error.h"
#include "../spec/spec.h"

/* A connection to listenerPath made before the filter is loaded, with its payload already
 * built: once the filter is in, only sendmsg and close run (the filter may trap anything). */
struct seccomp_listener {
    int sock;
    char *payload;
};

#define SECCOMP_LISTENER_INIT                                                                      \
    {                                                                                              \
        .sock = -1, .payload = NULL                                                                \
    }

/* Connects to listenerPath and builds the container process state for pid. */
int seccomp_listener_open(const struct spec_seccomp *seccomp, int pid,
                          struct seccomp_listener *listener, struct error *err);
/* Sends the payload with notify_fd as SCM_RIGHTS, then closes the connection. */
int seccomp_listener_send(struct seccomp_listener *listener, int notify_fd, struct error *err);
/* Closes and frees what is left; for __attribute__((cleanup)). */
void seccomp_listener_close(struct seccomp_listener *listener);

/* The container process state (runtime.md) sent to the agent, as a malloc'd JSON string. */
char *seccomp_listener_state_json(const struct spec_seccomp *seccomp, int pid);

#endif
