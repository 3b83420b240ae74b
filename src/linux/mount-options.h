/* The mount options of config.json's mounts[].options, turned into what the kernel takes:
 * mount(2) flags, propagation changes, mount_setattr(2) recursive attributes and the
 * filesystem data string. Pure parsing: no system call here. */
#ifndef RUNC_GO_MOUNT_OPTIONS_H
#define RUNC_GO_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

#define MOUNT_OPTIONS_MAX_PROPAGATION 8

struct mount_options {
    unsigned long flags;   /* MS_RDONLY, MS_NOSUID, ... (never MS_BIND, MS_REC or propagation) */
    unsigned long cleared; /* flags explicitly turned off ("rw", "suid", ...): a bind mount
                            * clears them on the source's flags */
    bool bind;             /* "bind" or "rbind" */
    bool recursive;        /* "rbind" */
    /* Propagation changes in the order given, e.g. MS_SLAVE | MS_REC for "rslave". */
    unsigned long propagation[MOUNT_OPTIONS_MAX_PROPAGATION];
    size_t propagation_count;
    /* Recursive attributes ("rro", "rnosuid", ...) for mount_setattr(AT_RECURSIVE). */
    uint64_t attr_set;
    uint64_t attr_clr;
    char *data;           /* filesystem-specific options joined by ",", NULL when there are none */
    bool idmap;           /* "idmap" or "ridmap": an idmapped bind mount */
    bool idmap_recursive; /* "ridmap": every mount of the tree is idmapped */
};

/* Parses the option strings of one mount. Unknown options become filesystem data, as the
 * runtime-spec asks. */
int mount_options_parse(char *const *options, size_t count, struct mount_options *out,
                        struct error *err);

void mount_options_free(struct mount_options *options);
#define cleanup_mount_options __attribute__((cleanup(mount_options_free)))

/* Maps a propagation name ("private", "rslave", "shared", "runbindable", ...) to mount(2)
 * flags (MS_PRIVATE, MS_SLAVE | MS_REC, ...). Returns -1 for an unknown name. */
int mount_propagation_parse(const char *name, unsigned long *flags);

/* The per-mount attributes (MOUNT_ATTR_*) that the mount(2) flags set and cleared on a bind
 * mount ask for, to apply with mount_setattr(2): a bind mount ignores flags in the mount call
 * itself. Flags without a per-mount meaning (sync, lazytime ...) have no attribute. */
void mount_flags_to_attr(unsigned long flags, unsigned long cleared, uint64_t *attr_set,
                         uint64_t *attr_clr);

/* The option names a mount accepts, in table order: the table's entries that parse on their
 * own ("idmap" and "ridmap" are there only to fail with a clear message). *names gets a
 * malloc'd array of pointers to static strings: free the array, not the names. */
size_t mount_option_names(const char ***names);

#endif
