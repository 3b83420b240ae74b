/* `checkpoint`: CRIU dumps the container's process tree (DUMP, or PRE_DUMP for an iterative
 * migration) into the image directory; beside its images go what restore needs and CRIU
 * does not keep (descriptors.json, runc-go-checkpoint.json, the config). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../linux/cgroup.h"
#include "../linux/criu-mounts.h"
#include "../linux/criu.h"
#include "../linux/path.h"
#include "../log.h"
#include "../spec/checkpoint-json.h"
#include "../util.h"
#include "checkpoint-internal.h"
#include "create-internal.h"
#include "state.h"

struct dump {
    const struct checkpoint_options *o;
    struct container *c;
    struct spec *spec;
    const char *image_path;
    const char *log_dir;
    int image_fd, work_fd;
    int criu_version;
    struct criu_opts opts;
    struct criu_mount_map mounts;
    char *external[2];
    char *page_server_address;
};

static void dump_release(struct dump *d)
{
    if (d->image_fd >= 0)
        close(d->image_fd);
    if (d->work_fd >= 0)
        close(d->work_fd);
    criu_mount_map_free(&d->mounts);
    for (size_t i = 0; i < ARRAY_SIZE(d->external); i++)
        free(d->external[i]);
    free(d->page_server_address);
    spec_free(d->spec);
    container_free(d->c);
}

/* runc's ADDRESS:PORT, its messages. */
static int parse_page_server(struct dump *d, struct error *err)
{
    const char *value = d->o->page_server, *colon;
    long long port;

    if (!value || !*value)
        return 0;
    colon = strrchr(value, ':');
    if (!colon || colon == value || !colon[1])
        return error_set(err, EINVAL,
                         "--page-server: use --page-server ADDRESS:PORT to specify page server");
    if (parse_long(colon + 1, &port) < 0 || port <= 0 || port > 65535)
        return error_set(err, EINVAL, "--page-server: invalid port number \"%s\"", colon + 1);
    d->page_server_address = xstrndup(value, (size_t)(colon - value));
    d->opts.page_server_address = d->page_server_address;
    d->opts.page_server_port = (int)port;
    return 0;
}

/* Everything that can be wrong with the flags, found before anything is made. */
static int check_flags(struct dump *d, struct error *err)
{
    const struct checkpoint_options *o = d->o;
    struct stat st;

    if (stat(d->image_path, &st) == 0 && !S_ISDIR(st.st_mode))
        return error_set(err, ENOTDIR, "--image-path %s", d->image_path);
    if (o->work_path && stat(o->work_path, &st) == 0 && !S_ISDIR(st.st_mode))
        return error_set(err, ENOTDIR, "--work-path %s", o->work_path);
    if (o->parent_path && *o->parent_path) {
        char cwd[PATH_MAX];
        /* CRIU resolves it in the image directory, which may not exist yet: lexically */
        cleanup_free char *joined = d->image_path[0] == '/' || !getcwd(cwd, sizeof cwd)
                                        ? xasprintf("%s/%s", d->image_path, o->parent_path)
                                        : xasprintf("%s/%s/%s", cwd, d->image_path, o->parent_path);
        cleanup_free char *parent = path_clean(joined);
        if (o->parent_path[0] == '/')
            return error_set(err, EINVAL, "--parent-path must be relative (to --image-path)");
        if (stat(parent, &st) < 0)
            return error_set(err, errno, "invalid --parent-path: stat %s", parent);
        if (!S_ISDIR(st.st_mode))
            return error_set(err, ENOTDIR, "invalid --parent-path: %s", parent);
    }
    if (o->status_fd >= 0) {
        int flags = fcntl(o->status_fd, F_GETFL);
        if (flags < 0)
            return error_set(err, errno, "invalid --status-fd argument %d", o->status_fd);
        if ((flags & O_ACCMODE) == O_RDONLY)
            return error_set(err, 0, "invalid --status-fd argument %d: not writable", o->status_fd);
    }
    if (checkpoint_parse_cg_mode(o->manage_cgroups_mode, &d->opts.manage_cgroups_mode, err) < 0 ||
        checkpoint_empty_ns_mask(o->empty_ns, o->empty_ns_count, &d->opts.empty_ns, err) < 0)
        return -1;
    return parse_page_server(d, err);
}

/* --pre-dump needs memory tracking, --lazy-pages userfaultfd: CRIU says whether it has them. */
static int check_features(struct dump *d, struct error *err)
{
    struct criu_call call = {.binary = d->o->criu, .stdio = {-1, -1, -1}};
    struct criu_request req = {.type = CRIU_REQ_FEATURE_CHECK,
                               .features = true,
                               .feature_mem_track = d->o->pre_dump,
                               .feature_lazy_pages = d->o->lazy_pages};
    struct criu_response resp;

    if (!d->o->pre_dump && !d->o->lazy_pages)
        return 0;
    if (criu_call(&call, &req, &resp, err) < 0)
        return error_prefix(err, "criu feature check");
    criu_response_free(&resp);
    if (d->o->pre_dump && resp.has_mem_track && !resp.mem_track)
        return error_set(err, ENOTSUP,
                         "--pre-dump: criu cannot track memory changes on this host "
                         "(soft-dirty bits)");
    if (d->o->lazy_pages && resp.has_lazy_pages && !resp.lazy_pages)
        return error_set(err, ENOTSUP,
                         "--lazy-pages: lazy pages are not supported by criu on this host "
                         "(userfaultfd)");
    return 0;
}

