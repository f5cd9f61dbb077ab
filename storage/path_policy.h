/* path_policy.h - which host files a guest may be given by path: disk
 * images, backing files, kernels and firmware are resolved once
 * (realpath) and refused under /etc, /proc, /sys, /dev (block devices as
 * images excepted), and under /boot unless a kernel, initrd or dtb. A
 * symlink to /etc/shadow is thus refused whatever its name. */
#ifndef LV_PATH_POLICY_H
#define LV_PATH_POLICY_H

#include <sys/types.h>

#include "err.h"

enum path_use {
    PATH_USE_IMAGE = 0,    /* a disk image or backing file: file or block device */
    PATH_USE_KERNEL,       /* kernel, initrd, dtb: a file, /boot allowed */
    PATH_USE_FIRMWARE,     /* loader, NVRAM: a file */
};

/* Check an already resolved path with the file type mode (st_mode) for
 * use. 0, or -1 with err: "WHAT: 'RESOLVED': <cause>". Pure: no I/O. */
int path_policy_check(const char *resolved, mode_t mode, enum path_use use,
                      const char *what, struct lv_err *err);

/* Resolve path (realpath, every symlink followed) and check it for use;
 * *resolved gets the malloc'd result. what names the object ("domain 'g':
 * disk 'vda'"); a path reached through a symlink is named with its target.
 * 0, or -1 with err and *resolved NULL. Nothing changes. */
int path_policy_resolve(const char *path, enum path_use use, const char *what,
                        char **resolved, struct lv_err *err);

/* Is path below dir (or dir itself)? Both resolved. */
int path_policy_under(const char *path, const char *dir);

#endif
