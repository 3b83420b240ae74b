/* Unit tests of src/spec/: the runtime-spec's own good/bad configs, scalar types at their
 * edges with exact messages and values, validation messages, and the default spec against
 * runc's. Run from the repository root (make check); RUNTIME_SPEC_DIR overrides where the
 * runtime-spec checkout is (default ../shared/runtime-spec). */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/spec.h"
#include "linux/cgroup.h"
#include "testlib.h"
#include "util.h"

/* A minimal valid document with a fragment spliced in after root. */
#define DOC(fragment) "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"}," fragment "}"

static const char *spec_dir(void)
{
    const char *dir = getenv("RUNTIME_SPEC_DIR");
    return dir && *dir ? dir : "../shared/runtime-spec";
}

static struct spec *parse_text(const char *json, struct error *err)
{
    error_clear(err);
    return spec_parse(json, strlen(json), "config.json", err);
}

static int json_file_filter(const struct dirent *d)
{
    size_t len = strlen(d->d_name);
    return len > 5 && strcmp(d->d_name + len - 5, ".json") == 0;
}

/* Calls fn for every *.json in dir, in name order. Returns the count, -1 if dir is missing. */
static int for_each_json(const char *dir, void (*fn)(const char *dir, const char *name))
{
    struct dirent **names;
    int n = scandir(dir, &names, json_file_filter, alphasort);

    for (int i = 0; i < n; i++) {
        fn(dir, names[i]->d_name);
        free(names[i]);
    }
    if (n >= 0)
        free(names);
    return n;
}

/* Schema-valid is not runnable: validation is stricter than the schema by design. */
static void check_good_validates(const char *test, const char *name, const struct spec *spec)
{
    static const char netdev_error[] = "config.json: linux.netDevices: requires a network "
                                       "namespace";
    const char *expect = strcmp(name, "linux-netdevice.json") == 0 ? netdev_error : NULL;
    struct error err = {0};
    int rc;

    if (str_has_prefix(name, "freebsd-") || str_has_prefix(name, "zos-")) {
        test_skip(test, "not a Linux config");
        return;
    }
    rc = spec_validate(spec, "config.json", spec->has_process, &err);
    if (!expect && rc < 0)
        test_fail(test, "%s", err.msg);
    else if (expect && (rc == 0 || strcmp(err.msg, expect) != 0))
        test_fail(test, "got \"%s\", expected \"%s\"", rc == 0 ? "valid" : err.msg, expect);
    else
        test_pass(test);
}

static void check_good_file(const char *dir, const char *name)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, name);
    cleanup_free char *test = xasprintf("parse-good/%s", name);
    cleanup_free char *vtest = xasprintf("validate-good/%s", name);
    cleanup_free char *text = NULL;
    struct error err = {0};
    size_t len;
    struct spec *spec;

    if (read_file(path, 1 << 20, &text, &len, &err) < 0) {
        test_fail(test, "%s", err.msg);
        return;
    }
    spec = spec_parse(text, len, "config.json", &err);
    if (!spec) {
        test_fail(test, "%s", err.msg);
        return;
    }
    test_pass(test);
    check_good_validates(vtest, name, spec);
    spec_free(spec);
}

/* What each bad file must name; files added upstream later need only fail. */
static const struct {
    const char *file, *expect;
} bad_expectations[] = {
    {"invalid-json.json", "config.json: invalid JSON: "},
    {"linux-hugepage.json", "config.json: linux.resources.hugepageLimits[0].pageSize: invalid "
                            "page size \"64kB\" (expected e.g. 2MB)"},
    {"linux-netdevice.json", "config.json: linux.netDevices.eth0.name: expected string"},
    {"linux-rdma.json",
     "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected unsigned 32-bit integer"},
};

static void check_bad_file(const char *dir, const char *name)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, name);
    cleanup_free char *test = xasprintf("parse-bad/%s", name);
    cleanup_free char *text = NULL;
    const char *expect = "config.json: ";
    struct error err = {0};
    struct spec *spec;
    size_t len;

    if (!str_has_prefix(name, "linux-") && strcmp(name, "invalid-json.json") != 0) {
        test_skip(test, "not a Linux config (runc-go ignores other platforms' sections)");
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad_expectations); i++) {
        if (strcmp(bad_expectations[i].file, name) == 0)
            expect = bad_expectations[i].expect;
    }
    if (read_file(path, 1 << 20, &text, &len, &err) < 0) {
        test_fail(test, "%s", err.msg);
        return;
    }
    spec = spec_parse(text, len, "config.json", &err);
    if (spec) {
        spec_free(spec);
        test_fail(test, "parsed without error");
    } else if (!str_has_prefix(err.msg, expect) || strchr(err.msg, '\n')) {
        test_fail(test, "message \"%s\" does not start with \"%s\"", err.msg, expect);
    } else {
        test_pass(test);
    }
}

static void test_schema_files(void)
{
    cleanup_free char *good = xasprintf("%s/schema/test/config/good", spec_dir());
    cleanup_free char *bad = xasprintf("%s/schema/test/config/bad", spec_dir());

    if (for_each_json(good, check_good_file) <= 0)
        test_fail("parse-good", "no *.json in %s (set RUNTIME_SPEC_DIR)", good);
    if (for_each_json(bad, check_bad_file) <= 0)
        test_fail("parse-bad", "no *.json in %s (set RUNTIME_SPEC_DIR)", bad);
}

