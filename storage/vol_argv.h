/* vol_argv.h - the qemu-img command line that creates a volume, or
 * converts (clones) another volume into it: libvirt 11's
 * virStorageBackendCreateQemuImgCmdFromVol, checked against libvirt's
 * storagevolxml2argv tests. Pure: no files are looked at. */
#ifndef LV_VOL_ARGV_H
#define LV_VOL_ARGV_H

#include "pool_def.h"
#include "vol_def.h"
#include "err.h"

enum {
    /* preallocation=metadata (falloc when allocation >= capacity): qcow2
     * only (VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA) */
    VOL_ARGV_PREALLOC_METADATA = 1 << 0,
};

/* The qemu-img argv (argv[0] = "qemu-img", looked up in PATH) that
 * creates vol (in pool) with its target path, format, size, backing file
 * and qcow2 options: "qemu-img create -f qcow2 -b B -o backing_fmt=raw,
 * compat=1.1 PATH 5242880K". With invol (in inpool; inpool may be NULL),
 * the argv converts invol into vol instead ("qemu-img convert -f raw -O
 * qcow2 IN OUT"); vol's backing store is then ignored. Returns a
 * NULL-terminated array to free with lv_argv_free(), or NULL with err
 * set: LV_E_UNSUPPORTED for encrypted volumes, LV_E_INVALID for
 * impossible requests (no target path, options on a non-qcow2 format,
 * lazy_refcounts with compat 0.10, preallocation with a backing file).
 * The backing file's existence is the caller's to check. */
char **vol_argv_create(const struct pool_def *pool, const struct vol_def *vol,
                       const struct pool_def *inpool,
                       const struct vol_def *invol, unsigned flags,
                       struct lv_err *err);

#endif
