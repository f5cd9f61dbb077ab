/* lua_api.c - the wrapper every virt function and method is registered
 * behind (see lua_api.h): key checking of options tables, and errors that
 * are luavirt.error objects naming the function that was called. */
#include "lua_api.h"

#include <stdio.h>
#include <string.h>

#include "runtime.h"

#define KEYS_REG "luavirt.api_keys"

/* 1 if word is one of the blank separated words of list */
static int
in_list(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len;
        p += strspn(p, " ");
    }
    return 0;
}

/* Refuse the first key of the table at arg that list does not hold. */
static void
check_table(lua_State *L, const char *fname, int arg, const char *list)
{
    struct lv_err err = LV_ERR_INIT;

    if (lua_type(L, arg) != LUA_TTABLE)
        return;
    lua_pushnil(L);
    while (lua_next(L, arg)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !in_list(list, lua_tostring(L, -1))) {
            const char *k = luaL_tolstring(L, -1, NULL);
            lv_err_set(&err, LV_E_INVALID,
                       "%s: unknown key '%s' in argument #%d (accepted: %s)",
                       fname, k, arg - 1, list[0] ? list : "none");
            lv_lua_raise(L, &err);
        }
    }
}

/* The key lists of upvalue 3: a table {[arg] = "k1 k2"} or nil. */
static void
check_keys(lua_State *L, const char *fname)
{
    int t = lua_upvalueindex(3);

    if (lua_type(L, t) != LUA_TTABLE)
        return;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int arg = (int)lua_tointeger(L, -2) + 1;   /* the function is at 1 */
        if (arg <= lua_gettop(L) - 2)
            check_table(L, fname, arg, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
}

/* A plain error becomes a luavirt.error; '?' in it becomes the name. */
static int
finish(lua_State *L, int status, lua_KContext ctx)
{
    struct lv_err err = LV_ERR_INIT;
    const char *msg, *fname, *q;

    (void)ctx;
    if (status == LUA_OK || status == LUA_YIELD)
        return lua_gettop(L);
    if (lua_type(L, -1) != LUA_TSTRING)
        return lua_error(L);
    msg = lua_tostring(L, -1);
    fname = lua_tostring(L, lua_upvalueindex(2));
    q = strstr(msg, "'?'");
    if (q) {
        lv_err_set(&err, LV_E_INVALID, "%.*s'%s'%s", (int)(q - msg), msg, fname,
                   q + 3);
    } else if (strncmp(msg, fname, strlen(fname)) == 0) {
        lv_err_set(&err, LV_E_INVALID, "%s", msg);
    } else {
        lv_err_set(&err, LV_E_INVALID, "%s: %s", fname, msg);
    }
    return lv_lua_raise(L, &err);
}

static int
wrapper(lua_State *L)
{
    int n = lua_gettop(L);

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    check_keys(L, lua_tostring(L, lua_upvalueindex(2)));
    return finish(L, lua_pcallk(L, n, LUA_MULTRET, 0, 0, finish), 0);
}

/* The registry's table of every function's keys, pushed. */
static int
push_keys_reg(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, KEYS_REG) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, KEYS_REG);
    }
    return lua_gettop(L);
}

void
lv_api_record_keys(lua_State *L, const char *prefix, const struct lv_api_keys *keys,
                   int (*has)(const void *arg, const char *fn), const void *arg)
{
    char qual[128];
    int reg = push_keys_reg(L);

    for (size_t i = 0; keys && keys[i].fn; i++) {
        if (has && !has(arg, keys[i].fn))
            continue;
        snprintf(qual, sizeof(qual), "%s%s", prefix, keys[i].fn);
        if (lua_getfield(L, reg, qual) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_setfield(L, reg, qual);
        }
        lua_pushstring(L, keys[i].keys);
        lua_rawseti(L, -2, keys[i].arg);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void
lv_api_push_func(lua_State *L, const luaL_Reg *f, const char *prefix)
{
    char qual[128];
    int reg = push_keys_reg(L);

    snprintf(qual, sizeof(qual), "%s%s", prefix, f->name);
    lua_pushcfunction(L, f->func);
    lua_pushstring(L, qual);
    if (lua_getfield(L, reg, qual) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
    lua_pushcclosure(L, wrapper, 3);
    lua_remove(L, reg);
}

/* Is fn one of the functions of the luaL_Reg array arg? */
static int
in_funcs(const void *arg, const char *fn)
{
    for (const luaL_Reg *f = arg; f->name; f++)
        if (strcmp(f->name, fn) == 0)
            return 1;
    return 0;
}

void
lv_api_setfuncs(lua_State *L, const luaL_Reg *funcs, const char *prefix,
                const struct lv_api_keys *keys)
{
    lv_api_record_keys(L, prefix, keys, in_funcs, funcs);
    for (const luaL_Reg *f = funcs; f->name; f++) {
        lv_api_push_func(L, f, prefix);
        lua_setfield(L, -2, f->name);
    }
}

int
lv_api_l_keys(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, KEYS_REG) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    return 1;
}

#define TO_XML_REG "luavirt.to_xml"

void
lv_api_set_to_xml(lua_State *L, const char *kind, lua_CFunction fn)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, TO_XML_REG) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, TO_XML_REG);
    }
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, kind);
    lua_pop(L, 1);
}

int
lv_api_l_to_xml(lua_State *L)
{
    const char *kind = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;

    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, LUA_REGISTRYINDEX, TO_XML_REG) != LUA_TTABLE ||
        lua_getfield(L, -1, kind) != LUA_TFUNCTION) {
        lv_err_set(&err, LV_E_INVALID, "virt.to_xml: no table form for kind '%s'",
                   kind);
        return lv_lua_raise(L, &err);
    }
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    return 1;
}
