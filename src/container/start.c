/* `start`: releases an init that `create` left waiting on exec.fifo. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "../hooks/hooks.h"
#include "../linux/proc.h"
#include "../fault.h"
#include "../log.h"
#include "../util.h"
#include "container.h"
#include "create-internal.h"
#include "state.h"

/* Opens the fifo for reading without blocking, then waits for the init's byte while
 * checking that the init is still alive, so a dead init can't hang `start`. */
static int release_init(struct container *c, struct error *err)
{
    cleanup_close int fd = openat(c->dirfd, EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    char byte;

    if (fd < 0)
        return error_set(err, errno, "open exec fifo");
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, 100);
        if (ready < 0 && errno != EINTR)
            return error_set(err, errno, "poll exec fifo");
        if (ready > 0 && read(fd, &byte, 1) == 1)
            break;
        if (!proc_is_alive(c->record->pid, c->record->init_start_time))
            return error_set(err, 0, "cannot start a container that has stopped");
    }
    if (unlinkat(c->dirfd, EXEC_FIFO, 0) < 0)
        return error_set(err, errno, "remove exec fifo");
    return 0;
}

int container_start(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);

    return c ? container_start_loaded(c, err) : -1;
}

int container_start_loaded(struct container *c, struct error *err)
{
    switch (container_status(c)) {
    case STATUS_CREATED:
        break;
    case STATUS_STOPPED:
        return error_set(err, 0, "cannot start a container that has stopped");
    case STATUS_PAUSED:
        return error_set(err, 0, "cannot start a container in the paused state");
    default:
        return error_set(err, 0, "cannot start an already running container");
    }
    /* state.json is not rewritten: the status is derived each time from the init and the
     * exec fifo (state.c), which release_init() removes; a write here would only cost. */
    if (fault_point("start: release the init", err) < 0 || release_init(c, err) < 0)
        return -1;
    if (fault_point("start: poststart hooks", err) < 0)
        return -1;
    if (c->record->poststart_hooks)
        container_run_saved_hooks(c, HOOK_POSTSTART, c->record->pid, "running");
    return 0;
}
