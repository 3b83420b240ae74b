/* What checkpoint and restore share: their common flags, the CRIU check both run before
 * touching anything, the directories CRIU is given, and how its failures are reported. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <sched.h>

#include "../linux/criu.h"
#include "../util.h"
#include "checkpoint-internal.h"

int checkpoint_parse_cg_mode(const char *mode, enum criu_cg_mode *out, struct error *err)
{
    static const struct {
        const char *name;
        enum criu_cg_mode mode;
    } modes[] = {
        {"soft", CRIU_CG_SOFT},
        {"full", CRIU_CG_FULL},
        {"strict", CRIU_CG_STRICT},
        {"ignore", CRIU_CG_IGNORE},
    };

    *out = CRIU_CG_UNSET;
    if (!mode || !*mode)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
        if (strcmp(mode, modes[i].name) == 0) {
            *out = modes[i].mode;
            return 0;
        }
    return error_set(err, EINVAL,
                     "--manage-cgroups-mode: invalid manage-cgroups-mode value \"%s\" (expected "
                     "soft, full, strict or ignore)",
                     mode);
}

int checkpoint_empty_ns_mask(const char *const *names, size_t count, uint32_t *mask,
                             struct error *err)
{
    *mask = CLONE_NEWNET;
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], "network") != 0)
            return error_set(err, EINVAL,
                             "--empty-ns: namespace \"%s\" is not supported (only \"network\")",
                             names[i]);
    return 0;
}

const char *checkpoint_criu_config_file(const struct spec *spec)
{
    const char *file = spec_annotation(spec, "org.criu.config");

    if (file)
        return *file ? file : NULL;
    return "/etc/criu/runc.conf";
}

int checkpoint_require_criu(const char *binary, const char *what, int *version, struct error *err)
{
    cleanup_free char *reason = NULL;
    struct utsname uts;
    bool ok;

    if (criu_check_host(binary, &ok, &reason, version, err) < 0)
        return error_prefix(err, "%s", what);
    if (ok)
        return 0;
    if (uname(&uts) < 0)
        strcpy(uts.release, "?");
    return error_set(err, 0,
                     "%s: criu check failed on this host (CRIU %d.%d.%d, kernel %s): %s "
                     "(checkpoint/restore needs a kernel this CRIU supports; `criu check` "
                     "tells more)",
                     what, *version / 10000, *version / 100 % 100, *version % 100, uts.release,
                     reason ? reason : "no reason given");
}

int checkpoint_criu_failed(struct error *err, const char *log_dir, const char *log_file)
{
    cleanup_free char *log = xasprintf("%s/%s", log_dir, log_file);
    cleanup_free char *first = criu_log_first_error(log);
    cleanup_free char *msg = xstrdup(err->msg);

    /* CRIU's own message is often that first error line already */
    if (first && !strstr(msg, first))
        snprintf(err->msg, sizeof err->msg, "%s (log: %s: %s)", msg, log, first);
    else
        snprintf(err->msg, sizeof err->msg, "%s (log: %s)", msg, log);
    return -1;
}

static int mkdir_parents(const char *path, mode_t mode)
{
    cleanup_free char *copy = xstrdup(path);

    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int checkpoint_open_dir(const char *path, bool create, const char *flag, struct error *err)
{
    int fd;

    if (create && mkdir_parents(path, 0700) < 0 && errno != ENOTDIR)
        return error_set(err, errno, "%s %s", flag, path);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "%s %s", flag, path);
    return fd;
}
