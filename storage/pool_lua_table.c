/* pool_lua_table.c - a storage pool's Lua table form, the shape
 * virt.define_pool{...} takes and pool:definition() gives:
 *   {name=, uuid=, type=, target={path=}, source={dir=, name=, format=,
 *    devices={"/dev/sdb", ...}, hosts={"nfs1", ...}}}
 * Every key is checked: an unknown one is an error naming its path. */
#include "pool_lua_table.h"

#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "lua_fields.h"
#include "strbuf.h"

static const char *const top_keys[] = { "name", "uuid", "type", "target", "source", NULL };
static const char *const target_keys[] = { "path", NULL };
static const char *const source_keys[] = { "dir", "name", "format", "devices", "hosts",
                                           NULL };

/* 0 if every key of the table at idx is in keys, else -1 with err set */
static int
check_keys(lua_State *L, int idx, const char *path, const char *const *keys,
           struct lv_err *err)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int ok = 0;
        lua_pop(L, 1);
        for (size_t i = 0; keys[i] && lua_type(L, -1) == LUA_TSTRING; i++)
            ok |= strcmp(keys[i], lua_tostring(L, -1)) == 0;
        if (!ok) {
            lv_err_set(err, LV_E_INVALID, "pool table: unknown key '%s%s'", path,
                       luaL_tolstring(L, -1, NULL));
            lua_pop(L, 2);
            return -1;
        }
    }
    return 0;
}

/* The string field key of the table at idx, copied, or NULL; -1 on a
 * field of another type. */
static int
get_str(lua_State *L, int idx, const char *path, const char *key, char **out,
        struct lv_err *err)
{
    int t = lua_getfield(L, idx, key);

    if (t == LUA_TSTRING)
        *out = lv_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (t == LUA_TNIL || t == LUA_TSTRING)
        return 0;
    lv_err_set(err, LV_E_INVALID, "pool table: '%s%s' must be a string", path, key);
    return -1;
}

/* The strings of the list field key of the source table at idx, each
 * added by add(); -1 with err set on a non-string entry. */
