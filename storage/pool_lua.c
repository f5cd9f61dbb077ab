/* pool_lua.c - luavirt.pool: a handle names a storage pool; properties
 * and methods read the pool's state afresh. The virt.pool* functions
 * define pools from XML or Lua tables; the first call of any of them sets
 * up the `default` pool and starts autostart pools (pool_run_init). */
#include "pool_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "cidata.h"
#include "lua_fields.h"
#include "names.h"
#include "pool_backend.h"
#include "pool_lua_table.h"
#include "pool_run.h"
#include "pool_store.h"
#include "pool_xml.h"
#include "lua_handle.h"
#include "runtime.h"
#include "store.h"
#include "strbuf.h"
#include "vol_lua.h"
#include "vol_ops.h"

#define POOL_MT "luavirt.pool"

static const struct lv_handle_type pool_type;

/* The connection, with the storage set up on first use. */
static struct lv_conn *
conn(lua_State *L)
{
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;

    if (pool_run_init(c, &err) < 0)
        lv_lua_raise(L, &err);
    return c;
}

void
pool_lua_push(lua_State *L, const char *name)
{
    lv_handle_push(L, &pool_type, NULL, name);
}

static const char *
check_pool(lua_State *L, int idx)
{
    return lv_handle_check(L, idx, &pool_type)->name;
}

static unsigned
build_flags(lua_State *L, int idx)
{
    unsigned f = 0;

    if (lv_lua_opt_bool(L, idx, "overwrite", 0))
        f |= POOL_BUILD_OVERWRITE;
    if (lv_lua_opt_bool(L, idx, "no_overwrite", 0))
        f |= POOL_BUILD_NO_OVERWRITE;
    return f;
}

/* ---- methods ---- */

static int
l_pool_build(lua_State *L)
{
    const char *name = check_pool(L, 1);
    unsigned f = build_flags(L, 2);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_build(conn(L), name, f, &err), &err);
}

static int
l_pool_start(lua_State *L)
{
    const char *name = check_pool(L, 1);
    unsigned f = build_flags(L, 2);
    int build = lv_lua_opt_bool(L, 2, "build", 0) || f;
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_start(conn(L), name, build, f, &err), &err);
}

static int
l_pool_destroy(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_destroy(conn(L), name, &err), &err);
}

/* p:delete() -> p, what was removed ("directory /data/vmfs") */
static int
l_pool_delete(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char *removed = NULL;

    if (pool_run_delete(conn(L), name, &removed, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    lua_pushstring(L, removed);
    free(removed);
    return 2;
}

static int
l_pool_undefine(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_undefine(conn(L), name, &err), &err);
}

static int
l_pool_refresh(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_refresh(conn(L), name, &err), &err);
}

static int
l_pool_set_autostart(lua_State *L)
{
    const char *name = check_pool(L, 1);
    int on = lua_isnone(L, 2) ? 1 : lua_toboolean(L, 2);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, pool_run_set_autostart(conn(L), name, on, &err), &err);
}

static int
l_pool_info(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_conn *c = conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = pool_run_info(c, name, &err);
    int active = pool_run_is_active(c, name);
    char uuid[37];

    if (!def)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 10);
    lua_pushstring(L, def->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, pool_def_uuid_str(def, uuid));
    lua_setfield(L, -2, "uuid");
    lua_pushstring(L, pool_type_to_str(def->type));
    lua_setfield(L, -2, "type");
    lua_pushstring(L, active ? "active" : "inactive");
    lua_setfield(L, -2, "state");
    lua_pushboolean(L, active);
    lua_setfield(L, -2, "active");
    lua_pushboolean(L, pool_store_exists(c, name));
    lua_setfield(L, -2, "persistent");
    lua_pushboolean(L, pool_store_autostart_get(c, name));
    lua_setfield(L, -2, "autostart");
    if (def->target.path) {
        lua_pushstring(L, def->target.path);
        lua_setfield(L, -2, "target");
    }
    if (active) {
        lv_lua_set_int(L, "capacity", def->capacity);
        lv_lua_set_int(L, "allocation", def->allocation);
        lv_lua_set_int(L, "available", def->available);
    }
    pool_def_free(def);
    return 1;
}

static int
l_pool_xml(lua_State *L)
{
    const char *name = check_pool(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_conn *c = conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = inactive ? pool_run_get_def(c, name, 1, &err)
                                    : pool_run_info(c, name, &err);
    char *xml = def ? pool_def_format_xml(def, 0, &err) : NULL;

    pool_def_free(def);
    if (!xml)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, xml);
    free(xml);
    return 1;
}

