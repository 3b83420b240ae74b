/* The D-Bus wire format (the specification's "Marshaling" section): values aligned to
 * their size from the start of the message, strings u32-length-prefixed and NUL-ended,
 * arrays prefixed with their byte length, and a header of (code, variant) fields. */
#include "dbus.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

/* Header field codes. */
enum {
    FIELD_PATH = 1,
    FIELD_INTERFACE = 2,
    FIELD_MEMBER = 3,
    FIELD_ERROR_NAME = 4,
    FIELD_REPLY_SERIAL = 5,
    FIELD_DESTINATION = 6,
    FIELD_SENDER = 7,
    FIELD_SIGNATURE = 8,
};

/* A message may be up to 128 MiB; systemd's replies here are a few hundred bytes. */
#define MESSAGE_MAX (128u << 20)

/* ------------------------------------------------------------------ writing */

void dbus_writer_free(struct dbus_writer *w)
{
    free(w->data);
    *w = (struct dbus_writer){0};
}

static void put_raw(struct dbus_writer *w, const void *data, size_t len)
{
    if (w->len + len > w->cap) {
        w->cap = (w->len + len) * 2 + 64;
        w->data = xrealloc(w->data, w->cap);
    }
    memcpy(w->data + w->len, data, len);
    w->len += len;
}

static void pad_to(struct dbus_writer *w, size_t align)
{
    static const uint8_t zeros[8];
    size_t rem = w->len % align;
    if (rem)
        put_raw(w, zeros, align - rem);
}

void dbus_put_byte(struct dbus_writer *w, uint8_t v)
{
    put_raw(w, &v, 1);
}

void dbus_put_u16(struct dbus_writer *w, uint16_t v)
{
    pad_to(w, 2);
    put_raw(w, &v, 2);
}

void dbus_put_i16(struct dbus_writer *w, int16_t v)
{
    dbus_put_u16(w, (uint16_t)v);
}

void dbus_put_u32(struct dbus_writer *w, uint32_t v)
{
    pad_to(w, 4);
    put_raw(w, &v, 4);
}

void dbus_put_i32(struct dbus_writer *w, int32_t v)
{
    dbus_put_u32(w, (uint32_t)v);
}

void dbus_put_bool(struct dbus_writer *w, bool v)
{
    dbus_put_u32(w, v ? 1 : 0);
}

void dbus_put_u64(struct dbus_writer *w, uint64_t v)
{
    pad_to(w, 8);
    put_raw(w, &v, 8);
}

void dbus_put_i64(struct dbus_writer *w, int64_t v)
{
    dbus_put_u64(w, (uint64_t)v);
}

void dbus_put_double(struct dbus_writer *w, double v)
{
    pad_to(w, 8);
    put_raw(w, &v, 8);
}

void dbus_put_string(struct dbus_writer *w, const char *s)
{
    size_t len = strlen(s);
    dbus_put_u32(w, (uint32_t)len);
    put_raw(w, s, len + 1);
}

void dbus_put_signature(struct dbus_writer *w, const char *sig)
{
    size_t len = strlen(sig);
    dbus_put_byte(w, (uint8_t)len);
    put_raw(w, sig, len + 1);
}

void dbus_put_struct_start(struct dbus_writer *w)
{
    pad_to(w, 8);
}

struct dbus_array dbus_array_begin(struct dbus_writer *w, size_t elem_align)
{
    dbus_put_u32(w, 0);
    struct dbus_array array = {.length_at = w->len - 4};
    /* The padding to the first element is not part of the array's length. */
    pad_to(w, elem_align);
    array.first = w->len;
    return array;
}

void dbus_array_end(struct dbus_writer *w, struct dbus_array array)
{
    uint32_t len = (uint32_t)(w->len - array.first);
    memcpy(w->data + array.length_at, &len, 4);
}

/* ------------------------------------------------------------------ reading */

int dbus_get_align(struct dbus_reader *r, size_t align)
{
    size_t next = (r->pos + align - 1) / align * align;
    if (next > r->len)
        return -1;
    r->pos = next;
    return 0;
}

static int get_raw(struct dbus_reader *r, size_t size, void *out)
{
    if (dbus_get_align(r, size) < 0 || r->len - r->pos < size)
        return -1;
    memcpy(out, r->data + r->pos, size);
    r->pos += size;
    return 0;
}

int dbus_get_byte(struct dbus_reader *r, uint8_t *v)
{
    return get_raw(r, 1, v);
}

int dbus_get_u32(struct dbus_reader *r, uint32_t *v)
{
    if (get_raw(r, 4, v) < 0)
        return -1;
    *v = r->big_endian ? be32toh(*v) : le32toh(*v);
    return 0;
}

int dbus_get_u64(struct dbus_reader *r, uint64_t *v)
{
    if (get_raw(r, 8, v) < 0)
        return -1;
    *v = r->big_endian ? be64toh(*v) : le64toh(*v);
    return 0;
}

static int get_text(struct dbus_reader *r, size_t len, const char **s)
{
    if (r->len - r->pos < len + 1 || r->data[r->pos + len] != '\0' ||
        memchr(r->data + r->pos, '\0', len))
        return -1;
    *s = (const char *)r->data + r->pos;
    r->pos += len + 1;
    return 0;
}

