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

#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

/* One parse: where problems go. */
struct nx {
    const char *src;          /* "nat1.xml" or "network XML" */
    unsigned flags;           /* NET_PARSE_* */
    struct lv_err *err;
    struct strbuf *problems;  /* validate mode: collect and go on */
    int n_problems;
};

#define NAME(n) ((const char *)(n)->name)
#define IS(n, s) ((n)->type == XML_ELEMENT_NODE && !strcmp(NAME(n), (s)))

/* ---- net_xml_parse_node.c ---- */

/* Report a problem at node's line (NULL: line 0): returns -1 (stop) when
 * parsing, 0 (go on) when collecting problems (c->problems set). */
int LV_PRINTF(3, 4) nx_fail(struct nx *c, xmlNode *node,
                            const char *fmt, ...);

/* Take attribute name off node: malloc'd value, or NULL if absent. */
char *nx_take(xmlNode *node, const char *name);

/* Take a yes/no (or on/off) attribute into *t; absent leaves *t
 * unchanged. Returns what nx_fail returns on a bad value, else 0. */
int nx_take_tri(struct nx *c, xmlNode *node, const char *name,
                enum lv_tristate *t);

/* Take a decimal attribute in [min, max] into *v; absent leaves *v
 * unchanged. Returns what nx_fail returns on a bad value, else 0. */
int nx_take_num(struct nx *c, xmlNode *node, const char *name,
                long long min, long long max, long long *v);
int nx_take_int(struct nx *c, xmlNode *node, const char *name,
                long long min, long long max, int *v);

/* Text content of node, malloc'd; its text children are removed. */
char *nx_text_of(xmlNode *node);

/* node serialized verbatim with the namespaces it uses; malloc'd. */
char *nx_dump(xmlNode *node);

/* End of an element: leftover attributes and text are problems; leftover
 * child elements are kept in keep (when given and NET_PARSE_KEEP_UNKNOWN)
 * or are problems. Returns -1 to stop, else 0. */
int nx_finish(struct nx *c, xmlNode *node, struct lv_xml_keep *keep);

/* Unlink and free a child that has been parsed. */
void nx_consumed(xmlNode *child);

/* Grow the array *arrp of *n items of size bytes by one zeroed item and
 * return a pointer to it (aborts on OOM). */
void *nx_push(void *arrp, size_t *n, size_t size);

/* Append s (taken over) to the string array *v of *n items. */
void nx_push_str(char ***v, size_t *n, char *s);

/* Called per child element: 0 used (dropped), 1 not its business (left
 * for nx_finish), -1 error. */
typedef int (*nx_child_fn)(struct nx *c, xmlNode *child, void *obj);

/* Run fn(c, child, obj) on each child element of n, dropping the used
 * ones. Returns -1 as soon as fn does, else 0. */
int nx_children(struct nx *c, xmlNode *n, nx_child_fn fn, void *obj);

/* Family of address text s: AF_INET, AF_INET6, or -1; the binary
 * address goes to out (16 bytes, zero-padded) when out is not NULL. */
int nx_addr_family(const char *s, unsigned char out[16]);

/* AF_INET6 for NET_FAMILY_IPV6, else AF_INET. */
int nx_want_af(enum net_family f);

/* Take a required or optional address attribute of the family af (0:
 * either) into *dst (replacing it); a missing required or bad value is
 * reported. Returns -1 to stop, else 0. */
int nx_take_addr(struct nx *c, xmlNode *node, const char *name, int af,
                 int required, char **dst);

/* ---- net_xml_parse.c ---- */

/* Read len bytes of XML (no DTD, no entities, no network). Returns the
 * document, or NULL with the problem reported. */
xmlDoc *nx_read_doc(struct nx *c, const char *xml, size_t len);

/* ---- net_xml_parse_ip.c ---- */

/* <ip> (appended to def->ips) and <route> (to def->routes). Return -1 to
 * stop, else 0. */
int nx_parse_ip(struct nx *c, xmlNode *n, struct net_def *def);
int nx_parse_route(struct nx *c, xmlNode *n, struct net_def *def);

/* ---- net_xml_parse_dns.c ---- */

/* <dns> into def->dns, and <dnsmasq:options> into def->dnsmasq_options.
 * Return -1 to stop, else 0. */
int nx_parse_dns(struct nx *c, xmlNode *n, struct net_def *def);
int nx_parse_dnsmasq(struct nx *c, xmlNode *n, struct net_def *def);

#endif
