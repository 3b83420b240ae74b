/* spec_default_json(): the config.json `runc spec` writes, key for key and in the same order
 * and layout (tabs, ": ", no final newline), so tools that diff or patch runc's template keep
 * working. Only ociVersion differs: ours is SPEC_VERSION. */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "../util.h"
#include "spec.h"

struct default_mount {
    const char *destination, *type, *source;
    const char *const *options; /* NULL: no "options" key, as runc omits it for /proc */
};

static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};

static const char *const dev_options[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
static const char *const devpts_options[] = {"nosuid",    "noexec", "newinstance", "ptmxmode=0666",
                                             "mode=0620", "gid=5",  NULL};
/* Rootless: gid 5 (tty) is not mapped into the user namespace. */
static const char *const devpts_rootless_options[] = {"nosuid",        "noexec",    "newinstance",
                                                      "ptmxmode=0666", "mode=0620", NULL};
static const char *const shm_options[] = {"nosuid",    "noexec",      "nodev",
                                          "mode=1777", "size=65536k", NULL};
static const char *const mqueue_options[] = {"nosuid", "noexec", "nodev", NULL};
static const char *const sysfs_options[] = {"nosuid", "noexec", "nodev", "ro", NULL};
/* Rootless: sysfs cannot be mounted without a network namespace of our own, so it is bound. */
static const char *const sysfs_bind_options[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
static const char *const cgroup_options[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};

static const struct default_mount mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", dev_options},
    {"/dev/pts", "devpts", "devpts", devpts_options},
    {"/dev/shm", "tmpfs", "shm", shm_options},
    {"/dev/mqueue", "mqueue", "mqueue", mqueue_options},
    {"/sys", "sysfs", "sysfs", sysfs_options},
    {"/sys/fs/cgroup", "cgroup", "cgroup", cgroup_options},
};

static const struct default_mount rootless_mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", dev_options},
    {"/dev/pts", "devpts", "devpts", devpts_rootless_options},
    {"/dev/shm", "tmpfs", "shm", shm_options},
    {"/dev/mqueue", "mqueue", "mqueue", mqueue_options},
    {"/sys", "none", "/sys", sysfs_bind_options},
    {"/sys/fs/cgroup", "cgroup", "cgroup", cgroup_options},
};

/* Rootless drops the network namespace: without privileges nothing could configure it. */
static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", NULL};
static const char *const rootless_namespaces[] = {"pid", "ipc", "uts", "mount", "user", NULL};

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    NULL,
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

_Static_assert(ARRAY_SIZE(mounts) == ARRAY_SIZE(rootless_mounts), "one table per variant");

static void gen_string(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv_string(yajl_gen g, const char *key, const char *value)
{
    gen_string(g, key);
    gen_string(g, value);
}

static void gen_kv_uint(yajl_gen g, const char *key, uint32_t value)
{
    gen_string(g, key);
    yajl_gen_integer(g, value);
}

static void gen_kv_bool(yajl_gen g, const char *key, bool value)
{
    gen_string(g, key);
    yajl_gen_bool(g, value);
}

static void gen_kv_strings(yajl_gen g, const char *key, const char *const *list)
{
    gen_string(g, key);
    yajl_gen_array_open(g);
    for (; *list; list++)
        gen_string(g, *list);
    yajl_gen_array_close(g);
}

static void gen_process(yajl_gen g)
{
    gen_string(g, "process");
    yajl_gen_map_open(g);
    gen_kv_bool(g, "terminal", true);
    gen_string(g, "user");
    yajl_gen_map_open(g);
    gen_kv_uint(g, "uid", 0);
    gen_kv_uint(g, "gid", 0);
    yajl_gen_map_close(g);
    gen_kv_strings(g, "args", (const char *const[]){"sh", NULL});
    gen_kv_strings(g, "env", env);
    gen_kv_string(g, "cwd", "/");
    gen_string(g, "capabilities");
    yajl_gen_map_open(g);
    gen_kv_strings(g, "bounding", caps);
    gen_kv_strings(g, "effective", caps);
    gen_kv_strings(g, "permitted", caps);
    gen_kv_strings(g, "ambient", caps);
    yajl_gen_map_close(g);
    gen_string(g, "rlimits");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    gen_kv_string(g, "type", "RLIMIT_NOFILE");
    gen_kv_uint(g, "hard", 1024);
    gen_kv_uint(g, "soft", 1024);
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    gen_kv_bool(g, "noNewPrivileges", true);
    yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless)
{
    const struct default_mount *table = rootless ? rootless_mounts : mounts;

    gen_string(g, "mounts");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
        yajl_gen_map_open(g);
        gen_kv_string(g, "destination", table[i].destination);
        gen_kv_string(g, "type", table[i].type);
        gen_kv_string(g, "source", table[i].source);
        if (table[i].options)
            gen_kv_strings(g, "options", table[i].options);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, uint32_t host_id)
{
    gen_string(g, key);
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    gen_kv_uint(g, "containerID", 0);
    gen_kv_uint(g, "hostID", host_id);
    gen_kv_uint(g, "size", 1);
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
}

static void gen_namespace(yajl_gen g, const char *type)
{
    yajl_gen_map_open(g);
    gen_kv_string(g, "type", type);
    yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g, bool rootless, bool cgroup_ns, uint32_t uid, uint32_t gid)
{
    gen_string(g, "linux");
    yajl_gen_map_open(g);
    if (rootless) {
        gen_id_mapping(g, "uidMappings", uid);
        gen_id_mapping(g, "gidMappings", gid);
    } else {
        /* Rootless has no device cgroup to program, so runc leaves resources out. */
        gen_string(g, "resources");
        yajl_gen_map_open(g);
        gen_string(g, "devices");
        yajl_gen_array_open(g);
        yajl_gen_map_open(g);
        gen_kv_bool(g, "allow", false);
        gen_kv_string(g, "access", "rwm");
        yajl_gen_map_close(g);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    gen_string(g, "namespaces");
    yajl_gen_array_open(g);
    for (const char *const *ns = rootless ? rootless_namespaces : namespaces; *ns; ns++) {
        /* runc adds the cgroup namespace on pure v2 hosts, before rootless' "user". */
        if (cgroup_ns && strcmp(*ns, "user") == 0)
            gen_namespace(g, "cgroup");
        gen_namespace(g, *ns);
    }
    if (cgroup_ns && !rootless)
        gen_namespace(g, "cgroup");
    yajl_gen_array_close(g);
    gen_kv_strings(g, "maskedPaths", masked_paths);
    gen_kv_strings(g, "readonlyPaths", readonly_paths);
    yajl_gen_map_close(g);
}

char *spec_default_json(bool rootless, bool cgroup_ns, uint32_t uid, uint32_t gid)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    char *out;

    /* Fails only when malloc does: abort as xmalloc would. */
    if (!g)
        abort();
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "\t");
    yajl_gen_map_open(g);
    gen_kv_string(g, "ociVersion", SPEC_VERSION);
    gen_process(g);
    gen_string(g, "root");
    yajl_gen_map_open(g);
    gen_kv_string(g, "path", "rootfs");
    gen_kv_bool(g, "readonly", true);
    yajl_gen_map_close(g);
    gen_kv_string(g, "hostname", "runc");
    gen_mounts(g, rootless);
    gen_linux(g, rootless, cgroup_ns, uid, gid);
    yajl_gen_map_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    /* yajl ends a beautified document with a newline; Go's MarshalIndent does not. */
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    out = xstrndup((const char *)buf, len);
    yajl_gen_free(g);
    return out;
}
