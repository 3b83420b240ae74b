#include "mount-options.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "mount-api.h"

enum option_kind {
    OPTION_FLAG_SET,   /* mount(2) flag turned on */
    OPTION_FLAG_CLEAR, /* mount(2) flag turned off by its opposite ("rw", "suid") */
    OPTION_BIND,
    OPTION_RBIND,
    OPTION_PROPAGATION,
    OPTION_ATTR_SET,   /* recursive attribute turned on ("rro") */
    OPTION_ATTR_CLEAR, /* recursive attribute turned off ("rrw") */
    OPTION_ATTR_ATIME, /* recursive atime mode: an enum, not a bit */
    OPTION_IGNORE,
    OPTION_IDMAP,
};

struct option_entry {
    const char *name;
    enum option_kind kind;
    unsigned long value;
};

/* mount(8)'s filesystem-independent options plus the runtime-spec's recursive ones. */
static const struct option_entry option_table[] = {
    {"defaults", OPTION_IGNORE, 0},
    {"ro", OPTION_FLAG_SET, MS_RDONLY},
    {"rw", OPTION_FLAG_CLEAR, MS_RDONLY},
    {"nosuid", OPTION_FLAG_SET, MS_NOSUID},
    {"suid", OPTION_FLAG_CLEAR, MS_NOSUID},
    {"nodev", OPTION_FLAG_SET, MS_NODEV},
    {"dev", OPTION_FLAG_CLEAR, MS_NODEV},
    {"noexec", OPTION_FLAG_SET, MS_NOEXEC},
    {"exec", OPTION_FLAG_CLEAR, MS_NOEXEC},
    {"sync", OPTION_FLAG_SET, MS_SYNCHRONOUS},
    {"async", OPTION_FLAG_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPTION_FLAG_SET, MS_DIRSYNC},
    {"remount", OPTION_FLAG_SET, MS_REMOUNT},
    {"mand", OPTION_FLAG_SET, MS_MANDLOCK},
    {"nomand", OPTION_FLAG_CLEAR, MS_MANDLOCK},
    {"noatime", OPTION_FLAG_SET, MS_NOATIME},
    {"atime", OPTION_FLAG_CLEAR, MS_NOATIME},
    {"nodiratime", OPTION_FLAG_SET, MS_NODIRATIME},
    {"diratime", OPTION_FLAG_CLEAR, MS_NODIRATIME},
    {"relatime", OPTION_FLAG_SET, MS_RELATIME},
    {"norelatime", OPTION_FLAG_CLEAR, MS_RELATIME},
    {"strictatime", OPTION_FLAG_SET, MS_STRICTATIME},
    {"nostrictatime", OPTION_FLAG_CLEAR, MS_STRICTATIME},
    {"lazytime", OPTION_FLAG_SET, MS_LAZYTIME},
    {"nolazytime", OPTION_FLAG_CLEAR, MS_LAZYTIME},
    {"silent", OPTION_FLAG_SET, MS_SILENT},
    {"loud", OPTION_FLAG_CLEAR, MS_SILENT},
    {"iversion", OPTION_FLAG_SET, MS_I_VERSION},
    {"noiversion", OPTION_FLAG_CLEAR, MS_I_VERSION},
    {"nosymfollow", OPTION_FLAG_SET, MS_NOSYMFOLLOW},
    {"symfollow", OPTION_FLAG_CLEAR, MS_NOSYMFOLLOW},
    {"bind", OPTION_BIND, 0},
    {"rbind", OPTION_RBIND, 0},
    {"private", OPTION_PROPAGATION, MS_PRIVATE},
    {"rprivate", OPTION_PROPAGATION, MS_PRIVATE | MS_REC},
    {"shared", OPTION_PROPAGATION, MS_SHARED},
    {"rshared", OPTION_PROPAGATION, MS_SHARED | MS_REC},
    {"slave", OPTION_PROPAGATION, MS_SLAVE},
    {"rslave", OPTION_PROPAGATION, MS_SLAVE | MS_REC},
    {"unbindable", OPTION_PROPAGATION, MS_UNBINDABLE},
    {"runbindable", OPTION_PROPAGATION, MS_UNBINDABLE | MS_REC},
    {"rro", OPTION_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPTION_ATTR_CLEAR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPTION_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPTION_ATTR_CLEAR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPTION_ATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPTION_ATTR_CLEAR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPTION_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPTION_ATTR_CLEAR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPTION_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPTION_ATTR_CLEAR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPTION_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPTION_ATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW},
    /* The "no" forms go back to the kernel's default (relatime), except "rnorelatime",
     * which like mount(8)'s norelatime means full atime updates. */
    {"rnoatime", OPTION_ATTR_ATIME, MOUNT_ATTR_NOATIME},
    {"ratime", OPTION_ATTR_ATIME, MOUNT_ATTR_RELATIME},
    {"rrelatime", OPTION_ATTR_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPTION_ATTR_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPTION_ATTR_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPTION_ATTR_ATIME, MOUNT_ATTR_RELATIME},
    /* runc copies the image's content into the tmpfs; we accept and ignore it. */
    {"tmpcopyup", OPTION_IGNORE, 0},
    {"idmap", OPTION_IDMAP, 0},
    {"ridmap", OPTION_IDMAP, 1},
};

