#include "../src/container/container.h"
#include "cmd.h"

static int run_pause(const struct global_options *global, int argc, char **argv);

const struct command command_pause = {
    "pause", "<container-id>", "pause suspends all processes inside the container", run_pause};

static int run_pause(const struct global_options *global, int argc, char **argv)
{
    const struct option_def defs[] = {{NULL, 0, 0, NULL, NULL}};
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_pause, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_pause, argc, index, 1, 1))
        return 1;
    if (container_pause(global->root, argv[index], &err) < 0)
        return cmd_fail(&err);
    return 0;
}
