/* supervisor_proc.h - process and run-dir chores of the supervisor:
 * detaching from the shell, its log, its lock, small run-dir files. */
#ifndef LV_SUPERVISOR_PROC_H
#define LV_SUPERVISOR_PROC_H

#include <sys/types.h>

#include "err.h"

/* fork; the parent _exit(0)s at once (the shell reaps it), the child
 * starts a new session and returns 0. */
int sup_detach(struct lv_err *err);
/* Send log lines to RUN_DIR/supervisor.log (best effort). */
void sup_open_log(const char *run_dir);
/* Take RUN_DIR/sup.lock exclusively; returns the fd that holds it. */
int sup_take_lock(const char *run_dir, struct lv_err *err);
/* Read RUN_DIR/id (written by the starting shell) into *id. */
void sup_read_id(const char *run_dir, int *id);
/* Update *transient from RUN_DIR/status (undefine of a running guest). */
void sup_read_transient(const char *run_dir, int *transient);
void sup_write_pidfile(const char *run_dir, pid_t pid);
void sup_unlink(const char *run_dir, const char *file);
/* The last non-empty line of RUN_DIR/file, without QEMU's timestamp
 * prefix; malloc'd, NULL if none. */
char *sup_last_log_line(const char *run_dir, const char *file);

#endif
