/* vol_def.h - the storage volume definition: the one C model of a libvirt
 * <volume> that volume XML, qemu-img argv, the Lua binding and the volume
 * runtime share. Sizes are bytes. The struct vol_def owns everything
 * hanging off it; vol_def_free() releases it. */
#ifndef LV_VOL_DEF_H
#define LV_VOL_DEF_H

#include <stddef.h>
#include <stdint.h>

#include "pool_def.h"   /* struct pool_perms, struct pool_def */
#include "err.h"

enum vol_type { VOL_FILE = 0, VOL_BLOCK, VOL_DIR, VOL_NETWORK, VOL_NETDIR,
                VOL_PLOOP, VOL_TYPE__COUNT };
const char *vol_type_to_str(enum vol_type t);   /* NULL if out of range */
int vol_type_from_str(const char *s);           /* -1 if unknown */

/* libvirt's image formats (virStorageFileFormat), in libvirt's order: the
 * <format type=> of volumes in dir, fs, netfs, gluster, rbd... pools. */
enum vol_format {
    VOL_FMT_NONE = 0, VOL_FMT_RAW, VOL_FMT_DIR, VOL_FMT_BOCHS, VOL_FMT_CLOOP,
    VOL_FMT_DMG, VOL_FMT_ISO, VOL_FMT_VPC, VOL_FMT_VDI, VOL_FMT_FAT,
    VOL_FMT_VHD, VOL_FMT_PLOOP, VOL_FMT_COW, VOL_FMT_QCOW, VOL_FMT_QCOW2,
    VOL_FMT_QED, VOL_FMT_VMDK, VOL_FMT__COUNT
};
const char *vol_format_to_str(enum vol_format f);  /* NULL if out of range */
int vol_format_from_str(const char *s);            /* -1 if unknown */

/* qcow2 features (<target><features><lazy_refcounts/>...) as bits */
enum { VOL_FEAT_LAZY_REFCOUNTS = 1 << 0, VOL_FEAT_EXTENDED_L2 = 1 << 1 };

/* <encryption format='luks'> kept for the round trip; luavirt does not
 * create encrypted volumes (vol_argv refuses them). */
struct vol_encryption {
    char *format;          /* luks|qcow|default */
    char *engine;          /* engine= or NULL */
    char *secret_type;     /* <secret type='passphrase' uuid=|usage=> */
    char *secret_uuid;
    char *secret_usage;
    struct lv_attrs cipher;   /* <cipher name= size= mode= hash=>; n=0: none */
    struct lv_attrs ivgen;    /* <ivgen name= hash=> */
};

struct vol_target {
    char *path;            /* NULL until the runtime sets it (pool target
                            * path + "/" + name) */
    char *format;          /* "raw", "qcow2", ... (a vol_format name) for
                            * file pools; a partition type for disk pools
                            * ("none", "linux", ...); NULL for logical and
                            * other pools without volume formats. Parsing
                            * fills the pool's default ("raw"). */
    struct pool_perms perms;
    char *compat;          /* qcow2 compat level "0.10"|"1.1"; NULL */
    uint64_t cluster_size; /* bytes; 0: absent */
    int has_features;      /* <features> given (maybe empty) */
    unsigned features;     /* VOL_FEAT_* */
    int nocow;             /* <nocow/>: parsed, used by qemu-img, never
                            * formatted (like libvirt) */
    struct vol_encryption *encryption;   /* NULL: none */
    /* live timestamps "seconds.nanoseconds", set by the runtime, formatted
     * when set, never parsed (like libvirt) */
    char *atime, *mtime, *ctime, *btime;
};

struct vol_backing {
    char *path;            /* backing file or LV */
    char *format;          /* as vol_target.format; NULL for logical */
    struct pool_perms perms;
};

struct vol_def {
    char *name;
    char *key;             /* NULL: set by the runtime (usually the path) */
    enum vol_type type;
    uint64_t capacity;     /* bytes */
    uint64_t allocation;   /* bytes; = capacity when not given */
    int has_allocation;    /* <allocation> was given */
    uint64_t physical;     /* bytes; 0: absent (not formatted) */
    struct vol_target target;
    struct vol_backing *backing;   /* <backingStore>; NULL: none */
    struct lv_xml_keep keep;       /* unknown elements (VOL_PARSE_KEEP_UNKNOWN) */
};

/* A zeroed definition, perms absent (-1). Never NULL. */
struct vol_def *vol_def_new(void);
/* Release def and everything it owns; NULL is fine. */
void vol_def_free(struct vol_def *def);
/* A deep copy, caller frees; never NULL. */
struct vol_def *vol_def_copy(const struct vol_def *def);

/* Parse a size given as a number and a libvirt unit (NULL or "" = bytes):
 * b/bytes, KB=1000, k/KiB=1024, MB, M/MiB, GB, G/GiB, TB, T/TiB, PB, P/PiB,
 * EB, E/EiB (case-insensitive), as libvirt's <capacity unit=>. Stores
 * bytes in *out and returns 0, or -1 with err (LV_E_INVALID) naming the
 * value and the cause (negative, not a number, unknown unit, overflow). */
int vol_def_size_parse(const char *num, const char *unit, uint64_t *out,
                       struct lv_err *err);
/* The same for one string with an optional suffix, as virsh vol-create-as
 * and vol-resize take them: "10G", "512M", "1 GiB", "1048576" (bytes). */
int vol_def_size_parse_str(const char *s, uint64_t *out, struct lv_err *err);

#endif
