/* Shared by restore.c (the flow: state, cgroup, CRIU, waiting) and restore-setup.c (what is
 * read and checked before anything is made: bundle, images, flags). */
#ifndef RUNC_GO_RESTORE_INTERNAL_H
#define RUNC_GO_RESTORE_INTERNAL_H

#include <signal.h>
#include <stdbool.h>

#include "../linux/criu-mounts.h"
#include "../linux/criu-rpc.h"
#include "../spec/checkpoint-json.h"
#include "../spec/spec.h"
#include "container.h"
#include "state.h"

#define RESTORE_MAX_NS 2       /* network and pid namespaces handed in by fd */
#define RESTORE_MAX_CGROUPS 32 /* lines of /proc/PID/cgroup */

struct restore {
    const struct restore_options *o;
    /* the bundle */
    struct spec *spec;
    char *bundle, *rootfs, *config_text;
    size_t config_len;
    /* the images */
    const char *image_path;
    const char *log_dir;
    int image_fd, work_fd;
    char *descriptors[3];
    int criu_version;
    /* what is made */
    struct container *container;
    struct spec_strmap cgroup_paths;
    char *systemd_unit;
    bool unit_started, cgroup_made;
    char *criu_root;
    int console_fd;       /* --console-socket, connected; or our end of a socketpair */
    bool console_proxied; /* foreground: the master comes to us */
    int console_master;
    pid_t pid; /* the restored init, once CRIU said post-restore */
    /* CRIU's request */
    struct criu_opts opts;
    struct criu_mount_map mounts;
    int ns_fds[RESTORE_MAX_NS];
    struct criu_inherit_fd inherit[3 + RESTORE_MAX_NS];
    struct criu_key_value join_ns[SPEC_NS_COUNT];
    struct criu_key_value cg_root[RESTORE_MAX_CGROUPS];
    char *cg_strings[2 * RESTORE_MAX_CGROUPS];
    size_t ns_count, cg_string_count;
};

/* restore-setup.c: flags, config.json and the terminal rules, the image directory and its
 * descriptors, what CRIU needs to know about namespaces and stdio. Nothing is made. */
int restore_load_bundle(struct restore *r, struct error *err);
int restore_open_images(struct restore *r, struct error *err);
int restore_fill_opts(struct restore *r, struct error *err);
/* CRIU restores the tasks into the cgroups CRIU's own process is in (cgroup_root). */
int restore_cgroup_roots(struct restore *r, pid_t criu_pid, struct error *err);
void restore_release_setup(struct restore *r);

#endif
