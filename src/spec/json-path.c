/* JSON path tracking and one-line error messages for the config.json walk. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util.h"
#include "parse-internal.h"

/* Keys made only of these print as ".key"; anything else as ["key"], so that
 * linux.sysctl["net.ipv4.ip_forward"] cannot be misread as nested objects. */
static bool is_plain_key(const char *key)
{
    if (*key == '\0')
        return false;
    for (const char *p = key; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Escapes like JSON does, so a hostile key or value cannot break the one-line message. */
char *spec_quote(const char *s)
{
    char *buf, *out;

    if (!s)
        return xstrdup("null");
    /* Worst case: every byte becomes \u00XX. */
    buf = xmalloc(strlen(s) * 6 + 3);
    out = buf;
    *out++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *out++ = '\\';
            *out++ = (char)*p;
        } else if (*p == '\n') {
            out = stpcpy(out, "\\n");
        } else if (*p == '\t') {
            out = stpcpy(out, "\\t");
        } else if (*p < 0x20 || *p == 0x7f) {
            out += sprintf(out, "\\u%04x", *p);
        } else {
            *out++ = (char)*p;
        }
    }
    *out++ = '"';
    *out = '\0';
    return buf;
}

void spec_path_format_key(char *buf, size_t size, const char *key)
{
    size_t len = strnlen(buf, size);
    cleanup_free char *quoted = NULL;

    if (len + 1 >= size)
        return;
    if (is_plain_key(key)) {
        snprintf(buf + len, size - len, "%s%s", len ? "." : "", key);
        return;
    }
    quoted = spec_quote(key);
    snprintf(buf + len, size - len, "[%s]", quoted);
}

size_t spec_path_push_key(struct parse_ctx *ctx, const char *key)
{
    size_t mark = ctx->len;
    spec_path_format_key(ctx->path, sizeof ctx->path, key);
    ctx->len = strnlen(ctx->path, sizeof ctx->path);
    return mark;
}

size_t spec_path_push_index(struct parse_ctx *ctx, size_t index)
{
    size_t mark = ctx->len;
    if (ctx->len + 1 < sizeof ctx->path)
        snprintf(ctx->path + ctx->len, sizeof ctx->path - ctx->len, "[%zu]", index);
    ctx->len = strnlen(ctx->path, sizeof ctx->path);
    return mark;
}

void spec_path_pop(struct parse_ctx *ctx, size_t mark)
{
    ctx->len = mark;
    ctx->path[mark] = '\0';
}

static int fail_at(struct parse_ctx *ctx, const char *fmt, va_list ap)
{
    char msg[ERROR_MSG_MAX];

    vsnprintf(msg, sizeof msg, fmt, ap);
    if (ctx->len == 0)
        return error_set(ctx->err, 0, "%s: %s", ctx->file, msg);
    return error_set(ctx->err, 0, "%s: %s: %s", ctx->file, ctx->path, msg);
}

int spec_fail(struct parse_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_at(ctx, fmt, ap);
    va_end(ap);
    return -1;
}

int spec_fail_key(struct parse_ctx *ctx, const char *key, const char *fmt, ...)
{
    va_list ap;

    spec_path_push_key(ctx, key);
    va_start(ap, fmt);
    fail_at(ctx, fmt, ap);
    va_end(ap);
    return -1;
}
