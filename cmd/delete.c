#include "../src/container/container.h"
#include "cmd.h"

static int run_delete(const struct global_options *global, int argc, char **argv);

const struct command command_delete = {
    "delete", "[command options] <container-id>",
    "delete any resources held by the container often used with detached container", run_delete};

static int run_delete(const struct global_options *global, int argc, char **argv)
{
    bool force = false;
    const struct option_def defs[] = {
        {"force", 'f', OPTION_BOOL, &force,
         "Forcibly deletes the container if it is still running (uses SIGKILL)"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_delete, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_delete, argc, index, 1, 1))
        return 1;
    if (container_delete(global->root, argv[index], force, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
