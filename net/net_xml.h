/* net_xml.h - libvirt network XML <-> struct net_def (libxml2). Parsing
 * rejects what luavirt does not model, naming the element and its line,
 * unless the caller asks to keep such elements verbatim; bad values (an
 * address, a range outside its subnet, a MAC) are errors naming the value
 * and line. Formatting writes libvirt's layout (virsh net-dumpxml). */
#ifndef LV_NET_XML_H
#define LV_NET_XML_H

#include <stddef.h>

#include "err.h"
#include "net_def.h"
#include "strbuf.h"

/* NET_PARSE_KEEP_UNKNOWN: keep unmodelled elements verbatim instead of
 * failing. NET_PARSE_NO_MAC: do not generate a missing bridge MAC (the
 * definition is shown as written, like libvirt's parser; libvirt adds the
 * MAC at net-define). */
enum { NET_PARSE_KEEP_UNKNOWN = 1 << 0, NET_PARSE_NO_MAC = 1 << 1 };
enum { NET_FORMAT_INACTIVE = 1 << 0 };

/* Parse len bytes of network XML. srcname names the input in messages
 * ("nat1.xml line 7: ..."); NULL means "network XML". A missing uuid is
 * generated, and (unless NET_PARSE_NO_MAC) a missing bridge MAC for
 * networks that have their own bridge (net_def_has_own_bridge); a missing bridge name stays NULL (the
 * runtime picks virbrN). Returns a new definition the caller frees with
 * net_def_free(), or NULL with err set (LV_E_XML for XML problems,
 * LV_E_INVALID for a bad value). No network access, no entities. */
struct net_def *net_def_parse_xml(const char *xml, size_t len,
                                  const char *srcname, unsigned flags,
                                  struct lv_err *err);

/* Parse one fragment for net-update: an <ip><dhcp><host .../> element
 * (the <host> alone), checked against the <ip> of def it belongs to
 * (matched by family and subnet). On success *ip_index is that <ip>'s
 * index in def->ips and *out is filled (caller clears it with
 * net_dhcp_host_clear). Returns 0, or -1 with err set. def is unchanged. */
int net_dhcp_host_parse_xml(const struct net_def *def, const char *xml,
                            size_t len, struct net_dhcp_host *out,
                            size_t *ip_index, struct lv_err *err);

/* Format def as libvirt network XML (2-space indent, libvirt's element
 * order). NET_FORMAT_INACTIVE drops live-only values (connections=).
 * Returns a malloc'd string, or NULL with err set. */
char *net_def_format_xml(const struct net_def *def, unsigned flags,
                         struct lv_err *err);

/* Format one DHCP host as libvirt does inside <dhcp> (no indent, no
 * newline): "<host mac='..' name='..' ip='..'/>". Malloc'd; never NULL. */
char *net_dhcp_host_format_xml(const struct net_dhcp_host *h);

/* Check network XML and collect every problem, one line each ("nat1.xml
 * line N: ..."), into *problems. Returns the number of problems (0: valid),
 * or -1 with err set if the XML could not be read at all. */
int net_def_validate_xml(const char *xml, size_t len, const char *srcname,
                         struct strbuf *problems, struct lv_err *err);

#endif
