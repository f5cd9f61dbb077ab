/* dom_xml.h - libvirt domain XML <-> struct dom_def (libxml2). Parsing
 * rejects what luavirt does not model, naming the element and its line,
 * unless the caller asks to keep such elements verbatim; formatting writes
 * libvirt's layout, so virsh dumpxml output defines here unchanged. */
#ifndef LV_DOM_XML_H
#define LV_DOM_XML_H

#include <stddef.h>

#include "dom_def.h"
#include "err.h"
#include "strbuf.h"

enum { DOM_PARSE_KEEP_UNKNOWN = 1 << 0 };   /* = XK_KEEP_UNKNOWN */
enum { DOM_FORMAT_INACTIVE = 1 << 0, DOM_FORMAT_SECURE = 1 << 1 };

/* Parse len bytes of domain XML. srcname names the input in messages
 * ("guest.xml line 12: ..."); NULL means "domain XML". A missing uuid and
 * missing interface MACs are generated. Returns a new definition the caller
 * frees with dom_def_free(), or NULL with err set (code LV_E_XML for XML
 * problems, LV_E_INVALID for a bad value). No network, no entities. */
struct dom_def *dom_def_parse_xml(const char *xml, size_t len,
                                  const char *srcname, unsigned flags,
                                  struct lv_err *err);

/* Parse one device element, as virsh attach-device and update-device take
 * it: the result is a definition holding that device alone. want names the
 * element expected ("disk"; NULL: any device). NULL with err (LV_E_XML)
 * for malformed XML, another element, or an unsupported device. */
struct dom_def *dom_def_parse_device_xml(const char *xml, size_t len,
                                         const char *want, struct lv_err *err);

/* Format def as libvirt domain XML (2-space indent, libvirt's element
 * order). DOM_FORMAT_INACTIVE drops the live id; DOM_FORMAT_SECURE includes
 * graphics passwords. Returns a malloc'd string, or NULL with err set. */
char *dom_def_format_xml(const struct dom_def *def, unsigned flags,
                         struct lv_err *err);

/* Check domain XML and collect every problem, one line each ("guest.xml
 * line N: ..."), into *problems. Returns the number of problems (0: valid),
 * or -1 with err set if the XML could not be read at all. */
int dom_def_validate_xml(const char *xml, size_t len, const char *srcname,
                         struct strbuf *problems, struct lv_err *err);

#endif
