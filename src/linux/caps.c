#include "caps.h"

#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "../log.h"
#include "../util.h"

/* Looks a name up. Returns 1 when known to this kernel, 0 when libcap knows it but the
 * kernel doesn't (runc warns and ignores those), -1 when unknown. */
static int cap_lookup(const char *name, cap_value_t *value)
{
    cleanup_free char *lower = xstrdup(name);
    for (char *p = lower; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    if (!str_has_prefix(lower, "cap_") || cap_from_name(lower, value) < 0)
        return -1;
    return *value <= (cap_value_t)cap_max_bits() - 1 ? 1 : 0;
}

/* Fills want[] (indexed by cap value) from a list; errors name the entry. */
static int cap_set_from_list(char **names, size_t count, const char *field, bool *want,
                             struct error *err)
{
    for (size_t i = 0; i < count; i++) {
        cap_value_t value;
        int known = cap_lookup(names[i], &value);
        if (known < 0)
            return error_set(err, EINVAL, "config.json: process.capabilities.%s[%zu]: unknown "
                             "capability \"%s\"", field, i, names[i]);
        if (known == 0) {
            log_warn("ignoring capability %s: not supported by this kernel", names[i]);
            continue;
        }
        want[value] = true;
    }
    return 0;
}

int caps_prepare(const struct spec_capabilities *caps, struct error *err)
{
    bool bounding[CAP_LAST_CAP + 64] = {false};
    int last = (int)cap_max_bits();

    if (!caps->present)
        return 0;
    if (cap_set_from_list(caps->bounding, caps->bounding_count, "bounding", bounding, err) < 0)
        return -1;
    for (int cap = 0; cap < last; cap++)
        if (!bounding[cap] && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return error_set(err, errno, "drop capability %d from the bounding set", cap);
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}

static int fill_flag(cap_t state, cap_flag_t flag, char **names, size_t count, const char *field,
                     struct error *err)
{
    bool want[CAP_LAST_CAP + 64] = {false};
    int last = (int)cap_max_bits();

    if (cap_set_from_list(names, count, field, want, err) < 0)
        return -1;
    for (cap_value_t cap = 0; cap < last; cap++)
        if (want[cap] && cap_set_flag(state, flag, 1, &cap, CAP_SET) < 0)
            return error_set(err, errno, "cap_set_flag");
    return 0;
}

int caps_apply(const struct spec_capabilities *caps, struct error *err)
{
    cap_t state;
    int result = 0;

    if (!caps->present)
        return 0;
    state = cap_init();
    if (!state)
        return error_set(err, errno, "cap_init");
    if (fill_flag(state, CAP_EFFECTIVE, caps->effective, caps->effective_count, "effective",
                  err) < 0 ||
        fill_flag(state, CAP_PERMITTED, caps->permitted, caps->permitted_count, "permitted",
                  err) < 0 ||
        fill_flag(state, CAP_INHERITABLE, caps->inheritable, caps->inheritable_count,
                  "inheritable", err) < 0)
        result = -1;
    else if (cap_set_proc(state) < 0)
        result = error_set(err, errno, "config.json: process.capabilities: set capabilities");
    cap_free(state);
    if (result < 0)
        return -1;
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    for (size_t i = 0; i < caps->ambient_count; i++) {
        cap_value_t value;
        if (cap_lookup(caps->ambient[i], &value) != 1)
            continue;
        /* Like runc and crun: an ambient capability missing from permitted or inheritable
         * (EPERM) or unsupported (EINVAL) is skipped, not fatal. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, value, 0, 0) < 0 && errno != EPERM &&
            errno != EINVAL)
            return error_set(err, errno, "config.json: process.capabilities.ambient[%zu]: "
                             "raise %s", i, caps->ambient[i]);
    }
    return 0;
}
