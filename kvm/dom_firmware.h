/* dom_firmware.h - a domain's firmware on this host: choosing it from the
 * host's QEMU firmware descriptors (firmware_select.h) for define, start
 * and domxml-to-native, and the guest's own NVRAM file (like libvirt's
 * /var/lib/libvirt/qemu/nvram/NAME_VARS.fd): made from the template on
 * first start, removed or kept on undefine, moved by domrename. */
#ifndef LV_DOM_FIRMWARE_H
#define LV_DOM_FIRMWARE_H

#include "conn.h"
#include "dom_def.h"
#include "err.h"

/* Does def need a firmware choice or NVRAM (<os firmware=>, or a pflash
 * loader)? 1 or 0. */
int dom_firmware_wanted(const struct dom_def *def);

/* Complete def->os in place from the host's descriptors, as a start
 * would: the loader, its NVRAM template and the NVRAM path. Nothing is
 * created. Returns 0 (also when nothing was to do), or -1 with err
 * ("domain 'x': no UEFI firmware descriptor matches ...") and def
 * possibly half-filled: pass a copy. */
int dom_firmware_fill(struct lv_conn *c, struct dom_def *def, struct lv_err *err);

/* Define-time check: what dom_firmware_fill would refuse (no matching
 * descriptor, secure boot on pc, UEFI without ACPI), on a copy of def.
 * The host's state (a missing image) is not checked here. 0 or -1. */
int dom_firmware_check(struct lv_conn *c, const struct dom_def *def,
                       struct lv_err *err);

/* Start-time: after dom_firmware_fill on the live definition, check that
 * the loader image exists and create the NVRAM file from its template if
 * it does not exist yet (atomically). -1 with err ("domain 'x': cannot
 * start: firmware image '/p' does not exist") and nothing created. */
int dom_firmware_prepare(struct lv_conn *c, const struct dom_def *def,
                         struct lv_err *err);

/* The NVRAM file of the persistent definition def: its <nvram> path, or
 * for a UEFI guest the one luavirt names for it (<lib>/qemu/nvram/
 * NAME_VARS.fd or .qcow2) if that file exists; NULL if it has none.
 * malloc'd. */
char *dom_firmware_nvram_path(struct lv_conn *c, const struct dom_def *def);

/* domrename: move an NVRAM file luavirt named for old_name (none, or one
 * the definition names itself, is left alone). 0 or -1 with err. */
int dom_firmware_rename_nvram(struct lv_conn *c, const struct dom_def *def,
                              const char *new_name, struct lv_err *err);

#endif
