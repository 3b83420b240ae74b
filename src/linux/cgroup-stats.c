/* Statistics for `events`, read as runc reads them so the numbers mean the same: v1 from each
 * controller's hierarchy, v2 from the unified directory (with v1-compatible meanings, e.g.
 * "swap" is memory + swap on both). Missing files leave zeros. */
#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cgroup_hugepage_sizes(size_t *count)
{
    cleanup_closedir DIR *d = opendir("/sys/kernel/mm/hugepages");
    struct dirent *de;
    char **sizes = NULL;
    unsigned long long kb;

    *count = 0;
    while (d && (de = readdir(d)) != NULL) {
        char unit[8];
        if (sscanf(de->d_name, "hugepages-%llu%7s", &kb, unit) != 2 || strcmp(unit, "kB") != 0)
            continue;
        cleanup_free char *bytes = xasprintf("%lluB", kb * 1024);
        char *name = cgroup_hugepage_size_name(bytes);
        if (!name)
            continue;
        sizes = xrealloc(sizes, (*count + 1) * sizeof *sizes);
        sizes[(*count)++] = name;
    }
    if (*count)
        qsort(sizes, *count, sizeof *sizes, compare_strings);
    return sizes;
}

static void free_strings(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

/* "1 2 3" -> array */
static uint64_t *read_numbers(const char *dir, const char *file, size_t *count)
{
    cleanup_free char *content = cgroup_read(dir, file);
    uint64_t *list = NULL;
    char *save = NULL;

    *count = 0;
    for (char *w = content ? strtok_r(content, " \n", &save) : NULL; w;
         w = strtok_r(NULL, " \n", &save)) {
        list = xrealloc(list, (*count + 1) * sizeof *list);
        list[(*count)++] = strtoull(w, NULL, 10);
    }
    return list;
}

/* "0-2,5" -> {0, 1, 2, 5} */
static uint16_t *read_cpu_list(const char *dir, const char *file, size_t *count)
{
    cleanup_free char *content = cgroup_read(dir, file);
    uint16_t *list = NULL;
    char *save = NULL;

    *count = 0;
    for (char *range = content ? strtok_r(content, ",\n", &save) : NULL; range;
         range = strtok_r(NULL, ",\n", &save)) {
        unsigned first, last;
        int n = sscanf(range, "%u-%u", &first, &last);
        if (n < 1)
            continue;
        if (n == 1)
            last = first;
        for (unsigned v = first; v <= last && v <= UINT16_MAX && *count < 65536; v++) {
            list = xrealloc(list, (*count + 1) * sizeof *list);
            list[(*count)++] = (uint16_t)v;
        }
    }
    return list;
}

static int compare_counters(const void *a, const void *b)
{
    return strcmp(((const struct cgroup_counter *)a)->key, ((const struct cgroup_counter *)b)->key);
}

/* memory.stat: every "key value" line, sorted (runc prints a map). */
static void read_memory_stat(const char *dir, struct cgroup_stats *stats)
{
    cleanup_free char *content = cgroup_read(dir, "memory.stat");
    char *save = NULL;

    for (char *line = content ? strtok_r(content, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char key[128];
        unsigned long long value;
        if (sscanf(line, "%127s %llu", key, &value) != 2)
            continue;
        stats->memory.raw =
            xrealloc(stats->memory.raw, (stats->memory.raw_count + 1) * sizeof *stats->memory.raw);
        stats->memory.raw[stats->memory.raw_count++] =
            (struct cgroup_counter){.key = xstrdup(key), .value = value};
    }
    if (stats->memory.raw_count)
        qsort(stats->memory.raw, stats->memory.raw_count, sizeof *stats->memory.raw,
              compare_counters);
}

static uint64_t raw_value(const struct cgroup_stats *stats, const char *key)
{
    for (size_t i = 0; i < stats->memory.raw_count; i++)
        if (strcmp(stats->memory.raw[i].key, key) == 0)
            return stats->memory.raw[i].value;
    return 0;
}

/* ------------------------------------------------------------------------- v1 */

static void v1_cpu(const struct spec_strmap *paths, struct cgroup_stats *stats)
{
    const char *cpuacct = cgroup_v1_dir(paths, "cpuacct");
    const char *cpu = cgroup_v1_dir(paths, "cpu");
    long ticks = sysconf(_SC_CLK_TCK);
    uint64_t user = 0, system = 0;

    if (cpuacct) {
        cgroup_read_u64(cpuacct, "cpuacct.usage", &stats->cpu.total);
        stats->cpu.percpu = read_numbers(cpuacct, "cpuacct.usage_percpu", &stats->cpu.percpu_count);
        cleanup_free char *all = cgroup_read(cpuacct, "cpuacct.usage_all");
        char *save = NULL;
        /* "cpu user system" then one line per cpu */
        for (char *line = all ? strtok_r(all, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save)) {
            unsigned long long n, u, s;
            if (sscanf(line, "%llu %llu %llu", &n, &u, &s) != 3)
                continue;
            size_t i = stats->cpu.percpu_user_count++;
            stats->cpu.percpu_user = xrealloc(stats->cpu.percpu_user, (i + 1) * sizeof(uint64_t));
            stats->cpu.percpu_kernel =
                xrealloc(stats->cpu.percpu_kernel, (i + 1) * sizeof(uint64_t));
            stats->cpu.percpu_user[i] = u;
            stats->cpu.percpu_kernel[i] = s;
            stats->cpu.percpu_kernel_count = i + 1;
        }
        if (ticks > 0 && cgroup_read_keyed(cpuacct, "cpuacct.stat", "user", &user) == 0 &&
            cgroup_read_keyed(cpuacct, "cpuacct.stat", "system", &system) == 0) {
            stats->cpu.user = user * 1000000000ULL / (uint64_t)ticks;
            stats->cpu.kernel = system * 1000000000ULL / (uint64_t)ticks;
        }
    }
    if (cpu) {
        cgroup_read_keyed(cpu, "cpu.stat", "nr_periods", &stats->cpu.periods);
        cgroup_read_keyed(cpu, "cpu.stat", "nr_throttled", &stats->cpu.throttled_periods);
        cgroup_read_keyed(cpu, "cpu.stat", "throttled_time", &stats->cpu.throttled_time);
    }
}

static void v1_cpuset(const char *dir, struct cgroup_stats *stats)
{
    cleanup_free char *relax = NULL;

    if (!dir)
        return;
    stats->cpuset.cpus = read_cpu_list(dir, "cpuset.cpus", &stats->cpuset.cpus_count);
    stats->cpuset.mems = read_cpu_list(dir, "cpuset.mems", &stats->cpuset.mems_count);
    cgroup_read_u64(dir, "cpuset.cpu_exclusive", &stats->cpuset.cpu_exclusive);
    cgroup_read_u64(dir, "cpuset.mem_hardwall", &stats->cpuset.mem_hardwall);
    cgroup_read_u64(dir, "cpuset.mem_exclusive", &stats->cpuset.mem_exclusive);
    cgroup_read_u64(dir, "cpuset.memory_migrate", &stats->cpuset.memory_migrate);
    cgroup_read_u64(dir, "cpuset.memory_spread_page", &stats->cpuset.memory_spread_page);
    cgroup_read_u64(dir, "cpuset.memory_spread_slab", &stats->cpuset.memory_spread_slab);
    cgroup_read_u64(dir, "cpuset.memory_pressure", &stats->cpuset.memory_pressure);
    cgroup_read_u64(dir, "cpuset.sched_load_balance", &stats->cpuset.sched_load_balance);
    relax = cgroup_read(dir, "cpuset.sched_relax_domain_level");
    stats->cpuset.sched_relax_domain_level = relax ? strtoll(relax, NULL, 10) : 0;
}

/* memory.<name>.{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes}; swap and kmem
 * are optional in the kernel: absent, they stay zero. */
static void v1_memory_entry(const char *dir, const char *name, struct cgroup_memory_entry *e)
{
    cleanup_free char *prefix = *name ? xasprintf("memory.%s", name) : xstrdup("memory");
    cleanup_free char *usage = xasprintf("%s.usage_in_bytes", prefix);
    cleanup_free char *max = xasprintf("%s.max_usage_in_bytes", prefix);
    cleanup_free char *failcnt = xasprintf("%s.failcnt", prefix);
    cleanup_free char *limit = xasprintf("%s.limit_in_bytes", prefix);

    if (cgroup_read_u64(dir, usage, &e->usage) < 0)
        return;
    cgroup_read_u64(dir, max, &e->max);
    cgroup_read_u64(dir, failcnt, &e->failcnt);
    cgroup_read_u64(dir, limit, &e->limit);
}

static void v1_memory(const char *dir, struct cgroup_stats *stats)
{
    if (!dir || !cgroup_file_exists(dir, "memory.stat"))
        return;
    read_memory_stat(dir, stats);
    stats->memory.cache = raw_value(stats, "cache");
    v1_memory_entry(dir, "", &stats->memory.usage);
    v1_memory_entry(dir, "memsw", &stats->memory.swap);
    v1_memory_entry(dir, "kmem", &stats->memory.kernel);
    v1_memory_entry(dir, "kmem.tcp", &stats->memory.kernel_tcp);
}

static void read_pids(const char *dir, struct cgroup_stats *stats)
{
    if (!dir)
        return;
    cgroup_read_u64(dir, "pids.current", &stats->pids.current);
    cgroup_read_u64(dir, "pids.max", &stats->pids.limit);
    if (stats->pids.limit == UINT64_MAX)
        stats->pids.limit = 0; /* runc: no limit reads as 0 */
}

/* "8:0 Read 4096" lines (a "Total N" line is skipped); NULL when there are none. */
static struct cgroup_blkio_entry *blkio_file(const char *dir, const char *file, size_t *count)
{
    cleanup_free char *content = cgroup_read(dir, file);
    struct cgroup_blkio_entry *list = NULL;
    char *save = NULL;

    *count = 0;
    for (char *line = content ? strtok_r(content, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        struct cgroup_blkio_entry e = {0};
        unsigned long long major, minor, value;
        char op[16];
        if (sscanf(line, "%llu:%llu %15s %llu", &major, &minor, op, &value) == 4)
            snprintf(e.op, sizeof e.op, "%s", op);
        else if (sscanf(line, "%llu:%llu %llu", &major, &minor, &value) != 3)
            continue;
        e.major = major;
        e.minor = minor;
        e.value = value;
        list = xrealloc(list, (*count + 1) * sizeof *list);
        list[(*count)++] = e;
    }
    return list;
}

struct blkio_source {
    const char *file;
    enum cgroup_blkio_table table;
};

/* runc's order: BFQ (with debug files, then without), CFQ, throttling (recursive, then
 * not). A group whose first file has no entries is skipped for the next. */
static void v1_blkio(const char *dir, struct cgroup_stats *stats)
{
    static const struct blkio_source bfq_debug[] = {
        {"blkio.bfq.sectors_recursive", CGROUP_BLKIO_SECTORS},
        {"blkio.bfq.io_service_time_recursive", CGROUP_BLKIO_SERVICE_TIME},
        {"blkio.bfq.io_wait_time_recursive", CGROUP_BLKIO_WAIT_TIME},
        {"blkio.bfq.io_merged_recursive", CGROUP_BLKIO_MERGED},
        {"blkio.bfq.io_queued_recursive", CGROUP_BLKIO_QUEUED},
        {"blkio.bfq.time_recursive", CGROUP_BLKIO_TIME},
        {"blkio.bfq.io_serviced_recursive", CGROUP_BLKIO_SERVICED},
        {"blkio.bfq.io_service_bytes_recursive", CGROUP_BLKIO_SERVICE_BYTES},
        {NULL, 0}};
    static const struct blkio_source bfq[] = {
        {"blkio.bfq.io_serviced_recursive", CGROUP_BLKIO_SERVICED},
        {"blkio.bfq.io_service_bytes_recursive", CGROUP_BLKIO_SERVICE_BYTES},
        {NULL, 0}};
    static const struct blkio_source cfq[] = {
        {"blkio.sectors_recursive", CGROUP_BLKIO_SECTORS},
        {"blkio.io_service_time_recursive", CGROUP_BLKIO_SERVICE_TIME},
        {"blkio.io_wait_time_recursive", CGROUP_BLKIO_WAIT_TIME},
        {"blkio.io_merged_recursive", CGROUP_BLKIO_MERGED},
        {"blkio.io_queued_recursive", CGROUP_BLKIO_QUEUED},
        {"blkio.time_recursive", CGROUP_BLKIO_TIME},
        {"blkio.io_serviced_recursive", CGROUP_BLKIO_SERVICED},
        {"blkio.io_service_bytes_recursive", CGROUP_BLKIO_SERVICE_BYTES},
        {NULL, 0}};
    static const struct blkio_source throttle_recursive[] = {
        {"blkio.throttle.io_serviced_recursive", CGROUP_BLKIO_SERVICED},
        {"blkio.throttle.io_service_bytes_recursive", CGROUP_BLKIO_SERVICE_BYTES},
        {NULL, 0}};
    static const struct blkio_source throttle[] = {
        {"blkio.throttle.io_serviced", CGROUP_BLKIO_SERVICED},
        {"blkio.throttle.io_service_bytes", CGROUP_BLKIO_SERVICE_BYTES},
        {NULL, 0}};
    static const struct blkio_source *const groups[] = {bfq_debug, bfq, cfq, throttle_recursive,
                                                        throttle};

    if (!dir)
        return;
    for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
        size_t count;
        struct cgroup_blkio_entry *first = blkio_file(dir, groups[g][0].file, &count);
        if (!first)
            continue;
        stats->blkio[groups[g][0].table] = first;
        stats->blkio_count[groups[g][0].table] = count;
        for (const struct blkio_source *s = groups[g] + 1; s->file; s++)
            stats->blkio[s->table] = blkio_file(dir, s->file, &stats->blkio_count[s->table]);
        return;
    }
}

static void v1_hugetlb(const char *dir, struct cgroup_stats *stats)
{
    size_t count;
    char **sizes;

    if (!dir)
        return;
    sizes = cgroup_hugepage_sizes(&count);
    stats->hugetlb = xcalloc(count, sizeof *stats->hugetlb);
    for (size_t i = 0; i < count; i++) {
        struct cgroup_hugetlb_stats *h = &stats->hugetlb[stats->hugetlb_count++];
        cleanup_free char *usage = xasprintf("hugetlb.%s.usage_in_bytes", sizes[i]);
        cleanup_free char *max = xasprintf("hugetlb.%s.max_usage_in_bytes", sizes[i]);
        cleanup_free char *failcnt = xasprintf("hugetlb.%s.failcnt", sizes[i]);
        h->page_size = xstrdup(sizes[i]);
        cgroup_read_u64(dir, usage, &h->usage);
        cgroup_read_u64(dir, max, &h->max);
        cgroup_read_u64(dir, failcnt, &h->failcnt);
    }
    free_strings(sizes, count);
}

int cgroup_v1_stats(const struct spec_strmap *paths, struct cgroup_stats *stats, struct error *err)
{
    const char *memory = cgroup_v1_dir(paths, "memory");

    if (memory && access(memory, F_OK) < 0)
        return error_set(err, errno, "%s", memory);
    v1_cpu(paths, stats);
    v1_cpuset(cgroup_v1_dir(paths, "cpuset"), stats);
    v1_memory(memory, stats);
    read_pids(cgroup_v1_dir(paths, "pids"), stats);
    v1_blkio(cgroup_v1_dir(paths, "blkio"), stats);
    v1_hugetlb(cgroup_v1_dir(paths, "hugetlb"), stats);
    return 0;
}

/* ------------------------------------------------------------------------- v2 */

static void v2_cpu(const char *dir, struct cgroup_stats *stats)
{
    uint64_t value;

    /* microseconds in cpu.stat, nanoseconds in runc's stats */
    if (cgroup_read_keyed(dir, "cpu.stat", "usage_usec", &value) == 0)
        stats->cpu.total = value * 1000;
    if (cgroup_read_keyed(dir, "cpu.stat", "user_usec", &value) == 0)
        stats->cpu.user = value * 1000;
    if (cgroup_read_keyed(dir, "cpu.stat", "system_usec", &value) == 0)
        stats->cpu.kernel = value * 1000;
    cgroup_read_keyed(dir, "cpu.stat", "nr_periods", &stats->cpu.periods);
    cgroup_read_keyed(dir, "cpu.stat", "nr_throttled", &stats->cpu.throttled_periods);
    if (cgroup_read_keyed(dir, "cpu.stat", "throttled_usec", &value) == 0)
        stats->cpu.throttled_time = value * 1000;
}

static void v2_memory(const char *dir, struct cgroup_stats *stats)
{
    struct cgroup_memory_entry *usage = &stats->memory.usage, *swap = &stats->memory.swap;

    if (!cgroup_file_exists(dir, "memory.stat"))
        return;
    read_memory_stat(dir, stats);
    stats->memory.cache = raw_value(stats, "file");
    cgroup_read_u64(dir, "memory.current", &usage->usage);
    cgroup_read_u64(dir, "memory.max", &usage->limit);
    /* v1 reports memory + swap as "swap": do the same (runc). */
    if (cgroup_read_u64(dir, "memory.swap.current", &swap->usage) == 0) {
        cgroup_read_u64(dir, "memory.swap.max", &swap->limit);
        swap->usage += usage->usage;
        if (swap->limit != UINT64_MAX)
            swap->limit += usage->limit;
    }
}

/* io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." into v1's two main tables. */
static void v2_io(const char *dir, struct cgroup_stats *stats)
{
    cleanup_free char *content = cgroup_read(dir, "io.stat");
    char *save_line = NULL;

    for (char *line = content ? strtok_r(content, "\n", &save_line) : NULL; line;
         line = strtok_r(NULL, "\n", &save_line)) {
        unsigned long long major, minor;
        char *save = NULL;
        char *device = strtok_r(line, " ", &save);
        if (!device || sscanf(device, "%llu:%llu", &major, &minor) != 2)
            continue;
        for (char *pair = strtok_r(NULL, " ", &save); pair; pair = strtok_r(NULL, " ", &save)) {
            static const struct {
                const char *key, *op;
                enum cgroup_blkio_table table;
            } map[] = {{"rbytes=", "Read", CGROUP_BLKIO_SERVICE_BYTES},
                       {"wbytes=", "Write", CGROUP_BLKIO_SERVICE_BYTES},
                       {"rios=", "Read", CGROUP_BLKIO_SERVICED},
                       {"wios=", "Write", CGROUP_BLKIO_SERVICED}};
            for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
                if (!str_has_prefix(pair, map[i].key))
                    continue;
                enum cgroup_blkio_table t = map[i].table;
                struct cgroup_blkio_entry e = {.major = major, .minor = minor};
                snprintf(e.op, sizeof e.op, "%s", map[i].op);
                e.value = strtoull(pair + strlen(map[i].key), NULL, 10);
                stats->blkio[t] = xrealloc(stats->blkio[t], (stats->blkio_count[t] + 1) * sizeof e);
                stats->blkio[t][stats->blkio_count[t]++] = e;
            }
        }
    }
}

void cgroup_v2_stats_hugetlb(const char *dir, struct cgroup_stats *stats)
{
    size_t count;
    char **sizes = cgroup_hugepage_sizes(&count);

    stats->hugetlb = xcalloc(count, sizeof *stats->hugetlb);
    for (size_t i = 0; i < count; i++) {
        cleanup_free char *current = xasprintf("hugetlb.%s.current", sizes[i]);
        cleanup_free char *events = xasprintf("hugetlb.%s.events", sizes[i]);
        struct cgroup_hugetlb_stats *h;
        if (!cgroup_file_exists(dir, current))
            continue;
        h = &stats->hugetlb[stats->hugetlb_count++];
        h->page_size = xstrdup(sizes[i]);
        cgroup_read_u64(dir, current, &h->usage);
        cgroup_read_keyed(dir, events, "max", &h->failcnt);
    }
    free_strings(sizes, count);
}

int cgroup_v2_stats(const char *dir, struct cgroup_stats *stats, struct error *err)
{
    if (access(dir, F_OK) < 0)
        return error_set(err, errno, "%s", dir);
    read_pids(dir, stats);
    v2_memory(dir, stats);
    v2_io(dir, stats);
    v2_cpu(dir, stats);
    cgroup_v2_stats_hugetlb(dir, stats);
    return 0;
}
