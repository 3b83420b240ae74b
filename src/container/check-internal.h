/* The parts of `runc-go check`: the findings list, the checks of a bundle's cgroup resources
 * (check-cgroup.c) and the two renderings of the report (check-report.c). */
#ifndef RUNC_GO_CHECK_INTERNAL_H
#define RUNC_GO_CHECK_INTERNAL_H

#include <stdio.h>

#include "../linux/host-probe.h"
#include "../spec/spec.h"
#include "check.h"

/* One line of the report: the JSON path of the field and why it fails here. */
struct check_finding {
    char *field;
    char *reason;
};

struct check_findings {
    struct check_finding *items;
    size_t count;
};

struct check_bundle {
    const char *path;               /* as given on the command line */
    struct check_findings problems; /* create would fail, or run without what was asked */
    struct check_findings warnings; /* ignored with a warning, as runc does */
};

void check_add(struct check_findings *list, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A finding from an error of another module's check: its message is "[config.json: ]FIELD:
 * REASON" or just a reason, which then belongs to `field`. */
void check_add_error(struct check_findings *list, const char *field, const struct error *err);
void check_findings_free(struct check_findings *list);

/* linux.resources against the host's cgroup layout and controllers, as the backend of this
 * host (cgroup-v1-resources.c, cgroup-v2-resources.c, the hybrid one) would apply them. */
void check_cgroup_resources(const struct host_probe *probe, const struct spec_resources *r,
                            struct check_bundle *bundle);

/* bundle NULL: the host only. */
void check_report_text(const struct host_probe *probe, const struct check_bundle *bundle,
                       FILE *out);
void check_report_json(const struct host_probe *probe, const struct check_bundle *bundle,
                       FILE *out);

#endif
