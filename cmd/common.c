/* What every subcommand shares: error reporting and argument checks. */
#include <stdio.h>

#include "../src/log.h"
#include "cmd.h"

int cmd_fail(const struct error *err)
{
    log_fatal_error(err->msg);
    return 1;
}

/* "--bundle value, -b value" as runc's CLI library writes a flag; returns its length. */
static int format_flag(const struct option_def *def, char *buf, size_t size)
{
    const char *value = def->kind == OPTION_BOOL ? "" : " value";

    if (def->short_name)
        return snprintf(buf, size, "--%s%s, -%c%s", def->name, value, def->short_name, value);
    return snprintf(buf, size, "--%s%s", def->name, value);
}

void cmd_print_options(const struct option_def *defs)
{
    char flag[128];
    int width = 0;

    for (const struct option_def *d = defs; d->name; d++) {
        int len = format_flag(d, flag, sizeof flag);
        if (len > width)
            width = len;
    }
    for (const struct option_def *d = defs; d->name; d++) {
        format_flag(d, flag, sizeof flag);
        if (d->usage)
            printf("   %-*s  %s\n", width, flag, d->usage);
        else
            printf("   %s\n", flag);
    }
}

static void print_command_help(const struct command *command, const struct option_def *defs)
{
    printf("NAME:\n   runc-go %s - %s\n\nUSAGE:\n   runc-go %s %s\n", command->name,
           command->summary, command->name, command->usage);
    if (!defs[0].name)
        return;
    printf("\nOPTIONS:\n");
    cmd_print_options(defs);
}

int cmd_parse(const struct command *command, const struct option_def *defs, int argc, char **argv,
              int *index, bool *done)
{
    struct error err;
    bool help = false;

    *done = false;
    *index = 1;
    if (options_parse(defs, argc, argv, index, &help, &err) < 0) {
        *done = true;
        return cmd_fail(&err);
    }
    if (help) {
        print_command_help(command, defs);
        *done = true;
        return 0;
    }
    return 0;
}

int cmd_expect_args(const struct command *command, int argc, int index, int min, int max)
{
    int count = argc - index;
    struct error err;

    if (count >= min && count <= max)
        return 0;
    if (min == max)
        error_set(&err, 0, "\"%s\" requires exactly %d argument(s)", command->name, min);
    else if (count < min)
        error_set(&err, 0, "\"%s\" requires a minimum of %d argument(s)", command->name, min);
    else
        error_set(&err, 0, "\"%s\" requires a maximum of %d argument(s)", command->name, max);
    return cmd_fail(&err);
}
