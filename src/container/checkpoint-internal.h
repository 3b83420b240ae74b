/* Shared by checkpoint.c and restore.c: the flags both take, the CRIU check both run first,
 * and how a CRIU failure is reported. */
#ifndef RUNC_GO_CHECKPOINT_INTERNAL_H
#define RUNC_GO_CHECKPOINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../linux/criu-rpc.h"
#include "../spec/spec.h"

#define CRIU_DUMP_LOG "dump.log"
#define CRIU_RESTORE_LOG "restore.log"
/* The namespaces' keys in CRIU's --external / --inherit-fd, as runc names them. */
#define CRIU_EXT_NETNS "extRootNetNS"
#define CRIU_EXT_PIDNS "extRootPidNS"

/* --manage-cgroups-mode: soft|full|strict|ignore; NULL or "": not sent (CRIU's soft). */
int checkpoint_parse_cg_mode(const char *mode, enum criu_cg_mode *out, struct error *err);

/* --empty-ns: the network namespace always (runc does not manage network devices), plus the
 * ones named (only "network" is known, as in runc). */
int checkpoint_empty_ns_mask(const char *const *names, size_t count, uint32_t *mask,
                             struct error *err);

/* The CRIU configuration file: the org.criu.config annotation (empty: none), else runc's
 * /etc/criu/runc.conf, so a host configured for runc works the same. NULL: none. */
const char *checkpoint_criu_config_file(const struct spec *spec);

/* Fails, naming CRIU's check, unless `criu check` passes on this host: checkpointing on a
 * kernel CRIU does not support would fail half-way (what = "checkpoint" or "restore"). */
int checkpoint_require_criu(const char *binary, const char *what, int *version, struct error *err);

/* Adds where CRIU's log is, and its first error line, to err:
 * "...: criu DUMP failed (log: /w/dump.log: Error (criu/sk-inet.c:188): ...)". */
int checkpoint_criu_failed(struct error *err, const char *log_dir, const char *log_file);

/* Opens dir (an existing directory, or made with its parents when create) for CRIU;
 * flag names the option in errors ("--image-path"). */
int checkpoint_open_dir(const char *path, bool create, const char *flag, struct error *err);

#endif
