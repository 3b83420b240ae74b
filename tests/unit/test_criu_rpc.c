/* Unit tests of the hand-written protobuf codec for CRIU's RPC (src/linux/criu-rpc.c): the
 * wire format (varints, negative int32, length-delimited and nested fields), criu_req as
 * rpc.proto numbers its fields, criu_resp decoding (notify, restore, version, features,
 * errors), malformed input; and the CRIU log reader. No CRIU, no root. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/criu-rpc.h"
#include "linux/criu.h"
#include "testlib.h"

static void check_bytes(const char *name, const struct pb_buf *b, const uint8_t *want,
                        size_t want_len)
{
    char got[256] = "";

    if (b->len == want_len && memcmp(b->data, want, want_len) == 0) {
        test_pass(name);
        return;
    }
    for (size_t i = 0; i < b->len && i < 60; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%02x ", b->data[i]);
    test_fail(name, "got %zu bytes: %s", b->len, got);
}

static void test_varints(void)
{
    static const struct {
        const char *name;
        uint64_t value;
        uint8_t bytes[10];
        size_t len;
    } cases[] = {
        {"varint/0", 0, {0x00}, 1},
        {"varint/1", 1, {0x01}, 1},
        {"varint/127", 127, {0x7f}, 1},
        {"varint/128", 128, {0x80, 0x01}, 2},
        {"varint/300", 300, {0xac, 0x02}, 2},
        {"varint/max",
         UINT64_MAX,
         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
         10},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pb_buf b = {0};
        pb_put_varint(&b, cases[i].value);
        check_bytes(cases[i].name, &b, cases[i].bytes, cases[i].len);
        pb_buf_free(&b);
    }
}

static void test_fields(void)
{
    struct pb_buf b = {0}, inner = {0};
    static const uint8_t minus_one[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t string[] = {0x52, 0x03, 'a', 'b', 'c'};
    static const uint8_t nested[] = {0x12, 0x04, 0x0a, 0x02, 'h', 'i'};
    static const uint8_t version_req[] = {0x08, 0x0a};

    pb_put_int32(&b, 1, -1);
    check_bytes("int32/minus_one_is_ten_bytes", &b, minus_one, sizeof minus_one);
    pb_buf_free(&b);
    pb_put_string(&b, 10, "abc");
    check_bytes("string/field_10", &b, string, sizeof string);
    pb_buf_free(&b);
    pb_put_string(&inner, 1, "hi");
    pb_put_message(&b, 2, &inner);
    check_bytes("message/nested", &b, nested, sizeof nested);
    pb_buf_free(&b);
    pb_buf_free(&inner);
    criu_request_encode(&(struct criu_request){.type = CRIU_REQ_VERSION}, &b);
    check_bytes("request/version", &b, version_req, sizeof version_req);
    pb_buf_free(&b);
}

/* Finds the first field number n of a message; returns whether it is there. */
static bool find_field(const uint8_t *data, size_t len, uint32_t n, struct pb_field *out)
{
    struct pb_reader r = {data, data + len};
    struct pb_field f;

    while (pb_next(&r, &f) > 0)
        if (f.number == n) {
            *out = f;
            return true;
        }
    return false;
}

static size_t count_field(const uint8_t *data, size_t len, uint32_t n)
{
    struct pb_reader r = {data, data + len};
    struct pb_field f;
    size_t count = 0;

    while (pb_next(&r, &f) > 0)
        count += f.number == n;
    return count;
}

