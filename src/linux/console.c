#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "../util.h"
#include "mounts.h"
#include "path.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define PTMX_MAJOR 5
#define PTMX_MINOR 2

/* Opens the current root's /dev/ptmx. The container controls /dev: no magic link may lead out
 * of it, O_NONBLOCK so a FIFO planted there cannot hang us, and what was opened must be the
 * ptmx of a devpts instance. */
static int open_ptmx(struct error *err)
{
    struct open_how how = {.flags = O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK,
                           .resolve = RESOLVE_NO_MAGICLINKS};
    struct statfs sfs;
    struct stat st;
    cleanup_close int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/dev/ptmx", &how, sizeof how);

    if (fd < 0 && errno == ENOSYS)
        fd = open("/dev/ptmx", (int)how.flags);
    if (fd < 0)
        return error_set(err, errno, "open /dev/ptmx");
    if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
        return error_set(err, errno, "stat /dev/ptmx");
    if (sfs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) ||
        major(st.st_rdev) != PTMX_MAJOR || minor(st.st_rdev) != PTMX_MINOR)
        return error_set(err, EPERM, "/dev/ptmx is not the ptmx of a devpts instance");
    if (fcntl(fd, F_SETFL, O_RDWR) < 0)
        return error_set(err, errno, "/dev/ptmx: clear O_NONBLOCK");
    return take_fd(&fd);
}

/* Our fds stay off 0-2 (closed when the runtime was started without them), which the
 * peer is about to replace. */
static int move_off_stdio(int fd, struct error *err)
{
    int moved;
    if (fd > 2)
        return fd;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    if (moved < 0)
        return error_set(err, errno, "dup");
    return moved;
}

/* The peer comes from the master itself (TIOCGPTPEER), never from /dev/pts/N by name: the
 * container could have mounted another devpts there. */
static int open_pty(int *master, int *peer, struct error *err)
{
    int unlock = 0;
    cleanup_close int fd = open_ptmx(err);

    if (fd < 0 || (fd = move_off_stdio(fd, err)) < 0)
        return -1;
    if (ioctl(fd, TIOCSPTLCK, &unlock) < 0)
        return error_set(err, errno, "unlockpt");
    *peer = ioctl(fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*peer < 0)
        return error_set(err, errno, "open the pty peer (TIOCGPTPEER)");
    if ((*peer = move_off_stdio(*peer, err)) < 0)
        return -1;
    *master = take_fd(&fd);
    return 0;
}

/* runc's fixStdioPermissions: the process's user owns its terminal. EINVAL (unmapped id),
 * EPERM (owner not mapped) and EROFS are not errors, as in runc. */
static int chown_pty(int peer, uid_t owner, struct error *err)
{
    struct stat st;

    if (fstat(peer, &st) < 0)
        return error_set(err, errno, "stat the pty");
    if (st.st_uid == owner || fchown(peer, owner, (gid_t)-1) == 0)
        return 0;
    if (errno == EINVAL || errno == EPERM || errno == EROFS)
        return 0;
    return error_set(err, errno, "chown the pty to uid %u", (unsigned int)owner);
}

/* As runc: /dev/console is the pty, bound from the peer fd (no path of the pty is looked up).
 * The file is made inside the root if missing. */
/* /dev/console itself, made if missing, never what a symlink there names: the image (or a
 * volume on /dev) may point it at a procfs file, which the pty would then cover
 * (CVE-2025-52565). O_PATH: a mount target needs no access. */
