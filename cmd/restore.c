#include "../src/container/container.h"
#include "cmd.h"

static int run_restore(const struct global_options *global, int argc, char **argv);

const struct command command_restore = {"restore", "[command options] <container-id>",
                                        "restore a container from a previous checkpoint",
                                        run_restore};

static int run_restore(const struct global_options *global, int argc, char **argv)
{
    struct restore_options options = {.root = global->root,
                                      .criu = global->criu,
                                      .systemd_cgroup = global->systemd_cgroup,
                                      .rootless = global->is_rootless};
    struct string_list empty_ns = {0};
    const struct option_def defs[] = {
        {"console-socket", 0, OPTION_STRING, &options.console_socket,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
         "end of the console's pseudoterminal"},
        {"image-path", 0, OPTION_STRING, &options.image_path,
         "path to criu image files for restoring"},
        {"work-path", 0, OPTION_STRING, &options.work_path, "path for saving work files and logs"},
        {"tcp-established", 0, OPTION_BOOL, &options.tcp_established, "allow open tcp connections"},
        {"ext-unix-sk", 0, OPTION_BOOL, &options.ext_unix_sk, "allow external unix sockets"},
        {"shell-job", 0, OPTION_BOOL, &options.shell_job, "allow shell jobs"},
        {"file-locks", 0, OPTION_BOOL, &options.file_locks, "handle file locks, for safety"},
        {"manage-cgroups-mode", 0, OPTION_STRING, &options.manage_cgroups_mode,
         "cgroups mode: soft|full|strict|ignore (default: soft)"},
        {"bundle", 'b', OPTION_STRING, &options.bundle, "path to the root of the bundle directory"},
        {"detach", 'd', OPTION_BOOL, &options.detach, "detach from the container's process"},
        {"pid-file", 0, OPTION_STRING, &options.pid_file,
         "specify the file to write the process id to"},
        {"no-subreaper", 0, OPTION_BOOL, &options.no_subreaper,
         "disable the use of the subreaper used to reap reparented processes"},
        {"no-pivot", 0, OPTION_BOOL, &options.no_pivot,
         "do not use pivot root to jail process inside rootfs.  This should be used whenever the "
         "rootfs is on top of a ramdisk"},
        {"empty-ns", 0, OPTION_STRING_LIST, &empty_ns,
         "create a namespace, but don't restore its properties"},
        {"auto-dedup", 0, OPTION_BOOL, &options.auto_dedup,
         "enable auto deduplication of memory images"},
        {"lazy-pages", 0, OPTION_BOOL, &options.lazy_pages,
         "use userfaultfd to lazily restore memory pages"},
        {"lsm-profile", 0, OPTION_STRING, &options.lsm_profile,
         "Specify an LSM profile to be used during restore in the form of TYPE:NAME."},
        {"lsm-mount-context", 0, OPTION_STRING, &options.lsm_mount_context,
         "Specify an LSM mount context to be used during restore."},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_restore, defs, argc, argv, &index, &done);
    int exit_status = 0;

    if (done) {
        string_list_free(&empty_ns);
        return rc;
    }
    if (cmd_expect_args(&command_restore, argc, index, 1, 1)) {
        string_list_free(&empty_ns);
        return 1;
    }
    options.id = argv[index];
    options.empty_ns = empty_ns.items;
    options.empty_ns_count = empty_ns.count;
    rc = container_restore(&options, &exit_status, &err) < 0 ? cmd_fail(&err) : exit_status;
    string_list_free(&empty_ns);
    return rc;
}
