#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

int proc_stat_read(pid_t pid, unsigned long long *start_time, char *state)
{
    char path[64], buf[1024];
    cleanup_fclose FILE *f = NULL;
    char *p;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "re");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    /* comm (field 2) may hold spaces and parentheses: parse after the last ')'. */
    p = strrchr(buf, ')');
    if (!p || p[1] != ' ')
        return -1;
    p += 2;
    if (state)
        *state = *p;
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    if (start_time)
        *start_time = strtoull(p, NULL, 10);
    return 0;
}

bool proc_is_alive(pid_t pid, unsigned long long start_time)
{
    unsigned long long actual;
    char state;

    if (pid <= 0 || proc_stat_read(pid, &actual, &state) < 0)
        return false;
    if (state == 'Z' || state == 'X')
        return false;
    return actual == start_time;
}
