/* `events`: the container's cgroup statistics (and OOM kills) as runc's JSON events, one
 * object per line. The field names, their order and which zero values are left out follow
 * runc's Go types (types/events.go), so tools parsing runc's output parse ours. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../linux/cgroup.h"
#include "../linux/proc.h"
#include "../log.h"
#include "../spec/json-out.h"
#include "../spec/state-json.h"
#include "../util.h"
#include "container.h"
#include "state.h"

/* Go's `json:",omitempty"`: zero is left out. */
static void kv_u64_omit(struct json_out *out, const char *key, uint64_t value)
{
    if (value)
        json_out_kv_uint(out, key, value);
}

static void kv_u64_list(struct json_out *out, const char *key, const uint64_t *list, size_t n)
{
    if (!n)
        return;
    json_out_key(out, key);
    json_out_array_open(out);
    for (size_t i = 0; i < n; i++)
        json_out_uint(out, list[i]);
    json_out_array_close(out);
}

static void kv_u16_list(struct json_out *out, const char *key, const uint16_t *list, size_t n)
{
    if (!n)
        return;
    json_out_key(out, key);
    json_out_array_open(out);
    for (size_t i = 0; i < n; i++)
        json_out_uint(out, list[i]);
    json_out_array_close(out);
}

static void out_cpu(struct json_out *out, const struct cgroup_stats *s)
{
    json_out_key(out, "cpu");
    json_out_map_open(out);
    json_out_key(out, "usage");
    json_out_map_open(out);
    kv_u64_omit(out, "total", s->cpu.total);
    kv_u64_list(out, "percpu", s->cpu.percpu, s->cpu.percpu_count);
    kv_u64_list(out, "percpu_kernel", s->cpu.percpu_kernel, s->cpu.percpu_kernel_count);
    kv_u64_list(out, "percpu_user", s->cpu.percpu_user, s->cpu.percpu_user_count);
    json_out_kv_uint(out, "kernel", s->cpu.kernel);
    json_out_kv_uint(out, "user", s->cpu.user);
    json_out_map_close(out);
    json_out_key(out, "throttling");
    json_out_map_open(out);
    kv_u64_omit(out, "periods", s->cpu.periods);
    kv_u64_omit(out, "throttledPeriods", s->cpu.throttled_periods);
    kv_u64_omit(out, "throttledTime", s->cpu.throttled_time);
    json_out_map_close(out);
    json_out_map_close(out);

    json_out_key(out, "cpuset");
    json_out_map_open(out);
    kv_u16_list(out, "cpus", s->cpuset.cpus, s->cpuset.cpus_count);
    json_out_kv_uint(out, "cpu_exclusive", s->cpuset.cpu_exclusive);
    kv_u16_list(out, "mems", s->cpuset.mems, s->cpuset.mems_count);
    json_out_kv_uint(out, "mem_hardwall", s->cpuset.mem_hardwall);
    json_out_kv_uint(out, "mem_exclusive", s->cpuset.mem_exclusive);
    json_out_kv_uint(out, "memory_migrate", s->cpuset.memory_migrate);
    json_out_kv_uint(out, "memory_spread_page", s->cpuset.memory_spread_page);
    json_out_kv_uint(out, "memory_spread_slab", s->cpuset.memory_spread_slab);
    json_out_kv_uint(out, "memory_pressure", s->cpuset.memory_pressure);
    json_out_kv_uint(out, "sched_load_balance", s->cpuset.sched_load_balance);
    json_out_kv_int(out, "sched_relax_domain_level", s->cpuset.sched_relax_domain_level);
    json_out_map_close(out);
}

static void out_memory_entry(struct json_out *out, const char *key,
                             const struct cgroup_memory_entry *e)
{
    json_out_key(out, key);
    json_out_map_open(out);
    json_out_kv_uint(out, "limit", e->limit);
    kv_u64_omit(out, "usage", e->usage);
    kv_u64_omit(out, "max", e->max);
    json_out_kv_uint(out, "failcnt", e->failcnt);
    json_out_map_close(out);
}

static void out_memory_pids(struct json_out *out, const struct cgroup_stats *s)
{
    json_out_key(out, "memory");
    json_out_map_open(out);
    kv_u64_omit(out, "cache", s->memory.cache);
    out_memory_entry(out, "usage", &s->memory.usage);
    out_memory_entry(out, "swap", &s->memory.swap);
    out_memory_entry(out, "kernel", &s->memory.kernel);
    out_memory_entry(out, "kernelTCP", &s->memory.kernel_tcp);
    if (s->memory.raw_count) {
        json_out_key(out, "raw");
        json_out_map_open(out);
        for (size_t i = 0; i < s->memory.raw_count; i++)
            json_out_kv_uint(out, s->memory.raw[i].key, s->memory.raw[i].value);
        json_out_map_close(out);
    }
    json_out_map_close(out);

    json_out_key(out, "pids");
    json_out_map_open(out);
    kv_u64_omit(out, "current", s->pids.current);
    kv_u64_omit(out, "limit", s->pids.limit);
    json_out_map_close(out);
}

