/* dom_run.h - a domain's live state in its run dir (<run>/qemu/NAME/):
 * the status file written by the supervisor and the shells, and the
 * supervisor's lock, whose holder is the proof that the guest is alive. */
#ifndef LV_DOM_RUN_H
#define LV_DOM_RUN_H

#include <sys/types.h>

#include "conn.h"
#include "err.h"

enum dom_state {
    DOM_STATE_SHUTOFF = 0, DOM_STATE_RUNNING, DOM_STATE_PAUSED,
    DOM_STATE_SHUTDOWN, DOM_STATE_CRASHED, DOM_STATE_PMSUSPENDED,
    DOM_STATE__COUNT
};
/* virsh's words: "shut off", "running", "paused", "in shutdown", ... */
const char *dom_state_to_str(enum dom_state s);
int dom_state_from_str(const char *s);

struct dom_status {
    enum dom_state state;
    char reason[32];      /* booted, unpaused, user, shutdown, destroyed, crashed, failed, ... */
    int id;               /* -1 when inactive */
    pid_t qemu_pid;       /* 0 when inactive */
    pid_t sup_pid;
    int transient;
    long long started;    /* unix time */
    char pty[64];         /* the first serial's pty, "" if none */
};

/* Paths; malloc'd, free() them. */
char *dom_run_dir(const struct lv_conn *c, const char *name);
/* Remove a shut-off guest's run dir and everything in it (its logs, its
 * status): undefine leaves nothing of the guest behind. */
int dom_run_remove(const struct lv_conn *c, const char *name, struct lv_err *err);
char *dom_run_file(const struct lv_conn *c, const char *name, const char *file);
/* The per-name lock that serialises state changes of one domain. */
char *dom_lock_path(const struct lv_conn *c, const char *name);
/* Take it (cleaning what a killed command under it left: lv_obj_lock), and
 * release it (its file goes when the domain is neither defined nor has a
 * run dir: lv_obj_unlock; fd < 0 is nothing). */
int dom_lock(const struct lv_conn *c, const char *name, struct lv_err *err);
void dom_unlock(const struct lv_conn *c, const char *name, int fd);

/* Read the status of name: active is decided by the supervisor's lock, not
 * by pids (a zombie QEMU looks alive to kill(0)). An absent run dir reads
 * as shut off. */
int dom_status_read(const struct lv_conn *c, const char *name,
                    struct dom_status *st, struct lv_err *err);
/* Is the supervisor of name alive? 1/0, -1 on error. */
/* A guest with no run state at all: shut off, no id, reason unknown. */
void dom_status_init(struct dom_status *st);
int dom_run_active(const struct lv_conn *c, const char *name, struct lv_err *err);
/* Write st atomically to the run dir (which must exist). */
int dom_status_write(const char *run_dir, const struct dom_status *st,
                     struct lv_err *err);
/* Parse/format the status text (exposed for tests). */
int dom_status_parse(const char *text, struct dom_status *st);
char *dom_status_format(const struct dom_status *st);

/* Allocate the next domain id (a counter under <run>, like libvirt's). */
int dom_run_next_id(const struct lv_conn *c, struct lv_err *err);

/* Names of the run dirs with a live supervisor and a transient domain. */
int dom_run_transient_names(const struct lv_conn *c, char ***names, size_t *n,
                            struct lv_err *err);

#endif
