#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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

void sync_send_error(int fd, const struct error *failure)
{
    struct sync_msg msg = {.type = SYNC_ERROR, .errnum = failure->errnum};
    memcpy(msg.text, failure->msg, sizeof msg.text);
    msg.text[sizeof msg.text - 1] = '\0';
    (void)!send(fd, &msg, sizeof msg, MSG_NOSIGNAL);
}

int sync_recv(int fd, struct sync_msg *msg, struct error *err)
{
    ssize_t n;
    do
        n = recv(fd, msg, sizeof *msg, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "sync: receive");
    if (n == 0)
        return error_set(err, 0, "container init exited unexpectedly");
    if (n != sizeof *msg)
        return error_set(err, EPROTO, "sync: short message");
    msg->text[sizeof msg->text - 1] = '\0';
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
    if (msg.type == SYNC_ERROR) {
        err->errnum = msg.errnum;
        memcpy(err->msg, msg.text, sizeof err->msg);
        return -1;
    }
    if (msg.type != type)
        return error_set(err, EPROTO, "sync: expected message %d, got %u", type, msg.type);
    *value = msg.value;
    return 0;
}
