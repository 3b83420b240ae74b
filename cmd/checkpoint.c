#include "../src/container/container.h"
#include "cmd.h"

static int run_checkpoint(const struct global_options *global, int argc, char **argv);

const struct command command_checkpoint = {"checkpoint", "[command options] <container-id>",
                                           "checkpoint a running container", run_checkpoint};

static int run_checkpoint(const struct global_options *global, int argc, char **argv)
{
    struct checkpoint_options options = {
        .root = global->root, .criu = global->criu, .status_fd = -1};
    struct string_list empty_ns = {0};
    const struct option_def defs[] = {
        {"image-path", 0, OPTION_STRING, &options.image_path, "path for saving criu image files"},
        {"work-path", 0, OPTION_STRING, &options.work_path, "path for saving work files and logs"},
        {"parent-path", 0, OPTION_STRING, &options.parent_path,
         "path for previous criu image files in pre-dump"},
        {"leave-running", 0, OPTION_BOOL, &options.leave_running,
         "leave the process running after checkpointing"},
        {"tcp-established", 0, OPTION_BOOL, &options.tcp_established, "allow open tcp connections"},
        {"ext-unix-sk", 0, OPTION_BOOL, &options.ext_unix_sk, "allow external unix sockets"},
        {"shell-job", 0, OPTION_BOOL, &options.shell_job, "allow shell jobs"},
        {"lazy-pages", 0, OPTION_BOOL, &options.lazy_pages,
         "use userfaultfd to lazily restore memory pages"},
        {"status-fd", 0, OPTION_INT, &options.status_fd,
         "criu writes \\0 to this FD once lazy-pages is ready (default: -1)"},
        {"page-server", 0, OPTION_STRING, &options.page_server, "ADDRESS:PORT of the page server"},
        {"file-locks", 0, OPTION_BOOL, &options.file_locks, "handle file locks, for safety"},
        {"pre-dump", 0, OPTION_BOOL, &options.pre_dump,
         "dump container's memory information only, leave the container running after this"},
        {"manage-cgroups-mode", 0, OPTION_STRING, &options.manage_cgroups_mode,
         "cgroups mode: soft|full|strict|ignore (default: soft)"},
        {"empty-ns", 0, OPTION_STRING_LIST, &empty_ns,
         "create a namespace, but don't restore its properties"},
        {"auto-dedup", 0, OPTION_BOOL, &options.auto_dedup,
         "enable auto deduplication of memory images"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_checkpoint, defs, argc, argv, &index, &done);

    if (done) {
        string_list_free(&empty_ns);
        return rc;
    }
    if (cmd_expect_args(&command_checkpoint, argc, index, 1, 1)) {
        string_list_free(&empty_ns);
        return 1;
    }
    options.id = argv[index];
    options.empty_ns = empty_ns.items;
    options.empty_ns_count = empty_ns.count;
    rc = container_checkpoint(&options, &err) < 0 ? cmd_fail(&err) : 0;
    string_list_free(&empty_ns);
    return rc;
}
