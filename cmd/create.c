#include "../src/container/container.h"
#include "cmd.h"

static int run_create(const struct global_options *global, int argc, char **argv);

const struct command command_create = {"create", "[command options] <container-id>",
                                       "create a container", run_create};

static int run_create(const struct global_options *global, int argc, char **argv)
{
    struct create_options options = {.root = global->root,
                                     .systemd_cgroup = global->systemd_cgroup,
                                     .rootless = global->is_rootless};
    const struct option_def defs[] = {
        CREATE_OPTION_DEFS(options),
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_create, defs, argc, argv, &index, &done);
    pid_t pid;

    if (done)
        return rc;
    if (cmd_expect_args(&command_create, argc, index, 1, 1))
        return 1;
    options.id = argv[index];
    if (container_create(&options, &pid, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
