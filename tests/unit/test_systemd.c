/* The systemd driver's pure parts: runc's slice:prefix:name rules, slice expansion, the
 * org.systemd.property.* value parser, AllowedCPUs masks, and the D-Bus wire format (a
 * call marshalled and parsed back, with the spec's alignment rules checked byte by byte).
 * Talking to a real systemd is tests/vm/systemd-cgroup.sh's job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "linux/dbus.h"
#include "linux/systemd-unit.h"
#include "testlib.h"

static void unit_case(const char *path, const char *want_name, const char *want_slice,
                      const char *want_dir)
{
    char test[160];
    struct systemd_unit u;
    struct error err = {0};

    snprintf(test, sizeof test, "unit/%s", *path ? path : "(empty)");
    if (systemd_unit_from_path(path, "ID", &u, &err) < 0) {
        test_fail(test, "error: %s", err.msg);
        return;
    }
    if (strcmp(u.name, want_name) != 0 || strcmp(u.slice, want_slice) != 0 ||
        strcmp(u.dir, want_dir) != 0)
        test_fail(test, "got %s in %s at %s, expected %s in %s at %s", u.name, u.slice, u.dir,
                  want_name, want_slice, want_dir);
    else
        test_pass(test);
    systemd_unit_free(&u);
}

static void unit_error(const char *path, const char *want)
{
    char test[160];
    struct systemd_unit u;
    struct error err = {0};

    snprintf(test, sizeof test, "unit-error/%s", path);
    if (systemd_unit_from_path(path, "ID", &u, &err) == 0) {
        test_fail(test, "accepted as %s", u.name);
        systemd_unit_free(&u);
    } else if (!strstr(err.msg, want) || !strstr(err.msg, "linux.cgroupsPath")) {
        test_fail(test, "message \"%s\" lacks \"%s\"", err.msg, want);
    } else {
        test_pass(test);
    }
}

static void units(void)
{
    unit_case("system.slice:docker:abc", "docker-abc.scope", "system.slice",
              "/system.slice/docker-abc.scope");
    unit_case("", "runc-go-ID.scope", "system.slice", "/system.slice/runc-go-ID.scope");
    unit_case(":runc-go:x", "runc-go-x.scope", "system.slice", "/system.slice/runc-go-x.scope");
    unit_case("a-b-c.slice:p:n", "p-n.scope", "a-b-c.slice",
              "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
    unit_case("system.slice::n", "n.scope", "system.slice", "/system.slice/n.scope");
    unit_case("-.slice:p:n", "p-n.scope", "-.slice", "/p-n.scope");
    unit_case("system.slice:p:machine-x.slice", "machine-x.slice", "system.slice",
              "/machine.slice/machine-x.slice");
    unit_error("a:b", "expected \"slice:prefix:name\"");
    unit_error("a:b:c:d", "expected \"slice:prefix:name\"");
    unit_error("system.slice:p:", "the name part is empty");
    unit_error("system:p:n", "invalid slice name system");
    unit_error("-a.slice:p:n", "empty part between dashes");
    unit_error("a--b.slice:p:n", "empty part between dashes");
    unit_error("a-.slice:p:n", "empty part between dashes");
    unit_error("a/b.slice:p:n", "without '/'");
    unit_error("system.slice:p:a/b", "may only hold");
    unit_error("system.slice:p q:n", "may only hold");
}

static void property_case(const char *name, const char *value, const char *want_name,
                          char want_type, const char *want_value)
{
    char test[200], got[256] = "";
    struct systemd_property p;
    struct error err = {0};

    snprintf(test, sizeof test, "property/%s=%s", name, value);
    for (char *c = test; *c; c++)
        if (*c == ' ')
            *c = '_';
    if (systemd_property_parse(name, value, &p, &err) < 0) {
        test_fail(test, "error: %s", err.msg);
        return;
    }
    switch (p.type) {
    case 't':
        snprintf(got, sizeof got, "%llu", (unsigned long long)p.v.u);
        break;
    case 'b':
        snprintf(got, sizeof got, "%s", p.v.b ? "true" : "false");
        break;
    case 'd':
        snprintf(got, sizeof got, "%g", p.v.d);
        break;
    case 's':
    case 'o':
        snprintf(got, sizeof got, "%s", p.strings[0]);
        break;
    case 'a':
        for (size_t i = 0; i < p.strings_count; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "," : "",
                     p.strings[i]);
        break;
    default:
        snprintf(got, sizeof got, "%lld", (long long)p.v.i);
        break;
    }
    if (strcmp(p.name, want_name) != 0 || p.type != want_type || strcmp(got, want_value) != 0)
        test_fail(test, "got %s %c %s, expected %s %c %s", p.name, p.type, got, want_name,
                  want_type, want_value);
    else
        test_pass(test);
    systemd_property_free(&p);
}

static void property_error(const char *name, const char *value, const char *want)
{
    char test[200];
    struct systemd_property p;
    struct error err = {0};

    snprintf(test, sizeof test, "property-error/%s=%s", name, value);
    for (char *c = test; *c; c++)
        if (*c == ' ')
            *c = '_';
    if (systemd_property_parse(name, value, &p, &err) == 0) {
        test_fail(test, "accepted as type %c", p.type);
        systemd_property_free(&p);
    } else if (!strstr(err.msg, want) || !strstr(err.msg, name)) {
        test_fail(test, "message \"%s\" lacks \"%s\" or the name", err.msg, want);
    } else {
        test_pass(test);
    }
}

static void properties(void)
{
    property_case("CollectMode", "'inactive-or-failed'", "CollectMode", 's', "inactive-or-failed");
    property_case("CollectMode", "\"it's\"", "CollectMode", 's', "it's");
    property_case("TimeoutStopUSec", "uint64 123456789", "TimeoutStopUSec", 't', "123456789");
    property_case("TimeoutStopUSec", "@t 5", "TimeoutStopUSec", 't', "5");
    property_case("TimeoutStopSec", "5", "TimeoutStopUSec", 't', "5000000");
    property_case("TimeoutStopSec", "1.5", "TimeoutStopUSec", 't', "1500000");
    property_case("TimeoutStopSec", "uint32 2", "TimeoutStopUSec", 't', "2000000");
    property_case("RuntimeMaxUSec", "7", "RuntimeMaxUSec", 'i', "7"); /* "USec": no conversion */
    property_case("Delegate", "true", "Delegate", 'b', "true");
    property_case("IgnoreSIGPIPE", "false", "IgnoreSIGPIPE", 'b', "false");
    property_case("Nice", "int32 -5", "Nice", 'i', "-5");
    property_case("Nice", "-5", "Nice", 'i', "-5");
    property_case("Weight", "@q 100", "Weight", 'q', "100");
    property_case("Ratio", "0.25", "Ratio", 'd', "0.25");
    property_case("After", "['a.service', \"b.service\"]", "After", 'a', "a.service,b.service");
    property_case("After", "@as []", "After", 'a', "");
    property_error("Foo", "bar", "unsupported value bar");
    property_error("Foo", "'open", "unsupported value");
    property_error("Foo", "uint64 -1", "unsupported value");
    property_error("Foo", "byte 256", "unsupported value");
    property_error("Foo", "int32 3000000000", "unsupported value");
    property_error("Foo", "[1, 2]", "unsupported value");
    property_error("Foo", "{'a': 1}", "unsupported value");
    property_error("Foo", "uint64 'x'", "unsupported value");
    property_error("TimeoutStopSec", "'soon'", "expected a number of seconds");
    property_error("TimeoutStopSec", "-1", "expected a number of seconds");
    property_error("lower", "1", "invalid property name");
    property_error("Bad.Name", "1", "invalid property name");
}

