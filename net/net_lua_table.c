/* net_lua_table.c - struct net_def <-> Lua table (the shape is documented
 * in net_lua_table.h), as field lists for the table-shape engine
 * (core/table_shape.h). A table read back is formatted as XML and parsed,
 * so it meets every check network XML meets, with the same messages. */
#include "net_lua_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "net_xml.h"
#include "table_shape.h"

/* A sub-table whose fields sit in the containing struct itself. */
#define F_FLAT(k, s, ...) \
    { .key = (k), .kind = DT_STRUCT, .off = 0, .st = (s), __VA_ARGS__ }

/* Enums are read and written through int. */
_Static_assert(sizeof(enum net_forward_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum net_family) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lv_tristate) == sizeof(int), "enum size");

/* ---- enums ---- */

/* NET_FWD_NONE is an absent <forward>: not a mode a table can name. */
static const char *
fwd_mode_str(int v)
{
    return v == NET_FWD_NONE ? NULL
                             : net_forward_mode_to_str((enum net_forward_mode)v);
}

static int
fwd_mode_from_str(const char *s)
{
    int m = net_forward_mode_from_str(s);

    return m == NET_FWD_NONE ? -1 : m;
}

static const char *
family_str(int v)
{
    return v == NET_FAMILY_IPV4 ? "ipv4" : v == NET_FAMILY_IPV6 ? "ipv6" : NULL;
}

static int
family_from_str(const char *s)
{
    return !strcmp(s, "ipv4") ? NET_FAMILY_IPV4
         : !strcmp(s, "ipv6") ? NET_FAMILY_IPV6 : -1;
}

static const struct dt_enum en_fwd_mode = { fwd_mode_str, fwd_mode_from_str };
static const struct dt_enum en_family = { family_str, family_from_str };

/* ---- forward, bridge ---- */

/* <nat> has no struct of its own: its fields sit in net_forward. */
#define T struct net_forward
static const struct dt_field nat_addr_fields[] = {
    F_STR("start", nat_addr_start),
    F_STR("end", nat_addr_end),
    F_END
};
static const struct dt_struct nat_addr_st = { .fields = nat_addr_fields };

static const struct dt_field nat_port_fields[] = {
    F_NAT(DT_INT, "start", nat_port_start),
    F_NAT(DT_INT, "end", nat_port_end),
    F_END
};
static const struct dt_struct nat_port_st = { .fields = nat_port_fields };

static const struct dt_field nat_fields[] = {
    F_FLAT("address", &nat_addr_st),
    F_FLAT("port", &nat_port_st),
    F_TRI("ipv6", nat_ipv6),
    F_END
};
static const struct dt_struct nat_st = { .fields = nat_fields };

static const struct dt_field forward_fields[] = {
    DT_FIELD("mode", DT_ENUM, mode, .en = &en_fwd_mode,
             .flags = DT_F_REQUIRED),
    F_STR("dev", dev),
    F_TRI("managed", managed),
    F_STR("driver_model", driver_model),
    F_FLAT("nat", &nat_st, .flags = DT_F_GIVEN, .off2 = offsetof(T, has_nat)),
    DT_FIELD("interfaces", DT_STRV, ifaces, .off2 = offsetof(T, n_ifaces)),
    DT_FIELD("pfs", DT_STRV, pfs, .off2 = offsetof(T, n_pfs)),
    F_KEEP("addresses", addresses),
    F_END
};
#undef T
static const struct dt_struct forward_st = { .fields = forward_fields };

#define T struct net_bridge
static const struct dt_field bridge_fields[] = {
    F_STR("name", name),
    F_TRI("stp", stp),
    F_NAT(DT_LONG, "delay", delay),
    F_STR("mac_table_manager", mac_table_manager),
    F_STR("zone", zone),
    F_END
};
#undef T
static const struct dt_struct bridge_st = { .fields = bridge_fields };

/* ---- dns ---- */

#define T struct net_dns_forwarder
static const struct dt_field forwarder_fields[] = {
    F_STR("addr", addr),
    F_STR("domain", domain),
    F_END
};
#undef T
static const struct dt_struct forwarder_st = { .fields = forwarder_fields };
static const struct dt_array forwarder_arr = {
    .size = sizeof(struct net_dns_forwarder), .st = &forwarder_st, .kind = -1,
};

#define T struct net_dns_txt
static const struct dt_field txt_fields[] = {
    F_STR("name", name),
    F_STR("value", value),
    F_END
};
#undef T
static const struct dt_struct txt_st = { .fields = txt_fields };
static const struct dt_array txt_arr = {
    .size = sizeof(struct net_dns_txt), .st = &txt_st, .kind = -1,
};

