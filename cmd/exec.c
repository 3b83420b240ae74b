#include <limits.h>
#include <string.h>

#include "../src/container/container.h"
#include "cmd.h"

static int run_exec(const struct global_options *global, int argc, char **argv);

const struct command command_exec = {
    "exec",
    "[command options] <container-id> <command> [command options]  || -p process.json "
    "<container-id>",
    "execute new process inside the container", run_exec};

/* Whether a bool flag was given at all before index (runc's context.IsSet): --no-new-privs=false
 * must override the config's true. */
static bool flag_given(char **argv, int index, const char *name)
{
    size_t len = strlen(name);
    for (int i = 1; i < index; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0)
            break;
        arg += arg[0] == '-' ? (arg[1] == '-' ? 2 : 1) : 0;
        if (strncmp(arg, name, len) == 0 && (arg[len] == '\0' || arg[len] == '='))
            return true;
    }
    return false;
}

/* runc reports every exec failure as "exec failed: ..." with the exit code 255. */
static int exec_fail(struct error *err)
{
    error_prefix(err, "exec failed");
    cmd_fail(err);
    return 255;
}

static int run_exec(const struct global_options *global, int argc, char **argv)
{
    struct exec_options options = {.root = global->root};
    struct string_list env = {0}, gids = {0}, caps = {0}, cgroups = {0};
    const struct option_def defs[] = {
        {"console-socket", 0, OPTION_STRING, &options.console_socket,
         "path to an AF_UNIX socket which will receive a file descriptor referencing the master "
         "end of the console's pseudoterminal"},
        {"cwd", 0, OPTION_STRING, &options.cwd, "current working directory in the container"},
        {"env", 'e', OPTION_STRING_LIST, &env, "set environment variables"},
        {"tty", 't', OPTION_BOOL, &options.tty, "allocate a pseudo-TTY"},
        {"user", 'u', OPTION_STRING, &options.user, "UID (format: <uid>[:<gid>])"},
        {"additional-gids", 'g', OPTION_STRING_LIST, &gids, "additional gids"},
        {"process", 'p', OPTION_STRING, &options.process_file, "path to the process.json"},
        {"detach", 'd', OPTION_BOOL, &options.detach, "detach from the container's process"},
        {"pid-file", 0, OPTION_STRING, &options.pid_file,
         "specify the file to write the process id to"},
        {"process-label", 0, OPTION_STRING, &options.process_label,
         "set the asm process label for the process commonly used with selinux"},
        {"apparmor", 0, OPTION_STRING, &options.apparmor,
         "set the apparmor profile for the process"},
        {"no-new-privs", 0, OPTION_BOOL, &options.no_new_privs,
         "set the no new privileges value for the process"},
        {"cap", 'c', OPTION_STRING_LIST, &caps,
         "add a capability to the bounding set for the process"},
        {"preserve-fds", 0, OPTION_INT, &options.preserve_fds,
         "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total) "
         "(default: 0)"},
        {"cgroup", 0, OPTION_STRING_LIST, &cgroups,
         "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>."},
        {"ignore-paused", 0, OPTION_BOOL, &options.ignore_paused,
         "allow exec in a paused container"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    int index, exit_status = 1;
    int rc = cmd_parse(&command_exec, defs, argc, argv, &index, &done);

    if (!done && cmd_expect_args(&command_exec, argc, index, 1, INT_MAX) != 0) {
        done = true;
        rc = 1;
    }
    if (!done) {
        /* Flags end at the container id: everything after it is the command. */
        options.id = argv[index];
        options.args = (const char *const *)argv + index + 1;
        options.args_count = (size_t)(argc - index - 1);
        options.env = env.items, options.env_count = env.count;
        options.additional_gids = gids.items, options.additional_gids_count = gids.count;
        options.caps = caps.items, options.caps_count = caps.count;
        options.cgroups = cgroups.items, options.cgroups_count = cgroups.count;
        options.no_new_privs_set = flag_given(argv, index, "no-new-privs");
        rc = container_exec(&options, &exit_status, &err) < 0 ? exec_fail(&err) : exit_status;
    }
    string_list_free(&env);
    string_list_free(&gids);
    string_list_free(&caps);
    string_list_free(&cgroups);
    return rc;
}
