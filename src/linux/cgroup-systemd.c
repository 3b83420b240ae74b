/* The systemd cgroup driver (--systemd-cgroup): systemd owns the container's cgroup as a
 * transient unit. runc-go starts it over D-Bus with the init's pid in it, Delegate=yes and
 * linux.resources as unit properties (so systemd never puts back other values on a
 * daemon-reload), then the v1/v2 backends write every file as with cgroupfs: the unit only
 * decides where the cgroup is and who removes it. */
#include "cgroup-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../log.h"
#include "../util.h"
#include "dbus.h"
#include "systemd-unit.h"

#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_INTERFACE "org.freedesktop.systemd1.Manager"
#define CALL_TIMEOUT_MS 10000
#define JOB_TIMEOUT_MS 30000
#define PROPERTY_ANNOTATION "org.systemd.property."

/* ------------------------------------------------------------------ properties */

/* One (sv) element of an a(sv): the name, then a variant of type sig. */
static void prop_begin(struct dbus_writer *w, const char *name, const char *sig)
{
    dbus_put_struct_start(w);
    dbus_put_string(w, name);
    dbus_put_signature(w, sig);
}

static void prop_string(struct dbus_writer *w, const char *name, const char *value)
{
    prop_begin(w, name, "s");
    dbus_put_string(w, value);
}

static void prop_bool(struct dbus_writer *w, const char *name, bool value)
{
    prop_begin(w, name, "b");
    dbus_put_bool(w, value);
}

static void prop_u64(struct dbus_writer *w, const char *name, uint64_t value)
{
    prop_begin(w, name, "t");
    dbus_put_u64(w, value);
}

static void prop_bytes(struct dbus_writer *w, const char *name, const uint8_t *bytes, size_t len)
{
    prop_begin(w, name, "ay");
    struct dbus_array a = dbus_array_begin(w, 1);
    for (size_t i = 0; i < len; i++)
        dbus_put_byte(w, bytes[i]);
    dbus_array_end(w, a);
}

/* -1 (the spec's "unlimited") is systemd's infinity. */
static uint64_t limit_value(int64_t v)
{
    return v < 0 ? UINT64_MAX : (uint64_t)v;
}

static void prop_cpuset(struct dbus_writer *w, const char *name, const char *list)
{
    uint8_t *mask = NULL;
    size_t len = 0;
    /* A list the kernel would refuse fails later at the file write, with the field. */
    if (list && *list && systemd_cpuset_mask(list, &mask, &len) == 0)
        prop_bytes(w, name, mask, len);
    free(mask);
}

/* runc's CPUQuotaPerSecUSec: quota per period as µs per second, rounded up to whole 10 ms
 * (systemd keeps a percentage), infinity for "no quota". */
static void prop_cpu_quota(struct dbus_writer *w, const struct spec_cpu *c)
{
    uint64_t period = c->has_period && c->period ? c->period : 100000;
    if (c->has_period && c->period)
        prop_u64(w, "CPUQuotaPeriodUSec", c->period);
    if (!(c->has_quota && c->quota != 0) && !(c->has_period && c->period))
        return;
    uint64_t per_sec = UINT64_MAX;
    if (c->has_quota && c->quota > 0) {
        per_sec = (uint64_t)c->quota * 1000000 / period;
        if (per_sec % 10000)
            per_sec = (per_sec / 10000 + 1) * 10000;
    }
    prop_u64(w, "CPUQuotaPerSecUSec", per_sec);
}

