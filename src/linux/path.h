/* Resolving paths the container controls. The image and shared volumes are hostile: a
 * destination such as /dev/../../etc or a symlink to /etc must never lead out of the rootfs.
 * Every lookup starts at an fd of the rootfs and treats it as "/": absolute symlinks and ".."
 * stop at it (openat2 RESOLVE_IN_ROOT, or an O_NOFOLLOW walk where openat2 is missing).
 * All returned fds are O_PATH | O_CLOEXEC: use them with *at() calls, mount_fd_path() or the
 * new mount API, never to read or write. */
#ifndef RUNC_GO_PATH_H
#define RUNC_GO_PATH_H

#include <sys/types.h>

#include "../error.h"

enum path_create {
    PATH_CREATE_NONE, /* only look up */
    PATH_CREATE_DIR,  /* create missing directories, the last one included */
    PATH_CREATE_FILE, /* create missing parent directories and an empty last file */
};

/* Opens path (relative to root_fd even when absolute) inside the root, following symlinks
 * inside it and refusing magic links. flags may add O_DIRECTORY or O_NOFOLLOW. */
int path_open_in_root(int root_fd, const char *path, int flags, struct error *err);

/* The component walk behind path_open_in_root when openat2(2) is missing; also creates what is
 * missing when asked (a dangling symlink inside the root gets its target created inside the
 * root). Missing directories get dir_mode, a created file file_mode (umask applies). */
int path_walk_in_root(int root_fd, const char *path, int flags, enum path_create create,
                      mode_t dir_mode, mode_t file_mode, struct error *err);

/* Opens the directory path inside the root, creating missing directories with mode. */
int path_mkdir_all_in_root(int root_fd, const char *path, mode_t mode, struct error *err);

/* Opens path inside the root whatever its type; when missing creates it as an empty file
 * (mode file_mode) in parent directories created with mode 0755. */
int path_create_file_in_root(int root_fd, const char *path, mode_t file_mode, struct error *err);

/* Opens the parent directory of path inside the root (creating it with mode 0755) and returns
 * the last component in *name (allocated): for mknodat(), symlinkat() ... on a new entry.
 * Fails with EINVAL when the last component is empty, "." or "..". */
int path_open_parent_in_root(int root_fd, const char *path, char **name, struct error *err);

/* Lexical clean-up for comparing destinations: "dev//./pts/" -> "/dev/pts", ".." above "/"
 * stays at "/". Never use the result to open anything: symlinks are not looked at. */
char *path_clean(const char *path);

/* "/proc/self/fd/N": how mount(2) reaches the object an O_PATH fd refers to. */
#define PATH_FD_MAX 32
void path_fd_name(int fd, char buf[PATH_FD_MAX]);

/* The path of an fd relative to root_path ("/proc" for <rootfs>/proc), from the kernel's name
 * of the fd. NULL (ERANGE) when the fd lies outside root_path. */
char *path_fd_in_root(int fd, const char *root_path, struct error *err);

#endif
