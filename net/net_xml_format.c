/* net_xml_format.c - struct net_def -> libvirt network XML. A libxml2 tree
 * is built in libvirt's element order (virNetworkDefFormatBuf) and written
 * by a small serializer with libvirt's layout: 2-space indent, single
 * quotes, <ip ...> and </ip> on their own lines, <metadata> contents with
 * libxml2's double quotes. */
#include "net_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <uuid/uuid.h>

#include "strbuf.h"

#define DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

/* ---- building the tree ---- */

static xmlNode *
elem(xmlNode *parent, const char *name)
{
    xmlNode *n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    if (!n)
        abort();
    return n;
}

static void
attr(xmlNode *node, const char *name, const char *val)
{
    if (val && !xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)val))
        abort();
}

static void LV_PRINTF(3, 4)
attrf(xmlNode *node, const char *name, const char *fmt, ...)
{
    char buf[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    attr(node, name, buf);
}

static void
attr_tri(xmlNode *node, const char *name, enum lv_tristate t)
{
    if (t != LV_TRI_ABSENT)
        attr(node, name, t == LV_TRI_ON ? "yes" : "no");
}

/* Mark an element to be written as <x ...>\n</x> even when empty. */
static void
force_open(xmlNode *node)
{
    xmlNode *t = xmlNewText((const xmlChar *)"");
    if (!t || !xmlAddChild(node, t))
        abort();
}

/* Append one verbatim element (as kept by the parser) under parent. */
static int
graft(xmlNode *parent, const char *xml, struct lv_err *err)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                XML_PARSE_NODICT | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlNode *copy;
    int rc = -1;

    if (!doc || !xmlDocGetRootElement(doc)) {
        lv_err_set(err, LV_E_XML, "kept XML in <%s>: not well-formed: %.60s",
                   (const char *)parent->name, xml);
        goto out;
    }
    /* move the node itself: a copy would hoist its children's namespace
     * declarations up to it */
    copy = xmlDocGetRootElement(doc);
    xmlUnlinkNode(copy);
    xmlSetTreeDoc(copy, parent->doc);
    if (!xmlAddChild(parent, copy))
        abort();
    /* namespaces the node uses but does not declare (xml:) belong to the
     * document it came from, which goes now */
    xmlReconciliateNs(parent->doc, copy);
    rc = 0;
out:
    xmlFreeDoc(doc);
    return rc;
}

static void
format_nat(xmlNode *fw, const struct net_forward *f)
{
    xmlNode *nat, *n;

    if (!f->nat_addr_start && f->nat_port_start <= 0 &&
        f->nat_port_end <= 0 && f->nat_ipv6 != LV_TRI_ON)
        return;
    nat = elem(fw, "nat");
    if (f->nat_ipv6 == LV_TRI_ON)
        attr(nat, "ipv6", "yes");
    if (f->nat_addr_start) {
        n = elem(nat, "address");
        attr(n, "start", f->nat_addr_start);
        attr(n, "end", f->nat_addr_end);
    }
    if (f->nat_port_start > 0 || f->nat_port_end > 0) {
        n = elem(nat, "port");
        attrf(n, "start", "%d", f->nat_port_start > 0 ? f->nat_port_start
                                                       : 0);
        if (f->nat_port_end > 0)
            attrf(n, "end", "%d", f->nat_port_end);
    }
}

static int
format_forward(xmlNode *root, const struct net_def *def, unsigned flags,
               struct lv_err *err)
{
    const struct net_forward *f = &def->forward;
    int ifaces = f->n_ifaces &&
                 (!f->n_pfs || !(flags & NET_FORMAT_INACTIVE));
    xmlNode *fw;

    if (f->mode == NET_FWD_NONE)
        return 0;
    fw = elem(root, "forward");
    if (ifaces)
        attr(fw, "dev", f->ifaces[0]);
    else if (!f->n_pfs)
        attr(fw, "dev", f->dev);
    attr(fw, "mode", net_forward_mode_to_str(f->mode));
    if (f->mode == NET_FWD_HOSTDEV)
        attr(fw, "managed", f->managed == LV_TRI_ON ? "yes" : "no");
    if (f->driver_model)
        attr(elem(fw, "driver"), "model", f->driver_model);
    format_nat(fw, f);
    if (f->n_pfs)
        attr(elem(fw, "pf"), "dev", f->pfs[0]);
    for (size_t i = 0; ifaces && i < f->n_ifaces; i++)
        attr(elem(fw, "interface"), "dev", f->ifaces[i]);
    for (size_t i = 0; i < f->addresses.n; i++)
        if (graft(fw, f->addresses.items[i], err) < 0)
            return -1;
    return 0;
}