static int
get_list(lua_State *L, int idx, const char *key, struct pool_source *s,
         struct lv_err *err)
{
    int t = lua_getfield(L, idx, key), r = 0;
    lua_Integer n;

    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        lv_err_set(err, LV_E_INVALID, "pool table: 'source.%s' must be a list", key);
        return -1;
    }
    n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n && r == 0; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
            lv_err_set(err, LV_E_INVALID, "pool table: 'source.%s[%d]' must be a string",
                       key, (int)i);
            r = -1;
        } else if (key[0] == 'd') {
            s->devices = lv_realloc(s->devices, (s->n_devices + 1) * sizeof(*s->devices));
            memset(&s->devices[s->n_devices], 0, sizeof(*s->devices));
            s->devices[s->n_devices++].path = lv_strdup(lua_tostring(L, -1));
        } else {
            s->hosts = lv_realloc(s->hosts, (s->n_hosts + 1) * sizeof(*s->hosts));
            memset(&s->hosts[s->n_hosts], 0, sizeof(*s->hosts));
            s->hosts[s->n_hosts++].name = lv_strdup(lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return r;
}

/* The sub-table key of the table at idx pushed (or nil); -1 on another type */
static int
push_sub(lua_State *L, int idx, const char *key, const char *const *keys,
         struct lv_err *err)
{
    char path[32];
    int t = lua_getfield(L, idx, key);

    if (t == LUA_TNIL)
        return 0;
    snprintf(path, sizeof(path), "%s.", key);
    if (t != LUA_TTABLE) {
        lv_err_set(err, LV_E_INVALID, "pool table: '%s' must be a table", key);
        return -1;
    }
    return check_keys(L, lua_gettop(L), path, keys, err);
}

static int
read_source(lua_State *L, int idx, struct pool_def *def, struct lv_err *err)
{
    int r = push_sub(L, idx, "source", source_keys, err), s = lua_gettop(L);

    if (r == 0 && !lua_isnil(L, s))
        r = (get_str(L, s, "source.", "dir", &def->source.dir, err) < 0 ||
             get_str(L, s, "source.", "name", &def->source.name, err) < 0 ||
             get_str(L, s, "source.", "format", &def->source.format, err) < 0 ||
             get_list(L, s, "devices", &def->source, err) < 0 ||
             get_list(L, s, "hosts", &def->source, err) < 0) ? -1 : 0;
    lua_pop(L, 1);
    return r;
}

static int
read_uuid_type(lua_State *L, int idx, struct pool_def *def, struct lv_err *err)
{
    char *uuid = NULL, *type = NULL;
    int r = -1, t;

    if (get_str(L, idx, "", "uuid", &uuid, err) < 0 ||
        get_str(L, idx, "", "type", &type, err) < 0)
        goto out;
    if (!uuid)
        uuid_generate(def->uuid);
    else if (uuid_parse(uuid, def->uuid) < 0) {
        lv_err_set(err, LV_E_INVALID, "pool table: bad uuid '%s'", uuid);
        goto out;
    }
    t = type ? pool_type_from_str(type) : -1;
    if (t < 0) {
        lv_err_set(err, LV_E_INVALID, type ? "pool table: unknown pool type '%s'"
                                           : "pool table: 'type' is required%s",
                   type ? type : "");
        goto out;
    }
    def->type = (enum pool_type)t;
    r = 0;
out:
    free(uuid);
    free(type);
    return r;
}

struct pool_def *
pool_lua_table_to_def(lua_State *L, int idx, struct lv_err *err)
{
    struct pool_def *def = pool_def_new();
    int r, top = lua_gettop(L);

    idx = lua_absindex(L, idx);
    r = check_keys(L, idx, "", top_keys, err);
    if (r == 0)
        r = get_str(L, idx, "", "name", &def->name, err);
    if (r == 0 && !def->name) {
        lv_err_set(err, LV_E_INVALID, "pool table: 'name' is required");
        r = -1;
    }
    if (r == 0)
        r = read_uuid_type(L, idx, def, err);
    if (r == 0) {
        r = push_sub(L, idx, "target", target_keys, err);
        if (r == 0 && !lua_isnil(L, -1))
            r = get_str(L, lua_gettop(L), "target.", "path", &def->target.path, err);
    }
    lua_settop(L, top);
    if (r == 0)
        r = read_source(L, idx, def, err);
    lua_settop(L, top);
    if (r < 0) {
        pool_def_free(def);
        return NULL;
    }
    return def;
}

void
pool_lua_push_def(lua_State *L, const struct pool_def *def)
{
    char uuid[37];

    lua_createtable(L, 0, 5);
    lv_lua_set_str(L, "name", def->name);
    lv_lua_set_str(L, "uuid", pool_def_uuid_str(def, uuid));
    lv_lua_set_str(L, "type", pool_type_to_str(def->type));
    lua_newtable(L);
    lv_lua_set_str(L, "path", def->target.path);
    lua_setfield(L, -2, "target");
    lua_newtable(L);
    lv_lua_set_str(L, "dir", def->source.dir);
    lv_lua_set_str(L, "name", def->source.name);
    lv_lua_set_str(L, "format", def->source.format);
    if (def->source.n_devices) {
        lua_createtable(L, (int)def->source.n_devices, 0);
        for (size_t i = 0; i < def->source.n_devices; i++) {
            lua_pushstring(L, def->source.devices[i].path);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "devices");
    }
    if (def->source.n_hosts) {
        lua_createtable(L, (int)def->source.n_hosts, 0);
        for (size_t i = 0; i < def->source.n_hosts; i++) {
            lua_pushstring(L, def->source.hosts[i].name);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "hosts");
    }
    lua_setfield(L, -2, "source");
}
