/* net_def.c - the virtual network definition: allocation, deep copy and
 * release of struct net_def, the forward-mode string table, and the small
 * address queries the runtime and the guest NIC code need (first IPv4
 * subnet, subnet overlap, DHCP host lookup). */
#include "net_def.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

static const char *const forward_modes[] = {
    [NET_FWD_NONE] = "none", [NET_FWD_NAT] = "nat",
    [NET_FWD_ROUTE] = "route", [NET_FWD_OPEN] = "open",
    [NET_FWD_BRIDGE] = "bridge", [NET_FWD_PRIVATE] = "private",
    [NET_FWD_VEPA] = "vepa", [NET_FWD_PASSTHROUGH] = "passthrough",
    [NET_FWD_HOSTDEV] = "hostdev",
};

const char *
net_forward_mode_to_str(enum net_forward_mode m)
{
    if ((size_t)m >= sizeof(forward_modes) / sizeof(forward_modes[0]))
        return NULL;
    return forward_modes[m];
}

int
net_forward_mode_from_str(const char *s)
{
    for (size_t i = 0; s && i < sizeof(forward_modes) / sizeof(*forward_modes);
         i++)
        if (!strcmp(forward_modes[i], s))
            return (int)i;
    return -1;
}

struct net_def *
net_def_new(void)
{
    struct net_def *def = lv_calloc(1, sizeof(*def));

    def->connections = -1;
    def->bridge.delay = -1;
    def->forward.nat_port_start = -1;
    def->forward.nat_port_end = -1;
    return def;
}

/* ---- release ---- */

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
net_dhcp_host_clear(struct net_dhcp_host *h)
{
    free(h->mac);
    free(h->id);
    free(h->name);
    free(h->ip);
    free(h->lease.unit);
    memset(h, 0, sizeof(*h));
    h->lease.expiry = -1;
}

void
net_dhcp_range_clear(struct net_dhcp_range *r)
{
    free(r->start);
    free(r->end);
    free(r->lease.unit);
    memset(r, 0, sizeof(*r));
    r->lease.expiry = -1;
}

void
net_dns_host_clear(struct net_dns_host *h)
{
    free(h->ip);
    free_strv(h->hostnames, h->n_hostnames);
    memset(h, 0, sizeof(*h));
}

static void
ip_clear(struct net_ip *ip)
{
    free(ip->address);
    free(ip->netmask);
    for (size_t i = 0; i < ip->n_ranges; i++)
        net_dhcp_range_clear(&ip->ranges[i]);
    free(ip->ranges);
    for (size_t i = 0; i < ip->n_hosts; i++)
        net_dhcp_host_clear(&ip->hosts[i]);
    free(ip->hosts);
    free(ip->bootp_file);
    free(ip->bootp_server);
    free(ip->tftp_root);
}

static void
dns_clear(struct net_dns *d)
{
    for (size_t i = 0; i < d->n_forwarders; i++) {
        free(d->forwarders[i].addr);
        free(d->forwarders[i].domain);
    }
    free(d->forwarders);
    for (size_t i = 0; i < d->n_txts; i++) {
        free(d->txts[i].name);
        free(d->txts[i].value);
    }
    free(d->txts);
    for (size_t i = 0; i < d->n_hosts; i++)
        net_dns_host_clear(&d->hosts[i]);
    free(d->hosts);
    for (size_t i = 0; i < d->n_srvs; i++) {
        free(d->srvs[i].service);
        free(d->srvs[i].protocol);
        free(d->srvs[i].domain);
        free(d->srvs[i].target);
    }
    free(d->srvs);
}

static void
forward_clear(struct net_forward *f)
{
    free(f->dev);
    free(f->driver_model);
    free(f->nat_addr_start);
    free(f->nat_addr_end);
    free_strv(f->ifaces, f->n_ifaces);
    free_strv(f->pfs, f->n_pfs);
    lv_xml_keep_clear(&f->addresses);
}

