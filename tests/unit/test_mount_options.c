/* Table tests for the mount option parser: config.json option strings to mount(2) flags,
 * propagation changes, mount_setattr attributes and filesystem data. */
#include <stdio.h>
#include <string.h>
#include "linux/mount-api.h"

#include "error.h"
#include "linux/mount-options.h"

struct parse_case {
    const char *name;
    const char *options[10]; /* NULL-terminated */
    unsigned long flags;
    unsigned long cleared;
    int bind; /* 0 none, 1 bind, 2 rbind */
    unsigned long propagation[3];
    size_t propagation_count;
    uint64_t attr_set, attr_clr;
    const char *data;
};

static const struct parse_case parse_cases[] = {
    {"empty", {NULL}, 0, 0, 0, {0}, 0, 0, 0, NULL},
    {"default_proc",
     {"nosuid", "noexec", "nodev", NULL},
     MS_NOSUID | MS_NOEXEC | MS_NODEV,
     0,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"default_dev_tmpfs",
     {"nosuid", "strictatime", "mode=755", "size=65536k", NULL},
     MS_NOSUID | MS_STRICTATIME,
     0,
     0,
     {0},
     0,
     0,
     0,
     "mode=755,size=65536k"},
    {"default_devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL},
     MS_NOSUID | MS_NOEXEC,
     0,
     0,
     {0},
     0,
     0,
     0,
     "newinstance,ptmxmode=0666,mode=0620,gid=5"},
    {"default_cgroup",
     {"nosuid", "noexec", "nodev", "relatime", "ro", NULL},
     MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY,
     0,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"ro_then_rw", {"ro", "rw", NULL}, 0, MS_RDONLY, 0, {0}, 0, 0, 0, NULL},
    {"rw_then_ro", {"rw", "ro", NULL}, MS_RDONLY, 0, 0, {0}, 0, 0, 0, NULL},
    {"opposites",
     {"suid", "dev", "exec", "async", "atime", "diratime", "norelatime", "nostrictatime", NULL},
     0,
     MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |
         MS_STRICTATIME,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"all_set",
     {"sync", "dirsync", "remount", "mand", "noatime", "nodiratime", "lazytime", "silent", NULL},
     MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME |
         MS_LAZYTIME | MS_SILENT,
     0,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"more_opposites",
     {"nomand", "nolazytime", "loud", "noiversion", "symfollow", NULL},
     0,
     MS_MANDLOCK | MS_LAZYTIME | MS_SILENT | MS_I_VERSION | MS_NOSYMFOLLOW,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"iversion_nosymfollow",
     {"iversion", "nosymfollow", NULL},
     MS_I_VERSION | MS_NOSYMFOLLOW,
     0,
     0,
     {0},
     0,
     0,
     0,
     NULL},
    {"bind", {"bind", NULL}, 0, 0, 1, {0}, 0, 0, 0, NULL},
    {"rbind_ro", {"rbind", "ro", NULL}, MS_RDONLY, 0, 2, {0}, 0, 0, 0, NULL},
    {"rbind_then_bind", {"rbind", "bind", NULL}, 0, 0, 2, {0}, 0, 0, 0, NULL},
    {"propagation_order",
     {"rbind", "rprivate", "shared", "rslave", NULL},
     0,
     0,
     2,
     {MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE | MS_REC},
     3,
     0,
     0,
     NULL},
    {"propagation_rest",
     {"private", "rshared", "slave", NULL},
     0,
     0,
     0,
     {MS_PRIVATE, MS_SHARED | MS_REC, MS_SLAVE},
     3,
     0,
     0,
     NULL},
    {"unbindable",
     {"unbindable", "runbindable", NULL},
     0,
     0,
     0,
     {MS_UNBINDABLE, MS_UNBINDABLE | MS_REC},
     2,
     0,
     0,
     NULL},
    {"recursive_set",
     {"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow", NULL},
     0,
     0,
     0,
     {0},
     0,
     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
         MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW,
     0,
     NULL},
    {"recursive_clear",
     {"rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow", NULL},
     0,
     0,
     0,
     {0},
     0,
     0,
     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
         MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW,
     NULL},
    {"rro_then_rrw", {"rro", "rrw", NULL}, 0, 0, 0, {0}, 0, 0, MOUNT_ATTR_RDONLY, NULL},
    {"rnoatime", {"rnoatime", NULL}, 0, 0, 0, {0}, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, NULL},
    {"rstrictatime",
     {"rstrictatime", NULL},
     0,
     0,
     0,
     {0},
     0,
     MOUNT_ATTR_STRICTATIME,
     MOUNT_ATTR__ATIME,
     NULL},
    {"rnorelatime",
     {"rnorelatime", NULL},
     0,
     0,
     0,
     {0},
     0,
     MOUNT_ATTR_STRICTATIME,
     MOUNT_ATTR__ATIME,
     NULL},
    {"atime_last_wins",
     {"rnoatime", "rrelatime", NULL},
     0,
     0,
     0,
     {0},
     0,
     MOUNT_ATTR_RELATIME,
     MOUNT_ATTR__ATIME,
     NULL},
    {"ratime", {"ratime", NULL}, 0, 0, 0, {0}, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, NULL},
    {"rnostrictatime",
     {"rnostrictatime", NULL},
     0,
     0,
     0,
     {0},
     0,
     MOUNT_ATTR_RELATIME,
     MOUNT_ATTR__ATIME,
     NULL},
    {"ignored", {"defaults", "tmpcopyup", "", NULL}, 0, 0, 0, {0}, 0, 0, 0, NULL},
    {"data_kept_in_order",
     {"size=1m", "ro", "uid=1000", "x-custom", NULL},
     MS_RDONLY,
     0,
     0,
     {0},
     0,
     0,
     0,
     "size=1m,uid=1000,x-custom"},
};

