/* spawn.h - running programs: one fork+execve helper with an argv array,
 * never a shell. The child gets only the fds named in the options. */
#ifndef LV_SPAWN_H
#define LV_SPAWN_H

#include <sys/types.h>

#include "err.h"

struct lv_spawn_opts {
    int stdin_fd;          /* -1: /dev/null */
    int stdout_fd;         /* -1: /dev/null */
    int stderr_fd;         /* -1: /dev/null */
    const int *keep_fds;   /* fds the child keeps at the same number */
    int n_keep_fds;
    int new_session;       /* setsid() in the child */
    int pdeathsig;         /* signal the child gets when its parent dies; 0 none */
    char *const *envp;     /* NULL: the current environ */
    /* Run in the child after setsid, before the fds are arranged and
     * before exec (a privilege drop, kvm/dom_jail.h): only
     * async-signal-safe calls; a non-zero return fails the spawn with the
     * errno it left. NULL: none. */
    int (*child_setup)(const void *arg);
    const void *child_arg;
};

/* Start argv[0] (a path, or a name looked up in PATH) with argv. Returns
 * the child's pid, or -1 with err set (an exec failure in the child is
 * reported here, through a CLOEXEC pipe). */
pid_t lv_spawn(char *const argv[], const struct lv_spawn_opts *opts,
               struct lv_err *err);

/* Run argv to completion, capturing stdout (and stderr when err_out is
 * non-NULL) into malloc'd strings. Returns the exit status (0..255, or
 * 128+signal), or -1 with err set if it could not run or timed out after
 * timeout_ms (-1: no limit; the child is killed). */
int lv_spawn_capture(char *const argv[], char **out, char **err_out,
                     int timeout_ms, struct lv_err *err);

/* Wait for pid with a deadline (ms, -1 none) using a pidfd; returns the
 * status as above, -1 with err on failure or timeout (LV_E_TIMEOUT). */
int lv_spawn_wait(pid_t pid, int timeout_ms, struct lv_err *err);

/* NULL-terminated argv helpers. */
void lv_argv_free(char **argv);

#endif
