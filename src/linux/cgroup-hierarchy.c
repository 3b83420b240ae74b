/* Finding the host's cgroup hierarchies and the caller's place in each. */
#include "cgroup-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "../util.h"

enum cgroup_mode cgroup_detect_mode(void)
{
    static int cached = -1;
    struct statfs st;

    if (cached >= 0)
        return (enum cgroup_mode)cached;
    if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
        cached = CGROUP_MODE_V2;
    else if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
        cached = CGROUP_MODE_HYBRID;
    else
        cached = CGROUP_MODE_V1;
    return (enum cgroup_mode)cached;
}

/* The controller list of a v1 mount from its super options ("rw,cpu,cpuacct"). */
static char *v1_key_from_options(const char *super_options)
{
    cleanup_free char *copy = xstrdup(super_options);
    char *key = xstrdup("");
    char *save = NULL;

    for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
        if (strcmp(opt, "rw") == 0 || strcmp(opt, "ro") == 0 || strchr(opt, '=') != NULL) {
            if (!str_has_prefix(opt, "name="))
                continue;
        }
        if (strcmp(opt, "clone_children") == 0 || strcmp(opt, "noprefix") == 0 ||
            strcmp(opt, "xattr") == 0 || strcmp(opt, "cpuset_v2_mode") == 0)
            continue;
        char *joined = xasprintf("%s%s%s", key, *key ? "," : "", opt);
        free(key);
        key = joined;
    }
    return key;
}

/* Looks up the caller's cgroup for a hierarchy key in the text of /proc/self/cgroup. */
static char *own_cgroup(const char *self_cgroup, const char *key, bool unified)
{
    cleanup_free char *copy = xstrdup(self_cgroup ? self_cgroup : "");
    char *save = NULL;

    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *controllers = strchr(line, ':');
        char *path = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!path)
            continue;
        *path++ = '\0';
        *controllers++ = '\0';
        if (unified ? strcmp(line, "0") == 0 && *controllers == '\0'
                    : strcmp(controllers, key) == 0)
            return xstrdup(path);
    }
    return xstrdup("/");
}

static void add_hierarchy(struct cgroup_hierarchy **list, size_t *count, char *key,
                          const char *mountpoint, bool unified, const char *self_cgroup)
{
    struct cgroup_hierarchy *h;
    *list = xrealloc(*list, (*count + 1) * sizeof **list);
    h = &(*list)[(*count)++];
    h->own_path = own_cgroup(self_cgroup, key, unified);
    h->key = key;
    h->mountpoint = xstrdup(mountpoint);
}

static bool already_listed(struct cgroup_hierarchy *list, size_t count, const char *key)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i].key, key) == 0)
            return true;
    return false;
}

int cgroup_hierarchies(struct cgroup_hierarchy **out, size_t *count, struct error *err)
{
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    enum cgroup_mode mode = cgroup_detect_mode();
    cleanup_free char *self_cgroup = NULL;
    struct error ignored;

    /* Read once for all hierarchies (NULL: every own path is "/"). */
    read_file("/proc/self/cgroup", 1 << 20, &self_cgroup, NULL, &ignored);
    *out = NULL;
    *count = 0;
    if (!f)
        return error_set(err, errno, "open /proc/self/mountinfo");
    while (getline(&line, &cap, f) > 0) {
        char mountpoint[4096], fstype[64], super[1024];
        char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mountpoint) != 1 ||
            sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
            continue;
        if (strcmp(fstype, "cgroup2") == 0 && mode != CGROUP_MODE_V1 &&
            !already_listed(*out, *count, CGROUP_UNIFIED_KEY)) {
            bool expected =
                strcmp(mountpoint,
                       mode == CGROUP_MODE_V2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified") == 0;
            if (expected)
                add_hierarchy(out, count, xstrdup(CGROUP_UNIFIED_KEY), mountpoint, true,
                              self_cgroup);
        } else if (strcmp(fstype, "cgroup") == 0 && mode != CGROUP_MODE_V2) {
            char *key = v1_key_from_options(super);
            if (*key == '\0' || already_listed(*out, *count, key))
                free(key);
            else
                add_hierarchy(out, count, key, mountpoint, false, self_cgroup);
        }
    }
    if (*count == 0)
        return error_set(err, ENOENT, "no cgroup hierarchy mounted under /sys/fs/cgroup");
    return 0;
}

void cgroup_hierarchies_free(struct cgroup_hierarchy *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].key);
        free(list[i].mountpoint);
        free(list[i].own_path);
    }
    free(list);
}