static void cpuset_case(const char *list, const char *want_hex)
{
    char test[100], got[64] = "";
    uint8_t *mask = NULL;
    size_t len = 0;

    snprintf(test, sizeof test, "cpuset/%s", list);
    if (systemd_cpuset_mask(list, &mask, &len) < 0) {
        if (want_hex)
            test_fail(test, "refused");
        else
            test_pass(test);
        free(mask);
        return;
    }
    for (size_t i = 0; i < len && 2 * i + 2 < sizeof got; i++)
        snprintf(got + 2 * i, 3, "%02x", mask[i]);
    if (!want_hex || strcmp(got, want_hex) != 0)
        test_fail(test, "mask %s, expected %s", got, want_hex ? want_hex : "an error");
    else
        test_pass(test);
    free(mask);
}

static void cpusets(void)
{
    cpuset_case("0", "01");
    cpuset_case("0-1", "03");
    cpuset_case("1,3", "0a");
    cpuset_case("0-3,8", "0f01");
    cpuset_case("9", "0002");
    cpuset_case("3-1", NULL);
    cpuset_case("x", NULL);
    cpuset_case("1-", NULL);
}

/* A call with a body of every kind the driver sends, marshalled and read back. */
static void wire(void)
{
    struct dbus_writer body = {0}, msg = {0};
    struct dbus_message parsed;
    struct error err = {0};

    dbus_put_string(&body, "u.scope");
    dbus_put_bool(&body, true);
    struct dbus_array props = dbus_array_begin(&body, 8);
    dbus_put_struct_start(&body);
    dbus_put_string(&body, "MemoryMax");
    dbus_put_signature(&body, "t");
    dbus_put_u64(&body, 67108864);
    dbus_array_end(&body, props);
    /* "u.scope": 4 + 8 bytes; bool at 12; array length at 16, its first struct at 24 */
    uint32_t array_len;
    memcpy(&array_len, body.data + 16, 4);
    /* struct: name 4+9+1 = 14 -> 38, signature 1+1+1 -> 41, pad to 48, u64 -> 56 */
    if (body.len != 56 || array_len != 32)
        test_fail("wire/body-layout", "length %zu (expected 56), array length %u (expected 32)",
                  body.len, array_len);
    else
        test_pass("wire/body-layout");

    struct dbus_call call = {
        .destination = "org.freedesktop.systemd1",
        .path = "/org/freedesktop/systemd1",
        .interface = "org.freedesktop.systemd1.Manager",
        .member = "SetUnitProperties",
        .signature = "sba(sv)",
        .body = &body,
    };
    dbus_marshal_call(&call, 7, &msg);
    long size = dbus_message_size(msg.data, msg.len);
    if (size != (long)msg.len || dbus_message_parse(msg.data, msg.len, &parsed, &err) < 0) {
        test_fail("wire/round-trip", "size %ld of %zu: %s", size, msg.len, err.msg);
    } else {
        const char *name;
        uint32_t flag;
        if (parsed.type != DBUS_METHOD_CALL || parsed.serial != 7 ||
            strcmp(parsed.member, "SetUnitProperties") != 0 ||
            strcmp(parsed.path, "/org/freedesktop/systemd1") != 0 ||
            strcmp(parsed.signature, "sba(sv)") != 0 || parsed.body.len != body.len ||
            dbus_get_string(&parsed.body, &name) < 0 || strcmp(name, "u.scope") != 0 ||
            dbus_get_u32(&parsed.body, &flag) < 0 || flag != 1)
            test_fail("wire/round-trip", "fields differ after parsing");
        else
            test_pass("wire/round-trip");
    }
    if (msg.len % 8 != 0 && (msg.len - body.len) % 8 != 0)
        test_fail("wire/body-aligned", "body starts at %zu", msg.len - body.len);
    else
        test_pass("wire/body-aligned");
    /* Not D-Bus at all, and a header claiming more than 128 MiB: refused, not read. */
    uint8_t junk[16] = "GET / HTTP/1.1\r";
    uint8_t huge[16] = {'l', 2, 0, 1, 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0};
    if (dbus_message_size(junk, sizeof junk) != -1 || dbus_message_size(huge, sizeof huge) != -1)
        test_fail("wire/refuses-junk", "accepted a bad header");
    else
        test_pass("wire/refuses-junk");
    /* A truncated message: "need more", never a read past the end. */
    if (dbus_message_size(msg.data, 10) != 0)
        test_fail("wire/short-read", "a 10-byte prefix was not \"need more\"");
    else
        test_pass("wire/short-read");
    dbus_writer_free(&body);
    dbus_writer_free(&msg);
}

int main(void)
{
    units();
    properties();
    cpusets();
    wire();
    return test_exit_code();
}