static const struct option_entry *option_lookup(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
        if (strcmp(option_table[i].name, name) == 0)
            return &option_table[i];
    }
    return NULL;
}

static void data_append(char **data, const char *option)
{
    if (*data == NULL) {
        *data = xstrdup(option);
        return;
    }
    char *joined = xasprintf("%s,%s", *data, option);
    free(*data);
    *data = joined;
}

static int option_apply(const struct option_entry *entry, struct mount_options *out,
                        struct error *err)
{
    switch (entry->kind) {
    case OPTION_FLAG_SET:
        out->flags |= entry->value;
        out->cleared &= ~entry->value;
        break;
    case OPTION_FLAG_CLEAR:
        out->flags &= ~entry->value;
        out->cleared |= entry->value;
        break;
    case OPTION_RBIND:
        out->recursive = true;
        /* fall through */
    case OPTION_BIND:
        out->bind = true;
        break;
    case OPTION_PROPAGATION:
        if (out->propagation_count == MOUNT_OPTIONS_MAX_PROPAGATION)
            return error_set(err, 0, "more than %d propagation options",
                             MOUNT_OPTIONS_MAX_PROPAGATION);
        out->propagation[out->propagation_count++] = entry->value;
        break;
    case OPTION_ATTR_SET:
        out->attr_set |= entry->value;
        out->attr_clr &= ~entry->value;
        break;
    case OPTION_ATTR_CLEAR:
        out->attr_clr |= entry->value;
        out->attr_set &= ~entry->value;
        break;
    case OPTION_ATTR_ATIME:
        /* mount_setattr(2): an atime mode in attr_set needs MOUNT_ATTR__ATIME in attr_clr. */
        out->attr_set = (out->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | entry->value;
        out->attr_clr |= MOUNT_ATTR__ATIME;
        break;
    case OPTION_IGNORE:
        break;
    case OPTION_IDMAP:
        out->idmap = true;
        out->idmap_recursive = out->idmap_recursive || entry->value;
        break;
    }
    return 0;
}

int mount_options_parse(char *const *options, size_t count, struct mount_options *out,
                        struct error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < count; i++) {
        const struct option_entry *entry = option_lookup(options[i]);
        if (entry == NULL) {
            if (options[i][0] != '\0')
                data_append(&out->data, options[i]);
            continue;
        }
        if (option_apply(entry, out, err) < 0) {
            mount_options_free(out);
            return -1;
        }
    }
    return 0;
}

void mount_options_free(struct mount_options *options)
{
    free(options->data);
    options->data = NULL;
}

int mount_propagation_parse(const char *name, unsigned long *flags)
{
    const struct option_entry *entry = option_lookup(name);
    if (entry == NULL || entry->kind != OPTION_PROPAGATION)
        return -1;
    *flags = entry->value;
    return 0;
}

void mount_flags_to_attr(unsigned long flags, unsigned long cleared, uint64_t *attr_set,
                         uint64_t *attr_clr)
{
    static const struct {
        unsigned long flag;
        uint64_t attr;
    } map[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
        {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
        {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    };

    *attr_set = 0;
    *attr_clr = 0;
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (flags & map[i].flag)
            *attr_set |= map[i].attr;
        else if (cleared & map[i].flag)
            *attr_clr |= map[i].attr;
    }
    /* The same precedence as the kernel gives these flags in mount(2). */
    if (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
        *attr_clr |= MOUNT_ATTR__ATIME;
        if (flags & MS_NOATIME)
            *attr_set |= MOUNT_ATTR_NOATIME;
        else if (flags & MS_STRICTATIME)
            *attr_set |= MOUNT_ATTR_STRICTATIME;
        else
            *attr_set |= MOUNT_ATTR_RELATIME;
    }
}

size_t mount_option_names(const char ***names)
{
    const char **list = xcalloc(ARRAY_SIZE(option_table), sizeof *list);
    size_t count = 0;

    for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
        struct mount_options scratch = {0};
        struct error err;

        /* Asking option_apply() itself keeps the list in step with what a mount accepts. */
        if (option_apply(&option_table[i], &scratch, &err) == 0)
            list[count++] = option_table[i].name;
    }
    *names = list;
    return count;
}
