#include "signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util.h"

static const struct {
    const char *name;
    int number;
} signal_names[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

static int parse_rt(const char *name)
{
    long long offset = 0;
    if (strcasecmp(name, "RTMIN") == 0)
        return SIGRTMIN;
    if (strcasecmp(name, "RTMAX") == 0)
        return SIGRTMAX;
    if (strncasecmp(name, "RTMIN+", 6) == 0 && parse_long(name + 6, &offset) == 0 && offset >= 0 &&
        SIGRTMIN + offset <= SIGRTMAX)
        return SIGRTMIN + (int)offset;
    if (strncasecmp(name, "RTMAX-", 6) == 0 && parse_long(name + 6, &offset) == 0 && offset >= 0 &&
        SIGRTMAX - offset >= SIGRTMIN)
        return SIGRTMAX - (int)offset;
    return -1;
}

int signal_parse(const char *name)
{
    long long number;

    if (!name || !*name)
        return -1;
    if (parse_long(name, &number) == 0)
        return number > 0 && number < NSIG ? (int)number : -1;
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
        if (strcasecmp(name, signal_names[i].name) == 0)
            return signal_names[i].number;
    return parse_rt(name);
}
