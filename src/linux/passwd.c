#include "passwd.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util.h"

#define PASSWD_MAX_BYTES (4u << 20)

/* name:password:uid:gid:gecos:home:shell; fields may be empty (so no strtok on ':'). */
static char *find_field(char *text, uid_t uid, enum passwd_field field)
{
    char *save = NULL;

    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[7] = {NULL};
        char *p = line;
        long long value;
        int n = 0;

        while (n < 7 && p) {
            fields[n++] = p;
            p = strchr(p, ':');
            if (p)
                *p++ = '\0';
        }
        if (n < 6 || parse_long(fields[2], &value) < 0 || value != (long long)uid)
            continue;
        return *fields[field] ? xstrdup(fields[field]) : NULL;
    }
    return NULL;
}

char *passwd_lookup(uid_t uid, enum passwd_field field)
{
    cleanup_free char *text = NULL;
    cleanup_close int fd = -1;
    struct stat st;
    struct error ignored;
    size_t len;

    /* O_NONBLOCK: a FIFO an image plants as /etc/passwd must not hang us. */
    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        read_fd_all(fd, PASSWD_MAX_BYTES, &text, &len, &ignored) < 0)
        return NULL;
    return find_field(text, uid, field);
}
