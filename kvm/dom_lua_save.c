/* dom_lua_save.c - the snapshot and save methods of luavirt.domain:
 * d:create_snapshot{}, d:snapshots(), d:snapshot(name), d:find_snapshot(name),
 * d:current_snapshot(), d:save(path), d:managed_save(),
 * d:managed_save_remove(). */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "dom_def.h"
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

    return lv_lua_chain(L, dom_save(lv_lua_conn(L), dom, path, &err), &err);
}

static int
l_managed_save(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_managed_save(lv_lua_conn(L), dom, &err), &err);
}

static int
l_managed_save_remove(lua_State *L)
{
    const char *dom = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_managed_save_remove(lv_lua_conn(L), dom, &err), &err);
}

/* The domain and snapshot whose disk is the file canon, of domain name,
 * pushed as "snapshot 's1' of domain 'web1'"; 0 if none. */
static int
push_snapshot_user(lua_State *L, struct lv_conn *c, const char *name, const char *canon)
{
    struct lv_err err = LV_ERR_INIT;
    struct snap_def **snaps = NULL;
    struct dom_def *def = NULL;
    size_t n = 0;
    int hit = 0;

    if (snap_list(c, name, &snaps, &n, &err) < 0 || n == 0 ||
        !(def = dom_get_def(c, name, 1, &err)))
        goto out;
    for (size_t i = 0; i < def->n_disks && !hit; i++) {
        char *src = def->disks[i].source ? realpath(def->disks[i].source, NULL) : NULL;
        hit = src && strcmp(src, canon) == 0;
        free(src);
    }
    if (hit)
        lua_pushfstring(L, "snapshot '%s' of domain '%s'", snaps[n - 1]->name, name);
out:
    dom_def_free(def);
    snap_list_free(snaps, n);
    return hit;
}

/* registry["luavirt.snapshot_user"](path) -> which snapshot of a defined
 * guest lives in or hangs on that file, or nil: storage asks before it
 * deletes a volume (vol_lua.c), without knowing where kvm keeps anything. */
static int
l_snapshot_user(lua_State *L)
{
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct dom_entry *e = NULL;
    char *canon = realpath(luaL_checkstring(L, 1), NULL);
    size_t n = 0;
    int found = 0;

    if (!canon || dom_list(c, DOM_LIST_ACTIVE | DOM_LIST_INACTIVE, &e, &n, &err) < 0) {
        free(canon);
        return 0;
    }
    for (size_t i = 0; i < n && !found; i++)
        found = e[i].persistent && push_snapshot_user(L, c, e[i].name, canon);
    dom_list_free(e, n);
    free(canon);
    return found;
}

void
dom_lua_register_snapshot_user(lua_State *L)
{
    lua_pushcfunction(L, l_snapshot_user);
    lua_setfield(L, LUA_REGISTRYINDEX, "luavirt.snapshot_user");
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
