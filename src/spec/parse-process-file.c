/* spec_parse_process(): a process.json on its own (`exec --process FILE`).
 *
 * The process lives inside a zeroed struct spec so that spec_free() releases it: the
 * release code of the process section stays in one place (free.c). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

/* Like a config.json: anything larger is a mistake or an attack. */
#define PROCESS_MAX_BYTES (16u << 20)

/* yajl's messages span three lines (message, excerpt, caret); the user sees one line. */
static void one_line(char *s)
{
    char *out = s;
    bool space = false;

    for (char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = out != s;
            continue;
        }
        if (space)
            *out++ = ' ';
        space = false;
        *out++ = *p;
    }
    *out = '\0';
}

static yajl_val parse_tree(const char *json, size_t len, const char *file, struct error *err)
{
    cleanup_free char *text = NULL;
    char message[1024] = "";
    yajl_val tree;

    if (len > PROCESS_MAX_BYTES) {
        error_set(err, EFBIG, "%s: larger than %u bytes", file, PROCESS_MAX_BYTES);
        return NULL;
    }
    /* yajl_tree_parse() reads a C string: an embedded NUL would silently end the document. */
    if (len > 0 && memchr(json, '\0', len)) {
        error_set(err, 0, "%s: invalid JSON: unexpected NUL byte", file);
        return NULL;
    }
    text = xstrndup(len > 0 ? json : "", len);
    tree = yajl_tree_parse(text, message, sizeof message);
    if (!tree) {
        one_line(message);
        error_set(err, 0, "%s: invalid JSON: %s", file, message[0] ? message : "unknown error");
        return NULL;
    }
    return tree;
}

struct spec_process *spec_parse_process(const char *json, size_t len, const char *file,
                                        struct error *err)
{
    struct parse_ctx ctx = {.file = file ? file : "process.json", .err = err};
    struct spec *holder;
    yajl_val tree = parse_tree(json ? json : "", json ? len : 0, ctx.file, err);
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