/* The parsed field a type case looks at, printed as text. */
enum field {
    F_NONE,
    F_UID,
    F_UMASK,
    F_GIDS,
    F_MEM_LIMIT,
    F_SWAPPINESS,
    F_CPU_QUOTA,
    F_RLIMIT,
    F_HUGEPAGE,
    F_WEIGHT,
    F_NICE,
    F_OOM,
    F_HOOK_TIMEOUT,
    F_HOSTNAME,
    F_ARGS,
    F_PIDS,
    F_ANNOTATIONS,
    F_NETDEV,
    F_DEVICE,
    F_SECCOMP_ARG,
};

static void show_field(const struct spec *s, enum field f, char *buf, size_t size)
{
    const struct spec_linux *l = &s->linux_;
    const struct spec_resources *r = &l->resources;

    switch (f) {
    case F_NONE:
        snprintf(buf, size, "-");
        break;
    case F_UID:
        snprintf(buf, size, "%u", s->process.user.uid);
        break;
    case F_UMASK:
        snprintf(buf, size, "%d:%u", s->process.user.has_umask, s->process.user.umask);
        break;
    case F_GIDS:
        snprintf(buf, size, "%zu:%u", s->process.user.additional_gids_count,
                 s->process.user.additional_gids_count ? s->process.user.additional_gids[0] : 0);
        break;
    case F_MEM_LIMIT:
        snprintf(buf, size, "%d:%lld", r->memory.has_limit, (long long)r->memory.limit);
        break;
    case F_SWAPPINESS:
        snprintf(buf, size, "%llu", (unsigned long long)r->memory.swappiness);
        break;
    case F_CPU_QUOTA:
        snprintf(buf, size, "%lld", (long long)r->cpu.quota);
        break;
    case F_RLIMIT:
        snprintf(buf, size, "%s:%llu:%llu", s->process.rlimits[0].type,
                 (unsigned long long)s->process.rlimits[0].soft,
                 (unsigned long long)s->process.rlimits[0].hard);
        break;
    case F_HUGEPAGE:
        snprintf(buf, size, "%s:%llu", r->hugepage_limits[0].page_size,
                 (unsigned long long)r->hugepage_limits[0].limit);
        break;
    case F_WEIGHT:
        snprintf(buf, size, "%u", r->block_io.weight);
        break;
    case F_NICE:
        snprintf(buf, size, "%d", s->process.scheduler.nice);
        break;
    case F_OOM:
        snprintf(buf, size, "%d:%d", s->process.has_oom_score_adj, s->process.oom_score_adj);
        break;
    case F_HOOK_TIMEOUT:
        snprintf(buf, size, "%lld", (long long)s->hooks.poststop[0].timeout);
        break;
    case F_HOSTNAME:
        snprintf(buf, size, "%s", s->hostname ? s->hostname : "(null)");
        break;
    case F_ARGS:
        snprintf(buf, size, "%zu:%s", s->process.args_count,
                 s->process.args_count ? s->process.args[s->process.args_count - 1] : "");
        break;
    case F_PIDS:
        snprintf(buf, size, "%d:%lld", r->has_pids_limit, (long long)r->pids_limit);
        break;
    case F_ANNOTATIONS:
        snprintf(buf, size, "%zu:%s=%s", s->annotations.count, s->annotations.keys[0],
                 s->annotations.values[0]);
        break;
    case F_NETDEV:
        snprintf(buf, size, "%zu:%s>%s", l->net_devices_count, l->net_devices[0].host_name,
                 l->net_devices[0].name ? l->net_devices[0].name : "(null)");
        break;
    case F_DEVICE:
        snprintf(buf, size, "%s:%lld:%lld:%u", l->devices[0].path, (long long)l->devices[0].major,
                 (long long)l->devices[0].minor, l->devices[0].file_mode);
        break;
    case F_SECCOMP_ARG:
        snprintf(buf, size, "%u:%llu:%llu:%s", l->seccomp.syscalls[0].args[0].index,
                 (unsigned long long)l->seccomp.syscalls[0].args[0].value,
                 (unsigned long long)l->seccomp.syscalls[0].args[0].value_two,
                 l->seccomp.syscalls[0].args[0].op);
        break;
    }
}

#define PROC(user) "\"process\":{\"cwd\":\"/\",\"user\":{" user "}}"
#define MEM(v) "\"linux\":{\"resources\":{\"memory\":{\"limit\":" v "}}}"
#define SWAP(v) "\"linux\":{\"resources\":{\"memory\":{\"swappiness\":" v "}}}"
#define QUOTA(v) "\"linux\":{\"resources\":{\"cpu\":{\"quota\":" v "}}}"
#define RLIM(soft)                                                                                 \
    "\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":" soft             \
    ",\"hard\":18446744073709551615}]}"
#define HUGE(size, limit)                                                                          \
    "\"linux\":{\"resources\":{\"hugepageLimits\":[{\"pageSize\":" size ",\"limit\":" limit "}]}}"
#define WEIGHT(v) "\"linux\":{\"resources\":{\"blockIO\":{\"weight\":" v "}}}"
#define NICE(v)                                                                                    \
    "\"process\":{\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":" v "}}"
