/* dom_wait.h - waiting on a guest without polling: for a state (the status
 * file's renames and the supervisor's exit, through inotify and a pidfd)
 * or for a marker on its console log. */
#ifndef LV_DOM_WAIT_H
#define LV_DOM_WAIT_H

#include "conn.h"
#include "dom_run.h"
#include "err.h"

/* Return 0 once name is in state, -1 with LV_E_TIMEOUT after timeout_ms
 * (-1: no limit). */
int dom_wait_state(const struct lv_conn *c, const char *name, enum dom_state state,
                   int timeout_ms, struct lv_err *err);
/* Return 0 once marker appears in name's console log (this run's) at or
 * after byte offset from (0: anywhere; pass the log's length before a
 * reboot to wait for the next boot's marker), -1 on timeout or when the
 * guest stops first (LV_E_STATE). */
int dom_wait_console(const struct lv_conn *c, const char *name, const char *marker,
                     size_t from, int timeout_ms, struct lv_err *err);
/* The console log of the current (or last) run; malloc'd, "" if none. */
char *dom_console_log(const struct lv_conn *c, const char *name);

#endif
