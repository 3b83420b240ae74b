/* spec_parse() and spec_load_bundle(): config.json text to struct spec. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

/* Engines generate config.json; anything this large is a mistake or an attack. */
#define CONFIG_MAX_BYTES (64u << 20)

static void cleanup_yajl_fn(yajl_val *tree)
{
    if (*tree)
        yajl_tree_free(*tree);
}
#define cleanup_yajl __attribute__((cleanup(cleanup_yajl_fn)))

/* yajl's messages span three lines (message, excerpt, caret); the user sees one line. */
static void flatten_whitespace(char *s)
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

static int parse_root(struct parse_ctx *ctx, yajl_val node, void *out)
{
    struct spec *spec = out;
    bool has;

    if (spec_get_string(ctx, node, "path", &spec->root_path, NULL) < 0)
        return -1;
    return spec_get_bool(ctx, node, "readonly", &spec->root_readonly, &has);
}

static int parse_document(struct parse_ctx *ctx, yajl_val tree, struct spec *spec)
{
    if (!YAJL_IS_OBJECT(tree))
        return spec_fail(ctx, "expected a JSON object at the top level");
    if (spec_get_opt_string(ctx, tree, "ociVersion", &spec->oci_version) < 0 ||
        spec_get_object(ctx, tree, "root", parse_root, spec) < 0 ||
        spec_get_opt_string(ctx, tree, "hostname", &spec->hostname) < 0 ||
        spec_get_opt_string(ctx, tree, "domainname", &spec->domainname) < 0 ||
        spec_get_strmap(ctx, tree, "annotations", &spec->annotations) < 0)
        return -1;
    spec->has_process = YAJL_IS_OBJECT(spec_json_get(tree, "process"));
    if (spec_get_object(ctx, tree, "process", spec_parse_process_node, &spec->process) < 0 ||
        spec_parse_mounts_node(ctx, tree, spec) < 0 ||
        spec_get_object(ctx, tree, "hooks", spec_parse_hooks_node, &spec->hooks) < 0)
        return -1;
    spec->linux_.present = YAJL_IS_OBJECT(spec_json_get(tree, "linux"));
    /* Other platforms' sections (windows, solaris, vm, zos, freebsd) are not ours: ignored
     * like any unknown field. */
    return spec_get_object(ctx, tree, "linux", spec_parse_linux_node, &spec->linux_);
}

yajl_val spec_json_parse_text(const char *json, size_t len, size_t max, const char *file,
                              struct error *err)
{
    cleanup_free char *text = NULL;
    char yajl_msg[1024] = "";
    yajl_val tree;

    if (!json)
        len = 0;
    if (len > max) {
        error_set(err, EFBIG, "%s: larger than %zu bytes", file, max);
        return NULL;
    }
    /* yajl_tree_parse() reads a C string: an embedded NUL would silently end the document. */
    if (len > 0 && memchr(json, '\0', len)) {
        error_set(err, 0, "%s: invalid JSON: unexpected NUL byte", file);
        return NULL;
    }
    text = xstrndup(len > 0 ? json : "", len);
    tree = yajl_tree_parse(text, yajl_msg, sizeof yajl_msg);
    if (!tree) {
        flatten_whitespace(yajl_msg);
        error_set(err, 0, "%s: invalid JSON: %s", file, yajl_msg[0] ? yajl_msg : "unknown error");
        return NULL;
    }
    return tree;
}

struct spec *spec_parse(const char *json, size_t len, const char *file, struct error *err)
{
    struct parse_ctx ctx = {.file = file ? file : "config.json", .err = err};
    cleanup_yajl yajl_val tree = spec_json_parse_text(json, len, CONFIG_MAX_BYTES, ctx.file, err);
    struct spec *spec;

    if (!tree)
        return NULL;
    spec = xcalloc(1, sizeof *spec);
    if (parse_document(&ctx, tree, spec) < 0) {
        spec_free(spec);
        return NULL;
    }
    return spec;
}

struct spec *spec_load_bundle(const char *bundle_dir, struct error *err)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle_dir);
    cleanup_free char *text = NULL;
    size_t len = 0;

    if (read_file(path, CONFIG_MAX_BYTES, &text, &len, err) < 0)
        return NULL;
    return spec_parse(text, len, "config.json", err);
}
