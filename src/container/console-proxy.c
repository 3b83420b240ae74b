#include "console-proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../linux/console.h"
#include "../log.h"
#include "../util.h"

#define PROXY_CHUNK 4096

/* One direction of the copy: read when empty, written out before the next read. A write
 * after POLLOUT of at most PIPE_BUF bytes does not block on a pipe. */
struct chunk {
    char data[PROXY_CHUNK];
    size_t off, len;
};

struct proxy_loop {
    struct console_proxy *proxy;
    pid_t pid;
    bool reap_orphans;
    int signal_fd;
    bool stdin_open;  /* until EOF or an error */
    bool master_open; /* until EIO: every fd of the pty's peer is closed */
    bool stdout_open; /* until a write fails: the output is discarded from then on */
    struct chunk in;  /* stdin -> master */
    struct chunk out; /* master -> stdout */
    bool exited;
    int status;
};

enum { POLL_SIGNALS, POLL_STDIN, POLL_MASTER, POLL_STDOUT, POLL_COUNT };

/* runc looks for the user's terminal on stderr, stdout, stdin, then /dev/tty. */
static void find_host_terminal(struct console_proxy *proxy)
{
    static const int candidates[] = {STDERR_FILENO, STDOUT_FILENO, STDIN_FILENO};
    int fd;

    for (size_t i = 0; i < ARRAY_SIZE(candidates); i++)
        if (isatty(candidates[i])) {
            proxy->host_fd = candidates[i];
            return;
        }
    fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0 && isatty(fd)) {
        proxy->host_fd = fd;
        proxy->host_owned = true;
    } else if (fd >= 0) {
        close(fd);
    }
}

int console_proxy_start(struct console_proxy *proxy, int master, struct error *err)
{
    struct error ignored;
    int flags;

    proxy->master = master;
    flags = fcntl(master, F_GETFL);
    if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
        return error_set(err, errno, "pty master: set O_NONBLOCK");
    /* Without a terminal of the user's (stdio redirected, no controlling terminal) the pty
     * keeps process.consoleSize and nothing goes raw. */
    find_host_terminal(proxy);
    if (proxy->host_fd < 0)
        return 0;
    if (console_raw_enter(proxy->host_fd, &proxy->saved, err) < 0)
        return error_prefix(err, "failed to set the terminal from the stdin");
    proxy->raw = true;
    /* Failures are ignored, as runc does: the terminal may be going away. */
    console_copy_size(proxy->host_fd, master, &ignored);
    return 0;
}

void console_proxy_stop(struct console_proxy *proxy)
{
    if (proxy->raw)
        console_raw_restore(proxy->host_fd, &proxy->saved);
    proxy->raw = false;
    if (proxy->host_owned && proxy->host_fd >= 0)
        close(proxy->host_fd);
    proxy->host_owned = false;
    proxy->host_fd = -1;
    if (proxy->master >= 0)
        close(proxy->master);
    proxy->master = -1;
}

static void reap(struct proxy_loop *loop)
{
    pid_t reaped;
    int status;

    /* A subreaper reaps orphans too; it stops when the process is gone. */
    while ((reaped = waitpid(loop->reap_orphans ? -1 : loop->pid, &status, WNOHANG)) > 0)
        if (reaped == loop->pid) {
            loop->exited = true;
            loop->status = status;
            return;
        }
}

static void handle_signals(struct proxy_loop *loop)
{
    struct signalfd_siginfo info;
    struct error ignored;

    while (read(loop->signal_fd, &info, sizeof info) == sizeof info) {
        int sig = (int)info.ssi_signo;
        if (sig == SIGCHLD) {
            reap(loop);
        } else if (sig == SIGWINCH) {
            /* The kernel sends SIGWINCH to the pty's foreground process group itself. */
            if (loop->proxy->host_fd >= 0)
                console_copy_size(loop->proxy->host_fd, loop->proxy->master, &ignored);
        } else if (sig == SIGPIPE && (pid_t)info.ssi_pid == getpid()) {
            continue; /* our own write to a closed stdout */
        } else if (kill(loop->pid, sig) < 0 && errno == ESRCH) {
            log_debug("signal %d: the container's process is already gone", sig);
        }
    }
}

static bool transient(int errnum)
{
    return errnum == EINTR || errnum == EAGAIN;
}

