/* libFuzzer harness: process.json text (exec --process) through spec_parse_process. Any
 * input may be rejected; none may crash, leak, read out of bounds, or fail without a
 * message. Build and run: make fuzz; tests/integration/fuzz.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = malloc(size ? size : 1); /* exact size, no NUL: see fuzz_config.c */
    struct error err = {0};
    struct spec_process *process;

    memcpy(json, data, size);
    process = spec_parse_process(json, size, "process.json", &err);
    if (process)
        spec_process_free(process);
    else if (err.msg[0] == '\0')
        abort(); /* rejected without saying why */
    free(json);
    return 0;
}
