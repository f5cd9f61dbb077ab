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

/* Resolve uri (NULL: -c value, else LUAVIRT_DEFAULT_URI, else system for
 * root and session otherwise) and create the directories. */
struct lv_conn *lv_conn_open(const char *uri, struct lv_err *err);
struct lv_conn *lv_conn_ref(struct lv_conn *c);
void lv_conn_unref(struct lv_conn *c);

#endif
