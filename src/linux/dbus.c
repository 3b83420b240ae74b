/* The connection to systemd: a unix socket, EXTERNAL authentication, calls matched to
 * their replies by serial, and JobRemoved signals kept until someone waits for the job. */
#include "dbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

#define SYSTEMD_PRIVATE_SOCKET "/run/systemd/private"
#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
#define JOB_RESULT_MAX 32

struct finished_job {
    char *path;
    char result[JOB_RESULT_MAX];
};

struct dbus_conn {
    int fd;
    uint32_t serial;
    uint8_t *in; /* bytes read and not yet taken as messages */
    size_t in_len, in_cap;
    uint8_t *current; /* the last message handed out (its strings point here) */
    struct finished_job *jobs;
    size_t jobs_count;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dbus_close(struct dbus_conn *conn)
{
    if (!conn)
        return;
    if (conn->fd >= 0)
        close(conn->fd);
    free(conn->in);
    free(conn->current);
    for (size_t i = 0; i < conn->jobs_count; i++)
        free(conn->jobs[i].path);
    free(conn->jobs);
    free(conn);
}

void cleanup_dbus_conn_fn(struct dbus_conn **conn)
{
    dbus_close(*conn);
}

/* Reads what the socket has into conn->in, waiting until the deadline. */
static int fill(struct dbus_conn *conn, long long deadline, struct error *err)
{
    long long left = deadline - now_ms();
    struct pollfd p = {.fd = conn->fd, .events = POLLIN};
    int ready;

    while ((ready = poll(&p, 1, left > 0 ? (int)left : 0)) < 0 && errno == EINTR)
        left = deadline - now_ms();
    if (ready < 0)
        return error_set(err, errno, "d-bus: poll");
    if (ready == 0)
        return error_set(err, ETIMEDOUT, "d-bus: no answer from systemd");
    if (conn->in_cap - conn->in_len < 4096) {
        conn->in_cap = conn->in_cap * 2 + 8192;
        conn->in = xrealloc(conn->in, conn->in_cap);
    }
    ssize_t n;
    while ((n = read(conn->fd, conn->in + conn->in_len, conn->in_cap - conn->in_len)) < 0 &&
           errno == EINTR)
        ;
    if (n < 0)
        return error_set(err, errno, "d-bus: read");
    if (n == 0)
        return error_set(err, ECONNRESET, "d-bus: systemd closed the connection");
    conn->in_len += (size_t)n;
    return 0;
}

/* The next whole message; it stays valid until the next call. */
static int next_message(struct dbus_conn *conn, long long deadline, struct dbus_message *msg,
                        struct error *err)
{
    long size;

    while ((size = dbus_message_size(conn->in, conn->in_len)) == 0 ||
           (size > 0 && (size_t)size > conn->in_len))
        if (fill(conn, deadline, err) < 0)
            return -1;
    if (size < 0)
        return error_set(err, EPROTO, "d-bus: malformed message from systemd");
    free(conn->current);
    conn->current = xmalloc((size_t)size);
    memcpy(conn->current, conn->in, (size_t)size);
    conn->in_len -= (size_t)size;
    memmove(conn->in, conn->in + size, conn->in_len);
    return dbus_message_parse(conn->current, (size_t)size, msg, err);
}

/* Keeps systemd's "job finished" signals: a job may end before its caller asks. */
static void note_signal(struct dbus_conn *conn, struct dbus_message *msg)
{
    uint32_t id;
    const char *job, *unit, *result;

    if (msg->type != DBUS_SIGNAL || !msg->member || strcmp(msg->member, "JobRemoved") != 0 ||
        strcmp(msg->signature, "uoss") != 0)
        return;
    if (dbus_get_u32(&msg->body, &id) < 0 || dbus_get_string(&msg->body, &job) < 0 ||
        dbus_get_string(&msg->body, &unit) < 0 || dbus_get_string(&msg->body, &result) < 0)
        return;
    conn->jobs = xrealloc(conn->jobs, (conn->jobs_count + 1) * sizeof *conn->jobs);
    struct finished_job *f = &conn->jobs[conn->jobs_count++];
    f->path = xstrdup(job);
    snprintf(f->result, sizeof f->result, "%s", result);
}

static int send_call(struct dbus_conn *conn, const struct dbus_call *call, uint32_t *serial)
{
    struct dbus_writer out = {0};

    *serial = ++conn->serial;
    dbus_marshal_call(call, *serial, &out);
    int rc = write_all(conn->fd, out.data, out.len);
    dbus_writer_free(&out);
    return rc;
}

int dbus_call_method(struct dbus_conn *conn, const struct dbus_call *call, int timeout_ms,
                     struct dbus_message *reply, char *error_name, struct error *err)
{
    long long deadline = now_ms() + timeout_ms;
    uint32_t serial;

    if (error_name)
        error_name[0] = '\0';
    if (send_call(conn, call, &serial) < 0)
        return error_set(err, errno, "d-bus: send %s", call->member);
    for (;;) {
        if (next_message(conn, deadline, reply, err) < 0)
            return error_prefix(err, "%s", call->member);
        note_signal(conn, reply);
        if ((reply->type != DBUS_METHOD_RETURN && reply->type != DBUS_ERROR) ||
            reply->reply_serial != serial)
            continue;
        if (reply->type == DBUS_METHOD_RETURN)
            return 0;
        const char *name = reply->error_name ? reply->error_name : "unknown error";
        const char *text = "";
        if (strncmp(reply->signature, "s", 1) == 0)
            dbus_get_string(&reply->body, &text);
        if (error_name)
            snprintf(error_name, 128, "%s", name);
        return error_set(err, 0, "%s: %s%s%s", call->member, name, *text ? ": " : "", text);
    }
}

int dbus_wait_job(struct dbus_conn *conn, const char *job, int timeout_ms, char *result,
                  struct error *err)
{
    long long deadline = now_ms() + timeout_ms;
    struct dbus_message msg;

