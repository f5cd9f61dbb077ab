/* dom_lua_net.c - the NIC methods of luavirt.domain: attach_interface,
 * detach_interface, interfaces, interface_stats, set_link, get_link and
 * addresses (see dom_net.h). Each checks its arguments, works into a
 * struct lv_err, and raises last. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dom.h"
#include "dom_agent.h"
#include "dom_lua_priv.h"
#include "dom_net.h"
#include "lua_fields.h"
#include "runtime.h"

/* live= and config= of the options table at idx as DOM_NET_F_* flags. */
static unsigned
opt_flags(lua_State *L, int idx)
{
    return (lv_lua_opt_bool(L, idx, "live", 0) ? DOM_NET_F_LIVE : 0) |
           (lv_lua_opt_bool(L, idx, "config", 0) ? DOM_NET_F_CONFIG : 0);
}

/* d:attach_interface{type=, source=, model=, mac=, target=, link=, mtu=,
 * live=, config=} -> d, the MAC address used */
static int
l_attach_interface(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_net_spec s;
    struct lv_err err = LV_ERR_INIT;
    char mac[18];

    luaL_checktype(L, 2, LUA_TTABLE);
    s = (struct dom_net_spec){
        .type = lv_lua_opt_str(L, 2, "type", "network"),
        .source = lv_lua_opt_str(L, 2, "source", NULL),
        .model = lv_lua_opt_str(L, 2, "model", NULL),
        .mac = lv_lua_opt_str(L, 2, "mac", NULL),
        .target = lv_lua_opt_str(L, 2, "target", NULL),
        .link = lv_lua_opt_str(L, 2, "link", NULL),
        .mtu = (int)lv_lua_opt_int(L, 2, "mtu", 0),
        .flags = opt_flags(L, 2),
    };
    if (dom_net_attach(lv_lua_conn(L), name, &s, mac, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);            /* self, then what it made */
    lua_pushstring(L, mac);
    return 2;
}

/* d:detach_interface{type=, mac=, live=, config=} -> d */
static int
l_detach_interface(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *type, *mac;
    struct lv_err err = LV_ERR_INIT;
    unsigned flags;

    luaL_checktype(L, 2, LUA_TTABLE);
    type = lv_lua_opt_str(L, 2, "type", NULL);
    mac = lv_lua_opt_str(L, 2, "mac", NULL);
    flags = opt_flags(L, 2);
    int r = dom_net_detach(lv_lua_conn(L), name, type, mac, flags, &err);

    return lv_lua_chain(L, r, &err);
}

/* d:interfaces{inactive=} -> {{iface=, type=, source=, model=, mac=,
 * link=}, ...}; absent values are "-" like virsh domiflist prints them */
static int
l_interfaces(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(lv_lua_conn(L), name, inactive, &err);
    struct dom_net_row *rows;
    size_t n;

    if (!def)
        return lv_lua_raise(L, &err);
    dom_net_rows(def, &rows, &n);
    dom_def_free(def);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 6);
        lv_lua_set_str(L, "iface", rows[i].iface);
        lv_lua_set_str(L, "type", rows[i].type);
        lv_lua_set_str(L, "source", rows[i].source);
        lv_lua_set_str(L, "model", rows[i].model);
        lv_lua_set_str(L, "mac", rows[i].mac);
        lv_lua_set_str(L, "link", rows[i].link);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dom_net_rows_free(rows, n);
    return 1;
}

/* d:interface_stats(dev_or_mac) -> {rx_bytes=, rx_packets=, rx_errs=,
 * rx_drop=, tx_bytes=, ...} from the guest's view */
static int
l_interface_stats(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    struct tap_stats st;

    if (dom_net_stats(lv_lua_conn(L), name, key, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 8);
#define F(x) (lua_pushinteger(L, (lua_Integer)st.x), lua_setfield(L, -2, #x))
    F(rx_bytes); F(rx_packets); F(rx_errs); F(rx_drop);
    F(tx_bytes); F(tx_packets); F(tx_errs); F(tx_drop);
#undef F
    return 1;
}

/* d:set_link(mac_or_dev, "up"|"down", {live=, config=}) -> d */
static int
l_set_link(lua_State *L)
{
    static const char *const states[] = { "down", "up", NULL };
    const char *name = dom_lua_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    int up = luaL_checkoption(L, 3, NULL, states);
    unsigned flags = opt_flags(L, 4);
    struct lv_err err = LV_ERR_INIT;

    int r = dom_net_set_link(lv_lua_conn(L), name, key, up, flags, &err);

    return lv_lua_chain(L, r, &err);
}

/* d:get_link(mac_or_dev, {config=}) -> "up"|"down" */
static int
l_get_link(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    int config = lv_lua_opt_bool(L, 3, "config", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(lv_lua_conn(L), name, config, &err);
    int i = def ? dom_net_find(def, key, &err) : -1;
    const char *st;

    if (i < 0) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    st = def->interfaces[i].link_state;
    lua_pushstring(L, st ? st : "up");
    dom_def_free(def);
    return 1;
}

/* d:addresses{source="lease"|"agent"} -> {{name=, mac=, protocol="ipv4"|"ipv6",
 * addr=, prefix=}, ...} */
static int
l_addresses(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *src = lv_lua_opt_str(L, 2, "source", "lease");
    struct lv_err err = LV_ERR_INIT;
    struct dom_net_addr *a = NULL;
    size_t n = 0;
    int r;

    if (!strcmp(src, "lease"))
        r = dom_net_addresses(lv_lua_conn(L), name, &a, &n, &err);
    else if (!strcmp(src, "agent"))
        r = dom_agent_addresses(lv_lua_conn(L), name, &a, &n, &err);
    else
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown address source "
                             "'%s' (lease or agent)", src));
    if (r < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        lv_lua_set_str(L, "name", a[i].name);
        lv_lua_set_str(L, "mac", a[i].mac);
        lv_lua_set_str(L, "protocol", a[i].family == AF_INET6 ? "ipv6" : "ipv4");
        lv_lua_set_str(L, "addr", a[i].ip);
        lua_pushinteger(L, a[i].prefix);
        lua_setfield(L, -2, "prefix");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(a);
    return 1;
}

static const luaL_Reg methods[] = {
    { "attach_interface", l_attach_interface },
    { "detach_interface", l_detach_interface },
    { "interfaces", l_interfaces },
    { "interface_stats", l_interface_stats },
    { "set_link", l_set_link },
    { "get_link", l_get_link },
    { "addresses", l_addresses },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_net_methods(void)
{
    return methods;
}