#define OOM(v) "\"process\":{\"cwd\":\"/\",\"oomScoreAdj\":" v "}"
#define ARGS(v) "\"process\":{\"cwd\":\"/\",\"args\":" v "}"
#define U32_ERR(path) "config.json: " path ": expected unsigned 32-bit integer"

static const struct type_case {
    const char *name, *json;
    enum field field;
    const char *value; /* expected show_field() output when parsing succeeds */
    const char *error; /* expected message, NULL when parsing succeeds */
} type_cases[] = {
    {"uint32-zero", DOC(PROC("\"uid\":0")), F_UID, "0", NULL},
    {"uint32-max", DOC(PROC("\"uid\":4294967295")), F_UID, "4294967295", NULL},
    {"uint32-max+1", DOC(PROC("\"uid\":4294967296")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-negative", DOC(PROC("\"uid\":-1")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-minus-zero", DOC(PROC("\"uid\":-0")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-float", DOC(PROC("\"uid\":1.5")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-float-integral", DOC(PROC("\"uid\":1.0")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-exponent", DOC(PROC("\"uid\":1e3")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-string", DOC(PROC("\"uid\":\"0\"")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-bool", DOC(PROC("\"uid\":true")), F_NONE, NULL, U32_ERR("process.user.uid")},
    {"uint32-huge", DOC(PROC("\"uid\":99999999999999999999999")), F_NONE, NULL,
     U32_ERR("process.user.uid")},
    {"uint32-optional-absent", DOC(PROC("\"uid\":1")), F_UMASK, "0:0", NULL},
    {"uint32-optional-null", DOC(PROC("\"umask\":null")), F_UMASK, "0:0", NULL},
    {"uint32-optional-set", DOC(PROC("\"umask\":18")), F_UMASK, "1:18", NULL},
    {"uint32-array", DOC(PROC("\"additionalGids\":[4294967295]")), F_GIDS, "1:4294967295", NULL},
    {"uint32-array-item", DOC(PROC("\"additionalGids\":[1,4294967296]")), F_NONE, NULL,
     U32_ERR("process.user.additionalGids[1]")},
    {"uint32-array-not-array", DOC(PROC("\"additionalGids\":5")), F_NONE, NULL,
     "config.json: process.user.additionalGids: expected array"},
    {"int64-max", DOC(MEM("9223372036854775807")), F_MEM_LIMIT, "1:9223372036854775807", NULL},
    {"int64-min", DOC(MEM("-9223372036854775808")), F_MEM_LIMIT, "1:-9223372036854775808", NULL},
    {"int64-max+1", DOC(MEM("9223372036854775808")), F_NONE, NULL,
     "config.json: linux.resources.memory.limit: expected integer"},
    {"int64-min-1", DOC(MEM("-9223372036854775809")), F_NONE, NULL,
     "config.json: linux.resources.memory.limit: expected integer"},
    {"int64-string", DOC(MEM("\"1G\"")), F_NONE, NULL,
     "config.json: linux.resources.memory.limit: expected integer"},
    {"int64-float", DOC(MEM("0.5")), F_NONE, NULL,
     "config.json: linux.resources.memory.limit: expected integer"},
    {"int64-null-is-absent", DOC(MEM("null")), F_MEM_LIMIT, "0:0", NULL},
    {"int64-negative", DOC(QUOTA("-1")), F_CPU_QUOTA, "-1", NULL},
    {"uint64-max", DOC(SWAP("18446744073709551615")), F_SWAPPINESS, "18446744073709551615", NULL},
    {"uint64-max+1", DOC(SWAP("18446744073709551616")), F_NONE, NULL,
     "config.json: linux.resources.memory.swappiness: expected unsigned 64-bit integer"},
    {"uint64-negative", DOC(SWAP("-1")), F_NONE, NULL,
     "config.json: linux.resources.memory.swappiness: expected unsigned 64-bit integer"},
    {"uint64-rlimit-max", DOC(RLIM("18446744073709551615")), F_RLIMIT,
     "RLIMIT_CORE:18446744073709551615:18446744073709551615", NULL},
    {"uint64-rlimit-required", DOC(RLIM("null")), F_NONE, NULL,
     "config.json: process.rlimits[0].soft: required"},
    {"uint64-hugepage", DOC(HUGE("\"1GB\"", "18446744073709551615")), F_HUGEPAGE,
     "1GB:18446744073709551615", NULL},
    {"hugepage-lowercase", DOC(HUGE("\"2mB\"", "1")), F_NONE, NULL,
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size \"2mB\" "
     "(expected e.g. 2MB)"},
    {"hugepage-leading-zero", DOC(HUGE("\"02MB\"", "1")), F_NONE, NULL,
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size \"02MB\" "
     "(expected e.g. 2MB)"},
    {"hugepage-no-digits", DOC(HUGE("\"MB\"", "1")), F_NONE, NULL,
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size \"MB\" "
     "(expected e.g. 2MB)"},
    {"hugepage-unit-T", DOC(HUGE("\"2TB\"", "1")), F_NONE, NULL,
     "config.json: linux.resources.hugepageLimits[0].pageSize: invalid page size \"2TB\" "
     "(expected e.g. 2MB)"},
    {"hugepage-not-string", DOC(HUGE("2", "1")), F_NONE, NULL,
     "config.json: linux.resources.hugepageLimits[0].pageSize: expected string"},
    {"uint16-max", DOC(WEIGHT("65535")), F_WEIGHT, "65535", NULL},
    {"uint16-max+1", DOC(WEIGHT("65536")), F_NONE, NULL,
     "config.json: linux.resources.blockIO.weight: expected unsigned 16-bit integer"},
    {"int32-min", DOC(NICE("-2147483648")), F_NICE, "-2147483648", NULL},
    {"int32-max", DOC(NICE("2147483647")), F_NICE, "2147483647", NULL},
    {"int32-max+1", DOC(NICE("2147483648")), F_NONE, NULL,
     "config.json: process.scheduler.nice: expected 32-bit integer"},
    {"int32-min-1", DOC(NICE("-2147483649")), F_NONE, NULL,
     "config.json: process.scheduler.nice: expected 32-bit integer"},
    {"int-oom", DOC(OOM("-1000")), F_OOM, "1:-1000", NULL},
    {"int-oom-float", DOC(OOM("1.5")), F_NONE, NULL,
     "config.json: process.oomScoreAdj: expected 32-bit integer"},
    {"hook-timeout", DOC("\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":5}]}"),
     F_HOOK_TIMEOUT, "5", NULL},
    {"hook-path-required", DOC("\"hooks\":{\"poststop\":[{\"timeout\":5}]}"), F_NONE, NULL,
     "config.json: hooks.poststop[0].path: required"},
    {"string-array", DOC(ARGS("[\"sh\",\"-c\"]")), F_ARGS, "2:-c", NULL},
    {"string-array-empty", DOC(ARGS("[]")), F_ARGS, "0:", NULL},
    {"string-array-item", DOC(ARGS("[\"a\",\"b\",3]")), F_NONE, NULL,
     "config.json: process.args[2]: expected string"},
    {"string-array-null-item", DOC(ARGS("[null]")), F_NONE, NULL,
     "config.json: process.args[0]: expected string"},
    {"string-array-not-array", DOC(ARGS("\"sh\"")), F_NONE, NULL,
     "config.json: process.args: expected array"},
    {"string-array-object", DOC(ARGS("{}")), F_NONE, NULL,
     "config.json: process.args: expected array"},
    {"string-number", DOC("\"hostname\":1"), F_NONE, NULL,
     "config.json: hostname: expected string"},
    {"string-null-is-absent", DOC("\"hostname\":null"), F_HOSTNAME, "(null)", NULL},
    {"duplicate-key-last-wins", DOC("\"hostname\":\"a\",\"hostname\":\"b\""), F_HOSTNAME, "b",
     NULL},
    {"bool-string", DOC("\"process\":{\"cwd\":\"/\",\"terminal\":\"yes\"}"), F_NONE, NULL,
     "config.json: process.terminal: expected boolean"},
    {"bool-number", DOC("\"root\":{\"path\":\"r\",\"readonly\":1}"), F_NONE, NULL,
     "config.json: root.readonly: expected boolean"},
    {"object-string", DOC("\"process\":\"sh\""), F_NONE, NULL,
     "config.json: process: expected object"},
    {"object-array", DOC("\"linux\":[]"), F_NONE, NULL, "config.json: linux: expected object"},
    {"array-object", DOC("\"mounts\":{}"), F_NONE, NULL, "config.json: mounts: expected array"},
    {"array-item-number", DOC("\"mounts\":[1]"), F_NONE, NULL,
     "config.json: mounts[0]: expected object"},
    {"required-in-object", DOC("\"mounts\":[{\"destination\":\"/a\"},{\"type\":\"tmpfs\"}]"),
     F_NONE, NULL, "config.json: mounts[1].destination: required"},
    {"required-root-path", "{\"ociVersion\":\"1.0.0\",\"root\":{\"readonly\":true}}", F_NONE, NULL,
     "config.json: root.path: required"},
    {"required-cwd", DOC("\"process\":{\"args\":[\"sh\"]}"), F_NONE, NULL,
     "config.json: process.cwd: required"},
    {"pids-optional-limit", DOC("\"linux\":{\"resources\":{\"pids\":{}}}"), F_PIDS, "0:0", NULL},
    {"pids-limit", DOC("\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}"), F_PIDS, "1:-1",
     NULL},
    {"map-value", DOC("\"annotations\":{\"org.example\":\"v\"}"), F_ANNOTATIONS, "1:org.example=v",
     NULL},
    {"map-duplicate-key", DOC("\"annotations\":{\"k\":\"1\",\"k\":\"2\"}"), F_ANNOTATIONS, "1:k=2",
     NULL},
    {"map-dotted-key", DOC("\"annotations\":{\"org.example\":1}"), F_NONE, NULL,
     "config.json: annotations[\"org.example\"]: expected string"},
    {"map-hostile-key", DOC("\"annotations\":{\"a\\nb\\\"\":1}"), F_NONE, NULL,
     "config.json: annotations[\"a\\nb\\\"\"]: expected string"},
    {"map-not-object", DOC("\"linux\":{\"sysctl\":[]}"), F_NONE, NULL,
     "config.json: linux.sysctl: expected object"},
    {"sysctl-value", DOC("\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":1}}"), F_NONE, NULL,
     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected string"},
    {"netdev", DOC("\"linux\":{\"netDevices\":{\"eth0\":{\"name\":\"c0\"}}}"), F_NETDEV,
     "1:eth0>c0", NULL},
    {"netdev-no-name", DOC("\"linux\":{\"netDevices\":{\"ens4\":{}}}"), F_NETDEV, "1:ens4>(null)",
     NULL},
    {"netdev-not-object", DOC("\"linux\":{\"netDevices\":{\"eth0\":\"c0\"}}"), F_NONE, NULL,
     "config.json: linux.netDevices.eth0: expected object"},
    {"rdma-negative", DOC("\"linux\":{\"resources\":{\"rdma\":{\"mlx5_1\":{\"hcaObjects\":-1}}}}"),
     F_NONE, NULL, U32_ERR("linux.resources.rdma.mlx5_1.hcaObjects")},
    {"device",
     DOC("\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/fuse\",\"major\":10,"
         "\"minor\":229,\"fileMode\":8630}]}"),
     F_DEVICE, "/dev/fuse:10:229:8630", NULL},
    {"seccomp-arg",
     DOC("\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
         "\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_ERRNO\","
         "\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":"
         "\"SCMP_CMP_EQ\"}]}]}}"),
     F_SECCOMP_ARG, "1:18446744073709551615:0:SCMP_CMP_EQ", NULL},
    {"seccomp-names-required",
     DOC("\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
         "\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]}}"),
     F_NONE, NULL, "config.json: linux.seccomp.syscalls[0].names: required"},
    {"namespace-unknown", DOC("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"foo\"}]}"),
     F_NONE, NULL,
     "config.json: linux.namespaces[1].type: unknown namespace type \"foo\" (expected mount, pid, "
     "network, uts, ipc, user, cgroup or time)"},
    {"cpu-affinity", DOC("\"process\":{\"cwd\":\"/\",\"execCPUAffinity\":{\"initial\":\"0-3,x\"}}"),
     F_NONE, NULL,
     "config.json: process.execCPUAffinity.initial: invalid cpu list \"0-3,x\" (expected e.g. "
     "0-3,7)"},
    {"mem-bw-schema", DOC("\"linux\":{\"intelRdt\":{\"memBwSchema\":\"L3:0=ff\"}}"), F_NONE, NULL,
     "config.json: linux.intelRdt.memBwSchema: expected one line starting with \"MB:\""},
    {"top-level-array", "[]", F_NONE, NULL, "config.json: expected a JSON object at the top level"},
    {"invalid-json-eof", "{\"ociVersion\":", F_NONE, NULL,
     "config.json: invalid JSON: parse error: premature EOF {\"ociVersion\": (right here) "
     "------^"},
};