static void put_resource_properties(struct dbus_writer *w, const struct spec_resources *r)
{
    bool v2 = cgroup_detect_mode() == CGROUP_MODE_V2;
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;

    if (m->has_limit && m->limit != 0)
        prop_u64(w, v2 ? "MemoryMax" : "MemoryLimit", limit_value(m->limit));
    if (v2 && m->has_reservation && m->reservation != 0)
        prop_u64(w, "MemoryLow", limit_value(m->reservation));
    int64_t swap;
    struct error ignored;
    if (v2 && m->has_swap &&
        cgroup_memory_swap_to_v2(m->swap, m->has_limit ? m->limit : 0, &swap, &ignored) == 0 &&
        swap != 0)
        prop_u64(w, "MemorySwapMax", limit_value(swap));
    if (r->has_pids_limit && r->pids_limit != 0)
        prop_u64(w, "TasksMax", limit_value(r->pids_limit));
    if (c->has_shares && c->shares)
        prop_u64(w, v2 ? "CPUWeight" : "CPUShares",
                 v2 ? cgroup_shares_to_weight(c->shares) : c->shares);
    prop_cpu_quota(w, c);
    if (v2) {
        prop_cpuset(w, "AllowedCPUs", c->cpus);
        prop_cpuset(w, "AllowedMemoryNodes", c->mems);
    }
    if (r->block_io.has_weight && r->block_io.weight)
        prop_u64(w, v2 ? "IOWeight" : "BlockIOWeight",
                 v2 ? cgroup_blkio_weight_to_io_weight(r->block_io.weight) : r->block_io.weight);
}

/* ------------------------------------------------------------------ devices */

/* The group name /proc/devices gives a major of type 'c' or 'b', or NULL. */
static char *device_group(char type, int64_t major)
{
    cleanup_fclose FILE *f = fopen("/proc/devices", "re");
    char line[256];
    bool in_section = false;

    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Character devices:", 18) == 0 ||
            strncmp(line, "Block devices:", 14) == 0) {
            in_section = (line[0] == 'C') == (type == 'c');
            continue;
        }
        long long number;
        char name[200];
        if (in_section && sscanf(line, "%lld %199s", &number, name) == 2 && number == major)
            return xstrdup(name);
    }
    return NULL;
}

/* One rule as a DeviceAllow entry ("char-*", "char-pts", "/dev/char/1:3"), or NULL for one
 * systemd can't express (then only runc-go's own eBPF filter, which systemd's is replaced
 * by, allows it; as runc, the rule is skipped for systemd with a debug line). */
static char *device_allow_entry(const struct cgroup_device_rule *rule)
{
    const char *kind = rule->type == 'b' ? "block" : "char";
    if (rule->major < 0)
        return xasprintf("%s-*", kind);
    if (rule->minor < 0) {
        cleanup_free char *group = device_group(rule->type, rule->major);
        return group ? xasprintf("%s-%s", kind, group) : NULL;
    }
    char *node =
        xasprintf("/dev/%s/%lld:%lld", kind, (long long)rule->major, (long long)rule->minor);
    /* systemd refuses the whole unit over a device the kernel doesn't know (e.g.
     * /dev/net/tun before its module is loaded): those are skipped, as runc does. */
    cleanup_free char *sys =
        xasprintf("/sys/dev/%s/%lld:%lld", kind, (long long)rule->major, (long long)rule->minor);
    if (access(sys, F_OK) != 0) {
        log_debug("systemd: skipping device %s for systemd: the kernel does not know it", node);
        free(node);
        return NULL;
    }
    return node;
}

/* An allow rule taken back by a later deny of the same devices. */
static bool denied_later(const struct cgroup_device_rule *rules, size_t count, size_t i)
{
    for (size_t j = i + 1; j < count; j++)
        if (!rules[j].allow && rules[j].type == rules[i].type && rules[j].major == rules[i].major &&
            rules[j].minor == rules[i].minor)
            return true;
    return false;
}

/* DevicePolicy/DeviceAllow from the final rule list, evaluated as the kernel would: a
 * wildcard deny empties the allow list, a wildcard allow opens everything ("auto"). */
static int put_device_properties(struct dbus_writer *w, const struct spec_resources *r,
                                 struct error *err)
{
    cleanup_free struct cgroup_device_rule *rules = NULL;
    size_t count, first = 0;
    bool open_all = false;

