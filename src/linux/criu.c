/* `criu swrk`: CRIU as our child, one request over a SOCK_SEQPACKET socket. CRIU opens the
 * images and work directories given as fd numbers through /proc/<our pid>/fd (it asks the
 * socket for its peer's pid), so those stay in our process; only the inherited fds
 * (restore's stdio pipes, external namespaces) must be CRIU's own. */
#include "criu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../log.h"
#include "../util.h"

/* The largest response CRIU sends is a few hundred bytes; runc reads with 40 KiB. */
#define CRIU_MSG_MAX (10 * 4096)

const char *criu_req_type_name(enum criu_req_type type)
{
    static const char *const names[] = {
        [CRIU_REQ_EMPTY] = "EMPTY",       [CRIU_REQ_DUMP] = "DUMP",
        [CRIU_REQ_RESTORE] = "RESTORE",   [CRIU_REQ_CHECK] = "CHECK",
        [CRIU_REQ_PRE_DUMP] = "PRE_DUMP", [CRIU_REQ_PAGE_SERVER] = "PAGE_SERVER",
        [CRIU_REQ_NOTIFY] = "NOTIFY",     [CRIU_REQ_FEATURE_CHECK] = "FEATURE_CHECK",
        [CRIU_REQ_VERSION] = "VERSION",
    };
    if ((size_t)type < ARRAY_SIZE(names) && names[type])
        return names[type];
    return "UNKNOWN";
}

/* In the child: fds 0-2 the stdio, 3 the socket, 4... the extra fds, everything else
 * closed on exec; then exec. Sources are moved above every target first so that no dup2
 * overwrites a source still to be placed. */
static void __attribute__((noreturn))
exec_swrk(const struct criu_call *call, int server_fd, int report_fd)
{
    size_t count = 4 + call->extra_fd_count;
    int floor = (int)count + 3, moved[count];
    const char *binary = call->binary ? call->binary : CRIU_DEFAULT_BINARY;
    char *argv[] = {(char *)binary, "swrk", "3", NULL};
    sigset_t none;
    int e;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, floor);
    for (size_t i = 0; i < count; i++) {
        int src = i < 3 ? call->stdio[i] : i == 3 ? server_fd : call->extra_fds[i - 4];
        if (src < 0)
            src = open("/dev/null", O_RDWR | O_CLOEXEC);
        moved[i] = fcntl(src, F_DUPFD_CLOEXEC, floor);
        if (moved[i] < 0)
            goto fail;
    }
    for (size_t i = 0; i < count; i++)
        if (dup2(moved[i], (int)i) < 0)
            goto fail;
    syscall(SYS_close_range, (unsigned)count, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    execvp(binary, argv);
fail:
    e = errno;
    if (write(report_fd, &e, sizeof e) < 0)
        _exit(126);
    _exit(127);
}

static pid_t spawn_swrk(const struct criu_call *call, int server_fd, struct error *err)
{
    const char *binary = call->binary ? call->binary : CRIU_DEFAULT_BINARY;
    cleanup_close int report_read = -1;
    int report[2], child_errno = 0;
    ssize_t n;
    pid_t pid;

    if (pipe2(report, O_CLOEXEC) < 0)
        return error_set(err, errno, "criu: pipe");
    pid = fork();
    if (pid == 0) {
        close(report[0]);
        exec_swrk(call, server_fd, report[1]);
    }
    close(report[1]);
    report_read = report[0];
    if (pid < 0)
        return error_set(err, errno, "criu: fork");
    /* EOF: the exec succeeded (the pipe is close-on-exec); an errno: it failed. */
    while ((n = read(report_read, &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof child_errno) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return error_set(err, child_errno, "criu: exec %s (is the criu package installed?)",
                         binary);
    }
    return pid;
}

static int send_request(int sock, const struct criu_request *req, struct error *err)
{
    struct pb_buf buf = {0};
    ssize_t n;

    criu_request_encode(req, &buf);
    while ((n = send(sock, buf.data, buf.len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    pb_buf_free(&buf);
    if (n < 0)
        return error_set(err, errno, "criu: send %s request", criu_req_type_name(req->type));
    return 0;
}

/* One message, and the first fd attached to it (-1 when none). 0 on EOF (*len 0). */
static int receive(int sock, uint8_t *buf, size_t *len, int *fd, struct error *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } control;
    struct iovec iov = {buf, CRIU_MSG_MAX};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;

    *fd = -1;
    while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return error_set(err, errno, "criu: receive");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < fds; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
            if (*fd < 0)
                *fd = got;
            else
                close(got);
        }
    }
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        if (*fd >= 0)
            close(*fd);
        return error_set(err, EMSGSIZE, "criu: response too large");
    }
    *len = (size_t)n;
    return 0;
}

static int serve_notification(const struct criu_call *call, int sock, struct criu_response *resp,
                              int fd, struct error *err)
{
    struct criu_notify notify = {resp->notify_script ? resp->notify_script : "", resp->notify_pid,
                                 fd};
    struct criu_request answer = {.type = CRIU_REQ_NOTIFY, .notify_success = true};
    struct error ignored;
    int result = 0;

    log_debug("criu: notification %s (pid %d)", notify.script, notify.pid);
    if (call->notify)
        result = call->notify(call->data, &notify, err);
    if (notify.fd >= 0)
        close(notify.fd);
    answer.notify_success = result == 0;
    if (send_request(sock, &answer, result < 0 ? &ignored : err) < 0 && result == 0)
        return -1;
    return result;
}

/* Reads until the final response; notifications are served on the way. A failed handler
 * is remembered (CRIU was told and will fail): its error is the one reported. */