static int fail(const char *name, const char *reason)
{
    printf("FAIL %s: %s\n", name, reason);
    return 1;
}

/* "idmap" marks the mount idmapped, "ridmap" recursively so; neither is filesystem data. */
static int test_idmap_options(void)
{
    static const struct {
        const char *name, *option;
        bool recursive;
    } cases[] = {{"idmap", "idmap", false}, {"ridmap", "ridmap", true}};
    int failed = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *options[] = {"bind", (char *)cases[i].option};
        struct mount_options opts;
        struct error err = {0};

        if (mount_options_parse(options, 2, &opts, &err) < 0)
            failed |= fail(cases[i].name, err.msg);
        else if (!opts.idmap || opts.idmap_recursive != cases[i].recursive || opts.data)
            failed |= fail(cases[i].name, "idmap/idmap_recursive/data not as expected");
        else
            printf("PASS %s\n", cases[i].name);
        mount_options_free(&opts);
    }
    return failed;
}

static int run_parse_case(const struct parse_case *c)
{
    struct mount_options opts;
    struct error err = {0};
    char reason[256];
    size_t count = 0;

    while (c->options[count] != NULL)
        count++;
    if (mount_options_parse((char *const *)c->options, count, &opts, &err) < 0)
        return fail(c->name, err.msg);
    int bind = opts.bind ? (opts.recursive ? 2 : 1) : 0;
    reason[0] = '\0';
    if (opts.flags != c->flags)
        snprintf(reason, sizeof reason, "flags %#lx, want %#lx", opts.flags, c->flags);
    else if (opts.cleared != c->cleared)
        snprintf(reason, sizeof reason, "cleared %#lx, want %#lx", opts.cleared, c->cleared);
    else if (bind != c->bind)
        snprintf(reason, sizeof reason, "bind %d, want %d", bind, c->bind);
    else if (opts.propagation_count != c->propagation_count ||
             memcmp(opts.propagation, c->propagation,
                    c->propagation_count * sizeof c->propagation[0]) != 0)
        snprintf(reason, sizeof reason, "propagation differs (%zu entries, want %zu)",
                 opts.propagation_count, c->propagation_count);
    else if (opts.attr_set != c->attr_set || opts.attr_clr != c->attr_clr)
        snprintf(reason, sizeof reason, "attr set/clr %#llx/%#llx, want %#llx/%#llx",
                 (unsigned long long)opts.attr_set, (unsigned long long)opts.attr_clr,
                 (unsigned long long)c->attr_set, (unsigned long long)c->attr_clr);
    else if ((opts.data == NULL) != (c->data == NULL) ||
             (c->data != NULL && strcmp(opts.data, c->data) != 0))
        snprintf(reason, sizeof reason, "data \"%s\", want \"%s\"",
                 opts.data ? opts.data : "(null)", c->data ? c->data : "(null)");
    mount_options_free(&opts);
    if (reason[0] != '\0')
        return fail(c->name, reason);
    printf("PASS %s\n", c->name);
    return 0;
}

