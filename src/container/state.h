/* The state store: <root>/<id>/ (0700) holding state.json (0600, written atomically) and,
 * between create and start, exec.fifo. The directory's fd is flock()ed so two commands on
 * one id can't interleave. */
#ifndef RUNC_GO_STATE_H
#define RUNC_GO_STATE_H

#include <stdbool.h>

#include "../error.h"
#include "../hooks/hooks.h"
#include "../spec/state-json.h"

#define STATE_FILE "state.json"
#define EXEC_FIFO "exec.fifo"
#define CONFIG_FILE "config.json" /* the config the container was created with */
/* linux.resources as `update` last left them (absent: the config's) */
#define RESOURCES_FILE "resources.json"

enum container_status {
    STATUS_CREATING,
    STATUS_CREATED,
    STATUS_RUNNING,
    STATUS_PAUSED,
    STATUS_STOPPED,
};

struct container {
    char *root;
    char *id;
    char *dir;
    int dirfd; /* locked */
    struct state_record *record;
};

/* Checks an id as runc does: letters, digits, '_', '+', '-', '.', not "." or "..". */
int container_id_validate(const char *id, struct error *err);

/* Makes <root>/<id> exclusively ("container with id exists: ID") and locks it. */
struct container *container_new(const char *root, const char *id, struct error *err);

/* Opens and locks an existing container and reads its state
 * ("container does not exist"). */
struct container *container_load(const char *root, const char *id, struct error *err);

/* Removes the state dir of id when a create killed half-way left it (no state.json, nobody
 * holding its lock); returns whether there was one. */
bool container_remove_stale(const char *root, const char *id);

int container_save(struct container *c, struct error *err);
/* Writes <dir>/name atomically (0600). */
int container_write_file(struct container *c, const char *name, const char *data, size_t len,
                         struct error *err);
/* The config.json saved at create (exec and delete's hooks use it, not the bundle's,
 * which may have changed since). */
struct spec *container_load_config(const struct container *c, struct error *err);
/* poststart and poststop: the saved config's hooks of kind, with the state (pid, status) they
 * see on stdin. Failures are warnings (runtime.md): the container is there, or gone, anyway. */
void container_run_saved_hooks(const struct container *c, enum hook_kind kind, pid_t pid,
                               const char *status);
enum container_status container_status(const struct container *c);
const char *container_status_name(enum container_status status);
/* Removes state.json, the fifo and the directory. */
int container_remove_state(struct container *c, struct error *err);
void container_free(struct container *c);
void cleanup_container_fn(struct container **c);
#define cleanup_container __attribute__((cleanup(cleanup_container_fn)))

/* Lists the ids under root (sorted). */
int container_ids(const char *root, char ***ids, size_t *count, struct error *err);

/* Current time in RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano). */
char *rfc3339_nano_now(void);

#endif
