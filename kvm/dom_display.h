/* dom_display.h - a running guest's graphical displays: the VNC display
 * (vncdisplay), the URI a viewer connects to (domdisplay), and a
 * screenshot of its screen (QMP screendump, PPM). */
#ifndef LV_DOM_DISPLAY_H
#define LV_DOM_DISPLAY_H

#include "conn.h"
#include "err.h"

/* vncdisplay: ":N", or "ADDR:N" when VNC listens on a given address (as
 * virsh prints it), malloc'd. A shut-off guest is LV_E_STATE, one without
 * a VNC display on a TCP port LV_E_INVALID. */
char *dom_display_vnc(struct lv_conn *c, const char *name, struct lv_err *err);

/* domdisplay: "vnc://127.0.0.1:N" or "spice://127.0.0.1:PORT" for the
 * first graphics device with a TCP port (type NULL) or of type, malloc'd. */
char *dom_display_uri(struct lv_conn *c, const char *name, const char *type,
                      struct lv_err *err);

/* screenshot: the guest's screen as a PPM image written to path (created
 * or truncated by the caller's process and handed to QEMU as an fd, so it
 * needs no access of QEMU's own). On failure no file is left if it was
 * created here. */
int dom_display_screenshot(struct lv_conn *c, const char *name, const char *path,
                           struct lv_err *err);

#endif