static int open_console_target(int dev_fd, const char *name, struct error *err)
{
    cleanup_close int fd = openat(dev_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    if (fd < 0 && errno == ENOENT) {
        cleanup_close int made =
            openat(dev_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (made < 0)
            return error_set(err, errno, "create /dev/console");
        fd = openat(dev_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0 || fstat(fd, &st) < 0)
        return error_set(err, errno, "open /dev/console");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        return error_set(err, EPERM,
                         "/dev/console is %s, not a file or a device: refusing to mount the pty "
                         "on it",
                         S_ISLNK(st.st_mode) ? "a symlink" : "something else");
    return take_fd(&fd);
}

static int mount_dev_console(int peer, struct error *err)
{
    cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int dev_fd = -1, target = -1, mnt = -1;
    cleanup_free char *name = NULL;

    if (root_fd < 0)
        return error_set(err, errno, "open /");
    dev_fd = path_open_parent_in_root(root_fd, "/dev/console", &name, err);
    /* runc binds it before making the root read-only; we come after: a read-only /dev
     * without a console file keeps none. */
    if (dev_fd >= 0)
        target = open_console_target(dev_fd, name, err);
    if (target < 0 && err->errnum == EROFS)
        return 0;
    if (target < 0)
        return error_prefix(err, "/dev/console");
    mnt = mount_bind_at(peer, "", false, 0, 0, target, err);
    if (mnt < 0)
        return error_prefix(err, "mount the pty on /dev/console");
    return 0;
}

static int set_size(int fd, unsigned short rows, unsigned short cols, struct error *err)
{
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
        return error_set(err, errno, "set the terminal size");
    return 0;
}

static int make_stdio(int peer, struct error *err)
{
    if (ioctl(peer, TIOCSCTTY, 0) < 0)
        return error_set(err, errno, "ioctl(setctty)");
    for (int fd = 0; fd < 3; fd++)
        if (dup3(peer, fd, 0) < 0)
            return error_set(err, errno, "dup the pty onto fd %d", fd);
    return 0;
}

int console_setup_terminal(const struct console_setup *setup, struct error *err)
{
    cleanup_close int master = -1, peer = -1;

    if (open_pty(&master, &peer, err) < 0)
        return -1;
    if (setup->has_size && set_size(master, setup->rows, setup->cols, err) < 0)
        return -1;
    if (setup->clear_onlcr && console_clear_onlcr(master, err) < 0)
        return -1;
    if (chown_pty(peer, setup->owner, err) < 0)
        return -1;
    if (setup->mount_dev_console && mount_dev_console(peer, err) < 0)
        return -1;
    if (make_stdio(peer, err) < 0)
        return -1;
    if (console_send_fd(setup->socket_fd, master, CONSOLE_MASTER_NAME, err) < 0)
        return error_prefix(err, "send the pty master over the console socket");
    return 0;
}

int console_connect(const char *path, struct error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return error_set(err, errno, "console socket: socket");
    if (strlen(path) >= sizeof addr.sun_path)
        return error_set(err, ENAMETOOLONG, "dial unix %s", path);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        if (errno == EINTR)
            continue;
        return error_set(err, errno, "dial unix %s: connect", path);
    }
    return take_fd(&fd);
}

int console_send_fd(int sock, int fd, const char *name, struct error *err)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control = {0};
    struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    ssize_t n;

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "sendmsg");
    return 0;
}

int console_recv_fd(int sock, bool dont_wait, struct error *err)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * 4)];
    } control;
    char name[256];
    struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    int flags = MSG_CMSG_CLOEXEC | (dont_wait ? MSG_DONTWAIT : 0), fd = -1;
    ssize_t n;

    do
        n = recvmsg(sock, &msg, flags);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "receive the pty master");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
            int received;
            memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
            if (fd < 0)
                fd = received;
            else
                close(received);
        }
    }
    if (fd < 0)
        return error_set(err, EPROTO, "receive the pty master: no fd in the message");
    return fd;
}

int console_copy_size(int from, int to, struct error *err)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) < 0)
        return error_set(err, errno, "get the terminal size");
    if (ioctl(to, TIOCSWINSZ, &ws) < 0)
        return error_set(err, errno, "set the terminal size");
    return 0;
}

int console_clear_onlcr(int master, struct error *err)
{
    struct termios t;
    if (tcgetattr(master, &t) < 0)
        return error_set(err, errno, "tcgetattr");
    t.c_oflag &= ~(tcflag_t)ONLCR;
    if (tcsetattr(master, TCSANOW, &t) < 0)
        return error_set(err, errno, "tcsetattr");
    return 0;
}

int console_raw_enter(int fd, struct termios *saved, struct error *err)
{
    struct termios raw;

    if (tcgetattr(fd, saved) < 0)
        return error_set(err, errno, "tcgetattr");
    raw = *saved;
    cfmakeraw(&raw);
    /* runc (containerd/console) keeps output processing: "\n" still returns the carriage. */
    raw.c_oflag = saved->c_oflag;
    if (tcsetattr(fd, TCSANOW, &raw) < 0)
        return error_set(err, errno, "set the terminal to raw mode");
    return 0;
}

void console_raw_restore(int fd, const struct termios *saved)
{
    while (tcsetattr(fd, TCSANOW, saved) < 0 && errno == EINTR)
        ;
}