static int read_final_response(const struct criu_call *call, int sock, struct criu_response *resp,
                               struct error *err)
{
    cleanup_free uint8_t *buf = xmalloc(CRIU_MSG_MAX);
    struct error handler_err;
    bool handler_failed = false;

    for (;;) {
        size_t len = 0;
        int fd;

        if (receive(sock, buf, &len, &fd, err) < 0)
            return -1;
        if (len == 0)
            return error_set(err, 0, "criu: closed the connection without an answer");
        if (criu_response_decode(buf, len, resp) < 0) {
            if (fd >= 0)
                close(fd);
            return error_set(err, EPROTO, "criu: malformed response");
        }
        if (resp->type != CRIU_REQ_NOTIFY || !resp->success) {
            if (fd >= 0)
                close(fd);
            break;
        }
        if (serve_notification(call, sock, resp, fd, &handler_err) < 0 && !handler_failed)
            handler_failed = true;
        criu_response_free(resp);
    }
    if (handler_failed) {
        criu_response_free(resp);
        *err = handler_err;
        return -1;
    }
    return 0;
}

static int response_error(const struct criu_request *req, const struct criu_response *resp,
                          struct error *err)
{
    const char *type = criu_req_type_name(req->type);

    if (resp->cr_errmsg && *resp->cr_errmsg)
        return error_set(err, resp->cr_errno, "criu %s failed: %s", type, resp->cr_errmsg);
    return error_set(err, resp->cr_errno, "criu %s failed", type);
}

static int wait_criu(pid_t pid, const struct criu_request *req, bool answered, struct error *err)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return error_set(err, errno, "criu: wait");
    /* After a successful PRE_DUMP CRIU waits for the next request of a series; we send none
     * and close the socket, so it exits failing (runc ignores that too). */
    if (!answered || req->type == CRIU_REQ_PRE_DUMP)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        return error_set(err, 0, "criu was killed by signal %d", WTERMSIG(status));
    return error_set(err, 0, "criu exited with status %d", WEXITSTATUS(status));
}

int criu_call(const struct criu_call *call, const struct criu_request *req,
              struct criu_response *resp, struct error *err)
{
    cleanup_close int sock = -1;
    int pair[2], result;
    struct error wait_err;
    pid_t pid;

    memset(resp, 0, sizeof *resp);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return error_set(err, errno, "criu: socketpair");
    sock = pair[0];
    pid = spawn_swrk(call, pair[1], err);
    close(pair[1]);
    if (pid < 0)
        return -1;
    result = call->started ? call->started(call->data, pid, err) : 0;
    if (result < 0)
        kill(pid, SIGKILL);
    else if (send_request(sock, req, err) < 0 || read_final_response(call, sock, resp, err) < 0)
        result = -1;
    else if (!resp->success)
        result = response_error(req, resp, err);
    close(take_fd(&sock));
    if (wait_criu(pid, req, result == 0, &wait_err) < 0 && result == 0) {
        *err = wait_err;
        result = -1;
    }
    if (result < 0)
        criu_response_free(resp);
    return result;
}

int criu_get_version(const char *binary, int *version, struct error *err)
{
    struct criu_call call = {.binary = binary, .stdio = {-1, -1, -1}};
    struct criu_request req = {.type = CRIU_REQ_VERSION};
    struct criu_response resp;

    if (criu_call(&call, &req, &resp, err) < 0)
        return -1;
    *version = criu_version_number(&resp);
    criu_response_free(&resp);
    if (!resp.has_version)
        return error_set(err, 0, "criu: no version in its answer (CRIU older than 3.0?)");
    return 0;
}

char *criu_log_first_error(const char *log_path)
{
    cleanup_fclose FILE *f = fopen(log_path, "re");
    char line[1024];

    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        char *start = line, *end;
        if (!strstr(line, "Error") && !strstr(line, "error"))
            continue;
        /* "(00.012345) Error (criu/kerndat.c:1521): ..." without the timestamp */
        if (*start == '(' && (end = strchr(start, ')')) != NULL)
            start = end + 1;
        while (*start == ' ')
            start++;
        end = start + strlen(start);
        while (end > start && (end[-1] == '\n' || end[-1] == ' '))
            *--end = '\0';
        if (*start)
            return xstrdup(start);
    }
    return NULL;
}

int criu_check_host(const char *binary, bool *ok, char **reason, int *version, struct error *err)
{
    char dir[] = "/tmp/runc-go-criu-check.XXXXXX";
    struct criu_call call = {.binary = binary, .stdio = {-1, -1, -1}};
    struct criu_opts opts;
    struct criu_request req = {.type = CRIU_REQ_CHECK, .opts = &opts};
    struct criu_response resp;
    struct error check_err;
    cleanup_close int dirfd = -1;
    cleanup_free char *log = NULL;

    *ok = false;
    *reason = NULL;
    if (criu_get_version(binary, version, err) < 0)
        return -1;
    if (*version < CRIU_MIN_VERSION) {
        *reason = xasprintf("CRIU %d.%d is older than 3.0", *version / 10000, *version / 100 % 100);
        return 0;
    }
    if (!mkdtemp(dir))
        return error_set(err, errno, "criu check: temporary directory");
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    criu_opts_init(&opts);
    opts.images_dir_fd = dirfd;
    opts.log_file = "check.log";
    opts.log_level = 4;
    log = xasprintf("%s/check.log", dir);
    if (dirfd >= 0 && criu_call(&call, &req, &resp, &check_err) == 0) {
        *ok = true;
        criu_response_free(&resp);
    } else {
        *reason = criu_log_first_error(log);
        if (!*reason)
            *reason = xstrdup(dirfd < 0 ? strerror(errno) : check_err.msg);
    }
    unlink(log);
    rmdir(dir);
    return 0;
}
