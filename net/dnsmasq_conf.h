/* dnsmasq_conf.h - the dnsmasq configuration of one virtual network, built
 * from its struct net_def as text: dnsmasq.conf, the DHCP hosts file and
 * the DNS addn-hosts file, in the layout libvirt 9/11 writes (compared
 * with libvirt's networkxml2confdata). Pure text, no files written. */
#ifndef LV_DNSMASQ_CONF_H
#define LV_DNSMASQ_CONF_H

#include <stdbool.h>

#include "err.h"
#include "net_def.h"

/* Where the generated files live and how dnsmasq reports leases. Zero
 * values give libvirt's test layout (no pid-file, no lease file line). */
struct dnsmasq_conf_opts {
    const char *config_dir;   /* dir of NAME.hostsfile / NAME.addnhosts;
                               * NULL: /var/lib/libvirt/dnsmasq */
    const char *pid_file;     /* NULL: no pid-file= line */
    const char *lease_file;   /* dhcp-leasefile=PATH; NULL: none (luavirt's
                               * runtime sets it and reads dnsmasq's own
                               * lease file; libvirt used a script) */
    const char *lease_script; /* dhcp-script=PATH; NULL: none */
    const char *interface;    /* interface= when def->bridge.name is NULL */
};

/* The dnsmasq.conf text for def (which must have its own bridge and at
 * least one <ip>, or a <dns>): strict-order, forwarders, local domain,
 * interface, dhcp-range per range (lease time, RA for IPv6), dhcp-hostsfile
 * and addn-hosts under config_dir, TXT/SRV records, enable-ra, tftp/bootp
 * and <dnsmasq:option> lines. Returns a malloc'd string, or NULL with err
 * set (e.g. no interface name known). */
char *dnsmasq_conf_build(const struct net_def *def,
                         const struct dnsmasq_conf_opts *o,
                         struct lv_err *err);

/* The dhcp-hostsfile text ("mac,ip,name[,lease]" and "id:..,name,[ip6]"
 * lines), malloc'd; NULL when def has no DHCP hosts. Never fails. */
char *dnsmasq_hostsfile_build(const struct net_def *def);

/* The addn-hosts text for <dns><host> ("ip\tname1\tname2" lines),
 * malloc'd; "" (not NULL) when def has none. Never fails. */
char *dnsmasq_addnhosts_build(const struct net_def *def);

/* The path of a generated file: "<config_dir>/<name>.<suffix>" with
 * suffix "conf", "hostsfile" or "addnhosts"; malloc'd. */
char *dnsmasq_conf_path(const struct net_def *def,
                        const struct dnsmasq_conf_opts *o,
                        const char *suffix);

#endif