static void run_type_case(const struct type_case *c)
{
    cleanup_free char *name = xasprintf("types/%s", c->name);
    struct error err = {0};
    struct spec *spec = parse_text(c->json, &err);
    char value[256];

    if (c->error && spec) {
        show_field(spec, c->field, value, sizeof value);
        test_fail(name, "parsed (%s), expected error \"%s\"", value, c->error);
    } else if (c->error && strcmp(err.msg, c->error) != 0) {
        test_fail(name, "got \"%s\", expected \"%s\"", err.msg, c->error);
    } else if (!c->error && !spec) {
        test_fail(name, "%s", err.msg);
    } else if (!c->error &&
               (show_field(spec, c->field, value, sizeof value), strcmp(value, c->value) != 0)) {
        test_fail(name, "got %s, expected %s", value, c->value);
    } else {
        test_pass(name);
    }
    spec_free(spec);
}

static void test_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(type_cases); i++)
        run_type_case(&type_cases[i]);
}

static void test_parse_edges(void)
{
    static const char nul_doc[] = "{\"ociVersion\":\"1.0.0\"}\0garbage";
    struct error err = {0};
    struct spec *spec = spec_parse(nul_doc, sizeof nul_doc - 1, "config.json", &err);

    if (spec || strcmp(err.msg, "config.json: invalid JSON: unexpected NUL byte") != 0)
        test_fail("parse/embedded-nul", "got \"%s\"", spec ? "success" : err.msg);
    else
        test_pass("parse/embedded-nul");
    spec_free(spec);

    spec = spec_parse("{]", 2, "process.json", &err);
    if (spec || !str_has_prefix(err.msg, "process.json: invalid JSON: parse error: "))
        test_fail("parse/file-name", "got \"%s\"", spec ? "success" : err.msg);
    else
        test_pass("parse/file-name");
    spec_free(spec);
}