int dbus_get_string(struct dbus_reader *r, const char **s)
{
    uint32_t len;
    return dbus_get_u32(r, &len) < 0 ? -1 : get_text(r, len, s);
}

int dbus_get_signature(struct dbus_reader *r, const char **s)
{
    uint8_t len;
    return dbus_get_byte(r, &len) < 0 ? -1 : get_text(r, len, s);
}

/* ------------------------------------------------------------------ messages */

static void put_field(struct dbus_writer *w, uint8_t code, const char *type, const char *value)
{
    if (!value || !*value)
        return;
    dbus_put_struct_start(w);
    dbus_put_byte(w, code);
    dbus_put_signature(w, type);
    if (strcmp(type, "g") == 0)
        dbus_put_signature(w, value);
    else
        dbus_put_string(w, value);
}

void dbus_marshal_call(const struct dbus_call *call, uint32_t serial, struct dbus_writer *out)
{
    static const uint8_t zeros[8];
    size_t body_len = call->body ? call->body->len : 0;
    uint32_t body_len32 = (uint32_t)body_len;

    /* Native byte order, as sd-bus does; the reader handles either. */
    dbus_put_byte(out, __BYTE_ORDER == __LITTLE_ENDIAN ? 'l' : 'B');
    dbus_put_byte(out, DBUS_METHOD_CALL);
    dbus_put_byte(out, 0);
    dbus_put_byte(out, 1);
    dbus_put_u32(out, body_len32);
    dbus_put_u32(out, serial);
    struct dbus_array fields = dbus_array_begin(out, 8);
    put_field(out, FIELD_PATH, "o", call->path);
    put_field(out, FIELD_INTERFACE, "s", call->interface);
    put_field(out, FIELD_MEMBER, "s", call->member);
    put_field(out, FIELD_DESTINATION, "s", call->destination);
    put_field(out, FIELD_SIGNATURE, "g", call->signature);
    dbus_array_end(out, fields);
    /* The body starts 8-aligned. */
    if (out->len % 8)
        put_raw(out, zeros, 8 - out->len % 8);
    if (body_len)
        put_raw(out, call->body->data, body_len);
}

static uint32_t header_u32(const uint8_t *data, size_t offset)
{
    uint32_t v;
    memcpy(&v, data + offset, 4);
    return data[0] == 'B' ? be32toh(v) : le32toh(v);
}

long dbus_message_size(const uint8_t *data, size_t len)
{
    if (len < 16)
        return 0;
    if ((data[0] != 'l' && data[0] != 'B') || data[3] != 1)
        return -1;
    uint64_t fields = header_u32(data, 12), body = header_u32(data, 4);
    uint64_t header = (16 + fields + 7) / 8 * 8;
    if (fields > MESSAGE_MAX || body > MESSAGE_MAX)
        return -1;
    return (long)(header + body);
}

/* One header field: a variant whose type must be the one the code calls for. */
static int parse_field(struct dbus_reader *r, struct dbus_message *msg)
{
    uint8_t code;
    const char *sig, *text = NULL;
    uint32_t number = 0;

    if (dbus_get_align(r, 8) < 0 || dbus_get_byte(r, &code) < 0 || dbus_get_signature(r, &sig) < 0)
        return -1;
    if (strcmp(sig, "s") == 0 || strcmp(sig, "o") == 0) {
        if (dbus_get_string(r, &text) < 0)
            return -1;
    } else if (strcmp(sig, "g") == 0) {
        if (dbus_get_signature(r, &text) < 0)
            return -1;
    } else if (strcmp(sig, "u") == 0) {
        if (dbus_get_u32(r, &number) < 0)
            return -1;
    } else {
        return -1; /* no field of ours has another type */
    }
    switch (code) {
    case FIELD_PATH:
        msg->path = text;
        break;
    case FIELD_INTERFACE:
        msg->interface = text;
        break;
    case FIELD_MEMBER:
        msg->member = text;
        break;
    case FIELD_ERROR_NAME:
        msg->error_name = text;
        break;
    case FIELD_REPLY_SERIAL:
        msg->reply_serial = number;
        break;
    case FIELD_SIGNATURE:
        msg->signature = text;
        break;
    default:
        break; /* sender, destination, unix fds: not needed */
    }
    return 0;
}

int dbus_message_parse(const uint8_t *data, size_t len, struct dbus_message *msg, struct error *err)
{
    long size = dbus_message_size(data, len);
    struct dbus_reader r = {.data = data, .len = len, .big_endian = data[0] == 'B'};
    uint32_t fields_len;

    *msg = (struct dbus_message){.signature = ""};
    if (size <= 0 || (size_t)size != len)
        return error_set(err, EPROTO, "d-bus: malformed message header");
    msg->type = data[1];
    msg->serial = header_u32(data, 8);
    r.pos = 12;
    if (dbus_get_u32(&r, &fields_len) < 0)
        return error_set(err, EPROTO, "d-bus: malformed message header");
    size_t fields_end = 16 + (size_t)fields_len;
    r.len = fields_end;
    while (r.pos < fields_end)
        if (parse_field(&r, msg) < 0)
            return error_set(err, EPROTO, "d-bus: malformed header field");
    size_t body = (fields_end + 7) / 8 * 8;
    /* The body's alignment counts from its own start (which is 8-aligned). */
    msg->body =
        (struct dbus_reader){.data = data + body, .len = len - body, .big_endian = r.big_endian};
    return 0;
}
