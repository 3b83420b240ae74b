/* `kill`: a signal to the init, or with --all to every process of the container. */
#include <errno.h>
#include <signal.h>

#include "../linux/cgroup.h"
#include "container.h"
#include "state.h"

int container_kill(const char *root, const char *id, int sig, bool all, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);
    enum container_status status;

    if (!c)
        return -1;
    status = container_status(c);
    if (status == STATUS_STOPPED)
        return error_set(err, 0, "container not running");
    if (all)
        return cgroup_signal_all(&c->record->cgroup_paths, sig, err);
    /* The status check above proved pid and start time still match, under our lock. */
    if (kill(c->record->pid, sig) < 0)
        return error_set(err, errno, "unable to signal init");
    /* A frozen v1 task only dies once thawed; runc thaws on SIGKILL (and only then: other
     * signals wait for `resume`). */
    if (status == STATUS_PAUSED && sig == SIGKILL) {
        struct error ignored;
        cgroup_freeze(&c->record->cgroup_paths, false, &ignored);
    }
    return 0;
}
