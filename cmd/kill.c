#include <signal.h>

#include "../src/container/container.h"
#include "../src/linux/signals.h"
#include "cmd.h"

static int run_kill(const struct global_options *global, int argc, char **argv);

const struct command command_kill = {
    "kill", "[command options] <container-id> [signal]",
    "kill sends the specified signal (default: SIGTERM) to the container's init process", run_kill};

static int run_kill(const struct global_options *global, int argc, char **argv)
{
    bool all = false;
    const struct option_def defs[] = {
        {"all", 'a', OPTION_BOOL, &all,
         "send the specified signal to all processes inside the container"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_kill, defs, argc, argv, &index, &done);
    int sig = SIGTERM;

    if (done)
        return rc;
    if (cmd_expect_args(&command_kill, argc, index, 1, 2))
        return 1;
    if (argc - index == 2) {
        sig = signal_parse(argv[index + 1]);
        if (sig < 0) {
            error_set(&err, 0, "unknown signal \"%s\"", argv[index + 1]);
            return cmd_fail(&err);
        }
    }
    if (container_kill(global->root, argv[index], sig, all, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
