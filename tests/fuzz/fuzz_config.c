/* libFuzzer harness: config.json text through spec_parse, then spec_validate (with and
 * without a required process, as create and `runc-go check` ask). Any input may be rejected;
 * none may crash, leak, read out of bounds, or fail without a message.
 * Build and run: make fuzz; tests/integration/fuzz.sh (or build-fuzz/fuzz_config CORPUS). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy without a terminating NUL: the parser gets a length, so ASan
     * catches any read past it. */
    char *json = malloc(size ? size : 1);
    struct error err = {0};
    struct spec *spec;

    memcpy(json, data, size);
    spec = spec_parse(json, size, "config.json", &err);
    if (!spec) {
        if (err.msg[0] == '\0')
            abort(); /* rejected without saying why */
        free(json);
        return 0;
    }
    for (int need_process = 0; need_process <= 1; need_process++) {
        error_clear(&err);
        if (spec_validate(spec, "config.json", need_process, &err) < 0 && err.msg[0] == '\0')
            abort();
    }
    spec_free(spec);
    free(json);
    return 0;
}
