/* qemu_argv.h - the QEMU command line of a domain definition: machine, CPU,
 * memory, boot and every device, in the spirit of libvirt's qemu_command.c,
 * for QEMU 7.2 (JSON -device/-blockdev/-netdev, key=value -chardev). */
#ifndef LV_QEMU_ARGV_H
#define LV_QEMU_ARGV_H

#include "dom_def.h"
#include "err.h"

struct host_mem;

struct qemu_argv_opts {
    const char *emulator;  /* QEMU binary; NULL: def->emulator, else
                            * /usr/bin/qemu-system-x86_64 */
    const char *run_dir;   /* per-guest run dir: sockets and logs; may be
                            * NULL only when nothing needs a path */
    int qmp_fd;            /* listening unix socket for the shells' QMP
                            * monitor, or -1: run_dir/qmp.sock */
    int qmp_sup_fd;        /* same for the supervisor's own monitor, or -1:
                            * run_dir/qmp-sup.sock */
    int accel_kvm;         /* 1: -accel kvm (caller checked KVM works);
                            * 0: -accel tcg */
    const int *tap_fds;    /* per interface index, -1 where none; NULL:
                            * none at all */
    const int *chr_fds;    /* per chardev index (def->chrs): a listening
                            * unix socket at its <source path> made by the
                            * caller (a confined QEMU cannot make it), -1
                            * where none; NULL: QEMU makes every socket */
    int for_display;       /* 1: for people (domxml-to-native) or a
                            * check: no fds needed, tap fds print as
                            * "-1", a firmware='efi' not yet chosen
                            * (dom_firmware.h) is left out */
    const struct host_mem *host_mem; /* hugetlbfs mounts, host NUMA nodes
                            * (kvm/host_mem.h); NULL: not checked, huge
                            * pages named /dev/hugepages, node 0 */
};

/* The TPM's control socket in the run dir: swtpm serves it, QEMU's
 * -chardev connects to it (dom_tpm.h). */
#define QEMU_ARGV_SWTPM_SOCK "swtpm.sock"

/* Build the argv (argv[0] is the emulator) for def. Nothing in def or o is
 * taken over. Never contains a secret: graphics passwords are set later
 * over QMP, so VNC gets password=on and SPICE keeps ticketing on. Returns a
 * NULL-terminated malloc'd argv to free with lv_argv_free(), or NULL with
 * err set ("domain 'x': disk 'vda': unsupported bus 'foo'"). */
char **qemu_argv_build(const struct dom_def *def,
                       const struct qemu_argv_opts *o, struct lv_err *err);

/* Round a size in KiB up to whole MiB, as -m size=NM needs it. */
unsigned long long qemu_argv_mem_mib(unsigned long long kib);

#endif
