/* Fault injection, for the test that proves a failure at any step leaves nothing behind
 * (tests/integration/faults.sh). Only in a build made with FAULT_INJECTION=1, never in a
 * release binary, where fault_point() is an empty inline function.
 *   RUNC_GO_FAULT=STEP        the step named STEP fails (EIO)
 *   RUNC_GO_FAULT=STEP:kill   the process reaching STEP dies by SIGKILL there
 *   RUNC_GO_FAULT_LIST=FILE   the name of every step reached is appended to FILE */
#ifndef RUNC_GO_FAULT_H
#define RUNC_GO_FAULT_H

#include "error.h"

#ifdef RUNC_GO_FAULT_INJECTION
int fault_point(const char *step, struct error *err);
#else
static inline int fault_point(const char *step, struct error *err)
{
    (void)step;
    (void)err;
    return 0;
}
#endif

#endif
