/* `state` and `list`: what runc prints about containers. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../linux/passwd.h"
#include "../spec/json-out.h"
#include "../util.h"
#include "container.h"
#include "state.h"

char *container_state_json(const char *root, const char *id, struct error *err)
{
    cleanup_container struct container *c = container_load(root, id, err);
    struct json_out *out;
    enum container_status status;
    char *json;

    if (!c)
        return NULL;
    status = container_status(c);
    out = json_out_new("  ");
    json_out_map_open(out);
    json_out_kv_string(out, "ociVersion", c->record->oci_version);
    json_out_kv_string(out, "id", c->record->id);
    json_out_kv_int(out, "pid", status == STATUS_STOPPED ? 0 : c->record->pid);
    json_out_kv_string(out, "status", container_status_name(status));
    json_out_kv_string(out, "bundle", c->record->bundle);
    json_out_kv_string(out, "rootfs", c->record->rootfs);
    json_out_kv_string(out, "created", c->record->created);
    json_out_kv_string(out, "owner", c->record->owner);
    if (c->record->annotations.count) {
        json_out_key(out, "annotations");
        json_out_map_open(out);
        for (size_t i = 0; i < c->record->annotations.count; i++)
            json_out_kv_string(out, c->record->annotations.keys[i],
                               c->record->annotations.values[i]);
        json_out_map_close(out);
    }
    json_out_map_close(out);
    json = json_out_finish(out);
    json_out_free(out);
    return json;
}

/* runc's list shows the name of the state directory's owner. */
static char *owner_name(const struct container *c)
{
    struct stat st;
    char *name;

    if (fstat(c->dirfd, &st) < 0)
        return xstrdup("");
    name = passwd_lookup(st.st_uid, PASSWD_NAME);
    return name ? name : xasprintf("#%u", st.st_uid);
}

int container_list(const char *root, struct container_summary **list, size_t *count,
                   struct error *err)
{
    char **ids;
    size_t id_count;

    *list = NULL;
    *count = 0;
    if (container_ids(root, &ids, &id_count, err) < 0)
        return -1;
    for (size_t i = 0; i < id_count; i++) {
        struct error ignored;
        cleanup_container struct container *c = container_load(root, ids[i], &ignored);
        free(ids[i]);
        if (!c)
            continue; /* removed meanwhile, or half made: not a container yet */
        enum container_status status = container_status(c);
        struct container_summary *s;
        *list = xrealloc(*list, (*count + 1) * sizeof **list);
        s = &(*list)[(*count)++];
        s->id = xstrdup(c->record->id);
        s->pid = status == STATUS_STOPPED ? 0 : c->record->pid;
        s->status = container_status_name(status);
        s->bundle = xstrdup(c->record->bundle);
        s->rootfs = xstrdup(c->record->rootfs);
        s->created = xstrdup(c->record->created);
        s->owner = owner_name(c);
        s->oci_version = xstrdup(c->record->oci_version);
    }
    free(ids);
    return 0;
}

void container_list_free(struct container_summary *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].id);
        free(list[i].bundle);
        free(list[i].rootfs);
        free(list[i].created);
        free(list[i].owner);
        free(list[i].oci_version);
    }
    free(list);
}
