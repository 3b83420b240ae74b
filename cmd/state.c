#include <stdio.h>
#include <stdlib.h>

#include "../src/container/container.h"
#include "cmd.h"

static int run_state(const struct global_options *global, int argc, char **argv);

const struct command command_state = {"state", "<container-id>", "output the state of a container",
                                      run_state};

static int run_state(const struct global_options *global, int argc, char **argv)
{
    const struct option_def defs[] = {{NULL, 0, 0, NULL, NULL}};
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_state, defs, argc, argv, &index, &done);
    char *json;

    if (done)
        return rc;
    if (cmd_expect_args(&command_state, argc, index, 1, 1))
        return 1;
    json = container_state_json(global->root, argv[index], &err);
    if (!json)
        return cmd_fail(&err);
    /* runc prints the object without a trailing newline. */
    fputs(json, stdout);
    free(json);
    return 0;
}