static int test_too_many_propagation(void)
{
    char *options[MOUNT_OPTIONS_MAX_PROPAGATION + 1];
    struct mount_options opts;
    struct error err = {0};

    for (size_t i = 0; i < MOUNT_OPTIONS_MAX_PROPAGATION + 1; i++)
        options[i] = "rprivate";
    if (mount_options_parse(options, MOUNT_OPTIONS_MAX_PROPAGATION, &opts, &err) < 0)
        return fail("propagation_max", err.msg);
    mount_options_free(&opts);
    if (mount_options_parse(options, MOUNT_OPTIONS_MAX_PROPAGATION + 1, &opts, &err) == 0) {
        mount_options_free(&opts);
        return fail("propagation_max", "one too many accepted");
    }
    printf("PASS propagation_max\n");
    return 0;
}

static int test_propagation_names(void)
{
    static const struct {
        const char *name;
        int ok;
        unsigned long flags;
    } cases[] = {
        {"private", 1, MS_PRIVATE},
        {"rprivate", 1, MS_PRIVATE | MS_REC},
        {"slave", 1, MS_SLAVE},
        {"rslave", 1, MS_SLAVE | MS_REC},
        {"shared", 1, MS_SHARED},
        {"rshared", 1, MS_SHARED | MS_REC},
        {"unbindable", 1, MS_UNBINDABLE},
        {"runbindable", 1, MS_UNBINDABLE | MS_REC},
        {"ro", 0, 0},
        {"", 0, 0},
        {"Shared", 0, 0},
    };
    int failed = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long flags = 0;
        int ok = mount_propagation_parse(cases[i].name, &flags) == 0;
        if (ok != cases[i].ok || (ok && flags != cases[i].flags)) {
            printf("FAIL propagation_name_%s: ok=%d flags=%#lx\n", cases[i].name, ok, flags);
            failed = 1;
        }
    }
    if (!failed)
        printf("PASS propagation_names\n");
    return failed;
}

static int test_flags_to_attr(void)
{
    uint64_t set, clr;
    int failed = 0;

    mount_flags_to_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS, 0, &set,
                        &clr);
    if (set != (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) ||
        clr != 0)
        failed = fail("flags_to_attr_basic", "unexpected attributes");
    mount_flags_to_attr(MS_NOATIME | MS_RELATIME, 0, &set, &clr);
    if (set != MOUNT_ATTR_NOATIME || clr != MOUNT_ATTR__ATIME)
        failed = fail("flags_to_attr_noatime_wins", "unexpected attributes");
    mount_flags_to_attr(MS_STRICTATIME | MS_NODIRATIME, 0, &set, &clr);
    if (set != (MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME) || clr != MOUNT_ATTR__ATIME)
        failed = fail("flags_to_attr_strictatime", "unexpected attributes");
    mount_flags_to_attr(MS_NOSUID, MS_RDONLY | MS_NOEXEC | MS_LAZYTIME, &set, &clr);
    if (set != MOUNT_ATTR_NOSUID || clr != (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC))
        failed = fail("flags_to_attr_cleared", "unexpected attributes");
    if (!failed)
        printf("PASS flags_to_attr\n");
    return failed;
}

int main(void)
{
    int failed = 0;

    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++)
        failed |= run_parse_case(&parse_cases[i]);
    failed |= test_idmap_options();
    failed |= test_too_many_propagation();
    failed |= test_propagation_names();
    failed |= test_flags_to_attr();
    return failed ? 1 : 0;
}
