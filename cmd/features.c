#include <stdio.h>
#include <stdlib.h>

#include "../src/linux/features.h"
#include "cmd.h"

static int run_features(const struct global_options *global, int argc, char **argv);

const struct command command_features = {"features", "[command options]",
                                         "show the enabled features", run_features};

static int run_features(const struct global_options *global, int argc, char **argv)
{
    const struct option_def defs[] = {{NULL, 0, 0, NULL, NULL}};
    bool done;
    int index, rc = cmd_parse(&command_features, defs, argc, argv, &index, &done);
    char *json;

    (void)global;
    if (done)
        return rc;
    if (cmd_expect_args(&command_features, argc, index, 0, 0))
        return 1;
    json = features_json();
    fputs(json, stdout);
    free(json);
    return 0;
}
