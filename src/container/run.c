/* `run`: create + start, and in the foreground wait for the container like its parent. */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../log.h"
#include "console-proxy.h"
#include "create-internal.h"
#include "process-wait.h"
#include "state.h"

static int delete_after_run(const struct create_options *options, struct error *err)
{
    cleanup_container struct container *c = container_load(options->root, options->id, err);
    if (!c)
        return -1;
    return container_destroy(c, err);
}

/* Created and started; with a terminal the user's is raw from before the start on. */
static int create_and_start(const struct create_options *options, const sigset_t *original,
                            pid_t *pid, struct console_proxy *proxy, struct error *err)
{
    cleanup_container struct container *created = NULL;
    int master = -1;

    if (container_create_with_mask(options, original, pid, &master, &created, err) < 0)
        return -1;
    if (master >= 0 && console_proxy_start(proxy, master, err) < 0)
        return -1;
    return container_start_loaded(created, err);
}

int container_run(const struct create_options *options, bool detach, bool keep, int *exit_status,
                  struct error *err)
{
    cleanup_console_proxy struct console_proxy proxy = {.master = -1, .host_fd = -1};
    sigset_t all, original;
    pid_t pid;
    int status;

    *exit_status = 0;
    if (detach) {
        struct container *created = NULL;
        int result;

        sigprocmask(SIG_SETMASK, NULL, &original);
        if (container_create_with_mask(options, &original, &pid, NULL, &created, err) < 0)
            return -1;
        result = container_start_loaded(created, err);
        /* the lock goes before delete_after_run() takes it again */
        container_free(created);
        if (result < 0) {
            struct error ignored;
            delete_after_run(options, &ignored);
        }
        return result;
    }
    /* Block signals before the init exists so none is lost between clone and the wait. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &original);
    /* As runc: orphans of what we started (e.g. a process that joined the container's
     * namespaces from outside) are reparented to the foreground run, not the host's init. */
    if (!options->no_subreaper)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (create_and_start(options, &original, &pid, &proxy, err) < 0 ||
        (proxy.master >= 0 &&
         (status = console_proxy_wait(&proxy, pid, !options->no_subreaper, err)) < 0)) {
        struct error ignored;
        console_proxy_stop(&proxy);
        delete_after_run(options, &ignored);
        sigprocmask(SIG_SETMASK, &original, NULL);
        return -1;
    }
    if (proxy.master < 0)
        status = forward_signals_until_exit(pid);
    /* The user's terminal is back before anything else is printed. */
    console_proxy_stop(&proxy);
    sigprocmask(SIG_SETMASK, &original, NULL);
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (!keep)
        return delete_after_run(options, err);
    return 0;
}