static void test_dump_request(void)
{
    struct criu_key_value mounts[] = {{"/data", "/data"}, {"/dev/null", "/dev/null"}};
    struct criu_inherit_fd inherit[] = {{"pipe:[77]", 1}};
    const char *external[] = {"net[4026531992]:extRootNetNS"};
    struct criu_opts opts;
    struct criu_request req = {.type = CRIU_REQ_DUMP, .opts = &opts};
    struct pb_buf b = {0};
    struct pb_field f, g;
    const uint8_t *o;
    size_t olen;

    criu_opts_init(&opts);
    opts.images_dir_fd = 5;
    opts.pid = 4242;
    opts.log_level = 4;
    opts.log_file = "dump.log";
    opts.leave_running = true;
    opts.manage_cgroups_mode = CRIU_CG_SOFT;
    opts.ext_mnt = mounts;
    opts.ext_mnt_count = 2;
    opts.inherit_fd = inherit;
    opts.inherit_fd_count = 1;
    opts.external = external;
    opts.external_count = 1;
    opts.empty_ns = 0x40000000;
    criu_request_encode(&req, &b);
    if (!find_field(b.data, b.len, 1, &f) || f.value != CRIU_REQ_DUMP)
        test_fail("dump/type", "type field missing or wrong");
    else
        test_pass("dump/type");
    if (!find_field(b.data, b.len, 2, &f) || f.wire != PB_BYTES) {
        test_fail("dump/opts", "opts missing");
        pb_buf_free(&b);
        return;
    }
    o = f.data;
    olen = f.len;
    if (find_field(o, olen, 1, &g) && g.value == 5 && find_field(o, olen, 2, &g) &&
        g.value == 4242 && find_field(o, olen, 9, &g) && g.value == 4)
        test_pass("dump/ints");
    else
        test_fail("dump/ints", "images_dir_fd, pid or log_level wrong");
    if (find_field(o, olen, 10, &g) && g.len == 8 && memcmp(g.data, "dump.log", 8) == 0)
        test_pass("dump/log_file");
    else
        test_fail("dump/log_file", "log_file wrong");
    if (find_field(o, olen, 3, &g) && g.value == 1 && !find_field(o, olen, 4, &g) &&
        !find_field(o, olen, 17, &g) && !find_field(o, olen, 49, &g))
        test_pass("dump/only_set_fields");
    else
        test_fail("dump/only_set_fields", "leave_running missing or unset fields sent");
    if (find_field(o, olen, 34, &g) && g.value == CRIU_CG_SOFT && find_field(o, olen, 38, &g) &&
        g.value == 0x40000000)
        test_pass("dump/cg_mode_empty_ns");
    else
        test_fail("dump/cg_mode_empty_ns", "manage_cgroups_mode or empty_ns wrong");
    if (count_field(o, olen, 23) == 2 && find_field(o, olen, 23, &g) &&
        find_field(g.data, g.len, 1, &f) && f.len == 5 && memcmp(f.data, "/data", 5) == 0)
        test_pass("dump/ext_mnt");
    else
        test_fail("dump/ext_mnt", "ext_mnt entries wrong");
    if (find_field(o, olen, 27, &g) && find_field(g.data, g.len, 2, &f) && f.value == 1 &&
        find_field(o, olen, 37, &g) && g.len == strlen(external[0]))
        test_pass("dump/inherit_fd_external");
    else
        test_fail("dump/inherit_fd_external", "inherit_fd or external wrong");
    pb_buf_free(&b);
}

