/* OOM notifications for `events`: v1 registers an eventfd on memory.oom_control through
 * cgroup.event_control; v2 has no such interface, so an inotify watch on memory.events tells
 * when its oom_kill counter may have moved. */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "../util.h"

struct cgroup_oom_watch {
    int fd;         /* eventfd (v1) or inotify (v2): what the caller polls */
    int control_fd; /* v1: memory.oom_control, held while registered */
    bool v2;
    char *dir;
    uint64_t oom_kills; /* v2: the last oom_kill count seen */
};

static struct cgroup_oom_watch *watch_new(const char *dir, bool v2)
{
    struct cgroup_oom_watch *w = xcalloc(1, sizeof *w);
    w->fd = -1;
    w->control_fd = -1;
    w->v2 = v2;
    w->dir = xstrdup(dir);
    return w;
}

int cgroup_oom_watch_v1(const char *dir, struct cgroup_oom_watch **watch, struct error *err)
{
    struct cgroup_oom_watch *w = watch_new(dir, false);
    cleanup_free char *control = xasprintf("%s/memory.oom_control", dir);
    char registration[64];

    w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    w->control_fd = open(control, O_RDONLY | O_CLOEXEC);
    if (w->fd < 0 || w->control_fd < 0) {
        error_set(err, errno, "open %s", control);
        cgroup_oom_watch_close(w);
        return -1;
    }
    snprintf(registration, sizeof registration, "%d %d", w->fd, w->control_fd);
    if (cgroup_write(dir, "cgroup.event_control", registration, err) < 0) {
        cgroup_oom_watch_close(w);
        return -1;
    }
    *watch = w;
    return 0;
}

int cgroup_oom_watch_v2(const char *dir, struct cgroup_oom_watch **watch, struct error *err)
{
    struct cgroup_oom_watch *w = watch_new(dir, true);
    cleanup_free char *events = xasprintf("%s/memory.events", dir);

    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd < 0 || inotify_add_watch(w->fd, events, IN_MODIFY) < 0) {
        error_set(err, errno, "watch %s", events);
        cgroup_oom_watch_close(w);
        return -1;
    }
    cgroup_read_keyed(dir, "memory.events", "oom_kill", &w->oom_kills);
    *watch = w;
    return 0;
}

int cgroup_oom_watch_fd(const struct cgroup_oom_watch *watch)
{
    return watch->fd;
}

int cgroup_oom_watch_read(struct cgroup_oom_watch *watch)
{
    char buf[4096];
    uint64_t count = 0;

    if (!watch->v2) {
        if (read(watch->fd, &count, sizeof count) != sizeof count)
            return 0;
        /* Removing the cgroup signals the eventfd too: that is no OOM. */
        if (access(watch->dir, F_OK) < 0)
            return 0;
        return count > INT32_MAX ? INT32_MAX : (int)count;
    }
    while (read(watch->fd, buf, sizeof buf) > 0)
        ; /* drain: only the counter says what happened */
    if (cgroup_read_keyed(watch->dir, "memory.events", "oom_kill", &count) < 0 ||
        count <= watch->oom_kills)
        return 0;
    uint64_t added = count - watch->oom_kills;
    watch->oom_kills = count;
    return added > INT32_MAX ? INT32_MAX : (int)added;
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *watch)
{
    if (!watch)
        return;
    if (watch->fd >= 0)
        close(watch->fd);
    if (watch->control_fd >= 0)
        close(watch->control_fd);
    free(watch->dir);
    free(watch);
}
