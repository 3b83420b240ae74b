/* The protobuf wire format (varints, length-delimited fields, nested messages) and the
 * criu_req / criu_resp fields runc-go uses. Field numbers are those of CRIU's rpc.proto
 * (/usr/include/criu/rpc.proto in Debian's criu package). */
#include "criu-rpc.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

/* ---------------------------------------------------------------- writing */

static void pb_reserve(struct pb_buf *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    b->cap = (b->len + more) * 2 + 64;
    b->data = xrealloc(b->data, b->cap);
}

void pb_buf_free(struct pb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void pb_put_varint(struct pb_buf *b, uint64_t value)
{
    pb_reserve(b, 10);
    while (value >= 0x80) {
        b->data[b->len++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    b->data[b->len++] = (uint8_t)value;
}

void pb_put_key(struct pb_buf *b, uint32_t field, enum pb_wire wire)
{
    pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

void pb_put_uint(struct pb_buf *b, uint32_t field, uint64_t value)
{
    pb_put_key(b, field, PB_VARINT);
    pb_put_varint(b, value);
}

void pb_put_int32(struct pb_buf *b, uint32_t field, int32_t value)
{
    /* protobuf's int32: negative values travel as their 64-bit two's complement */
    pb_put_uint(b, field, (uint64_t)(int64_t)value);
}

void pb_put_bool(struct pb_buf *b, uint32_t field, bool value)
{
    pb_put_uint(b, field, value ? 1 : 0);
}

void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
    pb_put_key(b, field, PB_BYTES);
    pb_put_varint(b, len);
    pb_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
}

void pb_put_string(struct pb_buf *b, uint32_t field, const char *s)
{
    pb_put_bytes(b, field, s, strlen(s));
}

void pb_put_message(struct pb_buf *b, uint32_t field, const struct pb_buf *message)
{
    pb_put_bytes(b, field, message->data, message->len);
}

/* ---------------------------------------------------------------- reading */

static int pb_read_varint(struct pb_reader *r, uint64_t *value)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (r->p >= r->end)
            return -1;
        uint8_t byte = *r->p++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *value = v;
            return 0;
        }
    }
    return -1; /* more than ten bytes */
}

