/* `pause` and `resume`: the cgroup freezer. The status "paused" is read back from the freezer
 * (state.c), so nothing else is recorded here. */
#include "../linux/cgroup.h"
#include "container.h"
#include "state.h"

int container_pause(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);
    enum container_status status;

    if (!c)
        return -1;
    status = container_status(c);
    /* runc pauses a created container too: its init is frozen before the user's process */
    if (status != STATUS_RUNNING && status != STATUS_CREATED)
        return error_set(err, 0, "container not running");
    return cgroup_freeze(&c->record->cgroup_paths, true, err);
}

int container_resume(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);

    if (!c)
        return -1;
    if (container_status(c) != STATUS_PAUSED)
        return error_set(err, 0, "container not paused");
    return cgroup_freeze(&c->record->cgroup_paths, false, err);
}
