/* `delete` and the teardown shared with `run`. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../fault.h"
#include "../hooks/hooks.h"
#include "../linux/cgroup.h"
#include "../linux/intel-rdt.h"
#include "../linux/proc.h"
#include "../log.h"
#include "create-internal.h"
#include "state.h"

static void wait_until_dead(const struct state_record *record)
{
    /* Up to ~10 s: a SIGKILLed process needs the kernel to tear its memory down. */
    for (int i = 0; i < 1000 && proc_is_alive(record->pid, record->init_start_time); i++)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
}

int container_destroy(struct container *c, struct error *err)
{
    struct state_record *record = c->record;

    if (fault_point("delete: kill the processes", err) < 0)
        return -1;
    if (proc_is_alive(record->pid, record->init_start_time))
        kill(record->pid, SIGKILL);
    if (record->cgroup_paths.count) {
        struct error ignored;
        cgroup_signal_all(&record->cgroup_paths, SIGKILL, &ignored);
    }
    wait_until_dead(record);
    if (fault_point("delete: remove the cgroups", err) < 0 ||
        (record->systemd_unit && cgroup_systemd_stop(record->systemd_unit, err) < 0) ||
        (record->cgroup_paths.count && cgroup_destroy(&record->cgroup_paths, err) < 0))
        return -1;
    if (intel_rdt_remove(record->intel_rdt_path, err) < 0)
        return -1;
    if (fault_point("delete: poststop hooks", err) < 0)
        return -1;
    if (c->record->poststop_hooks)
        container_run_saved_hooks(c, HOOK_POSTSTOP, 0, "stopped");
    if (fault_point("delete: remove the state", err) < 0)
        return -1;
    return container_remove_state(c, err);
}

int container_delete(const char *root, const char *id, bool force, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);
    enum container_status status;

    if (!c) {
        /* Engines call `delete --force` after `delete`: a gone container is success. */
        if (force && strcmp(err->msg, "container does not exist") == 0) {
            container_remove_stale(root, id);
            return 0;
        }
        return -1;
    }
    status = container_status(c);
    /* A created container never ran user code: runc deletes it without --force. */
    if (!force && status != STATUS_STOPPED && status != STATUS_CREATED)
        return error_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
                         container_status_name(status));
    return container_destroy(c, err);
}
