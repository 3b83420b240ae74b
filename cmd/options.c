#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../src/util.h"

void string_list_free(struct string_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static const struct option_def *find_option(const struct option_def *defs, const char *name,
                                            size_t len)
{
    for (const struct option_def *d = defs; d->name; d++) {
        if (strlen(d->name) == len && strncmp(d->name, name, len) == 0)
            return d;
        if (len == 1 && d->short_name == name[0])
            return d;
    }
    return NULL;
}

static int set_value(const struct option_def *def, const char *value, struct error *err)
{
    long long number;

    switch (def->kind) {
    case OPTION_BOOL:
        if (!value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
            *(bool *)def->target = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
            *(bool *)def->target = false;
        else
            return error_set(err, EINVAL, "invalid boolean value \"%s\" for flag --%s", value,
                             def->name);
        return 0;
    case OPTION_STRING:
        *(const char **)def->target = value;
        return 0;
    case OPTION_STRING_LIST: {
        struct string_list *list = def->target;
        list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
        list->items[list->count++] = value;
        return 0;
    }
    case OPTION_INT:
        if (parse_long(value, &number) < 0 || number < 0 || number > 1 << 20)
            return error_set(err, EINVAL, "invalid value \"%s\" for flag --%s", value, def->name);
        *(int *)def->target = (int)number;
        return 0;
    }
    return 0;
}

int options_parse(const struct option_def *defs, int argc, char **argv, int *index, bool *help,
                  struct error *err)
{
    while (*index < argc) {
        const char *arg = argv[*index];
        const char *name, *eq;
        const struct option_def *def;
        size_t len;

        if (arg[0] != '-' || arg[1] == '\0')
            return 0;
        (*index)++;
        if (strcmp(arg, "--") == 0)
            return 0;
        name = arg + (arg[1] == '-' ? 2 : 1);
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        if (help && ((len == 1 && name[0] == 'h') || (len == 4 && strncmp(name, "help", 4) == 0))) {
            *help = true;
            continue;
        }
        def = find_option(defs, name, len);
        if (!def)
            return error_set(err, EINVAL, "flag provided but not defined: -%.*s", (int)len, name);
        if (eq) {
            if (set_value(def, eq + 1, err) < 0)
                return -1;
        } else if (def->kind == OPTION_BOOL) {
            set_value(def, NULL, err);
        } else {
            if (*index >= argc)
                return error_set(err, EINVAL, "flag needs an argument: -%s", name);
            if (set_value(def, argv[(*index)++], err) < 0)
                return -1;
        }
    }
    return 0;
}
