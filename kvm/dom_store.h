/* dom_store.h - persistent domain definitions: <lib>/qemu/NAME.xml in
 * libvirt's format, written atomically, and the autostart links. */
#ifndef LV_DOM_STORE_H
#define LV_DOM_STORE_H

#include <stddef.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"

char *dom_store_path(const struct lv_conn *c, const char *name);
/* 1 if name has a persistent definition, else 0. */
int dom_store_exists(const struct lv_conn *c, const char *name);
/* Load name's definition (caller frees). LV_E_NO_DOMAIN if there is none. */
struct dom_def *dom_store_load(const struct lv_conn *c, const char *name,
                               struct lv_err *err);
/* Load a definition file written by luavirt (persistent or a run dir's). */
struct dom_def *dom_store_load_file(const char *path, const char *name,
                                    struct lv_err *err);
/* Write def as name's definition, atomically (inactive, with secrets). */
int dom_store_save(const struct lv_conn *c, const struct dom_def *def,
                   struct lv_err *err);
/* Write def to an arbitrary path atomically, formatted with flags. */
int dom_store_save_file(const char *path, const struct dom_def *def,
                        unsigned flags, struct lv_err *err);
/* Remove name's definition and autostart link. */
int dom_store_remove(const struct lv_conn *c, const char *name,
                     struct lv_err *err);
/* Sorted names of all persistent definitions (free each and the array). */
int dom_store_names(const struct lv_conn *c, char ***names, size_t *n,
                    struct lv_err *err);
void dom_store_names_free(char **names, size_t n);
int dom_store_autostart_get(const struct lv_conn *c, const char *name);
int dom_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                            struct lv_err *err);

#endif
