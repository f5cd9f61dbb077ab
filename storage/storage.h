/* storage.h - the public face of storage/ for the rest of luavirt (kvm/):
 * which pool and volume a file is, where a volume lives and in which
 * format, and removing a guest's volume by path. Everything here works
 * from the persistent pool definitions under <lib>/storage/ and the pools'
 * target directories; nothing here includes kvm/ or net/ headers. */
#ifndef LV_STORAGE_H
#define LV_STORAGE_H

#include "conn.h"
#include "err.h"

/* Which pool and volume the file or device at path is: the first active
 * pool (by name) whose target directory holds path (after realpath) and in
 * which a volume of that name exists. On success *pool and *vol are
 * malloc'd names the caller frees. Returns -1 with LV_E_NO_VOLUME when no
 * pool holds path (a normal answer for a disk outside all pools), or with
 * another code for a real failure. Nothing changes. */
int storage_vol_lookup_path(const struct lv_conn *c, const char *path,
                            char **pool, char **vol, struct lv_err *err);

/* The path and format ("raw", "qcow2", ...) of volume vol in pool. The
 * pool must be active. On success *path and *format are malloc'd (format
 * may be passed as NULL if not wanted). Returns -1 with LV_E_NO_POOL or
 * LV_E_NO_VOLUME, naming the pool/volume. Nothing changes. */
int storage_vol_path(const struct lv_conn *c, const char *pool,
                     const char *vol, char **path, char **format,
                     struct lv_err *err);

/* Delete the volume whose file is path (for undefine
 * --remove-all-storage): finds its pool with storage_vol_lookup_path and
 * deletes it like vol-delete, which refuses while a running guest uses it
 * (LV_E_BUSY naming the guest). A path in no pool gives LV_E_NO_VOLUME and
 * nothing is removed; the caller decides whether to unlink it itself. */
int storage_vol_delete_path(const struct lv_conn *c, const char *path,
                            struct lv_err *err);

/* Which running guest has path open as a disk (walks the running guests'
 * live definitions, lv_conn_each_running_guest). Returns 1 with *guest malloc'd, 0 if none, -1 with err.
 * skip names a guest to ignore (NULL: none). */
int storage_path_in_use(const struct lv_conn *c, const char *path,
                        const char *skip, char **guest, struct lv_err *err);

#endif
