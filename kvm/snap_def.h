/* snap_def.h - the domain snapshot definition: the C model of libvirt's
 * <domainsnapshot> XML (snap_xml.c parses and formats it), with the domain
 * as it was (a struct dom_def) and luavirt's own metadata (current marker).
 * Everything hangs off the struct snap_def; snap_def_free() releases it. */
#ifndef LV_SNAP_DEF_H
#define LV_SNAP_DEF_H

#include <stddef.h>

#include "dom_def.h"
#include "err.h"

/* <memory snapshot=...> and <disk snapshot=...> values, libvirt's words */
enum snap_loc {
    SNAP_LOC_DEFAULT = 0, SNAP_LOC_NO, SNAP_LOC_INTERNAL, SNAP_LOC_EXTERNAL,
    SNAP_LOC_MANUAL
};
const char *snap_loc_to_str(enum snap_loc l);   /* NULL for DEFAULT */
int snap_loc_from_str(const char *s);

/* One <disk> of <disks>. */
struct snap_disk {
    char *name;              /* target dev (vda) or source path */
    enum snap_loc snapshot;
    char *type;              /* file, block, network; NULL: absent */
    struct lv_attrs driver_attrs;   /* <driver type='qcow2'/> */
    struct lv_xml_keep driver_keep; /* children of <driver> */
    struct lv_attrs source_attrs;   /* file=, dev=, protocol=, name= */
    struct lv_xml_keep source_keep; /* children of <source> */
};

struct snap_def {
    char *name;              /* NULL when the XML had none (see defaults) */
    char *description;
    char *state;             /* running, paused, shutoff, disk-snapshot, ... */
    char *parent;            /* parent snapshot's name, NULL: a root */
    long long creation_time; /* unix time; 0: absent */
    enum snap_loc memory;
    char *memory_file;       /* <memory snapshot='external' file=...> */
    struct snap_disk *disks;
    size_t n_disks;
    int has_disks;           /* <disks> was given (possibly empty) */
    struct dom_def *dom;     /* the domain at snapshot time, or NULL */
    char *dom_uuid;          /* <domain><uuid> alone, when dom is NULL */
    char *inactive_dom_xml;  /* <inactiveDomain>, kept verbatim */
    char *cookie_xml;        /* <cookie>, kept verbatim */
    int current;             /* <active>1</active>: the domain's current */
};

struct snap_def *snap_def_new(void);
void snap_def_free(struct snap_def *def);

/* What luavirt fills in for a new snapshot, like libvirt: the creation
 * time (now, if absent) and the name (the creation time, if absent). */
void snap_def_assign_defaults(struct snap_def *def, long long now);

/* Names of the snapshot states libvirt knows; 1 if s is one of them. */
int snap_state_valid(const char *s);

/* A snapshot name is valid like a domain name (no '/', no leading '.'). */
int snap_def_check_name(const char *name, struct lv_err *err);

enum {
    SNAP_PARSE_INTERNAL = 1 << 0,  /* read <active> (our own metadata) */
    SNAP_PARSE_REDEFINE = 1 << 1,  /* read state, parent, creationTime and
                                    * the domains too (snapshot-create
                                    * --redefine, and our own store) */
};
enum {
    SNAP_FORMAT_INTERNAL = 1 << 0, /* write <active> */
};

/* Parse len bytes of <domainsnapshot> XML; srcname names it in messages.
 * Returns a new definition (caller frees), or NULL with err (LV_E_XML). */
struct snap_def *snap_def_parse_xml(const char *xml, size_t len,
                                    const char *srcname, unsigned flags,
                                    struct lv_err *err);

/* Format def in libvirt's layout (the domain inactive, with secrets).
 * Returns a malloc'd string, or NULL with err. */
char *snap_def_format_xml(const struct snap_def *def, unsigned flags,
                          struct lv_err *err);

#endif
