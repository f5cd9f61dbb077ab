/* dom_chr_sock.h - the host files of a confined guest's character devices
 * (see kvm/dom_jail.h): QEMU, running as luavirt-qemu, cannot create a
 * file or a socket in a directory of root's, so luavirt makes them first,
 * as libvirt does: the listening unix sockets are made here and passed as
 * fds (-chardev socket,fd=N), the files and log files are created and, with
 * the pipes, handed over by ownership (dom_dac.h). */
#ifndef LV_DOM_CHR_SOCK_H
#define LV_DOM_CHR_SOCK_H

#include <stddef.h>

#include "dom_def.h"
#include "dom_jail.h"
#include "err.h"

/* For def's QEMU confined by j: make the files and sockets its chardevs
 * name (checked by the path policy first: never under /etc, /proc, /sys,
 * /dev, /boot) and hand them over, recording owners in run_dir. *fds gets
 * a malloc'd array with one entry per def->chrs (a listening socket, or
 * -1), or NULL when j is off or there is no socket to make. 0, or -1 with
 * err and nothing left open. */
int dom_chr_sock_prepare(const char *run_dir, const struct dom_jail *j,
                         const struct dom_def *def, int **fds,
                         struct lv_err *err);

/* Close the fds of dom_chr_sock_prepare (n = def->n_chrs) and free them. */
void dom_chr_sock_close(int *fds, size_t n);

#endif