/* A valid document needing a process; fragments are spliced into process, the top level and
 * linux. Later duplicate keys win (as in Go's json), so a fragment can override a field. */
#define VDOC(proc, top, linux)                                                                     \
    "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"cwd\":\"/\","         \
    "\"args\":[\"sh\"]" proc "}" top ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]" linux     \
    "}}"
#define NS(list) ",\"namespaces\":[" list "]"
#define RLIMITS(list) ",\"rlimits\":[" list "]"
#define SECCOMP(body) ",\"seccomp\":{" body "}"

static const struct validate_case {
    const char *name, *json;
    bool need_process;
    const char *error; /* NULL: valid */
} validate_cases[] = {
    {"base", VDOC("", "", ""), true, NULL},
    {"missing-root-path", "{\"ociVersion\":\"1.0.0\"}", false, "config.json: root.path: required"},
    {"empty-root-path", "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"\"}}", false,
     "config.json: root.path: required"},
    {"missing-oci-version", "{\"root\":{\"path\":\"rootfs\"}}", false,
     "config.json: ociVersion: required"},
    {"missing-process", DOC("\"hostname\":\"\""), true, "config.json: process: required"},
    {"process-not-needed", DOC("\"hostname\":\"\""), false, NULL},
    {"relative-cwd", VDOC(",\"cwd\":\"tmp\"", "", ""), true,
     "config.json: process.cwd: must be an absolute path"},
    {"relative-cwd-not-run", VDOC(",\"cwd\":\"tmp\"", "", ""), false, NULL},
    {"empty-args", VDOC(",\"args\":[]", "", ""), true,
     "config.json: process.args: must not be empty"},
    {"null-args", VDOC(",\"args\":null", "", ""), true,
     "config.json: process.args: must not be empty"},
    {"duplicate-namespace",
     VDOC("", "", NS("{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"pid\"}")), true,
     "config.json: linux.namespaces[2].type: duplicate namespace type \"pid\""},
    {"relative-namespace-path",
     VDOC("", "", NS("{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"proc/1/ns/net\"}")),
     true, "config.json: linux.namespaces[1].path: must be an absolute path"},
    {"empty-namespace-path", VDOC("", "", NS("{\"type\":\"mount\",\"path\":\"\"}")), true, NULL},
    {"unknown-rlimit", VDOC(RLIMITS("{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":2}"), "", ""),
     true, "config.json: process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\""},
    {"rlimit-soft-above-hard",
     VDOC(RLIMITS("{\"type\":\"RLIMIT_NOFILE\",\"soft\":3000,\"hard\":2000}"), "", ""), true,
     "config.json: process.rlimits[0].soft: 3000 is greater than hard limit 2000"},
    {"duplicate-rlimit",
     VDOC(RLIMITS("{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2},{\"type\":\"RLIMIT_CORE\","
                  "\"soft\":0,\"hard\":0},{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2}"),
          "", ""),
     true, "config.json: process.rlimits[2].type: duplicate rlimit type \"RLIMIT_NOFILE\""},
    {"rlimit-infinity",
     VDOC(RLIMITS("{\"type\":\"RLIMIT_CORE\",\"soft\":18446744073709551615,\"hard\":"
                  "18446744073709551615}"),
          "", ""),
     true, NULL},
    {"ioprio-class", VDOC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\"}", "", ""), true,
     "config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\" (expected "
     "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)"},
    {"sched-policy", VDOC(",\"scheduler\":{\"policy\":\"SCHED_X\"}", "", ""), true,
     "config.json: process.scheduler.policy: unknown policy \"SCHED_X\""},
    {"oom-range", VDOC(",\"oomScoreAdj\":1001", "", ""), true,
     "config.json: process.oomScoreAdj: expected -1000 to 1000"},
    {"device-type", VDOC("", "", ",\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]"), true,
     "config.json: linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)"},
    {"device-relative-path",
     VDOC("", "", ",\"devices\":[{\"type\":\"c\",\"path\":\"dev/x\",\"major\":1,\"minor\":3}]"),
     true, "config.json: linux.devices[0].path: must be an absolute path"},
    {"device-major-required", VDOC("", "", ",\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\"}]"),
     true, "config.json: linux.devices[0].major: required for type \"c\""},
    {"device-fifo", VDOC("", "", ",\"devices\":[{\"type\":\"p\",\"path\":\"/dev/fifo\"}]"), true,
     NULL},
    {"device-cgroup-type",
     VDOC("", "", ",\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}"), true,
     "config.json: linux.resources.devices[0].type: unknown device type \"x\" (expected a, b or "
     "c)"},
    {"device-cgroup-access",
     VDOC("", "", ",\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwq\"}]}"), true,
     "config.json: linux.resources.devices[0].access: invalid access \"rwq\" (expected letters "
     "of \"rwm\")"},
    {"propagation", VDOC("", "", ",\"rootfsPropagation\":\"bogus\""), true,
     "config.json: linux.rootfsPropagation: unknown propagation \"bogus\" (expected private, "
     "shared, slave or unbindable, optionally prefixed by r)"},
    {"propagation-rslave", VDOC("", "", ",\"rootfsPropagation\":\"rslave\""), true, NULL},
    {"sysctl-empty", VDOC("", "", ",\"sysctl\":{\"\":\"1\"}"), true,
     "config.json: linux.sysctl[\"\"]: sysctl name must not be empty"},
    {"sysctl-host", VDOC("", "", ",\"sysctl\":{\"kernel.foo\":\"1\"}"), true,
     "config.json: linux.sysctl[\"kernel.foo\"]: not in a separate kernel namespace"},
    {"sysctl-net-needs-netns", VDOC("", "", ",\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}"), true,
     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace"},
    {"sysctl-namespaced",
     VDOC("", "",
          NS("{\"type\":\"network\"},{\"type\":\"ipc\"}") ",\"sysctl\":{\"net/ipv4/ip_forward\":"
                                                          "\"1\",\"kernel.shmmax\":\"1\",\"fs."
                                                          "mqueue.msg_max\":\"1\"}"),
     true, NULL},
    {"sysctl-hostname",
     VDOC("", "", NS("{\"type\":\"uts\"}") ",\"sysctl\":{\"kernel.hostname\":\"a\"}"), true,
     "config.json: linux.sysctl[\"kernel.hostname\"]: conflicts with the hostname field"},
    {"uidmap-without-userns",
     VDOC("", "", ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"), true,
     "config.json: linux.uidMappings: requires a user namespace"},
    {"userns-without-mappings", VDOC("", "", NS("{\"type\":\"user\"}")), true,
     "config.json: linux.uidMappings: required to create a user namespace"},
    {"userns-joined", VDOC("", "", NS("{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}")), true,
     NULL},
    {"hostname-needs-uts", VDOC("", ",\"hostname\":\"box\"", ""), true,
     "config.json: hostname: requires a uts namespace"},
    {"masked-needs-mountns", VDOC("", "", NS("") ",\"maskedPaths\":[\"/proc/kcore\"]"), true,
     "config.json: linux.maskedPaths: requires a mount namespace"},
    {"masked-relative", VDOC("", "", ",\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]"), true,
     "config.json: linux.maskedPaths[1]: must be an absolute path"},
    {"timeoffsets-need-timens", VDOC("", "", ",\"timeOffsets\":{\"boottime\":{\"secs\":1}}"), true,
     "config.json: linux.timeOffsets: requires a new time namespace"},
    {"netdev-name", VDOC("", "", NS("{\"type\":\"network\"}") ",\"netDevices\":{\"a/b\":{}}"), true,
     "config.json: linux.netDevices[\"a/b\"]: invalid network device name"},
    {"netdev-needs-netns", VDOC("", "", ",\"netDevices\":{\"eth0\":{}}"), true,
     "config.json: linux.netDevices: requires a network namespace"},
    {"seccomp-default", VDOC("", "", SECCOMP("\"defaultAction\":\"SCMP_ACT_BOGUS\"")), true,
     "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\""},
    {"seccomp-default-notify", VDOC("", "", SECCOMP("\"defaultAction\":\"SCMP_ACT_NOTIFY\"")), true,
     "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default"},
    {"seccomp-action",
     VDOC("", "",
          SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],"
                  "\"action\":\"SCMP_ACT_X\"}]")),
     true, "config.json: linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_X\""},
    {"seccomp-op",
     VDOC("", "",
          SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],"
                  "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":"
                  "\"SCMP_CMP_X\"}]}]")),
     true, "config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_X\""},
    {"seccomp-arch",
     VDOC("", "", SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86\"]")),
     true, "config.json: linux.seccomp.architectures[0]: unknown architecture \"x86\""},
    {"seccomp-errno-with-allow",
     VDOC("", "", SECCOMP("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1")), true,
     "config.json: linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or "
     "SCMP_ACT_TRACE"},
    {"hook-relative", VDOC("", ",\"hooks\":{\"prestart\":[{\"path\":\"bin/true\"}]}", ""), true,
     "config.json: hooks.prestart[0].path: must be an absolute path"},
    {"hook-timeout-zero",
     VDOC("", ",\"hooks\":{\"poststart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}", ""), true,
     "config.json: hooks.poststart[0].timeout: must be greater than zero"},
    {"mount-relative-destination",
     VDOC("", ",\"mounts\":[{\"destination\":\"tmp\",\"type\":\"tmpfs\"}]", ""), true, NULL},
    {"mount-empty-destination",
     VDOC("", ",\"mounts\":[{\"destination\":\"\",\"type\":\"tmpfs\"}]", ""), true,
     "config.json: mounts[0].destination: must not be empty"},
};

