/* dom_def.h - the domain definition: the one C model of a guest that libvirt
 * domain XML, Lua tables and the QEMU argv are made from and to. Everything
 * is owned by the struct dom_def it hangs off; dom_def_free() releases it.
 * Strings are NULL when the XML had no such value; numbers use 0 or -1 for
 * "absent" as their comment says; tri-state flags use enum lv_tristate. */
#ifndef LV_DOM_DEF_H
#define LV_DOM_DEF_H

#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "err.h"

/* <address type='pci' domain=.. bus=.. slot=.. function=../> and friends */
struct dom_address {
    char *type;            /* pci, drive, virtio-serial, usb, isa, ...; NULL: none */
    struct lv_attrs attrs; /* every other attribute, as given */
};

enum dom_virt_type { DOM_VIRT_KVM = 0, DOM_VIRT_QEMU };
enum dom_lifecycle_action {
    DOM_LIFE_DEFAULT = 0, DOM_LIFE_DESTROY, DOM_LIFE_RESTART,
    DOM_LIFE_PRESERVE, DOM_LIFE_RENAME_RESTART,
    DOM_LIFE_COREDUMP_DESTROY, DOM_LIFE_COREDUMP_RESTART
};
const char *dom_lifecycle_action_to_str(enum dom_lifecycle_action a);
struct dom_def;
/* libvirt's defaults for what was not given: <on_poweroff>destroy,
 * <on_reboot>restart, <on_crash>destroy. */
void dom_def_lifecycle_defaults(struct dom_def *def);
/* Controllers given without index= get one as libvirt gives it: USB ones
 * 0 (an EHCI's UHCI companions share its bus), the PCI root 0, other PCI
 * controllers the lowest free index from 1, the rest the lowest free from
 * 0 of their type. */
void dom_def_controller_indexes(struct dom_def *def);
/* What libvirt's post-parse fills in, for XML and tables alike: one vcpu,
 * the lifecycle defaults, controller indexes, a random uuid when none. */
void dom_def_post_parse(struct dom_def *def);
/* Is this <type machine=...> a Q35 machine ("q35", "pc-q35-7.2", ...)? */
int dom_machine_is_q35(const char *machine);
int dom_lifecycle_action_from_str(const char *s);

struct dom_vcpupin {
    unsigned vcpu;
    char *cpuset;          /* "0-3,^2" as given */
};

struct dom_os {
    char *type;            /* "hvm" */
    char *arch;            /* x86_64 */
    char *machine;         /* pc, q35, pc-i440fx-7.2, ... */
    char *firmware;        /* <os firmware='efi|bios'> */
    char **boot_devs;      /* <boot dev=> in order: hd, cdrom, network, fd */
    size_t n_boot_devs;
    enum lv_tristate bootmenu;
    int bootmenu_timeout;  /* ms; -1 absent */
    enum lv_tristate bios_useserial;
    int bios_reboot_timeout; /* -1 absent */
    char *loader;          /* path */
    enum lv_tristate loader_readonly;
    char *loader_type;     /* rom|pflash */
    enum lv_tristate loader_secure;
    char *loader_format;   /* raw|qcow2 */
    char *nvram;           /* path */
    char *nvram_template;
    char *nvram_format;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    enum lv_tristate smbios_sysinfo; /* <smbios mode='sysinfo'/> */
    char *smbios_mode;
    struct lv_xml_keep keep;
    /* added for the XML round trip: */
    enum lv_tristate loader_stateless;
    char *nvram_template_format; /* templateFormat= */
    char *nvram_type;      /* type='file|block|network'; then nvram is
                            * written as <source file=...> */
    struct lv_attrs firmware_features; /* <firmware><feature name=key
                                        * enabled=val/> in order */
};

struct dom_feature {
    char *name;            /* acpi, apic, pae, hap, vmport, smm, ... */
    struct lv_attrs attrs; /* state='on', eoi='on', ... as given */
    char *inner_xml;       /* children (e.g. <hyperv> content) verbatim, or NULL */
};

struct dom_cpu_feature {
    char *policy;          /* force|require|optional|disable|forbid */
    char *name;
};

/* <cpu><numa><cell> (added): a guest NUMA node */
struct dom_numa_sibling {
    unsigned id;
    unsigned value;
};

