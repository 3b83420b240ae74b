/* restore: everything read and checked before anything is made, and the CRIU request. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../linux/criu.h"
#include "../util.h"
#include "checkpoint-internal.h"
#include "restore-internal.h"

/* runc's checkTerminal, as create applies it: a detached container with a terminal hands
 * the master to --console-socket. */
static int check_terminal(const struct restore *r, struct error *err)
{
    bool terminal = r->spec->process.terminal;
    bool socket = r->o->console_socket && *r->o->console_socket;

    if (r->o->detach && terminal && !socket)
        return error_set(err, 0,
                         "cannot allocate tty if runc will detach without setting console "
                         "socket (pass --console-socket, or set process.terminal to false)");
    if ((!r->o->detach || !terminal) && socket)
        return error_set(err, 0,
                         "cannot use console socket if runc will not detach or allocate tty");
    return 0;
}

int restore_load_bundle(struct restore *r, struct error *err)
{
    const char *bundle = r->o->bundle && *r->o->bundle ? r->o->bundle : ".";
    char resolved[PATH_MAX];
    struct stat st;

    if (!realpath(bundle, resolved))
        return error_set(err, errno, "bundle %s", bundle);
    r->bundle = xstrdup(resolved);
    cleanup_free char *config_path = xasprintf("%s/config.json", r->bundle);
    if (read_file(config_path, 64u << 20, &r->config_text, &r->config_len, err) < 0)
        return -1;
    r->spec = spec_parse(r->config_text, r->config_len, "config.json", err);
    if (!r->spec || spec_validate(r->spec, "config.json", true, err) < 0)
        return -1;
    cleanup_free char *rootfs = r->spec->root_path[0] == '/'
                                    ? xstrdup(r->spec->root_path)
                                    : xasprintf("%s/%s", r->bundle, r->spec->root_path);
    if (!realpath(rootfs, resolved) || stat(resolved, &st) < 0)
        return error_set(err, errno, "config.json: root.path: %s", rootfs);
    if (!S_ISDIR(st.st_mode))
        return error_set(err, ENOTDIR, "config.json: root.path: %s", rootfs);
    r->rootfs = xstrdup(resolved);
    if (r->o->rootless)
        return error_set(err, ENOTSUP, "restore: not supported for rootless containers");
    return check_terminal(r, err);
}

/* The checkpoint's external bind mounts must be in this config too, or CRIU fails with a
 * message about mount ids. */
static int check_saved_mounts(const struct restore *r, const struct checkpoint_record *saved,
                              struct error *err)
{
    for (size_t i = 0; i < saved->external_mounts.count; i++) {
        const char *dest = saved->external_mounts.keys[i];
        bool found = false;
        for (size_t j = 0; j < r->mounts.count && !found; j++)
            found = strcmp(r->mounts.items[j].key, dest) == 0;
        if (!found)
            return error_set(err, 0,
                             "config.json: mounts: the checkpoint has a bind mount at %s (from "
                             "%s) and this config has none there",
                             dest, saved->external_mounts.values[i]);
    }
    return 0;
}

