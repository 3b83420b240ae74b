#include <stdio.h>
#include <string.h>

#include "../src/container/check.h"
#include "cmd.h"

static int run_check(const struct global_options *global, int argc, char **argv);

const struct command command_check = {
    "check", "[command options]",
    "report what this host supports, and what of a bundle's config.json will not work here",
    run_check};

static int run_check(const struct global_options *global, int argc, char **argv)
{
    const char *bundle = NULL, *format = "text";
    const struct option_def defs[] = {
        {"bundle", 'b', OPTION_STRING, &bundle,
         "path to the root of a bundle directory whose config.json is checked against this "
         "host; without it only the host is reported"},
        {"format", 'f', OPTION_STRING, &format, "select one of: text or json (default: \"text\")"},
        {NULL, 0, 0, NULL, NULL},
    };
    enum check_format how = CHECK_FORMAT_TEXT;
    struct error err;
    bool done, runnable;
    int index, rc = cmd_parse(&command_check, defs, argc, argv, &index, &done);

    (void)global;
    if (done)
        return rc;
    if (cmd_expect_args(&command_check, argc, index, 0, 0))
        return 1;
    if (strcmp(format, "json") == 0)
        how = CHECK_FORMAT_JSON;
    else if (strcmp(format, "text") != 0) {
        error_set(&err, 0, "invalid format option");
        return cmd_fail(&err);
    }
    if (container_check(bundle, how, stdout, &runnable, &err) < 0)
        return cmd_fail(&err);
    return runnable ? 0 : 1;
}
