/* SCMP_ACT_NOTIFY: the runtime (not the container's process) hands the listener fd to the
 * seccomp agent at linux.seccomp.listenerPath, with the container process state of
 * runtime.md as payload. The path is the host's: the agent need not be visible inside. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../spec/json-out.h"
#include "../util.h"
#include "seccomp.h"

char *seccomp_agent_payload(const struct spec_seccomp *seccomp, pid_t pid, const char *state_json)
{
    struct json_out *out = json_out_new(NULL);
    cleanup_free char *head = NULL;
    size_t len;

    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", SPEC_VERSION);
    json_out_key(out, "fds");
    json_out_array_open(out);
    json_out_string(out, "seccompFd");
    json_out_array_close(out);
    json_out_kv_int(out, "pid", pid);
    if (seccomp->listener_metadata)
        json_out_kv_string(out, "metadata", seccomp->listener_metadata);
    json_out_map_close(out);
    head = json_out_finish(out);
    json_out_free(out);
    /* The state is a finished document of its own: it goes in as the last member. */
    len = strlen(head);
    head[len - 1] = '\0';
    return xasprintf("%s,\"state\":%s}", head, state_json);
}

static int connect_agent(const char *path, struct error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    cleanup_close int sock = -1;

    if (strlen(path) >= sizeof addr.sun_path)
        return error_set(err, ENAMETOOLONG, "config.json: linux.seccomp.listenerPath: %s", path);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return error_set(err, errno, "config.json: linux.seccomp.listenerPath: socket");
    while (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0)
        if (errno != EINTR)
            return error_set(err, errno, "config.json: linux.seccomp.listenerPath: connect to %s",
                             path);
    return take_fd(&sock);
}

int seccomp_send_to_agent(const struct spec_seccomp *seccomp, int notify_fd, pid_t pid,
                          const char *state_json, struct error *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    cleanup_free char *payload = seccomp_agent_payload(seccomp, pid, state_json);
    cleanup_close int sock = connect_agent(seccomp->listener_path, err);
    size_t len = strlen(payload), sent = 0;
    struct iovec iov = {.iov_base = payload, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    if (sock < 0)
        return -1;
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));
    /* runtime.md: the fds go with the first sendmsg only; the rest may follow. */
    while (sent < len) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return error_set(err, n < 0 ? errno : EPIPE,
                             "config.json: linux.seccomp.listenerPath: send the seccomp fd to %s",
                             seccomp->listener_path);
        sent += (size_t)n;
        iov.iov_base = payload + sent;
        iov.iov_len = len - sent;
        msg.msg_control = NULL;
        msg.msg_controllen = 0;
    }
    /* config-linux.md: the connection is not reused; closing it ends the state. */
    return 0;
}
