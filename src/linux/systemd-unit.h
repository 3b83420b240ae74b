/* Pure helpers of the systemd cgroup driver (unit tested): runc's `slice:prefix:name`
 * cgroupsPath, slice expansion, and the org.systemd.property.* annotations' values in
 * GVariant text form. */
#ifndef RUNC_GO_SYSTEMD_UNIT_H
#define RUNC_GO_SYSTEMD_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

/* The unit runc-go asks systemd for. */
struct systemd_unit {
    char *name;  /* "runc-go-ID.scope", or "x.slice" */
    char *slice; /* the slice a scope goes in ("system.slice") */
    char *dir;   /* its cgroup, relative to a hierarchy's root: "/system.slice/runc-go-ID.scope" */
    bool is_slice;
};

/* From linux.cgroupsPath ("slice:prefix:name"; empty: ":runc-go:<id>"). An empty slice is
 * system.slice, an empty prefix makes "name.scope", a name ending in ".slice" a slice
 * unit. Errors name linux.cgroupsPath. */
int systemd_unit_from_path(const char *cgroups_path, const char *id, struct systemd_unit *unit,
                           struct error *err);
void systemd_unit_free(struct systemd_unit *unit);

/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "/" (the root slice). NULL (with err)
 * for a name systemd would refuse. */
char *systemd_expand_slice(const char *slice, struct error *err);

/* One org.systemd.property.NAME annotation, typed. */
struct systemd_property {
    char *name;
    char type; /* a D-Bus basic type (y b n q i u x t d s o), or 'a' for "as" */
    union {
        uint64_t u;
        int64_t i;
        double d;
        bool b;
    } v;
    char **strings; /* 's' and 'o': strings[0]; 'a': the array */
    size_t strings_count;
};

/* Parses a value as runc does (godbus's GVariant text parser): 'text' or "text", true,
 * false, 5 (int32), 1.5 (double), [ 'a', 'b' ], and a type in front ("uint64 5", "@t 5",
 * "@as []"). A NAMESec property with a number becomes NAMEUSec in microseconds, as in runc.
 * Errors name the annotation. */
int systemd_property_parse(const char *name, const char *value, struct systemd_property *out,
                           struct error *err);
void systemd_property_free(struct systemd_property *p);

/* A cpuset list ("0-3,6") as systemd's AllowedCPUs bitmask: bit n of byte n/8. */
int systemd_cpuset_mask(const char *list, uint8_t **mask, size_t *len);

#endif
