/* lua_json.c - conversion between Lua values and jansson values (see
 * lua_json.h), used by virt.json, virt.json_decode and d:qmp(). */
#include "lua_json.h"

#include <lauxlib.h>

static json_t *to_json(lua_State *L, int idx, int depth);


/* 1 if the table at idx has exactly the keys 1..n (n may be 0) */
static int
is_array(lua_State *L, int idx, size_t *n)
{
    size_t count = 0;
    lua_Integer max = 0;

    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return 0;
        }
        if (lua_tointeger(L, -1) > max)
            max = lua_tointeger(L, -1);
        count++;
    }
    *n = count;
    return (lua_Integer)count == max;
}

static json_t *
table_to_json(lua_State *L, int idx, int depth)
{
    size_t n;
    json_t *j;

    if (is_array(L, idx, &n)) {
        j = json_array();
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i);
            json_array_append_new(j, to_json(L, lua_gettop(L), depth + 1));
            lua_pop(L, 1);
        }
        return j;
    }
    j = json_object();
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        const char *k = lua_tostring(L, -1);
        if (k)
            json_object_set_new(j, k, to_json(L, lua_gettop(L) - 1, depth + 1));
        lua_pop(L, 2);
    }
    return j;
}

static json_t *
to_json(lua_State *L, int idx, int depth)
{
    if (depth > 64)
        return json_null();
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        return json_boolean(lua_toboolean(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return json_integer(lua_tointeger(L, idx));
        return json_real(lua_tonumber(L, idx));
    case LUA_TSTRING: {
        /* the whole string: a NUL inside it is a character too */
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return json_stringn(s, n);
    }
    case LUA_TTABLE:
        return table_to_json(L, idx, depth);
    case LUA_TUSERDATA: {
        const char *s = luaL_tolstring(L, idx, NULL);
        json_t *j = json_string(s);
        lua_pop(L, 1);
        return j;
    }
    default:
        return json_null();
    }
}

json_t *
lv_lua_to_json(lua_State *L, int idx)
{
    return to_json(L, lua_absindex(L, idx), 0);
}

void
lv_lua_push_json(lua_State *L, json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach(j, k, v) {
            lv_lua_push_json(L, v);
            lua_setfield(L, -2, k);
        }
        break;
    case JSON_ARRAY:
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            lv_lua_push_json(L, v);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(j));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(j));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    default:
        lua_pushnil(L);
        break;
    }
}
