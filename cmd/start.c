#include "../src/container/container.h"
#include "cmd.h"

static int run_start(const struct global_options *global, int argc, char **argv);

const struct command command_start = {"start", "<container-id>",
                                      "executes the user defined process in a created container",
                                      run_start};

static int run_start(const struct global_options *global, int argc, char **argv)
{
    const struct option_def defs[] = {{NULL, 0, 0, NULL, NULL}};
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_start, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_start, argc, index, 1, 1))
        return 1;
    if (container_start(global->root, argv[index], &err) < 0)
        return cmd_fail(&err);
    return 0;
}
