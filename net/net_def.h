/* net_def.h - the virtual network definition: the one C model of a libvirt
 * <network> that network XML, the dnsmasq configuration, the runtime
 * (bridge, nftables) and the Lua binding are made from. Everything is owned
 * by the struct net_def it hangs off; net_def_free() releases it. Strings
 * are NULL when the XML had no such value; numbers use -1 (or 0 where the
 * comment says) for "absent"; tri-state flags use enum lv_tristate. */
#ifndef LV_NET_DEF_H
#define LV_NET_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#include "attrs.h"
#include "err.h"

/* <forward mode=>; NET_FWD_NONE is an absent <forward>: an isolated
 * network. The runtime supports none, nat, route, open and bridge; the
 * others (macvtap/hostdev pools) are parsed and formatted only. */
enum net_forward_mode {
    NET_FWD_NONE = 0, NET_FWD_NAT, NET_FWD_ROUTE, NET_FWD_OPEN,
    NET_FWD_BRIDGE, NET_FWD_PRIVATE, NET_FWD_VEPA, NET_FWD_PASSTHROUGH,
    NET_FWD_HOSTDEV
};
/* "none", "nat", "route", "open", "bridge", "private", "vepa",
 * "passthrough", "hostdev"; from_str returns -1 for an unknown string. */
const char *net_forward_mode_to_str(enum net_forward_mode m);
int net_forward_mode_from_str(const char *s);

enum net_family { NET_FAMILY_IPV4 = 0, NET_FAMILY_IPV6 };

/* <lease expiry= unit=/> of a DHCP range or host */
struct net_lease {
    long long expiry;      /* -1: no <lease>; 0: infinite */
    char *unit;            /* seconds|minutes|hours, NULL: minutes */
};

struct net_dhcp_range {
    char *start;           /* addresses as written (validated) */
    char *end;
    struct net_lease lease;
};

/* <host mac= id= name= ip=> inside <dhcp>; IPv4 hosts have mac and/or
 * name, IPv6 hosts id and/or name. mac is normalized lower case. */
struct net_dhcp_host {
    char *mac;
    char *id;
    char *name;
    char *ip;
    struct net_lease lease;
};

/* <ip family= address= netmask=|prefix= localPtr=> */
struct net_ip {
    enum net_family family;
    bool family_explicit;  /* family= was written: formatted again */
    char *address;
    char *netmask;         /* IPv4 only, as written; NULL: prefix or class */
    int prefix;            /* -1: absent */
    enum lv_tristate local_ptr;
    struct net_dhcp_range *ranges;
    size_t n_ranges;
    struct net_dhcp_host *hosts;
    size_t n_hosts;
    bool has_dhcp;         /* a <dhcp> element was present */
    char *bootp_file;      /* <dhcp><bootp file= server=/> */
    char *bootp_server;
    char *tftp_root;       /* <tftp root=/> */
};

struct net_dns_forwarder {
    char *addr;            /* NULL: only a domain (forwarded to the host) */
    char *domain;
};

struct net_dns_host {
    char *ip;
    char **hostnames;
    size_t n_hostnames;
};

struct net_dns_txt {
    char *name;
    char *value;
};

struct net_dns_srv {
    char *service;
    char *protocol;
    char *domain;
    char *target;
    int port;              /* -1: absent */
    int priority;          /* -1: absent */
    int weight;            /* -1: absent */
};

struct net_dns {
    enum lv_tristate enable;
    enum lv_tristate forward_plain_names;
    struct net_dns_forwarder *forwarders;
    size_t n_forwarders;
    struct net_dns_txt *txts;
    size_t n_txts;
    struct net_dns_host *hosts;
    size_t n_hosts;
    struct net_dns_srv *srvs;
    size_t n_srvs;
};

/* <route family= address= netmask=|prefix= gateway= metric=/> */
struct net_route {
    enum net_family family;
    bool family_explicit;
    char *address;
    char *netmask;
    int prefix;            /* -1: absent */
    char *gateway;
    long metric;           /* -1: absent */
};

struct net_forward {
    enum net_forward_mode mode;
    char *dev;             /* dev= */
    enum lv_tristate managed;        /* hostdev: managed= */
    char *driver_model;              /* hostdev: <driver model=> */
    char *nat_addr_start;            /* <nat><address start= end=/> */
    char *nat_addr_end;
    int nat_port_start;              /* <nat><port start= end=/>; -1 absent */
    int nat_port_end;
    enum lv_tristate nat_ipv6;       /* <nat ipv6='yes'/> */
    bool has_nat;                    /* a <nat> element was present */
    char **ifaces;                   /* <interface dev=> */
    size_t n_ifaces;
    char **pfs;                      /* <pf dev=> */
    size_t n_pfs;
    struct lv_xml_keep addresses;    /* <address type='pci' .../> verbatim */
};

