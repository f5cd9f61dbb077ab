/* net_store.h - persistent network definitions: <lib>/network/NAME.xml in
 * libvirt's format, written atomically, the autostart links in
 * <lib>/network/autostart/, and the 'default' network libvirt ships,
 * created (defined, not started) the first time the store is used. */
#ifndef LV_NET_STORE_H
#define LV_NET_STORE_H

#include <stddef.h>

#include "conn.h"
#include "err.h"
#include "net_def.h"

/* <lib>/network/NAME.xml; malloc'd. */
char *net_store_path(const struct lv_conn *c, const char *name);
/* 1 if name has a persistent definition, else 0. */
int net_store_exists(const struct lv_conn *c, const char *name);
/* Load name's definition (caller frees). LV_E_NO_NETWORK if none. */
struct net_def *net_store_load(const struct lv_conn *c, const char *name,
                               struct lv_err *err);
/* Load a network definition file written by luavirt (caller frees);
 * LV_E_NO_NETWORK naming name when the file is missing. */
struct net_def *net_store_load_file(const char *path, const char *name,
                                    struct lv_err *err);
/* Write def to path atomically, formatted with NET_FORMAT_* flags. */
int net_store_save_file(const char *path, const struct net_def *def,
                        unsigned flags, struct lv_err *err);
/* Write def as its persistent definition, atomically. */
int net_store_save(const struct lv_conn *c, const struct net_def *def,
                   struct lv_err *err);
/* Remove name's definition and autostart link. */
int net_store_remove(const struct lv_conn *c, const char *name,
                     struct lv_err *err);
/* Sorted names of all persistent definitions (lv_store_names_free). */
int net_store_names(const struct lv_conn *c, char ***names, size_t *n,
                    struct lv_err *err);
int net_store_autostart_get(const struct lv_conn *c, const char *name);
int net_store_autostart_set(const struct lv_conn *c, const char *name, int on,
                            struct lv_err *err);

/* Create the 'default' network (192.168.122.0/24 on virbr0, DHCP .2-.254,
 * NAT, autostart) if the network store has never been used: like libvirt's
 * packaged default.xml, an undefined default stays undefined. Called by the
 * functions above; idempotent and cheap (one stat) after the first time. */
int net_store_init(const struct lv_conn *c, struct lv_err *err);

/* The libvirt 'default' network XML (the uuid and MAC are generated when
 * it is parsed). Static string. */
const char *net_store_default_xml(void);

#endif
