/* Allocation that cannot fail, scope-bound cleanup helpers and small string/file helpers. */
#ifndef RUNC_GO_UTIL_H
#define RUNC_GO_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void cleanup_free_fn(void *pp);
void cleanup_close_fn(int *fd);
void cleanup_fclose_fn(FILE **f);
void cleanup_closedir_fn(DIR **d);

#define cleanup_free __attribute__((cleanup(cleanup_free_fn)))
#define cleanup_close __attribute__((cleanup(cleanup_close_fn)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclose_fn)))
#define cleanup_closedir __attribute__((cleanup(cleanup_closedir_fn)))

/* Hands ownership of an fd out of a cleanup_close variable. */
static inline int take_fd(int *fd)
{
    int value = *fd;
    *fd = -1;
    return value;
}

/* Hands ownership of a pointer out of a cleanup_free variable. */
#define take_ptr(pp)                                                                               \
    ({                                                                                             \
        __typeof__(*(pp)) taken_ = *(pp);                                                          \
        *(pp) = NULL;                                                                              \
        taken_;                                                                                    \
    })

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **out, size_t *out_len, struct error *err);
int read_fd_all(int fd, size_t max, char **out, size_t *out_len, struct error *err);
/* Writes all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Writes a short string to an existing file such as a /proc or cgroup file. */
int write_file_string(const char *path, const char *value, struct error *err);
int write_file_at(int dirfd, const char *name, const char *value, struct error *err);

bool str_has_prefix(const char *s, const char *prefix);
/* Parses a base-10 integer with range check; returns -1 on junk. */
int parse_long(const char *s, long long *out);

#endif
