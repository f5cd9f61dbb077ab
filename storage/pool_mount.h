/* pool_mount.h - mounting for the fs and netfs pool types: mount(8) and
 * umount(8) through lv_spawn, and whether a target is mounted
 * (/proc/self/mountinfo). Private to storage/. */
#ifndef LV_POOL_MOUNT_H
#define LV_POOL_MOUNT_H

#include "err.h"
#include "pool_def.h"

/* Is def's target a mount point? 1 yes, 0 no. */
int pool_mount_is_mounted(const struct pool_def *def);

/* mount [-t type] [-o opts] src target; an already mounted target is
 * fine (libvirt too). type may be NULL (auto). */
int pool_mount(const struct pool_def *def, const char *src, const char *type,
               struct lv_err *err);

/* umount target (not mounted: nothing to do). */
int pool_umount(const struct pool_def *def, struct lv_err *err);

/* rmdir the (unmounted) target; *removed names it. */
int pool_mount_remove_target(const struct pool_def *def, char **removed,
                             struct lv_err *err);

#endif
