/* net_xml_parse.c - libvirt network XML -> struct net_def (libxml2).
 * Parsing is destructive like the domain parser's: each attribute or child
 * that is understood is removed from the tree, so what is left at the end
 * of an element is unsupported and is reported with its line (or kept
 * verbatim with NET_PARSE_KEEP_UNKNOWN). This file holds the entry points,
 * the <network> top level, <forward> and <bridge>; <ip> is in
 * net_xml_parse_ip.c, <dns> in net_xml_parse_dns.c, the shared node
 * helpers in net_xml_parse_node.c. */
#include "net_xml_priv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <uuid/uuid.h>

#include "mac.h"
#include "names.h"
#include "strbuf.h"

_Static_assert(NET_PARSE_KEEP_UNKNOWN == XK_KEEP_UNKNOWN,
               "the kit reads the parser's keep flag");

/* ---- <forward> ---- */

static int
parse_nat(struct xk_ctx *c, xmlNode *n, struct net_forward *f)
{
    f->has_nat = true;
    if (xk_tri(c, n, "ipv6", &f->nat_ipv6) < 0)
        return -1;
    for (xmlNode *ch = n->children, *next; ch; ch = next) {
        next = ch->next;
        if (IS(ch, "address")) {
            if (nx_take_addr(c, ch, "start", AF_INET, 1, &f->nat_addr_start) < 0
                || nx_take_addr(c, ch, "end", AF_INET, 0, &f->nat_addr_end) < 0
                || xk_finish(c, ch, NULL, NULL) < 0)
                return -1;
            xk_consumed(ch);
        } else if (IS(ch, "port")) {
            if (xk_num_int(c, ch, "start", 0, 65535, &f->nat_port_start) < 0 ||
                xk_num_int(c, ch, "end", 0, 65535, &f->nat_port_end) < 0 ||
                xk_finish(c, ch, NULL, NULL) < 0)
                return -1;
            xk_consumed(ch);
        }
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
dev_child(struct xk_ctx *c, xmlNode *ch, char ***v, size_t *n)
{
    char *dev = xk_take(ch, "dev");

    if (!dev)
        return xk_fail(c, ch, "<%s> has no dev=", NAME(ch));
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], dev)) {
            int rc = xk_fail(c, ch, "duplicate <%s dev='%s'> in <forward>",
                             NAME(ch), dev);
            free(dev);
            return rc;
        }
    nx_push_str(v, n, dev);
    return xk_finish(c, ch, NULL, NULL);
}

static int
forward_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct net_forward *f = obj;
    int rc;

    if (IS(ch, "interface")) {
        free(xk_take(ch, "connections"));  /* live-only count */
        rc = dev_child(c, ch, &f->ifaces, &f->n_ifaces);
    } else if (IS(ch, "pf")) {
        rc = dev_child(c, ch, &f->pfs, &f->n_pfs);
    } else if (IS(ch, "nat")) {
        rc = parse_nat(c, ch, f);
    } else if (IS(ch, "driver")) {
        xk_set(&f->driver_model, xk_take(ch, "model"));
        rc = xk_finish(c, ch, NULL, NULL);
    } else if (IS(ch, "address")) {
        char *s = xk_dump(ch);
        for (size_t i = 0; i < f->addresses.n; i++)
            if (!strcmp(f->addresses.items[i], s)) {
                rc = xk_fail(c, ch, "duplicate PCI <address> in <forward>");
                free(s);
                return rc < 0 ? -1 : 0;
            }
        lv_xml_keep_add(&f->addresses, s);
        free(s);
        return 0;
    } else {
        return 1;
    }
    return rc < 0 ? -1 : 0;
}