static void
format_bridge(xmlNode *root, const struct net_def *def)
{
    const struct net_bridge *b = &def->bridge;
    int own = net_def_has_own_bridge(def);
    xmlNode *n;

    if (!own && !b->name && !b->mac_table_manager)
        return;
    n = elem(root, "bridge");
    attr(n, "name", b->name);
    attr(n, "zone", b->zone);
    if (own) {
        attr(n, "stp", b->stp == LV_TRI_OFF ? "off" : "on");
        attrf(n, "delay", "%ld", b->delay > 0 ? b->delay : 0);
    }
    attr(n, "macTableManager", b->mac_table_manager);
}

static void
format_dns(xmlNode *root, const struct net_dns *d)
{
    xmlNode *dns, *n;

    if (d->enable == LV_TRI_ABSENT && d->forward_plain_names == LV_TRI_ABSENT
        && !d->n_forwarders && !d->n_hosts && !d->n_srvs && !d->n_txts)
        return;
    dns = elem(root, "dns");
    attr_tri(dns, "enable", d->enable);
    attr_tri(dns, "forwardPlainNames", d->forward_plain_names);
    for (size_t i = 0; i < d->n_forwarders; i++) {
        n = elem(dns, "forwarder");
        attr(n, "domain", d->forwarders[i].domain);
        attr(n, "addr", d->forwarders[i].addr);
    }
    for (size_t i = 0; i < d->n_txts; i++) {
        n = elem(dns, "txt");
        attr(n, "name", d->txts[i].name);
        attr(n, "value", d->txts[i].value);
    }
    for (size_t i = 0; i < d->n_srvs; i++) {
        const struct net_dns_srv *s = &d->srvs[i];
        n = elem(dns, "srv");
        attr(n, "service", s->service);
        attr(n, "protocol", s->protocol);
        attr(n, "domain", s->domain);
        attr(n, "target", s->target);
        if (s->port > 0)
            attrf(n, "port", "%d", s->port);
        if (s->priority > 0)
            attrf(n, "priority", "%d", s->priority);
        if (s->weight > 0)
            attrf(n, "weight", "%d", s->weight);
    }
    for (size_t i = 0; i < d->n_hosts; i++) {
        n = elem(dns, "host");
        attr(n, "ip", d->hosts[i].ip);
        for (size_t j = 0; j < d->hosts[i].n_hostnames; j++)
            if (!xmlNewTextChild(n, NULL, (const xmlChar *)"hostname",
                                 (const xmlChar *)d->hosts[i].hostnames[j]))
                abort();
    }
}

static void
format_lease(xmlNode *parent, const struct net_lease *l)
{
    xmlNode *n;

    if (l->expiry < 0)
        return;
    n = elem(parent, "lease");
    attrf(n, "expiry", "%lld", l->expiry);
    if (l->expiry)
        attr(n, "unit", l->unit ? l->unit : "minutes");
}

static void
format_dhcp(xmlNode *ipn, const struct net_ip *ip)
{
    xmlNode *dhcp, *n;

    if (!ip->n_ranges && !ip->n_hosts && !ip->bootp_file)
        return;
    dhcp = elem(ipn, "dhcp");
    for (size_t i = 0; i < ip->n_ranges; i++) {
        n = elem(dhcp, "range");
        attr(n, "start", ip->ranges[i].start);
        attr(n, "end", ip->ranges[i].end);
        format_lease(n, &ip->ranges[i].lease);
    }
    for (size_t i = 0; i < ip->n_hosts; i++) {
        const struct net_dhcp_host *h = &ip->hosts[i];
        n = elem(dhcp, "host");
        attr(n, "mac", h->mac);
        attr(n, "id", h->id);
        attr(n, "name", h->name);
        attr(n, "ip", h->ip);
        format_lease(n, &h->lease);
    }
    if (ip->bootp_file) {
        n = elem(dhcp, "bootp");
        attr(n, "file", ip->bootp_file);
        attr(n, "server", ip->bootp_server);
    }
}

