#include "process-wait.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../log.h"
#include "../util.h"

int pid_file_write(const char *path, pid_t pid, struct error *err)
{
    cleanup_free char *tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
    cleanup_free char *value = xasprintf("%d", (int)pid);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || write_all(fd, value, strlen(value)) < 0 || rename(tmp, path) < 0) {
        error_set(err, errno, "write pid file %s", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

int forward_signals_until_exit(pid_t pid)
{
    sigset_t all;
    sigfillset(&all);
    for (;;) {
        siginfo_t info;
        int status, sig = sigwaitinfo(&all, &info);
        if (sig < 0)
            continue;
        if (sig == SIGCHLD) {
            pid_t reaped;
            /* A subreaper reaps orphans too; stop when our process is gone. */
            while ((reaped = waitpid(-1, &status, WNOHANG)) > 0)
                if (reaped == pid)
                    return status;
            continue;
        }
        /* Without a terminal there is nothing to resize, and runc does not pass a window
         * change on: the container's stdio are not the caller's terminal. */
        if (sig == SIGWINCH)
            continue;
        if (kill(pid, sig) < 0 && errno == ESRCH)
            log_debug("signal %d: process %d already gone", sig, (int)pid);
    }
}
