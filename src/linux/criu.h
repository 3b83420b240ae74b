/* Talking to CRIU: `criu swrk 3` started as our child with one end of a SOCK_SEQPACKET
 * socketpair as its fd 3, one request sent (criu-rpc.h), notifications served until the
 * final response. Used by checkpoint and restore (src/container/checkpoint.c, restore.c) and
 * by `check` / `features` to say whether checkpointing works on this host. */
#ifndef RUNC_GO_CRIU_H
#define RUNC_GO_CRIU_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../error.h"
#include "criu-rpc.h"

/* The binary when --criu is not given: found in PATH, as runc does. */
#define CRIU_DEFAULT_BINARY "criu"
/* runc relies on the VERSION request, which came with CRIU 3.0; the cgroup v2 freezer
 * needs 3.14. */
#define CRIU_MIN_VERSION 30000
#define CRIU_MIN_VERSION_V2_FREEZER 31400

struct criu_notify {
    const char *script; /* "setup-namespaces", "post-restore", "orphan-pts-master", ... */
    int pid;
    int fd; /* an fd CRIU attached (orphan-pts-master), -1 when none; a handler that keeps
             * it sets it to -1 */
};

struct criu_call {
    const char *binary;   /* NULL: CRIU_DEFAULT_BINARY */
    int stdio[3];         /* CRIU's fds 0-2; -1: /dev/null */
    const int *extra_fds; /* handed to CRIU as its fds 4, 5, ... (after swrk's 3) */
    size_t extra_fd_count;
    /* Called with CRIU's pid before the request is sent (restore places it in the
     * container's cgroup, where CRIU then restores the tasks). */
    int (*started)(void *data, pid_t criu_pid, struct error *err);
    /* Called for every notification; CRIU is told it failed when this returns -1, and the
     * call then fails with this error. */
    int (*notify)(void *data, struct criu_notify *notify, struct error *err);
    void *data;
};

/* Runs CRIU for one request and fills *resp with its final response (free it with
 * criu_response_free). Fails when CRIU cannot be started, dies, or answers
 * "success: false" ("criu failed: ..."; CRIU's own message when it sent one). */
int criu_call(const struct criu_call *call, const struct criu_request *req,
              struct criu_response *resp, struct error *err);

/* CRIU's version number (31701 for 3.17.1). */
int criu_get_version(const char *binary, int *version, struct error *err);

/* What `criu check` says about this host, through the RPC CHECK request, with CRIU's log
 * kept in a temporary directory. Returns 0 and sets *ok; when not ok, *reason (allocated)
 * holds the first error line of CRIU's log ("kerndat_vdso_fill_symtable failed"). -1 when
 * CRIU could not be asked at all (not installed: err says so). *version: CRIU's version. */
int criu_check_host(const char *binary, bool *ok, char **reason, int *version, struct error *err);

/* The first line of a CRIU log that reports an error ("Error (criu/...): ..."), without its
 * timestamp; NULL when none. */
char *criu_log_first_error(const char *log_path);

const char *criu_req_type_name(enum criu_req_type type);

#endif
