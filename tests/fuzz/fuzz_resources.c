/* libFuzzer harness: a LinuxResources object (update --resources FILE) through
 * spec_parse_resources. Any input may be rejected; none may crash, leak, read out of
 * bounds, or fail without a message. Build and run: make fuzz; tests/integration/fuzz.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = malloc(size ? size : 1); /* exact size, no NUL: see fuzz_config.c */
    struct error err = {0};
    struct spec_resources *resources;

    memcpy(json, data, size);
    resources = spec_parse_resources(json, size, "resources.json", &err);
    if (resources)
        spec_resources_free(resources);
    else if (err.msg[0] == '\0')
        abort(); /* rejected without saying why */
    free(json);
    return 0;
}