static int read_image_json(const struct restore *r, const char *name, char **text, size_t *len,
                           struct error *err)
{
    cleanup_close int fd = openat(r->image_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return error_set(err, errno, "--image-path %s: %s", r->image_path, name);
    return read_fd_all(fd, 1 << 20, text, len, err);
}

int restore_open_images(struct restore *r, struct error *err)
{
    cleanup_free char *descriptors = NULL, *record = NULL;
    struct checkpoint_record *saved;
    size_t len;
    int result = 0;

    r->image_fd = checkpoint_open_dir(r->image_path, false, "--image-path", err);
    if (r->image_fd < 0)
        return -1;
    if (read_image_json(r, CHECKPOINT_DESCRIPTORS_FILE, &descriptors, &len, err) < 0)
        return error_prefix(err, "not a checkpoint of runc or runc-go");
    if (checkpoint_descriptors_from_json(descriptors, len, CHECKPOINT_DESCRIPTORS_FILE,
                                         r->descriptors, err) < 0)
        return -1;
    criu_mount_map_restore(r->spec, r->bundle, &r->mounts);
    /* runc's images have no record: nothing more to check */
    if (faccessat(r->image_fd, CHECKPOINT_RECORD_FILE, F_OK, 0) < 0)
        return 0;
    if (read_image_json(r, CHECKPOINT_RECORD_FILE, &record, &len, err) < 0)
        return -1;
    saved = checkpoint_record_from_json(record, len, CHECKPOINT_RECORD_FILE, err);
    if (!saved)
        return -1;
    result = check_saved_mounts(r, saved, err);
    checkpoint_record_free(saved);
    return result;
}

/* CRIU's name of each namespace kind, for join_ns. */
static const char *criu_ns_name(enum spec_namespace_type type)
{
    static const char *const names[] = {
        [SPEC_NS_MOUNT] = "mnt",     [SPEC_NS_PID] = "pid",   [SPEC_NS_NETWORK] = "net",
        [SPEC_NS_UTS] = "uts",       [SPEC_NS_IPC] = "ipc",   [SPEC_NS_USER] = "user",
        [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
    };
    return names[type];
}

/* A network or PID namespace joined by path was external at checkpoint: CRIU takes the one
 * of this config as an inherited fd under the key it was saved with (runc's); the others
 * it joins by path. */
static int add_namespaces(struct restore *r, struct error *err)
{
    for (size_t i = 0; i < r->spec->linux_.namespaces_count; i++) {
        const struct spec_namespace *ns = &r->spec->linux_.namespaces[i];
        bool by_fd = ns->type == SPEC_NS_NETWORK || ns->type == SPEC_NS_PID;
        int fd;

        if (!ns->path)
            continue;
        if (ns->type == SPEC_NS_CGROUP)
            return error_set(err, ENOTSUP,
                             "config.json: linux.namespaces: restore cannot join a cgroup "
                             "namespace by path (CRIU cannot)");
        if (!by_fd) {
            r->join_ns[r->opts.join_ns_count].key = criu_ns_name(ns->type);
            r->join_ns[r->opts.join_ns_count++].value = ns->path;
            continue;
        }
        fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return error_set(err, errno, "config.json: linux.namespaces: %s", ns->path);
        r->ns_fds[r->ns_count] = fd;
        r->inherit[r->opts.inherit_fd_count].key =
            ns->type == SPEC_NS_NETWORK ? CRIU_EXT_NETNS : CRIU_EXT_PIDNS;
        /* CRIU's fds: 0-2 stdio, 3 the swrk socket, then ours in order */
        r->inherit[r->opts.inherit_fd_count++].fd = 4 + (int)r->ns_count++;
    }
    return 0;
}

int restore_fill_opts(struct restore *r, struct error *err)
{
    const struct restore_options *o = r->o;
    struct criu_opts *opts = &r->opts;

    opts->images_dir_fd = r->image_fd;
    opts->work_dir_fd = r->work_fd;
    opts->log_level = 4;
    opts->log_file = CRIU_RESTORE_LOG;
    opts->root = r->criu_root;
    opts->evasive_devices = true;
    opts->rst_sibling = true; /* the restored init becomes our child, as a created one */
    opts->manage_cgroups = true;
    opts->notify_scripts = true;
    opts->orphan_pts_master = true;
    opts->shell_job = o->shell_job;
    opts->ext_unix_sk = o->ext_unix_sk;
    opts->tcp_established = o->tcp_established;
    opts->file_locks = o->file_locks;
    opts->auto_dedup = o->auto_dedup;
    opts->lazy_pages = o->lazy_pages;
    opts->lsm_profile = o->lsm_profile && *o->lsm_profile ? o->lsm_profile : NULL;
    opts->lsm_mount_context =
        o->lsm_mount_context && *o->lsm_mount_context ? o->lsm_mount_context : NULL;
    opts->config_file = checkpoint_criu_config_file(r->spec);
    opts->ext_mnt = r->mounts.items;
    opts->ext_mnt_count = r->mounts.count;
    if (add_namespaces(r, err) < 0)
        return -1;
    /* The pipes the init had as stdio are replaced by ours, as runc does (CRIU's fds 0-2 are
     * our stdio); a tty or a file in the container is restored as it was. */
    for (int fd = 0; fd < 3; fd++)
        if (strstr(r->descriptors[fd], "pipe:")) {
            r->inherit[opts->inherit_fd_count].key = r->descriptors[fd];
            r->inherit[opts->inherit_fd_count++].fd = fd;
        }
    opts->inherit_fd = r->inherit;
    opts->join_ns = r->join_ns;
    return 0;
}

int restore_cgroup_roots(struct restore *r, pid_t criu_pid, struct error *err)
{
    cleanup_free char *path = xasprintf("/proc/%d/cgroup", (int)criu_pid);
    cleanup_fclose FILE *f = fopen(path, "re");
    char line[4096];

    if (!f)
        return error_set(err, errno, "open %s", path);
    while (fgets(line, sizeof line, f) && r->opts.cg_root_count < RESTORE_MAX_CGROUPS) {
        char *controllers = strchr(line, ':'), *dir, *save = NULL, *name;
        if (!controllers || !(dir = strchr(++controllers, ':')))
            continue;
        *dir++ = '\0';
        dir[strcspn(dir, "\n")] = '\0';
        /* "0::/path" (v2) gives the controller "", as runc passes it */
        if (!*controllers) {
            r->cg_strings[r->cg_string_count++] = xstrdup("");
            r->cg_strings[r->cg_string_count++] = xstrdup(dir);
            r->cg_root[r->opts.cg_root_count].key = r->cg_strings[r->cg_string_count - 2];
            r->cg_root[r->opts.cg_root_count++].value = r->cg_strings[r->cg_string_count - 1];
            continue;
        }
        for (name = strtok_r(controllers, ",", &save);
             name && r->opts.cg_root_count < RESTORE_MAX_CGROUPS &&
             r->cg_string_count + 2 <= 2 * RESTORE_MAX_CGROUPS;
             name = strtok_r(NULL, ",", &save)) {
            r->cg_strings[r->cg_string_count++] = xstrdup(name);
            r->cg_strings[r->cg_string_count++] = xstrdup(dir);
            r->cg_root[r->opts.cg_root_count].key = r->cg_strings[r->cg_string_count - 2];
            r->cg_root[r->opts.cg_root_count++].value = r->cg_strings[r->cg_string_count - 1];
        }
    }
    r->opts.cg_root = r->cg_root;
    return 0;
}

void restore_release_setup(struct restore *r)
{
    for (size_t i = 0; i < r->ns_count; i++)
        close(r->ns_fds[i]);
    for (size_t i = 0; i < r->cg_string_count; i++)
        free(r->cg_strings[i]);
    for (int i = 0; i < 3; i++)
        free(r->descriptors[i]);
    criu_mount_map_free(&r->mounts);
    if (r->image_fd >= 0)
        close(r->image_fd);
    if (r->work_fd >= 0)
        close(r->work_fd);
    spec_free(r->spec);
    free(r->bundle);
    free(r->rootfs);
    free(r->config_text);
}
