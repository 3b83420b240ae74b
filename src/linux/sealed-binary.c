#include "sealed-binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"
#include "exe-remap.h"
#include "mount-api.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Already running from something no path can write: a sealed memfd, or a read-only mount
 * (our own detached one, or a read-only /usr). */
static bool already_protected(int exe_fd)
{
    int seals = fcntl(exe_fd, F_GET_SEALS);
    struct statvfs st;

    if (seals >= 0 && (seals & SEALS) == SEALS)
        return true;
    return fstatvfs(exe_fd, &st) == 0 && (st.f_flag & ST_RDONLY);
}

/* The binary itself on a read-only bind mount of its own, attached nowhere: /proc/self/exe
 * then names it through that mount, so opening it for writing fails (EROFS) whatever the
 * container does; and nothing is copied (the page cache is shared, the start is fast). The
 * detached mount lives as long as a process runs from it. Needs CAP_SYS_ADMIN. */
static int read_only_view(int exe_fd)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    cleanup_close int tree =
        open_tree(exe_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

    if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return -1;
    return take_fd(&tree);
}

/* Without the privilege for a mount (rootless): a sealed memfd copy, as runc and crun do. */
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

/* The detached mount's file as an ordinary read-only fd (the tree fd itself is O_PATH). */
static int open_view(int tree)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/self/fd/%d", tree);
    return open(path, O_RDONLY | O_CLOEXEC);
}

int sealed_binary_ensure(char **argv)
{
    extern char **environ;
    cleanup_close int exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    cleanup_close int protected_fd = -1;
    struct stat st;

    if (exe_fd < 0)
        return -1;
    if (already_protected(exe_fd))
        return 0;
    protected_fd = read_only_view(exe_fd);
    if (protected_fd >= 0 && fstat(exe_fd, &st) == 0) {
        cleanup_close int view = open_view(protected_fd);
        if (view >= 0 && exe_remap_onto(view, &st) == 0)
            return 0;
    }
    if (protected_fd < 0)
        protected_fd = copy_into_memfd(exe_fd);
    if (protected_fd < 0)
        return -1;
    /* Both fds are close-on-exec: nothing of this stays open in the new image. */
    syscall(SYS_execveat, protected_fd, "", argv, environ, AT_EMPTY_PATH);
    return -1;
}