struct dom_numa_cell {
    int id;                /* -1 absent: the cell's position */
    char *cpus;            /* "0-3,8-11"; NULL: a node with memory only */
    uint64_t memory_kib;
    char *mem_access;      /* shared|private */
    char *discard;         /* yes|no */
    struct dom_numa_sibling *siblings; /* <distances><sibling id= value=> */
    size_t n_siblings;
};

struct dom_cpu {
    int present;           /* 1 if <cpu> was given */
    char *mode;            /* custom|host-model|host-passthrough|maximum */
    char *match;           /* exact|minimum|strict */
    char *check;           /* none|partial|full */
    char *migratable;      /* on|off */
    char *model;
    char *model_fallback;  /* allow|forbid */
    char *vendor;
    unsigned sockets, dies, clusters, cores, threads; /* 0: absent */
    struct dom_cpu_feature *features;
    size_t n_features;
    struct lv_xml_keep keep;  /* <cache>, <maxphysaddr> */
    struct dom_numa_cell *cells; /* added: <numa> */
    size_t n_cells;
};

/* <memoryBacking> (added) */
struct dom_hugepage {
    uint64_t size_kib;     /* 0: the host's default */
    char *nodeset;         /* guest NUMA cells it is for; NULL: all */
};

struct dom_mem_backing {
    int present;
    int hugepages;         /* <hugepages> given */
    struct dom_hugepage *pages;
    size_t n_pages;
    int nosharepages, locked, discard;
    char *source_type;     /* file|anonymous|memfd */
    char *access_mode;     /* shared|private */
    char *allocation_mode; /* immediate|ondemand */
    unsigned allocation_threads; /* 0 absent */
};

/* <numatune> (added): host NUMA nodes for guest memory */
struct dom_numatune_memnode {
    unsigned cellid;
    char *mode;            /* strict|preferred|interleave|restrictive */
    char *nodeset;
};

struct dom_numatune {
    int present;
    int memory;            /* <memory> given */
    char *mode, *nodeset, *placement;  /* of <memory> */
    struct dom_numatune_memnode *memnodes;
    size_t n_memnodes;
};

struct dom_clock_timer {
    struct lv_attrs attrs;  /* name=, present=, tickpolicy=, ... */
    struct lv_xml_keep keep; /* added: <catchup> */
};

struct dom_clock {
    char *offset;          /* utc|localtime|timezone|variable */
    char *timezone;
    char *adjustment;
    char *basis;
    struct dom_clock_timer *timers;
    size_t n_timers;
};

enum dom_disk_type { DOM_DISK_FILE = 0, DOM_DISK_BLOCK, DOM_DISK_DIR,
                     DOM_DISK_NETWORK, DOM_DISK_VOLUME };
enum dom_disk_device { DOM_DISK_DISK = 0, DOM_DISK_CDROM, DOM_DISK_FLOPPY,
                       DOM_DISK_LUN };

/* <source><host name= port= transport= socket=/> of a network disk */
struct dom_disk_host {
    char *name;
    char *port;
    char *transport;       /* tcp|unix|rdma */
    char *socket;          /* unix socket path */
};

/* One <backingStore> layer below a disk's image (added) */
struct dom_disk_layer {
    enum dom_disk_type type;
    char *index;           /* index= as given */
    char *format;          /* <format type=> */
    char *source;          /* file= / dev= / dir= */
    struct lv_attrs source_attrs;  /* protocol=, name=, ... */
    struct dom_disk_host *hosts;
    size_t n_hosts;
    struct lv_xml_keep source_keep; /* other children of <source> */
    struct lv_xml_keep keep;        /* other children of <backingStore> */
};