/* p:volume(name) raises no-volume; p:find_volume(name) gives nil */
static int
get_volume(lua_State *L, int raise)
{
    const char *name = check_pool(L, 1);
    const char *vol = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    char *path = vol_ops_path(conn(L), name, vol, &err);

    if (!path) {
        if (raise || err.code != LV_E_NO_VOLUME)
            return lv_lua_raise(L, &err);
        lua_pushnil(L);
        return 1;
    }
    free(path);
    vol_lua_push(L, name, vol);
    return 1;
}

static int
l_pool_volume(lua_State *L)
{
    return get_volume(L, 1);
}

static int
l_pool_find_volume(lua_State *L)
{
    return get_volume(L, 0);
}

/* p:definition{inactive=} -> the table form (pool_lua_table.c) */
static int
l_pool_definition(lua_State *L)
{
    const char *name = check_pool(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = pool_run_get_def(conn(L), name, inactive, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    pool_lua_push_def(L, def);
    pool_def_free(def);
    return 1;
}

static int
l_pool_volumes(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char **names = NULL;
    size_t n = 0;

    if (vol_ops_names(conn(L), name, &names, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        vol_lua_push(L, name, names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lv_store_names_free(names, n);
    return 1;
}

/* A volume definition from {name=, capacity=, allocation=, format=,
 * backing=, backing_format=} at idx. */
static struct vol_def *
vol_from_table(lua_State *L, int idx)
{
    struct vol_def *v;
    const char *name = lv_lua_opt_str(L, idx, "name", NULL);
    const char *fmt = lv_lua_opt_str(L, idx, "format", NULL);
    const char *backing = lv_lua_opt_str(L, idx, "backing", NULL);
    const char *bfmt = lv_lua_opt_str(L, idx, "backing_format", NULL);
    uint64_t cap = 0, alloc = 0;
    int has_alloc = 0;

    if (!name)
        luaL_argerror(L, idx, "'name' is required");
    if (lua_getfield(L, idx, "capacity") != LUA_TNIL)
        cap = vol_lua_check_size(L, lua_gettop(L));
    else if (!backing)
        luaL_argerror(L, idx, "'capacity' is required");
    if (lua_getfield(L, idx, "allocation") != LUA_TNIL) {
        alloc = vol_lua_check_size(L, lua_gettop(L));
        has_alloc = 1;
    }
    lua_pop(L, 2);
    v = vol_def_new();
    v->name = lv_strdup(name);
    v->capacity = cap;
    v->allocation = has_alloc ? alloc : cap;
    v->has_allocation = has_alloc;
    v->target.format = lv_strdup(fmt);
    if (backing) {
        v->backing = lv_calloc(1, sizeof(*v->backing));
        v->backing->path = lv_strdup(backing);
        v->backing->format = lv_strdup(bfmt);
        v->backing->perms.mode = -1;
        v->backing->perms.uid = v->backing->perms.gid = -1;
    }
    return v;
}

/* p:create_volume(xml_or_table, {from=volume, progress=fn}) -> volume */
static int
l_pool_create_volume(lua_State *L)
{
    const char *name = check_pool(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct vol_ops_src src = { NULL, NULL, NULL, NULL };
    struct vol_lua_progress p;
    struct vol_def *def = NULL;
    struct lv_conn *c = conn(L);
    char *made;
    size_t len = 0;
    const char *xml = NULL;

    /* all argument checks (which may raise) before anything is held */
    if (lua_istable(L, 3) && lua_getfield(L, 3, "from") != LUA_TNIL) {
        vol_lua_check(L, lua_gettop(L), &src.pool, &src.name);
        src.progress = vol_lua_progress_pct;
        src.arg = &p;
    }
    vol_lua_progress_init(&p, L, 3, 0);
    if (lua_type(L, 2) == LUA_TTABLE)
        def = vol_from_table(L, 2);
    else
        xml = luaL_checklstring(L, 2, &len);
    if (src.name) {
        struct vol_def *fv = vol_ops_load(c, src.pool, src.name, &err);
        if (!fv) {
            vol_def_free(def);
            return lv_lua_raise(L, &err);
        }
        p.total = fv->capacity;
        vol_def_free(fv);
    }
    if (def)
        made = vol_ops_create_def(c, name, def, src.name ? &src : NULL, &err);
    else
        made = vol_ops_create_xml(c, name, xml, len, src.name ? &src : NULL,
                                  &err);
    vol_lua_progress_check(&p);
    if (!made)
        return lv_lua_raise(L, &err);
    vol_lua_push(L, name, made);
    free(made);
    return 1;
}

/* The string field key of the table at idx, with its length; NULL when
 * absent. The table keeps the string alive while it holds it. */
static const char *
opt_text(lua_State *L, int idx, const char *key, size_t *len)
{
    const char *s = NULL;
    int t = lua_getfield(L, idx, key);

    if (t != LUA_TNIL && t != LUA_TSTRING)
        luaL_argerror(L, idx, lua_pushfstring(L, "'%s' must be a string", key));
    if (t == LUA_TSTRING)
        s = lua_tolstring(L, -1, len);
    lua_pop(L, 1);
    return s;
}

/* p:create_cidata(name, {user_data=, meta_data=, network_config=}) ->
 * volume: a cloud-init NoCloud seed (ISO 9660 labelled cidata) holding the
 * given texts, as a new volume of this directory-backed pool. */
static int
l_pool_create_cidata(lua_State *L)
{
    const char *pool = check_pool(L, 1);
    const char *vol = luaL_checkstring(L, 2);
    struct cidata_files f = { NULL, 0, NULL, 0, NULL, 0 };
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn *c = conn(L);
    struct pool_def *def = NULL;
    char *path = NULL;
    int rc = -1;

    luaL_checktype(L, 3, LUA_TTABLE);
    f.user_data = opt_text(L, 3, "user_data", &f.user_data_len);
    f.meta_data = opt_text(L, 3, "meta_data", &f.meta_data_len);
    f.network_config = opt_text(L, 3, "network_config", &f.network_config_len);
    if (!f.user_data || !f.meta_data)
        luaL_argerror(L, 3, "'user_data' and 'meta_data' are required");
    if (lv_name_check("volume", vol, &err) < 0)
        return lv_lua_raise(L, &err);
    if (!pool_run_is_active(c, pool)) {
        lv_err_set(&err, LV_E_STATE, "pool '%s': not active", pool);
        return lv_lua_raise(L, &err);
    }
    if (!(def = pool_run_get_def(c, pool, 0, &err)))
        return lv_lua_raise(L, &err);
    if (def->type != POOL_DIR && def->type != POOL_FS && def->type != POOL_NETFS) {
        lv_err_set(&err, LV_E_UNSUPPORTED, "pool '%s': a cidata seed needs a "
                   "directory pool (dir, fs, netfs), not %s", pool,
                   pool_type_to_str(def->type));
        goto out;
    }
    path = lv_asprintf("%s/%s", def->target.path, vol);
    if (cidata_write(path, &f, &err) < 0) {
        lv_err_prefix(&err, "pool '%s': ", pool);
        goto out;
    }
    if (pool_run_refresh(c, pool, &err) < 0) {
        unlink(path);
        goto out;
    }
    rc = 0;
out:
    free(path);
    pool_def_free(def);
    if (rc < 0)
        return lv_lua_raise(L, &err);
    vol_lua_push(L, pool, vol);
    return 1;
}

static const luaL_Reg pool_methods[] = {
    { "build", l_pool_build },
    { "start", l_pool_start },
    { "destroy", l_pool_destroy },
    { "delete", l_pool_delete },
    { "undefine", l_pool_undefine },
    { "refresh", l_pool_refresh },
    { "set_autostart", l_pool_set_autostart },
    { "info", l_pool_info },
    { "xml", l_pool_xml },
    { "definition", l_pool_definition },
    { "volume", l_pool_volume },
    { "find_volume", l_pool_find_volume },
    { "volumes", l_pool_volumes },
    { "create_volume", l_pool_create_volume },
    { "create_cidata", l_pool_create_cidata },
    { NULL, NULL },
};

/* ---- handle type ---- */

static void
pool_tostring(lua_State *L, const struct lv_handle *h)
{
    lua_pushfstring(L, "pool '%s' (%s)", h->name,
                    pool_run_is_active(lv_lua_conn(L), h->name) ? "active" : "inactive");
}

static int
push_property(lua_State *L, const struct lv_handle *h, const char *key)
{
    const char *name = h->name;
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def;
    char uuid[37];

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, name);
    } else if (strcmp(key, "active") == 0) {
        lua_pushboolean(L, pool_run_is_active(c, name));
    } else if (strcmp(key, "state") == 0) {
        lua_pushstring(L, pool_run_is_active(c, name) ? "active" : "inactive");
    } else if (strcmp(key, "persistent") == 0) {
        lua_pushboolean(L, pool_store_exists(c, name));
    } else if (strcmp(key, "autostart") == 0) {
        lua_pushboolean(L, pool_store_autostart_get(c, name));
    } else if (strcmp(key, "uuid") == 0 || strcmp(key, "type") == 0 ||
               strcmp(key, "target") == 0) {
        if (!(def = pool_run_get_def(c, name, 0, &err)))
            return lv_lua_raise(L, &err);
        if (key[0] == 'u')
            lua_pushstring(L, pool_def_uuid_str(def, uuid));
        else if (key[1] == 'y')
            lua_pushstring(L, pool_type_to_str(def->type));
        else
            lua_pushstring(L, def->target.path);
        pool_def_free(def);
    } else {
        return 0;
    }
    return 1;
}

/* ---- module functions ---- */

/* virt.pool(name|uuid) raises no-pool; virt.find_pool gives nil */
static int
l_virt_pool(lua_State *L)
{
    const char *spec = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char *name = pool_run_resolve(conn(L), spec, &err);

    if (!name)
        return lv_lua_raise(L, &err);
    pool_lua_push(L, name);
    free(name);
    return 1;
}

static int
l_virt_find_pool(lua_State *L)
{
    const char *spec = luaL_checkstring(L, 1);
    char *name = pool_run_resolve(conn(L), spec, NULL);

    if (!name) {
        lua_pushnil(L);
        return 1;
    }
    pool_lua_push(L, name);
    free(name);
    return 1;
}

/* virt.pools{all=, inactive=}: active pools by default, like pool-list */
static int
l_virt_pools(lua_State *L)
{
    int all = lv_lua_opt_bool(L, 1, "all", 0);
    int inactive = lv_lua_opt_bool(L, 1, "inactive", 0);
    struct lv_conn *c = conn(L);
    struct lv_err err = LV_ERR_INIT;
    char **names = NULL;
    size_t n = 0;
    int k = 0;

    if (pool_run_names(c, &names, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        int active = pool_run_is_active(c, names[i]);
        if (!all && (inactive ? active : !active))
            continue;
        pool_lua_push(L, names[i]);
        lua_rawseti(L, -2, ++k);
    }
    lv_store_names_free(names, n);
    return 1;
}

/* The pool XML at idx: a string, or the table form (pool_lua_table.c),
 * formatted. */
static const char *
xml_arg(lua_State *L, int idx, size_t *len)
{
    if (lua_type(L, idx) == LUA_TTABLE) {
        struct lv_err err = LV_ERR_INIT;
        struct pool_def *def = pool_lua_table_to_def(L, idx, &err);
        char *xml = def ? pool_def_format_xml(def, 0, &err) : NULL;

        pool_def_free(def);
        if (!xml)
            lv_lua_raise(L, &err);
        lua_pushstring(L, xml);
        free(xml);
        lua_replace(L, idx);
    }
    return luaL_checklstring(L, idx, len);
}

/* virt.to_xml("pool", table) */
static int
l_pool_to_xml(lua_State *L)
{
    size_t len;

    luaL_checktype(L, 1, LUA_TTABLE);
    xml_arg(L, 1, &len);
    lua_settop(L, 1);
    return 1;
}

/* virt.define_pool(xml_or_table) -> pool */
static int
l_virt_pool_define(lua_State *L)
{
    size_t len;
    const char *xml = xml_arg(L, 1, &len);
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = pool_run_define(conn(L), xml, len, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    pool_lua_push(L, def->name);
    pool_def_free(def);
    return 1;
}

/* virt.pool_create(xml_or_table, {build=, overwrite=}) -> pool */
static int
l_virt_pool_create(lua_State *L)
{
    size_t len;
    const char *xml = xml_arg(L, 1, &len);
    unsigned f = build_flags(L, 2);
    int build = lv_lua_opt_bool(L, 2, "build", 0) || f;
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = pool_run_create(conn(L), xml, len, build, f, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    pool_lua_push(L, def->name);
    pool_def_free(def);
    return 1;
}

static const luaL_Reg *const pool_method_tables[] = { pool_methods, NULL };

static const char *const pool_props[] = {
    "name", "uuid", "state", "active", "persistent", "autostart", "type", "target",
    NULL,
};

#define BUILD_KEYS "overwrite no_overwrite"

static const struct lv_api_keys pool_keys[] = {
    { "build", 2, BUILD_KEYS },
    { "start", 2, "build " BUILD_KEYS },
    { "xml", 2, "inactive security_info" },
    { "definition", 2, "inactive" },
    { "create_volume", 2, "name capacity allocation format backing backing_format" },
    { "create_volume", 3, "from progress" },
    { "create_cidata", 3, "user_data meta_data network_config" },
    { "pools", 1, "all inactive" },
    { "create_pool", 2, "build " BUILD_KEYS },
    { NULL, 0, NULL },
};

static const struct lv_handle_type pool_type = {
    .mt = POOL_MT,
    .kind = "pool",
    .methods = pool_method_tables,
    .property = push_property,
    .tostring = pool_tostring,
    .props = pool_props,
    .keys = pool_keys,
};

void
pool_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "pools", l_virt_pools },
        { "pool", l_virt_pool },
        { "find_pool", l_virt_find_pool },
        { "define_pool", l_virt_pool_define },
        { "create_pool", l_virt_pool_create },
        { NULL, NULL },
    };

    lv_handle_register(L, &pool_type);
    lv_api_setfuncs(L, funcs, "virt.", pool_keys);
    lv_api_set_to_xml(L, "pool", l_pool_to_xml);
}
