/* The container's state.json: the OCI state (runtime.md) plus what runc-go needs to find
 * the container's resources again (init start time, cgroup paths). No status: it is derived
 * each time from the init and the exec fifo (container_status()). Serialised here so
 * nothing outside src/spec/ touches yajl. */
#ifndef RUNC_GO_STATE_JSON_H
#define RUNC_GO_STATE_JSON_H

#include "spec.h"

struct state_record {
    char *oci_version;
    char *id;
    int pid;
    unsigned long long init_start_time; /* field 22 of /proc/PID/stat */
    char *bundle;
    char *rootfs;
    char *created; /* RFC 3339 with nanoseconds, UTC */
    char *owner;
    struct spec_strmap annotations;
    struct spec_strmap cgroup_paths; /* hierarchy name -> absolute directory */
    /* Whether the saved config has poststart / poststop hooks: `start` and `delete` then
     * need not parse it at all in the common case of none. */
    bool poststart_hooks;
    bool poststop_hooks;
    char *intel_rdt_path; /* the resctrl group made for the container, "" when none */
    char *systemd_unit;   /* --systemd-cgroup: the transient unit owning the cgroup, or NULL */
};

char *state_record_to_json(const struct state_record *record);
/* file names the file in errors. */
struct state_record *state_record_from_json(const char *json, size_t len, const char *file,
                                            struct error *err);
void state_record_free(struct state_record *record);
void spec_strmap_free(struct spec_strmap *map);
#define cleanup_strmap __attribute__((cleanup(spec_strmap_free)))
void spec_strmap_add(struct spec_strmap *map, const char *key, const char *value);

#endif
