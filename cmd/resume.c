#include "../src/container/container.h"
#include "cmd.h"

static int run_resume(const struct global_options *global, int argc, char **argv);

const struct command command_resume = {"resume", "<container-id>",
                                       "resumes all processes that have been previously paused",
                                       run_resume};

static int run_resume(const struct global_options *global, int argc, char **argv)
{
    const struct option_def defs[] = {{NULL, 0, 0, NULL, NULL}};
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_resume, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_resume, argc, index, 1, 1))
        return 1;
    if (container_resume(global->root, argv[index], &err) < 0)
        return cmd_fail(&err);
    return 0;
}
