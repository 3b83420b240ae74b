/* spec_parse_process(): a process.json on its own (`exec --process FILE`).
 *
 * The process lives inside a zeroed struct spec so that spec_free() releases it: the
 * release code of the process section stays in one place (free.c). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

/* Like a config.json: anything larger is a mistake or an attack. */
#define PROCESS_MAX_BYTES (16u << 20)

struct spec_process *spec_parse_process(const char *json, size_t len, const char *file,
                                        struct error *err)
{
    struct parse_ctx ctx = {.file = file ? file : "process.json", .err = err};
    struct spec *holder;
    yajl_val tree = spec_json_parse_text(json, len, PROCESS_MAX_BYTES, ctx.file, err);
    int result;

    if (!tree)
        return NULL;
    if (!YAJL_IS_OBJECT(tree)) {
        yajl_tree_free(tree);
        error_set(err, 0, "%s: expected a JSON object at the top level", ctx.file);
        return NULL;
    }
    holder = xcalloc(1, sizeof *holder);
    holder->has_process = true;
    result = spec_parse_process_node(&ctx, tree, &holder->process);
    yajl_tree_free(tree);
    if (result == 0)
        result = spec_validate_process(&holder->process, ctx.file, false, err);
    if (result < 0) {
        spec_free(holder);
        return NULL;
    }
    return &holder->process;
}

void spec_process_free(struct spec_process *process)
{
    if (process)
        spec_free((struct spec *)((char *)process - offsetof(struct spec, process)));
}
