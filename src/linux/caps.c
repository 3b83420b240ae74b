#include "caps.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "../log.h"
#include "../util.h"

/* Room for every capability libcap or the kernel may number (64 bits of a set). */
#define CAPS_MAX 64

enum caps_name_class caps_classify(const char *name, unsigned int kernel_caps, int *value)
{
    char lower[64];
    cap_value_t cap;
    size_t len = strlen(name);

    /* runc matches "CAP_" + the upper-case name exactly: "cap_kill" or "CAP_Kill" is not a
     * capability there, and must not grant one here. */
    if (!str_has_prefix(name, "CAP_") || len <= 4 || len >= sizeof lower)
        return CAPS_NAME_UNKNOWN;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return CAPS_NAME_UNKNOWN;
        lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    lower[len] = '\0';
    /* cap_from_name also takes numbers ("cap_40" is not one, but be strict): a name must
     * come back from libcap's table. */
    if (cap_from_name(lower, &cap) < 0 || cap < 0 || cap >= CAPS_MAX)
        return CAPS_NAME_UNKNOWN;
    *value = cap;
    return (unsigned int)cap < kernel_caps ? CAPS_NAME_KNOWN : CAPS_NAME_UNSUPPORTED;
}

static unsigned int kernel_caps(void)
{
    int bits = cap_max_bits();
    return bits > 0 && bits <= CAPS_MAX ? (unsigned int)bits : CAP_LAST_CAP + 1;
}

struct caps_list {
    const char *field;
    char *const *names;
    size_t count;
};

static void caps_lists(const struct spec_capabilities *caps, struct caps_list lists[5])
{
    lists[0] = (struct caps_list){"bounding", caps->bounding, caps->bounding_count};
    lists[1] = (struct caps_list){"effective", caps->effective, caps->effective_count};
    lists[2] = (struct caps_list){"inheritable", caps->inheritable, caps->inheritable_count};
    lists[3] = (struct caps_list){"permitted", caps->permitted, caps->permitted_count};
    lists[4] = (struct caps_list){"ambient", caps->ambient, caps->ambient_count};
}

static int unknown_capability(const struct caps_list *list, size_t i, struct error *err)
{
    return error_set(err, 0,
                     "config.json: process.capabilities.%s[%zu]: unknown capability \"%s\" "
                     "(names are CAP_ and capabilities(7)'s, e.g. CAP_NET_ADMIN)",
                     list->field, i, list->names[i]);
}

int caps_check(const struct spec_capabilities *caps, struct error *err)
{
    struct caps_list lists[5];
    bool warned[CAPS_MAX] = {false};
    char ignored[512] = "";
    size_t used = 0;

    caps_lists(caps, lists);
    for (int l = 0; l < 5; l++) {
        for (size_t i = 0; i < lists[l].count; i++) {
            int value;
            enum caps_name_class class = caps_classify(lists[l].names[i], kernel_caps(), &value);
            if (class == CAPS_NAME_UNKNOWN)
                return unknown_capability(&lists[l], i, err);
            if (class == CAPS_NAME_KNOWN || warned[value])
                continue;
            warned[value] = true;
            int n = snprintf(ignored + used, sizeof ignored - used, "%s%s", used ? " " : "",
                             lists[l].names[i]);
            if (n > 0 && (size_t)n < sizeof ignored - used)
                used += (size_t)n;
        }
    }
    if (used)
        log_warn("ignoring unknown or unavailable capabilities: [%s]", ignored);
    return 0;
}

/* Fills want[] (indexed by cap value) from a list; unsupported names are skipped (the
 * runtime warned about them in caps_check). */
static int want_from_list(const struct caps_list *list, bool want[CAPS_MAX], struct error *err)
{
    for (size_t i = 0; i < list->count; i++) {
        int value;
        enum caps_name_class class = caps_classify(list->names[i], kernel_caps(), &value);
        if (class == CAPS_NAME_UNKNOWN)
            return unknown_capability(list, i, err);
        if (class == CAPS_NAME_KNOWN)
            want[value] = true;
    }
    return 0;
}

int caps_prepare(const struct spec_capabilities *caps, struct error *err)
{
    struct caps_list lists[5];
    bool bounding[CAPS_MAX] = {false};
    int last = (int)kernel_caps();

    /* Every name is checked here, before anything changes: caps_apply can't fail on one. */
    caps_lists(caps, lists);
    for (int l = 1; l < 5; l++) {
        bool unused[CAPS_MAX] = {false};
        if (want_from_list(&lists[l], unused, err) < 0)
            return -1;
    }
    if (want_from_list(&lists[0], bounding, err) < 0)
        return -1;
    for (int cap = 0; cap < last; cap++)
        if (!bounding[cap] && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return error_set(err, errno, "drop capability %d from the bounding set", cap);
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}

static int fill_flag(cap_t state, cap_flag_t flag, const struct caps_list *list, struct error *err)
{
    bool want[CAPS_MAX] = {false};

    if (want_from_list(list, want, err) < 0)
        return -1;
    for (cap_value_t cap = 0; cap < CAPS_MAX; cap++)
        if (want[cap] && cap_set_flag(state, flag, 1, &cap, CAP_SET) < 0)
            return error_set(err, errno, "cap_set_flag");
    return 0;
}

static int raise_ambient(const struct caps_list *ambient, struct error *err)
{
    bool want[CAPS_MAX] = {false};

    if (want_from_list(ambient, want, err) < 0)
        return -1;
    for (int cap = 0; cap < CAPS_MAX; cap++) {
        /* Like runc: an ambient capability missing from permitted or inheritable (EPERM)
         * is skipped, not fatal (runc's default spec lists ambient capabilities without
         * inheritable ones). */
        if (want[cap] && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 &&
            errno != EPERM && errno != EINVAL)
            return error_set(err, errno,
                             "config.json: process.capabilities.ambient: raise "
                             "capability %d",
                             cap);
    }
    return 0;
}

int caps_apply(const struct spec_capabilities *caps, struct error *err)
{
    struct caps_list lists[5];
    cap_t state;
    int result = 0;

    caps_lists(caps, lists);
    state = cap_init();
    if (!state)
        return error_set(err, errno, "cap_init");
    if (fill_flag(state, CAP_EFFECTIVE, &lists[1], err) < 0 ||
        fill_flag(state, CAP_INHERITABLE, &lists[2], err) < 0 ||
        fill_flag(state, CAP_PERMITTED, &lists[3], err) < 0)
        result = -1;
    else if (cap_set_proc(state) < 0)
        result = error_set(err, errno, "config.json: process.capabilities: set capabilities");
    cap_free(state);
    if (result < 0)
        return -1;
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return error_set(err, errno, "clear ambient capabilities");
    return raise_ambient(&lists[4], err);
}
