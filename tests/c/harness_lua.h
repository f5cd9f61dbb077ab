/* harness_lua.h - what the C tests of Lua table forms share: a Lua state
 * with deep_eq(a, b) -> true | false, path of the first difference, and
 * running a chunk that returns one value. Header-only, like harness.h. */
#ifndef LV_HARNESS_LUA_H
#define LV_HARNESS_LUA_H

#include <stdio.h>

#include <lauxlib.h>
#include <lualib.h>

static const char harness_lua_helpers[] =
    "function deep_eq(a, b, path)\n"
    "  path = path or ''\n"
    "  if type(a) ~= type(b) then return false, path end\n"
    "  if type(a) ~= 'table' then return a == b, path end\n"
    "  for k, v in pairs(a) do\n"
    "    local ok, p = deep_eq(v, b[k], path .. '.' .. tostring(k))\n"
    "    if not ok then return false, p end\n"
    "  end\n"
    "  for k in pairs(b) do\n"
    "    if a[k] == nil then return false, path .. '.' .. tostring(k) end\n"
    "  end\n"
    "  return true\n"
    "end\n";

/* A new Lua state with the standard libraries and deep_eq; NULL if the
 * helpers do not load. */
static inline lua_State *
harness_lua_new(void)
{
    lua_State *L = luaL_newstate();

    luaL_openlibs(L);
    if (luaL_dostring(L, harness_lua_helpers) != LUA_OK) {
        lua_close(L);
        return NULL;
    }
    return L;
}

/* Run chunk (which returns one value) and leave the value on the stack;
 * -1 (stack unchanged) if it fails. */
static inline int
harness_dostring(lua_State *L, const char *chunk)
{
    if (luaL_dostring(L, chunk) != LUA_OK) {
        fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

/* deep_eq of the tables at a and b (absolute indexes): 1 if equal, else 0
 * with the path of the first difference in where. */
static inline int
harness_deep_eq(lua_State *L, int a, int b, char *where, size_t n)
{
    int eq;

    lua_getglobal(L, "deep_eq");
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 2);
    eq = lua_toboolean(L, -2);
    snprintf(where, n, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 2);
    return eq;
}

#endif
