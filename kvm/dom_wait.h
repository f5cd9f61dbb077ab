/* dom_wait.h - waiting on a guest without polling: for a state (the status
 * file's renames and the supervisor's exit, through inotify and a pidfd),
 * for a marker on its console log, or for its first IPv4 address (its
 * networks' lease files). A waiter checks and says what to wait on, so a
 * script's task can give way to others meanwhile (core/loop.h); the
 * dom_wait_* calls block. */
#ifndef LV_DOM_WAIT_H
#define LV_DOM_WAIT_H

#include "conn.h"
#include "dom_run.h"
#include "err.h"

enum dom_wait_kind { DOM_WAIT_STATE, DOM_WAIT_CONSOLE, DOM_WAIT_IP, DOM_WAIT_GROW };

struct dom_waiter {
    const struct lv_conn *c;
    char *name;
    enum dom_wait_kind kind;
    enum dom_state state;        /* STATE: the one waited for */
    char *marker;                /* CONSOLE: the text, at or after from */
    size_t from;                 /* CONSOLE, GROW: a console log offset */
    char ip[46];                 /* IP: the address found */
    int watching_leases;
    int timeout_ms;
    long long deadline;          /* lv_now_ms() time; -1: none */
    int ino;                     /* inotify: run dir, lease dirs */
    int pidfd;                   /* the supervisor, while one runs */
    pid_t sup_pid;
};

/* Set up a wait for name (the caller sets kind and its fields). 0 or -1. */
int dom_waiter_init(struct dom_waiter *w, const struct lv_conn *c, const char *name,
                    int timeout_ms, struct lv_err *err);
/* 1: done; 0: not yet (wait for w->ino or w->pidfd readable, or
 * w->deadline, then check again); -1: failed, timed out included (err). */
int dom_waiter_check(struct dom_waiter *w, struct lv_err *err);
/* Check and wait until done: 0, or -1 with err. */
int dom_waiter_run(struct dom_waiter *w, struct lv_err *err);
void dom_waiter_free(struct dom_waiter *w);

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