static void
format_ip(xmlNode *root, const struct net_ip *ip)
{
    xmlNode *n = elem(root, "ip");

    if (ip->family_explicit)
        attr(n, "family", ip->family == NET_FAMILY_IPV6 ? "ipv6" : "ipv4");
    attr(n, "address", ip->address);
    attr(n, "netmask", ip->netmask);
    if (ip->prefix > 0)
        attrf(n, "prefix", "%d", ip->prefix);
    attr_tri(n, "localPtr", ip->local_ptr);
    if (ip->tftp_root)
        attr(elem(n, "tftp"), "root", ip->tftp_root);
    format_dhcp(n, ip);
    if (!n->children)
        force_open(n);
}

static void
format_route(xmlNode *root, const struct net_route *r)
{
    xmlNode *n = elem(root, "route");

    if (r->family_explicit)
        attr(n, "family", r->family == NET_FAMILY_IPV6 ? "ipv6" : "ipv4");
    attr(n, "address", r->address);
    attr(n, "netmask", r->netmask);
    if (r->prefix >= 0)
        attrf(n, "prefix", "%d", r->prefix);
    attr(n, "gateway", r->gateway);
    if (r->metric > 0)
        attrf(n, "metric", "%ld", r->metric);
}

static void
format_head(xmlNode *root, const struct net_def *def, unsigned flags)
{
    char uuid[37];

    if (!(flags & NET_FORMAT_INACTIVE) && def->connections > 0)
        attrf(root, "connections", "%ld", def->connections);
    if (def->ipv6 == LV_TRI_ON)
        attr(root, "ipv6", "yes");
    attr_tri(root, "trustGuestRxFilters", def->trust_guest_rx_filters);
    if (!xmlNewTextChild(root, NULL, (const xmlChar *)"name",
                         (const xmlChar *)def->name))
        abort();
    uuid_unparse_lower(def->uuid, uuid);
    if (!xmlNewTextChild(root, NULL, (const xmlChar *)"uuid",
                         (const xmlChar *)uuid))
        abort();
    if (def->title && !xmlNewTextChild(root, NULL, (const xmlChar *)"title",
                                       (const xmlChar *)def->title))
        abort();
    if (def->description &&
        !xmlNewTextChild(root, NULL, (const xmlChar *)"description",
                         (const xmlChar *)def->description))
        abort();
}

static void
format_tail(xmlNode *root, const struct net_def *def)
{
    xmlNs *ns;
    xmlNode *opts;

    if (!def->n_dnsmasq_options)
        return;
    ns = xmlNewNs(root, (const xmlChar *)DNSMASQ_NS,
                  (const xmlChar *)"dnsmasq");
    if (!ns || !(opts = xmlNewChild(root, ns, (const xmlChar *)"options",
                                    NULL)))
        abort();
    for (size_t i = 0; i < def->n_dnsmasq_options; i++) {
        xmlNode *o = xmlNewChild(opts, ns, (const xmlChar *)"option", NULL);
        if (!o)
            abort();
        attr(o, "value", def->dnsmasq_options[i]);
    }
}

static int
format_network(xmlNode *root, const struct net_def *def, unsigned flags,
               struct lv_err *err)
{
    format_head(root, def, flags);
    if ((def->metadata_xml && graft(root, def->metadata_xml, err) < 0) ||
        format_forward(root, def, flags, err) < 0)
        return -1;
    format_bridge(root, def);
    if (def->mtu)
        attrf(elem(root, "mtu"), "size", "%u", def->mtu);
    if (def->port_isolated != LV_TRI_ABSENT)
        attr_tri(elem(root, "port"), "isolated", def->port_isolated);
    if (def->mac)
        attr(elem(root, "mac"), "address", def->mac);
    if (def->domain_name) {
        xmlNode *d = elem(root, "domain");
        attr(d, "name", def->domain_name);
        attr_tri(d, "localOnly", def->domain_local_only);
        attr_tri(d, "register", def->domain_register);
    }
    format_dns(root, &def->dns);
    if ((def->vlan_xml && graft(root, def->vlan_xml, err) < 0) ||
        (def->bandwidth_xml && graft(root, def->bandwidth_xml, err) < 0))
        return -1;
    for (size_t i = 0; i < def->n_ips; i++)
        format_ip(root, &def->ips[i]);
    for (size_t i = 0; i < def->n_routes; i++)
        format_route(root, &def->routes[i]);
    if (def->virtualport_xml && graft(root, def->virtualport_xml, err) < 0)
        return -1;
    for (size_t i = 0; i < def->portgroups.n; i++)
        if (graft(root, def->portgroups.items[i], err) < 0)
            return -1;
    format_tail(root, def);
    for (size_t i = 0; i < def->keep.n; i++)
        if (graft(root, def->keep.items[i], err) < 0)
            return -1;
    return 0;
}

