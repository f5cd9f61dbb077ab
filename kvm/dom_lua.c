/* dom_lua.c - luavirt.domain userdata and the virt.* domain functions.
 * A handle names a domain; every property and method reads the state
 * afresh, since other shells and the supervisor change it. */
#include "dom_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "dom.h"
#include "dom_control.h"
#include "dom_def.h"
#include "dom_lua_priv.h"
#include "dom_save.h"
#include "dom_start.h"
#include "dom_store.h"
#include "dom_wait.h"
#include "dom_xml.h"
#include "runtime.h"
#include "strbuf.h"

#define DOM_MT "luavirt.domain"
#define DOM_CACHE "luavirt.domcache"

struct dom_handle {
    int refs;
    char *name;
};

struct dom_ud {
    struct dom_handle *h;
};

static void
handle_unref(struct dom_handle *h)
{
    if (!h || --h->refs > 0)
        return;
    free(h->name);
    free(h);
}

/* Push the handle for name: the cached one if a live userdata exists. */
void
dom_lua_push(lua_State *L, const char *name)
{
    struct dom_ud *ud;

    luaL_getsubtable(L, LUA_REGISTRYINDEX, DOM_CACHE);
    if (lua_getfield(L, -1, name) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    ud = lua_newuserdatauv(L, sizeof(*ud), 1);
    ud->h = NULL;                       /* created closed, then filled */
    luaL_setmetatable(L, DOM_MT);
    ud->h = lv_calloc(1, sizeof(*ud->h));
    ud->h->refs = 1;
    ud->h->name = lv_strdup(name);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    lua_remove(L, -2);
}

const char *
dom_lua_check(lua_State *L, int idx)
{
    struct dom_ud *ud = luaL_checkudata(L, idx, DOM_MT);
    if (!ud->h)
        luaL_error(L, "domain: handle is closed");
    return ud->h->name;
}

void
dom_lua_rename(lua_State *L, int idx, const char *new_name)
{
    struct dom_ud *ud = luaL_checkudata(L, idx, DOM_MT);

    luaL_getsubtable(L, LUA_REGISTRYINDEX, DOM_CACHE);
    lua_pushnil(L);
    lua_setfield(L, -2, ud->h->name);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, new_name);
    lua_pop(L, 1);
    free(ud->h->name);
    ud->h->name = lv_strdup(new_name);
}

/* ---- metamethods ---- */

/* __gc and __close: drop the handle; never raises, never acts on the guest */
static int
l_dom_close(lua_State *L)
{
    struct dom_ud *ud = luaL_testudata(L, 1, DOM_MT);
    if (ud) {
        handle_unref(ud->h);
        ud->h = NULL;
    }
    return 0;
}

static int
l_dom_tostring(lua_State *L)
{
    struct dom_ud *ud = luaL_checkudata(L, 1, DOM_MT);
    struct dom_status st;

    if (!ud->h) {
        lua_pushliteral(L, "domain (closed)");
        return 1;
    }
    if (dom_status_read(lv_lua_conn(L), ud->h->name, &st, NULL) < 0)
        st.state = DOM_STATE_SHUTOFF;
    lua_pushfstring(L, "domain '%s' (%s)", ud->h->name, dom_state_to_str(st.state));
    return 1;
}

static int
l_dom_eq(lua_State *L)
{
    struct dom_ud *a = luaL_checkudata(L, 1, DOM_MT);
    struct dom_ud *b = luaL_checkudata(L, 2, DOM_MT);
    lua_pushboolean(L, a->h && b->h && strcmp(a->h->name, b->h->name) == 0);
    return 1;
}

static int
l_dom_newindex(lua_State *L)
{
    return luaL_error(L, "domain '%s': property '%s' is read-only",
                      dom_lua_check(L, 1), luaL_checkstring(L, 2));
}

static void
push_uuid(lua_State *L, const unsigned char uuid[16])
{
    char s[37];
    uuid_unparse_lower(uuid, s);
    lua_pushstring(L, s);
}

/* Read-only properties; returns 1 if key was one. */
static int
push_property(lua_State *L, const char *name, const char *key)
{
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, name);
        return 1;
    }
    if (strcmp(key, "uuid") == 0) {
        struct dom_def *def = dom_get_def(c, name, 1, &err);
        if (!def)
            return lv_lua_raise(L, &err);
        push_uuid(L, def->uuid);
        dom_def_free(def);
        return 1;
    }
    if (strcmp(key, "persistent") == 0) {
        lua_pushboolean(L, dom_store_exists(c, name));
        return 1;
    }
    if (strcmp(key, "has_managed_save") == 0) {   /* dom_save.h */
        lua_pushboolean(L, dom_managed_save_exists(c, name));
        return 1;
    }
    if (strcmp(key, "autostart") == 0) {
        lua_pushboolean(L, dom_store_autostart_get(c, name));
        return 1;
    }
    if (strcmp(key, "state") != 0 && strcmp(key, "id") != 0 &&
        strcmp(key, "active") != 0)
        return 0;
    if (dom_status_read(c, name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (strcmp(key, "state") == 0)
        lua_pushstring(L, dom_state_to_str(st.state));
    else if (strcmp(key, "active") == 0)
        lua_pushboolean(L, st.state != DOM_STATE_SHUTOFF);
    else if (st.state == DOM_STATE_SHUTOFF)
        lua_pushnil(L);
    else
        lua_pushinteger(L, st.id);
    return 1;
}

static int
l_dom_index(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *key = luaL_checkstring(L, 2);

    luaL_getmetatable(L, DOM_MT);
    lua_getfield(L, -1, "__methods_table");
    if (lua_getfield(L, -1, key) != LUA_TNIL)
        return 1;
    lua_pop(L, 3);
    if (push_property(L, name, key))
        return 1;
    lua_pushnil(L);
    return 1;
}

/* ---- registration ---- */

void
dom_lua_open(lua_State *L)
{
    static const luaL_Reg meta[] = {
        { "__index", l_dom_index },
        { "__newindex", l_dom_newindex },
        { "__tostring", l_dom_tostring },
        { "__eq", l_dom_eq },
        { "__gc", l_dom_close },
        { "__close", l_dom_close },
        { NULL, NULL },
    };
    /* every file of domain methods contributes its table here */
    const luaL_Reg *(*const method_tables[])(void) = {
        dom_lua_methods,
        dom_lua_save_methods,
        dom_lua_net_methods,
        dom_lua_disk_methods,
    };
    size_t nt = sizeof(method_tables) / sizeof(method_tables[0]);
    int n = 0;

    luaL_newmetatable(L, DOM_MT);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    for (size_t t = 0; t < nt; t++)
        luaL_setfuncs(L, method_tables[t](), 0);
    lua_setfield(L, -2, "__methods_table");
    lua_newtable(L);                          /* names, for completion */
    for (size_t t = 0; t < nt; t++)
        for (const luaL_Reg *m = method_tables[t](); m->name; m++) {
            lua_pushstring(L, m->name);
            lua_rawseti(L, -2, ++n);
        }
    lua_setfield(L, -2, "__methods");
    lua_pop(L, 1);
    /* the cache holds handles weakly: one userdata per live domain */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, DOM_CACHE);
    lua_newtable(L);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    luaL_setfuncs(L, dom_lua_module_funcs(), 0);
}