struct net_bridge {
    char *name;            /* NULL: chosen by the runtime (virbrN) */
    enum lv_tristate stp;
    long delay;            /* -1: absent */
    char *mac_table_manager;   /* kernel|libvirt */
    char *zone;                /* firewalld zone, kept only */
};

struct net_def {
    char *name;
    unsigned char uuid[16];
    char *title;
    char *description;
    char *metadata_xml;            /* <metadata> verbatim, or NULL */
    enum lv_tristate ipv6;         /* <network ipv6='yes'> */
    enum lv_tristate trust_guest_rx_filters;
    long connections;              /* live only; -1 absent */
    struct net_forward forward;
    struct net_bridge bridge;
    char *mac;                     /* bridge MAC, normalized; generated for
                                    * networks that have a bridge */
    char *domain_name;             /* <domain name= localOnly= register=/> */
    enum lv_tristate domain_local_only;
    enum lv_tristate domain_register;
    unsigned mtu;                  /* <mtu size=>; 0: absent */
    enum lv_tristate port_isolated; /* <port isolated=> */
    struct net_dns dns;
    bool has_dns;                  /* a <dns> element was present */
    struct net_ip *ips;
    size_t n_ips;
    struct net_route *routes;
    size_t n_routes;
    char *bandwidth_xml;           /* verbatim <bandwidth>, <vlan>, */
    char *vlan_xml;                /* <virtualport> (NULL: absent) */
    char *virtualport_xml;
    struct lv_xml_keep portgroups; /* each <portgroup> verbatim */
    char **dnsmasq_options;        /* <dnsmasq:options><dnsmasq:option
                                    * value=/>: lines for dnsmasq.conf */
    size_t n_dnsmasq_options;
    struct lv_xml_keep keep;       /* unknown top-level elements */
};

/* A zeroed definition with every "absent" number set; never NULL. */
struct net_def *net_def_new(void);
/* Releases def and everything it owns; NULL is fine. */
void net_def_free(struct net_def *def);
/* Deep copy; never fails (aborts on OOM). */
struct net_def *net_def_copy(const struct net_def *def);

/* The effective prefix length of ip: prefix=, else the netmask's, else the
 * classful default for IPv4 (A /8, B /16, C /24) and 64 for IPv6; -1 if
 * the netmask is not contiguous. */
int net_ip_prefix(const struct net_ip *ip);

/* The first IPv4 <ip> of def: its address into *addr and its effective
 * prefix into *prefix (either may be NULL); returns the struct net_ip
 * (borrowed), or NULL when def has no IPv4 address. */
const struct net_ip *net_def_ipv4(const struct net_def *def,
                                  struct in_addr *addr, int *prefix);
/* Same for the first IPv6 <ip>. */
const struct net_ip *net_def_ipv6(const struct net_def *def,
                                  struct in6_addr *addr, int *prefix);

/* 1 if any subnet of a overlaps any subnet of b (same family), else 0. */
int net_def_subnets_overlap(const struct net_def *a, const struct net_def *b);

/* 1 if address (text, either family) lies in the subnet of ip, else 0. */
int net_ip_contains(const struct net_ip *ip, const char *address);

/* The bridge device name (borrowed), or NULL when not chosen yet. */
const char *net_def_bridge(const struct net_def *def);

/* 1 if the runtime creates its own bridge for def (none, nat, route,
 * open), 0 for an existing host bridge or macvtap/hostdev modes. */
int net_def_has_own_bridge(const struct net_def *def);

/* The lease time of a range/host in seconds: -1 when absent (dnsmasq's
 * default), 0 for infinite. */
long long net_lease_seconds(const struct net_lease *l);

/* Find a DHCP host in any <ip> of def by MAC (case-insensitive), name or
 * ip (any may be NULL; the first non-NULL one given is matched). Borrowed,
 * NULL when none. */
const struct net_dhcp_host *net_def_find_dhcp_host(const struct net_def *def,
                                                   const char *mac,
                                                   const char *name,
                                                   const char *ip);

/* Release the contents of one element struct (for net-update, which adds
 * and removes single hosts/ranges); the struct itself is not freed. */
void net_dhcp_host_clear(struct net_dhcp_host *h);
void net_dhcp_range_clear(struct net_dhcp_range *r);
void net_dns_host_clear(struct net_dns_host *h);

#endif
