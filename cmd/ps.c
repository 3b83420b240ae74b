#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/container/container.h"
#include "cmd.h"

static int run_ps(const struct global_options *global, int argc, char **argv);

const struct command command_ps = {"ps", "[command options] <container-id> [ps options]",
                                   "ps displays the processes running inside a container", run_ps};

static int run_ps(const struct global_options *global, int argc, char **argv)
{
    const char *format = "table";
    const struct option_def defs[] = {
        {"format", 'f', OPTION_STRING, &format,
         "select one of: table or json (default: \"table\")"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done, json;
    int index, rc = cmd_parse(&command_ps, defs, argc, argv, &index, &done);
    char *output;

    if (done)
        return rc;
    if (cmd_expect_args(&command_ps, argc, index, 1, argc))
        return 1;
    json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "table") != 0) {
        error_set(&err, 0, "invalid format option");
        return cmd_fail(&err);
    }
    /* everything after the id belongs to ps(1) */
    output = container_ps(global->root, argv[index], json, (const char *const *)argv + index + 1,
                          (size_t)(argc - index - 1), &err);
    if (!output)
        return cmd_fail(&err);
    fputs(output, stdout);
    free(output);
    return 0;
}
