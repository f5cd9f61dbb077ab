/* pool_run.h - storage pools at run time: which pools exist and which are
 * active (<run>/storage/NAME/def.xml holds an active pool's live
 * definition; a transient pool has nothing else), and the lifecycle steps
 * define, create, build, start, destroy, delete, undefine, refresh, info,
 * autostart. Each step takes the pool's lock and leaves things as they were
 * when it fails. */
#ifndef LV_POOL_RUN_H
#define LV_POOL_RUN_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "pool_def.h"

/* First use of the storage API: define, build and start the `default` dir
 * pool at <lib>/images (once: it stays gone if the user removes it), and
 * start the autostart pools once per boot (the run dir is new). */
int pool_run_init(const struct lv_conn *c, struct lv_err *err);

int pool_run_is_active(const struct lv_conn *c, const char *name);

/* The name of the pool called or with uuid name_or_uuid, malloc'd; NULL
 * with LV_E_NO_POOL. */
char *pool_run_resolve(const struct lv_conn *c, const char *name_or_uuid,
                       struct lv_err *err);

/* The live definition of an active pool (inactive = 0), else the
 * persistent one. Caller frees; NULL with LV_E_NO_POOL. */
struct pool_def *pool_run_get_def(const struct lv_conn *c, const char *name,
                                  int inactive, struct lv_err *err);

/* Sorted names of all pools: persistent and active transient ones. */
int pool_run_names(const struct lv_conn *c, char ***names, size_t *n,
                   struct lv_err *err);

/* Define (or update the persistent definition of) a pool from XML. Returns
 * the new definition (caller frees), or NULL with err; nothing changed. */
struct pool_def *pool_run_define(const struct lv_conn *c, const char *xml,
                                 size_t len, struct lv_err *err);

/* Create a transient pool from XML and start it (build first if build). */
struct pool_def *pool_run_create(const struct lv_conn *c, const char *xml,
                                 size_t len, int build, unsigned flags,
                                 struct lv_err *err);

/* flags: POOL_BUILD_OVERWRITE / POOL_BUILD_NO_OVERWRITE (pool_backend.h) */
int pool_run_build(const struct lv_conn *c, const char *name, unsigned flags,
                   struct lv_err *err);
int pool_run_start(const struct lv_conn *c, const char *name, int build,
                   unsigned flags, struct lv_err *err);
int pool_run_destroy(const struct lv_conn *c, const char *name,
                     struct lv_err *err);
/* Delete what build made (inactive pools only); *removed names it. */
int pool_run_delete(const struct lv_conn *c, const char *name, char **removed,
                    struct lv_err *err);
int pool_run_undefine(const struct lv_conn *c, const char *name,
                      struct lv_err *err);
int pool_run_refresh(const struct lv_conn *c, const char *name,
                     struct lv_err *err);
int pool_run_set_autostart(const struct lv_conn *c, const char *name, int on,
                           struct lv_err *err);

/* The pool's definition with capacity/allocation/available filled when
 * it is active (caller frees). */
struct pool_def *pool_run_info(const struct lv_conn *c, const char *name,
                               struct lv_err *err);

/* An active pool's definition and backend, or NULL with err (LV_E_NO_POOL,
 * LV_E_STATE "pool 'x' is not active"). For vol_ops.c. */
struct pool_backend;
struct pool_def *pool_run_active_def(const struct lv_conn *c,
                                     const char *name,
                                     const struct pool_backend **be,
                                     struct lv_err *err);

#endif