    for (;;) {
        for (size_t i = 0; i < conn->jobs_count; i++)
            if (strcmp(conn->jobs[i].path, job) == 0) {
                snprintf(result, JOB_RESULT_MAX, "%s", conn->jobs[i].result);
                return 0;
            }
        if (next_message(conn, deadline, &msg, err) < 0)
            return -1;
        note_signal(conn, &msg);
    }
}

/* ------------------------------------------------------------------ connecting */

static int connect_unix(const char *path, struct error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return error_set(err, errno, "socket");
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        error_set(err, errno, "connect %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* The SASL exchange: EXTERNAL with our uid, as every D-Bus peer on a unix socket does.
 * BEGIN goes with AUTH, as sd-bus sends it, and the first message only after the server's
 * OK: systemd 252 reads BEGIN and a message that arrive in one piece, but answers the
 * message only when more data comes (a StopUnit stalled for our whole timeout). */
static int authenticate(struct dbus_conn *conn, long long deadline, struct error *err)
{
    char hello[64], uid[16];
    int n = snprintf(uid, sizeof uid, "%u", (unsigned)geteuid());
    int len = snprintf(hello, sizeof hello, "%cAUTH EXTERNAL ", '\0');
    for (int i = 0; i < n; i++)
        len += snprintf(hello + len, sizeof hello - (size_t)len, "%02x", (unsigned char)uid[i]);
    len += snprintf(hello + len, sizeof hello - (size_t)len, "\r\nBEGIN\r\n");
    if (write_all(conn->fd, hello, (size_t)len) < 0)
        return error_set(err, errno, "d-bus: authenticate");
    char *end;
    while (!(end = conn->in_len ? memmem(conn->in, conn->in_len, "\r\n", 2) : NULL))
        if (conn->in_len > 512 || fill(conn, deadline, err) < 0)
            return conn->in_len > 512 ? error_set(err, EPROTO, "d-bus: authentication") : -1;
    if (conn->in_len < 3 || memcmp(conn->in, "OK ", 3) != 0)
        return error_set(err, EACCES, "d-bus: authentication refused: %.*s",
                         (int)(end - (char *)conn->in), (char *)conn->in);
    conn->in_len = 0;
    return 0;
}

/* On the system bus: a name for us, and the JobRemoved signals routed to us (on systemd's
 * private socket it sends them to every peer unasked). */
static int join_bus(struct dbus_conn *conn, struct error *err)
{
    struct dbus_message reply;
    struct dbus_writer match = {0};
    struct dbus_call call = {
        .destination = "org.freedesktop.DBus",
        .path = "/org/freedesktop/DBus",
        .interface = "org.freedesktop.DBus",
        .member = "Hello",
    };
    if (dbus_call_method(conn, &call, 5000, &reply, NULL, err) < 0)
        return -1;
    dbus_put_string(&match, "type='signal',sender='org.freedesktop.systemd1',"
                            "interface='org.freedesktop.systemd1.Manager',member='JobRemoved'");
    call.member = "AddMatch";
    call.signature = "s";
    call.body = &match;
    int rc = dbus_call_method(conn, &call, 5000, &reply, NULL, err);
    dbus_writer_free(&match);
    return rc;
}

static int open_conn(const char *path, bool bus_daemon, struct dbus_conn **out, struct error *err)
{
    int fd = connect_unix(path, err);
    if (fd < 0)
        return -1;
    struct dbus_conn *conn = xcalloc(1, sizeof *conn);
    conn->fd = fd;
    if (authenticate(conn, now_ms() + 5000, err) < 0 || (bus_daemon && join_bus(conn, err) < 0)) {
        dbus_close(conn);
        return -1;
    }
    *out = conn;
    return 0;
}

int dbus_connect_systemd(struct dbus_conn **out, struct error *err)
{
    struct error private_err = {0}, bus_err;
    const char *bus = getenv("DBUS_SYSTEM_BUS_ADDRESS");
    char path[108];

    /* sd_booted(): systemd makes this directory early at boot, and only systemd does. */
    if (access("/run/systemd/system", F_OK) != 0)
        return error_set(err, 0,
                         "no systemd on the bus: systemd is not running on this host "
                         "(no /run/systemd/system)");
    if (geteuid() == 0 && open_conn(SYSTEMD_PRIVATE_SOCKET, false, out, &private_err) == 0)
        return 0;
    /* "unix:path=/x[,guid=...]" is the only address form worth following here. */
    if (bus && str_has_prefix(bus, "unix:path="))
        snprintf(path, sizeof path, "%.*s", (int)strcspn(bus + 10, ","), bus + 10);
    else
        snprintf(path, sizeof path, "%s", SYSTEM_BUS_SOCKET);
    if (open_conn(path, true, out, &bus_err) == 0)
        return 0;
    error_set(err, 0, "no systemd on the bus (is systemd PID 1?): %s%s%s", private_err.msg,
              private_err.msg[0] ? "; " : "", bus_err.msg);
    err->errnum = bus_err.errnum;
    return -1;
}
