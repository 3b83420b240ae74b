#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"

/* The kernel's limit on symlinks followed in one lookup. */
#define PATH_MAX_SYMLINKS 40
/* openat2 fails with EAGAIN when a rename races a RESOLVE_IN_ROOT lookup with "..". */
#define PATH_OPENAT2_RETRIES 32

static int openat2_in_root(int root_fd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    for (int attempt = 0; attempt < PATH_OPENAT2_RETRIES; attempt++) {
        int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0 || errno != EAGAIN)
            return fd;
    }
    return -1;
}

int path_open_in_root(int root_fd, const char *path, int flags, struct error *err)
{
    int fd = openat2_in_root(root_fd, path, flags);
    if (fd >= 0)
        return fd;
    if (errno == ENOSYS)
        return path_walk_in_root(root_fd, path, flags, PATH_CREATE_NONE, 0, 0, err);
    return error_set(err, errno, "resolve %s", path);
}

/* The directories walked so far, so that ".." goes back to the fd it came from: asking the
 * kernel for ".." of a directory that a racing rename moved could leave the root. */
struct walk_stack {
    int *fds; /* fds[0] is the root */
    size_t count;
    size_t cap;
};

static void walk_stack_release(struct walk_stack *stack)
{
    for (size_t i = 0; i < stack->count; i++)
        close(stack->fds[i]);
    free(stack->fds);
}

#define cleanup_walk_stack __attribute__((cleanup(walk_stack_release)))

static void walk_push(struct walk_stack *stack, int fd)
{
    if (stack->count == stack->cap) {
        stack->cap = stack->cap ? stack->cap * 2 : 16;
        stack->fds = xrealloc(stack->fds, stack->cap * sizeof *stack->fds);
    }
    stack->fds[stack->count++] = fd;
}

static void walk_pop_to(struct walk_stack *stack, size_t count)
{
    while (stack->count > count)
        close(stack->fds[--stack->count]);
}

static int walk_top(const struct walk_stack *stack)
{
    return stack->fds[stack->count - 1];
}

/* Creates a missing component and opens it without following: if a racing process put a
 * symlink there instead, the walk sees a symlink and resolves it inside the root. */
static int walk_create(int dir_fd, const char *name, bool as_file, mode_t dir_mode,
                       mode_t file_mode)
{
    if (as_file) {
        int fd =
            openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, file_mode);
        if (fd >= 0)
            close(fd);
        else if (errno != EEXIST)
            return -1;
    } else if (mkdirat(dir_fd, name, dir_mode) < 0 && errno != EEXIST) {
        return -1;
    }
    return openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* Replaces the walked symlink by its target: the rest of the path is now target/rest. */
static int walk_expand_symlink(int link_fd, struct walk_stack *stack, char **rest, size_t next)
{
    char target[PATH_MAX];
    ssize_t len = readlinkat(link_fd, "", target, sizeof target - 1);
    if (len < 0)
        return -1;
    target[len] = '\0';
    if (target[0] == '/')
        walk_pop_to(stack, 1);
    char *expanded = xasprintf("%s/%s", target, *rest + next);
    free(*rest);
    *rest = expanded;
    return 0;
}

struct walk_request {
    int flags;
    enum path_create create;
    mode_t dir_mode, file_mode;
};

/* One component of the walk. Returns 1 when a symlink was expanded (restart at the new rest),
 * 0 when the component was entered, -1 with errno on failure. */
static int walk_component(struct walk_stack *stack, char **rest, size_t start, size_t end,
                          int *links, const struct walk_request *req)
{
    char name[NAME_MAX + 1];
    size_t next = end, len = end - start;
    while ((*rest)[next] == '/')
        next++;
    bool last = (*rest)[next] == '\0';

    if (len > NAME_MAX)
        return errno = ENAMETOOLONG, -1;
    memcpy(name, *rest + start, len);
    name[len] = '\0';
    if (strcmp(name, ".") == 0)
        return 0;
    if (strcmp(name, "..") == 0) {
        walk_pop_to(stack, stack->count > 1 ? stack->count - 1 : 1);
        return 0;
    }
    cleanup_close int fd = openat(walk_top(stack), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && req->create != PATH_CREATE_NONE)
        fd = walk_create(walk_top(stack), name, last && req->create == PATH_CREATE_FILE,
                         req->dir_mode, req->file_mode);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    if (S_ISLNK(st.st_mode) && !(last && (req->flags & O_NOFOLLOW))) {
        if (++*links > PATH_MAX_SYMLINKS)
            return errno = ELOOP, -1;
        if (walk_expand_symlink(fd, stack, rest, next) < 0)
            return -1;
        return 1;
    }
    if (!last && !S_ISDIR(st.st_mode))
        return errno = ENOTDIR, -1;
    walk_push(stack, take_fd(&fd));
    return 0;
}

