/* vol_xml.h - libvirt storage volume XML <-> struct vol_def (libxml2). A
 * volume is parsed in the context of its pool, like libvirt: the pool type
 * decides which formats exist and their default. Formatting writes virsh
 * vol-dumpxml's layout (sizes in bytes). */
#ifndef LV_VOL_XML_H
#define LV_VOL_XML_H

#include <stddef.h>

#include "pool_def.h"
#include "vol_def.h"
#include "err.h"

enum {
    VOL_PARSE_NO_CAPACITY = 1 << 0,  /* <capacity> optional (libvirt's
                                      * VIR_VOL_XML_PARSE_NO_CAPACITY) */
    VOL_PARSE_OPT_CAPACITY = 1 << 1, /* optional when a <backingStore> is
                                      * given (..._OPT_CAPACITY) */
    VOL_PARSE_KEEP_UNKNOWN = 1 << 2, /* keep unknown top-level elements */
};

/* Parse len bytes of volume XML for a volume of pool (not NULL). srcname
 * names the input in messages ("vol.xml line 4: ..."); NULL means "volume
 * XML". Returns a new definition the caller frees with vol_def_free(), or
 * NULL with err set (LV_E_XML for malformed/unsupported XML, LV_E_INVALID
 * for a bad value: size, unit, format, relative path in a local pool). */
struct vol_def *vol_def_parse_xml(const struct pool_def *pool,
                                  const char *xml, size_t len,
                                  const char *srcname, unsigned flags,
                                  struct lv_err *err);

/* Format def (a volume of pool) as libvirt volume XML. flags: 0. Returns
 * a malloc'd string, or NULL with err set. */
char *vol_def_format_xml(const struct pool_def *pool,
                         const struct vol_def *def, unsigned flags,
                         struct lv_err *err);

#endif