    if (cgroup_device_rules(r, "config.json: linux.resources", &rules, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct cgroup_device_rule *rule = &rules[i];
        if (rule->type == 'a' && rule->major < 0 && rule->minor < 0 &&
            strspn(rule->access, "rwm") == strlen(rule->access) && strlen(rule->access) == 3) {
            open_all = rule->allow;
            first = i + 1;
        }
    }
    /* Deny rules after an allow-all can't be said to systemd ("auto" lets all through):
     * our own filter, which replaces systemd's, enforces them. */
    prop_string(w, "DevicePolicy", open_all ? "auto" : "strict");
    prop_begin(w, "DeviceAllow", "a(ss)");
    struct dbus_array a = dbus_array_begin(w, 8);
    for (size_t i = first; i < count && !open_all; i++) {
        const struct cgroup_device_rule *rule = &rules[i];
        if (!rule->allow || rule->type == 'a' || denied_later(rules, count, i))
            continue;
        cleanup_free char *entry = device_allow_entry(rule);
        if (!entry)
            continue;
        dbus_put_struct_start(w);
        dbus_put_string(w, entry);
        dbus_put_string(w, rule->access);
    }
    dbus_array_end(w, a);
    return 0;
}

/* ------------------------------------------------------------------ annotations */

struct property_list {
    struct systemd_property *items;
    size_t count;
};

static void property_list_free(struct property_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        systemd_property_free(&list->items[i]);
    free(list->items);
    *list = (struct property_list){0};
}

/* The org.systemd.property.* annotations, which runc passes to systemd as they are. */
static int annotation_properties(const struct spec_strmap *annotations, struct property_list *out,
                                 struct error *err)
{
    *out = (struct property_list){0};
    for (size_t i = 0; annotations && i < annotations->count; i++) {
        if (!str_has_prefix(annotations->keys[i], PROPERTY_ANNOTATION))
            continue;
        out->items = xrealloc(out->items, (out->count + 1) * sizeof *out->items);
        if (systemd_property_parse(annotations->keys[i] + strlen(PROPERTY_ANNOTATION),
                                   annotations->values[i], &out->items[out->count], err) < 0) {
            property_list_free(out);
            return -1;
        }
        out->count++;
    }
    return 0;
}

static void put_property(struct dbus_writer *w, const struct systemd_property *p)
{
    char sig[3] = {p->type, 0, 0};
    if (p->type == 'a')
        sig[1] = 's';
    prop_begin(w, p->name, sig);
    switch (p->type) {
    case 'y':
        dbus_put_byte(w, (uint8_t)p->v.i);
        break;
    case 'b':
        dbus_put_bool(w, p->v.b);
        break;
    case 'n':
        dbus_put_i16(w, (int16_t)p->v.i);
        break;
    case 'q':
        dbus_put_u16(w, (uint16_t)p->v.i);
        break;
    case 'i':
        dbus_put_i32(w, (int32_t)p->v.i);
        break;
    case 'u':
        dbus_put_u32(w, (uint32_t)p->v.i);
        break;
    case 'x':
        dbus_put_i64(w, p->v.i);
        break;
    case 't':
        dbus_put_u64(w, p->v.u);
        break;
    case 'd':
        dbus_put_double(w, p->v.d);
        break;
    case 's':
    case 'o':
        dbus_put_string(w, p->strings[0]);
        break;
    case 'a': {
        struct dbus_array a = dbus_array_begin(w, 4);
        for (size_t i = 0; i < p->strings_count; i++)
            dbus_put_string(w, p->strings[i]);
        dbus_array_end(w, a);
        break;
    }
    default:
        break;
    }
}

/* ------------------------------------------------------------------ the unit */

int cgroup_systemd_resolve(const char *cgroups_path, const char *id,
                           const struct spec_strmap *annotations, char **unit_name,
                           struct spec_strmap *paths, struct error *err)
{
    struct systemd_unit unit;
    struct property_list props;

