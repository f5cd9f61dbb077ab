/* dom.h - domains as a whole: lookup, listing, define/undefine, rename,
 * autostart and description, over the persistent store and the run dirs. */
#ifndef LV_DOM_H
#define LV_DOM_H

#include <stddef.h>

#include "conn.h"
#include "dom_def.h"
#include "dom_run.h"
#include "err.h"

/* One row of a listing: cheap (no XML parsed, no QMP). */
struct dom_entry {
    char *name;
    struct dom_status st;
    int persistent;
    int autostart;
};

enum {
    DOM_LIST_ACTIVE = 1 << 0,      /* running, paused, ... */
    DOM_LIST_INACTIVE = 1 << 1,    /* shut off */
};

/* Entries matching flags (0 = both), virsh's order: active by id, then
 * inactive by name. Free with dom_list_free. */
int dom_list(struct lv_conn *c, unsigned flags, struct dom_entry **out,
             size_t *n, struct lv_err *err);
void dom_list_free(struct dom_entry *e, size_t n);

/* Resolve a name, uuid string or numeric id to a name (malloc'd), or NULL
 * with LV_E_NO_DOMAIN. */
char *dom_resolve(struct lv_conn *c, const char *key, struct lv_err *err);
/* 1 if name is defined or running (transient), else 0. */
int dom_exists(struct lv_conn *c, const char *name);

/* The definition: the live one of a running guest unless inactive is set,
 * else the persistent one (or a transient guest's). Caller frees. */
struct dom_def *dom_get_def(struct lv_conn *c, const char *name, int inactive,
                            struct lv_err *err);

/* Define (or redefine) def persistently. A name taken by another uuid, or
 * a uuid taken by another name, is LV_E_EXISTS; a firmware request no
 * descriptor of the host satisfies is refused (dom_firmware.h). */
int dom_define(struct lv_conn *c, const struct dom_def *def, struct lv_err *err);
enum {
    DOM_UNDEFINE_NVRAM = 1 << 0,              /* delete the NVRAM file */
    DOM_UNDEFINE_SNAPSHOTS_METADATA = 1 << 1, /* delete snapshot metadata */
    DOM_UNDEFINE_MANAGED_SAVE = 1 << 2,       /* delete the managed save */
    DOM_UNDEFINE_KEEP_NVRAM = 1 << 3,         /* keep the NVRAM file */
    DOM_UNDEFINE_KEEP_TPM = 1 << 4,           /* keep the TPM state */
};
/* Remove name's definition; a running guest goes on as transient. An
 * NVRAM file, snapshot metadata or a managed save image is refused
 * (LV_E_INVALID, nothing changed) unless flags say to delete (or, for
 * NVRAM, keep) it. The TPM state (<lib>/swtpm/UUID) is removed with an
 * inactive definition unless DOM_UNDEFINE_KEEP_TPM, as by virsh; a running
 * guest's goes when it stops. */
int dom_undefine(struct lv_conn *c, const char *name, unsigned flags,
                 struct lv_err *err);
/* Rename a shut-off persistent domain; its snapshot metadata and the
 * NVRAM file luavirt named for it move with it. Refused while it has a
 * managed save image, as by libvirt. */
int dom_rename(struct lv_conn *c, const char *name, const char *new_name,
               struct lv_err *err);
int dom_set_autostart(struct lv_conn *c, const char *name, int on,
                      struct lv_err *err);
/* Set <description> (or <title> when title) of the persistent definition
 * and/or the live one. */
int dom_set_description(struct lv_conn *c, const char *name, const char *text,
                        int title, int live, int config, struct lv_err *err);

#endif
