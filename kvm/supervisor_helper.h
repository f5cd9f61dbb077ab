/* supervisor_helper.h - processes a guest needs besides QEMU (its swtpm),
 * run by the guest's supervisor: started before QEMU, each with the one
 * listening socket it serves, and reaped after QEMU, so none outlives the
 * guest or lingers as a zombie. They come on the supervisor's command
 * line, before the "--" that starts QEMU's argv:
 *   --helper FD DIR ARGV...
 * FD: the socket the helper is given (same number); DIR: a state
 * directory to remove when the guest ends as a transient one, or "-". */
#ifndef LV_SUPERVISOR_HELPER_H
#define LV_SUPERVISOR_HELPER_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define SUP_HELPER_MAX 4

struct sup_helper {
    char **argv;           /* NULL-terminated; its strings are borrowed
                            * from the supervisor's argv */
    int fd;
    const char *transient_dir;  /* NULL: none */
    pid_t pid;             /* 0 until started */
};

struct sup_helpers {
    struct sup_helper h[SUP_HELPER_MAX];
    size_t n;
};

/* Parse the helper segments of argv starting at *pos (argv[*pos] is
 * "--helper" or "--"). On return argv[*pos] is the "--" before QEMU's
 * argv. -1 on a malformed line (nothing allocated then). */
int sup_helpers_parse(char **argv, int argc, int *pos, struct sup_helpers *hs);

/* Free what sup_helpers_parse allocated. */
void sup_helpers_free(struct sup_helpers *hs);

/* The shell's side: insert "--helper FD DIR ARGV..." before the first
 * "--" of the supervisor argv sargv (NULL-terminated, malloc'd, grown
 * and returned). dir may be NULL. */
char **sup_helpers_insert(char **sargv, int fd, const char *dir,
                          char *const *argv);

/* Start every helper (new fds of ours are closed after each start; a
 * helper gets SIGTERM if the supervisor dies). -1 with err naming the
 * helper; the ones already started are stopped again. */
int sup_helpers_start(struct sup_helpers *hs, const char *name,
                      struct lv_err *err);

/* Wait for each started helper to end (swtpm does when QEMU has gone),
 * then SIGTERM, then SIGKILL, and reap it; term_first sends SIGTERM at
 * once (QEMU failed and may never have connected). Removes the transient
 * dirs when transient. Never fails. */
void sup_helpers_stop(struct sup_helpers *hs, const char *name, int transient,
                      int term_first);

#endif
