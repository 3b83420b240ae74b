/* SCMP_ACT_NOTIFY: the listener fd goes to the seccomp agent listening at
 * linux.seccomp.listenerPath, with the container process state (runtime.md) as payload. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../spec/json-out.h"
#include "../util.h"
#include "seccomp-internal.h"

/* What the init cannot know yet, because seccomp_load_config() only sees linux.seccomp:
 *  - state.id and state.bundle are sent empty (both are REQUIRED by runtime.md, so the keys
 *    are kept for agents that decode into a fixed struct);
 *  - state.annotations are left out;
 *  - pid is getpid() inside the container's pid namespace (1 for a new one), not the pid
 *    the runtime sees, which runtime.md asks for.
 * runc sends this from the runtime process, which knows all of it: moving the send to the
 * parent (the init passing the fd over the sync socket) fixes these and the path lookup
 * noted in seccomp_listener_open(). */
char *seccomp_listener_state_json(const struct spec_seccomp *seccomp, int pid)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", SPEC_VERSION);
    json_out_key(out, "fds");
    json_out_array_open(out);
    json_out_string(out, "seccompFd");
    json_out_array_close(out);
    json_out_kv_int(out, "pid", pid);
    if (seccomp->listener_metadata)
        json_out_kv_string(out, "metadata", seccomp->listener_metadata);
    json_out_key(out, "state");
    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", SPEC_VERSION);
    json_out_kv_string(out, "id", "");
    json_out_kv_string(out, "status", "creating");
    json_out_kv_int(out, "pid", pid);
    json_out_kv_string(out, "bundle", "");
    json_out_map_close(out);
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

/* The path is resolved by the init, i.e. inside the container's mount namespace once the
 * rootfs is pivoted: the socket must be visible there (a bind mount of its directory).
 * A connect failure is reported before the filter is loaded. */
int seccomp_listener_open(const struct spec_seccomp *seccomp, int pid,
                          struct seccomp_listener *listener, struct error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    const char *path = seccomp->listener_path;

    if (!path || path[0] == '\0')
        return error_set(err, 0,
                         "config.json: linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY");
    if (strlen(path) >= sizeof addr.sun_path)
        return error_set(err, 0, "config.json: linux.seccomp.listenerPath: longer than %zu bytes",
                         sizeof addr.sun_path - 1);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    listener->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener->sock < 0)
        return error_set(err, errno, "config.json: linux.seccomp.listenerPath: socket");
    if (connect(listener->sock, (struct sockaddr *)&addr, sizeof addr) < 0)
        return error_set(err, errno, "config.json: linux.seccomp.listenerPath: connect to %s",
                         path);
    listener->payload = seccomp_listener_state_json(seccomp, pid);
    return 0;
}

/* runtime.md: the fds go with the first sendmsg only; the rest of the payload may follow in
 * further calls. No allocation here: it runs under the filter. */
int seccomp_listener_send(struct seccomp_listener *listener, int notify_fd, struct error *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    size_t len = strlen(listener->payload), sent = 0;
    struct iovec iov = {.iov_base = listener->payload, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *cmsg;

    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));
    while (sent < len) {
        ssize_t n = sendmsg(listener->sock, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return error_set(err, n < 0 ? errno : EPIPE,
                             "config.json: linux.seccomp.listenerPath: send the seccomp fd");
        sent += (size_t)n;
        iov.iov_base = listener->payload + sent;
        iov.iov_len = len - sent;
        msg.msg_control = NULL;
        msg.msg_controllen = 0;
    }
    /* config-linux.md: the connection is not reused, and closed after the state is sent. */
    close(take_fd(&listener->sock));
    return 0;
}

void seccomp_listener_close(struct seccomp_listener *listener)
{
    if (listener->sock >= 0)
        close(take_fd(&listener->sock));
    free(take_ptr(&listener->payload));
}
