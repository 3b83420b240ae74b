/* What this build of runc-go supports, for `runc-go features`: gathered from the runtime's own
 * tables (mount options, namespace types, hook kinds) and from the libraries it links (libcap's
 * capability names, libseccomp's architectures and filter flags). */
#ifndef RUNC_GO_LINUX_FEATURES_H
#define RUNC_GO_LINUX_FEATURES_H

#include "../spec/features.h"

/* Fills features; free it with spec_features_free(). */
void features_gather(struct spec_features *features);

/* The Features document as JSON (malloc'd), what `runc-go features` prints. */
char *features_json(void);

#endif
