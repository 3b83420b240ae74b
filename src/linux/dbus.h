/* A small D-Bus client: just what the systemd cgroup driver needs to ask systemd for a
 * transient unit. The release binary is static and Debian ships no static libsystemd, and
 * linking sd-bus dynamically would put ~8 shared libraries on every container start, so
 * runc-go speaks the wire protocol itself: EXTERNAL authentication, method calls with
 * replies and errors, and the JobRemoved signal.
 *
 * dbus-wire.c marshals and unmarshals (pure, unit tested); dbus.c is the connection. */
#ifndef RUNC_GO_DBUS_H
#define RUNC_GO_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

/* ------------------------------------------------------------------ writing */

/* A growing buffer of marshalled values. Alignment is relative to its start, so a body
 * (which starts 8-aligned in a message) can be built on its own. */
struct dbus_writer {
    uint8_t *data;
    size_t len, cap;
};

void dbus_writer_free(struct dbus_writer *w);
void dbus_put_byte(struct dbus_writer *w, uint8_t v);
void dbus_put_bool(struct dbus_writer *w, bool v);
void dbus_put_i16(struct dbus_writer *w, int16_t v);
void dbus_put_u16(struct dbus_writer *w, uint16_t v);
void dbus_put_i32(struct dbus_writer *w, int32_t v);
void dbus_put_u32(struct dbus_writer *w, uint32_t v);
void dbus_put_i64(struct dbus_writer *w, int64_t v);
void dbus_put_u64(struct dbus_writer *w, uint64_t v);
void dbus_put_double(struct dbus_writer *w, double v);
void dbus_put_string(struct dbus_writer *w, const char *s); /* also object paths */
void dbus_put_signature(struct dbus_writer *w, const char *sig);
/* Structs and dict entries start 8-aligned. */
void dbus_put_struct_start(struct dbus_writer *w);
/* An array: begin returns what end needs to fill in the byte length. elem_align is
 * the alignment of the element type (8 for structs, 4 for strings and u32, 1 for bytes). */
struct dbus_array {
    size_t length_at, first; /* where the length goes; where the first element starts */
};
struct dbus_array dbus_array_begin(struct dbus_writer *w, size_t elem_align);
void dbus_array_end(struct dbus_writer *w, struct dbus_array array);

/* ------------------------------------------------------------------ reading */

struct dbus_reader {
    const uint8_t *data;
    size_t len, pos;
    bool big_endian;
};

int dbus_get_byte(struct dbus_reader *r, uint8_t *v);
int dbus_get_u32(struct dbus_reader *r, uint32_t *v);
int dbus_get_u64(struct dbus_reader *r, uint64_t *v);
/* A string, object path (both u32-length-prefixed) or, with signature, a signature
 * (byte-length-prefixed); points into the buffer, which holds the terminating NUL. */
int dbus_get_string(struct dbus_reader *r, const char **s);
int dbus_get_signature(struct dbus_reader *r, const char **s);
int dbus_get_align(struct dbus_reader *r, size_t align);

/* ------------------------------------------------------------------ messages */

enum dbus_msg_type {
    DBUS_METHOD_CALL = 1,
    DBUS_METHOD_RETURN = 2,
    DBUS_ERROR = 3,
    DBUS_SIGNAL = 4,
};

/* A method call message (header and body) ready to send. */
struct dbus_call {
    const char *destination, *path, *interface, *member;
    const char *signature; /* of the body; NULL or "" for none */
    const struct dbus_writer *body;
};
void dbus_marshal_call(const struct dbus_call *call, uint32_t serial, struct dbus_writer *out);

/* A received message; the strings and body point into the buffer it was parsed from. */
struct dbus_message {
    enum dbus_msg_type type;
    uint32_t serial, reply_serial;
    const char *path, *interface, *member, *error_name, *signature;
    struct dbus_reader body;
};

/* Size of the whole message whose first 16 bytes are at data (0: not enough bytes yet to
 * tell), or -1 when those bytes are no D-Bus header. */
long dbus_message_size(const uint8_t *data, size_t len);
/* Parses one whole message of dbus_message_size() bytes. */
int dbus_message_parse(const uint8_t *data, size_t len, struct dbus_message *msg,
                       struct error *err);

/* ------------------------------------------------------------------ connection */

struct dbus_conn;

/* Connects to systemd as root does: its private socket /run/systemd/private (no bus
 * daemon in between), else the system bus. Fails at once, with "no systemd on the bus",
 * when neither socket answers. */
int dbus_connect_systemd(struct dbus_conn **out, struct error *err);
void dbus_close(struct dbus_conn *conn);
void cleanup_dbus_conn_fn(struct dbus_conn **conn);
#define cleanup_dbus_conn __attribute__((cleanup(cleanup_dbus_conn_fn)))

/* Calls a method and waits (up to timeout_ms) for its reply. An error reply fails with
 * "NAME: message", err->errnum 0; its name is copied to error_name (when not NULL, of
 * size 128) so callers can tell e.g. NoSuchUnit. On success *reply holds the message until
 * the next call on the connection. */
int dbus_call_method(struct dbus_conn *conn, const struct dbus_call *call, int timeout_ms,
                     struct dbus_message *reply, char *error_name, struct error *err);

/* Waits for systemd's JobRemoved signal of job (an object path a method returned) and
 * copies its result ("done", "failed", "timeout", "canceled", ...) to result[32]. Signals
 * that arrived while waiting for the method's reply count too. */
int dbus_wait_job(struct dbus_conn *conn, const char *job, int timeout_ms, char *result,
                  struct error *err);

#endif
