/* Pointing /proc/self/exe at another view of the same binary without an execve. */
#ifndef RUNC_GO_EXE_REMAP_H
#define RUNC_GO_EXE_REMAP_H

#include <sys/stat.h>

/* file_fd is the running binary (same inode as st) opened through another mount. Every
 * mapping of the binary is replaced by one of file_fd (the text and read-only data: same
 * page cache, nothing copied) or by an anonymous copy (data and RELRO, which the process has
 * written), then file_fd becomes the process's exe (prctl PR_SET_MM_MAP: CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE). -1 with errno when any step fails; the process is then intact,
 * part of its code possibly mapped from file_fd, which holds the same bytes. */
int exe_remap_onto(int file_fd, const struct stat *st);

#endif