/* ---- writing ---- */

/* Escape s for XML text (quote == 0) or an attribute in quote. */
static void
put_escaped(struct strbuf *b, const char *s, char quote)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(b, "&amp;"); break;
        case '<': strbuf_adds(b, "&lt;"); break;
        case '>': strbuf_adds(b, "&gt;"); break;
        case '\'':
            strbuf_adds(b, quote == '\'' ? "&apos;" : "'");
            break;
        case '"':
            strbuf_adds(b, quote == '"' ? "&quot;" : "\"");
            break;
        default: strbuf_addc(b, *s);
        }
    }
}

static void
put_name(struct strbuf *b, const xmlNode *n)
{
    if (n->ns && n->ns->prefix)
        strbuf_addf(b, "%s:", (const char *)n->ns->prefix);
    strbuf_adds(b, (const char *)n->name);
}

static void
put_attrs(struct strbuf *b, const xmlNode *n, char q)
{
    for (const xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        strbuf_addf(b, " xmlns%s%s=%c", ns->prefix ? ":" : "",
                    ns->prefix ? (const char *)ns->prefix : "", q);
        put_escaped(b, (const char *)ns->href, q);
        strbuf_addc(b, q);
    }
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
        strbuf_addc(b, ' ');
        put_name(b, (const xmlNode *)a);
        strbuf_addf(b, "=%c", q);
        put_escaped(b, v ? (const char *)v : "", q);
        strbuf_addc(b, q);
        xmlFree(v);
    }
}

static void
put_node(struct strbuf *b, const xmlNode *n, int depth, char q)
{
    int elems = 0, text = 0;

    for (const xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE)
            elems++;
        else if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            text++;
    strbuf_addf(b, "%*s<", depth * 2, "");
    put_name(b, n);
    put_attrs(b, n, q);
    if (!elems && !text) {
        strbuf_adds(b, "/>\n");
        return;
    }
    if (!elems && n->children->content && *n->children->content) {
        strbuf_addc(b, '>');
        for (const xmlNode *ch = n->children; ch; ch = ch->next)
            put_escaped(b, (const char *)ch->content, 0);
    } else {
        /* <metadata> contents are libxml2-dumped by libvirt: "..." */
        char cq = depth == 1 && !strcmp((const char *)n->name, "metadata")
                  ? '"' : q;
        strbuf_adds(b, ">\n");
        for (const xmlNode *ch = n->children; ch; ch = ch->next)
            if (ch->type == XML_ELEMENT_NODE)
                put_node(b, ch, depth + 1, cq);
        strbuf_addf(b, "%*s", depth * 2, "");
    }
    strbuf_adds(b, "</");
    put_name(b, n);
    strbuf_adds(b, ">\n");
}

char *
net_def_format_xml(const struct net_def *def, unsigned flags,
                   struct lv_err *err)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"network");
    struct strbuf b = STRBUF_INIT;
    char *out = NULL;

    if (!doc || !root)
        abort();
    xmlDocSetRootElement(doc, root);
    if (!def->name) {
        lv_err_set(err, LV_E_INVALID, "network: cannot format: no name");
        goto out;
    }
    if (format_network(root, def, flags, err) < 0) {
        lv_err_prefix(err, "network '%s': cannot format: ", def->name);
        goto out;
    }
    put_node(&b, root, 0, '\'');
    out = strbuf_steal(&b);
out:
    xmlFreeDoc(doc);
    return out;
}

char *
net_dhcp_host_format_xml(const struct net_dhcp_host *h)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *n = xmlNewNode(NULL, (const xmlChar *)"host");
    struct strbuf b = STRBUF_INIT;
    char *out;

    if (!doc || !n)
        abort();
    xmlDocSetRootElement(doc, n);
    attr(n, "mac", h->mac);
    attr(n, "id", h->id);
    attr(n, "name", h->name);
    attr(n, "ip", h->ip);
    put_node(&b, n, 0, '\'');
    out = strbuf_steal(&b);
    xmlFreeDoc(doc);
    out[strcspn(out, "\n")] = '\0';
    return out;
}
