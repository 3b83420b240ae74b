/* Shared between exec.c (the parent and the joining child) and exec-process.c (the process
 * the flags or --process describe). */
#ifndef RUNC_GO_EXEC_INTERNAL_H
#define RUNC_GO_EXEC_INTERNAL_H

#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../linux/cgroup.h"
#include "../spec/spec.h"
#include "container.h"
#include "state.h"

struct exec_context {
    const struct exec_options *options;
    struct container *container;       /* locked until the child is in the container's cgroup */
    struct spec *config;               /* the config.json saved at create */
    struct spec_process *file_process; /* from --process, else NULL */
    struct spec_process *process;      /* file_process or &config->process, as amended */
    char **argv;                       /* process->args, NULL-terminated (borrowed strings) */
    char **envp;                       /* process->env merged by name, NULL-terminated */
    struct spec_strmap cgroup_paths;   /* the container's, or the --cgroup sub-cgroups */
    bool cgroup_placed;                /* the child was born in its unified directory */
    bool cgroup_self_join;             /* ... and joins the v1 hierarchies itself */
    bool paused;                       /* the container was paused (--ignore-paused) */
    int ns_fds[SPEC_NS_COUNT];         /* the init's namespaces that differ from ours */
    enum spec_namespace_type ns_types[SPEC_NS_COUNT];
    int ns_count;
    int sync_fds[2];      /* [0] the runtime's end, [1] the child's */
    int console_fd;       /* --tty: the socket the child sends the pty master over, else -1 */
    int console_recv_fd;  /* --tty in the foreground: our end of it, else -1 */
    bool console_proxied; /* ... the runtime proxies the pty (no --console-socket) */
    pid_t pid;            /* the child, as the host sees it */
    pid_t init_pid;       /* the container's init, and its start time: did it stop meanwhile? */
    unsigned long long init_start_time;
    char *agent_state; /* linux.seccomp.listenerPath: the container's state for the agent */
    bool has_affinity_initial, has_affinity_final; /* process.execCPUAffinity */
    cpu_set_t affinity_initial, affinity_final;
    bool signals_blocked;
    bool joined_user_ns;    /* rootless: the child's helper joined the user (and pid) namespace */
    sigset_t original_mask; /* restored in the child before execve */
};

/* Builds ctx->process from --process or from the saved config amended by the flags, and
 * checks it as runc does (messages included); fills argv and envp. */
int exec_prepare_process(struct exec_context *ctx, struct error *err);

/* The container's cgroup directories, each joined with the --cgroup sub-cgroup that applies
 * ("[controller[,controller...]:]path", runc's syntax). */
int exec_resolve_cgroups(struct exec_context *ctx, struct error *err);

/* runc's checks of --tty/--console-socket/--detach and of the fds --preserve-fds names. */
int exec_check_io(const struct exec_context *ctx, struct error *err);

#endif