/* A namespace joined by path is left to whoever made it: CRIU records it as external, and
 * restore hands the one of its config in (runc's keys). */
static int add_external_namespaces(struct dump *d, struct error *err)
{
    static const struct {
        enum spec_namespace_type type;
        const char *criu_name, *key;
    } kinds[] = {
        {SPEC_NS_NETWORK, "net", CRIU_EXT_NETNS},
        {SPEC_NS_PID, "pid", CRIU_EXT_PIDNS},
    };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        const struct spec_namespace *ns = spec_find_namespace(d->spec, kinds[i].type);
        struct stat st;

        if (!ns || !ns->path)
            continue;
        if (stat(ns->path, &st) < 0)
            return error_set(err, errno, "config.json: linux.namespaces: %s", ns->path);
        d->external[d->opts.external_count++] = xasprintf(
            "%s[%llu]:%s", kinds[i].criu_name, (unsigned long long)st.st_ino, kinds[i].key);
    }
    d->opts.external = (const char *const *)d->external;
    return 0;
}

static int open_dirs(struct dump *d, struct error *err)
{
    d->image_fd = checkpoint_open_dir(d->image_path, true, "--image-path", err);
    if (d->image_fd < 0)
        return -1;
    d->log_dir = d->image_path;
    if (d->o->work_path && *d->o->work_path) {
        d->work_fd = checkpoint_open_dir(d->o->work_path, true, "--work-path", err);
        if (d->work_fd < 0)
            return -1;
        d->log_dir = d->o->work_path;
    }
    return 0;
}

static void fill_opts(struct dump *d)
{
    const struct checkpoint_options *o = d->o;
    struct criu_opts *opts = &d->opts;
    const struct spec_strmap *cgroups = &d->c->record->cgroup_paths;

    opts->images_dir_fd = d->image_fd;
    opts->work_dir_fd = d->work_fd;
    opts->pid = d->c->record->pid;
    opts->log_level = 4;
    opts->log_file = CRIU_DUMP_LOG;
    opts->root = d->c->record->rootfs;
    opts->manage_cgroups = true;
    opts->notify_scripts = true;
    opts->orphan_pts_master = true;
    opts->leave_running = o->leave_running;
    opts->tcp_established = o->tcp_established;
    opts->ext_unix_sk = o->ext_unix_sk;
    opts->shell_job = o->shell_job;
    opts->file_locks = o->file_locks;
    opts->auto_dedup = o->auto_dedup;
    opts->lazy_pages = o->lazy_pages;
    opts->config_file = checkpoint_criu_config_file(d->spec);
    /* CRIU freezes the tasks with the cgroup freezer rather than ptrace (v2: CRIU 3.14+). */
    for (size_t i = 0; i < cgroups->count; i++) {
        bool v2 = strcmp(cgroups->keys[i], CGROUP_UNIFIED_KEY) == 0 && cgroups->count == 1;
        if (strcmp(cgroups->keys[i], "freezer") == 0 ||
            (v2 && d->criu_version >= CRIU_MIN_VERSION_V2_FREEZER))
            opts->freeze_cgroup = cgroups->values[i];
    }
    if (o->parent_path && *o->parent_path) {
        opts->parent_img = o->parent_path;
        opts->track_mem = true;
    }
    /* CRIU's pre-dump only keeps memory changes trackable for the next dump when asked to */
    if (o->pre_dump)
        opts->track_mem = true;
    if (!o->pre_dump) {
        criu_mount_map_dump(d->spec, &d->mounts);
        opts->ext_mnt = d->mounts.items;
        opts->ext_mnt_count = d->mounts.count;
    }
}

/* The init's fds 0-2 as the kernel names them ("pipe:[1234]"): restore replaces the pipes
 * among them with its caller's. */
static void read_descriptors(pid_t pid, char *descriptors[3])
{
    for (int fd = 0; fd < 3; fd++) {
        char link[64], target[PATH_MAX];
        ssize_t n;

        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
        n = readlink(link, target, sizeof target - 1);
        descriptors[fd] = xstrndup(target, n > 0 ? (size_t)n : 0);
    }
}

static int write_image_file(int dir_fd, const char *name, const char *data, size_t len,
                            struct error *err)
{
    cleanup_close int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0 || write_all(fd, data, len) < 0)
        return error_set(err, errno, "write %s in the image directory", name);
    return 0;
}