static void test_responses(void)
{
    struct pb_buf b = {0}, notify = {0}, version = {0};
    struct criu_response resp;

    /* criu_resp {type: NOTIFY, success: true, notify {script: "post-restore", pid: 1234}} */
    pb_put_uint(&b, 1, CRIU_REQ_NOTIFY);
    pb_put_bool(&b, 2, true);
    pb_put_string(&notify, 1, "post-restore");
    pb_put_int32(&notify, 2, 1234);
    pb_put_message(&b, 5, &notify);
    pb_put_uint(&b, 99, 7); /* unknown field: skipped */
    if (criu_response_decode(b.data, b.len, &resp) == 0 && resp.type == CRIU_REQ_NOTIFY &&
        resp.success && resp.has_notify && resp.notify_script &&
        strcmp(resp.notify_script, "post-restore") == 0 && resp.notify_pid == 1234)
        test_pass("response/notify");
    else
        test_fail("response/notify", "not decoded as sent");
    criu_response_free(&resp);
    pb_buf_free(&b);

    pb_put_uint(&b, 1, CRIU_REQ_VERSION);
    pb_put_bool(&b, 2, true);
    pb_put_int32(&version, 1, 3);
    pb_put_int32(&version, 2, 17);
    pb_put_int32(&version, 4, 1);
    pb_put_message(&b, 10, &version);
    if (criu_response_decode(b.data, b.len, &resp) == 0 && resp.has_version &&
        criu_version_number(&resp) == 31701)
        test_pass("response/version");
    else
        test_fail("response/version", "expected 31701, got %d", criu_version_number(&resp));
    criu_response_free(&resp);
    pb_buf_free(&b);

    /* a failed dump: success false, cr_errno, cr_errmsg */
    pb_put_uint(&b, 1, CRIU_REQ_DUMP);
    pb_put_bool(&b, 2, false);
    pb_put_int32(&b, 7, 11);
    pb_put_string(&b, 9, "Connected TCP socket");
    if (criu_response_decode(b.data, b.len, &resp) == 0 && !resp.success && resp.cr_errno == 11 &&
        resp.cr_errmsg && strcmp(resp.cr_errmsg, "Connected TCP socket") == 0)
        test_pass("response/failure");
    else
        test_fail("response/failure", "not decoded as sent");
    criu_response_free(&resp);
    pb_buf_free(&b);

    /* restore {pid: 99}, features {lazy_pages: false} */
    pb_put_uint(&b, 1, CRIU_REQ_RESTORE);
    pb_put_bool(&b, 2, true);
    pb_put_message(&b, 4, &(struct pb_buf){(uint8_t[]){0x08, 99}, 2, 2});
    pb_put_message(&b, 8, &(struct pb_buf){(uint8_t[]){0x10, 0x00}, 2, 2});
    if (criu_response_decode(b.data, b.len, &resp) == 0 && resp.restore_pid == 99 &&
        resp.has_lazy_pages && !resp.lazy_pages && !resp.has_mem_track)
        test_pass("response/restore_features");
    else
        test_fail("response/restore_features", "not decoded as sent");
    criu_response_free(&resp);
    pb_buf_free(&b);
    pb_buf_free(&notify);
    pb_buf_free(&version);
}

static void test_malformed(void)
{
    static const struct {
        const char *name;
        uint8_t bytes[12];
        size_t len;
    } cases[] = {
        {"malformed/truncated_varint", {0x08, 0x80}, 2},
        {"malformed/group_wire_type", {0x0b, 0x00}, 2},
        {"malformed/length_past_end", {0x4a, 0x05, 'a'}, 3},
        {"malformed/field_zero", {0x00, 0x01}, 2},
        {"malformed/no_success", {0x08, 0x01}, 2},
        {"malformed/bad_nested", {0x08, 0x06, 0x10, 0x01, 0x2a, 0x02, 0x0a, 0x05}, 8},
        {"malformed/varint_too_long",
         {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
         12},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct criu_response resp;
        if (criu_response_decode(cases[i].bytes, cases[i].len, &resp) < 0)
            test_pass(cases[i].name);
        else {
            test_fail(cases[i].name, "decoded");
            criu_response_free(&resp);
        }
    }
}

static void test_log_first_error(void)
{
    char path[] = "/tmp/test_criu_log.XXXXXX";
    int fd = mkstemp(path);
    static const char log[] = "(00.000100) Version: 3.17.1\n"
                              "(00.002000) Warn  (criu/kerndat.c:1): something\n"
                              "(00.003000) Error (criu/sk-inet.c:188): inet: Connected TCP socket, "
                              "consider using --tcp-established option.\n"
                              "(00.004000) Error (criu/cr-dump.c:2): Dumping FAILED.\n";
    char *first;

    if (fd < 0 || write(fd, log, sizeof log - 1) != (ssize_t)(sizeof log - 1)) {
        test_skip("log/first_error", "cannot write a temporary file");
        return;
    }
    close(fd);
    first = criu_log_first_error(path);
    if (first && strcmp(first, "Error (criu/sk-inet.c:188): inet: Connected TCP socket, consider "
                               "using --tcp-established option.") == 0)
        test_pass("log/first_error");
    else
        test_fail("log/first_error", "got '%s'", first ? first : "(null)");
    free(first);
    unlink(path);
    first = criu_log_first_error("/nonexistent/dump.log");
    if (!first)
        test_pass("log/missing_file");
    else
        test_fail("log/missing_file", "got '%s'", first);
    free(first);
}

int main(void)
{
    test_varints();
    test_fields();
    test_dump_request();
    test_responses();
    test_malformed();
    test_log_first_error();
    return test_exit_code();
}
