/* Flag parsing as runc's CLI library does it: `--flag value`, `--flag=value`, `-flag`,
 * short `-f`, bools as `--flag` or `--flag=false`; flags stop at the first argument. */
#ifndef RUNC_GO_OPTIONS_H
#define RUNC_GO_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../src/error.h"

enum option_kind { OPTION_BOOL, OPTION_STRING, OPTION_INT, OPTION_STRING_LIST };

/* The target of a repeatable flag (`-e A=1 -e B=2`): the values in order. items point into
 * argv; the array is malloc'd (string_list_free). */
struct string_list {
    const char **items;
    size_t count;
};

void string_list_free(struct string_list *list);

struct option_def {
    const char *name; /* long name without dashes */
    char short_name;  /* 0 when none */
    enum option_kind kind;
    void *target; /* bool *, const char **, int *, struct string_list * */
    /* the description --help prints and the man page repeats: runc's text where runc has the
     * flag, with its "(default: ...)" */
    const char *usage;
};

/* Parses from argv[*index]; leaves *index at the first non-flag argument.
 * "-h"/"--help" sets *help when given. */
int options_parse(const struct option_def *defs, int argc, char **argv, int *index, bool *help,
                  struct error *err);

#endif