static void out_blkio_hugetlb(struct json_out *out, const struct cgroup_stats *s)
{
    static const char *const names[CGROUP_BLKIO_TABLES] = {
        [CGROUP_BLKIO_SERVICE_BYTES] = "ioServiceBytesRecursive",
        [CGROUP_BLKIO_SERVICED] = "ioServicedRecursive",
        [CGROUP_BLKIO_QUEUED] = "ioQueueRecursive",
        [CGROUP_BLKIO_SERVICE_TIME] = "ioServiceTimeRecursive",
        [CGROUP_BLKIO_WAIT_TIME] = "ioWaitTimeRecursive",
        [CGROUP_BLKIO_MERGED] = "ioMergedRecursive",
        [CGROUP_BLKIO_TIME] = "ioTimeRecursive",
        [CGROUP_BLKIO_SECTORS] = "sectorsRecursive",
    };

    json_out_key(out, "blkio");
    json_out_map_open(out);
    for (size_t t = 0; t < CGROUP_BLKIO_TABLES; t++) {
        if (!s->blkio_count[t])
            continue;
        json_out_key(out, names[t]);
        json_out_array_open(out);
        for (size_t i = 0; i < s->blkio_count[t]; i++) {
            const struct cgroup_blkio_entry *e = &s->blkio[t][i];
            json_out_map_open(out);
            kv_u64_omit(out, "major", e->major);
            kv_u64_omit(out, "minor", e->minor);
            if (e->op[0])
                json_out_kv_string(out, "op", e->op);
            kv_u64_omit(out, "value", e->value);
            json_out_map_close(out);
        }
        json_out_array_close(out);
    }
    json_out_map_close(out);

    json_out_key(out, "hugetlb");
    json_out_map_open(out);
    for (size_t i = 0; i < s->hugetlb_count; i++) {
        json_out_key(out, s->hugetlb[i].page_size);
        json_out_map_open(out);
        kv_u64_omit(out, "usage", s->hugetlb[i].usage);
        kv_u64_omit(out, "max", s->hugetlb[i].max);
        json_out_kv_uint(out, "failcnt", s->hugetlb[i].failcnt);
        json_out_map_close(out);
    }
    json_out_map_close(out);
}

static char *event_json(const char *type, const char *id, const struct cgroup_stats *s)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    json_out_map_open(out);
    json_out_kv_string(out, "type", type);
    json_out_kv_string(out, "id", id);
    if (s) {
        json_out_key(out, "data");
        json_out_map_open(out);
        out_cpu(out, s);
        out_memory_pids(out, s);
        out_blkio_hugetlb(out, s);
        json_out_key(out, "intel_rdt");
        json_out_map_open(out);
        json_out_map_close(out);
        json_out_key(out, "network_interfaces");
        json_out_null(out);
        json_out_map_close(out);
    }
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

static int emit(FILE *out, char *json)
{
    int result = fprintf(out, "%s\n", json) < 0 || fflush(out) != 0 ? -1 : 0;
    free(json);
    return result;
}

static int emit_stats(FILE *out, const char *id, const struct spec_strmap *paths, struct error *err)
{
    struct cgroup_stats stats;
    int result;

    if (cgroup_stats(paths, &stats, err) < 0)
        return -1;
    result = emit(out, event_json("stats", id, &stats));
    cgroup_stats_free(&stats);
    if (result < 0)
        return error_set(err, errno, "write events");
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the loop needs, copied so the container's lock is not held while it runs (kill,
 * delete and update must not wait for `events` to end). */
struct watched {
    char *id;
    pid_t pid;
    unsigned long long start_time;
    struct spec_strmap paths;
};

static int follow(const struct watched *w, long long interval_ms, FILE *out, struct error *err)
{
    struct cgroup_oom_watch *oom = NULL;
    struct error no_oom;
    long long next = now_ms() + interval_ms;
    int result = 0;

    if (cgroup_oom_watch_open(&w->paths, &oom, &no_oom) < 0)
        log_debug("events: no OOM notifications: %s", no_oom.msg);
    while (result == 0 && proc_is_alive(w->pid, w->start_time)) {
        long long left = next - now_ms();
        struct pollfd pfd = {.fd = oom ? cgroup_oom_watch_fd(oom) : -1, .events = POLLIN};
        /* wake at least every second to notice the container's end */
        int ready = poll(&pfd, 1, (int)(left < 0 ? 0 : left > 1000 ? 1000 : left));
        if (ready > 0 && oom && cgroup_oom_watch_read(oom) > 0 &&
            emit(out, event_json("oom", w->id, NULL)) < 0)
            result = error_set(err, errno, "write events");
        if (result == 0 && now_ms() >= next) {
            struct error stats_err;
            next += interval_ms;
            if (!proc_is_alive(w->pid, w->start_time))
                break;
            /* runc logs a failed reading and goes on with the next */
            if (emit_stats(out, w->id, &w->paths, &stats_err) < 0) {
                if (stats_err.errnum == EPIPE)
                    result = error_set(err, EPIPE, "write events");
                else
                    log_msg(LOG_LEVEL_ERROR, "%s", stats_err.msg);
            }
        }
    }
    cgroup_oom_watch_close(oom);
    return result;
}

int container_events(const char *root, const char *id, long long interval_ms, bool stats_only,
                     FILE *out, struct error *err)
{
    struct container *c = container_load(root, id, err);
    struct watched w = {0};
    int result;

    if (!c)
        return -1;
    if (interval_ms <= 0) {
        container_free(c);
        return error_set(err, 0, "duration interval must be greater than 0");
    }
    if (container_status(c) == STATUS_STOPPED) {
        container_free(c);
        return error_set(err, 0, "container with id %s is not running", id);
    }
    w.id = xstrdup(c->id);
    w.pid = c->record->pid;
    w.start_time = c->record->init_start_time;
    for (size_t i = 0; i < c->record->cgroup_paths.count; i++)
        spec_strmap_add(&w.paths, c->record->cgroup_paths.keys[i],
                        c->record->cgroup_paths.values[i]);
    container_free(c);
    result = stats_only ? emit_stats(out, w.id, &w.paths, err) : follow(&w, interval_ms, out, err);
    free(w.id);
    spec_strmap_free(&w.paths);
    return result;
}
