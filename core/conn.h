/* conn.h - the connection: which URI is in use and where its state lives.
 * qemu:///system -> /var/lib/luavirt + /run/luavirt; qemu:///session ->
 * $XDG_DATA_HOME/luavirt + $XDG_RUNTIME_DIR/luavirt; LUAVIRT_ROOT=DIR
 * overrides both (DIR/lib, DIR/run). */
#ifndef LV_CONN_H
#define LV_CONN_H

#include "err.h"

struct lv_conn {
    int refs;
    char *uri;        /* qemu:///system or qemu:///session */
    char *lib_dir;    /* persistent definitions */
    char *run_dir;    /* live state */
    int session;
};

struct dom_def;

/* Called with each running guest's name and live definition; a non-zero
 * return stops the walk and is passed on. */
typedef int (*lv_guest_fn)(const char *name, const struct dom_def *live,
                           void *arg);
/* Walks the running guests of c (kvm/ provides it; the entry point hands
 * it over): returns what fn returned last, 0 when all were visited, or -1
 * with err. */
typedef int (*lv_guest_walk_fn)(const struct lv_conn *c, lv_guest_fn fn,
                                void *arg, struct lv_err *err);

/* Set the one "which guests are running, with what" query, for net/ and
 * storage/, which must not know where kvm/ keeps its live state. */
void lv_conn_set_guest_walker(lv_guest_walk_fn walk);
/* Walk the running guests through the walker set (none set: no guests). */
int lv_conn_each_running_guest(const struct lv_conn *c, lv_guest_fn fn,
                               void *arg, struct lv_err *err);

/* Resolve uri (NULL: -c value, else LUAVIRT_DEFAULT_URI, else system for
 * root and session otherwise) and create the directories. */
struct lv_conn *lv_conn_open(const char *uri, struct lv_err *err);
struct lv_conn *lv_conn_ref(struct lv_conn *c);
void lv_conn_unref(struct lv_conn *c);

#endif