void
net_def_free(struct net_def *def)
{
    if (!def)
        return;
    free(def->name);
    free(def->title);
    free(def->description);
    free(def->metadata_xml);
    forward_clear(&def->forward);
    free(def->bridge.name);
    free(def->bridge.mac_table_manager);
    free(def->bridge.zone);
    free(def->mac);
    free(def->domain_name);
    dns_clear(&def->dns);
    for (size_t i = 0; i < def->n_ips; i++)
        ip_clear(&def->ips[i]);
    free(def->ips);
    for (size_t i = 0; i < def->n_routes; i++) {
        free(def->routes[i].address);
        free(def->routes[i].netmask);
        free(def->routes[i].gateway);
    }
    free(def->routes);
    free(def->bandwidth_xml);
    free(def->vlan_xml);
    free(def->virtualport_xml);
    lv_xml_keep_clear(&def->portgroups);
    free_strv(def->dnsmasq_options, def->n_dnsmasq_options);
    lv_xml_keep_clear(&def->keep);
    free(def);
}

/* ---- deep copy ---- */

static char **
dup_strv(char *const *v, size_t n)
{
    char **out;

    if (!n)
        return NULL;
    out = lv_calloc(n, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[i] = lv_strdup(v[i]);
    return out;
}

static void
dup_keep(struct lv_xml_keep *dst, const struct lv_xml_keep *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < src->n; i++)
        lv_xml_keep_add(dst, src->items[i]);
}

/* Copy n items of size sz (shallow); the caller then deep-copies fields. */
static void *
dup_array(const void *src, size_t n, size_t sz)
{
    void *out;

    if (!n)
        return NULL;
    out = lv_calloc(n, sz);
    memcpy(out, src, n * sz);
    return out;
}

static void
copy_ip(struct net_ip *d, const struct net_ip *s)
{
    *d = *s;
    d->address = lv_strdup(s->address);
    d->netmask = lv_strdup(s->netmask);
    d->bootp_file = lv_strdup(s->bootp_file);
    d->bootp_server = lv_strdup(s->bootp_server);
    d->tftp_root = lv_strdup(s->tftp_root);
    d->ranges = dup_array(s->ranges, s->n_ranges, sizeof(*s->ranges));
    for (size_t i = 0; i < s->n_ranges; i++) {
        d->ranges[i].start = lv_strdup(s->ranges[i].start);
        d->ranges[i].end = lv_strdup(s->ranges[i].end);
        d->ranges[i].lease.unit = lv_strdup(s->ranges[i].lease.unit);
    }
    d->hosts = dup_array(s->hosts, s->n_hosts, sizeof(*s->hosts));
    for (size_t i = 0; i < s->n_hosts; i++) {
        d->hosts[i].mac = lv_strdup(s->hosts[i].mac);
        d->hosts[i].id = lv_strdup(s->hosts[i].id);
        d->hosts[i].name = lv_strdup(s->hosts[i].name);
        d->hosts[i].ip = lv_strdup(s->hosts[i].ip);
        d->hosts[i].lease.unit = lv_strdup(s->hosts[i].lease.unit);
    }
}

static void
copy_dns(struct net_dns *d, const struct net_dns *s)
{
    *d = *s;
    d->forwarders = dup_array(s->forwarders, s->n_forwarders,
                              sizeof(*s->forwarders));
    for (size_t i = 0; i < s->n_forwarders; i++) {
        d->forwarders[i].addr = lv_strdup(s->forwarders[i].addr);
        d->forwarders[i].domain = lv_strdup(s->forwarders[i].domain);
    }
    d->txts = dup_array(s->txts, s->n_txts, sizeof(*s->txts));
    for (size_t i = 0; i < s->n_txts; i++) {
        d->txts[i].name = lv_strdup(s->txts[i].name);
        d->txts[i].value = lv_strdup(s->txts[i].value);
    }
    d->hosts = dup_array(s->hosts, s->n_hosts, sizeof(*s->hosts));
    for (size_t i = 0; i < s->n_hosts; i++) {
        d->hosts[i].ip = lv_strdup(s->hosts[i].ip);
        d->hosts[i].hostnames = dup_strv(s->hosts[i].hostnames,
                                         s->hosts[i].n_hostnames);
    }
    d->srvs = dup_array(s->srvs, s->n_srvs, sizeof(*s->srvs));
    for (size_t i = 0; i < s->n_srvs; i++) {
        d->srvs[i].service = lv_strdup(s->srvs[i].service);
        d->srvs[i].protocol = lv_strdup(s->srvs[i].protocol);
        d->srvs[i].domain = lv_strdup(s->srvs[i].domain);
        d->srvs[i].target = lv_strdup(s->srvs[i].target);
    }
}

