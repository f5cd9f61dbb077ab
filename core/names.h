/* names.h - the one rule for object names, libvirt's: domains, networks,
 * pools, volumes and snapshots are named by non-empty strings of at most
 * LV_NAME_MAX bytes, without control characters, without '/' and not
 * starting with '.' (a name is a file name in the state dir). */
#ifndef LV_NAMES_H
#define LV_NAMES_H

#include "err.h"

#define LV_NAME_MAX 200

/* Check name as a name of kind ("domain", "network", "pool", "volume",
 * "snapshot"). 0 when it is good; else -1 and err (may be NULL) is
 * LV_E_INVALID "<kind> 'NAME': invalid name: <reason>", with control
 * characters of NAME shown as \xNN. Changes nothing. */
int lv_name_check(const char *kind, const char *name, struct lv_err *err);

#endif
