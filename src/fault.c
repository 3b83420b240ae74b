#include "fault.h"

#ifdef RUNC_GO_FAULT_INJECTION
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The list's fd is opened at the first point, before any clone: the init inherits it and can
 * write after pivot_root, when the file's path is no longer reachable. */
static void record_step(const char *step)
{
    static int fd = -1;
    const char *list = getenv("RUNC_GO_FAULT_LIST");

    if (!list || !*list)
        return;
    if (fd < 0)
        fd = open(list, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        dprintf(fd, "%s\n", step);
}

int fault_point(const char *step, struct error *err)
{
    const char *fault = getenv("RUNC_GO_FAULT");
    size_t len = strlen(step);

    record_step(step);
    if (!fault || strncmp(fault, step, len) != 0)
        return 0;
    /* kill(getpid()), not raise(): in a clone()d init glibc's idea of our tid is the
     * parent's. A pid namespace's init ignores SIGKILL from inside: it just vanishes. */
    if (strcmp(fault + len, ":kill") == 0) {
        kill(getpid(), SIGKILL);
        _exit(128 + SIGKILL);
    }
    if (fault[len] != '\0')
        return 0;
    return error_set(err, EIO, "fault injected at \"%s\"", step);
}
#endif
