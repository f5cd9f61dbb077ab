/* qemu_argv_priv.h - shared state of the argv builder split by device class
 * (qemu_argv.c, _disk.c, _net.c, _chr.c, _misc.c): the growing argv, PCI
 * slot allocation on the root bus, boot indexes and helpers that emit JSON
 * -device/-blockdev/-netdev/-object arguments. Not for other modules. */
#ifndef LV_QEMU_ARGV_PRIV_H
#define LV_QEMU_ARGV_PRIV_H

#include <jansson.h>
#include <stddef.h>

#include "dom_def.h"
#include "err.h"
#include "qemu_argv.h"
#include "strbuf.h"

/* The argv is built twice: a first pass records every PCI device that
 * needs an automatic address, they are placed in libvirt's order (which
 * decides who gets which slot or root port), and the second pass builds
 * the argv with those addresses (qemu_argv_pci.c). */
struct pci_req {
    int rank;                /* libvirt's placement order of its class */
    json_t *dev;             /* its -device (bus and addr set when placed) */
    char what[64];
};
struct pci_plan {
    int collect;             /* 1: first pass; 0: second pass */
    struct pci_req *reqs;
    size_t n, next;          /* next: the second pass's next request */
    char **extra;            /* the added root ports and bridges (args) */
};

struct qemu_argv_ctx {
    const struct dom_def *def;
    const struct qemu_argv_opts *o;
    struct lv_err *err;
    char **argv;
    size_t n, cap;
    int q35;                 /* machine is Q35 (pcie.0, ICH9) */
    const char *root_bus;    /* "pci.0" or "pcie.0" */
    unsigned bus_slots[256]; /* per PCI bus index: slots taken (bit n) */
    int video_slot;          /* slot kept for the primary video, or -1 */
    int boot_per_device;     /* some device has <boot order=> */
    int usb_ok;              /* a USB controller (bus usb.0) exists */
    int usb_port;            /* next automatic USB port */
    int ich9_slot;           /* root slot of the ICH9 USB set, 0: none yet */
    struct { long ctrl, port; } *vs; /* per def->chrs: virtio-serial
                              * address of a channel, -1 where none */
    long *vs_add;            /* virtio-serial controllers to add */
    size_t n_vs_add;
    const char *audiodev;    /* "audio1" when -audiodev was emitted */
    /* the PCI hierarchy (qemu_argv_pci.c) */
    struct pci_plan *plan;
    unsigned char index_used[256]; /* pci controller indexes taken */
    unsigned char rp_added[256];   /* root ports added as libvirt adds them */
    size_t n_rps_listed, n_rps_added;
    int rp_slot, rp_fn;      /* next automatic root port address on pcie.0 */
    int bridge_added;        /* index of an added pcie-to-pci-bridge, or 0 */
    size_t pci_insert;       /* argv position for the added controllers */
    char **pci_extra;        /* their arguments, NULL-terminated */
    size_t n_pci_extra;
};

/* argv growth; strings are copied. */
void qemu_argv_add(struct qemu_argv_ctx *c, const char *arg);
void qemu_argv_addf(struct qemu_argv_ctx *c, const char *fmt, ...)
    LV_PRINTF(2, 3);
/* Add opt and the compact JSON of obj; takes over obj (decref'd). */
void qemu_argv_add_json(struct qemu_argv_ctx *c, const char *opt, json_t *obj);
/* Append s to b with QEMU's key=value escaping (',' doubled). */
void qemu_argv_kv_escape(struct strbuf *b, const char *s);

/* PCI placement (qemu_argv_pci.c). Put dev on the PCI bus: the explicit
 * <address type='pci'>, or where libvirt puts it (see the file). what names
 * the device in errors. */
int qemu_argv_pci_place(struct qemu_argv_ctx *c, const struct dom_address *a,
                        json_t *dev, const char *what);
/* Mark the explicit slots and pci controller indexes as taken. */
void qemu_argv_pci_reserve(struct qemu_argv_ctx *c);
/* Root bus slots: free?, take one, take the next free one (or -1). */
int qemu_argv_root_slot_free(const struct qemu_argv_ctx *c, int slot);
void qemu_argv_root_slot_take(struct qemu_argv_ctx *c, int slot);
int qemu_argv_root_slot_next(struct qemu_argv_ctx *c, const char *what);
/* The next automatic address of a root port on pcie.0 (and its port=). */
int qemu_argv_pci_rootport_addr(struct qemu_argv_ctx *c, json_t *dev,
                                const char *what);
