/* The CLI: one file per subcommand, each parsing its flags and calling one library
 * function. No kernel calls here. */
#ifndef RUNC_GO_CMD_H
#define RUNC_GO_CMD_H

#include <stdbool.h>

#include "../src/error.h"
#include "options.h"

struct global_options {
    const char *root;
    const char *log;
    const char *log_format;
    bool debug;
    bool systemd_cgroup;
    const char *rootless;
    bool is_rootless; /* --rootless resolved */
    const char *criu;
};

struct command {
    const char *name;
    const char *usage;   /* "[command options] <container-id>" */
    const char *summary; /* one line */
    int (*run)(const struct global_options *global, int argc, char **argv);
};

/* The flags `create` and `run` share, filling a struct create_options. */
#define CREATE_OPTION_DEFS(options)                                                                \
    {"bundle", 'b', OPTION_STRING, &(options).bundle,                                              \
     "path to the root of the bundle directory, defaults to the current directory"},               \
        {"console-socket", 0, OPTION_STRING, &(options).console_socket,                            \
         "path to an AF_UNIX socket which will receive a file descriptor referencing the master "  \
         "end of the console's pseudoterminal"},                                                   \
        {"pid-file", 0, OPTION_STRING, &(options).pid_file,                                        \
         "specify the file to write the process id to"},                                           \
        {"no-pivot", 0, OPTION_BOOL, &(options).no_pivot,                                          \
         "do not use pivot root to jail process inside rootfs.  This should be used whenever the " \
         "rootfs is on top of a ramdisk"},                                                         \
        {"no-new-keyring", 0, OPTION_BOOL, &(options).no_new_keyring,                              \
         "do not create a new session keyring for the container.  This will cause the container "  \
         "to inherit the calling processes session key"},                                          \
    {                                                                                              \
        "preserve-fds", 0, OPTION_INT, &(options).preserve_fds,                                    \
            "Pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in "     \
            "total) (default: 0)"                                                                  \
    }

/* Reports err as runc does (log + stderr) and returns the exit code 1. */
int cmd_fail(const struct error *err);
/* Parses a subcommand's flags; prints its help and returns 1 with *done set on -h. */
int cmd_parse(const struct command *command, const struct option_def *defs, int argc, char **argv,
              int *index, bool *done);
/* Prints an OPTIONS list as runc does: "--name value, -n value", the descriptions aligned. */
void cmd_print_options(const struct option_def *defs);
/* Checks that exactly `count` positional arguments follow. */
int cmd_expect_args(const struct command *command, int argc, int index, int min, int max);

extern const struct command command_spec, command_create, command_start, command_run, command_state,
    command_list, command_kill, command_delete, command_exec;
extern const struct command command_features;
extern const struct command command_check;
extern const struct command command_pause, command_resume, command_ps, command_update,
    command_events;
extern const struct command command_checkpoint, command_restore;

#endif
