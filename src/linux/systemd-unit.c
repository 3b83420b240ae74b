/* runc's systemd naming rules and annotation values, with no D-Bus and no kernel. */
#include "systemd-unit.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define DEFAULT_SLICE "system.slice"
#define DEFAULT_PREFIX "runc-go"
#define ORIGIN "config.json: linux.cgroupsPath"

void systemd_unit_free(struct systemd_unit *unit)
{
    free(unit->name);
    free(unit->slice);
    free(unit->dir);
    *unit = (struct systemd_unit){0};
}

char *systemd_expand_slice(const char *slice, struct error *err)
{
    size_t len = strlen(slice);
    const char *suffix = ".slice";

    if (len <= strlen(suffix) || strcmp(slice + len - strlen(suffix), suffix) != 0 ||
        strchr(slice, '/')) {
        error_set(err, 0, "invalid slice name %s: expected NAME.slice without '/'", slice);
        return NULL;
    }
    cleanup_free char *base = xstrndup(slice, len - strlen(suffix));
    if (strcmp(base, "-") == 0)
        return xstrdup("/");
    /* Each dash opens a child slice: a-b.slice lives in a.slice. */
    cleanup_free char *path = xstrdup("");
    size_t start = 0;
    for (size_t i = 0;; i++) {
        if (base[i] != '-' && base[i] != '\0')
            continue;
        if (i == start) {
            error_set(err, 0, "invalid slice name %s: empty part between dashes", slice);
            return NULL;
        }
        char *next = xasprintf("%s/%.*s%s", path, (int)i, base, suffix);
        free(path);
        path = next;
        if (base[i] == '\0')
            break;
        start = i + 1;
    }
    return take_ptr(&path);
}

/* systemd's unit name alphabet ("[a-zA-Z0-9:_.\\-]"); '@' is for templates only. */
static bool valid_unit_text(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr(":_.\\-", *s))
            return false;
    return true;
}

int systemd_unit_from_path(const char *cgroups_path, const char *id, struct systemd_unit *unit,
                           struct error *err)
{
    cleanup_free char *slice = NULL, *prefix = NULL, *name = NULL;
    struct error inner;

    *unit = (struct systemd_unit){0};
    if (!cgroups_path || !*cgroups_path) {
        slice = xstrdup("");
        prefix = xstrdup(DEFAULT_PREFIX);
        name = xstrdup(id);
    } else {
        const char *first = strchr(cgroups_path, ':');
        const char *second = first ? strchr(first + 1, ':') : NULL;
        if (!second || strchr(second + 1, ':'))
            return error_set(err, 0,
                             ORIGIN ": expected \"slice:prefix:name\" for the systemd cgroup "
                                    "driver, got \"%s\"",
                             cgroups_path);
        slice = xstrndup(cgroups_path, (size_t)(first - cgroups_path));
        prefix = xstrndup(first + 1, (size_t)(second - first - 1));
        name = xstrdup(second + 1);
    }
    if (!*name)
        return error_set(err, 0, ORIGIN ": \"%s\": the name part is empty", cgroups_path);
    if (!valid_unit_text(name) || !valid_unit_text(prefix))
        return error_set(err, 0,
                         ORIGIN ": \"%s\": prefix and name may only hold letters, digits and "
                                ":_.\\-",
                         cgroups_path);
    const char *parent = *slice ? slice : DEFAULT_SLICE;
    cleanup_free char *parent_dir = systemd_expand_slice(parent, &inner);
    if (!parent_dir)
        return error_set(err, 0, ORIGIN ": %s", inner.msg);
    size_t name_len = strlen(name);
    unit->is_slice = name_len > 6 && strcmp(name + name_len - 6, ".slice") == 0;
    if (unit->is_slice) {
        /* A slice's place comes from its own name (a-b.slice is in a.slice). */
        unit->dir = systemd_expand_slice(name, &inner);
        if (!unit->dir)
            return error_set(err, 0, ORIGIN ": %s", inner.msg);
        unit->name = take_ptr(&name);
    } else {
        unit->name = *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
        unit->dir = xasprintf("%s/%s", strcmp(parent_dir, "/") == 0 ? "" : parent_dir, unit->name);
    }
    unit->slice = xstrdup(parent);
    return 0;
}

