/* The device rules of linux.resources.devices: v1 writes them to devices.deny/devices.allow,
 * v2 compiles them into an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the
 * container's cgroup. Like runc, everything starts from "deny all", then come the spec's
 * rules, then the devices runc always allows (a container needs /dev/null to start). */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"

/* runc 1.1's AllowedDevices, in its order. */
static const struct cgroup_device_rule default_rules[] = {
    {true, 'c', -1, -1, "m"},    /* mknod of any char device */
    {true, 'b', -1, -1, "m"},    /* ... and block device */
    {true, 'c', 1, 3, "rwm"},    /* /dev/null */
    {true, 'c', 1, 8, "rwm"},    /* /dev/random */
    {true, 'c', 1, 7, "rwm"},    /* /dev/full */
    {true, 'c', 5, 0, "rwm"},    /* /dev/tty */
    {true, 'c', 1, 5, "rwm"},    /* /dev/zero */
    {true, 'c', 1, 9, "rwm"},    /* /dev/urandom */
    {true, 'c', 136, -1, "rwm"}, /* /dev/pts/N */
    {true, 'c', 5, 2, "rwm"},    /* /dev/ptmx */
    {true, 'c', 10, 200, "rwm"}, /* /dev/net/tun */
};

/* The full list: deny-all, the spec's rules, the defaults. */
int cgroup_device_rules(const struct spec_resources *r, const char *origin,
                        struct cgroup_device_rule **out, size_t *count, struct error *err)
{
    struct cgroup_device_rule *rules =
        xcalloc(r->devices_count + ARRAY_SIZE(default_rules) + 1, sizeof *rules);
    size_t n = 0;

    rules[n++] = (struct cgroup_device_rule){false, 'a', -1, -1, "rwm"};
    for (size_t i = 0; i < r->devices_count; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];
        if (!d->access || !*d->access) {
            free(rules);
            return error_set(err, 0, "%s.devices[%zu].access: cannot be empty", origin, i);
        }
        rules[n++] = (struct cgroup_device_rule){
            .allow = d->allow,
            .type = d->type && *d->type ? d->type[0] : 'a',
            .major = d->has_major ? d->major : -1,
            .minor = d->has_minor ? d->minor : -1,
            .access = d->access,
        };
    }
    for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
        rules[n++] = default_rules[i];
    *out = rules;
    *count = n;
    return 0;
}

static void format_number(char *buf, size_t size, int64_t value)
{
    if (value < 0)
        snprintf(buf, size, "*");
    else
        snprintf(buf, size, "%" PRId64, value);
}

/* One rule per write(2), through one open fd per file; a rule equal to the one before it
 * (the spec's usual deny-all after ours) is skipped. */
