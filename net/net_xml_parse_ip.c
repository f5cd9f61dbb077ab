/* net_xml_parse_ip.c - <ip> (subnet, <dhcp> ranges, hosts and leases,
 * <tftp>, <bootp>) and <route> of network XML, checked as libvirt checks
 * them (addresses inside their subnet, no duplicate hosts), and the
 * net-update <host> fragment parsed against a network's <ip>. */
#include "net_xml_priv.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mac.h"
#include "strbuf.h"

/* ---- <ip> ---- */

static int
parse_lease(struct xk_ctx *c, xmlNode *parent, struct net_lease *l)
{
    for (xmlNode *ch = parent->children, *next; ch; ch = next) {
        next = ch->next;
        if (!IS(ch, "lease"))
            continue;
        if (xk_num(c, ch, "expiry", 0, 4294967295LL, &l->expiry) < 0)
            return -1;
        if (l->expiry < 0)
            return xk_fail(c, ch, "<lease> has no expiry=");
        xk_set(&l->unit, xk_take(ch, "unit"));
        if (l->unit && strcmp(l->unit, "seconds") &&
            strcmp(l->unit, "minutes") && strcmp(l->unit, "hours"))
            return xk_fail(c, ch, "invalid lease unit '%s': expected seconds, "
                           "minutes or hours", l->unit);
        if (!l->unit)
            l->unit = lv_strdup("minutes");
        if (xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return 0;
}

static int
addr_cmp(const char *a, const char *b)
{
    unsigned char x[16], y[16];

    nx_addr_family(a, x);
    nx_addr_family(b, y);
    return memcmp(x, y, 16);
}

static int
dhcp_range(struct xk_ctx *c, xmlNode *n, struct net_ip *ip)
{
    struct net_dhcp_range *r = xk_push(&ip->ranges, &ip->n_ranges, sizeof(*r));
    int af = nx_want_af(ip->family);

    r->lease.expiry = -1;
    if (nx_take_addr(c, n, "start", af, 1, &r->start) < 0 ||
        nx_take_addr(c, n, "end", af, 1, &r->end) < 0 ||
        parse_lease(c, n, &r->lease) < 0)
        return -1;
    if (!r->start || !r->end)
        return xk_finish(c, n, NULL, NULL);
    if (!net_ip_contains(ip, r->start) || !net_ip_contains(ip, r->end))
        return xk_fail(c, n, "dhcp range %s - %s is not in the subnet of %s/%d",
                       r->start, r->end, ip->address, net_ip_prefix(ip));
    if (addr_cmp(r->start, r->end) > 0)
        return xk_fail(c, n, "dhcp range %s - %s is reversed", r->start,
                       r->end);
    return xk_finish(c, n, NULL, NULL);
}

static int
host_dup(struct xk_ctx *c, xmlNode *n, const struct net_ip *ip,
         const struct net_dhcp_host *h)
{
    for (size_t i = 0; i + 1 < ip->n_hosts; i++) {
        const struct net_dhcp_host *o = &ip->hosts[i];
        if (h->mac && o->mac && !strcmp(h->mac, o->mac))
            return xk_fail(c, n, "duplicate dhcp host MAC '%s'", h->mac);
        if (h->ip && o->ip && !addr_cmp(h->ip, o->ip))
            return xk_fail(c, n, "duplicate dhcp host ip '%s'", h->ip);
    }
    return 0;
}

static int
dhcp_host(struct xk_ctx *c, xmlNode *n, struct net_ip *ip)
{
    struct net_dhcp_host *h = xk_push(&ip->hosts, &ip->n_hosts, sizeof(*h));
    char norm[18];

    h->lease.expiry = -1;
    xk_set(&h->mac, xk_take(n, "mac"));
    xk_set(&h->id, xk_take(n, "id"));
    xk_set(&h->name, xk_take(n, "name"));
    if (nx_take_addr(c, n, "ip", nx_want_af(ip->family), 0, &h->ip) < 0 ||
        parse_lease(c, n, &h->lease) < 0)
        return -1;
    if (h->mac) {
        if (lv_mac_normalize(h->mac, norm) < 0)
            return xk_fail(c, n, "invalid MAC address '%s' in dhcp <host>",
                           h->mac);
        if (ip->family == NET_FAMILY_IPV6)
            return xk_fail(c, n, "dhcp <host mac=> is for IPv4; use id= for "
                           "IPv6");
        free(h->mac);
        h->mac = lv_strdup(norm);
    }
    if (!h->ip && xk_fail(c, n, "dhcp <host> has no ip=") < 0)
        return -1;
    if (!h->mac && !h->name && !h->id)
        return xk_fail(c, n, "dhcp <host> needs mac=, id= or name=");
    if (h->ip && !net_ip_contains(ip, h->ip))
        return xk_fail(c, n, "dhcp host ip '%s' is not in the subnet of %s/%d",
                       h->ip, ip->address, net_ip_prefix(ip));
    if (host_dup(c, n, ip, h) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
dhcp_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct net_ip *ip = obj;

    if (IS(ch, "range"))
        return dhcp_range(c, ch, ip) < 0 ? -1 : 0;
    if (IS(ch, "host"))
        return dhcp_host(c, ch, ip) < 0 ? -1 : 0;
    if (IS(ch, "bootp")) {
        xk_set(&ip->bootp_file, xk_take(ch, "file"));
        if (!ip->bootp_file)
            return xk_fail(c, ch, "<bootp> has no file=");
        if (nx_take_addr(c, ch, "server", AF_INET, 0, &ip->bootp_server) < 0)
            return -1;
        return xk_finish(c, ch, NULL, NULL) < 0 ? -1 : 0;
    }
    return 1;
}

static int
ip_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct net_ip *ip = obj;

    if (IS(ch, "dhcp")) {
        ip->has_dhcp = true;
        if (xk_children(c, ch, dhcp_child, ip) < 0 ||
            xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        return 0;
    }
    if (IS(ch, "tftp")) {
        xk_set(&ip->tftp_root, xk_take(ch, "root"));
        if (!ip->tftp_root)
            return xk_fail(c, ch, "<tftp> has no root=");
        return xk_finish(c, ch, NULL, NULL) < 0 ? -1 : 0;
    }
    return 1;
}

/* family=, address=, netmask=/prefix= of <ip> or <route>, checked. */
static int
parse_subnet(struct xk_ctx *c, xmlNode *n, enum net_family *fam, bool *explicit,
             char **address, char **netmask, int *prefix)
{
    char *family = xk_take(n, "family");
    int af, rc = 0;

    *explicit = family != NULL;
    if (family && strcmp(family, "ipv4") && strcmp(family, "ipv6"))
        rc = xk_fail(c, n, "invalid family '%s': expected ipv4 or ipv6",
                     family);
    af = family ? (!strcmp(family, "ipv6") ? AF_INET6 : AF_INET) : 0;
    free(family);
    if (rc < 0 || nx_take_addr(c, n, "address", af, 1, address) < 0)
        return -1;
    if (!af)
        af = nx_addr_family(*address, NULL) == AF_INET6 ? AF_INET6 : AF_INET;
    *fam = af == AF_INET6 ? NET_FAMILY_IPV6 : NET_FAMILY_IPV4;
    if (nx_take_addr(c, n, "netmask", AF_INET, 0, netmask) < 0 ||
        xk_num_int(c, n, "prefix", 0, af == AF_INET6 ? 128 : 32, prefix) < 0)
        return -1;
    if (*netmask && af == AF_INET6)
        return xk_fail(c, n, "netmask= is for IPv4; use prefix= for %s",
                       *address);
    if (*netmask && *prefix >= 0)
        return xk_fail(c, n, "<%s> has both netmask= and prefix=", NAME(n));
    return 0;
}

int
nx_parse_ip(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    struct net_ip *ip = xk_push(&def->ips, &def->n_ips, sizeof(*ip));

    ip->prefix = -1;
    if (parse_subnet(c, n, &ip->family, &ip->family_explicit, &ip->address,
                     &ip->netmask, &ip->prefix) < 0 ||
        xk_tri(c, n, "localPtr", &ip->local_ptr) < 0)
        return -1;
    if (ip->address && net_ip_prefix(ip) < 0)
        return xk_fail(c, n, "invalid netmask '%s' for %s", ip->netmask,
                       ip->address);
    if (ip->address && xk_children(c, n, ip_child, ip) < 0)
        return -1;
    if (ip->tftp_root && ip->family == NET_FAMILY_IPV6)
        return xk_fail(c, n, "<tftp> is only supported for IPv4");
    return xk_finish(c, n, NULL, NULL);
}

int
nx_parse_route(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    struct net_route *r = xk_push(&def->routes, &def->n_routes, sizeof(*r));
    long long metric = -1;

    r->prefix = -1;
    r->metric = -1;
    if (parse_subnet(c, n, &r->family, &r->family_explicit, &r->address,
                     &r->netmask, &r->prefix) < 0 ||
        nx_take_addr(c, n, "gateway", nx_want_af(r->family), 1,
                     &r->gateway) < 0 ||
        xk_num(c, n, "metric", 0, 4294967295LL, &metric) < 0)
        return -1;
    r->metric = (long)metric;
    return xk_finish(c, n, NULL, NULL);
}

/* ---- net-update <host> fragment ---- */

/* Which <ip> of def a host with address text belongs to. */
static int
host_ip_index(const struct net_def *def, const char *ipaddr, size_t *idx)
{
    for (size_t i = 0; ipaddr && i < def->n_ips; i++)
        if (net_ip_contains(&def->ips[i], ipaddr)) {
            *idx = i;
            return 0;
        }
    return -1;
}

int
net_dhcp_host_parse_xml(const struct net_def *def, const char *xml,
                        size_t len, struct net_dhcp_host *out,
                        size_t *ip_index, struct lv_err *err)
{
    struct xk_ctx c = { "dhcp host XML", 0, err, NULL, 0 };
    xmlDoc *doc = xk_read_doc(&c, xml, len, "network");
    struct net_ip tmp;
    xmlNode *root;
    char *ipaddr = NULL;
    size_t idx = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    memset(&tmp, 0, sizeof(tmp));
    if (!doc)
        goto out;
    root = xmlDocGetRootElement(doc);
    if (!IS(root, "host")) {
        xk_fail(&c, root, "root element is <%s>, expected <host>", NAME(root));
        goto out;
    }
    ipaddr = xk_take(root, "ip");
    if (!ipaddr || host_ip_index(def, ipaddr, &idx) < 0) {
        xk_fail(&c, root, "dhcp host ip '%s' is in no <ip> subnet of network "
                "'%s'", ipaddr ? ipaddr : "", def->name ? def->name : "");
        goto out;
    }
    xmlSetProp(root, (const xmlChar *)"ip", (const xmlChar *)ipaddr);
    /* parse against a shallow copy of the <ip>, so that duplicates of
     * its hosts are found; only the new last host is ours */
    tmp = def->ips[idx];
    tmp.hosts = lv_calloc(tmp.n_hosts + 1, sizeof(*tmp.hosts));
    if (tmp.n_hosts)
        memcpy(tmp.hosts, def->ips[idx].hosts,
               tmp.n_hosts * sizeof(*tmp.hosts));
    if (dhcp_host(&c, root, &tmp) < 0)
        goto out;
    *out = tmp.hosts[tmp.n_hosts - 1];
    tmp.n_hosts--;
    *ip_index = idx;
    rc = 0;
out:
    if (tmp.hosts && tmp.n_hosts > def->ips[idx].n_hosts)
        net_dhcp_host_clear(&tmp.hosts[tmp.n_hosts - 1]);
    free(tmp.hosts);
    free(ipaddr);
    xmlFreeDoc(doc);
    return rc;
}
