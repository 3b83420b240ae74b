#include "../src/container/container.h"
#include "cmd.h"

static int run_run(const struct global_options *global, int argc, char **argv);

const struct command command_run = {"run", "[command options] <container-id>",
                                    "create and run a container", run_run};

static int run_run(const struct global_options *global, int argc, char **argv)
{
    struct create_options options = {.root = global->root,
                                     .systemd_cgroup = global->systemd_cgroup};
    bool detach = false, keep = false, no_subreaper = false;
    const struct option_def defs[] = {
        {"bundle", 'b', OPTION_STRING, &options.bundle},
        {"console-socket", 0, OPTION_STRING, &options.console_socket},
        {"detach", 'd', OPTION_BOOL, &detach},
        {"keep", 0, OPTION_BOOL, &keep},
        {"pid-file", 0, OPTION_STRING, &options.pid_file},
        {"no-subreaper", 0, OPTION_BOOL, &no_subreaper},
        {"no-pivot", 0, OPTION_BOOL, &options.no_pivot},
        {"no-new-keyring", 0, OPTION_BOOL, &options.no_new_keyring},
        {"preserve-fds", 0, OPTION_INT, &options.preserve_fds},
        {NULL, 0, 0, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_run, defs, argc, argv, &index, &done);
    int exit_status;

    if (done)
        return rc;
    if (cmd_expect_args(&command_run, argc, index, 1, 1))
        return 1;
    options.id = argv[index];
    options.foreground = !detach;
    if (container_run(&options, detach, keep, &exit_status, &err) < 0)
        return cmd_fail(&err);
    return exit_status;
}
