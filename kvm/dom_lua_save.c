/* dom_lua_save.c - the snapshot and save methods of luavirt.domain:
 * d:create_snapshot{}, d:snapshots(), d:snapshot(name), d:find_snapshot(name),
 * d:current_snapshot(), d:save(path), d:managed_save(),
 * d:managed_save_remove(). */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom_lua_priv.h"
#include "dom_save.h"
#include "runtime.h"
#include "snap.h"
#include "snap_lua.h"

/* d:create_snapshot({name=, description=, xml=}, {disk_only=, atomic=}) */
static int
l_create_snapshot(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct snap_create_opts o = {
        .name = lv_lua_opt_str(L, 2, "name", NULL),
        .description = lv_lua_opt_str(L, 2, "description", NULL),
        .xml = lv_lua_opt_str(L, 2, "xml", NULL),
        .disk_only = lv_lua_opt_bool(L, 3, "disk_only", 0),
        .atomic = lv_lua_opt_bool(L, 3, "atomic", 0),
    };
    struct lv_err err = LV_ERR_INIT;
    char *name = NULL;

    if (snap_create(lv_lua_conn(L), dom, &o, &name, &err) < 0)
        return lv_lua_raise(L, &err);
    snap_lua_push(L, dom, name);
    free(name);
    return 1;
}

/* d:snapshots() -> the snapshots, oldest first */
static int
l_snapshots(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct snap_def **defs = NULL;
    size_t n = 0;

    if (snap_list(lv_lua_conn(L), dom, &defs, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        snap_lua_push(L, dom, defs[i]->name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    snap_list_free(defs, n);
    return 1;
}

/* d:snapshot(name) raises no-snapshot; d:find_snapshot(name) gives nil */
static int
get_snapshot(lua_State *L, int raise)
{
    const char *dom = dom_lua_check(L, 1);
    const char *name = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *s = snap_get(lv_lua_conn(L), dom, name, &err);

    if (!s) {
        if (raise || err.code != LV_E_NO_SNAPSHOT)
            return lv_lua_raise(L, &err);
        lua_pushnil(L);
        return 1;
    }
    snap_def_free(s);
    snap_lua_push(L, dom, name);
    return 1;
}

static int
l_snapshot(lua_State *L)
{
    return get_snapshot(L, 1);
}

static int
l_find_snapshot(lua_State *L)
{
    return get_snapshot(L, 0);
}

/* d:current_snapshot() -> snapshot, or nil when there is none */
static int
l_current_snapshot(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char *cur = snap_current(lv_lua_conn(L), dom, &err);

    if (!cur) {
        if (err.code != LV_E_OK)
            return lv_lua_raise(L, &err);
        lua_pushnil(L);
        return 1;
    }
    snap_lua_push(L, dom, cur);
    free(cur);
    return 1;
}

static int
l_save(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;

    if (dom_save(lv_lua_conn(L), dom, path, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int
l_managed_save(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    if (dom_managed_save(lv_lua_conn(L), dom, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int
l_managed_save_remove(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    if (dom_managed_save_remove(lv_lua_conn(L), dom, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static const luaL_Reg methods[] = {
    { "create_snapshot", l_create_snapshot },
    { "snapshots", l_snapshots },
    { "snapshot", l_snapshot },
    { "find_snapshot", l_find_snapshot },
    { "current_snapshot", l_current_snapshot },
    { "save", l_save },
    { "managed_save", l_managed_save },
    { "managed_save_remove", l_managed_save_remove },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_save_methods(void)
{
    return methods;
}
