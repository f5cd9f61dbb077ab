/* dom_paths.h - the host paths a guest's QEMU opens, resolved once and
 * checked before it starts (storage/path_policy.h): disk images and their
 * backing chains, kernel, initrd, dtb, loader and NVRAM. */
#ifndef LV_DOM_PATHS_H
#define LV_DOM_PATHS_H

#include "conn.h"
#include "dom_def.h"
#include "err.h"

/* Resolve every local path of def (realpath) and put the result in def,
 * so that QEMU opens what was checked. Refused, with the disk and the
 * cause named: a path the policy forbids (/etc, /proc, /sys, /dev but
 * block devices, /boot but kernels); a writable disk that reaches, under
 * another name, the image of another defined guest; a backing file QEMU
 * would find in an image's header (no <backingStore> in the XML) outside
 * every pool and outside the directory of the image above it. Such a
 * chain is written into the disk's <backingStore>s (the live definition
 * shows it, as libvirt's does). 0, or -1 with err; def is unchanged on
 * failure only in what failed. */
int dom_paths_resolve(struct lv_conn *c, struct dom_def *def,
                      struct lv_err *err);

/* The same for one disk being hotplugged (k->source replaced). */
int dom_paths_resolve_disk(struct lv_conn *c, const char *dom,
                           struct dom_disk *k, struct lv_err *err);

#endif
