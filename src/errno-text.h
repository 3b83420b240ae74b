/* errno numbers as text, as runc prints them. */
#ifndef RUNC_GO_ERRNO_TEXT_H
#define RUNC_GO_ERRNO_TEXT_H

#include <stddef.h>

/* "no such file or directory" for ENOENT; an unknown number is written into buf. */
const char *errno_text(int errnum, char *buf, size_t size);

#endif