static void fill(struct chunk *chunk, int fd, bool *open_flag)
{
    ssize_t n = read(fd, chunk->data, sizeof chunk->data);
    if (n > 0) {
        chunk->off = 0;
        chunk->len = (size_t)n;
    } else if (n == 0 || !transient(errno)) {
        *open_flag = false; /* EOF, or EIO from the master once the peer is closed */
    }
}

static void flush(struct chunk *chunk, int fd, bool *open_flag)
{
    ssize_t n = write(fd, chunk->data + chunk->off, chunk->len);
    if (n > 0) {
        chunk->off += (size_t)n;
        chunk->len -= (size_t)n;
    } else if (n < 0 && !transient(errno)) {
        *open_flag = false;
        chunk->len = 0;
    }
}

static void set_poll(const struct proxy_loop *loop, struct pollfd *fds)
{
    short master_events = 0;

    fds[POLL_SIGNALS] = (struct pollfd){.fd = loop->signal_fd, .events = POLLIN};
    fds[POLL_STDIN] = (struct pollfd){.fd = -1};
    if (loop->stdin_open && loop->in.len == 0)
        fds[POLL_STDIN] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    if (loop->master_open && loop->out.len == 0)
        master_events |= POLLIN;
    if (loop->in.len > 0)
        master_events |= POLLOUT;
    fds[POLL_MASTER] =
        (struct pollfd){.fd = master_events ? loop->proxy->master : -1, .events = master_events};
    fds[POLL_STDOUT] = (struct pollfd){.fd = -1};
    if (loop->out.len > 0)
        fds[POLL_STDOUT] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
}

static void pump(struct proxy_loop *loop, const struct pollfd *fds)
{
    int master = loop->proxy->master;
    bool ignored_flag = true;

    if (fds[POLL_STDIN].revents & POLLNVAL)
        loop->stdin_open = false;
    else if (fds[POLL_STDIN].revents)
        fill(&loop->in, STDIN_FILENO, &loop->stdin_open);
    if (loop->in.len > 0 && (fds[POLL_MASTER].revents & (POLLOUT | POLLERR | POLLHUP))) {
        flush(&loop->in, master, &ignored_flag);
        if (!ignored_flag)
            loop->stdin_open = false; /* nobody will read what we type */
    }
    if (loop->out.len == 0 && loop->master_open &&
        (fds[POLL_MASTER].revents & (POLLIN | POLLERR | POLLHUP))) {
        fill(&loop->out, master, &loop->master_open);
        if (!loop->stdout_open)
            loop->out.len = 0;
    }
    if (fds[POLL_STDOUT].revents)
        flush(&loop->out, STDOUT_FILENO, &loop->stdout_open);
}

/* After the process exited: what it wrote is in the pty already (a read of the master
 * waits for the kernel's pending buffer work), copy it out without waiting for more. */
static void drain(struct proxy_loop *loop)
{
    do {
        if (loop->out.len > 0 && loop->stdout_open &&
            write_all(STDOUT_FILENO, loop->out.data + loop->out.off, loop->out.len) < 0)
            loop->stdout_open = false;
        loop->out.len = 0;
        if (loop->master_open && loop->stdout_open)
            fill(&loop->out, loop->proxy->master, &loop->master_open);
    } while (loop->out.len > 0);
}

int console_proxy_wait(struct console_proxy *proxy, pid_t pid, bool reap_orphans, struct error *err)
{
    sigset_t all;
    struct pollfd fds[POLL_COUNT];
    cleanup_close int signal_fd = -1;
    struct proxy_loop loop = {.proxy = proxy,
                              .pid = pid,
                              .reap_orphans = reap_orphans,
                              .stdin_open = true,
                              .master_open = true,
                              .stdout_open = true};

    /* The caller blocked every signal before the process existed: none is lost, and none
     * can kill us with the user's terminal left raw. */
    sigfillset(&all);
    signal_fd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd < 0)
        return error_set(err, errno, "signalfd");
    loop.signal_fd = signal_fd;
    while (!loop.exited) {
        set_poll(&loop, fds);
        if (poll(fds, POLL_COUNT, -1) < 0) {
            if (errno == EINTR)
                continue;
            return error_set(err, errno, "poll");
        }
        if (fds[POLL_SIGNALS].revents)
            handle_signals(&loop);
        pump(&loop, fds);
    }
    drain(&loop);
    return loop.status;
}
