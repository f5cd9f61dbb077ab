/* pool_def.h - the storage pool definition: the one C model of a libvirt
 * <pool> that pool XML, the Lua binding and the pool runtime share. The
 * struct pool_def owns everything hanging off it; pool_def_free() releases
 * it. Strings are NULL when absent; numbers use -1 or 0 as commented. */
#ifndef LV_POOL_DEF_H
#define LV_POOL_DEF_H

#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "err.h"

/* libvirt's pool types, in libvirt's order. luavirt runs dir, fs, netfs and
 * logical (pool_type_is_supported); the others parse and format for the
 * round trip only, and the runtime refuses to build/start them. */
enum pool_type {
    POOL_DIR = 0, POOL_FS, POOL_NETFS, POOL_LOGICAL, POOL_DISK, POOL_ISCSI,
    POOL_ISCSI_DIRECT, POOL_SCSI, POOL_MPATH, POOL_RBD, POOL_SHEEPDOG,
    POOL_GLUSTER, POOL_ZFS, POOL_VSTORAGE, POOL_TYPE__COUNT
};
const char *pool_type_to_str(enum pool_type t);   /* NULL if out of range */
int pool_type_from_str(const char *s);            /* -1 if unknown */
/* 1 for the types luavirt can build/start (dir, fs, netfs, logical). */
int pool_type_is_supported(enum pool_type t);

/* <permissions> of a pool target or a volume (also used by vol_def.h). */
struct pool_perms {
    int mode;           /* 0..0777; -1: absent */
    long long uid;      /* -1: absent (libvirt's (uid_t)-1 too) */
    long long gid;      /* -1: absent */
    char *label;
};

struct pool_source_device {
    char *path;
    enum lv_tristate part_separator;   /* part_separator='yes|no' */
};

struct pool_source_host {
    char *name;
    int port;           /* 0: absent */
};

/* <adapter> of scsi pools, kept for the round trip. */
struct pool_adapter {
    char *type;                  /* scsi_host|fc_host; NULL: no <adapter> */
    struct lv_attrs attrs;       /* name=, parent=, managed=, wwnn=, ... */
    char *parentaddr_unique_id;  /* <parentaddr unique_id=> */
    struct lv_attrs parentaddr;  /* its <address domain= bus= ...> */
    int has_parentaddr;
};

/* <auth type='chap|ceph' username=><secret uuid=|usage=/></auth> */
struct pool_auth {
    char *type;
    char *username;
    char *secret_uuid;
    char *secret_usage;
};

struct pool_source {
    struct pool_source_host *hosts;     /* iscsi, netfs, rbd, gluster */
    size_t n_hosts;
    struct pool_source_device *devices; /* fs, disk, logical PVs, iscsi */
    size_t n_devices;
    char *dir;            /* netfs export path (sanitized), gluster dir */
    struct pool_adapter adapter;
    char *name;           /* logical: VG name; rbd/gluster/zfs: pool name */
    char *initiator_iqn;  /* <initiator><iqn name=> */
    char *format;         /* <format type=>: fs: auto|ext2|ext3|ext4|...;
                           * netfs: auto|nfs|glusterfs|cifs; logical:
                           * lvm2; disk: dos|gpt|...; NULL for other types.
                           * Parsing fills the type's default. */
    struct pool_auth *auth;   /* NULL: none */
    char *protocol_ver;   /* <protocol ver='4.1'> (netfs) */
    char *vendor;
    char *product;
};

struct pool_target {
    char *path;           /* absolute, sanitized (no '//', no trailing
                           * '/'); NULL for rbd, sheepdog, gluster,
                           * iscsi-direct */
    struct pool_perms perms;
};

struct pool_def {
    enum pool_type type;
    char *name;
    unsigned char uuid[16];
    /* live values, bytes: set by the runtime (pool refresh); parsed from
     * XML only with POOL_PARSE_LIVE, always formatted */
    uint64_t capacity, allocation, available;
    enum lv_tristate features_cow;     /* <features><cow state=> */
    struct pool_source source;
    struct pool_target target;
    char *refresh_vol_allocation;      /* <refresh><volume allocation=> */
    /* <fs:mount_opts><fs:option name=/> (netfs, fs): extra mount -o */
    char **mount_opts;
    size_t n_mount_opts;
    /* <rbd:config_opts><rbd:option name= value=/>, in order */
    struct lv_attrs rbd_config_opts;
    /* unknown top-level elements (POOL_PARSE_KEEP_UNKNOWN), verbatim */
    struct lv_xml_keep keep;
};

/* A zeroed definition with mode/uid/gid -1 (absent). Never NULL. */
struct pool_def *pool_def_new(void);
/* Release def and all it owns; NULL is fine. */
void pool_def_free(struct pool_def *def);
/* A deep copy (live values and kept elements included), or NULL with err
 * set (only if def does not format, i.e. a bug). Caller frees. */
struct pool_def *pool_def_copy(const struct pool_def *def,
                               struct lv_err *err);
/* Release what a pool_perms owns and reset it to "absent". */
void pool_perms_clear(struct pool_perms *p);
/* The pool's uuid as text (buf of 37 bytes); returns buf. */
char *pool_def_uuid_str(const struct pool_def *def, char buf[37]);

#endif
