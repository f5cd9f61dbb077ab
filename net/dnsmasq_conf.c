/* dnsmasq_conf.c - the text of dnsmasq.conf, the DHCP hosts file and the
 * addn-hosts file of one network, line for line as libvirt's
 * networkDnsmasqConfContents() writes them (checked against libvirt's
 * networkxml2confdata). What luavirt does differently (its own lease file
 * instead of a lease helper script, a pid file) comes from the options. */
#include "dnsmasq_conf.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define LIBVIRT_DIR "/var/lib/libvirt/dnsmasq"

/* libvirt writes the file paths through virBufferEscapeString (XML
 * escaping); the files are named the same way here, so a quote in a
 * network name never reaches dnsmasq's option parser. */
static void
add_escaped(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(b, "&amp;"); break;
        case '<': strbuf_adds(b, "&lt;"); break;
        case '>': strbuf_adds(b, "&gt;"); break;
        case '"': strbuf_adds(b, "&quot;"); break;
        case '\'': strbuf_adds(b, "&apos;"); break;
        default: strbuf_addc(b, *s);
        }
    }
}

char *
dnsmasq_conf_path(const struct net_def *def,
                  const struct dnsmasq_conf_opts *o, const char *suffix)
{
    struct strbuf b = STRBUF_INIT;

    strbuf_adds(&b, o && o->config_dir ? o->config_dir : LIBVIRT_DIR);
    strbuf_addc(&b, '/');
    add_escaped(&b, def->name ? def->name : "");
    strbuf_addf(&b, ".%s", suffix);
    return strbuf_steal(&b);
}

/* ---- addresses ---- */

