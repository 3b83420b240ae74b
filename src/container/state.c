#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../linux/cgroup.h"
#include "../linux/proc.h"
#include "../log.h"
#include "../util.h"

int container_id_validate(const char *id, struct error *err)
{
    if (!id || !*id)
        return error_set(err, EINVAL, "container id cannot be empty");
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 1024)
        return error_set(err, EINVAL, "invalid container ID format: %s", id);
    for (const char *p = id; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' || ch == '.';
        if (!ok)
            return error_set(err, EINVAL, "invalid container ID format: %s", id);
    }
    return 0;
}

/* renameat2(RENAME_NOREPLACE) by its syscall: musl has no wrapper. */
static int rename_noreplace(const char *from, const char *to)
{
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */);
}

static int mkdir_p(const char *path, mode_t mode)
{
    cleanup_free char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static struct container *container_alloc(const char *root, const char *id)
{
    struct container *c = xcalloc(1, sizeof *c);
    c->root = xstrdup(root);
    c->id = xstrdup(id);
    c->dir = xasprintf("%s/%s", root, id);
    c->dirfd = -1;
    return c;
}

/* A state dir without state.json that nobody holds the lock of: what a create killed
 * before it recorded the container left (create holds the lock from mkdir to state.json).
 * Removed, so the id is usable again; returns whether it was one. */
static bool remove_if_stale(struct container *c)
{
    struct error ignored;

    c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX | LOCK_NB) < 0 ||
        faccessat(c->dirfd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        if (c->dirfd >= 0)
            close(c->dirfd);
        c->dirfd = -1;
        return false;
    }
    unlinkat(c->dirfd, CONFIG_FILE ".tmp", 0);
    container_remove_state(c, &ignored);
    close(c->dirfd);
    c->dirfd = -1;
    return true;
}

bool container_remove_stale(const char *root, const char *id)
{
    struct error ignored;
    cleanup_container struct container *c = NULL;

    if (container_id_validate(id, &ignored) < 0)
        return false;
    c = container_alloc(root, id);
    return remove_if_stale(c);
}

/* The state dir appears under its name already locked: made and locked under a temporary
 * name, then renamed (no replace). A dir without state.json that nobody holds is then
 * always a leftover, never a create that has not locked yet. */
static int make_locked_dir(struct container *c, struct error *err)
{
    cleanup_free char *tmp = xasprintf("%s/.new-%s-%d", c->root, c->id, (int)getpid());
    int renamed;

    if (mkdir(tmp, 0700) < 0)
        return error_set(err, errno, "create state directory %s", tmp);
    c->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
        error_set(err, errno, "lock %s", tmp);
        rmdir(tmp);
        return -1;
    }
    renamed = rename_noreplace(tmp, c->dir);
    if (renamed < 0 && errno == EEXIST) {
        /* remove_if_stale() uses dirfd for the old dir: keep ours aside */
        int ours = c->dirfd;
        c->dirfd = -1;
        if (remove_if_stale(c))
            renamed = rename_noreplace(tmp, c->dir);
        else
            errno = EEXIST;
        c->dirfd = ours;
    }
    if (renamed < 0) {
        if (errno == EEXIST)
            error_set(err, 0, "container with given ID already exists: %s", c->id);
        else
            error_set(err, errno, "create state directory %s", c->dir);
        rmdir(tmp);
        return -1;
    }
    return 0;
}

struct container *container_new(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = NULL;

    if (container_id_validate(id, err) < 0)
        return NULL;
    if (mkdir_p(root, 0700) < 0) {
        error_set(err, errno, "create state root %s", root);
        return NULL;
    }
    c = container_alloc(root, id);
    if (make_locked_dir(c, err) < 0) {
        free(c->dir);
        c->dir = NULL; /* not ours: keep container_free from removing anything */
        return NULL;
    }
    return take_ptr(&c);
}

struct container *container_load(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = NULL;
    cleanup_free char *json = NULL;
    cleanup_close int fd = -1;
    size_t len;

    if (container_id_validate(id, err) < 0)
        return NULL;
    c = container_alloc(root, id);
    c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
        error_set(err, 0, "container does not exist");
        return NULL;
    }
    /* The directory may have been removed while we waited for the lock. */
    fd = openat(c->dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        error_set(err, 0, "container does not exist");
        return NULL;
    }
    if (read_fd_all(fd, 1 << 20, &json, &len, err) < 0)
        return NULL;
    c->record = state_record_from_json(json, len, STATE_FILE, err);
    if (!c->record)
        return NULL;
    return take_ptr(&c);
}

