/* net_xml_priv.h - private to the network XML parser files
 * (net/net_xml_parse*.c): the parse context, the node helpers of
 * net_xml_parse_node.c and the element parsers one file calls in another.
 * Not for other subjects: they use net_xml.h. */
#ifndef LV_NET_XML_PRIV_H
#define LV_NET_XML_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <libxml/tree.h>

#include "err.h"
#include "net_def.h"
#include "net_xml.h"
#include "strbuf.h"
#include "xml_kit.h"

#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

/* One parse is a struct xk_ctx (core/xml_kit.h): the generic helpers
 * are the kit's; these are the network parser's own. */

#define NAME(n) XK_NAME(n)
#define IS(n, s) XK_IS(n, s)

/* ---- net_xml_parse_node.c ---- */

/* Append s (taken over) to the string array *v of *n items. */
void nx_push_str(char ***v, size_t *n, char *s);

/* Family of address text s: AF_INET, AF_INET6, or -1; the binary
 * address goes to out (16 bytes, zero-padded) when out is not NULL. */
int nx_addr_family(const char *s, unsigned char out[16]);

/* AF_INET6 for NET_FAMILY_IPV6, else AF_INET. */
int nx_want_af(enum net_family f);

/* Take a required or optional address attribute of the family af (0:
 * either) into *dst (replacing it); a missing required or bad value is
 * reported. Returns -1 to stop, else 0. */
int nx_take_addr(struct xk_ctx *c, xmlNode *node, const char *name, int af,
                 int required, char **dst);

/* ---- net_xml_parse_ip.c ---- */

/* <ip> (appended to def->ips) and <route> (to def->routes). Return -1 to
 * stop, else 0. */
int nx_parse_ip(struct xk_ctx *c, xmlNode *n, struct net_def *def);
int nx_parse_route(struct xk_ctx *c, xmlNode *n, struct net_def *def);

/* ---- net_xml_parse_dns.c ---- */

/* <dns> into def->dns, and <dnsmasq:options> into def->dnsmasq_options.
 * Return -1 to stop, else 0. */
int nx_parse_dns(struct xk_ctx *c, xmlNode *n, struct net_def *def);
int nx_parse_dnsmasq(struct xk_ctx *c, xmlNode *n, struct net_def *def);

#endif
