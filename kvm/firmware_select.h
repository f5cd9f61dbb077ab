/* firmware_select.h - choosing a guest's firmware from the QEMU firmware
 * descriptors (firmware.h) by libvirt's rules, for <os firmware='efi'|'bios'>
 * with no loader path, and completing a manual <loader type='pflash'> (its
 * NVRAM template and file) the same way. Pure: reads nothing but its
 * arguments, so it is tested against libvirt's own test descriptors. */
#ifndef LV_FIRMWARE_SELECT_H
#define LV_FIRMWARE_SELECT_H

#include "dom_def.h"
#include "err.h"
#include "firmware.h"

struct firmware_fill_opts {
    const char *machine;    /* the canonical machine type ("pc-q35-7.2"),
                             * for the descriptors' globs; NULL: the
                             * definition's own, else "pc" */
    const char *nvram_dir;  /* where per-guest NVRAM files live
                             * (<lib>/qemu/nvram); NULL: none is named */
};

/* Checks that need no host: UEFI needs <acpi/>, secure boot (<loader
 * secure='yes'> or the secure-boot feature) needs a q35 machine, loader and
 * NVRAM formats are raw or qcow2. -1 with err (LV_E_UNSUPPORTED or
 * LV_E_INVALID, without the domain's name) on the first problem. */
int firmware_select_check(const struct dom_def *def, struct lv_err *err);

/* The first descriptor of l that suits def, in libvirt's order and by its
 * rules (interface, paths, machine and arch, requested features, SMM,
 * flash mode and format: raw unless qcow2 is asked for); NULL if none. */
const struct firmware_desc *
firmware_select_match(const struct firmware_list *l, const struct dom_def *def,
                      const char *machine);

/* Complete def->os in place as libvirt's firmware selection does: the
 * chosen loader (type, read-only, format, secure), the NVRAM template, the
 * smm feature a descriptor requires, the firmware feature list, and the
 * NVRAM file path (<nvram_dir>/<name>_VARS.fd) of a stateful pflash loader
 * that names none. A definition with neither <os firmware=> nor a pflash
 * loader is left as it is. <os firmware='bios'> with no matching
 * descriptor keeps QEMU's built-in SeaBIOS. Returns 0, or -1 with err
 * (firmware_select_check's errors; LV_E_UNSUPPORTED "no 'efi' firmware
 * matches ...") and def possibly half-completed: fill a copy. */
int firmware_select_fill(struct dom_def *def, const struct firmware_list *l,
                         const struct firmware_fill_opts *o, struct lv_err *err);

#endif