static int
forward_check(struct xk_ctx *c, xmlNode *n, struct net_forward *f)
{
    if (f->dev && f->mode == NET_FWD_OPEN)
        return xk_fail(c, n, "forward dev='%s' not allowed with mode='open'",
                       f->dev);
    /* an <interface> would be written back as forward dev= (libvirt too) */
    if ((f->n_ifaces || f->n_pfs) && f->mode == NET_FWD_OPEN)
        return xk_fail(c, n, "<%s dev='%s'> not allowed in <forward mode='open'>",
                       f->n_ifaces ? "interface" : "pf",
                       f->n_ifaces ? f->ifaces[0] : f->pfs[0]);
    if (f->has_nat && f->mode != NET_FWD_NAT)
        return xk_fail(c, n, "<nat> is only allowed with mode='nat'");
    if (f->n_pfs > 1)
        return xk_fail(c, n, "only one <pf> is supported in <forward>");
    if (f->dev && !f->n_pfs) {
        if (!f->n_ifaces)
            nx_push_str(&f->ifaces, &f->n_ifaces, lv_strdup(f->dev));
        else if (strcmp(f->ifaces[0], f->dev))
            return xk_fail(c, n, "forward dev='%s' must match the first "
                           "<interface dev='%s'>", f->dev, f->ifaces[0]);
    }
    if (f->nat_port_start > 0 && f->nat_port_end >= 0 &&
        f->nat_port_end < f->nat_port_start)
        return xk_fail(c, n, "nat port range %d-%d is reversed",
                       f->nat_port_start, f->nat_port_end);
    return 0;
}

static int
parse_forward(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    struct net_forward *f = &def->forward;
    char *mode = xk_take(n, "mode");
    int m = mode ? net_forward_mode_from_str(mode) : NET_FWD_NAT;

    if (m <= NET_FWD_NONE) {
        int rc = xk_fail(c, n, "unknown forward mode '%s'", mode);
        free(mode);
        return rc;
    }
    free(mode);
    f->mode = (enum net_forward_mode)m;
    xk_set(&f->dev, xk_take(n, "dev"));
    if (xk_tri(c, n, "managed", &f->managed) < 0 ||
        xk_children(c, n, forward_child, f) < 0 ||
        xk_finish(c, n, NULL, NULL) < 0)
        return -1;
    return forward_check(c, n, f);
}

/* ---- <bridge>, <mtu>, <mac>, <domain>, <port> ---- */