struct dom_disk {
    enum dom_disk_type type;
    enum dom_disk_device device;
    struct lv_attrs attrs;   /* other <disk> attributes: snapshot=, model=, rawio=, sgio= */
    char *driver_name;     /* qemu */
    char *driver_type;     /* raw, qcow2 */
    char *driver_cache;    /* none, writeback, writethrough, directsync, unsafe */
    char *driver_io;       /* native, threads, io_uring */
    char *driver_discard;  /* unmap, ignore */
    struct lv_attrs driver_attrs; /* other <driver> attributes as given */
    char *source;          /* file= or dev= or dir=; NULL: empty (cdrom) */
    char *source_pool;     /* type='volume' */
    char *source_volume;
    char *target_dev;      /* vda, hdc, sda, fda */
    char *target_bus;      /* virtio, ide, scsi, sata, usb, fdc */
    char *target_tray;     /* open|closed */
    int readonly;
    int shareable;
    int transient;
    int boot_order;        /* 0: absent */
    char *serial;
    char *wwn;
    char *alias;           /* <alias name=> */
    struct dom_address address;
    struct lv_xml_keep keep; /* <iotune>, <blockio>, ... */
    /* added for the XML round trip: */
    struct lv_attrs source_attrs; /* startupPolicy=, index=, protocol=,
                                   * name= (network), ... as given */
    struct lv_xml_keep source_keep; /* children of <source>: <host>, ... */
    struct lv_attrs target_attrs; /* removable=, rotation_rate=, ... */
    /* added: network hosts and the backing chain */
    struct dom_disk_host *hosts;  /* <source><host>s */
    size_t n_hosts;
    struct dom_disk_layer *chain; /* <backingStore>s, top down */
    size_t n_chain;
    int chain_end;                /* an empty <backingStore/> ends the
                                   * chain: the last image has no backing */
};

/* Forget the disk's <backingStore> chain (a flat copy has none). */
void dom_def_disk_drop_chain(struct dom_disk *k);
/* The hosts and backing chain of a disk: free, deep copy (d a bitwise
 * copy of s), and, for an external snapshot, moving the disk's image down
 * as the chain's new first layer (dom_def_disk.c). */
void dom_def_disk_free(struct dom_disk *k);
void dom_def_disk_copy(struct dom_disk *d, const struct dom_disk *s);
void dom_def_disk_push_down(struct dom_disk *k);

struct dom_controller {
    char *type;            /* pci, usb, ide, sata, scsi, virtio-serial, fdc */
    int index;             /* -1 absent */
    char *model;
    struct lv_attrs attrs; /* ports=, vectors=, ... */
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep; /* <driver>, <target>, <master>, ... */
};

enum dom_net_type { DOM_NET_NETWORK = 0, DOM_NET_BRIDGE, DOM_NET_USER,
                    DOM_NET_DIRECT, DOM_NET_ETHERNET,
                    /* QEMU socket backends: <source address= port=> */
                    DOM_NET_MCAST, DOM_NET_CLIENT, DOM_NET_SERVER,
                    DOM_NET_UDP };

struct dom_interface {
    enum dom_net_type type;
    char *mac;             /* always set after parse: generated if absent */
    char *source;          /* network name, bridge name, or host dev */
    char *source_mode;     /* direct: vepa|bridge|private|passthrough */
    char *model;           /* virtio, e1000, rtl8139, ... */
    char *target_dev;      /* vnet0; NULL: chosen at start */
    char *link_state;      /* up|down; NULL: up */
    int mtu;               /* 0: absent */
    int boot_order;
    char *driver_name;
    int driver_queues;     /* 0: absent */
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep; /* <bandwidth>, <virtualport>, ... */
    /* added for the XML round trip: */
    struct lv_attrs attrs;        /* trustGuestRxFilters=, ... as given */
    struct lv_attrs source_attrs; /* portgroup=, address=, port=, ... */
    struct lv_xml_keep source_keep; /* children of <source> */
    char *target_managed;         /* <target managed='no'> */
    struct lv_attrs driver_attrs; /* other <driver> attributes */
    struct lv_xml_keep driver_keep; /* <driver><host/><guest/> */
};

enum dom_chr_kind { DOM_CHR_SERIAL = 0, DOM_CHR_CONSOLE, DOM_CHR_CHANNEL,
                    DOM_CHR_PARALLEL };

struct dom_chr {
    enum dom_chr_kind kind;
    char *type;            /* pty, file, unix, tcp, udp, null, vc, stdio,
                            * spicevmc, pipe */
    char *source_path;     /* file/unix/pty path */
    char *source_mode;     /* unix/tcp: bind|connect */
    char *source_host;
    char *source_service;
    char *protocol;        /* tcp: raw|telnet */
    char *target_type;     /* serial: isa-serial|usb-serial|pci-serial;
                            * console: serial|virtio; channel: virtio|guestfwd */
    int target_port;       /* -1 absent */
    char *target_name;     /* channel: org.qemu.guest_agent.0 */
    char *target_model;    /* <model name='isa-serial'/> */
    char *log_file;
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep;
    /* added for the XML round trip: */
    char *log_append;             /* on|off */
    struct lv_attrs source_attrs; /* append=, tls=, channel=, ... */
    struct lv_xml_keep source_keep; /* <reconnect>, <clipboard>, ... */
    struct lv_attrs target_attrs; /* address=, state=, ... */
    /* added for the chardev backends: */
    char *source2_mode;           /* udp: the second <source> (libvirt */
    char *source2_host;           /* writes mode='bind' first, then */
    char *source2_service;        /* mode='connect') */
    enum lv_tristate reconnect;   /* <source><reconnect enabled=> */
    int reconnect_timeout;        /* seconds; -1 absent */
    enum lv_tristate clipboard;   /* qemu-vdagent <clipboard copypaste=> */
    char *mouse_mode;             /* qemu-vdagent <mouse mode=> */
};

