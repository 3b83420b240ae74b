#include "sealed-binary.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool already_sealed(int exe_fd)
{
    int seals = fcntl(exe_fd, F_GET_SEALS);
    return seals >= 0 && (seals & SEALS) == SEALS;
}

static int copy_into_memfd(int exe_fd)
{
    struct stat st;
    cleanup_close int memfd =
        (int)syscall(SYS_memfd_create, "runc-go", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    off_t offset = 0;

    if (memfd < 0 || fstat(exe_fd, &st) < 0)
        return -1;
    while (offset < st.st_size) {
        ssize_t n = sendfile(memfd, exe_fd, &offset, (size_t)(st.st_size - offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
    }
    if (fcntl(memfd, F_ADD_SEALS, SEALS) < 0)
        return -1;
    return take_fd(&memfd);
}

int sealed_binary_ensure(char **argv)
{
    extern char **environ;
    cleanup_close int exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    cleanup_close int memfd = -1;

    if (exe_fd < 0)
        return -1;
    if (already_sealed(exe_fd))
        return 0;
    memfd = copy_into_memfd(exe_fd);
    if (memfd < 0)
        return -1;
    /* An ELF binary runs from a close-on-exec fd: nothing of this stays open. */
    syscall(SYS_execveat, memfd, "", argv, environ, AT_EMPTY_PATH);
    return -1;
}
