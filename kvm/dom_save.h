/* dom_save.h - save, restore and managed save: a running guest's memory
 * and device state streamed by QEMU's migration into a file (after a small
 * luavirt header and the domain XML, like libvirt's save image), and a
 * guest started again from such a file with -incoming defer. */
#ifndef LV_DOM_SAVE_H
#define LV_DOM_SAVE_H

#include "conn.h"
#include "dom_start.h"
#include "err.h"

/* Save running (or paused) guest name to path and stop it. Returns 0, or
 * -1 with err; on failure the guest goes on as before and no file is left. */
int dom_save(struct lv_conn *c, const char *name, const char *path,
             struct lv_err *err);

enum dom_restore_state { DOM_RESTORE_AS_SAVED = 0, DOM_RESTORE_RUNNING,
                         DOM_RESTORE_PAUSED };
/* Start the guest saved in path from its saved state (running or paused
 * as it was, unless told). A guest not defined here runs transient.
 * *name_out (may be NULL) gets its name. The file is kept. */
int dom_restore(struct lv_conn *c, const char *path, enum dom_restore_state st,
                char **name_out, struct lv_err *err);

/* virsh managedsave: save to <lib>/qemu/save/NAME.save; the next start
 * resumes from it. The guest must be persistent. */
int dom_managed_save(struct lv_conn *c, const char *name, struct lv_err *err);
/* Drop the managed save image (0 also when there is none). */
int dom_managed_save_remove(struct lv_conn *c, const char *name,
                            struct lv_err *err);
/* Where name's managed save image is (malloc'd), whether or not it is. */
char *dom_managed_save_path(const struct lv_conn *c, const char *name);
/* 1 if name has a managed save image. */
int dom_managed_save_exists(const struct lv_conn *c, const char *name);
/* dom_start() of a managed-saved guest: resume from the image, then
 * delete it. o->paused leaves it paused. */
int dom_managed_save_start(struct lv_conn *c, const char *name,
                           const struct dom_start_opts *o, struct lv_err *err);

#endif