    if (systemd_unit_from_path(cgroups_path, id, &unit, err) < 0)
        return -1;
    /* Bad annotations fail here, before anything exists. */
    if (annotation_properties(annotations, &props, err) < 0) {
        systemd_unit_free(&unit);
        return -1;
    }
    property_list_free(&props);
    int rc = cgroup_paths_at(unit.dir, paths, err);
    if (rc == 0)
        *unit_name = take_ptr(&unit.name);
    systemd_unit_free(&unit);
    return rc;
}

static int connect_systemd(struct dbus_conn **conn, struct error *err)
{
    *conn = NULL;
    if (dbus_connect_systemd(conn, err) < 0)
        return error_prefix(err, "systemd cgroup driver");
    return 0;
}

/* A manager method that returns a job: waits for the job, whose result must be "done". */
static int run_job(struct dbus_conn *conn, const char *member, const char *signature,
                   const struct dbus_writer *body, const char *unit, char *error_name,
                   struct error *err)
{
    struct dbus_call call = {
        .destination = "org.freedesktop.systemd1",
        .path = MANAGER_PATH,
        .interface = MANAGER_INTERFACE,
        .member = member,
        .signature = signature,
        .body = body,
    };
    struct dbus_message reply;
    const char *job;
    char result[32];

    if (dbus_call_method(conn, &call, CALL_TIMEOUT_MS, &reply, error_name, err) < 0)
        return -1;
    if (strcmp(reply.signature, "o") != 0 || dbus_get_string(&reply.body, &job) < 0)
        return error_set(err, EPROTO, "%s: unexpected reply from systemd", member);
    cleanup_free char *job_path = xstrdup(job);
    if (dbus_wait_job(conn, job_path, JOB_TIMEOUT_MS, result, err) < 0) {
        if (err->errnum == ETIMEDOUT)
            return error_set(err, ETIMEDOUT, "%s %s: systemd did not finish the job in %d s",
                             member, unit, JOB_TIMEOUT_MS / 1000);
        return error_prefix(err, "%s %s", member, unit);
    }
    if (strcmp(result, "done") != 0)
        return error_set(err, 0, "%s %s: systemd's job ended with \"%s\" (journalctl -u %s)",
                         member, unit, result, unit);
    return 0;
}

/* Forgets a failed unit, so its name can be used again (ignores every error). */
static void reset_failed(struct dbus_conn *conn, const char *unit)
{
    struct dbus_writer body = {0};
    struct dbus_message reply;
    struct error ignored;
    struct dbus_call call = {
        .destination = "org.freedesktop.systemd1",
        .path = MANAGER_PATH,
        .interface = MANAGER_INTERFACE,
        .member = "ResetFailedUnit",
        .signature = "s",
        .body = &body,
    };
    dbus_put_string(&body, unit);
    dbus_call_method(conn, &call, CALL_TIMEOUT_MS, &reply, NULL, &ignored);
    dbus_writer_free(&body);
}

static int start_body(const struct cgroup_systemd_start *s, const struct systemd_unit *unit,
                      struct dbus_writer *body, struct error *err)
{
    struct property_list annotations;