struct dom_input {
    char *type;            /* mouse, tablet, keyboard */
    char *bus;             /* ps2, usb, virtio */
    char *alias;
    struct dom_address address;
};

struct dom_graphics {
    char *type;            /* vnc, spice */
    int port;              /* -1: autoport / absent */
    enum lv_tristate autoport;
    int tls_port;          /* spice; -1 absent */
    int websocket;         /* -1 absent */
    char *listen;          /* address */
    char *listen_type;     /* address|network|socket|none */
    char *listen_network;
    char *listen_socket;
    char *passwd;          /* a secret: never in argv or logs */
    char *passwd_valid_to;
    char *keymap;
    struct lv_attrs attrs; /* other attributes as given */
    struct lv_xml_keep keep;
};

struct dom_video {
    char *model;           /* vga, cirrus, qxl, virtio, bochs, ramfb, none */
    int vram;              /* KiB; 0 absent */
    int heads;             /* 0 absent */
    enum lv_tristate primary;
    struct lv_attrs model_attrs; /* ram=, vgamem=, ... */
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep;
};

struct dom_sound {
    char *model;           /* ich6, ich9, ac97, es1370, sb16, usb */
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep; /* <codec>, <audio> */
};

struct dom_memballoon {
    int present;
    char *model;           /* virtio, none */
    enum lv_tristate autodeflate;
    enum lv_tristate free_page_reporting;
    int stats_period;      /* -1 absent */
    char *alias;
    struct dom_address address;
};

struct dom_rng {
    char *model;           /* virtio */
    char *backend_model;   /* random, egd, builtin */
    char *backend_path;    /* /dev/urandom */
    int rate_bytes;        /* 0 absent */
    int rate_period;       /* 0 absent */
    char *alias;
    struct dom_address address;
    struct lv_xml_keep keep;
};

/* <audio id='1' type='none'/>: a host audio backend (added) */
struct dom_audio {
    int id;                /* 0 absent */
    char *type;            /* none, spice, pulseaudio, ... */
    struct lv_attrs attrs; /* other attributes as given */
    struct lv_xml_keep keep; /* <input>, <output>, ... */
};

struct dom_watchdog {
    char *model;           /* i6300esb, ib700, itco */
    char *action;          /* reset, shutdown, poweroff, pause, none, dump, inject-nmi */
    char *alias;
    struct dom_address address;
};

/* <tpm model=><backend type='emulator' version=>: a TPM emulated by swtpm
 * (added). Other backend types are refused when parsed. */
struct dom_tpm {
    char *model;           /* tpm-tis, tpm-crb; NULL: tpm-tis (libvirt's default) */
    char *backend_type;    /* emulator */
    char *backend_version; /* 1.2, 2.0; NULL: 2.0 for tpm-crb, else 1.2 */
    enum lv_tristate persistent_state; /* keep state of a transient guest */
    char *pcr_banks;       /* <active_pcr_banks> children, comma-separated
                            * ("sha256,sha384"); NULL: swtpm_setup's default */
    char *alias;
    struct dom_address address;
};

/* <redirdev bus='usb' type='spicevmc|tcp|unix|...'> (added): a USB device
 * redirected from a client over a character device; chr holds the type,
 * <source>, <protocol>, <alias> and <address type='usb'> (kind unused). */
struct dom_redirdev {
    char *bus;             /* usb */
    struct dom_chr chr;
    int boot_order;        /* 0 absent */
};

/* <panic model='isa|pvpanic|hyperv'> (added): how the guest reports a
 * crash, so that <on_crash> applies */
