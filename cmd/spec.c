#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/linux/cgroup.h"
#include "../src/spec/spec.h"
#include "../src/util.h"
#include "cmd.h"

static int run_spec(const struct global_options *global, int argc, char **argv);

const struct command command_spec = {"spec", "[command options]", "create a new specification file",
                                     run_spec};

static int write_spec(const char *bundle, bool rootless, struct error *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle ? bundle : ".");
    cleanup_free char *json =
        spec_default_json(rootless, cgroup_detect_mode() == CGROUP_MODE_V2, geteuid(), getegid());
    cleanup_close int fd = -1;

    if (access(path, F_OK) == 0)
        return error_set(err, 0, "File config.json exists. Remove it first");
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    if (write_all(fd, json, strlen(json)) < 0)
        return error_set(err, errno, "write %s", path);
    return 0;
}

static int run_spec(const struct global_options *global, int argc, char **argv)
{
    const char *bundle = NULL;
    bool rootless = false;
    const struct option_def defs[] = {
        {"bundle", 'b', OPTION_STRING, &bundle, "path to the root of the bundle directory"},
        {"rootless", 0, OPTION_BOOL, &rootless,
         "generate a configuration for a rootless container"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_spec, defs, argc, argv, &index, &done);

    (void)global;
    if (done)
        return rc;
    if (cmd_expect_args(&command_spec, argc, index, 0, 0))
        return 1;
    if (write_spec(bundle, rootless, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
