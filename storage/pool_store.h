/* pool_store.h - persistent storage pool definitions: <lib>/storage/NAME.xml,
 * autostart links <lib>/storage/autostart/NAME.xml -> ../NAME.xml, and a
 * uuid index <lib>/storage/uuid/UUID -> NAME (a symlink whose target is
 * the pool's name). Files are only replaced by atomic renames. */
#ifndef LV_POOL_STORE_H
#define LV_POOL_STORE_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "pool_def.h"

/* Is name a usable pool name (non-empty, no '/', not starting with '.')?
 * 0, or -1 with LV_E_INVALID naming it. */
int pool_store_check_name(const char *name, struct lv_err *err);

/* Does a persistent definition of name exist? */
int pool_store_exists(const struct lv_conn *c, const char *name);

/* Load the persistent definition of name: caller frees; NULL with
 * LV_E_NO_POOL if there is none, or another error. */
struct pool_def *pool_store_load(const struct lv_conn *c, const char *name,
                                 struct lv_err *err);

/* Write def as <lib>/storage/NAME.xml and index its uuid. */
int pool_store_save(const struct lv_conn *c, const struct pool_def *def,
                    struct lv_err *err);

/* Remove the definition, its autostart link and its uuid index entry. */
int pool_store_remove(const struct lv_conn *c, const struct pool_def *def,
                      struct lv_err *err);

/* Sorted names of the persistent pools (free with lv_store_names_free). */
int pool_store_names(const struct lv_conn *c, char ***names, size_t *n,
                     struct lv_err *err);

/* The name of the persistent pool with uuid (text), malloc'd, or NULL. */
char *pool_store_uuid_lookup(const struct lv_conn *c, const char *uuid);

int pool_store_autostart_get(const struct lv_conn *c, const char *name);
int pool_store_autostart_set(const struct lv_conn *c, const char *name,
                             int on, struct lv_err *err);

/* Take the pool's lock (<run>/locks/pool-NAME.lock); returns the fd to
 * close (lv_store_unlock), or -1 with err. */
int pool_store_lock(const struct lv_conn *c, const char *name,
                    struct lv_err *err);

#endif
