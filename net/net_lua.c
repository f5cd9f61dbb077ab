/* net_lua.c - luavirt.network userdata and the virt.* network functions.
 * A handle names a network; properties and methods read the state afresh
 * (other shells change it). One userdata per name, cached weakly. */
#include "net_lua.h"

#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "net_lua_table.h"
#include "net_portfwd.h"
#include "net_run.h"
#include "net_store.h"
#include "net_xml.h"
#include "lua_handle.h"
#include "runtime.h"
#include "store.h"
#include "strbuf.h"

#define NET_MT "luavirt.network"

static const struct lv_handle_type net_type;

static void
push_handle(lua_State *L, const char *name)
{
    lv_handle_push(L, &net_type, NULL, name);
}

static const char *
check_net(lua_State *L, int idx)
{
    return lv_handle_check(L, idx, &net_type)->name;
}

static void
net_tostring(lua_State *L, const struct lv_handle *h)
{
    lua_pushfstring(L, "network '%s' (%s)", h->name,
                    net_run_active(lv_lua_conn(L), h->name) ? "active" : "inactive");
}

/* ---- methods ---- */

static int
l_start(lua_State *L)
{
    const char *name = check_net(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, net_start(lv_lua_conn(L), name, &err), &err);
}

static int
l_destroy(lua_State *L)
{
    const char *name = check_net(L, 1);
    int force = lv_lua_opt_bool(L, 2, "force", 0);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, net_destroy(lv_lua_conn(L), name, force, &err), &err);
}

static int
l_undefine(lua_State *L)
{
    const char *name = check_net(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, net_undefine(lv_lua_conn(L), name, &err), &err);
}

static int
l_set_autostart(lua_State *L)
{
    const char *name = check_net(L, 1);
    int on = lua_isnone(L, 2) ? 1 : lua_toboolean(L, 2);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, net_autostart(lv_lua_conn(L), name, on, &err), &err);
}

static int
l_xml(lua_State *L)
{
    const char *name = check_net(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = net_get_def(lv_lua_conn(L), name, inactive, &err);
    char *xml;

    if (!def)
        return lv_lua_raise(L, &err);
    xml = net_def_format_xml(def, inactive ? NET_FORMAT_INACTIVE : 0, &err);
    net_def_free(def);
    if (!xml)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, xml);
    free(xml);
    return 1;
}

