#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fd_control {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

int sync_send(int fd, enum sync_type type, struct error *err)
{
    return sync_send_value(fd, type, 0, err);
}

int sync_send_value(int fd, enum sync_type type, int32_t value, struct error *err)
{
    struct sync_msg msg = {.type = type, .value = value};
    if (send(fd, &msg, sizeof msg, MSG_NOSIGNAL) != sizeof msg)
        return error_set(err, errno, "sync: send");
    return 0;
}

int sync_send_fd(int fd, enum sync_type type, int attached_fd, struct error *err)
{
    struct sync_msg msg = {.type = type};
    struct iovec iov = {.iov_base = &msg, .iov_len = sizeof msg};
    union fd_control control = {0};
    struct msghdr header = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&header);

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &attached_fd, sizeof(int));
    if (sendmsg(fd, &header, MSG_NOSIGNAL) != sizeof msg)
        return error_set(err, errno, "sync: send");
    return 0;
}

void sync_send_error(int fd, const struct error *failure)
{
    struct sync_msg msg = {.type = SYNC_ERROR, .errnum = failure->errnum};
    memcpy(msg.text, failure->msg, sizeof msg.text);
    msg.text[sizeof msg.text - 1] = '\0';
    (void)!send(fd, &msg, sizeof msg, MSG_NOSIGNAL);
}

int sync_read(int fd, struct sync_msg *msg, int *attached_fd, bool *closed, struct error *err)
{
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof *msg};
    union fd_control control;
    struct msghdr header = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg;
    ssize_t n;

    *attached_fd = -1;
    *closed = false;
    do
        n = recvmsg(fd, &header, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "sync: receive");
    cmsg = CMSG_FIRSTHDR(&header);
    if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
        cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(attached_fd, CMSG_DATA(cmsg), sizeof(int));
    if (n == 0) {
        *closed = true;
        return 0;
    }
    if (n != sizeof *msg || (header.msg_flags & MSG_CTRUNC)) {
        if (*attached_fd >= 0)
            close(*attached_fd);
        *attached_fd = -1;
        return error_set(err, EPROTO, "sync: short message");
    }
    msg->text[sizeof msg->text - 1] = '\0';
    return 0;
}

int sync_error_of(const struct sync_msg *msg, struct error *err)
{
    err->errnum = msg->errnum;
    memcpy(err->msg, msg->text, sizeof err->msg);
    return -1;
}

int sync_recv(int fd, struct sync_msg *msg, struct error *err)
{
    int attached_fd;
    bool closed;

    if (sync_read(fd, msg, &attached_fd, &closed, err) < 0)
        return -1;
    /* Nobody asked for an fd here: never keep one the peer pushed on us. */
    if (attached_fd >= 0)
        close(attached_fd);
    if (closed)
        return error_set(err, 0, "container init exited unexpectedly");
    return 0;
}

int sync_expect(int fd, enum sync_type type, struct error *err)
{
    int32_t ignored;
    return sync_expect_value(fd, type, &ignored, err);
}

int sync_expect_value(int fd, enum sync_type type, int32_t *value, struct error *err)
{
    struct sync_msg msg;
    if (sync_recv(fd, &msg, err) < 0)
        return -1;
    if (msg.type == SYNC_ERROR)
        return sync_error_of(&msg, err);
    if (msg.type != type)
        return error_set(err, EPROTO, "sync: expected message %d, got %u", type, msg.type);
    *value = msg.value;
    return 0;
}
