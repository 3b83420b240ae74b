/* Capability names from config.json: which are errors, which are ignored with a warning (a
 * capability libcap knows but an older kernel doesn't), and the error's wording. No root needed:
 * nothing is applied. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "linux/caps.h"
#include "testlib.h"

static void check_class(const char *name, unsigned int kernel_caps, enum caps_name_class want,
                        int want_value)
{
    char test[128];
    int value = -1;
    enum caps_name_class got = caps_classify(name, kernel_caps, &value);

    snprintf(test, sizeof test, "classify/%s/kernel-%u", *name ? name : "(empty)", kernel_caps);
    for (char *p = test; *p; p++)
        if (*p == ' ')
            *p = '_';
    if (got != want)
        test_fail(test, "class %d, expected %d", got, want);
    else if (want != CAPS_NAME_UNKNOWN && value != want_value)
        test_fail(test, "value %d, expected %d", value, want_value);
    else
        test_pass(test);
}

static void classify(void)
{
    /* a kernel with every capability up to CAP_CHECKPOINT_RESTORE (40) */
    check_class("CAP_CHOWN", 41, CAPS_NAME_KNOWN, 0);
    check_class("CAP_KILL", 41, CAPS_NAME_KNOWN, 5);
    check_class("CAP_SYS_ADMIN", 41, CAPS_NAME_KNOWN, 21);
    check_class("CAP_CHECKPOINT_RESTORE", 41, CAPS_NAME_KNOWN, 40);
    /* the same names on a 5.4 kernel (CAP_AUDIT_READ, 37, is its last): libcap knows the
     * newer ones, the kernel doesn't: runc warns and ignores them */
    check_class("CAP_AUDIT_READ", 38, CAPS_NAME_KNOWN, 37);
    check_class("CAP_PERFMON", 38, CAPS_NAME_UNSUPPORTED, 38);
    check_class("CAP_BPF", 38, CAPS_NAME_UNSUPPORTED, 39);
    check_class("CAP_CHECKPOINT_RESTORE", 38, CAPS_NAME_UNSUPPORTED, 40);
    /* not capabilities at all: config errors */
    check_class("CAP_FOO", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("KILL", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_40", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_KILL ", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_KILL,CAP_CHOWN", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_KILL=ep", 41, CAPS_NAME_UNKNOWN, 0);
    /* runc matches the upper-case spelling only: a lower-case name grants nothing there */
    check_class("cap_kill", 41, CAPS_NAME_UNKNOWN, 0);
    check_class("CAP_Kill", 41, CAPS_NAME_UNKNOWN, 0);
}

static void check_error(const char *test, struct spec_capabilities *caps, const char *want)
{
    struct error err = {0};
    int result = caps_check(caps, &err);

    if (want == NULL && result != 0)
        test_fail(test, "unexpected error: %s", err.msg);
    else if (want != NULL && result == 0)
        test_fail(test, "accepted, expected: %s", want);
    else if (want != NULL && !test_message_matches(err.msg, want))
        test_fail(test, "message '%s', expected '%s'", err.msg, want);
    else if (want != NULL && err.errnum != 0)
        test_fail(test, "errno %d would add a strerror suffix to the message", err.errnum);
    else
        test_pass(test);
}

static void check_names(void)
{
    char *good[] = {"CAP_KILL", "CAP_CHOWN", "CAP_NET_BIND_SERVICE"};
    char *bad[] = {"CAP_KILL", "CAP_CHOWN", "CAP_FOO"};
    char *lower[] = {"cap_kill"};
    struct spec_capabilities caps = {.present = true};

    caps.bounding = good;
    caps.bounding_count = 3;
    check_error("check/known-names", &caps, NULL);
    caps.bounding = bad;
    check_error("check/unknown-bounding-entry", &caps,
                "config.json: process.capabilities.bounding[2]: unknown capability \"CAP_FOO\"");
    caps.bounding = good;
    caps.ambient = lower;
    caps.ambient_count = 1;
    check_error("check/lower-case-ambient-entry", &caps,
                "config.json: process.capabilities.ambient[0]: unknown capability \"cap_kill\"");
    check_error("check/empty-sets", &(struct spec_capabilities){.present = true}, NULL);
    check_error("check/absent", &(struct spec_capabilities){0}, NULL);
}

int main(void)
{
    classify();
    check_names();
    return test_exit_code();
}
