#include "../src/container/container.h"
#include "cmd.h"

static int run_run(const struct global_options *global, int argc, char **argv);

const struct command command_run = {"run", "[command options] <container-id>",
                                    "create and run a container", run_run};

static int run_run(const struct global_options *global, int argc, char **argv)
{
    struct create_options options = {.root = global->root,
                                     .systemd_cgroup = global->systemd_cgroup,
                                     .rootless = global->is_rootless};
    bool detach = false, keep = false;
    const struct option_def defs[] = {
        CREATE_OPTION_DEFS(options),
        {"detach", 'd', OPTION_BOOL, &detach, "detach from the container's process"},
        {"keep", 0, OPTION_BOOL, &keep, "do not delete the container after it exits"},
        {"no-subreaper", 0, OPTION_BOOL, &options.no_subreaper,
         "disable the use of the subreaper used to reap reparented processes"},
        {NULL, 0, 0, NULL, NULL},
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