/* ------------------------------------------------------------------ property values */

void systemd_property_free(struct systemd_property *p)
{
    free(p->name);
    for (size_t i = 0; i < p->strings_count; i++)
        free(p->strings[i]);
    free(p->strings);
    *p = (struct systemd_property){0};
}

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* A quoted string with \\ \' \" escapes; *end after the closing quote. */
static char *parse_quoted(const char *s, const char **end)
{
    char quote = *s++;
    cleanup_free char *out = xmalloc(strlen(s) + 1);
    size_t n = 0;

    for (; *s && *s != quote; s++) {
        if (*s == '\\' && s[1])
            s++;
        out[n++] = *s;
    }
    if (*s != quote)
        return NULL;
    out[n] = '\0';
    *end = s + 1;
    return take_ptr(&out);
}

static void add_string(struct systemd_property *p, char *s)
{
    p->strings = xrealloc(p->strings, (p->strings_count + 1) * sizeof *p->strings);
    p->strings[p->strings_count++] = s;
}

/* [ 'a', "b" ] */
static int parse_string_array(const char *s, struct systemd_property *p)
{
    p->type = 'a';
    s = skip_space(s + 1);
    while (*s != ']') {
        if (*s != '\'' && *s != '"')
            return -1;
        char *item = parse_quoted(s, &s);
        if (!item)
            return -1;
        add_string(p, item);
        s = skip_space(s);
        if (*s == ',')
            s = skip_space(s + 1);
        else if (*s != ']')
            return -1;
    }
    return *skip_space(s + 1) ? -1 : 0;
}

/* The type words and @-annotations GVariant text puts before a value. */
static const struct {
    const char *word;
    char type;
} type_words[] = {
    {"byte", 'y'},    {"int16", 'n'},  {"uint16", 'q'},     {"int32", 'i'},
    {"uint32", 'u'},  {"int64", 'x'},  {"uint64", 't'},     {"double", 'd'},
    {"boolean", 'b'}, {"string", 's'}, {"objectpath", 'o'},
};

static char leading_type(const char **s)
{
    if ((*s)[0] == '@') {
        if (strncmp(*s, "@as", 3) == 0 && (isspace((unsigned char)(*s)[3]) || (*s)[3] == '[')) {
            *s = skip_space(*s + 3);
            return 'a';
        }
        if ((*s)[1] && strchr("ybnqiuxtdso", (*s)[1]) &&
            (isspace((unsigned char)(*s)[2]) || (*s)[2] == '\'' || (*s)[2] == '"')) {
            char type = (*s)[1];
            *s = skip_space(*s + 2);
            return type;
        }
        return '?';
    }
    for (size_t i = 0; i < ARRAY_SIZE(type_words); i++) {
        size_t len = strlen(type_words[i].word);
        if (strncmp(*s, type_words[i].word, len) == 0 && isspace((unsigned char)(*s)[len])) {
            *s = skip_space(*s + len);
            return type_words[i].type;
        }
    }
    return 0;
}

/* Signed range of each integer type; unsigned ones are checked against their width. */
static bool integer_fits(char type, long long sv, unsigned long long uv, bool negative)
{
    switch (type) {
    case 'y':
        return !negative && uv <= UINT8_MAX;
    case 'n':
        return sv >= INT16_MIN && sv <= INT16_MAX;
    case 'q':
        return !negative && uv <= UINT16_MAX;
    case 'i':
        return sv >= INT32_MIN && sv <= INT32_MAX;
    case 'u':
        return !negative && uv <= UINT32_MAX;
    case 'x':
        return true;
    case 't':
        return !negative;
    default:
        return false;
    }
}

