/* dom_check.h - the one check of a domain definition that define,
 * validate, create and start all run. */
#ifndef LV_DOM_CHECK_H
#define LV_DOM_CHECK_H

#include "conn.h"
#include "dom_def.h"
#include "err.h"

/* What start would refuse and define can know without the host's state:
 * the name, the firmware the <os> asks for (descriptors, not images), and
 * everything the QEMU argv builder refuses (models, addresses, device
 * classes, USB devices without a USB controller, ...). The argv is built
 * as for a display: no sockets, taps or host memory probe. 0 or -1 with
 * err naming the domain and the cause. */
int dom_check(struct lv_conn *c, const struct dom_def *def, struct lv_err *err);

#endif
