/* pool_xml.h - libvirt storage pool XML <-> struct pool_def (libxml2).
 * Parsing applies libvirt's defaults and checks (source name from the pool
 * name, /dev/<vg> target for logical, sanitized paths, a generated uuid)
 * and rejects what luavirt does not model, naming the element and its
 * line; formatting writes virsh pool-dumpxml's layout. */
#ifndef LV_POOL_XML_H
#define LV_POOL_XML_H

#include <stddef.h>

#include "pool_def.h"
#include "err.h"

enum {
    POOL_PARSE_KEEP_UNKNOWN = 1 << 0, /* keep unknown top-level elements */
    POOL_PARSE_LIVE = 1 << 1,         /* read capacity/allocation/available
                                       * (status files); libvirt ignores
                                       * them in definitions */
};

/* Parse len bytes of pool XML. srcname names the input in messages
 * ("pool.xml line 7: ..."); NULL means "pool XML". Returns a new
 * definition the caller frees with pool_def_free(), or NULL with err set
 * (LV_E_XML for malformed or unsupported XML, LV_E_INVALID for a bad
 * value: unknown type, relative or missing target path, bad mode...). */
struct pool_def *pool_def_parse_xml(const char *xml, size_t len,
                                    const char *srcname, unsigned flags,
                                    struct lv_err *err);

/* Format def as libvirt pool XML (2-space indent, single quotes, sizes in
 * bytes). flags: none yet, pass 0. Returns a malloc'd string, or NULL
 * with err set (a kept element that does not parse). */
char *pool_def_format_xml(const struct pool_def *def, unsigned flags,
                          struct lv_err *err);

#endif