static int pb_read_fixed(struct pb_reader *r, size_t size, uint64_t *value)
{
    uint64_t v = 0;

    if ((size_t)(r->end - r->p) < size)
        return -1;
    for (size_t i = 0; i < size; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += size;
    *value = v;
    return 0;
}

int pb_next(struct pb_reader *r, struct pb_field *field)
{
    uint64_t key, len;

    if (r->p >= r->end)
        return 0;
    if (pb_read_varint(r, &key) < 0 || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
        return -1;
    memset(field, 0, sizeof *field);
    field->number = (uint32_t)(key >> 3);
    field->wire = (enum pb_wire)(key & 7);
    switch (field->wire) {
    case PB_VARINT:
        return pb_read_varint(r, &field->value) < 0 ? -1 : 1;
    case PB_FIXED64:
        return pb_read_fixed(r, 8, &field->value) < 0 ? -1 : 1;
    case PB_FIXED32:
        return pb_read_fixed(r, 4, &field->value) < 0 ? -1 : 1;
    case PB_BYTES:
        if (pb_read_varint(r, &len) < 0 || len > (uint64_t)(r->end - r->p))
            return -1;
        field->data = r->p;
        field->len = (size_t)len;
        r->p += len;
        return 1;
    }
    return -1; /* groups (3, 4) and undefined wire types */
}

/* ---------------------------------------------------------------- criu_req */

/* criu_opts field numbers (rpc.proto) */
enum {
    OPT_IMAGES_DIR_FD = 1,
    OPT_PID = 2,
    OPT_LEAVE_RUNNING = 3,
    OPT_EXT_UNIX_SK = 4,
    OPT_TCP_ESTABLISHED = 5,
    OPT_EVASIVE_DEVICES = 6,
    OPT_SHELL_JOB = 7,
    OPT_FILE_LOCKS = 8,
    OPT_LOG_LEVEL = 9,
    OPT_LOG_FILE = 10,
    OPT_PS = 11,
    OPT_NOTIFY_SCRIPTS = 12,
    OPT_ROOT = 13,
    OPT_PARENT_IMG = 14,
    OPT_TRACK_MEM = 15,
    OPT_AUTO_DEDUP = 16,
    OPT_WORK_DIR_FD = 17,
    OPT_EXT_MNT = 23,
    OPT_MANAGE_CGROUPS = 24,
    OPT_CG_ROOT = 25,
    OPT_RST_SIBLING = 26,
    OPT_INHERIT_FD = 27,
    OPT_MANAGE_CGROUPS_MODE = 34,
    OPT_EXTERNAL = 37,
    OPT_EMPTY_NS = 38,
    OPT_JOIN_NS = 39,
    OPT_FREEZE_CGROUP = 44,
    OPT_LAZY_PAGES = 48,
    OPT_STATUS_FD = 49,
    OPT_ORPHAN_PTS_MASTER = 50,
    OPT_CONFIG_FILE = 51,
    OPT_LSM_PROFILE = 53,
    OPT_LSM_MOUNT_CONTEXT = 63,
};

void criu_opts_init(struct criu_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->images_dir_fd = -1;
    opts->work_dir_fd = -1;
    opts->status_fd = -1;
    opts->manage_cgroups_mode = CRIU_CG_UNSET;
}

static void put_true(struct pb_buf *b, uint32_t field, bool value)
{
    if (value)
        pb_put_bool(b, field, true);
}

static void put_opt_string(struct pb_buf *b, uint32_t field, const char *s)
{
    if (s)
        pb_put_string(b, field, s);
}

/* A repeated message of two strings (ext_mount_map, cgroup_root, join_namespace: fields 1, 2);
 * a NULL first string is left out (cgroup_root's optional ctrl). */
static void put_pairs(struct pb_buf *b, uint32_t field, const struct criu_key_value *pairs,
                      size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct pb_buf m = {0};
        put_opt_string(&m, 1, pairs[i].key);
        pb_put_string(&m, 2, pairs[i].value);
        pb_put_message(b, field, &m);
        pb_buf_free(&m);
    }
}

static void put_flags(struct pb_buf *b, const struct criu_opts *o)
{
    put_true(b, OPT_LEAVE_RUNNING, o->leave_running);
    put_true(b, OPT_EXT_UNIX_SK, o->ext_unix_sk);
    put_true(b, OPT_TCP_ESTABLISHED, o->tcp_established);
    put_true(b, OPT_EVASIVE_DEVICES, o->evasive_devices);
    put_true(b, OPT_SHELL_JOB, o->shell_job);
    put_true(b, OPT_FILE_LOCKS, o->file_locks);
    put_true(b, OPT_NOTIFY_SCRIPTS, o->notify_scripts);
    put_true(b, OPT_TRACK_MEM, o->track_mem);
    put_true(b, OPT_AUTO_DEDUP, o->auto_dedup);
    put_true(b, OPT_MANAGE_CGROUPS, o->manage_cgroups);
    put_true(b, OPT_RST_SIBLING, o->rst_sibling);
    put_true(b, OPT_LAZY_PAGES, o->lazy_pages);
    put_true(b, OPT_ORPHAN_PTS_MASTER, o->orphan_pts_master);
}

static void encode_opts(const struct criu_opts *o, struct pb_buf *b)
{
    pb_put_int32(b, OPT_IMAGES_DIR_FD, o->images_dir_fd);
    if (o->pid > 0)
        pb_put_int32(b, OPT_PID, o->pid);
    if (o->log_level > 0)
        pb_put_int32(b, OPT_LOG_LEVEL, o->log_level);
    put_opt_string(b, OPT_LOG_FILE, o->log_file);
    if (o->page_server_address) {
        struct pb_buf ps = {0};
        pb_put_string(&ps, 1, o->page_server_address);
        pb_put_int32(&ps, 2, o->page_server_port);
        pb_put_message(b, OPT_PS, &ps);
        pb_buf_free(&ps);
    }
    put_opt_string(b, OPT_ROOT, o->root);
    put_opt_string(b, OPT_PARENT_IMG, o->parent_img);
    if (o->work_dir_fd >= 0)
        pb_put_int32(b, OPT_WORK_DIR_FD, o->work_dir_fd);
    put_flags(b, o);
    put_pairs(b, OPT_EXT_MNT, o->ext_mnt, o->ext_mnt_count);
    put_pairs(b, OPT_CG_ROOT, o->cg_root, o->cg_root_count);
    for (size_t i = 0; i < o->inherit_fd_count; i++) {
        struct pb_buf m = {0};
        pb_put_string(&m, 1, o->inherit_fd[i].key);
        pb_put_int32(&m, 2, o->inherit_fd[i].fd);
        pb_put_message(b, OPT_INHERIT_FD, &m);
        pb_buf_free(&m);
    }
    if (o->manage_cgroups_mode != CRIU_CG_UNSET)
        pb_put_uint(b, OPT_MANAGE_CGROUPS_MODE, (uint64_t)o->manage_cgroups_mode);
    for (size_t i = 0; i < o->external_count; i++)
        pb_put_string(b, OPT_EXTERNAL, o->external[i]);
    if (o->empty_ns)
        pb_put_uint(b, OPT_EMPTY_NS, o->empty_ns);
    put_pairs(b, OPT_JOIN_NS, o->join_ns, o->join_ns_count);
    put_opt_string(b, OPT_FREEZE_CGROUP, o->freeze_cgroup);
    if (o->status_fd >= 0)
        pb_put_int32(b, OPT_STATUS_FD, o->status_fd);
    put_opt_string(b, OPT_CONFIG_FILE, o->config_file);
    put_opt_string(b, OPT_LSM_PROFILE, o->lsm_profile);
    put_opt_string(b, OPT_LSM_MOUNT_CONTEXT, o->lsm_mount_context);
}

void criu_request_encode(const struct criu_request *req, struct pb_buf *out)
{
    pb_put_uint(out, 1, (uint64_t)req->type);
    if (req->opts) {
        struct pb_buf opts = {0};
        encode_opts(req->opts, &opts);
        pb_put_message(out, 2, &opts);
        pb_buf_free(&opts);
    }
    put_true(out, 3, req->notify_success);
    put_true(out, 4, req->keep_open);
    if (req->features) {
        struct pb_buf features = {0};
        put_true(&features, 1, req->feature_mem_track);
        put_true(&features, 2, req->feature_lazy_pages);
        pb_put_message(out, 5, &features);
        pb_buf_free(&features);
    }
}

/* ---------------------------------------------------------------- criu_resp */

static char *field_string(const struct pb_field *f)
{
    return xstrndup((const char *)f->data, f->len);
}

/* Runs fn on every field of the nested message in f; -1 when it is malformed. */
static int for_each_field(const struct pb_field *f, struct criu_response *resp,
                          void (*fn)(const struct pb_field *, struct criu_response *))
{
    struct pb_reader r = {f->data, f->data + f->len};
    struct pb_field sub;
    int got;

    if (f->wire != PB_BYTES)
        return -1;
    while ((got = pb_next(&r, &sub)) > 0)
        fn(&sub, resp);
    return got;
}

static void replace_string(char **slot, const struct pb_field *f)
{
    if (f->wire != PB_BYTES)
        return;
    free(*slot);
    *slot = field_string(f);
}

static void read_notify(const struct pb_field *f, struct criu_response *resp)
{
    if (f->number == 1)
        replace_string(&resp->notify_script, f);
    else if (f->number == 2 && f->wire == PB_VARINT)
        resp->notify_pid = (int)(int32_t)f->value;
}

static void read_restore(const struct pb_field *f, struct criu_response *resp)
{
    if (f->number == 1 && f->wire == PB_VARINT)
        resp->restore_pid = (int)(int32_t)f->value;
}

static void read_dump(const struct pb_field *f, struct criu_response *resp)
{
    if (f->number == 1 && f->wire == PB_VARINT)
        resp->dump_restored = f->value != 0;
}

static void read_version(const struct pb_field *f, struct criu_response *resp)
{
    if (f->number == 3) {
        replace_string(&resp->version_gitid, f);
        return;
    }
    if (f->wire != PB_VARINT)
        return;
    if (f->number == 1)
        resp->version_major = (int)(int32_t)f->value;
    else if (f->number == 2)
        resp->version_minor = (int)(int32_t)f->value;
    else if (f->number == 4)
        resp->version_sublevel = (int)(int32_t)f->value;
}

static void read_features(const struct pb_field *f, struct criu_response *resp)
{
    if (f->wire != PB_VARINT)
        return;
    if (f->number == 1) {
        resp->has_mem_track = true;
        resp->mem_track = f->value != 0;
    } else if (f->number == 2) {
        resp->has_lazy_pages = true;
        resp->lazy_pages = f->value != 0;
    }
}

/* One top-level field of criu_resp; -1 when a nested message is malformed. */
static int read_response_field(const struct pb_field *f, struct criu_response *resp, bool *has_type,
                               bool *has_success)
{
    switch (f->number) {
    case 1:
        *has_type = f->wire == PB_VARINT;
        resp->type = (enum criu_req_type)f->value;
        return 0;
    case 2:
        *has_success = f->wire == PB_VARINT;
        resp->success = f->value != 0;
        return 0;
    case 3:
        return for_each_field(f, resp, read_dump);
    case 4:
        return for_each_field(f, resp, read_restore);
    case 5:
        resp->has_notify = true;
        return for_each_field(f, resp, read_notify);
    case 7:
        if (f->wire == PB_VARINT)
            resp->cr_errno = (int)(int32_t)f->value;
        return 0;
    case 8:
        return for_each_field(f, resp, read_features);
    case 9:
        replace_string(&resp->cr_errmsg, f);
        return 0;
    case 10:
        resp->has_version = true;
        return for_each_field(f, resp, read_version);
    }
    return 0; /* a field this runtime does not use */
}

int criu_response_decode(const uint8_t *data, size_t len, struct criu_response *resp)
{
    struct pb_reader r = {data, data + len};
    struct pb_field f;
    bool has_type = false, has_success = false;
    int got;

    memset(resp, 0, sizeof *resp);
    while ((got = pb_next(&r, &f)) > 0)
        if (read_response_field(&f, resp, &has_type, &has_success) < 0) {
            got = -1;
            break;
        }
    if (got < 0 || !has_type || !has_success) {
        criu_response_free(resp);
        return -1;
    }
    return 0;
}

void criu_response_free(struct criu_response *resp)
{
    free(resp->cr_errmsg);
    free(resp->notify_script);
    free(resp->version_gitid);
    resp->cr_errmsg = resp->notify_script = resp->version_gitid = NULL;
}

int criu_version_number(const struct criu_response *resp)
{
    return resp->version_major * 10000 + resp->version_minor * 100 + resp->version_sublevel;
}