static int parse_scalar(const char *s, char type, struct systemd_property *p)
{
    char *end;

    if (*s == '\'' || *s == '"') {
        if (type && type != 's' && type != 'o')
            return -1;
        char *text = parse_quoted(s, (const char **)&end);
        if (!text)
            return -1;
        add_string(p, text);
        p->type = type ? type : 's';
        return *skip_space(end) ? -1 : 0;
    }
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        if (type && type != 'b')
            return -1;
        p->type = 'b';
        p->v.b = s[0] == 't';
        return 0;
    }
    bool fractional = strpbrk(s, ".eE") != NULL;
    if ((!type && fractional) || type == 'd') {
        errno = 0;
        p->v.d = strtod(s, &end);
        p->type = 'd';
        return errno || end == s || *skip_space(end) ? -1 : 0;
    }
    if (fractional || (!isdigit((unsigned char)*s) && *s != '-'))
        return -1;
    p->type = type ? type : 'i'; /* GVariant's default for a bare integer */
    bool negative = *s == '-';
    errno = 0;
    long long sv = 0;
    unsigned long long uv = 0;
    if (negative)
        sv = strtoll(s, &end, 10);
    else
        sv = (long long)(uv = strtoull(s, &end, 10));
    if (errno || end == s || *skip_space(end) || !integer_fits(p->type, sv, uv, negative) ||
        (!negative && p->type != 't' && uv > INT64_MAX))
        return -1;
    if (p->type == 't')
        p->v.u = uv;
    else
        p->v.i = sv;
    return 0;
}

/* runc: "TimeoutStopSec=5" is sent as TimeoutStopUSec=5000000 (a lower-case letter before
 * "Sec" tells the suffix from names that merely end in it). */
static int seconds_to_usec(struct systemd_property *p)
{
    size_t len = strlen(p->name);
    if (len < 4 || strcmp(p->name + len - 3, "Sec") != 0 ||
        !islower((unsigned char)p->name[len - 4]))
        return 0;
    double seconds;
    if (p->type == 'd')
        seconds = p->v.d;
    else if (strchr("ynqiux", p->type))
        seconds = (double)p->v.i;
    else if (p->type == 't')
        seconds = (double)p->v.u;
    else
        return -1;
    if (seconds < 0)
        return -1;
    char *renamed = xasprintf("%.*sUSec", (int)(len - 3), p->name);
    free(p->name);
    p->name = renamed;
    p->type = 't';
    p->v.u = (uint64_t)(seconds * 1e6 + 0.5);
    return 0;
}

int systemd_property_parse(const char *name, const char *value, struct systemd_property *out,
                           struct error *err)
{
    const char *s = skip_space(value);
    int rc;

    *out = (struct systemd_property){.name = xstrdup(name)};
    if (!isupper((unsigned char)name[0]) || strlen(name) < 3 || !valid_unit_text(name) ||
        strpbrk(name, ":.\\-")) {
        systemd_property_free(out);
        return error_set(err, 0,
                         "config.json: annotations: org.systemd.property.%s: invalid property name",
                         name);
    }
    char type = leading_type(&s);
    if (type == 'a' || (!type && *s == '['))
        rc = *s == '[' ? parse_string_array(s, out) : -1;
    else
        rc = type == '?' ? -1 : parse_scalar(s, type, out);
    if (rc == 0 && seconds_to_usec(out) < 0) {
        systemd_property_free(out);
        return error_set(err, 0,
                         "config.json: annotations: org.systemd.property.%s: value %s: expected "
                         "a number of seconds",
                         name, value);
    }
    if (rc < 0) {
        systemd_property_free(out);
        return error_set(err, 0,
                         "config.json: annotations: org.systemd.property.%s: unsupported value "
                         "%s: expected a GVariant text value ('text', true, 5, uint64 5, "
                         "['a', 'b'])",
                         name, value);
    }
    return 0;
}

int systemd_cpuset_mask(const char *list, uint8_t **mask, size_t *len)
{
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;

    *mask = NULL;
    *len = 0;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(part, '-'), *end;
        errno = 0;
        unsigned long first = strtoul(part, &end, 10), last = first;
        if (end == part || (dash ? end != dash : *end) || errno)
            return -1;
        if (dash) {
            last = strtoul(dash + 1, &end, 10);
            if (end == dash + 1 || *end || errno || last < first)
                return -1;
        }
        if (last >= 1u << 16)
            return -1;
        if (last / 8 + 1 > *len) {
            *mask = xrealloc(*mask, last / 8 + 1);
            memset(*mask + *len, 0, last / 8 + 1 - *len);
            *len = last / 8 + 1;
        }
        for (unsigned long bit = first; bit <= last; bit++)
            (*mask)[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    return 0;
}
