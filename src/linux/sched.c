#include "sched.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util.h"

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0): <linux/sched/types.h> clashes with
 * glibc's <sched.h>. */
struct kernel_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static const struct {
    const char *name;
    uint32_t value;
} policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

static const struct {
    const char *name;
    uint64_t value;
} sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const struct {
    const char *name;
    int value;
} ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

/* The names were validated with the config; an unknown one here is a bug, reported as such. */
static int apply_scheduler(const struct spec_scheduler *s, struct error *err)
{
    struct kernel_sched_attr attr = {.size = sizeof attr};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(policies) && strcmp(policies[i].name, s->policy) != 0; i++)
        ;
    if (i == ARRAY_SIZE(policies))
        return error_set(err, EINVAL, "config.json: process.scheduler.policy: %s", s->policy);
    attr.sched_policy = policies[i].value;
    for (size_t f = 0; f < s->flags_count; f++)
        for (i = 0; i < ARRAY_SIZE(sched_flags); i++)
            if (strcmp(sched_flags[i].name, s->flags[f]) == 0)
                attr.sched_flags |= sched_flags[i].value;
    attr.sched_nice = s->nice;
    attr.sched_priority = (uint32_t)s->priority;
    attr.sched_runtime = s->runtime;
    attr.sched_deadline = s->deadline;
    attr.sched_period = s->period;
    /* No glibc wrapper in Debian 12's libc. */
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        return error_set(err, errno, "config.json: process.scheduler: sched_setattr(%s)",
                         s->policy);
    return 0;
}

static int apply_io_priority(const struct spec_process *process, struct error *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(ioprio_classes); i++) {
        if (strcmp(ioprio_classes[i].name, process->io_priority_class) != 0)
            continue;
        int value = ioprio_classes[i].value << IOPRIO_CLASS_SHIFT | process->io_priority;
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
            return error_set(err, errno, "config.json: process.ioPriority: ioprio_set(%s, %d)",
                             process->io_priority_class, process->io_priority);
        return 0;
    }
    return error_set(err, EINVAL, "config.json: process.ioPriority.class: %s",
                     process->io_priority_class);
}

int sched_apply_process(const struct spec_process *process, struct error *err)
{
    if (process->scheduler.present && apply_scheduler(&process->scheduler, err) < 0)
        return -1;
    if (process->has_io_priority && apply_io_priority(process, err) < 0)
        return -1;
    return 0;
}

int sched_apply_personality(const struct spec_personality *p, struct error *err)
{
    unsigned long persona;

    if (!p->present)
        return 0;
    if (strcmp(p->domain, "LINUX") == 0)
        persona = PER_LINUX;
    else if (strcmp(p->domain, "LINUX32") == 0)
        persona = PER_LINUX32;
    else
        return error_set(err, EINVAL, "config.json: linux.personality.domain: %s", p->domain);
    if (personality(persona) < 0)
        return error_set(err, errno, "config.json: linux.personality: personality(%s)", p->domain);
    return 0;
}

/* "N" or "N-M" with N <= M, each below CPU_SETSIZE. */
static int parse_range(const char *item, long *first, long *last)
{
    char *end;

    errno = 0;
    *first = strtol(item, &end, 10);
    if (end == item || *first < 0 || errno)
        return -1;
    *last = *first;
    if (*end == '-') {
        const char *second = end + 1;
        *last = strtol(second, &end, 10);
        if (end == second || errno)
            return -1;
    }
    return *end == '\0' && *last >= *first && *last < CPU_SETSIZE ? 0 : -1;
}

int sched_parse_cpu_list(const char *list, cpu_set_t *set, const char *field, struct error *err)
{
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;

    CPU_ZERO(set);
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        long first, last;
        if (parse_range(item, &first, &last) < 0)
            return error_set(err, 0, "%s: invalid CPU list \"%s\" (expected e.g. 0-3,7)", field,
                             list);
        for (long cpu = first; cpu <= last; cpu++)
            CPU_SET((size_t)cpu, set);
    }
    if (CPU_COUNT(set) == 0)
        return error_set(err, 0, "%s: empty CPU list", field);
    return 0;
}

int sched_set_affinity(pid_t pid, const cpu_set_t *set, const char *field, struct error *err)
{
    if (sched_setaffinity(pid, sizeof *set, set) < 0)
        return error_set(err, errno, "%s: sched_setaffinity", field);
    return 0;
}
