/* host_bridge_lua.c - host bridges for Lua (host_bridge.h):
 * virt.create_host_bridge{name=, nic=, stp=, delay=},
 * virt.remove_host_bridge(name, {force=}), virt.host_bridges(). The
 * recipes.bridge module is the table-shaped face over them. */
#include <stdlib.h>

#include "host_bridge.h"
#include "lua_api.h"
#include "net_lua.h"
#include "runtime.h"

static int
l_create(lua_State *L)
{
    struct host_bridge_opts o;
    struct lv_err err = LV_ERR_INIT;

    luaL_checktype(L, 1, LUA_TTABLE);
    o.name = lv_lua_opt_str(L, 1, "name", NULL);
    o.nic = lv_lua_opt_str(L, 1, "nic", NULL);
    o.stp = lv_lua_opt_bool(L, 1, "stp", 0);
    o.delay = (int)lv_lua_opt_int(L, 1, "delay", -1);
    if (!o.name || !o.nic)
        return luaL_argerror(L, 1, "'name' and 'nic' are required");
    if (o.delay < -1 || o.delay > 30)
        return luaL_argerror(L, 1, "'delay' must be 0 to 30 seconds");
    if (host_bridge_create(lv_lua_conn(L), &o, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, o.name);
    return 1;
}

static int
l_remove(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;

    if (host_bridge_remove(lv_lua_conn(L), name, lv_lua_opt_bool(L, 2, "force", 0),
                           &err) < 0)
        return lv_lua_raise(L, &err);
    return 0;
}

/* {{name=, nic=}, ...} */
static int
l_list(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    char **names, **nics;
    size_t n;

    if (host_bridge_list(lv_lua_conn(L), &names, &nics, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, names[i]);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, nics[i]);
        lua_setfield(L, -2, "nic");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        free(names[i]);
        free(nics[i]);
    }
    free(names);
    free(nics);
    return 1;
}

void
host_bridge_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "create_host_bridge", l_create },
        { "remove_host_bridge", l_remove },
        { "host_bridges", l_list },
        { NULL, NULL },
    };
    static const struct lv_api_keys keys[] = {
        { "create_host_bridge", 1, "name nic stp delay" },
        { "remove_host_bridge", 2, "force" },
        { NULL, 0, NULL },
    };

    lv_api_setfuncs(L, funcs, "virt.", keys);
}
