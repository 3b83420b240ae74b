#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"
#include "mount-api.h"
#include "mount-options.h"
#include "path.h"

#define MOUNTINFO_MAX (64 << 20)

int mount_fs_at(int dest_fd, const char *source, const char *fstype, unsigned long flags,
                const char *data, struct error *err)
{
    char target[PATH_FD_MAX];

    path_fd_name(dest_fd, target);
    if (mount(source, target, fstype, flags, data) < 0)
        return error_set(err, errno, "mount %s%s", fstype,
                         errno == ENODEV ? " (no such filesystem type in this kernel: see "
                                           "/proc/filesystems)"
                                         : "");
    return 0;
}

int mount_set_attr(int mount_fd, bool recursive, uint64_t attr_set, uint64_t attr_clr,
                   struct error *err)
{
    struct mount_attr attr = {.attr_set = attr_set, .attr_clr = attr_clr};
    unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

    if (mount_setattr(mount_fd, "", flags, &attr, sizeof attr) < 0)
        return error_set(err, errno, "set mount attributes");
    return 0;
}

int mount_set_propagation(int mount_fd, unsigned long propagation, struct error *err)
{
    struct mount_attr attr = {.propagation = propagation & ~(unsigned long)MS_REC};
    unsigned int flags = AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0);

    if (mount_setattr(mount_fd, "", flags, &attr, sizeof attr) < 0)
        return error_set(err, errno, "set propagation");
    return 0;
}

