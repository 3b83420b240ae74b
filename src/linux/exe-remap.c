/* The kernel refuses a new exe file while the old one is still mapped (EBUSY), so first
 * every mapping of the binary must come from the new file (or from no file). The code that
 * does this runs from the text it replaces: MAP_FIXED swaps the mapping in one step, and
 * the bytes at every address stay the same, so execution carries on unaware. */
#include "exe-remap.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../util.h"

struct range {
    uintptr_t start, end;
};

/* PT_GNU_RELRO of the program itself (the first object dl_iterate_phdr reports): written
 * by the loader (relocations), then made read-only, so it differs from the file. */
static int find_relro(struct dl_phdr_info *info, size_t size, void *data)
{
    struct range *relro = data;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_GNU_RELRO)
            continue;
        relro->start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
        relro->end = relro->start + info->dlpi_phdr[i].p_memsz;
    }
    return 1;
}

/* Word by word and not memcpy: under ASan, memcpy would check the globals' redzones. */
__attribute__((no_sanitize_address)) static void
copy_words(volatile unsigned long *to, const volatile unsigned long *from, size_t bytes)
{
    for (size_t i = 0; i < bytes / sizeof *to; i++)
        to[i] = from[i];
}

/* A mapping the process wrote to: its current bytes into anonymous memory, moved onto the
 * same addresses. Nothing may write to it between the copy and the move; only this code
 * runs, and it uses the stack. */
static int replace_with_copy(uintptr_t start, size_t len, int prot)
{
    void *copy = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (copy == MAP_FAILED)
        return -1;
    copy_words(copy, (const void *)start, len);
    if (mprotect(copy, len, prot) < 0 ||
        mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)start) == MAP_FAILED) {
        int saved = errno;
        munmap(copy, len);
        errno = saved;
        return -1;
    }
    return 0;
}

static int remap_one(int file_fd, uintptr_t start, uintptr_t end, const char *perms,
                     unsigned long offset, const struct range *relro)
{
    int prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
               (perms[2] == 'x' ? PROT_EXEC : 0);
    bool written =
        (prot & PROT_WRITE) || perms[3] != 'p' || (start < relro->end && relro->start < end);

    if (written)
        return replace_with_copy(start, end - start, prot);
    return mmap((void *)start, end - start, prot, MAP_PRIVATE | MAP_FIXED, file_fd,
                (off_t)offset) == MAP_FAILED
               ? -1
               : 0;
}

static int remap_mappings(int file_fd, const struct stat *st)
{
    struct range relro = {0, 0};
    cleanup_free char *maps = NULL;
    size_t len, found = 0;
    struct error ignored;

    dl_iterate_phdr(find_relro, &relro);
    if (read_file("/proc/self/maps", 1u << 20, &maps, &len, &ignored) < 0)
        return -1;
    for (char *line = maps, *next; line && *line; line = next) {
        unsigned long start, end, offset, inode;
        unsigned int major, minor;
        char perms[5];

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &start, &end, perms, &offset, &major, &minor,
                   &inode) != 7 ||
            inode != st->st_ino || makedev(major, minor) != st->st_dev)
            continue;
        if (remap_one(file_fd, start, end, perms, offset, &relro) < 0)
            return -1;
        found++;
    }
    if (found == 0)
        return errno = ENOENT, -1;
    return 0;
}

/* The mm's fields as they are (/proc/self/stat), since PR_SET_MM_MAP sets them all. */
static int current_mm_map(struct prctl_mm_map *map)
{
    char text[2048];
    unsigned long long field[53] = {0};
    cleanup_close int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    char *p, *end;

    if (n <= 0)
        return -1;
    text[n] = '\0';
    p = strrchr(text, ')'); /* the command name may hold anything */
    if (!p)
        return errno = EINVAL, -1;
    p += strspn(p + 1, " ") + 2; /* past ") " and field 3, the state letter */
    for (int i = 4; i < 53; i++, p = end) {
        field[i] = strtoull(p, &end, 10);
        if (end == p)
            return errno = EINVAL, -1;
    }
    *map = (struct prctl_mm_map){
        .start_code = field[26],
        .end_code = field[27],
        .start_stack = field[28],
        .start_data = field[45],
        .end_data = field[46],
        .start_brk = field[47],
        .brk = (uint64_t)syscall(SYS_brk, 0),
        .arg_start = field[48],
        .arg_end = field[49],
        .env_start = field[50],
        .env_end = field[51],
        .exe_fd = (uint32_t)-1,
    };
    return 0;
}

int exe_remap_onto(int file_fd, const struct stat *st)
{
    struct prctl_mm_map map;

    if (current_mm_map(&map) < 0 || remap_mappings(file_fd, st) < 0)
        return -1;
    map.exe_fd = (uint32_t)file_fd;
    return prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof map, 0) < 0 ? -1 : 0;
}