int cgroup_v1_apply_devices(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    cleanup_free struct cgroup_device_rule *rules = NULL;
    cleanup_free char *allow_path = xasprintf("%s/devices.allow", dir);
    cleanup_free char *deny_path = xasprintf("%s/devices.deny", dir);
    cleanup_close int allow_fd = -1, deny_fd = -1;
    char previous[80] = "";
    size_t count;

    if (cgroup_device_rules(a->r, a->origin, &rules, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        char major[24], minor[24], value[80];
        int *fd = rules[i].allow ? &allow_fd : &deny_fd;
        const char *path = rules[i].allow ? allow_path : deny_path;

        format_number(major, sizeof major, rules[i].major);
        format_number(minor, sizeof minor, rules[i].minor);
        snprintf(value, sizeof value, "%c %c %s:%s %s", rules[i].allow ? '+' : '-', rules[i].type,
                 major, minor, rules[i].access);
        if (strcmp(value, previous) == 0)
            continue;
        memcpy(previous, value, sizeof value);
        if (*fd < 0 && (*fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
            error_set(err, errno, "open %s", path);
            return error_prefix(err, "%s.devices", a->origin);
        }
        if (write(*fd, value + 2, strlen(value + 2)) < 0) {
            error_set(err, errno, "write %s (%s)", path, value + 2);
            return error_prefix(err, "%s.devices", a->origin);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------- v2: eBPF */

#define INSN(c, d, s, o, i)                                                                        \
    ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static unsigned access_mask(const char *access)
{
    unsigned mask = 0;
    for (const char *p = access; *p; p++)
        mask |= *p == 'r'   ? BPF_DEVCG_ACC_READ
                : *p == 'w' ? BPF_DEVCG_ACC_WRITE
                : *p == 'm' ? BPF_DEVCG_ACC_MKNOD
                            : 0;
    return mask;
}

static const unsigned all_access = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;

static size_t rule_length(const struct cgroup_device_rule *rule)
{
    return (rule->type != 'a') + (access_mask(rule->access) != all_access ? 3 : 0) +
           (rule->major >= 0) + (rule->minor >= 0) + 2;
}

/* "if dst != (src or imm) goto next": emitted at *n. */
static void jump_unless(struct bpf_insn *prog, size_t *n, size_t next, int source, int dst, int src,
                        int imm)
{
    short skip = (short)(next - (*n + 1));
    prog[*n] = INSN(BPF_JMP | BPF_JNE | source, dst, src, skip, imm);
    (*n)++;
}

/* The program sees (type | access << 16, major, minor) and returns 1 to allow. The kernel's
 * v1 semantics: an "all devices" rule resets everything before it and sets the default; the
 * specific rules after it are checked newest first, the first match decides. */
static struct bpf_insn *compile_rules(const struct cgroup_device_rule *rules, size_t count,
                                      size_t *length)
{
    size_t start = 0, n = 0, capacity = 8;
    bool default_allow = false;
    struct bpf_insn *prog;

    for (size_t i = 0; i < count; i++)
        if (rules[i].type == 'a') {
            start = i + 1;
            default_allow = rules[i].allow;
        }
    for (size_t i = start; i < count; i++)
        capacity += rule_length(&rules[i]);
    prog = xcalloc(capacity, sizeof *prog);
    prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
    prog[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff); /* r2 = type */
    prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
    prog[n++] = INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);        /* r3 = access */
    prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0); /* r4 = major */
    prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0); /* r5 = minor */
    for (size_t i = count; i-- > start;) {
        const struct cgroup_device_rule *rule = &rules[i];
        size_t next = n + rule_length(rule); /* the next rule's first instruction */
        unsigned mask = access_mask(rule->access);
        if (rule->type != 'a')
            jump_unless(prog, &n, next, BPF_K, BPF_REG_2, 0,
                        rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
        if (mask != all_access) {
            /* allowed only when every requested access bit is in the rule's */
            prog[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
            prog[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int)mask);
            jump_unless(prog, &n, next, BPF_X, BPF_REG_1, BPF_REG_3, 0);
        }
        if (rule->major >= 0)
            jump_unless(prog, &n, next, BPF_K, BPF_REG_4, 0, (int)rule->major);
        if (rule->minor >= 0)
            jump_unless(prog, &n, next, BPF_K, BPF_REG_5, 0, (int)rule->minor);
        prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, rule->allow ? 1 : 0);
        prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
    prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, default_allow ? 1 : 0);
    prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    *length = n;
    return prog;
}

static int bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load_program(const struct bpf_insn *prog, size_t length, struct error *err)
{
    static char log[8192];
    union bpf_attr attr;
    int fd;

    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)prog;
    attr.insn_cnt = (uint32_t)length;
    attr.license = (uint64_t)(uintptr_t) "Apache";
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    fd = bpf(BPF_PROG_LOAD, &attr);
    if (fd < 0) {
        /* the verifier's last line says why */
        log[sizeof log - 1] = '\0';
        return error_set(err, errno, "load the device filter (eBPF)%s%.200s", log[0] ? ": " : "",
                         log);
    }
    return fd;
}

/* The programs attached to the cgroup before ours: replaced, so that an update of the rules
 * can only ever narrow or widen them as asked (with several, all must allow). */
static size_t attached_programs(int dirfd, uint32_t *ids, size_t max)
{
    union bpf_attr attr;

    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)dirfd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = (uint32_t)max;
    if (bpf(BPF_PROG_QUERY, &attr) < 0)
        return 0;
    return attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
}

static void detach_program(int dirfd, uint32_t id)
{
    union bpf_attr attr;
    int fd;

    memset(&attr, 0, sizeof attr);
    attr.prog_id = id;
    fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (fd < 0)
        return;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)dirfd;
    attr.attach_bpf_fd = (uint32_t)fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    bpf(BPF_PROG_DETACH, &attr);
    close(fd);
}

int cgroup_v2_apply_devices(const char *dir, const struct cgroup_apply *a, struct error *err)
{
    cleanup_free struct cgroup_device_rule *rules = NULL;
    cleanup_free struct bpf_insn *prog = NULL;
    cleanup_close int dirfd = -1, prog_fd = -1;
    uint32_t old[64];
    size_t count, length, old_count;
    union bpf_attr attr;

    if (cgroup_device_rules(a->r, a->origin, &rules, &count, err) < 0)
        return -1;
    prog = compile_rules(rules, count, &length);
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return error_set(err, errno, "%s.devices: open %s", a->origin, dir);
    prog_fd = load_program(prog, length, err);
    if (prog_fd < 0)
        return error_prefix(err, "%s.devices", a->origin);
    old_count = attached_programs(dirfd, old, ARRAY_SIZE(old));
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)dirfd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &attr) < 0)
        return error_set(err, errno, "%s.devices: attach the device filter to %s", a->origin, dir);
    for (size_t i = 0; i < old_count; i++)
        detach_program(dirfd, old[i]);
    return 0;
}