int mount_bind_at(int src_dir_fd, const char *src_path, bool recursive, unsigned long flags,
                  unsigned long cleared, int dest_fd, struct error *err)
{
    unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    uint64_t attr_set, attr_clr;
    const char *name = src_path[0] ? src_path : "(fd)";

    if (recursive)
        tree_flags |= AT_RECURSIVE;
    if (src_path[0] == '\0')
        tree_flags |= AT_EMPTY_PATH;
    cleanup_close int tree = open_tree(src_dir_fd, src_path, tree_flags);
    if (tree < 0)
        return error_set(err, errno, "bind %s", name);
    mount_flags_to_attr(flags, cleared, &attr_set, &attr_clr);
    if ((attr_set || attr_clr) && mount_set_attr(tree, false, attr_set, attr_clr, err) < 0)
        return error_prefix(err, "bind %s", name);
    if (move_mount(tree, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return error_set(err, errno, "attach bind mount of %s", name);
    return take_fd(&tree);
}

int mount_empty_tmpfs_readonly_at(int dest_fd, struct error *err)
{
    cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
        return error_set(err, errno, "open tmpfs");
    if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return error_set(err, errno, "create tmpfs");
    cleanup_close int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
    if (mnt < 0)
        return error_set(err, errno, "mount tmpfs");
    if (move_mount(mnt, "", dest_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return error_set(err, errno, "attach tmpfs");
    return 0;
}

/* Undoes the octal escapes (\040 for a space ...) of a mountinfo field, in place. */
static void mountinfo_unescape(char *s)
{
    char *out = s;
    for (; *s != '\0'; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int mountinfo_parse_line(char *line, struct mountinfo_entry *entry)
{
    char *fields[6], *save = NULL, *tok;
    size_t n = 0;

    entry->line = line;
    for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
        fields[n++] = tok;
    if (n < 6)
        return -1;
    entry->root = fields[3];
    entry->mount_point = fields[4];
    entry->optional = "";
    /* Optional fields up to the "-" separator, joined back with spaces. */
    char *optional_start = NULL, *optional_end = NULL;
    for (; tok && strcmp(tok, "-") != 0; tok = strtok_r(NULL, " ", &save)) {
        optional_start = optional_start ? optional_start : tok;
        optional_end = tok + strlen(tok);
    }
    if (tok == NULL)
        return -1;
    for (char *p = optional_start; p && p < optional_end; p++)
        *p = *p == '\0' ? ' ' : *p;
    entry->optional = optional_start ? optional_start : "";
    entry->fstype = strtok_r(NULL, " ", &save);
    entry->source = strtok_r(NULL, " ", &save);
    entry->super_options = strtok_r(NULL, " ", &save);
    if (!entry->fstype || !entry->source || !entry->super_options)
        return -1;
    mountinfo_unescape(entry->root);
    mountinfo_unescape(entry->mount_point);
    mountinfo_unescape(entry->source);
    return 0;
}

int mountinfo_read(struct mountinfo *out, struct error *err)
{
    cleanup_free char *text = NULL;
    char *save = NULL;

    memset(out, 0, sizeof *out);
    if (read_file("/proc/self/mountinfo", MOUNTINFO_MAX, &text, NULL, err) < 0)
        return -1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct mountinfo_entry entry;
        char *copy = xstrdup(line);
        if (mountinfo_parse_line(copy, &entry) < 0) {
            free(copy);
            mountinfo_release(out);
            return error_set(err, 0, "/proc/self/mountinfo: malformed line \"%s\"", line);
        }
        out->entries = xrealloc(out->entries, (out->count + 1) * sizeof *out->entries);
        out->entries[out->count++] = entry;
    }
    return 0;
}

void mountinfo_release(struct mountinfo *mountinfo)
{
    for (size_t i = 0; i < mountinfo->count; i++)
        free(mountinfo->entries[i].line);
    free(mountinfo->entries);
    mountinfo->entries = NULL;
    mountinfo->count = 0;
}

static bool path_is_under(const char *path, const char *dir)
{
    size_t len = strlen(dir);
    if (strcmp(dir, "/") == 0)
        return path[0] == '/';
    return strncmp(path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

const struct mountinfo_entry *mountinfo_find_containing(const struct mountinfo *mountinfo,
                                                        const char *path)
{
    const struct mountinfo_entry *best = NULL;
    size_t best_len = 0;

    for (size_t i = 0; i < mountinfo->count; i++) {
        const struct mountinfo_entry *entry = &mountinfo->entries[i];
        size_t len = strlen(entry->mount_point);
        if (path_is_under(path, entry->mount_point) && (best == NULL || len >= best_len)) {
            best = entry;
            best_len = len;
        }
    }
    return best;
}

/* ---- cgroup: what a container sees at /sys/fs/cgroup ---- */

static bool list_contains(const char *list, const char *item, size_t item_len)
{
    for (const char *p = list; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (len == item_len && strncmp(p, item, len) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* Every controller of a /proc/self/cgroup line ("cpu,cpuacct", "name=systemd") is among the
 * super options of the mount ("rw,cpu,cpuacct"). */
static bool controllers_match(const char *controllers, const char *super_options)
{
    if (controllers[0] == '\0')
        return false;
    for (const char *p = controllers; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (!list_contains(super_options, p, len))
            return false;
        p += len + (p[len] == ',');
    }
    return true;
}

struct own_cgroup {
    char *controllers;
    char *path;
};

/* Our line of /proc/self/cgroup for the hierarchy mounted with super_options (the "0::" line
 * for cgroup2). Returns 0 and fills out, or -1 when we are not in that hierarchy. */
static int own_cgroup_find(char *cgroups, const char *super_options, bool v2,
                           struct own_cgroup *out)
{
    for (char *line = cgroups; line && *line != '\0';) {
        char *next = strchr(line, '\n');
        size_t len = next ? (size_t)(next - line) : strlen(line);
        char *first = memchr(line, ':', len);
        char *second = first ? memchr(first + 1, ':', len - (size_t)(first + 1 - line)) : NULL;
        if (second) {
            char *controllers = xstrndup(first + 1, (size_t)(second - first - 1));
            bool match = v2 ? controllers[0] == '\0' && strncmp(line, "0:", 2) == 0
                            : controllers_match(controllers, super_options);
            if (match) {
                out->controllers = controllers;
                out->path = xstrndup(second + 1, len - (size_t)(second + 1 - line));
                return 0;
            }
            free(controllers);
        }
        line = next ? next + 1 : NULL;
    }
    return -1;
}

static void own_cgroup_release(struct own_cgroup *own)
{
    free(own->controllers);
    free(own->path);
}

#define cleanup_own_cgroup __attribute__((cleanup(own_cgroup_release)))

/* The host directory of our cgroup in a hierarchy mounted at entry: the mount point plus our
 * path below the mount's root (its whole view when our cgroup lies outside it). */
static char *own_cgroup_dir(const struct mountinfo_entry *entry, const char *path)
{
    if (strcmp(entry->root, "/") == 0)
        return xasprintf("%s%s", entry->mount_point, path);
    if (path_is_under(path, entry->root))
        return xasprintf("%s%s", entry->mount_point, path + strlen(entry->root));
    return xstrdup(entry->mount_point);
}

/* Mounts one v1 hierarchy at <dest>/<name>: a fresh cgroup mount in a cgroup namespace (its
 * root is the namespace's root), else a bind of our own cgroup. */
static int cgroup_v1_hierarchy(const struct mounts_context *ctx, unsigned long flags, int tmpfs_fd,
                               const struct mountinfo_entry *entry, char *cgroups,
                               struct error *err)
{
    const char *name = strrchr(entry->mount_point, '/') + 1;
    cleanup_own_cgroup struct own_cgroup own = {0};

    if (own_cgroup_find(cgroups, entry->super_options, false, &own) < 0)
        return 0;
    if (mkdirat(tmpfs_fd, name, 0755) < 0)
        return errno == EEXIST ? 0 : error_set(err, errno, "mkdir %s", name);
    cleanup_close int dir_fd =
        openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd < 0)
        return error_set(err, errno, "open %s", name);
    if (ctx->cgroup_ns) {
        if (mount_fs_at(dir_fd, "cgroup", "cgroup", flags, own.controllers, err) < 0)
            return error_prefix(err, "%s", name);
    } else {
        cleanup_free char *source = own_cgroup_dir(entry, own.path);
        cleanup_close int mnt = mount_bind_at(AT_FDCWD, source, false, flags, 0, dir_fd, err);
        if (mnt < 0)
            return -1;
    }
    /* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host. */
    for (const char *p = name; strchr(name, ',') && *p != '\0';) {
        size_t len = strcspn(p, ",");
        cleanup_free char *link = xstrndup(p, len);
        if (symlinkat(name, tmpfs_fd, link) < 0 && errno != EEXIST)
            return error_set(err, errno, "symlink %s", link);
        p += len + (p[len] == ',');
    }
    return 0;
}

/* cgroup v1 or hybrid host: like runc, a tmpfs holding one mount per hierarchy we are in. */
static int cgroup_v1_mount(const struct mounts_context *ctx, const struct spec_mount *m,
                           const struct mount_options *opts, int dest_fd, struct error *err)
{
    cleanup_free char *cgroups = NULL;
    cleanup_mountinfo struct mountinfo mountinfo = {0};

    if (mount_fs_at(dest_fd, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", err) <
        0)
        return -1;
    cleanup_close int tmpfs_fd = path_open_in_root(ctx->root_fd, m->destination, O_DIRECTORY, err);
    if (tmpfs_fd < 0)
        return -1;
    if (read_file("/proc/self/cgroup", 1 << 20, &cgroups, NULL, err) < 0 ||
        mountinfo_read(&mountinfo, err) < 0)
        return -1;
    for (size_t i = 0; i < mountinfo.count; i++) {
        const struct mountinfo_entry *entry = &mountinfo.entries[i];
        const char *slash = strrchr(entry->mount_point, '/');
        /* Like runc, the v1 hierarchies only: no "unified" cgroup2 on a hybrid host. */
        if (strcmp(entry->fstype, "cgroup") != 0 ||
            slash - entry->mount_point != (ptrdiff_t)strlen("/sys/fs/cgroup") ||
            !str_has_prefix(entry->mount_point, "/sys/fs/cgroup/"))
            continue;
        if (cgroup_v1_hierarchy(ctx, opts->flags, tmpfs_fd, entry, cgroups, err) < 0)
            return -1;
    }
    if ((opts->flags & MS_RDONLY) && mount_set_attr(tmpfs_fd, false, MOUNT_ATTR_RDONLY, 0, err) < 0)
        return -1;
    return take_fd(&tmpfs_fd);
}

/* cgroup v2 host: a fresh cgroup2 mount; where that is refused (no cgroup namespace of our own
 * in a user namespace), a bind of our own cgroup, as runc does. */
static int cgroup_v2_mount(const struct mounts_context *ctx, const struct spec_mount *m,
                           const struct mount_options *opts, int dest_fd, struct error *err)
{
    cleanup_free char *cgroups = NULL;
    cleanup_own_cgroup struct own_cgroup own = {0};

    if (mount_fs_at(dest_fd, "cgroup2", "cgroup2", opts->flags, opts->data, err) == 0)
        return path_open_in_root(ctx->root_fd, m->destination, O_DIRECTORY, err);
    if (err->errnum != EPERM && err->errnum != EBUSY)
        return -1;
    if (read_file("/proc/self/cgroup", 1 << 20, &cgroups, NULL, err) < 0)
        return -1;
    if (own_cgroup_find(cgroups, "", true, &own) < 0)
        return error_set(err, 0, "no cgroup2 line in /proc/self/cgroup");
    cleanup_free char *source = xasprintf("/sys/fs/cgroup%s", own.path);
    return mount_bind_at(AT_FDCWD, source, true, opts->flags, opts->cleared, dest_fd, err);
}

static int cgroup_mount(const struct mounts_context *ctx, const struct spec_mount *m,
                        const struct mount_options *opts, int dest_fd, struct error *err)
{
    struct statfs host;

    if (statfs("/sys/fs/cgroup", &host) < 0)
        return error_set(err, errno, "statfs /sys/fs/cgroup");
    if (host.f_type == CGROUP2_SUPER_MAGIC)
        return cgroup_v2_mount(ctx, m, opts, dest_fd, err);
    return cgroup_v1_mount(ctx, m, opts, dest_fd, err);
}

/* ---- config.json mounts[] ---- */

static bool is_type(const struct spec_mount *m, const char *type)
{
    return m->type != NULL && strcmp(m->type, type) == 0;
}

/* What lxcfs-style bind mounts may cover inside /proc; nothing else may be mounted there. */
static const char *const proc_mount_allowed[] = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/net/dev",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

/* runc's checkProcMount, on the destination as resolved: mounting over /proc files is how
 * CVE-2019-16884 and CVE-2019-19921 disabled AppArmor or escaped; a destination that turns out
 * to be on a procfs anywhere else means a symlink or an earlier mount led it there. */
static int check_proc_destination(const struct mounts_context *ctx, const struct spec_mount *m,
                                  bool bind, int dest_fd, struct error *err)
{
    struct statfs fs, source_fs;
    cleanup_free char *path = path_fd_in_root(dest_fd, ctx->rootfs, err);

    if (path == NULL)
        return error_prefix(err, "destination");
    if (fstatfs(dest_fd, &fs) < 0)
        return error_set(err, errno, "statfs destination");
    if (!path_is_under(path, "/proc")) {
        if (fs.f_type == PROC_SUPER_MAGIC)
            return error_set(err, 0, "destination resolves to %s, inside a procfs", path);
        return 0;
    }
    if (strcmp(path, "/proc") == 0) {
        if (!bind && is_type(m, "proc"))
            return 0;
        if (bind && statfs(m->source, &source_fs) == 0 && source_fs.f_type == PROC_SUPER_MAGIC)
            return 0;
        return error_set(err, 0, "/proc cannot be mounted because it is not of type proc");
    }
    for (size_t i = 0; i < ARRAY_SIZE(proc_mount_allowed); i++) {
        if (strcmp(path, proc_mount_allowed[i]) == 0)
            return 0;
    }
    return error_set(err, 0, "%s cannot be mounted because it is inside /proc", path);
}

/* Opens the destination inside the rootfs, creating it when missing: an empty file when the
 * source of a bind mount is not a directory, else a directory. */
static int destination_open(const struct mounts_context *ctx, const struct spec_mount *m, bool bind,
                            mode_t *existing_mode, struct error *err)
{
    /* proc and sysfs go on an ordinary directory only: never through a final symlink. */
    bool directory_only = !bind && (is_type(m, "proc") || is_type(m, "sysfs"));
    bool want_file = false;
    struct stat st;

    if (bind) {
        if (m->source == NULL)
            return error_set(err, 0, "bind mount without a source");
        if (stat(m->source, &st) < 0)
            return error_set(err, errno, "source %s", m->source);
        want_file = !S_ISDIR(st.st_mode);
    }
    cleanup_close int fd =
        path_open_in_root(ctx->root_fd, m->destination, directory_only ? O_NOFOLLOW : 0, err);
    if (fd >= 0) {
        if (fstat(fd, &st) < 0)
            return error_set(err, errno, "stat destination");
        if (directory_only && !S_ISDIR(st.st_mode))
            return error_set(err, 0, "%s must be mounted on an ordinary directory", m->type);
        *existing_mode = st.st_mode;
        return take_fd(&fd);
    }
    if (err->errnum != ENOENT)
        return -1;
    error_clear(err);
    *existing_mode = 0;
    if (want_file)
        return path_create_file_in_root(ctx->root_fd, m->destination, 0644, err);
    return path_mkdir_all_in_root(ctx->root_fd, m->destination, 0755, err);
}

static int filesystem_mount(const struct mounts_context *ctx, const struct spec_mount *m,
                            const struct mount_options *opts, int dest_fd, mode_t existing_mode,
                            struct error *err)
{
    cleanup_free char *data = NULL;
    const char *source = m->source ? m->source : m->type;

    /* As runc: a tmpfs over an image directory keeps the directory's mode unless told. */
    if (is_type(m, "tmpfs") && S_ISDIR(existing_mode))
        data = opts->data ? xasprintf("mode=%04o,%s", existing_mode & 07777, opts->data)
                          : xasprintf("mode=%04o", existing_mode & 07777);
    if (mount_fs_at(dest_fd, source, m->type, opts->flags, data ? data : opts->data, err) < 0) {
        /* sysfs needs a network namespace of our own (rootless lacks it): bind the host's. */
        if (!is_type(m, "sysfs") || err->errnum != EPERM)
            return -1;
        error_clear(err);
        return mount_bind_at(AT_FDCWD, "/sys", true, opts->flags, opts->cleared, dest_fd, err);
    }
    /* dest_fd is the directory under the new mount: look the mount itself up. */
    return path_open_in_root(ctx->root_fd, m->destination,
                             is_type(m, "proc") || is_type(m, "sysfs") ? O_NOFOLLOW : 0, err);
}

int mount_idmapped_tree(const char *source, const struct mount_options *opts, int userns_fd,
                        struct error *err)
{
    unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
    uint64_t attr_set, attr_clr;

    if (opts->recursive)
        tree_flags |= AT_RECURSIVE;
    cleanup_close int tree = open_tree(AT_FDCWD, source, tree_flags);
    if (tree < 0)
        return error_set(err, errno, "bind %s", source);
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (opts->idmap_recursive ? AT_RECURSIVE : 0), &attr,
                      sizeof attr) < 0)
        return error_set(err, errno,
                         "idmap %s (the filesystem must support idmapped mounts, Linux 5.12+)",
                         source);
    mount_flags_to_attr(opts->flags, opts->cleared, &attr_set, &attr_clr);
    if ((attr_set || attr_clr) && mount_set_attr(tree, false, attr_set, attr_clr, err) < 0)
        return error_prefix(err, "bind %s", source);
    return take_fd(&tree);
}

static int mount_entry(struct mounts_context *ctx, const struct spec_mount *m,
                       struct mount_options *opts, bool bind, int tree_fd, struct error *err)
{
    mode_t existing_mode;
    cleanup_close int mnt = -1;

    if (m->destination == NULL || m->destination[0] == '\0')
        return error_set(err, 0, "no destination");
    if (!bind && m->type == NULL)
        return error_set(err, 0, "no type and no bind option");
    cleanup_free char *clean = path_clean(m->destination);
    /* As runc: devices (in /dev) and the mount points of later mounts (in any tmpfs) are made
     * after this mount, so it becomes read-only only at mounts_finish(). */
    if (!bind && (opts->flags & MS_RDONLY) && (strcmp(clean, "/dev") == 0 || is_type(m, "tmpfs"))) {
        opts->flags &= ~(unsigned long)MS_RDONLY;
        ctx->deferred_readonly =
            xrealloc(ctx->deferred_readonly, (ctx->deferred_readonly_count + 1) * sizeof(char *));
        ctx->deferred_readonly[ctx->deferred_readonly_count++] = xstrdup(m->destination);
    }
    cleanup_close int dest_fd = destination_open(ctx, m, bind, &existing_mode, err);
    if (dest_fd < 0 || check_proc_destination(ctx, m, bind, dest_fd, err) < 0)
        return -1;
    if (tree_fd >= 0) {
        /* made by the runtime (mount_idmapped_tree()): only attached here */
        if (move_mount(tree_fd, "", dest_fd, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return error_set(err, errno, "attach the idmapped mount of %s", m->source);
        mnt = dup(tree_fd);
    } else if (bind)
        mnt = mount_bind_at(AT_FDCWD, m->source, opts->recursive, opts->flags, opts->cleared,
                            dest_fd, err);
    else if (is_type(m, "cgroup"))
        mnt = cgroup_mount(ctx, m, opts, dest_fd, err);
    else
        mnt = filesystem_mount(ctx, m, opts, dest_fd, existing_mode, err);
    if (mnt < 0)
        return -1;
    for (size_t i = 0; i < opts->propagation_count; i++) {
        if (mount_set_propagation(mnt, opts->propagation[i], err) < 0)
            return -1;
    }
    if ((opts->attr_set || opts->attr_clr) &&
        mount_set_attr(mnt, true, opts->attr_set, opts->attr_clr, err) < 0)
        return error_prefix(err, "recursive attributes");
    return 0;
}

int mounts_setup_entry(struct mounts_context *ctx, const struct spec_mount *mount, size_t index,
                       struct error *err)
{
    cleanup_mount_options struct mount_options opts = {0};

    if (mount_options_parse(mount->options, mount->options_count, &opts, err) < 0)
        return error_prefix(err, "config.json: mounts[%zu]", index);
    bool bind = opts.bind || is_type(mount, "bind");
    if (mount_entry(ctx, mount, &opts, bind, ctx->tree_fds ? ctx->tree_fds[index] : -1, err) < 0)
        return error_prefix(err, "config.json: mounts[%zu]: mount %s (%s)", index,
                            mount->destination ? mount->destination : "",
                            mount->type ? mount->type
                            : bind      ? "bind"
                                        : "none");
    return 0;
}

int mounts_finish(struct mounts_context *ctx, struct error *err)
{
    for (size_t i = 0; i < ctx->deferred_readonly_count; i++) {
        const char *dest = ctx->deferred_readonly[i];
        cleanup_close int fd = path_open_in_root(ctx->root_fd, dest, O_DIRECTORY, err);
        if (fd < 0 || mount_set_attr(fd, false, MOUNT_ATTR_RDONLY, 0, err) < 0)
            return error_prefix(err, "remount %s read-only", dest);
    }
    return 0;
}

void mounts_context_release(struct mounts_context *ctx)
{
    for (size_t i = 0; i < ctx->deferred_readonly_count; i++)
        free(ctx->deferred_readonly[i]);
    free(ctx->deferred_readonly);
    ctx->deferred_readonly = NULL;
    ctx->deferred_readonly_count = 0;
}