#define T struct net_dns_host
static const struct dt_field dns_host_fields[] = {
    F_STR("ip", ip),
    DT_FIELD("hostnames", DT_STRV, hostnames, .off2 = offsetof(T, n_hostnames)),
    F_END
};
#undef T
static const struct dt_struct dns_host_st = { .fields = dns_host_fields };
static const struct dt_array dns_host_arr = {
    .size = sizeof(struct net_dns_host), .st = &dns_host_st, .kind = -1,
};

static void
srv_init(void *elem)
{
    struct net_dns_srv *s = elem;

    s->port = s->priority = s->weight = -1;
}

#define T struct net_dns_srv
static const struct dt_field srv_fields[] = {
    F_STR("service", service),
    F_STR("protocol", protocol),
    F_STR("domain", domain),
    F_STR("target", target),
    F_NAT(DT_INT, "port", port),
    F_NAT(DT_INT, "priority", priority),
    F_NAT(DT_INT, "weight", weight),
    F_END
};
#undef T
static const struct dt_struct srv_st = { .fields = srv_fields };
static const struct dt_array srv_arr = {
    .size = sizeof(struct net_dns_srv), .st = &srv_st, .kind = -1,
    .init = srv_init,
};

#define T struct net_dns
static const struct dt_field dns_fields[] = {
    F_TRI("enable", enable),
    F_TRI("forward_plain_names", forward_plain_names),
    F_ARRAY("forwarders", forwarders, n_forwarders, &forwarder_arr),
    F_ARRAY("txts", txts, n_txts, &txt_arr),
    F_ARRAY("hosts", hosts, n_hosts, &dns_host_arr),
    F_ARRAY("srvs", srvs, n_srvs, &srv_arr),
    F_END
};
#undef T
static const struct dt_struct dns_st = { .fields = dns_fields };

/* ---- ips, routes ---- */

#define T struct net_lease
static const struct dt_field lease_fields[] = {
    F_NAT(DT_LLONG, "expiry", expiry),
    F_STR("unit", unit),
    F_END
};
#undef T
static const struct dt_struct lease_st = { .fields = lease_fields };

static void
range_init(void *elem)
{
    ((struct net_dhcp_range *)elem)->lease.expiry = -1;
}

#define T struct net_dhcp_range
static const struct dt_field range_fields[] = {
    DT_FIELD("start", DT_STR, start, .flags = DT_F_REQUIRED),
    DT_FIELD("end", DT_STR, end, .flags = DT_F_REQUIRED),
    F_STRUCT("lease", lease, &lease_st),
    F_END
};
#undef T
static const struct dt_struct range_st = { .fields = range_fields };
static const struct dt_array range_arr = {
    .size = sizeof(struct net_dhcp_range), .st = &range_st, .kind = -1,
    .init = range_init,
};

static void
host_init(void *elem)
{
    ((struct net_dhcp_host *)elem)->lease.expiry = -1;
}

#define T struct net_dhcp_host
static const struct dt_field dhcp_host_fields[] = {
    F_STR("mac", mac),
    F_STR("id", id),
    F_STR("name", name),
    F_STR("ip", ip),
    F_STRUCT("lease", lease, &lease_st),
    F_END
};
#undef T
static const struct dt_struct dhcp_host_st = { .fields = dhcp_host_fields };
static const struct dt_array dhcp_host_arr = {
    .size = sizeof(struct net_dhcp_host), .st = &dhcp_host_st, .kind = -1,
    .init = host_init,
};

/* <dhcp> and <bootp> have no struct of their own: they sit in net_ip. */
#define T struct net_ip
static const struct dt_field bootp_fields[] = {
    F_STR("file", bootp_file),
    F_STR("server", bootp_server),
    F_END
};
static const struct dt_struct bootp_st = { .fields = bootp_fields };

static const struct dt_field dhcp_fields[] = {
    F_ARRAY("ranges", ranges, n_ranges, &range_arr),
    F_ARRAY("hosts", hosts, n_hosts, &dhcp_host_arr),
    F_FLAT("bootp", &bootp_st),
    F_END
};
static const struct dt_struct dhcp_st = { .fields = dhcp_fields };

static const struct dt_field ip_fields[] = {
    DT_FIELD("family", DT_ENUM, family, .en = &en_family,
             .flags = DT_F_GIVEN, .off2 = offsetof(T, family_explicit)),
    F_STR("address", address),
    F_STR("netmask", netmask),
    F_NAT(DT_INT, "prefix", prefix),
    F_TRI("local_ptr", local_ptr),
    F_STR("tftp_root", tftp_root),
    F_FLAT("dhcp", &dhcp_st, .flags = DT_F_GIVEN, .off2 = offsetof(T, has_dhcp)),
    F_END
};
#undef T
static const struct dt_struct ip_st = { .fields = ip_fields };

