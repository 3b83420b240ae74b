/* CRIU's RPC messages (criu_req / criu_resp of rpc.proto, as `criu swrk` speaks them) encoded
 * and decoded by hand: the release binary is static and Debian ships no static libcriu or
 * protobuf-c, so runc-go carries the few fields it uses. Pure code, unit tested
 * (tests/unit/test_criu_rpc.c); the process side is criu.c. Field numbers are rpc.proto's. */
#ifndef RUNC_GO_CRIU_RPC_H
#define RUNC_GO_CRIU_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- protobuf wire format */

enum pb_wire { PB_VARINT = 0, PB_FIXED64 = 1, PB_BYTES = 2, PB_FIXED32 = 5 };

/* A growing output buffer. */
struct pb_buf {
    uint8_t *data;
    size_t len, cap;
};

void pb_buf_free(struct pb_buf *b);
void pb_put_varint(struct pb_buf *b, uint64_t value);
void pb_put_key(struct pb_buf *b, uint32_t field, enum pb_wire wire);
/* A varint field: uint32, uint64, enum. */
void pb_put_uint(struct pb_buf *b, uint32_t field, uint64_t value);
/* int32 as protobuf encodes it: a negative value is sign-extended to ten bytes. */
void pb_put_int32(struct pb_buf *b, uint32_t field, int32_t value);
void pb_put_bool(struct pb_buf *b, uint32_t field, bool value);
void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len);
void pb_put_string(struct pb_buf *b, uint32_t field, const char *s);
/* A nested message: its encoding as a length-delimited field. */
void pb_put_message(struct pb_buf *b, uint32_t field, const struct pb_buf *message);

/* Reading: one field at a time. */
struct pb_reader {
    const uint8_t *p, *end;
};

struct pb_field {
    uint32_t number;
    enum pb_wire wire;
    uint64_t value;      /* PB_VARINT, PB_FIXED32, PB_FIXED64 */
    const uint8_t *data; /* PB_BYTES */
    size_t len;
};

/* 1: *field filled; 0: end of the message; -1: malformed (truncated, bad wire type, a varint
 * of more than ten bytes, field number 0). */
int pb_next(struct pb_reader *r, struct pb_field *field);

/* ------------------------------------------------------------------ criu_req / criu_resp */

enum criu_req_type {
    CRIU_REQ_EMPTY = 0,
    CRIU_REQ_DUMP = 1,
    CRIU_REQ_RESTORE = 2,
    CRIU_REQ_CHECK = 3,
    CRIU_REQ_PRE_DUMP = 4,
    CRIU_REQ_PAGE_SERVER = 5,
    CRIU_REQ_NOTIFY = 6,
    CRIU_REQ_FEATURE_CHECK = 9,
    CRIU_REQ_VERSION = 10,
};

/* criu_cg_mode; CRIU_CG_UNSET: the field is not sent (CRIU's default, soft). */
enum criu_cg_mode {
    CRIU_CG_UNSET = -1,
    CRIU_CG_IGNORE = 0,
    CRIU_CG_NONE = 1,
    CRIU_CG_PROPS = 2,
    CRIU_CG_SOFT = 3,
    CRIU_CG_FULL = 4,
    CRIU_CG_STRICT = 5,
    CRIU_CG_DEFAULT = 6,
};

struct criu_key_value {
    const char *key, *value;
};

struct criu_inherit_fd {
    const char *key;
    int fd; /* the fd number in CRIU's process */
};

/* criu_opts. Booleans are sent only when true, strings only when not NULL, fds only when
 * >= 0: what is not sent is CRIU's default. */
struct criu_opts {
    int images_dir_fd; /* required by rpc.proto; -1 where the request needs none */
    int pid;           /* 0: not sent */
    bool leave_running, ext_unix_sk, tcp_established, evasive_devices, shell_job, file_locks;
    int log_level; /* 0: not sent (CRIU's 2) */
    const char *log_file;
    const char *page_server_address; /* with page_server_port: criu_page_server_info */
    int page_server_port;
    bool notify_scripts;
    const char *root;
    const char *parent_img;
    bool track_mem, auto_dedup;
    int work_dir_fd;
    bool manage_cgroups;
    enum criu_cg_mode manage_cgroups_mode;
    bool rst_sibling;
    const struct criu_key_value *ext_mnt; /* ext_mount_map: key, val */
    size_t ext_mnt_count;
    const struct criu_key_value *cg_root; /* cgroup_root: ctrl (NULL: none), path */
    size_t cg_root_count;
    const struct criu_inherit_fd *inherit_fd;
    size_t inherit_fd_count;
    const char *const *external;
    size_t external_count;
    uint32_t empty_ns;                    /* CLONE_NEW* mask; 0: not sent */
    const struct criu_key_value *join_ns; /* join_namespace: ns, ns_file */
    size_t join_ns_count;
    const char *freeze_cgroup;
    bool lazy_pages;
    int status_fd; /* -1: not sent */
    bool orphan_pts_master;
    const char *config_file;
    const char *lsm_profile;
    const char *lsm_mount_context;
};

/* Every fd field -1, everything else unset. */
void criu_opts_init(struct criu_opts *opts);

struct criu_request {
    enum criu_req_type type;
    const struct criu_opts *opts; /* NULL: none (VERSION, FEATURE_CHECK, NOTIFY answers) */
    bool notify_success;          /* the answer to a notification */
    bool keep_open;
    bool features; /* FEATURE_CHECK: ask for the two below */
    bool feature_mem_track, feature_lazy_pages;
};

void criu_request_encode(const struct criu_request *req, struct pb_buf *out);

struct criu_response {
    enum criu_req_type type;
    bool success;
    int cr_errno;
    char *cr_errmsg; /* NULL when absent */
    /* notify */
    bool has_notify;
    char *notify_script;
    int notify_pid;
    /* restore */
    int restore_pid;
    /* dump */
    bool dump_restored;
    /* version */
    bool has_version;
    int version_major, version_minor, version_sublevel;
    char *version_gitid;
    /* feature check: whether each was reported, and its value */
    bool has_mem_track, mem_track, has_lazy_pages, lazy_pages;
};

/* Decodes a criu_resp; unknown fields are skipped. Returns -1 on a malformed message or when
 * a required field (type, success) is missing. */
int criu_response_decode(const uint8_t *data, size_t len, struct criu_response *resp);
void criu_response_free(struct criu_response *resp);

/* CRIU's version as one number, major * 10000 + minor * 100 + sublevel (31701 for 3.17.1),
 * as runc compares them. */
int criu_version_number(const struct criu_response *resp);

#endif
