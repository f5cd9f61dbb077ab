/* vol_lua.c - luavirt.volume: a handle names a volume of a pool; every
 * property and method reads the volume afresh (other shells change it).
 * Also virt.volume(path_or_key) and the size/progress helpers of
 * vol_lua.h. */
#include "vol_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "pool_lua.h"
#include "pool_run.h"
#include "runtime.h"
#include "strbuf.h"
#include "vol_ops.h"
#include "lua_handle.h"

#define VOL_MT "luavirt.volume"

static const struct lv_handle_type vol_type;

void
vol_lua_push(lua_State *L, const char *pool, const char *name)
{
    lv_handle_push(L, &vol_type, pool, name);
}

void
vol_lua_check(lua_State *L, int idx, const char **pool, const char **name)
{
    struct lv_handle *h = lv_handle_check(L, idx, &vol_type);

    *pool = h->parent;
    *name = h->name;
}

uint64_t
vol_lua_check_size(lua_State *L, int idx)
{
    struct lv_err err = LV_ERR_INIT;
    uint64_t v = 0;

    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer i;
        if (!lua_isinteger(L, idx) || (i = lua_tointeger(L, idx)) < 0)
            luaL_argerror(L, idx, "size must be a whole number of bytes");
        return (uint64_t)lua_tointeger(L, idx);
    }
    if (vol_def_size_parse_str(luaL_checkstring(L, idx), &v, &err) < 0)
        return (uint64_t)luaL_argerror(L, idx, err.msg);
    return v;
}

/* ---- progress ---- */

void
vol_lua_progress_init(struct vol_lua_progress *p, lua_State *L, int opts,
                      uint64_t total)
{
    p->L = L;
    p->fn = 0;
    p->total = total;
    p->ref = LUA_NOREF;
    if (lua_istable(L, opts)) {
        if (lua_getfield(L, opts, "progress") == LUA_TFUNCTION)
            p->fn = lua_gettop(L);
        else if (!lua_isnil(L, -1))
            luaL_argerror(L, opts, "'progress' must be a function");
        else
            lua_pop(L, 1);
    }
}

int
vol_lua_progress_bytes(uint64_t done, uint64_t total, void *arg)
{
    struct vol_lua_progress *p = arg;

    if (!p->fn || p->ref != LUA_NOREF)
        return p->ref != LUA_NOREF;
    lua_pushvalue(p->L, p->fn);
    lua_pushinteger(p->L, (lua_Integer)done);
    lua_pushinteger(p->L, (lua_Integer)total);
    if (lua_pcall(p->L, 2, 1, 0) != LUA_OK) {
        p->ref = luaL_ref(p->L, LUA_REGISTRYINDEX);
        return 1;
    }
    /* returning false stops the operation */
    {
        int stop = lua_isboolean(p->L, -1) && !lua_toboolean(p->L, -1);
        lua_pop(p->L, 1);
        return stop;
    }
}

int
vol_lua_progress_pct(double pct, void *arg)
{
    struct vol_lua_progress *p = arg;
    return vol_lua_progress_bytes((uint64_t)(pct / 100.0 * (double)p->total),
                                  p->total, arg);
}

void
vol_lua_progress_check(struct vol_lua_progress *p)
{
    if (p->ref == LUA_NOREF)
        return;
    lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->ref);
    luaL_unref(p->L, LUA_REGISTRYINDEX, p->ref);
    p->ref = LUA_NOREF;
    lua_error(p->L);
}

/* ---- methods ---- */

static void
push_info(lua_State *L, const char *pool, const struct vol_def *v)
{
    lua_createtable(L, 0, 9);
    lua_pushstring(L, v->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, pool);
    lua_setfield(L, -2, "pool");
    lua_pushstring(L, vol_type_to_str(v->type));
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)v->capacity);
    lua_setfield(L, -2, "capacity");
    lua_pushinteger(L, (lua_Integer)v->allocation);
    lua_setfield(L, -2, "allocation");
    lua_pushstring(L, v->target.path);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, v->key ? v->key : v->target.path);
    lua_setfield(L, -2, "key");
    if (v->target.format) {
        lua_pushstring(L, v->target.format);
        lua_setfield(L, -2, "format");
    }
    if (v->backing && v->backing->path) {
        lua_pushstring(L, v->backing->path);
        lua_setfield(L, -2, "backing");
        if (v->backing->format) {
            lua_pushstring(L, v->backing->format);
            lua_setfield(L, -2, "backing_format");
        }
    }
}

static int
l_vol_info(lua_State *L)
{
    const char *pool, *name;
    struct lv_err err = LV_ERR_INIT;
    struct vol_def *v;

    vol_lua_check(L, 1, &pool, &name);
    v = vol_ops_load(lv_lua_conn(L), pool, name, &err);
    if (!v)
        return lv_lua_raise(L, &err);
    push_info(L, pool, v);
    vol_def_free(v);
    return 1;
}

