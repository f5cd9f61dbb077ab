/* vol_ops.h - storage volume operations on an active pool: look up, list,
 * create (from XML, a definition, or another volume's data), delete,
 * resize, wipe, upload and download. Destructive steps refuse a volume a
 * running guest uses (naming the guest) or that is another volume's
 * backing file; a failure leaves the pool as it was. */
#ifndef LV_VOL_OPS_H
#define LV_VOL_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "err.h"
#include "qemu_img.h"
#include "vol_def.h"
#include "vol_stream.h"

/* The live definition of volume name in the active pool (path, format,
 * capacity, allocation, backing). Caller frees; NULL with LV_E_NO_VOLUME
 * or LV_E_NO_POOL/LV_E_STATE. */
struct vol_def *vol_ops_load(const struct lv_conn *c, const char *pool,
                             const char *name, struct lv_err *err);

/* The path of volume name (cheap: no image probe), malloc'd; NULL with
 * LV_E_NO_VOLUME. */
char *vol_ops_path(const struct lv_conn *c, const char *pool,
                   const char *name, struct lv_err *err);

/* Sorted volume names of the active pool (lv_store_names_free). */
int vol_ops_names(const struct lv_conn *c, const char *pool, char ***names,
                  size_t *n, struct lv_err *err);

/* Find the volume whose path or key is path_or_key among the active
 * pools; *pool and *vol are malloc'd. -1 with LV_E_NO_VOLUME if none. */
int vol_ops_find(const struct lv_conn *c, const char *path_or_key,
                 char **pool, char **vol, struct lv_err *err);

struct vol_ops_src {
    const char *pool;      /* pool of the volume to copy from */
    const char *name;      /* its name */
    qemu_img_progress_fn progress;
    void *arg;
};

/* Create a volume in pool from volume XML (from: copy that volume's data,
 * vol-create-from; NULL: a new volume). Returns the new volume's name
 * (malloc'd), or NULL with err; nothing is left behind on failure. */
char *vol_ops_create_xml(const struct lv_conn *c, const char *pool,
                         const char *xml, size_t len,
                         const struct vol_ops_src *from, struct lv_err *err);

/* The same from a definition; takes over def (freed here). A relative
 * backing path names a volume of the same pool (virsh --backing-vol). */
char *vol_ops_create_def(const struct lv_conn *c, const char *pool,
                         struct vol_def *def, const struct vol_ops_src *from,
                         struct lv_err *err);

/* Delete the volume; *removed (malloc'd) names the file/LV removed. */
int vol_ops_delete(const struct lv_conn *c, const char *pool,
                   const char *name, char **removed, struct lv_err *err);

/* Set the capacity (bytes). Smaller than now is refused unless shrink. */
int vol_ops_resize(const struct lv_conn *c, const char *pool,
                   const char *name, uint64_t capacity, int shrink,
                   struct lv_err *err);

int vol_ops_wipe(const struct lv_conn *c, const char *pool, const char *name,
                 const struct vol_stream_opts *opts, struct lv_err *err);
int vol_ops_upload(const struct lv_conn *c, const char *pool,
                   const char *name, const char *file,
                   const struct vol_stream_opts *opts, struct lv_err *err);
int vol_ops_download(const struct lv_conn *c, const char *pool,
                     const char *name, const char *file,
                     const struct vol_stream_opts *opts, struct lv_err *err);

/* Hold volume name of pool for a stream of its bytes, a chunk at a time
 * (vol_lua_stream.c: an upload or download over a remote connection): the
 * pool's lock (lv_store_unlock it at the end) and the volume's file
 * (*path, malloc'd); an upload is refused while a running guest uses it.
 * -1 with err. */
int vol_ops_stream_begin(const struct lv_conn *c, const char *pool, const char *name,
                         int upload, char **path, struct lv_err *err);

/* The volume's XML (vol-dumpxml), malloc'd. */
char *vol_ops_xml(const struct lv_conn *c, const char *pool, const char *name,
                  struct lv_err *err);

#endif
