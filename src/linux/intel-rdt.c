#include "intel-rdt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../util.h"

#define RESCTRL_ROOT "/sys/fs/resctrl"
#define RDTGROUP_SUPER_MAGIC 0x7655821

static bool resctrl_mounted(void)
{
    struct statfs st;
    return statfs(RESCTRL_ROOT, &st) == 0 && st.f_type == RDTGROUP_SUPER_MAGIC;
}

/* A group is one directory level: no "/" (but the root's "/"), no "." or "..". */
static bool valid_clos_id(const char *clos_id)
{
    if (strcmp(clos_id, "/") == 0)
        return true;
    return *clos_id && !strchr(clos_id, '/') && strcmp(clos_id, ".") != 0 &&
           strcmp(clos_id, "..") != 0;
}

int intel_rdt_check(const struct spec_intel_rdt *rdt, struct error *err)
{
    if (!rdt->present)
        return 0;
    if (!resctrl_mounted())
        return error_set(err, 0,
                         "config.json: linux.intelRdt: Intel RDT is not available on this host: "
                         "no resctrl filesystem at " RESCTRL_ROOT
                         " (it needs a CPU with RDT and `mount -t resctrl resctrl " RESCTRL_ROOT
                         "`)");
    if (rdt->clos_id && !valid_clos_id(rdt->clos_id))
        return error_set(err, 0, "config.json: linux.intelRdt.closID: invalid group name \"%s\"",
                         rdt->clos_id);
    return 0;
}

/* One schemata line per write: the kernel parses and applies each write as a whole. */
static int write_line(int dirfd, const char *file, const char *line, struct error *err)
{
    cleanup_close int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    cleanup_free char *text = xasprintf("%s\n", line);

    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return error_set(err, errno, "config.json: linux.intelRdt: write \"%s\" to %s", line, file);
    return 0;
}

static int write_schemata(int dirfd, const struct spec_intel_rdt *rdt, struct error *err)
{
    /* config-linux.md's order: l3CacheSchema, memBwSchema, then schemata. */
    if (rdt->l3_cache_schema && write_line(dirfd, "schemata", rdt->l3_cache_schema, err) < 0)
        return -1;
    if (rdt->mem_bw_schema && write_line(dirfd, "schemata", rdt->mem_bw_schema, err) < 0)
        return -1;
    for (size_t i = 0; i < rdt->schemata_count; i++)
        if (write_line(dirfd, "schemata", rdt->schemata[i], err) < 0)
            return -1;
    return 0;
}

/* mkdir that tells whether it made the directory. */
static int make_group(const char *path, bool *made, struct error *err)
{
    *made = mkdir(path, 0755) == 0;
    if (!*made && errno != EEXIST)
        return error_set(err, errno, "config.json: linux.intelRdt: mkdir %s", path);
    return 0;
}

/* Schemata, then the pid into the group (or its monitoring group, made for the container:
 * *made_mon tells). */
static int enter_group(const struct spec_intel_rdt *rdt, const char *group, const char *id,
                       pid_t pid, char **made_mon, struct error *err)
{
    cleanup_close int dirfd = open(group, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_free char *pid_text = xasprintf("%d", (int)pid);
    cleanup_free char *mon = NULL;
    bool made;

    if (dirfd < 0)
        return error_set(err, errno, "config.json: linux.intelRdt: open %s", group);
    if (write_schemata(dirfd, rdt, err) < 0)
        return -1;
    if (!rdt->enable_monitoring)
        return write_line(dirfd, "tasks", pid_text, err);
    mon = xasprintf("%s/mon_groups/%s", group, id);
    if (make_group(mon, &made, err) < 0)
        return -1;
    if (made)
        *made_mon = xstrdup(mon);
    /* A task in a monitoring group is in its control group too. */
    cleanup_close int mon_fd = open(mon, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mon_fd < 0)
        return error_set(err, errno, "config.json: linux.intelRdt: open %s", mon);
    return write_line(mon_fd, "tasks", pid_text, err);
}

char *intel_rdt_apply(const struct spec_intel_rdt *rdt, const char *id, pid_t pid,
                      struct error *err)
{
    const char *name = rdt->clos_id ? rdt->clos_id : id;
    bool root = strcmp(name, "/") == 0, made = false;
    cleanup_free char *group = root ? xstrdup(RESCTRL_ROOT) : xasprintf(RESCTRL_ROOT "/%s", name);
    cleanup_free char *made_mon = NULL;

    if (!root && make_group(group, &made, err) < 0)
        return NULL;
    if (enter_group(rdt, group, id, pid, &made_mon, err) < 0) {
        if (made_mon)
            rmdir(made_mon);
        if (made)
            rmdir(group);
        return NULL;
    }
    /* Removing a control group removes its monitoring groups with it. */
    if (made)
        return take_ptr(&group);
    return made_mon ? take_ptr(&made_mon) : xstrdup("");
}

int intel_rdt_remove(const char *path, struct error *err)
{
    if (!path || !*path)
        return 0;
    if (rmdir(path) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove resctrl group %s", path);
    return 0;
}