static void run_validate_case(const struct validate_case *c)
{
    cleanup_free char *name = xasprintf("validate/%s", c->name);
    struct error err = {0};
    struct spec *spec = parse_text(c->json, &err);
    int rc;

    if (!spec) {
        test_fail(name, "parse: %s", err.msg);
        return;
    }
    rc = spec_validate(spec, "config.json", c->need_process, &err);
    if (c->error && rc == 0)
        test_fail(name, "valid, expected \"%s\"", c->error);
    else if (c->error && !test_message_matches(err.msg, c->error))
        test_fail(name, "got \"%s\", expected \"%s\"", err.msg, c->error);
    else if (!c->error && rc < 0)
        test_fail(name, "%s", err.msg);
    else
        test_pass(name);
    spec_free(spec);
}

static void test_validation(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(validate_cases); i++)
        run_validate_case(&validate_cases[i]);
}

static void test_lookups(void)
{
    static const char *const names[SPEC_NS_COUNT] = {"mount", "pid",  "network", "uts",
                                                     "ipc",   "user", "cgroup",  "time"};
    struct error err = {0};
    struct spec *spec = parse_text(
        DOC("\"annotations\":{\"a\":\"1\",\"b\":\"2\"},\"linux\":{\"namespaces\":[{\"type\":"
            "\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}]}"),
        &err);
    const struct spec_namespace *ns;
    bool names_ok = true;

    for (int t = 0; t < SPEC_NS_COUNT; t++)
        names_ok &= strcmp(spec_namespace_type_name((enum spec_namespace_type)t), names[t]) == 0;
    if (names_ok)
        test_pass("lookup/namespace-names");
    else
        test_fail("lookup/namespace-names", "a name differs from the spec's");
    if (!spec) {
        test_fail("lookup/parse", "%s", err.msg);
        return;
    }
    ns = spec_find_namespace(spec, SPEC_NS_NETWORK);
    if (ns && ns->path && strcmp(ns->path, "/run/netns/x") == 0 &&
        spec_find_namespace(spec, SPEC_NS_PID) && !spec_find_namespace(spec, SPEC_NS_USER))
        test_pass("lookup/find-namespace");
    else
        test_fail("lookup/find-namespace", "wrong result");
    if (spec_annotation(spec, "b") && strcmp(spec_annotation(spec, "b"), "2") == 0 &&
        !spec_annotation(spec, "c"))
        test_pass("lookup/annotation");
    else
        test_fail("lookup/annotation", "wrong result");
    spec_free(spec);
}

