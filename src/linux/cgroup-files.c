/* Reading and writing cgroup files, and finding a container's directories in its path map. */
#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

bool cgroup_is_v1_key(const char *key)
{
    return strcmp(key, CGROUP_UNIFIED_KEY) != 0;
}

const char *cgroup_v1_dir(const struct spec_strmap *paths, const char *controller)
{
    size_t want = strlen(controller);

    for (size_t i = 0; i < paths->count; i++) {
        const char *key = paths->keys[i];
        if (!cgroup_is_v1_key(key))
            continue;
        /* keys are comma-separated controller lists: "cpu,cpuacct" */
        for (const char *p = key; *p;) {
            size_t len = strcspn(p, ",");
            if (len == want && strncmp(p, controller, len) == 0)
                return paths->values[i];
            p += len;
            if (*p == ',')
                p++;
        }
    }
    return NULL;
}

const char *cgroup_unified_dir(const struct spec_strmap *paths)
{
    for (size_t i = 0; i < paths->count; i++)
        if (!cgroup_is_v1_key(paths->keys[i]))
            return paths->values[i];
    return NULL;
}

const char *cgroup_v2_mountpoint(void)
{
    return cgroup_detect_mode() == CGROUP_MODE_V2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
}

bool cgroup_word_in(const char *list, const char *word)
{
    size_t len = strlen(word);

    for (const char *p = list; (p = strstr(p, word)); p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
            return true;
    return false;
}

bool cgroup_v2_has_controller(const char *dir, const char *controller)
{
    cleanup_free char *list = cgroup_read(dir, "cgroup.controllers");
    return list && cgroup_word_in(list, controller);
}

int cgroup_mkdir_p(const char *dir, struct error *err)
{
    cleanup_free char *parent = NULL;
    char *slash;

    /* The parents usually exist: the leaf first, the ancestors only when it says ENOENT. */
    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return error_set(err, errno, "mkdir %s", dir);
    parent = xstrdup(dir);
    slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return error_set(err, ENOENT, "mkdir %s", dir);
    *slash = '\0';
    if (cgroup_mkdir_p(parent, err) < 0)
        return -1;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return error_set(err, errno, "mkdir %s", dir);
    return 0;
}

int cgroup_write(const char *dir, const char *file, const char *value, struct error *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    size_t len = strlen(value);
    ssize_t n;

    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    /* One write: a cgroup file takes a value per write(2) and answers for that value. */
    do
        n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "write %s (%s)", path, value);
    return 0;
}

int cgroup_write_pid(const char *dir, pid_t pid, struct error *err)
{
    char value[32];

    snprintf(value, sizeof value, "%d", (int)pid);
    return cgroup_write(dir, "cgroup.procs", value, err);
}

bool cgroup_file_exists(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    return access(path, F_OK) == 0;
}

char *cgroup_read(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    struct error ignored;
    char *content = NULL;
    size_t len;

    if (read_file(path, 1 << 20, &content, &len, &ignored) < 0)
        return NULL;
    while (len > 0 && content[len - 1] == '\n')
        content[--len] = '\0';
    return content;
}

static int parse_u64(const char *s, uint64_t *value)
{
    char *end;
    long long negative;

    while (*s == ' ')
        s++;
    if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n' || s[3] == ' ')) {
        *value = UINT64_MAX;
        return 0;
    }
    if (*s == '-') {
        /* runc: a negative value (v1's -1 "unlimited") reads as 0 */
        if (parse_long(s, &negative) < 0)
            return -1;
        *value = 0;
        return 0;
    }
    errno = 0;
    *value = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    return 0;
}

int cgroup_read_u64(const char *dir, const char *file, uint64_t *value)
{
    cleanup_free char *content = cgroup_read(dir, file);
    return content ? parse_u64(content, value) : -1;
}

int cgroup_read_keyed(const char *dir, const char *file, const char *key, uint64_t *value)
{
    cleanup_free char *content = cgroup_read(dir, file);
    size_t key_len = strlen(key);

    if (!content)
        return -1;
    for (char *line = content; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ')
            return parse_u64(line + key_len + 1, value);
    }
    return -1;
}

void cgroup_collect_pids(const char *dir, pid_t **pids, size_t *count)
{
    cleanup_free char *procs_path = xasprintf("%s/cgroup.procs", dir);
    cleanup_fclose FILE *f = fopen(procs_path, "re");
    cleanup_closedir DIR *d = NULL;
    struct dirent *de;
    int pid;

    if (f)
        while (fscanf(f, "%d", &pid) == 1) {
            *pids = xrealloc(*pids, (*count + 1) * sizeof **pids);
            (*pids)[(*count)++] = pid;
        }
    d = opendir(dir);
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *child = xasprintf("%s/%s", dir, de->d_name);
        cgroup_collect_pids(child, pids, count);
    }
}

int cgroup_remove_tree(const char *dir)
{
    cleanup_closedir DIR *d = NULL;
    struct dirent *de;

    /* Usually a leaf whose tasks are gone: one rmdir, no listing. */
    if (rmdir(dir) == 0 || errno == ENOENT)
        return 0;
    if (errno != EBUSY)
        return -1;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *child = xasprintf("%s/%s", dir, de->d_name);
        cgroup_remove_tree(child);
    }
    /* A cgroup is busy until the kernel has finished tearing its last task down. */
    for (int attempt = 0; attempt < 100; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -1;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    return -1;
}

/* ------------------------------------------------------------- resource helpers */

int cgroup_field_error(const struct cgroup_apply *a, const char *field, struct error *err)
{
    return error_prefix(err, "%s.%s", a->origin, field);
}