static int
addr_parse(const char *s, unsigned char out[16])
{
    memset(out, 0, 16);
    if (s && inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    if (s && inet_pton(AF_INET6, s, out) == 1)
        return AF_INET6;
    return -1;
}

/* Number of addresses in start..end, like virSocketAddrGetRange: -1 when
 * they differ beyond the last 32 bits (IPv6) or are reversed. */
static long long
range_size(const char *start, const char *end)
{
    unsigned char a[16], b[16];
    int fam = addr_parse(start, a);
    int off = fam == AF_INET ? 0 : 12;
    unsigned long long x = 0, y = 0;

    if (fam < 0 || addr_parse(end, b) != fam || memcmp(a, b, off))
        return -1;
    for (int i = off; i < off + 4; i++) {
        x = x << 8 | a[i];
        y = y << 8 | b[i];
    }
    return y < x ? -1 : (long long)(y - x + 1);
}

/* "local=/<reverse zone>/" for an <ip localPtr='yes'>. */
static int
add_local_ptr(struct strbuf *b, const struct net_ip *ip, struct lv_err *err)
{
    unsigned char a[16];
    int fam = addr_parse(ip->address, a), prefix = net_ip_prefix(ip);
    int step = fam == AF_INET ? 8 : 4;

    if (fam < 0 || prefix < 0 || prefix % step || prefix == 0) {
        lv_err_set(err, LV_E_INVALID, "localPtr of %s/%d: the prefix must "
                   "be a non-zero multiple of %d", ip->address, prefix, step);
        return -1;
    }
    strbuf_adds(b, "local=/");
    if (fam == AF_INET) {
        for (int i = prefix / 8 - 1; i >= 0; i--)
            strbuf_addf(b, "%u.", a[i]);
        strbuf_adds(b, "in-addr.arpa/\n");
    } else {
        for (int i = prefix / 4 - 1; i >= 0; i--)
            strbuf_addf(b, "%x.", i % 2 ? a[i / 2] & 0xf : a[i / 2] >> 4);
        strbuf_adds(b, "ip6.arpa/\n");
    }
    return 0;
}

/* lease time as dnsmasq reads it: 10m, 2h, 200s, infinite; NULL absent */
static const char *
lease_str(const struct net_lease *l, char buf[32])
{
    if (l->expiry < 0)
        return NULL;
    if (l->expiry == 0)
        return "infinite";
    snprintf(buf, 32, "%lld%c", l->expiry, l->unit ? l->unit[0] : 'm');
    return buf;
}

/* ---- dnsmasq.conf sections ---- */

static void
add_header(struct strbuf *b, const struct net_def *def)
{
    strbuf_addf(b,
        "##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE "
        "LIKELY TO BE\n"
        "##OVERWRITTEN AND LOST.  Changes to this configuration should be "
        "made using:\n"
        "##    virsh net-edit %s\n"
        "## or other application using the libvirt API.\n"
        "##\n"
        "## dnsmasq conf file created by libvirt\n", def->name);
}

static void
add_forwarders(struct strbuf *b, const struct net_dns *d)
{
    int no_resolv = 0;

    for (size_t i = 0; i < d->n_forwarders; i++) {
        const struct net_dns_forwarder *f = &d->forwarders[i];
        strbuf_adds(b, "server=");
        if (f->domain)
            strbuf_addf(b, "/%s/", f->domain);
        if (f->addr) {
            strbuf_addf(b, "%s\n", f->addr);
            if (!f->domain)
                no_resolv = 1;
        } else {
            strbuf_adds(b, "#\n");   /* do not forward this domain */
        }
    }
    if (no_resolv)
        strbuf_adds(b, "no-resolv\n");
}

static int
add_dns_head(struct strbuf *b, const struct net_def *def, int want_dns,
             struct lv_err *err)
{
    if (!want_dns)
        strbuf_adds(b, "port=0\n");
    if (want_dns)
        add_forwarders(b, &def->dns);
    if (def->domain_name) {
        if (def->domain_local_only == LV_TRI_ON)
            strbuf_addf(b, "local=/%s/\n", def->domain_name);
        strbuf_addf(b, "domain=%s\nexpand-hosts\n", def->domain_name);
    }
    for (size_t i = 0; want_dns && i < def->n_ips; i++)
        if (def->ips[i].local_ptr == LV_TRI_ON &&
            add_local_ptr(b, &def->ips[i], err) < 0)
            return -1;
    if (want_dns && def->dns.forward_plain_names == LV_TRI_OFF)
        strbuf_adds(b, "domain-needed\nlocal=//\n");
    return 0;
}

static void
add_records(struct strbuf *b, const struct net_dns *d)
{
    for (size_t i = 0; i < d->n_txts; i++)
        strbuf_addf(b, "txt-record=%s,%s\n", d->txts[i].name,
                    d->txts[i].value);
    for (size_t i = 0; i < d->n_srvs; i++) {
        const struct net_dns_srv *s = &d->srvs[i];
        int port = s->port > 0 ? s->port : 0;
        int prio = s->priority > 0 ? s->priority : 0;
        int weight = s->weight > 0 ? s->weight : 0;

        strbuf_addf(b, "srv-host=_%s._%s", s->service, s->protocol);
        if (s->domain)
            strbuf_addf(b, ".%s", s->domain);
        /* target "." means "no such service" (RFC 2782): nothing more;
         * later fields are positional, port defaults to 1 */
        if (s->target && strcmp(s->target, ".")) {
            strbuf_addf(b, ",%s", s->target);
            if (port || prio || weight)
                strbuf_addf(b, ",%d", port ? port : 1);
            if (prio || weight)
                strbuf_addf(b, ",%d", prio);
            if (weight)
                strbuf_addf(b, ",%d", weight);
        }
        strbuf_addc(b, '\n');
    }
}

/* dhcp-range lines of one <ip>; adds its address count to *leases. */
static int
add_ranges(struct strbuf *b, const struct net_ip *ip, long long *leases,
           struct lv_err *err)
{
    int prefix = net_ip_prefix(ip);
    char lbuf[32];

    for (size_t r = 0; r < ip->n_ranges; r++) {
        const struct net_dhcp_range *rg = &ip->ranges[r];
        long long n = range_size(rg->start, rg->end);
        const char *lease = lease_str(&rg->lease, lbuf);

        if (n < 0) {
            lv_err_set(err, LV_E_INVALID, "dhcp range %s - %s: invalid or "
                       "too large", rg->start, rg->end);
            return -1;
        }
        strbuf_addf(b, "dhcp-range=%s,%s,", rg->start, rg->end);
        if (ip->family == NET_FAMILY_IPV6) {
            strbuf_addf(b, "%d", prefix);
        } else {
            uint32_t m = prefix ? htonl(~0u << (32 - prefix)) : 0;
            char mask[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &m, mask, sizeof(mask));
            strbuf_adds(b, mask);
        }
        if (lease)
            strbuf_addf(b, ",%s", lease);
        strbuf_addc(b, '\n');
        *leases += n;
    }
    /* static-only DHCP needs a range to turn the service on */
    if (!ip->n_ranges && ip->n_hosts) {
        strbuf_addf(b, "dhcp-range=%s,static", ip->address);
        if (ip->family == NET_FAMILY_IPV6)
            strbuf_addf(b, ",%d", prefix);
        strbuf_addc(b, '\n');
    }
    return 0;
}

static void
add_ipv4_extras(struct strbuf *b, const struct net_ip *ip)
{
    if (ip->n_ranges || ip->n_hosts)
        strbuf_adds(b, "dhcp-no-override\ndhcp-authoritative\n");
    if (ip->bootp_file) {
        strbuf_addf(b, "dhcp-boot=%s", ip->bootp_file);
        if (ip->bootp_server)
            strbuf_addf(b, ",,%s", ip->bootp_server);
        strbuf_addc(b, '\n');
    }
}

/* The <ip> that serves DHCP for a family (NULL: none); -1 if two do. */
static int
dhcp_ips(const struct net_def *def, const struct net_ip **v4,
         const struct net_ip **v6, struct lv_err *err)
{
    *v4 = *v6 = NULL;
    for (size_t i = 0; i < def->n_ips; i++) {
        const struct net_ip *ip = &def->ips[i];
        const struct net_ip **slot =
            ip->family == NET_FAMILY_IPV6 ? v6 : v4;
        if (!ip->n_ranges && !ip->n_hosts)
            continue;
        if (*slot) {
            lv_err_set(err, LV_E_INVALID, "for %s, multiple DHCP "
                       "definitions cannot be specified",
                       ip->family == NET_FAMILY_IPV6 ? "IPv6" : "IPv4");
            return -1;
        }
        *slot = ip;
    }
    return 0;
}

static int
add_dhcp(struct strbuf *b, const struct net_def *def,
         const struct dnsmasq_conf_opts *o, struct lv_err *err)
{
    const struct net_ip *v4, *v6, *ip;
    long long leases = 0;
    char *path;

    if (dhcp_ips(def, &v4, &v6, err) < 0)
        return -1;
    for (ip = v4 ? v4 : v6; ip; ip = ip == v6 ? NULL : v6) {
        if (add_ranges(b, ip, &leases, err) < 0)
            return -1;
        if (ip->family == NET_FAMILY_IPV4)
            add_ipv4_extras(b, ip);
    }
    if (leases > 0)
        strbuf_addf(b, "dhcp-lease-max=%lld\n", leases > INT_MAX ? INT_MAX
                                                                  : leases);
    if (v4 || v6) {
        path = dnsmasq_conf_path(def, o, "hostsfile");
        strbuf_addf(b, "dhcp-hostsfile=%s\n", path);
        free(path);
        if (o && o->lease_file)
            strbuf_addf(b, "dhcp-leasefile=%s\n", o->lease_file);
        if (o && o->lease_script)
            strbuf_addf(b, "dhcp-script=%s\n", o->lease_script);
    }
    if (def->dns.enable != LV_TRI_OFF) {
        path = dnsmasq_conf_path(def, o, "addnhosts");
        strbuf_addf(b, "addn-hosts=%s\n", path);
        free(path);
    }
    if (def->mtu)
        strbuf_addf(b, "dhcp-option=option:mtu,%u\n", def->mtu);
    /* router advertisements: stateful with DHCPv6, else RA only */
    if (v6)
        strbuf_adds(b, "enable-ra\n");
    for (size_t i = 0; !v6 && i < def->n_ips; i++)
        if (def->ips[i].family == NET_FAMILY_IPV6)
            strbuf_addf(b, "dhcp-range=%s,ra-only\n", def->ips[i].address);
    return 0;
}

char *
dnsmasq_conf_build(const struct net_def *def,
                   const struct dnsmasq_conf_opts *o, struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;
    const char *ifname = def->bridge.name ? def->bridge.name
                         : o ? o->interface : NULL;
    int want_dns = def->dns.enable != LV_TRI_OFF;

    if (!ifname) {
        lv_err_set(err, LV_E_INVALID, "network '%s': dnsmasq config: no "
                   "bridge name", def->name ? def->name : "");
        return NULL;
    }
    add_header(&b, def);
    strbuf_adds(&b, "strict-order\n");
    if (add_dns_head(&b, def, want_dns, err) < 0)
        goto fail;
    if (o && o->pid_file)
        strbuf_addf(&b, "pid-file=%s\n", o->pid_file);
    /* dnsmasq always listens on lo unless told not to */
    strbuf_addf(&b, "except-interface=lo\nbind-dynamic\ninterface=%s\n",
                ifname);
    /* isolated: no default route, no upstream DNS, RA without route */
    if (def->forward.mode == NET_FWD_NONE)
        strbuf_adds(&b, "dhcp-option=3\nno-resolv\nra-param=*,0,0\n");
    if (want_dns)
        add_records(&b, &def->dns);
    for (size_t i = 0; i < def->n_ips; i++)
        if (def->ips[i].family == NET_FAMILY_IPV4 && def->ips[i].tftp_root)
            strbuf_addf(&b, "enable-tftp\ntftp-root=%s\n",
                        def->ips[i].tftp_root);
    if (add_dhcp(&b, def, o, err) < 0)
        goto fail;
    for (size_t i = 0; i < def->n_dnsmasq_options; i++)
        strbuf_addf(&b, "%s\n", def->dnsmasq_options[i]);
    return strbuf_steal(&b);
fail:
    lv_err_prefix(err, "network '%s': dnsmasq config: ", def->name);
    strbuf_free(&b);
    return NULL;
}

/* ---- hosts files ---- */

static void
add_host_line(struct strbuf *b, const struct net_ip *ip,
              const struct net_dhcp_host *h)
{
    char lbuf[32];
    const char *lease = lease_str(&h->lease, lbuf);

    if (ip->family == NET_FAMILY_IPV6) {
        if (h->id)
            strbuf_addf(b, "id:%s,", h->id);
        if (h->name)
            strbuf_addf(b, "%s,", h->name);
        strbuf_addf(b, "[%s]", h->ip);
    } else {
        if (h->mac)
            strbuf_addf(b, "%s,%s", h->mac, h->ip);
        else
            strbuf_addf(b, "%s,%s", h->name, h->ip);
        if (h->mac && h->name)
            strbuf_addf(b, ",%s", h->name);
    }
    if (lease)
        strbuf_addf(b, ",%s", lease);
    strbuf_addc(b, '\n');
}

char *
dnsmasq_hostsfile_build(const struct net_def *def)
{
    struct strbuf b = STRBUF_INIT;
    const struct net_ip *v[2] = { NULL, NULL };

    /* the first DHCP <ip> of each family, IPv4 first, as libvirt */
    for (size_t i = 0; i < def->n_ips; i++) {
        const struct net_ip *ip = &def->ips[i];
        int k = ip->family == NET_FAMILY_IPV6;
        if (!v[k] && (ip->n_ranges || ip->n_hosts))
            v[k] = ip;
    }
    for (int k = 0; k < 2; k++)
        for (size_t j = 0; v[k] && j < v[k]->n_hosts; j++)
            if (v[k]->hosts[j].ip)
                add_host_line(&b, v[k], &v[k]->hosts[j]);
    return b.len ? strbuf_steal(&b) : (strbuf_free(&b), NULL);
}

char *
dnsmasq_addnhosts_build(const struct net_def *def)
{
    struct strbuf b = STRBUF_INIT;
    const struct net_dns *d = &def->dns;

    /* one line per address; hosts sharing an address are merged, and
     * every name is followed by a tab, as libvirt writes them */
    for (size_t i = 0; i < d->n_hosts; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(d->hosts[k].ip, d->hosts[i].ip);
        if (seen)
            continue;
        strbuf_addf(&b, "%s\t", d->hosts[i].ip);
        for (size_t k = i; k < d->n_hosts; k++) {
            if (strcmp(d->hosts[k].ip, d->hosts[i].ip))
                continue;
            for (size_t j = 0; j < d->hosts[k].n_hostnames; j++)
                strbuf_addf(&b, "%s\t", d->hosts[k].hostnames[j]);
        }
        strbuf_addc(&b, '\n');
    }
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}
