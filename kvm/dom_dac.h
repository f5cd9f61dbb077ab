/* dom_dac.h - handing what a confined QEMU opens by path over to its user
 * (DAC, as libvirt's security_dac driver does): at start the images,
 * kernel, initrd, NVRAM and the TPM socket are chowned to luavirt-qemu
 * and the run dir made writable by its group; each original owner is
 * recorded first in RUN_DIR/dac-owners, so that the stop, or the next
 * start after a crash, gives every file back to its owner. */
#ifndef LV_DOM_DAC_H
#define LV_DOM_DAC_H

#include "conn.h"
#include "dom_def.h"
#include "dom_jail.h"
#include "err.h"

/* Hand path over to j's user for QEMU to open (readonly: read only). A
 * read-only file the user can already read keeps its owner; otherwise its
 * owner is recorded in run_dir and it is chowned. Then the user's access
 * is checked, so that a directory it cannot search is named here, not by
 * QEMU. what names the object ("disk 'vda'"). 0, or -1 with err. */
int dom_dac_grant(const char *run_dir, const struct dom_jail *j,
                  const char *path, int readonly, const char *what,
                  struct lv_err *err);

/* Everything def's QEMU opens by path at start: disk images and their
 * <backingStore> layers (backing files QEMU finds itself are read only),
 * kernel, initrd, dtb, loader, NVRAM, the TPM socket; and the run dir
 * (group j's, mode 01770: QEMU makes its sockets and console log there,
 * and cannot remove the files of others). 0, or -1 with err; what was
 * already handed over is given back on failure. */
int dom_dac_grant_def(const char *run_dir, const struct dom_jail *j,
                      const struct dom_def *def, struct lv_err *err);

/* Hand path over to the jail of c for the running guest name (hotplug,
 * external snapshot overlays): a no-op in session scope. */
int dom_dac_grant_live(const struct lv_conn *c, const char *name,
                       const char *path, int readonly, const char *what,
                       struct lv_err *err);

struct host_mem;

/* Huge pages of a confined QEMU: it makes its files in a directory of its
 * own, <mount>/luavirt/NAME (like libvirt's <mount>/libvirt/qemu/ID-NAME),
 * made here for each hugetlbfs mount of hm, whose paths are changed to
 * them. A no-op when j is off. 0, or -1 with err. */
int dom_dac_hugepages(const struct dom_jail *j, const char *name,
                      struct host_mem *hm, struct lv_err *err);

/* Give every file recorded in run_dir back to its owner (the last one
 * first: the oldest record of a path wins) and drop the record. Best
 * effort, logged; nothing recorded: nothing done. */
void dom_dac_restore(const char *run_dir);

#endif
