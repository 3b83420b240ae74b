/* What checkpoint saves beside CRIU's images, and restore reads back (serialised here so
 * nothing outside src/spec/ touches yajl):
 *   descriptors.json       runc's file: the targets of the init's fds 0-2 at checkpoint
 *                          ("pipe:[1234]", "/dev/null", "/dev/pts/0"), so restore can hand
 *                          new pipes in place of the old ones
 *   runc-go-checkpoint.json  the container as it was: id, bundle, rootfs, cgroup paths, the
 *                          external bind mounts and namespaces CRIU was told about */
#ifndef RUNC_GO_CHECKPOINT_JSON_H
#define RUNC_GO_CHECKPOINT_JSON_H

#include <stddef.h>

#include "../error.h"
#include "spec.h"

#define CHECKPOINT_DESCRIPTORS_FILE "descriptors.json"
#define CHECKPOINT_RECORD_FILE "runc-go-checkpoint.json"
#define CHECKPOINT_CONFIG_FILE "runc-go-config.json"

struct checkpoint_record {
    char *id;
    char *bundle;
    char *rootfs;
    char *criu_version;              /* "3.17.1" */
    struct spec_strmap cgroup_paths; /* as in state.json */
    char *descriptors[3];
    struct spec_strmap external_mounts;     /* destination -> host source */
    struct spec_strmap external_namespaces; /* "network" / "pid" -> path */
};

char *checkpoint_record_to_json(const struct checkpoint_record *record);
struct checkpoint_record *checkpoint_record_from_json(const char *json, size_t len,
                                                      const char *file, struct error *err);
void checkpoint_record_free(struct checkpoint_record *record);

/* runc's descriptors.json: a JSON array of the three link targets. */
char *checkpoint_descriptors_to_json(char *const descriptors[3]);
/* Fills descriptors (allocated; "" for missing entries). */
int checkpoint_descriptors_from_json(const char *json, size_t len, const char *file,
                                     char *descriptors[3], struct error *err);

#endif
