/* /etc/passwd read directly, never through NSS: inside a container only the image's file
 * counts, and a statically linked runtime has no NSS modules to load. */
#ifndef RUNC_GO_PASSWD_H
#define RUNC_GO_PASSWD_H

#include <sys/types.h>

enum passwd_field { PASSWD_NAME = 0, PASSWD_HOME = 5 };

/* The field of uid's entry in /etc/passwd (of the current root), malloc'd; NULL when the file
 * or the entry is missing or the field is empty. */
char *passwd_lookup(uid_t uid, enum passwd_field field);

#endif