/* v:definition() -> {name=, capacity=, allocation=, format=, backing=,
 * backing_format=}: the table pool:create_volume takes */
static int
l_vol_definition(lua_State *L)
{
    static const char *const live[] = { "pool", "type", "path", "key" };

    l_vol_info(L);
    for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, live[i]);
    }
    return 1;
}

static int
l_vol_xml(lua_State *L)
{
    const char *pool, *name;
    struct lv_err err = LV_ERR_INIT;
    char *xml;

    vol_lua_check(L, 1, &pool, &name);
    xml = vol_ops_xml(lv_lua_conn(L), pool, name, &err);
    if (!xml)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, xml);
    free(xml);
    return 1;
}

static int
l_vol_resize(lua_State *L)
{
    const char *pool, *name;
    struct lv_err err = LV_ERR_INIT;
    uint64_t size;
    int shrink;

    vol_lua_check(L, 1, &pool, &name);
    size = vol_lua_check_size(L, 2);
    shrink = lv_lua_opt_bool(L, 3, "shrink", 0);
    if (lv_lua_opt_bool(L, 3, "delta", 0)) {
        struct vol_def *v = vol_ops_load(lv_lua_conn(L), pool, name, &err);
        if (!v)
            return lv_lua_raise(L, &err);
        size += v->capacity;
        vol_def_free(v);
    }
    int r = vol_ops_resize(lv_lua_conn(L), pool, name, size, shrink, &err);

    return lv_lua_chain(L, r, &err);
}

/* -1 with err set when a snapshot of a defined guest lives in or hangs on
 * the volume's file: deleting it would leave snapshot-delete and undefine
 * failing on a missing image. The domain side answers through the query it
 * registers (kvm/dom_lua_save.c); storage knows no domain. */
static int
snapshot_user(lua_State *L, const char *pool, const char *name, struct lv_err *err)
{
    char *path = vol_ops_path(lv_lua_conn(L), pool, name, err);
    int r = 0;

    if (!path)
        return -1;
    if (lua_getfield(L, LUA_REGISTRYINDEX, "luavirt.snapshot_user") == LUA_TFUNCTION) {
        lua_pushstring(L, path);
        lua_call(L, 1, 1);
        if (lua_isstring(L, -1)) {
            lv_err_set(err, LV_E_BUSY, "volume '%s': cannot delete: %s uses it; "
                       "delete the snapshot first", name, lua_tostring(L, -1));
            r = -1;
        }
    }
    lua_pop(L, 1);
    free(path);
    return r;
}

