#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/container/container.h"
#include "cmd.h"

static int run_events(const struct global_options *global, int argc, char **argv);

const struct command command_events = {
    "events", "[command options] <container-id>",
    "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
    run_events};

/* Go's time.ParseDuration: [-+]?(number unit)+ with units ns us µs ms s m h, or "0". */
static int parse_duration_ms(const char *s, long long *ms)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1},
                 {"s", 1e3},   {"m", 6e4},   {"h", 3.6e6}};
    double total = 0;
    int sign = 1;

    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    if (strcmp(s, "0") == 0) {
        *ms = 0;
        return 0;
    }
    if (!*s)
        return -1;
    while (*s) {
        char *end;
        size_t i;
        if (!isdigit((unsigned char)*s) && *s != '.')
            return -1;
        double value = strtod(s, &end);
        if (end == s)
            return -1;
        s = end;
        for (i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t len = strlen(units[i].unit);
            /* "ms" before "m", "ns"/"us" before "s": try the longer units first */
            if (strncmp(s, units[i].unit, len) == 0 && !(len == 1 && s[0] == 'm' && s[1] == 's'))
                break;
        }
        if (i == sizeof units / sizeof units[0])
            return -1;
        total += value * units[i].ms;
        s += strlen(units[i].unit);
    }
    /* a positive interval under a millisecond still means "as often as possible" */
    *ms = sign * (long long)(total > 0 && total < 1 ? 1 : total);
    return 0;
}

static int run_events(const struct global_options *global, int argc, char **argv)
{
    const char *interval = "5s";
    bool stats = false;
    const struct option_def defs[] = {
        {"interval", 0, OPTION_STRING, &interval,
         "set the stats collection interval (default: 5s)"},
        {"stats", 0, OPTION_BOOL, &stats, "display the container's stats then exit"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct error err;
    bool done;
    long long ms;
    int index, rc = cmd_parse(&command_events, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (parse_duration_ms(interval, &ms) < 0) {
        error_set(&err, 0, "invalid value \"%s\" for flag -interval: parse error", interval);
        return cmd_fail(&err);
    }
    if (cmd_expect_args(&command_events, argc, index, 1, 1))
        return 1;
    if (container_events(global->root, argv[index], ms, stats, stdout, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