struct dom_panic {
    char *model;           /* NULL: isa, libvirt's x86 default */
    char *alias;
    struct dom_address address; /* isa: iobase=; pvpanic: pci */
};

struct dom_def {
    enum dom_virt_type virt_type;
    int id;                /* live only; -1 when not running */
    char *name;
    unsigned char uuid[16];
    char *title;
    char *description;
    char *metadata_xml;    /* inner XML of <metadata>, verbatim */

    uint64_t memory_kib;       /* <memory> */
    uint64_t current_memory_kib; /* <currentMemory>; 0: same as memory */
    uint64_t max_memory_kib;   /* <maxMemory>; 0 absent */
    unsigned max_memory_slots;

    unsigned vcpus;            /* <vcpu> */
    unsigned vcpus_current;    /* current=; 0: same as vcpus */
    char *vcpu_placement;      /* static|auto */
    char *vcpu_cpuset;
    struct dom_vcpupin *vcpupins;
    size_t n_vcpupins;
    char *emulatorpin_cpuset;
    struct lv_xml_keep cputune_keep; /* <shares>, <period>, ... */

    struct dom_os os;
    struct dom_feature *features;
    size_t n_features;
    struct dom_cpu cpu;
    struct dom_clock clock;

    enum dom_lifecycle_action on_poweroff;
    enum dom_lifecycle_action on_reboot;
    enum dom_lifecycle_action on_crash;

    char *emulator;
    struct dom_disk *disks;             size_t n_disks;
    struct dom_controller *controllers; size_t n_controllers;
    struct dom_interface *interfaces;   size_t n_interfaces;
    struct dom_chr *chrs;               size_t n_chrs;
    struct dom_input *inputs;           size_t n_inputs;
    struct dom_graphics *graphics;      size_t n_graphics;
    struct dom_video *videos;           size_t n_videos;
    struct dom_sound *sounds;           size_t n_sounds;
    struct dom_rng *rngs;               size_t n_rngs;
    struct dom_watchdog *watchdogs;     size_t n_watchdogs;
    struct dom_memballoon memballoon;
    /* added: */
    struct dom_audio *audios;           size_t n_audios;
    struct dom_tpm *tpms;               size_t n_tpms;
    enum lv_tristate pm_suspend_to_mem;  /* <pm><suspend-to-mem enabled=> */
    enum lv_tristate pm_suspend_to_disk;
    struct dom_mem_backing mem_backing;
    struct dom_numatune numatune;
    struct dom_redirdev *redirdevs;     size_t n_redirdevs;
    struct dom_panic *panics;           size_t n_panics;

    struct lv_xml_keep keep;          /* unknown top-level elements */
    struct lv_xml_keep devices_keep;  /* unknown devices */
};

struct dom_def *dom_def_new(void);  /* zeroed, id -1, defaults set */
void dom_def_free(struct dom_def *def);
/* Deep copy; never fails (aborts on OOM). */
struct dom_def *dom_def_copy(const struct dom_def *def);

/* The memory placement parts (NUMA cells, <memoryBacking>, <numatune>),
 * freed and copied by dom_def_free/copy (dom_def_mem.c). */
void dom_def_mem_free(struct dom_def *def);
void dom_def_mem_copy(struct dom_def *d, const struct dom_def *s);
/* Guest memory in KiB as QEMU gets it: the sum of the NUMA cells, each
 * rounded up to whole MiB, when there are cells (libvirt's rule), else
 * <memory>. */
uint64_t dom_def_mem_total_kib(const struct dom_def *def);

/* A name is valid if non-empty, at most 200 bytes, has no '/' and does not
 * start with '.'; err names the name and the cause. */
int dom_def_check_name(const char *name, struct lv_err *err);

/* String tables of the enums above, as libvirt's XML spells them;
 * from_str returns -1 for an unknown string. */
const char *dom_virt_type_to_str(enum dom_virt_type t);
int dom_virt_type_from_str(const char *s);
const char *dom_disk_type_to_str(enum dom_disk_type t);
int dom_disk_type_from_str(const char *s);
const char *dom_disk_device_to_str(enum dom_disk_device d);
int dom_disk_device_from_str(const char *s);
const char *dom_net_type_to_str(enum dom_net_type t);
int dom_net_type_from_str(const char *s);
const char *dom_chr_kind_to_str(enum dom_chr_kind k);
int dom_chr_kind_from_str(const char *s);

#endif
