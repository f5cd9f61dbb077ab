/* test_lua_handle.c - the named-object handles every luavirt.* type uses:
 * one userdata per object, equality, read-only properties, methods, closed
 * handles, rename, and the weak cache. */
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "harness.h"
#include "lua_handle.h"

static int
l_hello(lua_State *L)
{
    lua_pushliteral(L, "hi");
    return 1;
}

static const luaL_Reg methods[] = { { "hello", l_hello }, { NULL, NULL } };
static const luaL_Reg *const tables[] = { methods, NULL };

static int
prop(lua_State *L, const struct lv_handle *h, const char *key)
{
    if (strcmp(key, "name") != 0)
        return 0;
    lua_pushstring(L, h->name);
    return 1;
}

static void
show(lua_State *L, const struct lv_handle *h)
{
    lua_pushfstring(L, "thing '%s' (in %s)", h->name, h->parent ? h->parent : "-");
}

static const struct lv_handle_type thing = {
    .mt = "luavirt.thing", .kind = "thing", .methods = tables,
    .property = prop, .tostring = show,
};

static int
l_thing(lua_State *L)
{
    lv_handle_push(L, &thing, luaL_optstring(L, 2, NULL), luaL_checkstring(L, 1));
    return 1;
}

static int
l_rename(lua_State *L)
{
    lv_handle_rename(L, 1, &thing, luaL_checkstring(L, 2));
    return 0;
}

static int
run(lua_State *L, const char *chunk)
{
    if (luaL_dostring(L, chunk) == LUA_OK)
        return lua_toboolean(L, -1) ? 1 : 0;
    fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
    return 0;
}

int
main(void)
{
    lua_State *L = luaL_newstate();

    luaL_openlibs(L);
    lv_handle_register(L, &thing);
    lv_handle_register(L, &thing);   /* twice is harmless */
    lua_register(L, "thing", l_thing);
    lua_register(L, "rename", l_rename);
    CHECK(run(L, "return rawequal(thing('a'), thing('a'))"), "one userdata per object");
    CHECK(run(L, "return thing('a') == thing('a') and thing('a') ~= thing('b')"), "__eq");
    CHECK(run(L, "return thing('v', 'p1') ~= thing('v', 'p2')"), "the parent is part of it");
    CHECK(run(L, "return tostring(thing('v', 'p1')) == \"thing 'v' (in p1)\""), "__tostring");
    CHECK(run(L, "return thing('a').name == 'a' and thing('a').nope == nil"), "properties");
    CHECK(run(L, "return thing('a'):hello() == 'hi'"), "methods");
    CHECK(run(L, "local m = getmetatable(thing('a')).__methods return m[1] == 'hello'"),
          "__methods lists the methods for completion");
    CHECK(run(L, "local ok, e = pcall(function() thing('a').name = 'x' end) "
                 "return not ok and e.code == 'invalid' and "
                 "tostring(e):find(\"thing 'a': property 'name' is read-only\", 1, true)"),
          "read-only");
    CHECK(run(L, "local t = thing('c') getmetatable(t).__close(t) "
                 "local ok, e = pcall(function() return t.name end) "
                 "return not ok and tostring(e):find('thing: handle is closed', 1, true) "
                 "and tostring(t) == 'thing (closed)'"), "closed handle");
    CHECK(run(L, "local t = thing('old') rename(t, 'new') "
                 "return t.name == 'new' and rawequal(thing('new'), t)"), "rename moves the cache");
    CHECK(run(L, "local n = 0 for i = 1, 100 do thing('tmp' .. i) end collectgarbage() "
                 "collectgarbage() local c = debug.getregistry()['luavirt.thing.cache'] "
                 "for _ in pairs(c) do n = n + 1 end return n < 20"),
          "handles nobody holds are collected");
    lua_close(L);
    return TEST_DONE();
}