static int
parse_bridge(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    struct net_bridge *b = &def->bridge;
    long long delay = -1;

    xk_set(&b->name, xk_take(n, "name"));
    xk_set(&b->zone, xk_take(n, "zone"));
    xk_set(&b->mac_table_manager, xk_take(n, "macTableManager"));
    if (xk_tri(c, n, "stp", &b->stp) < 0 ||
        xk_num(c, n, "delay", 0, 1000000, &delay) < 0)
        return -1;
    b->delay = (long)delay;
    if (b->mac_table_manager && strcmp(b->mac_table_manager, "kernel") &&
        strcmp(b->mac_table_manager, "libvirt"))
        return xk_fail(c, n, "invalid macTableManager '%s': expected kernel "
                       "or libvirt", b->mac_table_manager);
    if (b->name && (!*b->name || strlen(b->name) > 15 ||
                    strchr(b->name, '/') || strchr(b->name, ' ')))
        return xk_fail(c, n, "invalid bridge name '%s': 1 to 15 characters, "
                       "no '/' or space", b->name);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_mac(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    char *s = xk_take(n, "address");
    char norm[18];
    int rc;

    if (!s || lv_mac_normalize(s, norm) < 0) {
        rc = xk_fail(c, n, "invalid MAC address '%s': expected a unicast "
                     "xx:xx:xx:xx:xx:xx", s ? s : "");
        free(s);
        return rc;
    }
    free(s);
    free(def->mac);
    def->mac = lv_strdup(norm);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_domain(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    xk_set(&def->domain_name, xk_take(n, "name"));
    if (!def->domain_name)
        return xk_fail(c, n, "<domain> has no name=");
    if (xk_tri(c, n, "localOnly", &def->domain_local_only) < 0 ||
        xk_tri(c, n, "register", &def->domain_register) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_mtu(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    long long v = -1;

    if (xk_num(c, n, "size", 68, 65535, &v) < 0)
        return -1;
    if (v < 0)
        return xk_fail(c, n, "<mtu> has no size=");
    def->mtu = (unsigned)v;
    return xk_finish(c, n, NULL, NULL);
}

/* ---- <network> ---- */

static int
parse_uuid(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    char *text = xk_text_of(n);
    int rc = 0;

    if (strlen(text) != 36 || uuid_parse(text, def->uuid) < 0)
        rc = xk_fail(c, n, "invalid uuid '%s'", text);
    free(text);
    return rc < 0 ? -1 : xk_finish(c, n, NULL, NULL);
}

/* Verbatim children: <metadata>, <vlan>, <virtualport>, <bandwidth>. */
static int
keep_verbatim(struct xk_ctx *c, xmlNode *ch, char **dst)
{
    if (*dst)
        return xk_fail(c, ch, "duplicate <%s> in <network>", NAME(ch));
    *dst = xk_dump(ch);
    return 0;
}

static int
network_child2(struct xk_ctx *c, xmlNode *ch, struct net_def *def)
{
    if (IS(ch, "domain"))
        return def->domain_name ? xk_fail(c, ch, "duplicate <domain>")
                                : parse_domain(c, ch, def);
    if (IS(ch, "dns"))
        return def->has_dns ? xk_fail(c, ch, "duplicate <dns>")
                            : nx_parse_dns(c, ch, def);
    if (IS(ch, "ip"))
        return nx_parse_ip(c, ch, def);
    if (IS(ch, "route"))
        return nx_parse_route(c, ch, def);
    if (IS(ch, "metadata"))
        return keep_verbatim(c, ch, &def->metadata_xml);
    if (IS(ch, "vlan"))
        return keep_verbatim(c, ch, &def->vlan_xml);
    if (IS(ch, "virtualport"))
        return keep_verbatim(c, ch, &def->virtualport_xml);
    if (IS(ch, "bandwidth"))
        return keep_verbatim(c, ch, &def->bandwidth_xml);
    if (IS(ch, "portgroup")) {
        char *s = xk_dump(ch);
        lv_xml_keep_add(&def->portgroups, s);
        free(s);
        return 0;
    }
    if (IS(ch, "port")) {
        if (xk_tri(c, ch, "isolated", &def->port_isolated) < 0)
            return -1;
        return xk_finish(c, ch, NULL, NULL);
    }
    if (IS(ch, "options") && ch->ns &&
        !strcmp((const char *)ch->ns->href, DNSMASQ_NS))
        return nx_parse_dnsmasq(c, ch, def);
    return 1;
}

static int
network_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct net_def *def = obj;
    int rc;

    if (IS(ch, "name") || IS(ch, "title") || IS(ch, "description")) {
        char **dst = IS(ch, "name") ? &def->name
                   : IS(ch, "title") ? &def->title : &def->description;
        if (*dst)
            return xk_fail(c, ch, "duplicate <%s>", NAME(ch)) < 0 ? -1 : 0;
        xk_set(dst, xk_text_of(ch));
        rc = xk_finish(c, ch, NULL, NULL);
    } else if (IS(ch, "uuid")) {
        rc = parse_uuid(c, ch, def);
    } else if (IS(ch, "forward")) {
        rc = def->forward.mode ? xk_fail(c, ch, "duplicate <forward>")
                               : parse_forward(c, ch, def);
    } else if (IS(ch, "bridge")) {
        rc = parse_bridge(c, ch, def);
    } else if (IS(ch, "mtu")) {
        rc = parse_mtu(c, ch, def);
    } else if (IS(ch, "mac")) {
        rc = parse_mac(c, ch, def);
    } else {
        rc = network_child2(c, ch, def);
        if (rc > 0)
            return 1;
    }
    return rc < 0 ? -1 : 0;
}

static int
check_name(struct xk_ctx *c, xmlNode *root, const char *name)
{
    if (!name)
        return xk_fail(c, root, "missing <name> in <network>");
    struct lv_err nerr = LV_ERR_INIT;

    if (lv_name_check("network", name, &nerr) < 0)
        return xk_fail(c, root, "%s", nerr.msg);
    return 0;
}

/* Checks that span elements, as libvirt makes them. */
static int
post_parse(struct xk_ctx *c, xmlNode *root, struct net_def *def)
{
    static const unsigned char zero[16];
    int dhcp4 = 0, dhcp6 = 0;

    if (check_name(c, root, def->name) < 0)
        return -1;
    for (size_t i = 0; i < def->n_ips; i++) {
        const struct net_ip *ip = &def->ips[i];
        if (!ip->n_ranges && !ip->n_hosts)
            continue;
        if ((ip->family == NET_FAMILY_IPV6 ? ++dhcp6 : ++dhcp4) == 2 &&
            xk_fail(c, root, "dhcp is supported on one %s <ip> per network "
                    "only", ip->family == NET_FAMILY_IPV6 ? "IPv6"
                                                           : "IPv4") < 0)
            return -1;
    }
    if (def->forward.mode == NET_FWD_BRIDGE && !def->bridge.name &&
        !def->forward.n_ifaces && !def->virtualport_xml &&
        xk_fail(c, root, "forward mode='bridge' needs <bridge name=> or a "
                "forward <interface>") < 0)
        return -1;
    if (!memcmp(def->uuid, zero, sizeof(zero)))
        uuid_generate_random(def->uuid);
    if (!def->mac && net_def_has_own_bridge(def) &&
        !(c->flags & NET_PARSE_NO_MAC))
        def->mac = lv_mac_generate();
    return 0;
}

static int
parse_network(struct xk_ctx *c, xmlNode *root, struct net_def *def)
{
    long long conn = -1;

    if (!IS(root, "network"))
        return xk_fail(c, root, "root element is <%s>, expected <network>",
                       NAME(root));
    if (xk_tri(c, root, "ipv6", &def->ipv6) < 0 ||
        xk_tri(c, root, "trustGuestRxFilters",
                    &def->trust_guest_rx_filters) < 0 ||
        xk_num(c, root, "connections", 0, 1000000000, &conn) < 0)
        return -1;
    def->connections = (long)conn;
    if (xk_children(c, root, network_child, def) < 0 ||
        xk_finish(c, root, &def->keep, NULL) < 0)
        return -1;
    return post_parse(c, root, def);
}

/* ---- entry points ---- */


static struct net_def *
parse_common(struct xk_ctx *c, const char *xml, size_t len)
{
    struct net_def *def = NULL;
    xmlDoc *doc = xk_read_doc(c, xml, len, "network");

    if (!doc)
        goto out;
    def = net_def_new();
    if (parse_network(c, xmlDocGetRootElement(doc), def) < 0) {
        net_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(doc);
    return def;
}

struct net_def *
net_def_parse_xml(const char *xml, size_t len, const char *srcname,
                  unsigned flags, struct lv_err *err)
{
    struct xk_ctx c = { srcname ? srcname : "network XML", flags, err, NULL, 0 };
    struct net_def *def = parse_common(&c, xml, len);

    if (def && c.n_problems) {   /* cannot happen in parse mode */
        net_def_free(def);
        def = NULL;
    }
    return def;
}

int
net_def_validate_xml(const char *xml, size_t len, const char *srcname,
                     struct strbuf *problems, struct lv_err *err)
{
    struct xk_ctx c = { srcname ? srcname : "network XML", NET_PARSE_NO_MAC,
                    err, problems, 0 };
    struct net_def *def = parse_common(&c, xml, len);

    net_def_free(def);
    return c.n_problems;
}
