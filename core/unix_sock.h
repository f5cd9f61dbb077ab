/* unix_sock.h - a listening unix stream socket whose mode is set before
 * anyone can connect (the umask never decides who talks to it), and a
 * connection to one. */
#ifndef LV_UNIX_SOCK_H
#define LV_UNIX_SOCK_H

#include <sys/types.h>

#include "err.h"

/* Listen on path with mode (chmod between bind and listen). A socket left
 * there by an earlier run is replaced; any other file is an error. Returns
 * the fd (close-on-exec), or -1 with err naming the path. */
int lv_unix_listen(const char *path, mode_t mode, int backlog, struct lv_err *err);

/* Connect to the unix stream socket at path: the fd (close-on-exec), or
 * -1 with err "WHAT: cannot connect to 'PATH': <cause>". */
int lv_unix_connect(const char *path, const char *what, struct lv_err *err);

#endif
