/* pool_backend.h - what each pool type does (dir, fs, netfs, logical):
 * a table of operations the pool runtime (pool_run.c) and the volume
 * operations (vol_ops.c) call. File-based pools (dir, fs, netfs) share the
 * file volume operations of pool_dir.c. Private to storage/. */
#ifndef LV_POOL_BACKEND_H
#define LV_POOL_BACKEND_H

#include <stdint.h>

#include "err.h"
#include "pool_def.h"
#include "qemu_img.h"
#include "vol_def.h"

/* A volume to create: vol in pool, optionally with the data of from (in
 * frompool), reporting progress of the copy in percent. */
struct vol_create_req {
    const struct pool_def *pool;
    const struct vol_def *vol;
    const struct pool_def *frompool;    /* NULL: none */
    const struct vol_def *from;         /* NULL: a new empty volume */
    qemu_img_progress_fn progress;      /* may be NULL */
    void *arg;
};

enum { POOL_BUILD_OVERWRITE = 1 << 0, POOL_BUILD_NO_OVERWRITE = 1 << 1 };

struct pool_backend {
    /* make the target (mkdir; mkfs only with OVERWRITE; vgcreate) */
    int (*build)(const struct pool_def *def, unsigned flags,
                 struct lv_err *err);
    /* make the pool usable (mount, vgchange -ay); NULL: nothing to do */
    int (*start)(const struct pool_def *def, struct lv_err *err);
    int (*stop)(const struct pool_def *def, struct lv_err *err);
    /* remove what build made; *removed says what, for people */
    int (*remove)(const struct pool_def *def, char **removed,
                  struct lv_err *err);
    /* fill def->capacity/allocation/available */
    int (*info)(struct pool_def *def, struct lv_err *err);
    /* volume names (sorted; free with lv_store_names_free) */
    int (*vol_names)(const struct pool_def *def, char ***names, size_t *n,
                     struct lv_err *err);
    /* the volume's live definition (path, format, sizes, backing), or
     * NULL with LV_E_NO_VOLUME */
    struct vol_def *(*vol_load)(const struct pool_def *def, const char *name,
                                struct lv_err *err);
    /* create req->vol (target.path set), copying req->from's data */
    int (*vol_create)(const struct vol_create_req *req, struct lv_err *err);
    int (*vol_delete)(const struct pool_def *def, const struct vol_def *vol,
                      struct lv_err *err);
    int (*vol_resize)(const struct pool_def *def, const struct vol_def *vol,
                      uint64_t capacity, int shrink, struct lv_err *err);
};

/* The backend of a supported pool type, or NULL with LV_E_UNSUPPORTED. */
const struct pool_backend *pool_backend_get(enum pool_type type,
                                            struct lv_err *err);

extern const struct pool_backend pool_dir_backend;
extern const struct pool_backend pool_fs_backend;
extern const struct pool_backend pool_netfs_backend;
extern const struct pool_backend pool_logical_backend;

/* ---- file volumes, shared by dir/fs/netfs (pool_dir.c) ---- */
int pool_dir_info(struct pool_def *def, struct lv_err *err);
int pool_dir_vol_names(const struct pool_def *def, char ***names, size_t *n,
                       struct lv_err *err);
struct vol_def *pool_dir_vol_load(const struct pool_def *def,
                                  const char *name, struct lv_err *err);
int pool_dir_vol_create(const struct vol_create_req *req, struct lv_err *err);
int pool_dir_vol_delete(const struct pool_def *def, const struct vol_def *vol,
                        struct lv_err *err);
int pool_dir_vol_resize(const struct pool_def *def, const struct vol_def *vol,
                        uint64_t capacity, int shrink, struct lv_err *err);
/* mkdir the target (mode from the definition, default 0755); an existing
 * non-directory is an error naming it */
int pool_dir_make_target(const struct pool_def *def, struct lv_err *err);
/* Is the target a directory? 0, or -1 with an error naming the path */
int pool_dir_check_target(const struct pool_def *def, struct lv_err *err);

/* Run argv; -1 with "pool 'NAME': PROG failed: <last stderr line>" */
int pool_backend_run(const struct pool_def *def, char *const argv[],
                     struct lv_err *err);

#endif