static void
copy_forward(struct net_forward *d, const struct net_forward *s)
{
    *d = *s;
    d->dev = lv_strdup(s->dev);
    d->driver_model = lv_strdup(s->driver_model);
    d->nat_addr_start = lv_strdup(s->nat_addr_start);
    d->nat_addr_end = lv_strdup(s->nat_addr_end);
    d->ifaces = dup_strv(s->ifaces, s->n_ifaces);
    d->pfs = dup_strv(s->pfs, s->n_pfs);
    dup_keep(&d->addresses, &s->addresses);
}

struct net_def *
net_def_copy(const struct net_def *s)
{
    struct net_def *d = lv_malloc(sizeof(*d));

    *d = *s;
    d->name = lv_strdup(s->name);
    d->title = lv_strdup(s->title);
    d->description = lv_strdup(s->description);
    d->metadata_xml = lv_strdup(s->metadata_xml);
    copy_forward(&d->forward, &s->forward);
    d->bridge.name = lv_strdup(s->bridge.name);
    d->bridge.mac_table_manager = lv_strdup(s->bridge.mac_table_manager);
    d->bridge.zone = lv_strdup(s->bridge.zone);
    d->mac = lv_strdup(s->mac);
    d->domain_name = lv_strdup(s->domain_name);
    copy_dns(&d->dns, &s->dns);
    d->ips = dup_array(s->ips, s->n_ips, sizeof(*s->ips));
    for (size_t i = 0; i < s->n_ips; i++)
        copy_ip(&d->ips[i], &s->ips[i]);
    d->routes = dup_array(s->routes, s->n_routes, sizeof(*s->routes));
    for (size_t i = 0; i < s->n_routes; i++) {
        d->routes[i].address = lv_strdup(s->routes[i].address);
        d->routes[i].netmask = lv_strdup(s->routes[i].netmask);
        d->routes[i].gateway = lv_strdup(s->routes[i].gateway);
    }
    d->bandwidth_xml = lv_strdup(s->bandwidth_xml);
    d->vlan_xml = lv_strdup(s->vlan_xml);
    d->virtualport_xml = lv_strdup(s->virtualport_xml);
    dup_keep(&d->portgroups, &s->portgroups);
    d->dnsmasq_options = dup_strv(s->dnsmasq_options, s->n_dnsmasq_options);
    dup_keep(&d->keep, &s->keep);
    return d;
}

/* ---- address queries ---- */

/* Parse text into 16 bytes (IPv4 in the first 4); returns AF_INET,
 * AF_INET6 or -1. */
static int
addr_parse(const char *s, unsigned char out[16])
{
    memset(out, 0, 16);
    if (!s)
        return -1;
    if (inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, s, out) == 1)
        return AF_INET6;
    return -1;
}

static int
mask_prefix(const char *netmask)
{
    unsigned char m[16];
    int bits = 0, i;

    if (addr_parse(netmask, m) != AF_INET)
        return -1;
    for (i = 0; i < 32 && (m[i / 8] & (0x80 >> (i % 8))); i++)
        bits++;
    for (; i < 32; i++)
        if (m[i / 8] & (0x80 >> (i % 8)))
            return -1;
    return bits;
}

int
net_ip_prefix(const struct net_ip *ip)
{
    unsigned char a[16];

    if (ip->prefix >= 0)
        return ip->prefix;
    if (ip->netmask)
        return mask_prefix(ip->netmask);
    if (ip->family == NET_FAMILY_IPV6)
        return 64;
    if (addr_parse(ip->address, a) != AF_INET)
        return -1;
    if (a[0] < 128)
        return 8;
    return a[0] < 192 ? 16 : 24;
}