static int walk_result(struct walk_stack *stack, int flags)
{
    struct stat st;
    if (stack->count == 1)
        return openat(walk_top(stack), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if ((flags & O_DIRECTORY) && (fstat(walk_top(stack), &st) < 0 || !S_ISDIR(st.st_mode)))
        return errno = ENOTDIR, -1;
    return stack->fds[--stack->count];
}

int path_walk_in_root(int root_fd, const char *path, int flags, enum path_create create,
                      mode_t dir_mode, mode_t file_mode, struct error *err)
{
    const struct walk_request req = {flags, create, dir_mode, file_mode};
    cleanup_walk_stack struct walk_stack stack = {0};
    cleanup_free char *rest = xstrdup(path);
    int links = 0;
    size_t pos = 0;
    const char *what = create == PATH_CREATE_NONE ? "resolve" : "create";

    /* As for the kernel, an empty path names nothing. */
    if (path[0] == '\0')
        return error_set(err, ENOENT, "%s %s", what, path);
    int root = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    if (root < 0)
        return error_set(err, errno, "%s %s", what, path);
    walk_push(&stack, root);
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (rest[pos] == '\0')
            break;
        size_t end = pos;
        while (rest[end] != '\0' && rest[end] != '/')
            end++;
        int r = walk_component(&stack, &rest, pos, end, &links, &req);
        if (r < 0)
            return error_set(err, errno, "%s %s", what, path);
        pos = r == 1 ? 0 : end;
    }
    int fd = walk_result(&stack, flags);
    if (fd < 0)
        return error_set(err, errno, "%s %s", what, path);
    return fd;
}

int path_mkdir_all_in_root(int root_fd, const char *path, mode_t mode, struct error *err)
{
    int fd = openat2_in_root(root_fd, path, O_DIRECTORY);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT && errno != ENOSYS)
        return error_set(err, errno, "resolve %s", path);
    return path_walk_in_root(root_fd, path, O_DIRECTORY, PATH_CREATE_DIR, mode, 0, err);
}

int path_create_file_in_root(int root_fd, const char *path, mode_t file_mode, struct error *err)
{
    int fd = openat2_in_root(root_fd, path, 0);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT && errno != ENOSYS)
        return error_set(err, errno, "resolve %s", path);
    return path_walk_in_root(root_fd, path, 0, PATH_CREATE_FILE, 0755, file_mode, err);
}

int path_open_parent_in_root(int root_fd, const char *path, char **name, struct error *err)
{
    cleanup_free char *parent = xstrdup(path);
    size_t len = strlen(parent);

    while (len > 0 && parent[len - 1] == '/')
        parent[--len] = '\0';
    char *slash = strrchr(parent, '/');
    const char *last = slash ? slash + 1 : parent;
    if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
        return error_set(err, EINVAL, "%s: no file name at the end", path);
    cleanup_free char *last_copy = xstrdup(last);
    if (slash)
        slash[1] = '\0';
    else
        parent[0] = '\0';
    int fd = path_mkdir_all_in_root(root_fd, parent[0] ? parent : "/", 0755, err);
    if (fd < 0)
        return -1;
    *name = take_ptr(&last_copy);
    return fd;
}

void path_fd_name(int fd, char buf[PATH_FD_MAX])
{
    snprintf(buf, PATH_FD_MAX, "/proc/self/fd/%d", fd);
}

char *path_fd_in_root(int fd, const char *root_path, struct error *err)
{
    char link[PATH_FD_MAX], target[PATH_MAX];
    size_t root_len = strlen(root_path);

    path_fd_name(fd, link);
    ssize_t len = readlink(link, target, sizeof target - 1);
    if (len < 0)
        return error_set(err, errno, "readlink %s", link), NULL;
    target[len] = '\0';
    while (root_len > 0 && root_path[root_len - 1] == '/')
        root_len--;
    if (strncmp(target, root_path, root_len) != 0 ||
        (target[root_len] != '/' && target[root_len] != '\0'))
        return error_set(err, ERANGE, "%s is outside %s", target, root_path), NULL;
    return xstrdup(target[root_len] ? target + root_len : "/");
}

char *path_clean(const char *path)
{
    size_t len = strlen(path);
    char *out = xmalloc(len + 2);
    size_t out_len = 0;

    for (const char *p = path; *p != '\0';) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p != '\0' && *p != '/')
            p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.'))
            continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            while (out_len > 0 && out[out_len - 1] != '/')
                out_len--;
            if (out_len > 0)
                out_len--;
            continue;
        }
        out[out_len++] = '/';
        memcpy(out + out_len, start, n);
        out_len += n;
    }
    if (out_len == 0)
        out[out_len++] = '/';
    out[out_len] = '\0';
    return out;
}
