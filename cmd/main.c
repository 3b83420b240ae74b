/* runc-go's entry point: global flags, then the subcommand table. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/prctl.h>

#include "../src/linux/sealed-binary.h"
#include "../src/log.h"
#include "../src/spec/spec.h"
#include "cmd.h"

static const struct command *const commands[] = {
    &command_create, &command_delete,     &command_exec,    &command_kill,   &command_list,
    &command_run,    &command_spec,       &command_start,   &command_state,  &command_features,
    &command_pause,  &command_resume,     &command_ps,      &command_update, &command_events,
    &command_check,  &command_checkpoint, &command_restore,
};

static void print_version(void)
{
    const struct scmp_version *v = seccomp_version();
    printf("runc-go version %s\ncommit: %s\nspec: %s\n", RUNC_GO_VERSION, RUNC_GO_COMMIT,
           SPEC_VERSION);
    if (v)
        printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_help(const struct option_def *global_defs)
{
    printf("NAME:\n   runc-go - Open Container Initiative runtime\n\n"
           "USAGE:\n   runc-go [global options] command [command options] [arguments...]\n\n"
           "VERSION:\n   %s\n\nCOMMANDS:\n",
           RUNC_GO_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("   %-10s %s\n", commands[i]->name, commands[i]->summary);
    printf("\nGLOBAL OPTIONS:\n");
    cmd_print_options(global_defs);
}

static int setup_logging(const struct global_options *global)
{
    enum log_format format = LOG_FORMAT_TEXT;
    if (strcmp(global->log_format, "json") == 0)
        format = LOG_FORMAT_JSON;
    else if (strcmp(global->log_format, "text") != 0) {
        fprintf(stderr, "runc-go: invalid log-format: %s\n", global->log_format);
        return -1;
    }
    return log_init(global->log, format, global->debug);
}

/* The commands whose processes enter a container run from a sealed copy of the binary. */
static bool enters_container(const char *name)
{
    return strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0;
}

static int dispatch(const struct global_options *global, const struct option_def *global_defs,
                    int argc, char **argv)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[0], commands[i]->name) == 0)
            return commands[i]->run(global, argc, argv);
    if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "h") == 0) {
        print_help(global_defs);
        return 0;
    }
    /* runc's CLI library answers an unknown command like this, with exit status 3. */
    fprintf(stderr, "No help topic for '%s'\n", argv[0]);
    return 3;
}

/* --rootless auto: rootless when not root (runc also checks for a user namespace). A rootless
 * runtime keeps its state in $XDG_RUNTIME_DIR/runc-go unless --root says otherwise, and its
 * cgroups only where it may write (create_options.rootless). */
static int resolve_rootless(struct global_options *global, struct error *err)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    static char root[4096];

    if (strcmp(global->rootless, "auto") == 0)
        global->is_rootless = geteuid() != 0;
    else if (strcmp(global->rootless, "true") == 0)
        global->is_rootless = true;
    else if (strcmp(global->rootless, "false") == 0)
        global->is_rootless = false;
    else
        return error_set(err, 0, "--rootless: invalid value \"%s\" (expected true, false or auto)",
                         global->rootless);
    /* --root given: nothing to choose */
    if (global->root)
        return 0;
    global->root = "/run/runc-go";
    if (global->is_rootless && geteuid() != 0) {
        if (xdg && *xdg)
            snprintf(root, sizeof root, "%s/runc-go", xdg);
        else
            snprintf(root, sizeof root, "/run/user/%u/runc-go", (unsigned)geteuid());
        global->root = root;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* Before anything touches a container: a container process must not reach us through
     * /proc/<pid>/exe, fd or mem (CVE-2019-5736, CVE-2016-9962). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct global_options global = {.log_format = "text",
                                    .rootless = "auto"}; /* .root: resolve_rootless() */
    bool help = false, version = false;
    /* runc's order; -h is parsed by options_parse itself, listed here for the help */
    const struct option_def defs[] = {
        {"debug", 0, OPTION_BOOL, &global.debug, "enable debug logging"},
        {"log", 0, OPTION_STRING, &global.log,
         "set the log file to write runc-go logs to (default is '/dev/stderr')"},
        {"log-format", 0, OPTION_STRING, &global.log_format,
         "set the log format ('text' (default), or 'json') (default: \"text\")"},
        {"root", 0, OPTION_STRING, &global.root,
         "root directory for storage of container state (this should be located in tmpfs) "
         "(default: \"/run/runc-go\")"},
        {"criu", 0, OPTION_STRING, &global.criu,
         "path to the criu binary used for checkpoint and restore (default: \"criu\")"},
        {"systemd-cgroup", 0, OPTION_BOOL, &global.systemd_cgroup, "enable systemd cgroup support"},
        {"rootless", 0, OPTION_STRING, &global.rootless,
         "ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")"},
        {"help", 'h', OPTION_BOOL, &help, "show help"},
        {"version", 'v', OPTION_BOOL, &version, "print the version"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    int index = 1;

    if (options_parse(defs, argc, argv, &index, &help, &err) < 0) {
        fprintf(stderr, "runc-go: %s\n", err.msg);
        return 1;
    }
    if (version) {
        print_version();
        return 0;
    }
    if (help || index >= argc) {
        print_help(defs);
        return 0;
    }
    if (setup_logging(&global) < 0)
        return 1;
    if (resolve_rootless(&global, &err) < 0)
        return cmd_fail(&err);
    if (enters_container(argv[index]) && sealed_binary_ensure(argv) < 0) {
        error_set(&err, errno, "re-execute from a sealed copy of the runtime");
        return cmd_fail(&err);
    }
    return dispatch(&global, defs, argc - index, argv + index);
}