/* n:definition{inactive=} -> the table form (net_lua_table.h) */
static int
l_definition(lua_State *L)
{
    const char *name = check_net(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = net_get_def(lv_lua_conn(L), name, inactive, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    if (inactive)
        def->connections = -1;      /* live only, as in xml{inactive=true} */
    net_lua_table_push(L, def);
    net_def_free(def);
    return 1;
}

static int
l_info(lua_State *L)
{
    const char *name = check_net(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct net_status st;

    if (net_status_read(lv_lua_conn(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 8);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, st.uuid);
    lua_setfield(L, -2, "uuid");
    lua_pushboolean(L, st.active);
    lua_setfield(L, -2, "active");
    lua_pushboolean(L, st.persistent);
    lua_setfield(L, -2, "persistent");
    lua_pushboolean(L, st.autostart);
    lua_setfield(L, -2, "autostart");
    if (st.bridge[0]) {
        lua_pushstring(L, st.bridge);
        lua_setfield(L, -2, "bridge");
    }
    if (st.has_dnsmasq) {
        lua_pushstring(L, st.dnsmasq_pid > 0 ? "running" : "dead");
        lua_setfield(L, -2, "dnsmasq");
        if (st.dnsmasq_pid > 0) {
            lua_pushinteger(L, st.dnsmasq_pid);
            lua_setfield(L, -2, "dnsmasq_pid");
        }
    }
    return 1;
}

static void
push_lease(lua_State *L, const struct net_dhcp_lease *l)
{
    lua_createtable(L, 0, 7);
    lua_pushstring(L, l->mac);
    lua_setfield(L, -2, "mac");
    lua_pushstring(L, l->ip);
    lua_setfield(L, -2, "ip");
    lua_pushinteger(L, l->prefix);
    lua_setfield(L, -2, "prefix");
    lua_pushstring(L, l->family == AF_INET6 ? "ipv6" : "ipv4");
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, l->expiry);
    lua_setfield(L, -2, "expiry");
    if (l->hostname) {
        lua_pushstring(L, l->hostname);
        lua_setfield(L, -2, "hostname");
    }
    if (l->client_id) {
        lua_pushstring(L, l->client_id);
        lua_setfield(L, -2, "client_id");
    }
}

static int
l_dhcp_leases(lua_State *L)
{
    const char *name = check_net(L, 1);
    const char *mac = lv_lua_opt_str(L, 2, "mac", NULL);
    struct lv_err err = LV_ERR_INIT;
    struct net_dhcp_lease *v = NULL;
    size_t n = 0;
    int k = 0;

    if (net_leases(lv_lua_conn(L), name, &v, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (mac && strcasecmp(mac, v[i].mac) != 0)
            continue;
        push_lease(L, &v[i]);
        lua_rawseti(L, -2, ++k);
    }
    net_leases_free(v, n);
    return 1;
}

/* net:update(cmd, section, xml, {live=, config=}) */
static int
l_update(lua_State *L)
{
    static const char *const cmds[] = { "add", "delete", NULL };
    static const char *const sections[] = { "ip-dhcp-host", NULL };
    const char *name = check_net(L, 1);
    int cmd = luaL_checkoption(L, 2, NULL, cmds);
    const char *xml;
    unsigned flags = 0;
    struct lv_err err = LV_ERR_INIT;

    (void)luaL_checkoption(L, 3, NULL, sections);
    xml = luaL_checkstring(L, 4);
    if (lv_lua_opt_bool(L, 5, "live", 0))
        flags |= NET_UPDATE_LIVE;
    if (lv_lua_opt_bool(L, 5, "config", 0))
        flags |= NET_UPDATE_CONFIG;
    int r = net_update_dhcp_host(lv_lua_conn(L), name,
                                 cmd == 0 ? NET_UPDATE_ADD : NET_UPDATE_DELETE, xml,
                                 flags, &err);

    return lv_lua_chain(L, r, &err);
}

/* The port forward table at idx ({proto=, host_port=, guest_ip=,
 * guest_port=}) into f; add needs guest_ip, and guest_port defaults to
 * host_port. 0, or -1 with err for a guest_ip too long to be an address. */
static int
check_fwd_arg(lua_State *L, int idx, int add, struct nft_portfwd *f,
              struct lv_err *err)
{
    static const char *const protos[] = { "tcp", "udp", NULL };
    const char *proto, *ip;
    lua_Integer hp, gp;
    int p;

    luaL_checktype(L, idx, LUA_TTABLE);
    proto = lv_lua_opt_str(L, idx, "proto", "tcp");
    for (p = 0; protos[p] && strcmp(protos[p], proto) != 0; p++)
        ;
    if (!protos[p])
        luaL_argerror(L, idx, lua_pushfstring(L, "proto must be 'tcp' or "
                                              "'udp', not '%s'", proto));
    hp = lv_lua_opt_int(L, idx, "host_port", 0);
    gp = lv_lua_opt_int(L, idx, "guest_port", add ? hp : 0);
    ip = lv_lua_opt_str(L, idx, "guest_ip", NULL);
    if (hp < 1 || hp > 65535 || gp < 0 || gp > 65535 || (add && gp == 0))
        luaL_argerror(L, idx, "host_port and guest_port must be 1-65535");
    if (add && !ip)
        luaL_argerror(L, idx, "guest_ip is required");
    memset(f, 0, sizeof(*f));
    f->proto = (enum nft_proto)p;
    f->host_port = (int)hp;
    f->guest_port = (int)gp;
    if (ip && strlen(ip) >= sizeof(f->guest_ip)) {
        lv_err_set(err, LV_E_INVALID, "guest address '%s' is not an IPv4 "
                   "address", ip);
        return -1;
    }
    if (ip)
        strcpy(f->guest_ip, ip);
    return 0;
}

static unsigned
update_flags(lua_State *L, int idx)
{
    unsigned flags = 0;

    if (lv_lua_opt_bool(L, idx, "live", 0))
        flags |= NET_UPDATE_LIVE;
    if (lv_lua_opt_bool(L, idx, "config", 0))
        flags |= NET_UPDATE_CONFIG;
    return flags;
}

/* net:port_forward{proto=, host_port=, guest_ip=, guest_port=, live=,
 * config=} and net:port_forward_remove{...}: see net_portfwd.h. */
static int
port_forward_change(lua_State *L, int add)
{
    const char *name = check_net(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct nft_portfwd f;
    unsigned flags;
    int r;

    if (check_fwd_arg(L, 2, add, &f, &err) < 0) {
        lv_err_prefix(&err, "network '%s': ", name);
        return lv_lua_raise(L, &err);
    }
    flags = update_flags(L, 2);
    r = add ? net_portfwd_add(lv_lua_conn(L), name, &f, flags, &err)
            : net_portfwd_remove(lv_lua_conn(L), name, &f, flags, &err);
    return lv_lua_chain(L, r, &err);
}

static int
l_port_forward(lua_State *L)
{
    return port_forward_change(L, 1);
}

static int
l_port_forward_remove(lua_State *L)
{
    return port_forward_change(L, 0);
}

/* net:port_forwards{config=} -> {{proto=, host_port=, guest_ip=,
 * guest_port=}, ...}: the live forwards, or the persistent ones with
 * config=true or when the network is inactive. */
static int
l_port_forwards(lua_State *L)
{
    const char *name = check_net(L, 1);
    int config = lv_lua_opt_bool(L, 2, "config", 0);
    struct lv_err err = LV_ERR_INIT;
    struct nft_portfwd *v = NULL;
    size_t n = 0;

    if (net_portfwd_list(lv_lua_conn(L), name, config, &v, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 4);
        lua_pushstring(L, nft_proto_to_str(v[i].proto));
        lua_setfield(L, -2, "proto");
        lua_pushinteger(L, v[i].host_port);
        lua_setfield(L, -2, "host_port");
        lua_pushstring(L, v[i].guest_ip);
        lua_setfield(L, -2, "guest_ip");
        lua_pushinteger(L, v[i].guest_port);
        lua_setfield(L, -2, "guest_port");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(v);
    return 1;
}

static const luaL_Reg methods[] = {
    { "start", l_start },
    { "destroy", l_destroy },
    { "undefine", l_undefine },
    { "set_autostart", l_set_autostart },
    { "xml", l_xml },
    { "definition", l_definition },
    { "info", l_info },
    { "dhcp_leases", l_dhcp_leases },
    { "update", l_update },
    { "port_forward", l_port_forward },
    { "port_forward_remove", l_port_forward_remove },
    { "port_forwards", l_port_forwards },
    { NULL, NULL },
};

static int
push_property(lua_State *L, const struct lv_handle *h, const char *key)
{
    const char *name = h->name;
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct net_status st;

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, name);
        return 1;
    }
    if (strcmp(key, "active") == 0) {
        lua_pushboolean(L, net_run_active(c, name));
        return 1;
    }
    if (strcmp(key, "state") == 0) {     /* net-list's words */
        lua_pushstring(L, net_run_active(c, name) ? "active" : "inactive");
        return 1;
    }
    if (strcmp(key, "persistent") == 0) {
        lua_pushboolean(L, net_store_exists(c, name));
        return 1;
    }
    if (strcmp(key, "autostart") == 0) {
        lua_pushboolean(L, net_store_exists(c, name) &&
                           net_store_autostart_get(c, name));
        return 1;
    }
    if (strcmp(key, "uuid") != 0 && strcmp(key, "bridge") != 0)
        return 0;
    if (net_status_read(c, name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (strcmp(key, "uuid") == 0)
        lua_pushstring(L, st.uuid);
    else if (st.bridge[0])
        lua_pushstring(L, st.bridge);
    else
        lua_pushnil(L);
    return 1;
}

/* ---- virt.* functions ---- */

/* virt.network(name|uuid) raises no-network; virt.find_network gives nil */
static int
get_network(lua_State *L, int raise)
{
    const char *name = luaL_checkstring(L, 1);
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    char *found;

    if (net_store_exists(c, name) || net_run_active(c, name)) {
        push_handle(L, name);
        return 1;
    }
    if (strlen(name) == 36 && (found = net_lookup_uuid(c, name, NULL))) {
        push_handle(L, found);
        free(found);
        return 1;
    }
    if (!raise) {
        lua_pushnil(L);
        return 1;
    }
    lv_err_set(&err, LV_E_NO_NETWORK, "network '%s': no such network", name);
    return lv_lua_raise(L, &err);
}

static int
l_network(lua_State *L)
{
    return get_network(L, 1);
}

static int
l_find_network(lua_State *L)
{
    return get_network(L, 0);
}

static int
l_networks(lua_State *L)
{
    unsigned flags = NET_LIST_ACTIVE;
    struct lv_err err = LV_ERR_INIT;
    char **names = NULL;
    size_t n = 0;

    if (lv_lua_opt_bool(L, 1, "all", 0))
        flags = NET_LIST_ACTIVE | NET_LIST_INACTIVE;
    else if (lv_lua_opt_bool(L, 1, "inactive", 0))
        flags = NET_LIST_INACTIVE;
    if (net_list(lv_lua_conn(L), flags, &names, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_handle(L, names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lv_store_names_free(names, n);
    return 1;
}

/* The network XML at idx: a string, or the table form (net_lua_table.h),
 * checked and formatted; a bad table raises an error naming fname. */
static const char *
xml_arg(lua_State *L, int idx, const char *fname, size_t *len)
{
    if (lua_type(L, idx) == LUA_TTABLE) {
        struct lv_err err = LV_ERR_INIT;
        struct net_def *def = net_lua_table_to_def(L, idx, &err);
        char *xml = def ? net_def_format_xml(def, 0, &err) : NULL;

        net_def_free(def);
        if (!xml) {
            lv_err_prefix(&err, "%s: ", fname);
            return (const char *)(intptr_t)lv_lua_raise(L, &err);
        }
        lua_pushstring(L, xml);
        free(xml);
        lua_replace(L, idx);
    }
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_argerror(L, idx, "network XML string or definition table expected");
    return lua_tolstring(L, idx, len);
}

/* virt.to_xml("network", table) */
static int
l_net_to_xml(lua_State *L)
{
    size_t len;

    luaL_checktype(L, 1, LUA_TTABLE);
    xml_arg(L, 1, "virt.to_xml", &len);
    lua_settop(L, 1);
    return 1;
}

static int
define_or_create(lua_State *L, int create)
{
    size_t len;
    const char *xml = xml_arg(L, 1, create ? "virt.create_network"
                                           : "virt.define_network", &len);
    struct lv_err err = LV_ERR_INIT;
    char *name = NULL;
    int r;

    r = create ? net_create(lv_lua_conn(L), xml, len, &name, &err)
               : net_define(lv_lua_conn(L), xml, len, &name, &err);
    if (r < 0)
        return lv_lua_raise(L, &err);
    push_handle(L, name);
    free(name);
    return 1;
}

static int
l_define_network(lua_State *L)
{
    return define_or_create(L, 0);
}

static int
l_create_network(lua_State *L)
{
    return define_or_create(L, 1);
}

static const char *const net_props[] = {
    "name", "uuid", "state", "active", "persistent", "autostart", "bridge", NULL,
};

#define FWD_KEYS "proto host_port guest_ip guest_port live config"

static const struct lv_api_keys net_keys[] = {
    { "destroy", 2, "force" },
    { "xml", 2, "inactive security_info" },
    { "definition", 2, "inactive" },
    { "dhcp_leases", 2, "mac" },
    { "update", 5, "live config" },
    { "port_forward", 2, FWD_KEYS },
    { "port_forward_remove", 2, FWD_KEYS },
    { "port_forwards", 2, "config" },
    { "networks", 1, "all inactive" },
    { NULL, 0, NULL },
};

static const luaL_Reg *const net_methods[] = { methods, NULL };

static const struct lv_handle_type net_type = {
    .mt = NET_MT,
    .kind = "network",
    .methods = net_methods,
    .property = push_property,
    .tostring = net_tostring,
    .props = net_props,
    .keys = net_keys,
};

void
net_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "networks", l_networks },
        { "network", l_network },
        { "find_network", l_find_network },
        { "define_network", l_define_network },
        { "create_network", l_create_network },
        { NULL, NULL },
    };

    lv_handle_register(L, &net_type);
    lv_api_setfuncs(L, funcs, "virt.", net_keys);
    lv_api_set_to_xml(L, "network", l_net_to_xml);
    host_bridge_lua_open(L);
}