/* What restore needs that CRIU does not keep. */
static int save_extras(struct dump *d, struct error *err)
{
    struct checkpoint_record rec = {0};
    cleanup_free char *config = NULL, *descriptors_json = NULL, *record_json = NULL;
    cleanup_free char *config_path = xasprintf("%s/%s", d->c->dir, CONFIG_FILE);
    struct criu_mount_map sources = {0};
    size_t config_len;
    int result;

    rec.id = d->c->id;
    rec.bundle = d->c->record->bundle;
    rec.rootfs = d->c->record->rootfs;
    rec.criu_version = xasprintf("%d.%d.%d", d->criu_version / 10000, d->criu_version / 100 % 100,
                                 d->criu_version % 100);
    rec.cgroup_paths = d->c->record->cgroup_paths;
    read_descriptors(d->c->record->pid, rec.descriptors);
    /* the bind mounts (the first entries; the device nodes follow) */
    criu_mount_map_restore(d->spec, d->c->record->bundle, &sources);
    for (size_t i = 0, binds = 0; i < d->spec->mounts_count; i++)
        if (spec_mount_is_bind(&d->spec->mounts[i]) && binds < sources.count) {
            spec_strmap_add(&rec.external_mounts, sources.items[binds].key,
                            sources.items[binds].value);
            binds++;
        }
    for (int t = SPEC_NS_PID; t <= SPEC_NS_NETWORK; t++) {
        const struct spec_namespace *ns = spec_find_namespace(d->spec, t);
        if (ns && ns->path)
            spec_strmap_add(&rec.external_namespaces, spec_namespace_type_name(t), ns->path);
    }
    descriptors_json = checkpoint_descriptors_to_json(rec.descriptors);
    record_json = checkpoint_record_to_json(&rec);
    result = read_file(config_path, 64u << 20, &config, &config_len, err);
    if (result == 0)
        result = write_image_file(d->image_fd, CHECKPOINT_DESCRIPTORS_FILE, descriptors_json,
                                  strlen(descriptors_json), err);
    if (result == 0)
        result = write_image_file(d->image_fd, CHECKPOINT_RECORD_FILE, record_json,
                                  strlen(record_json), err);
    if (result == 0)
        result = write_image_file(d->image_fd, CHECKPOINT_CONFIG_FILE, config, config_len, err);
    criu_mount_map_free(&sources);
    free(rec.criu_version);
    for (int i = 0; i < 3; i++)
        free(rec.descriptors[i]);
    spec_strmap_free(&rec.external_mounts);
    spec_strmap_free(&rec.external_namespaces);
    return result;
}

/* CRIU 3.15+ tells when the lazy-pages server is ready by a notification: runc's --status-fd
 * then gets a zero byte. */
static int dump_notify(void *data, struct criu_notify *notify, struct error *err)
{
    const struct checkpoint_options *o = data;

    (void)err;
    if (strcmp(notify->script, "status-ready") == 0 && o->status_fd >= 0) {
        if (write(o->status_fd, "", 1) != 1)
            log_warn("checkpoint: cannot write to --status-fd %d: %s", o->status_fd,
                     strerror(errno));
    }
    return 0;
}

static int run_dump(struct dump *d, struct error *err)
{
    struct criu_call call = {
        .binary = d->o->criu, .stdio = {-1, -1, -1}, .notify = dump_notify, .data = (void *)d->o};
    struct criu_request req = {.type = d->o->pre_dump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP,
                               .opts = &d->opts};
    struct criu_response resp;

    if (criu_call(&call, &req, &resp, err) < 0) {
        criu_remove_cgroup_yard(d->image_path);
        criu_remove_cgroup_yard(d->o->work_path);
        return checkpoint_criu_failed(err, d->log_dir, CRIU_DUMP_LOG);
    }
    criu_response_free(&resp);
    return 0;
}

static int checkpoint_loaded(struct dump *d, struct error *err)
{
    enum container_status status = container_status(d->c);

    if (status == STATUS_CREATED || status == STATUS_STOPPED)
        return error_set(err, 0, "Container cannot be checkpointed in %s state",
                         container_status_name(status));
    if (check_flags(d, err) < 0)
        return -1;
    /* Before anything is written: on a kernel CRIU does not support the dump would fail
     * half-way through. */
    if (checkpoint_require_criu(d->o->criu, "checkpoint", &d->criu_version, err) < 0 ||
        check_features(d, err) < 0)
        return -1;
    d->spec = container_load_config(d->c, err);
    if (!d->spec || add_external_namespaces(d, err) < 0 || open_dirs(d, err) < 0)
        return -1;
    fill_opts(d);
    if (!d->o->pre_dump && save_extras(d, err) < 0)
        return -1;
    if (run_dump(d, err) < 0)
        return -1;
    /* CRIU killed the processes: the container is gone, as after runc's checkpoint. */
    if (d->o->leave_running || d->o->pre_dump)
        return 0;
    return container_destroy(d->c, err);
}

int container_checkpoint(const struct checkpoint_options *options, struct error *err)
{
    struct dump d = {.o = options, .image_fd = -1, .work_fd = -1};
    int result;

    criu_opts_init(&d.opts);
    d.image_path = options->image_path && *options->image_path ? options->image_path : "checkpoint";
    d.c = container_load(options->root, options->id, err);
    result = d.c ? checkpoint_loaded(&d, err) : -1;
    dump_release(&d);
    return result;
}