/* 1 if the first bits of a and b are equal. */
static int
same_prefix(const unsigned char *a, const unsigned char *b, int bits)
{
    for (int i = 0; i < bits; i++) {
        int m = 0x80 >> (i % 8);
        if ((a[i / 8] & m) != (b[i / 8] & m))
            return 0;
    }
    return 1;
}

int
net_ip_contains(const struct net_ip *ip, const char *address)
{
    unsigned char net[16], a[16];
    int fam = addr_parse(ip->address, net);
    int prefix = net_ip_prefix(ip);

    if (fam < 0 || prefix < 0 || addr_parse(address, a) != fam)
        return 0;
    return same_prefix(net, a, prefix);
}

static const struct net_ip *
first_ip(const struct net_def *def, enum net_family fam, void *addr,
         int *prefix)
{
    unsigned char a[16];

    for (size_t i = 0; i < def->n_ips; i++) {
        const struct net_ip *ip = &def->ips[i];
        if (ip->family != fam || addr_parse(ip->address, a) < 0)
            continue;
        if (addr)
            memcpy(addr, a, fam == NET_FAMILY_IPV4 ? 4 : 16);
        if (prefix)
            *prefix = net_ip_prefix(ip);
        return ip;
    }
    return NULL;
}

const struct net_ip *
net_def_ipv4(const struct net_def *def, struct in_addr *addr, int *prefix)
{
    return first_ip(def, NET_FAMILY_IPV4, addr, prefix);
}

const struct net_ip *
net_def_ipv6(const struct net_def *def, struct in6_addr *addr, int *prefix)
{
    return first_ip(def, NET_FAMILY_IPV6, addr, prefix);
}

int
net_def_subnets_overlap(const struct net_def *a, const struct net_def *b)
{
    unsigned char x[16], y[16];

    for (size_t i = 0; i < a->n_ips; i++) {
        int fa = addr_parse(a->ips[i].address, x);
        int pa = net_ip_prefix(&a->ips[i]);
        for (size_t j = 0; fa > 0 && pa >= 0 && j < b->n_ips; j++) {
            int pb = net_ip_prefix(&b->ips[j]);
            if (addr_parse(b->ips[j].address, y) != fa || pb < 0)
                continue;
            /* two subnets overlap iff they agree on the shorter prefix */
            if (same_prefix(x, y, pa < pb ? pa : pb))
                return 1;
        }
    }
    return 0;
}

const char *
net_def_bridge(const struct net_def *def)
{
    return def->bridge.name;
}

int
net_def_has_own_bridge(const struct net_def *def)
{
    switch (def->forward.mode) {
    case NET_FWD_NONE: case NET_FWD_NAT: case NET_FWD_ROUTE:
    case NET_FWD_OPEN:
        return 1;
    default:
        return 0;
    }
}

long long
net_lease_seconds(const struct net_lease *l)
{
    if (l->expiry < 0)
        return -1;
    if (l->unit && !strcmp(l->unit, "seconds"))
        return l->expiry;
    if (l->unit && !strcmp(l->unit, "hours"))
        return l->expiry * 3600;
    return l->expiry * 60;
}

const struct net_dhcp_host *
net_def_find_dhcp_host(const struct net_def *def, const char *mac,
                       const char *name, const char *ip)
{
    unsigned char want[16], have[16];
    int fam = ip ? addr_parse(ip, want) : -1;

    for (size_t i = 0; i < def->n_ips; i++)
        for (size_t j = 0; j < def->ips[i].n_hosts; j++) {
            const struct net_dhcp_host *h = &def->ips[i].hosts[j];
            if (mac) {
                if (h->mac && !strcasecmp(h->mac, mac))
                    return h;
            } else if (name) {
                if (h->name && !strcmp(h->name, name))
                    return h;
            } else if (ip && fam > 0 && addr_parse(h->ip, have) == fam &&
                       !memcmp(want, have, 16)) {
                return h;
            }
        }
    return NULL;
}
