/* Reading the runtime's own JSON files (state.json, the checkpoint's records) from a yajl
 * tree: missing or mistyped members read as empty, as the files are ours. src/spec only. */
#ifndef RUNC_GO_JSON_READ_H
#define RUNC_GO_JSON_READ_H

#include <yajl/yajl_tree.h>

#include "spec.h"

/* The string member key of root, or "" (always allocated). */
char *json_get_string(yajl_val root, const char *key);
/* The string members of the object member key of root, added to map. */
void json_read_strmap(yajl_val root, const char *key, struct spec_strmap *map);

#endif