/* Is the QEMU device drv a PCI Express endpoint (a root port each on Q35)? */
int qemu_argv_pci_is_pcie(const char *drv);
/* After the first pass: place what it recorded, in libvirt's order, and
 * add libvirt's spare root port; 0 or -1 with c->err. */
int qemu_argv_pci_allocate(struct qemu_argv_ctx *c);
/* After the second pass: splice the added root ports and bridges into the
 * argv at c->pci_insert (after the listed PCI controllers). */
void qemu_argv_pci_finish(struct qemu_argv_ctx *c);
void qemu_argv_pci_plan_free(struct pci_plan *p);
/* Boot index of disk i / interface i: 0 when it has none. */
int qemu_argv_disk_bootindex(const struct qemu_argv_ctx *c, size_t i);
int qemu_argv_net_bootindex(const struct qemu_argv_ctx *c, size_t i);
/* An attribute of an address as an unsigned number ("0x0a", "3"); dflt
 * when absent, -1 when malformed. */
long qemu_argv_addr_num(const struct dom_address *a, const char *key,
                        long dflt);

/* The controller index a disk sits on (from its drive address or its
 * target name), -1 if unknown. */
long qemu_argv_disk_ctrl(const struct dom_disk *k);

/* Firmware (qemu_argv_firmware.c): the -machine pflash0=/pflash1=
 * properties appended to b, and the loader's own arguments (-bios, the
 * pflash -blockdev nodes, SMM-only flash writes); 0 or -1 with c->err. */
void qemu_argv_firmware_machine(struct qemu_argv_ctx *c, struct strbuf *b);
int qemu_argv_firmware(struct qemu_argv_ctx *c);
/* Plan the virtio-serial addresses of the channels into c->vs and the
 * controllers to add into c->vs_add (qemu_argv_vserial.c); 0 or -1. */
int qemu_argv_vserial_plan(struct qemu_argv_ctx *c);

/* The -chardev for ch with id (qemu_argv_chr.c); vmc_name is the name a
 * spicevmc backend gets ("vdagent", "usbredir"); what names the device in
 * errors. 0 or -1 with c->err. */
int qemu_argv_chardev(struct qemu_argv_ctx *c, const struct dom_chr *ch,
                      const char *id, const char *vmc_name, const char *what);

/* Guest memory (qemu_argv_mem.c): the machine options it needs
 * (mem-merge=off, memory-backend=pc.ram) appended to b; the -object,
 * -numa and -overcommit options after -smp (0 or -1 with c->err); whether
 * the whole RAM needs a backend object of its own. */
void qemu_argv_mem_machine(const struct qemu_argv_ctx *c, struct strbuf *b);
int qemu_argv_memory(struct qemu_argv_ctx *c);
int qemu_argv_mem_needs_backend(const struct qemu_argv_ctx *c);

/* A network disk source (qemu_argv_netdisk.c): its -blockdev protocol
 * node (no node-name yet), or NULL with err. */
struct qemu_netdisk {
    const char *what;          /* "disk 'vda'" for errors */
    const char *protocol, *name, *query;
    const struct dom_disk_host *hosts;
    size_t n_hosts;
    int has_auth;              /* an <auth> is given */
};
json_t *qemu_argv_netdisk_node(const struct qemu_netdisk *s, struct lv_err *err);

/* The device classes, in argv order. Each returns 0 or -1 with c->err. */
int qemu_argv_controllers(struct qemu_argv_ctx *c);
int qemu_argv_disks(struct qemu_argv_ctx *c);
int qemu_argv_nets(struct qemu_argv_ctx *c);
int qemu_argv_chrs(struct qemu_argv_ctx *c);
int qemu_argv_inputs(struct qemu_argv_ctx *c);
int qemu_argv_tpms(struct qemu_argv_ctx *c);   /* qemu_argv_firmware.c */
int qemu_argv_graphics(struct qemu_argv_ctx *c);
int qemu_argv_videos(struct qemu_argv_ctx *c);
int qemu_argv_sounds(struct qemu_argv_ctx *c);
int qemu_argv_watchdogs(struct qemu_argv_ctx *c);
int qemu_argv_balloon(struct qemu_argv_ctx *c);
int qemu_argv_rngs(struct qemu_argv_ctx *c);
int qemu_argv_redirdevs(struct qemu_argv_ctx *c);
int qemu_argv_panics(struct qemu_argv_ctx *c);

#endif