/* What a person can do about the kernel refusing a value, where it is known. */
static const char *write_hint(const char *file, int errnum)
{
    static const struct {
        const char *file;
        int errnum;
        const char *hint;
    } hints[] = {
        {"memory.memsw.limit_in_bytes", ENOENT,
         "swap accounting is off on this host (boot with swapaccount=1)"},
        {"memory.swap.max", ENOENT,
         "swap accounting is off on this host (boot with swapaccount=1)"},
        {"memory.memsw.limit_in_bytes", EINVAL,
         "memory.swap counts memory plus swap: it must be at least memory.limit, or -1"},
        {"cpu.cfs_period_us", EINVAL, "the kernel takes a period of 1000 to 1000000 us"},
        {"cpu.cfs_quota_us", EINVAL, "the kernel takes a quota of at least 1000 us, or -1"},
        {"cpu.max", EINVAL,
         "the kernel takes a period of 1000 to 1000000 us and a quota of at least 1000"},
        {"cpuset.cpus", ERANGE, "name CPUs this host has: see /sys/devices/system/cpu/online"},
        {"cpuset.cpus", EINVAL, "name CPUs this host has: see /sys/devices/system/cpu/online"},
        {"cpuset.mems", ERANGE, "name memory nodes this host has: see /sys/devices/system/node"},
        {"cpuset.mems", EINVAL, "name memory nodes this host has: see /sys/devices/system/node"},
        {"cpu.rt_runtime_us", EINVAL,
         "the runtime may not exceed the parent cgroup's cpu.rt_runtime_us"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(hints); i++)
        if (hints[i].errnum == errnum && strcmp(hints[i].file, file) == 0)
            return hints[i].hint;
    return NULL;
}

int cgroup_set(const struct cgroup_apply *a, const char *dir, const char *file, const char *value,
               const char *field, struct error *err)
{
    if (cgroup_write(dir, file, value, err) < 0) {
        const char *hint = write_hint(file, err->errnum);
        size_t len = strlen(err->msg);
        if (hint)
            snprintf(err->msg + len, sizeof err->msg - len, " (%s)", hint);
        return cgroup_field_error(a, field, err);
    }
    return 0;
}

int cgroup_set_cpuset(const struct cgroup_apply *a, const char *dir, const struct spec_cpu *c,
                      struct error *err)
{
    if (c->cpus && *c->cpus && cgroup_set(a, dir, "cpuset.cpus", c->cpus, "cpu.cpus", err) < 0)
        return -1;
    if (c->mems && *c->mems && cgroup_set(a, dir, "cpuset.mems", c->mems, "cpu.mems", err) < 0)
        return -1;
    return 0;
}

int cgroup_set_int(const struct cgroup_apply *a, const char *dir, const char *file, long long value,
                   const char *field, struct error *err)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%lld", value);
    return cgroup_set(a, dir, file, buf, field, err);
}

int cgroup_check_memory_usage(const struct cgroup_apply *a, const char *dir, const char *usage_file,
                              struct error *err)
{
    const struct spec_memory *m = &a->r->memory;
    uint64_t usage;

    if (!a->update || !m->has_check_before_update || !m->check_before_update)
        return 0;
    /* Best effort, as runc: no usage to compare with is no reason to fail. */
    if (cgroup_read_u64(dir, usage_file, &usage) < 0)
        return 0;
    if (m->has_swap && m->swap > 0 && (uint64_t)m->swap <= usage)
        return error_set(
            err, 0, "%s.memory.swap: rejecting memory+swap limit %" PRId64 " <= usage %" PRIu64,
            a->origin, m->swap, usage);
    if (m->has_limit && m->limit > 0 && (uint64_t)m->limit <= usage)
        return error_set(err, 0,
                         "%s.memory.limit: rejecting memory limit %" PRId64 " <= usage %" PRIu64,
                         a->origin, m->limit, usage);
    return 0;
}

int cgroup_hugepage_name(const struct cgroup_apply *a, size_t index, char **name, struct error *err)
{
    const char *size = a->r->hugepage_limits[index].page_size;
    size_t count;
    char **sizes = cgroup_hugepage_sizes(&count);
    bool known = false;

    *name = cgroup_hugepage_size_name(size);
    for (size_t i = 0; i < count; i++) {
        known = known || (*name && strcmp(sizes[i], *name) == 0);
        free(sizes[i]);
    }
    free(sizes);
    if (known)
        return 0;
    free(*name);
    *name = NULL;
    return error_set(err, 0,
                     "%s.hugepageLimits[%zu].pageSize: %s is not a hugepage size of "
                     "this host",
                     a->origin, index, size);
}

int cgroup_set_rdma(const struct cgroup_apply *a, const char *dir, struct error *err)
{
    const struct spec_resources *r = a->r;

    for (size_t i = 0; i < r->rdma_count; i++) {
        const struct spec_rdma *d = &r->rdma[i];
        cleanup_free char *field = xasprintf("rdma.%s", d->device);
        char handles[32] = "", objects[32] = "";
        if (d->has_hca_handles)
            snprintf(handles, sizeof handles, " hca_handle=%u", d->hca_handles);
        if (d->has_hca_objects)
            snprintf(objects, sizeof objects, " hca_object=%u", d->hca_objects);
        cleanup_free char *value = xasprintf("%s%s%s", d->device, handles, objects);
        if (cgroup_set(a, dir, "rdma.max", value, field, err) < 0)
            return -1;
    }
    return 0;
}