static void
ip_init(void *elem)
{
    ((struct net_ip *)elem)->prefix = -1;
}

static const struct dt_array ip_arr = {
    .size = sizeof(struct net_ip), .st = &ip_st, .kind = -1, .init = ip_init,
};

#define T struct net_route
static const struct dt_field route_fields[] = {
    DT_FIELD("family", DT_ENUM, family, .en = &en_family,
             .flags = DT_F_GIVEN, .off2 = offsetof(T, family_explicit)),
    F_STR("address", address),
    F_STR("netmask", netmask),
    F_NAT(DT_INT, "prefix", prefix),
    F_STR("gateway", gateway),
    F_NAT(DT_LONG, "metric", metric),
    F_END
};
#undef T
static const struct dt_struct route_st = { .fields = route_fields };

static void
route_init(void *elem)
{
    struct net_route *r = elem;

    r->prefix = -1;
    r->metric = -1;
}

static const struct dt_array route_arr = {
    .size = sizeof(struct net_route), .st = &route_st, .kind = -1,
    .init = route_init,
};

/* ---- the network ---- */

/* <domain> has no struct of its own: its fields sit in net_def. */
#define T struct net_def
static const struct dt_field domain_fields[] = {
    F_STR("name", domain_name),
    F_TRI("local_only", domain_local_only),
    F_TRI("register", domain_register),
    F_END
};
static const struct dt_struct domain_st = { .fields = domain_fields };

static const struct dt_field def_fields[] = {
    DT_FIELD("name", DT_STR, name, .flags = DT_F_REQUIRED),
    DT_FIELD("uuid", DT_UUID, uuid),
    F_STR("title", title),
    F_STR("description", description),
    F_STR("metadata_xml", metadata_xml),
    F_TRI("ipv6", ipv6),
    F_TRI("trust_guest_rx_filters", trust_guest_rx_filters),
    F_NAT(DT_LONG, "connections", connections),
    F_STRUCT("forward", forward, &forward_st),
    F_STRUCT("bridge", bridge, &bridge_st),
    F_STR("mac", mac),
    F_FLAT("domain", &domain_st),
    F_UINT("mtu", mtu),
    F_TRI("port_isolated", port_isolated),
    DT_FIELD("dns", DT_STRUCT, dns, .st = &dns_st,
             .flags = DT_F_GIVEN, .off2 = offsetof(T, has_dns)),
    F_ARRAY("ips", ips, n_ips, &ip_arr),
    F_ARRAY("routes", routes, n_routes, &route_arr),
    F_STR("bandwidth_xml", bandwidth_xml),
    F_STR("vlan_xml", vlan_xml),
    F_STR("virtualport_xml", virtualport_xml),
    F_KEEP("portgroups", portgroups),
    DT_FIELD("dnsmasq_options", DT_STRV, dnsmasq_options,
             .off2 = offsetof(T, n_dnsmasq_options)),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct def_st = {
    .fields = def_fields, .what = "network table",
};

/* ---- both ways ---- */

void
net_lua_table_push(lua_State *L, const struct net_def *def)
{
    luaL_checkstack(L, 16, "network table");
    dt_push_struct(L, &def_st, def);
}

/* An error of the XML the table became: "network table line 7: x" names a
 * line of XML the user never wrote, so it becomes "network table: x". */
static void
table_error(struct lv_err *err)
{
    static const char head[] = "network table line ";
    char msg[sizeof(err->msg)];
    const char *p = err->msg;

    if (strncmp(p, head, sizeof(head) - 1) == 0) {
        p += sizeof(head) - 1 + strspn(p + sizeof(head) - 1, "0123456789");
        snprintf(msg, sizeof(msg), "network table%s", p);
        lv_err_set(err, LV_E_INVALID, "%s", msg);
    } else {
        err->code = LV_E_INVALID;
    }
}

struct net_def *
net_lua_table_to_def(lua_State *L, int idx, struct lv_err *err)
{
    struct net_def *def = NULL, *ret = NULL;
    char *xml = NULL;

    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE) {
        lv_err_set(err, LV_E_INVALID, "network table: expected a table, "
                   "got %s", lua_typename(L, lua_type(L, idx)));
        return NULL;
    }
    def = net_def_new();
    if (dt_read_struct(L, idx, &def_st, def, err) < 0)
        goto out;
    xml = net_def_format_xml(def, 0, err);
    if (!xml)
        goto out;
    ret = net_def_parse_xml(xml, strlen(xml), "network table",
                            NET_PARSE_KEEP_UNKNOWN, err);
    if (!ret)
        table_error(err);
out:
    free(xml);
    net_def_free(def);
    return ret;
}
