#define _GNU_SOURCE
/* recvtty: the receiving end of --console-socket for the tests (runc's contrib/cmd/recvtty
 * idea, Debian does not package it).
 *
 *   recvtty [-n NAME_FILE] [-i INPUT] [-w SECONDS] [-t SECONDS] SOCKET_PATH
 *
 * Listens on SOCKET_PATH (a unix stream socket), accepts one connection and receives one fd
 * with SCM_RIGHTS. Writes the message's payload (runc sends a name) and a description of the
 * fd ("pty N" for a pty master, else "not-a-pty") to NAME_FILE, one per line. Then, after
 * waiting -w seconds (default 0), writes INPUT (C escapes \n, \r, \004 expanded) to the fd
 * and copies what it reads from it to stdout until EIO/EOF (the last slave fd closed) or -t
 * seconds (default 15) without data; gives up when nobody connects within -t + 20 seconds.
 * Exits 0 when an fd was received, 1 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* Bound under a temporary name and renamed once listening: whoever sees the path can
 * connect. */
static int listen_on(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) + 5 >= sizeof addr.sun_path)
        return -1;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s.tmp", path);
    unlink(addr.sun_path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0 ||
        rename(addr.sun_path, path) < 0)
        return -1;
    return fd;
}

static int receive_fd(int conn, char *name, size_t name_len)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * 4)];
    } control;
    struct iovec iov = {.iov_base = name, .iov_len = name_len - 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n;
    int fd = -1;

    memset(name, 0, name_len);
    do
        n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static size_t unescape(const char *in, char *out)
{
    size_t n = 0;
    for (; *in; in++) {
        if (*in != '\\' || !in[1]) {
            out[n++] = *in;
            continue;
        }
        in++;
        if (*in == 'n')
            out[n++] = '\n';
        else if (*in == 'r')
            out[n++] = '\r';
        else if (*in >= '0' && *in <= '7') {
            int value = 0;
            for (int i = 0; i < 3 && *in >= '0' && *in <= '7'; i++, in++)
                value = value * 8 + (*in - '0');
            in--;
            out[n++] = (char)value;
        } else
            out[n++] = *in;
    }
    return n;
}

static void copy_output(int fd, int timeout_s)
{
    char buf[4096];
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_s * 1000);
        ssize_t n;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* EIO: every slave fd is closed */
        if (write(STDOUT_FILENO, buf, (size_t)n) != n)
            return;
    }
}

int main(int argc, char **argv)
{
    const char *name_file = NULL, *input = NULL;
    int wait_s = 0, timeout_s = 15, opt, listener, conn, fd;
    char name[4096];
    unsigned int ptn;

    while ((opt = getopt(argc, argv, "n:i:w:t:")) != -1) {
        if (opt == 'n')
            name_file = optarg;
        else if (opt == 'i')
            input = optarg;
        else if (opt == 'w')
            wait_s = atoi(optarg);
        else if (opt == 't')
            timeout_s = atoi(optarg);
        else
            return 2;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: recvtty [-n FILE] [-i INPUT] [-w S] [-t S] SOCKET\n");
        return 2;
    }
    listener = listen_on(argv[optind]);
    if (listener < 0) {
        perror("recvtty: listen");
        return 1;
    }
    /* Nobody connecting (the runtime failed early) must not leave us behind. */
    struct pollfd p = {.fd = listener, .events = POLLIN};
    if (poll(&p, 1, (timeout_s + 20) * 1000) != 1) {
        fprintf(stderr, "recvtty: nobody connected\n");
        return 1;
    }
    conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0 || (fd = receive_fd(conn, name, sizeof name)) < 0) {
        perror("recvtty: receive");
        return 1;
    }
    close(conn);
    close(listener);
    if (name_file) {
        FILE *f = fopen(name_file, "w");
        if (f) {
            if (ioctl(fd, TIOCGPTN, &ptn) == 0)
                fprintf(f, "%s\npty %u\n", name, ptn);
            else
                fprintf(f, "%s\nnot-a-pty\n", name);
            fclose(f);
        }
    }
    if (wait_s > 0)
        sleep((unsigned int)wait_s);
    if (input) {
        char *buf = malloc(strlen(input) + 1);
        size_t len = unescape(input, buf);
        if (buf && write(fd, buf, len) != (ssize_t)len)
            perror("recvtty: write");
        free(buf);
    }
    copy_output(fd, timeout_s);
    return 0;
}