    if (annotation_properties(s->annotations, &annotations, err) < 0)
        return -1;
    dbus_put_string(body, unit->name);
    dbus_put_string(body, "replace");
    struct dbus_array props = dbus_array_begin(body, 8);
    /* runc's wording: tools that list containers' units by it find ours too. */
    cleanup_free char *description = xasprintf("libcontainer container %s", s->id);
    prop_string(body, "Description", description);
    if (unit->is_slice) {
        /* A slice's parent follows from its name; it only wants the given one started. */
        prop_begin(body, "Wants", "as");
        struct dbus_array wants = dbus_array_begin(body, 4);
        dbus_put_string(body, unit->slice);
        dbus_array_end(body, wants);
    } else {
        prop_string(body, "Slice", unit->slice);
        prop_bool(body, "Delegate", true);
        prop_begin(body, "PIDs", "au");
        struct dbus_array pids = dbus_array_begin(body, 4);
        dbus_put_u32(body, (uint32_t)s->pid);
        dbus_array_end(body, pids);
    }
    prop_bool(body, "MemoryAccounting", true);
    prop_bool(body, "CPUAccounting", true);
    prop_bool(body, cgroup_detect_mode() == CGROUP_MODE_V2 ? "IOAccounting" : "BlockIOAccounting",
              true);
    prop_bool(body, "TasksAccounting", true);
    /* Its own lifetime, not the host's shutdown ordering (runc does the same). */
    prop_bool(body, "DefaultDependencies", false);
    put_resource_properties(body, s->resources);
    int rc = put_device_properties(body, s->resources, err);
    for (size_t i = 0; i < annotations.count; i++)
        put_property(body, &annotations.items[i]);
    property_list_free(&annotations);
    dbus_array_end(body, props);
    struct dbus_array aux = dbus_array_begin(body, 8); /* a(sa(sv)): no auxiliary units */
    dbus_array_end(body, aux);
    return rc;
}

int cgroup_systemd_start(const struct cgroup_systemd_start *s, struct error *err)
{
    cleanup_dbus_conn struct dbus_conn *conn = NULL;
    struct dbus_writer body = {0};
    struct systemd_unit unit;
    char error_name[128] = "";
    int rc;

    if (systemd_unit_from_path(s->cgroups_path, s->id, &unit, err) < 0)
        return -1;
    if (connect_systemd(&conn, err) < 0 || start_body(s, &unit, &body, err) < 0) {
        dbus_writer_free(&body);
        systemd_unit_free(&unit);
        return -1;
    }
    rc = run_job(conn, "StartTransientUnit", "ssa(sv)a(sa(sv))", &body, unit.name, error_name, err);
    /* A failed unit of an earlier container of this name still holds it. */
    if (rc < 0 && strcmp(error_name, "org.freedesktop.systemd1.UnitExists") == 0) {
        reset_failed(conn, unit.name);
        rc = run_job(conn, "StartTransientUnit", "ssa(sv)a(sa(sv))", &body, unit.name, error_name,
                     err);
    }
    dbus_writer_free(&body);
    systemd_unit_free(&unit);
    if (rc < 0 && strcmp(error_name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0)
        error_prefix(err, "no systemd on the bus");
    return rc < 0 ? error_prefix(err, "systemd cgroup driver") : 0;
}

int cgroup_systemd_update(const char *unit, const struct spec_resources *r, struct error *err)
{
    cleanup_dbus_conn struct dbus_conn *conn = NULL;
    struct dbus_writer body = {0};
    struct dbus_message reply;
    struct dbus_call call = {
        .destination = "org.freedesktop.systemd1",
        .path = MANAGER_PATH,
        .interface = MANAGER_INTERFACE,
        .member = "SetUnitProperties",
        .signature = "sba(sv)",
        .body = &body,
    };

    if (connect_systemd(&conn, err) < 0)
        return -1;
    dbus_put_string(&body, unit);
    dbus_put_bool(&body, true); /* runtime: not persisted in /etc */
    struct dbus_array props = dbus_array_begin(&body, 8);
    /* No device properties: systemd would re-attach its filter next to ours for a moment. */
    put_resource_properties(&body, r);
    dbus_array_end(&body, props);
    int rc = dbus_call_method(conn, &call, CALL_TIMEOUT_MS, &reply, NULL, err);
    dbus_writer_free(&body);
    return rc < 0 ? error_prefix(err, "systemd cgroup driver: %s", unit) : 0;
}

int cgroup_systemd_stop(const char *unit, struct error *err)
{
    cleanup_dbus_conn struct dbus_conn *conn = NULL;
    struct dbus_writer body = {0};
    char error_name[128] = "";

    if (connect_systemd(&conn, err) < 0)
        return -1;
    dbus_put_string(&body, unit);
    dbus_put_string(&body, "replace");
    int rc = run_job(conn, "StopUnit", "ss", &body, unit, error_name, err);
    dbus_writer_free(&body);
    /* Already gone (a scope ends by itself when its last process exits): done. */
    if (rc < 0 && strcmp(error_name, "org.freedesktop.systemd1.NoSuchUnit") == 0)
        rc = 0;
    reset_failed(conn, unit);
    return rc < 0 ? error_prefix(err, "systemd cgroup driver") : 0;
}