static void write_config(const char *dir, const char *text)
{
    cleanup_free char *path = xasprintf("%s/config.json", dir);
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_load_bundle(void)
{
    char dir[] = "/tmp/test_spec.XXXXXX";
    cleanup_free char *missing = NULL;
    cleanup_free char *config = NULL;
    struct error err = {0};
    struct spec *spec;

    if (!mkdtemp(dir)) {
        test_skip("load-bundle", "mkdtemp failed");
        return;
    }
    missing = xasprintf("open %s/config.json: no such file or directory", dir);
    config = xasprintf("%s/config.json", dir);
    spec = spec_load_bundle(dir, &err);
    if (!spec && strcmp(err.msg, missing) == 0)
        test_pass("load-bundle/missing");
    else
        test_fail("load-bundle/missing", "got \"%s\"", spec ? "success" : err.msg);
    spec_free(spec);

    write_config(dir, DOC("\"linux\":{\"resources\":{\"memory\":{\"limit\":\"x\"}}}"));
    spec = spec_load_bundle(dir, &err);
    if (!spec &&
        strcmp(err.msg, "config.json: linux.resources.memory.limit: expected integer") == 0)
        test_pass("load-bundle/bad-field");
    else
        test_fail("load-bundle/bad-field", "got \"%s\"", spec ? "success" : err.msg);
    spec_free(spec);

    write_config(dir, DOC("\"hostname\":\"box\""));
    spec = spec_load_bundle(dir, &err);
    if (spec && spec->hostname && strcmp(spec->hostname, "box") == 0)
        test_pass("load-bundle/good");
    else
        test_fail("load-bundle/good", "%s", spec ? "wrong hostname" : err.msg);
    spec_free(spec);
    unlink(config);
    rmdir(dir);
}

/* `runc spec [--rootless]` in a temporary directory; NULL when runc is not available. */
static char *runc_spec(bool rootless)
{
    char dir[] = "/tmp/test_spec.XXXXXX";
    cleanup_free char *cmd = NULL;
    cleanup_free char *path = NULL;
    char *text = NULL;
    struct error err = {0};

    if (!mkdtemp(dir))
        return NULL;
    cmd = xasprintf("cd %s && runc spec %s >/dev/null 2>&1", dir, rootless ? "--rootless" : "");
    path = xasprintf("%s/config.json", dir);
    if (system(cmd) != 0 || read_file(path, 1 << 20, &text, NULL, &err) < 0)
        text = NULL;
    unlink(path);
    rmdir(dir);
    return text;
}

/* Our output with the ociVersion runc writes, for a byte comparison. */
static char *with_runc_version(const char *ours, const char *runc_text)
{
    const char *key = "\"ociVersion\": \"";
    const char *start = strstr(runc_text, key);
    const char *end = start ? strchr(start + strlen(key), '"') : NULL;
    const char *ours_start = strstr(ours, key);

    if (!end || !ours_start)
        return NULL;
    return xasprintf("%.*s%.*s%s", (int)(ours_start - ours), ours, (int)(end - start), start,
                     strchr(ours_start + strlen(key), '"'));
}

static void check_default(bool rootless)
{
    const char *variant = rootless ? "rootless" : "root";
    cleanup_free char *name = xasprintf("default/%s-valid", variant);
    cleanup_free char *same = xasprintf("default/%s-same-as-runc", variant);
    cleanup_free char *json =
        spec_default_json(rootless, cgroup_detect_mode() == CGROUP_MODE_V2, geteuid(), getegid());
    cleanup_free char *runc = NULL;
    cleanup_free char *expected = NULL;
    struct error err = {0};
    struct spec *spec = parse_text(json, &err);

    if (!spec)
        test_fail(name, "parse: %s", err.msg);
    else if (spec_validate(spec, "config.json", true, &err) < 0)
        test_fail(name, "validate: %s", err.msg);
    else if (strcmp(spec->oci_version, SPEC_VERSION) != 0)
        test_fail(name, "ociVersion %s", spec->oci_version);
    else
        test_pass(name);
    spec_free(spec);

    runc = runc_spec(rootless);
    if (!runc) {
        test_skip(same, "runc spec did not run (runc not installed?)");
        return;
    }
    expected = with_runc_version(json, runc);
    if (expected && strcmp(expected, runc) == 0)
        test_pass(same);
    else
        test_fail(same, "output differs from runc spec%s", rootless ? " --rootless" : "");
}

static void test_default_json(void)
{
    check_default(false);
    check_default(true);
}

int main(void)
{
    test_schema_files();
    test_types();
    test_parse_edges();
    test_validation();
    test_lookups();
    test_load_bundle();
    test_default_json();
    return test_exit_code();
}
