/* Pure value conversions of the cgroup code: runc's v1 -> v2 mappings, unit parsing, path
 * cleaning. No file access here, so tests/unit/test_cgroup.c checks them without root. */
#include "cgroup-internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "path.h"

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
    /* runc 1.1: [2, 262144] maps linearly onto [1, 10000]. */
    if (shares == 0)
        return 0;
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight)
{
    /* runc: [10, 1000] maps linearly onto [1, 10000]. */
    if (weight == 0)
        return 0;
    if (weight < 10)
        weight = 10;
    if (weight > 1000)
        weight = 1000;
    return 1 + (weight - 10) * 9999 / 990;
}

char *cgroup_cpu_max(int64_t quota, uint64_t period)
{
    if (period == 0)
        period = 100000; /* the kernel's default, which runc writes explicitly */
    if (quota > 0)
        return xasprintf("%" PRId64 " %" PRIu64, quota, period);
    return xasprintf("max %" PRIu64, period);
}

int cgroup_memory_swap_to_v2(int64_t swap, int64_t memory, int64_t *out, struct error *err)
{
    /* v1 compatibility: unlimited memory with swap unset means both unlimited. */
    if (memory == -1 && swap == 0) {
        *out = -1;
        return 0;
    }
    if (swap == -1 || swap == 0) {
        *out = swap;
        return 0;
    }
    if (memory == 0 || memory == -1)
        return error_set(err, 0, "unable to set swap limit without memory limit");
    if (memory < 0)
        return error_set(err, 0, "invalid memory value: %" PRId64, memory);
    if (swap < memory)
        return error_set(err, 0, "memory+swap limit should be >= memory limit");
    *out = swap - memory;
    return 0;
}

char *cgroup_v2_limit_string(int64_t value)
{
    if (value < 0)
        return xstrdup("max");
    return xasprintf("%" PRId64, value);
}

/* Go's units.CustomSize("%g%s", size, 1024, {"B", "KB", "MB", ...}) as runc names them. */
static char *size_name(double bytes)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    size_t unit = 0;

    while (bytes >= 1024 && unit + 1 < ARRAY_SIZE(units)) {
        bytes /= 1024;
        unit++;
    }
    return xasprintf("%g%s", bytes, units[unit]);
}

char *cgroup_hugepage_size_name(const char *size)
{
    static const char prefixes[] = "KMGTP";
    char *end;
    double value;
    const char *p;

    if (!size || !isdigit((unsigned char)size[0]))
        return NULL;
    errno = 0;
    value = strtod(size, &end);
    if (errno || end == size || value <= 0)
        return NULL;
    if (strcmp(end, "B") != 0) {
        p = strchr(prefixes, toupper((unsigned char)end[0]));
        if (!end[0] || !p || strcasecmp(end + 1, "B") != 0)
            return NULL;
        for (const char *q = prefixes; q <= p; q++)
            value *= 1024;
    }
    if (value >= 18446744073709551616.0 || value != (double)(uint64_t)value)
        return NULL;
    return size_name(value);
}

char *cgroup_clean_path(const char *path)
{
    /* The same lexical cleaning as paths inside the rootfs: ".." never climbs above "/". */
    return path_clean(path);
}

int cgroup_parse_ram_bytes(const char *s, int64_t *out)
{
    /* The grammar of runc's go-units: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
    static const char prefixes[] = "kmgtp";
    const char *p = s;
    const char *unit;
    double value;
    char *end;

    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        p++;
        if (p[-1] == '.')
            while (isdigit((unsigned char)*p))
                p++;
    }
    cleanup_free char *number = xstrndup(s, (size_t)(p - s));
    if (*p == ' ')
        p++;
    unit = *p ? strchr(prefixes, tolower((unsigned char)*p)) : NULL;
    value = strtod(number, &end);
    if (*end) /* "1.2.3": the grammar allows it, the float parse does not */
        return -1;
    if (unit) {
        for (const char *q = prefixes; q <= unit; q++)
            value *= 1024;
        p++;
    }
    if (*p == 'i' || *p == 'I')
        p++;
    if (*p == 'b' || *p == 'B')
        p++;
    if (*p || value >= 9223372036854775807.0)
        return -1;
    *out = (int64_t)value;
    return 0;
}
