/* obj_store.h - the one store for persistent objects of every kind
 * (domains, networks, pools), after libvirt's layout under the connection's
 * lib dir: <dir>/NAME.xml, autostart links in <dir>/autostart/NAME.xml and
 * a uuid index <dir>/.uuid/UUID -> NAME (a symlink), so that lookups by uuid
 * and uniqueness checks read one link instead of every definition. Files
 * are only replaced by atomic renames; the kinds differ only in their
 * directory and their words. */
#ifndef LV_OBJ_STORE_H
#define LV_OBJ_STORE_H

#include <stddef.h>

#include "conn.h"
#include "err.h"

struct lv_kind {
    const char *dir;           /* "qemu", "network", "storage" */
    const char *what;          /* "domain", "network", "pool" */
    enum lv_errcode missing;   /* LV_E_NO_DOMAIN, ... */
    const char *missing_msg;   /* "no such domain" */
    const char *lock;          /* lock file prefix: <run>/locks/<lock>-NAME.lock */
    const char *run;           /* live state: <run>/<run>/NAME while active */
};

extern const struct lv_kind LV_KIND_DOMAIN, LV_KIND_NETWORK, LV_KIND_POOL;

/* A name that can be stored: the rule of names.h (lv_name_check). */
int lv_obj_name_ok(const char *name);
/* <lib>/<dir>/NAME.xml (malloc'd). */
char *lv_obj_path(const struct lv_conn *c, const struct lv_kind *k, const char *name);
/* Is NAME defined? 0 for an invalid name. */
int lv_obj_exists(const struct lv_conn *c, const struct lv_kind *k, const char *name);
/* The stored XML of NAME (malloc'd; its length in *len when len != NULL),
 * or NULL with err: k->missing "<what> 'NAME': <missing_msg>" when there is
 * none (or the name is invalid). */
char *lv_obj_read(const struct lv_conn *c, const struct lv_kind *k, const char *name,
                  size_t *len, struct lv_err *err);
/* Store xml as NAME atomically (mode 0600) and index uuid (36-char text;
 * NULL: no index). */
int lv_obj_write(const struct lv_conn *c, const struct lv_kind *k, const char *name,
                 const char *uuid, const char *xml, struct lv_err *err);
/* Remove NAME's autostart link, its file and its uuid link (uuid may be
 * NULL); what is already gone is no error. */
int lv_obj_remove(const struct lv_conn *c, const struct lv_kind *k, const char *name,
                  const char *uuid, struct lv_err *err);
/* The defined names, sorted (free with lv_store_names_free). */
int lv_obj_names(const struct lv_conn *c, const struct lv_kind *k, char ***names,
                 size_t *n, struct lv_err *err);
/* The name indexed for uuid (malloc'd) when it is still defined with that
 * uuid (its XML's <uuid>), or NULL. */
char *lv_obj_uuid_lookup(const struct lv_conn *c, const struct lv_kind *k,
                         const char *uuid);
/* Point uuid at name (NULL: drop the link). */
int lv_obj_uuid_set(const struct lv_conn *c, const struct lv_kind *k, const char *uuid,
                    const char *name, struct lv_err *err);
/* Take NAME's lock (<run>/locks/<k->lock>-NAME.lock, exclusive). When the
 * last holder did not release it (killed: the lock file still carries the
 * mark a holder writes), clean what it left: NAME.xml.tmp.PID files, uuid
 * index links being made for NAME (.uuid/UUID.tmp.PID), and index links to
 * NAME that NAME's definition no longer backs (it is gone or has another
 * uuid). Returns the lock's fd, or -1 with err. */
int lv_obj_lock(const struct lv_conn *c, const struct lv_kind *k, const char *name,
                struct lv_err *err);
/* Release NAME's lock (fd < 0: nothing); when NAME is neither defined nor
 * active (no <run>/<k->run>/NAME) its lock file goes too, removed while
 * still held (lockers re-check, see lv_store_lock). */
void lv_obj_unlock(const struct lv_conn *c, const struct lv_kind *k, const char *name,
                   int fd);
/* Remove NAME's leftovers as lv_obj_lock does (the caller holds the lock). */
void lv_obj_clean(const struct lv_conn *c, const struct lv_kind *k, const char *name);

/* Autostart: 1 when marked, else 0; set or clear the mark. */
int lv_obj_autostart_get(const struct lv_conn *c, const struct lv_kind *k,
                         const char *name);
int lv_obj_autostart_set(const struct lv_conn *c, const struct lv_kind *k,
                         const char *name, int on, struct lv_err *err);

#endif
