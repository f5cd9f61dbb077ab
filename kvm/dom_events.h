/* dom_events.h - the journal of domain events: lifecycle changes (Started
 * Booted, Suspended Paused, Stopped Destroyed, Defined Added, ...) and
 * reboots, in virsh's words, appended by whoever causes or sees them (the
 * supervisor for what QEMU reports, define and undefine for theirs) to
 * <run>/events.log, one line each: "MS\tNAME\tTYPE\tEVENT\tDETAIL". A
 * reader follows it from where it started (inotify, no polling), so a
 * later shell sees what happened and a watcher sees it as it happens. The
 * journal is cut to its newest half past DOM_EVENTS_MAX bytes. */
#ifndef LV_DOM_EVENTS_H
#define LV_DOM_EVENTS_H

#include <stddef.h>

#include "conn.h"
#include "dom_run.h"
#include "err.h"

#define DOM_EVENTS_MAX (256 * 1024)

struct dom_event {
    long long ms;        /* unix time in milliseconds */
    char name[256];      /* the domain */
    char type[16];       /* "lifecycle" or "reboot" */
    char event[24];      /* Started, Suspended, ... ("" for reboot) */
    char detail[24];     /* Booted, Paused, ... */
};

/* The journal of the run dir that holds the domain run dir run_dir
 * (<run>/qemu/NAME -> <run>/events.log); malloc'd. */
char *dom_events_path_of(const char *run_dir);
char *dom_events_path(const struct lv_conn *c);

/* Append one event (now) to the journal at path; failures are logged, never
 * fatal: an event that cannot be written must not stop a guest. */
void dom_events_append(const char *path, const char *name, const char *type,
                       const char *event, const char *detail);
/* The lifecycle event (event, detail) of a change to status st, or 0 when
 * the change is none a listener hears of ("starting up"). */
int dom_events_of_status(const struct dom_status *st, const char **event,
                         const char **detail);

/* Parse one journal line; 0, or -1 when it is not one. */
int dom_event_parse(const char *line, struct dom_event *ev);

/* A reader of the journal. */
struct dom_events_reader {
    char *path;
    int fd;              /* the journal, -1 until it exists */
    int ino;             /* inotify on its directory */
    long long off;       /* what has been read */
    char buf[4096];
    size_t len;          /* a partial line kept */
};

/* Open a reader at the journal's end (from_start 0: what happens from now)
 * or its beginning (1: the recorded events too). */
int dom_events_open(struct dom_events_reader *r, const struct lv_conn *c,
                    int from_start, struct lv_err *err);
/* The next event if one is there: 1 and *ev, else 0 (then r->ino becomes
 * readable when the journal changes). */
int dom_events_try(struct dom_events_reader *r, struct dom_event *ev);
/* The next event: 1 and *ev, 0 when none came before deadline (lv_deadline;
 * -1 waits for ever), -1 with err. */
int dom_events_next(struct dom_events_reader *r, struct dom_event *ev,
                    long long deadline, struct lv_err *err);
void dom_events_close(struct dom_events_reader *r);

#endif