static int
l_vol_delete(lua_State *L)
{
    const char *pool, *name;
    struct lv_err err = LV_ERR_INIT;
    char *removed = NULL;

    vol_lua_check(L, 1, &pool, &name);
    if (snapshot_user(L, pool, name, &err) < 0)
        return lv_lua_raise(L, &err);
    if (vol_ops_delete(lv_lua_conn(L), pool, name, &removed, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    lua_pushstring(L, removed);
    free(removed);
    return 2;
}

/* upload/download/wipe: (self, [file,] opts) */
enum stream_kind { K_WIPE, K_UPLOAD, K_DOWNLOAD };

static int
do_stream(lua_State *L, enum stream_kind k)
{
    const char *pool, *name, *file = NULL;
    struct lv_err err = LV_ERR_INIT;
    struct vol_stream_opts o = { 0, 0, NULL, NULL, NULL };
    struct vol_lua_progress p;
    int oi = k == K_WIPE ? 2 : 3, r;
    struct lv_conn *c;

    vol_lua_check(L, 1, &pool, &name);
    if (k != K_WIPE)
        file = luaL_checkstring(L, 2);
    o.offset = (uint64_t)lv_lua_opt_int(L, oi, "offset", 0);
    o.length = (uint64_t)lv_lua_opt_int(L, oi, "length", 0);
    c = lv_lua_conn(L);
    vol_lua_progress_init(&p, L, oi, 0);
    o.progress = vol_lua_progress_bytes;
    o.arg = &p;
    if (k == K_WIPE)
        r = vol_ops_wipe(c, pool, name, &o, &err);
    else if (k == K_UPLOAD)
        r = vol_ops_upload(c, pool, name, file, &o, &err);
    else
        r = vol_ops_download(c, pool, name, file, &o, &err);
    vol_lua_progress_check(&p);
    return lv_lua_chain(L, r, &err);
}

static int l_vol_wipe(lua_State *L) { return do_stream(L, K_WIPE); }
static int l_vol_upload(lua_State *L) { return do_stream(L, K_UPLOAD); }
static int l_vol_download(lua_State *L) { return do_stream(L, K_DOWNLOAD); }

/* v:clone(new_name, {progress=fn}): a full copy in the same pool
 * (virsh vol-clone: the original's XML with the new name). */
static int
l_vol_clone(lua_State *L)
{
    const char *pool, *name, *nname;
    struct lv_err err = LV_ERR_INIT;
    struct vol_lua_progress p;
    struct vol_ops_src src;
    struct vol_def *v, *nv;
    struct lv_conn *c;
    char *made;

    vol_lua_check(L, 1, &pool, &name);
    nname = luaL_checkstring(L, 2);
    c = lv_lua_conn(L);
    v = vol_ops_load(c, pool, name, &err);
    if (!v)
        return lv_lua_raise(L, &err);
    vol_lua_progress_init(&p, L, 3, v->capacity);
    nv = vol_def_new();
    nv->name = lv_strdup(nname);
    nv->type = v->type;
    nv->capacity = v->capacity;
    nv->target.format = lv_strdup(v->target.format);
    vol_def_free(v);
    src = (struct vol_ops_src){ pool, name, vol_lua_progress_pct, &p };
    made = vol_ops_create_def(c, pool, nv, &src, &err);
    vol_lua_progress_check(&p);
    if (!made)
        return lv_lua_raise(L, &err);
    vol_lua_push(L, pool, made);
    free(made);
    return 1;
}

static const luaL_Reg vol_methods[] = {
    { "info", l_vol_info },
    { "xml", l_vol_xml },
    { "definition", l_vol_definition },
    { "resize", l_vol_resize },
    { "delete", l_vol_delete },
    { "wipe", l_vol_wipe },
    { "clone", l_vol_clone },
    { "upload", l_vol_upload },
    { "download", l_vol_download },
    { "stream", vol_lua_stream },
    { NULL, NULL },
};

/* ---- metamethods ---- */

/* __gc and __close: forget the names; never raises, never acts. */
static void
vol_tostring(lua_State *L, const struct lv_handle *h)
{
    lua_pushfstring(L, "volume '%s' (pool '%s')", h->name, h->parent);
}

static int
push_property(lua_State *L, const struct lv_handle *h, const char *key)
{
    const char *pool = h->parent, *name = h->name;
    struct lv_err err = LV_ERR_INIT;
    char *path;

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, name);
    } else if (strcmp(key, "pool") == 0) {
        pool_lua_push(L, pool);
    } else if (strcmp(key, "path") == 0 || strcmp(key, "key") == 0) {
        if (!(path = vol_ops_path(lv_lua_conn(L), pool, name, &err)))
            return lv_lua_raise(L, &err);
        lua_pushstring(L, path);
        free(path);
    } else if (strcmp(key, "format") == 0 || strcmp(key, "capacity") == 0 ||
               strcmp(key, "allocation") == 0 || strcmp(key, "type") == 0) {
        /* key stays anchored at stack index 2 */
        lua_pushcfunction(L, l_vol_info);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_getfield(L, -1, key);
    } else {
        return 0;
    }
    return 1;
}

/* virt.volume(path_or_key) raises no-volume; virt.find_volume gives nil */
static int
get_volume(lua_State *L, int raise)
{
    const char *spec = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn *c = lv_lua_conn(L);
    char *pool = NULL, *vol = NULL;

    if (pool_run_init(c, &err) < 0)
        return lv_lua_raise(L, &err);
    if (vol_ops_find(c, spec, &pool, &vol, &err) < 0) {
        if (raise || err.code != LV_E_NO_VOLUME)
            return lv_lua_raise(L, &err);
        lua_pushnil(L);
        return 1;
    }
    vol_lua_push(L, pool, vol);
    free(pool);
    free(vol);
    return 1;
}

static int
l_virt_volume(lua_State *L)
{
    return get_volume(L, 1);
}

static int
l_virt_find_volume(lua_State *L)
{
    return get_volume(L, 0);
}

static const luaL_Reg *const vol_method_tables[] = { vol_methods, NULL };

static const char *const vol_props[] = {
    "name", "pool", "path", "key", "type", "format", "capacity", "allocation", NULL,
};

#define STREAM_KEYS "offset length progress"

static const struct lv_api_keys vol_keys[] = {
    { "xml", 2, "security_info" },   /* no secrets in volume XML */
    { "resize", 3, "shrink delta" },
    { "wipe", 2, STREAM_KEYS },
    { "upload", 3, STREAM_KEYS },
    { "download", 3, STREAM_KEYS },
    { "clone", 3, "progress" },
    { "stream", 2, "upload offset length" },
    { NULL, 0, NULL },
};

static const struct lv_handle_type vol_type = {
    .mt = VOL_MT,
    .kind = "volume",
    .methods = vol_method_tables,
    .property = push_property,
    .tostring = vol_tostring,
    .props = vol_props,
    .keys = vol_keys,
};

void
vol_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "volume", l_virt_volume },
        { "find_volume", l_virt_find_volume },
        { NULL, NULL },
    };

    lv_handle_register(L, &vol_type);
    lv_api_setfuncs(L, funcs, "virt.", NULL);
}
