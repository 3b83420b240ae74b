/* The cgroup manager: paths, creation, membership, signalling and removal, the same for
 * every hierarchy of a v1, v2 or hybrid host. */
#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../spec/state-json.h"
#include "../util.h"

/* Lexically cleans an absolute path: no "//", ".", ".."; ".." never climbs above "/",
 * so a cgroupsPath can't leave the hierarchy. */
static char *clean_absolute(const char *path)
{
    size_t len = strlen(path);
    char *out = xmalloc(len + 2);
    cleanup_free char *copy = xstrdup(path);
    char *save = NULL;
    size_t out_len = 0;

    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            while (out_len > 0 && out[out_len - 1] != '/')
                out_len--;
            if (out_len > 0)
                out_len--;
            continue;
        }
        out[out_len++] = '/';
        memcpy(out + out_len, part, strlen(part));
        out_len += strlen(part);
    }
    if (out_len == 0)
        out[out_len++] = '/';
    out[out_len] = '\0';
    return out;
}

int cgroup_resolve_paths(const char *cgroups_path, const char *id, struct spec_strmap *paths,
                         struct error *err)
{
    struct cgroup_hierarchy *list;
    size_t count;
    const char *wanted = cgroups_path && *cgroups_path ? cgroups_path : id;

    if (cgroup_hierarchies(&list, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        cleanup_free char *joined = wanted[0] == '/'
                                        ? xstrdup(wanted)
                                        : xasprintf("%s/%s", list[i].own_path, wanted);
        cleanup_free char *clean = clean_absolute(joined);
        cleanup_free char *dir = xasprintf("%s%s", list[i].mountpoint, clean);
        if (strcmp(clean, "/") == 0) {
            cgroup_hierarchies_free(list, count);
            spec_strmap_free(paths);
            return error_set(err, EINVAL,
                             "config.json: linux.cgroupsPath: refusing the root cgroup");
        }
        spec_strmap_add(paths, list[i].key, dir);
    }
    cgroup_hierarchies_free(list, count);
    return 0;
}

/* mkdir -p; returns in *created_from the first directory this call made (for undo). */
static int mkdir_parents(const char *dir, struct error *err)
{
    cleanup_free char *copy = xstrdup(dir);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            return error_set(err, errno, "mkdir %s", copy);
        *p = '/';
    }
    if (mkdir(copy, 0755) < 0 && errno != EEXIST)
        return error_set(err, errno, "mkdir %s", copy);
    return 0;
}

static int write_pid(const char *dir, pid_t pid, struct error *err)
{
    char value[32];
    cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return error_set(err, errno, "open %s", dir);
    snprintf(value, sizeof value, "%d", (int)pid);
    if (write_file_at(dfd, "cgroup.procs", value, err) < 0)
        return error_prefix(err, "%s", dir);
    return 0;
}

int cgroup_enter(const struct spec_strmap *paths, pid_t pid, struct error *err)
{
    for (size_t i = 0; i < paths->count; i++)
        if (write_pid(paths->values[i], pid, err) < 0)
            return error_prefix(err, "join cgroup");
    return 0;
}

int cgroup_create_and_enter(const struct spec_strmap *paths, const struct spec_resources *resources,
                            pid_t pid, struct error *err)
{
    struct error ignored;

    for (size_t i = 0; i < paths->count; i++) {
        const char *dir = paths->values[i];
        if (mkdir_parents(dir, err) < 0 ||
            (strstr(paths->keys[i], "cpuset") && cgroup_v1_cpuset_init(dir, err) < 0)) {
            cgroup_destroy(paths, &ignored);
            return error_prefix(err, "create cgroup");
        }
    }
    /* Limits first, then the init: it must never run unconstrained. */
    if (cgroup_apply_resources(paths, resources, err) < 0) {
        cgroup_destroy(paths, &ignored);
        return -1;
    }
    for (size_t i = 0; i < paths->count; i++)
        if (write_pid(paths->values[i], pid, err) < 0) {
            cgroup_destroy(paths, &ignored);
            return error_prefix(err, "join cgroup");
        }
    return 0;
}

/* The directory to read membership from: the unified tree when present, else the first. */
static const char *membership_dir(const struct spec_strmap *paths)
{
    for (size_t i = 0; i < paths->count; i++)
        if (strcmp(paths->keys[i], CGROUP_UNIFIED_KEY) == 0 &&
            cgroup_detect_mode() == CGROUP_MODE_V2)
            return paths->values[i];
    for (size_t i = 0; i < paths->count; i++)
        if (strstr(paths->keys[i], "pids") || strstr(paths->keys[i], "freezer"))
            return paths->values[i];
    return paths->count ? paths->values[0] : NULL;
}

static void collect_pids(const char *dir, pid_t **pids, size_t *count)
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
        collect_pids(child, pids, count);
    }
}

int cgroup_pids(const struct spec_strmap *paths, pid_t **pids, size_t *count, struct error *err)
{
    const char *dir = membership_dir(paths);
    *pids = NULL;
    *count = 0;
    if (!dir)
        return error_set(err, ENOENT, "container has no cgroup");
    collect_pids(dir, pids, count);
    return 0;
}

static const char *freezer_dir(const struct spec_strmap *paths, bool *v2)
{
    for (size_t i = 0; i < paths->count; i++) {
        if (strcmp(paths->keys[i], "freezer") == 0) {
            *v2 = false;
            return paths->values[i];
        }
        if (strcmp(paths->keys[i], CGROUP_UNIFIED_KEY) == 0 &&
            cgroup_detect_mode() == CGROUP_MODE_V2) {
            *v2 = true;
            return paths->values[i];
        }
    }
    return NULL;
}

int cgroup_signal_all(const struct spec_strmap *paths, int sig, struct error *err)
{
    bool v2 = false;
    const char *freezer = freezer_dir(paths, &v2);
    cleanup_free pid_t *pids = NULL;
    size_t count;
    /* SIGKILL reaches frozen tasks; freezing stops a fork loop from outrunning the scan. */
    bool freeze = freezer && cgroup_freeze_dir(freezer, v2, true) == 0;

    if (cgroup_pids(paths, &pids, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            error_set(err, errno, "kill %d", (int)pids[i]);
    if (freeze)
        cgroup_freeze_dir(freezer, v2, false);
    return 0;
}

static int remove_tree(const char *dir)
{
    cleanup_closedir DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return errno == ENOENT ? 0 : -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *child = xasprintf("%s/%s", dir, de->d_name);
        remove_tree(child);
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

int cgroup_destroy(const struct spec_strmap *paths, struct error *err)
{
    int result = 0;
    for (size_t i = 0; i < paths->count; i++)
        if (remove_tree(paths->values[i]) < 0)
            result = error_set(err, errno, "remove cgroup %s", paths->values[i]);
    return result;
}