int container_write_file(struct container *c, const char *name, const char *data, size_t len,
                         struct error *err)
{
    cleanup_free char *tmp = xasprintf("%s.tmp", name);
    cleanup_close int fd = -1;

    /* write + rename: a runtime killed mid-write leaves the old file or the new. No fsync:
     * the state lives on tmpfs (/run) and must survive a killed process, not a power cut;
     * on a disk-backed --root an fsync would cost milliseconds per command. */
    fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return error_set(err, errno, "write %s", name);
    if (write_all(fd, data, len) < 0 || renameat(c->dirfd, tmp, c->dirfd, name) < 0) {
        error_set(err, errno, "write %s", name);
        unlinkat(c->dirfd, tmp, 0);
        return -1;
    }
    return 0;
}

int container_save(struct container *c, struct error *err)
{
    cleanup_free char *json = state_record_to_json(c->record);
    return container_write_file(c, STATE_FILE, json, strlen(json), err);
}

struct spec *container_load_config(const struct container *c, struct error *err)
{
    return spec_load_bundle(c->dir, err);
}

void container_run_saved_hooks(const struct container *c, enum hook_kind kind, pid_t pid,
                               const char *status)
{
    struct error err;
    struct spec *spec = container_load_config(c, &err);
    cleanup_free char *state = NULL;

    if (!spec) {
        log_warn("%s hooks: %s", kind == HOOK_POSTSTART ? "poststart" : "poststop", err.msg);
        return;
    }
    state = hooks_state_json(spec, c->id, pid, c->record->bundle, status);
    hooks_run_warn(&spec->hooks, kind, state);
    spec_free(spec);
}

enum container_status container_status(const struct container *c)
{
    struct stat st;
    if (!c->record || !proc_is_alive(c->record->pid, c->record->init_start_time))
        return STATUS_STOPPED;
    /* Paused is what the freezer says, not what a command last wrote: runc checks it
     * first, so a created container can be paused too. */
    if (c->record->cgroup_paths.count && cgroup_is_frozen(&c->record->cgroup_paths))
        return STATUS_PAUSED;
    if (fstatat(c->dirfd, EXEC_FIFO, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return STATUS_CREATED;
    return STATUS_RUNNING;
}

const char *container_status_name(enum container_status status)
{
    static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
    return names[status];
}

int container_remove_state(struct container *c, struct error *err)
{
    unlinkat(c->dirfd, EXEC_FIFO, 0);
    unlinkat(c->dirfd, STATE_FILE ".tmp", 0);
    unlinkat(c->dirfd, CONFIG_FILE, 0);
    unlinkat(c->dirfd, RESOURCES_FILE, 0);
    if (unlinkat(c->dirfd, STATE_FILE, 0) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove %s/%s", c->dir, STATE_FILE);
    if (rmdir(c->dir) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove %s", c->dir);
    return 0;
}

void container_free(struct container *c)
{
    if (!c)
        return;
    if (c->dirfd >= 0)
        close(c->dirfd);
    state_record_free(c->record);
    free(c->root);
    free(c->id);
    free(c->dir);
    free(c);
}

void cleanup_container_fn(struct container **c)
{
    container_free(*c);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int container_ids(const char *root, char ***ids, size_t *count, struct error *err)
{
    cleanup_closedir DIR *d = opendir(root);
    struct dirent *de;

    *ids = NULL;
    *count = 0;
    if (!d)
        return errno == ENOENT ? 0 : error_set(err, errno, "open %s", root);
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || de->d_type != DT_DIR)
            continue;
        *ids = xrealloc(*ids, (*count + 1) * sizeof **ids);
        (*ids)[(*count)++] = xstrdup(de->d_name);
    }
    if (*count)
        qsort(*ids, *count, sizeof **ids, compare_strings);
    return 0;
}

char *rfc3339_nano_now(void)
{
    struct timespec ts;
    struct tm tm;
    char date[32], nanos[16];
    size_t len;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(nanos, sizeof nanos, "%09ld", ts.tv_nsec);
    len = strlen(nanos);
    while (len > 0 && nanos[len - 1] == '0')
        nanos[--len] = '\0';
    return len ? xasprintf("%s.%sZ", date, nanos) : xasprintf("%sZ", date);
}
