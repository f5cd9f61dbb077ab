/* lua_handle.c - named-object handles shared by every luavirt.* type (see
 * lua_handle.h): the weak cache, the metamethods, the method tables. */
#include "lua_handle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "strbuf.h"

#define CACHE_SUFFIX ".cache"

/* The type at upvalue 1 of a metamethod. */
static const struct lv_handle_type *
up_type(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Cache key: "name" or "parent/name" (names never hold '/'). */
static void
push_key(lua_State *L, const char *parent, const char *name)
{
    if (parent)
        lua_pushfstring(L, "%s/%s", parent, name);
    else
        lua_pushstring(L, name);
}

static void
push_cache(lua_State *L, const struct lv_handle_type *t)
{
    lua_pushfstring(L, "%s%s", t->mt, CACHE_SUFFIX);
    if (lua_rawget(L, LUA_REGISTRYINDEX) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "v");      /* a handle nobody holds is collected */
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushfstring(L, "%s%s", t->mt, CACHE_SUFFIX);
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

void
lv_handle_push(lua_State *L, const struct lv_handle_type *t, const char *parent,
               const char *name)
{
    struct lv_handle *h;

    push_cache(L, t);
    push_key(L, parent, name);
    if (lua_rawget(L, -2) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    h = lua_newuserdatauv(L, sizeof(*h), 0);
    memset(h, 0, sizeof(*h));            /* created closed, then filled */
    luaL_setmetatable(L, t->mt);
    h->type = t;
    h->parent = parent ? lv_strdup(parent) : NULL;
    h->name = lv_strdup(name);
    push_key(L, parent, name);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
    lua_remove(L, -2);
}

struct lv_handle *
lv_handle_check(lua_State *L, int idx, const struct lv_handle_type *t)
{
    struct lv_handle *h = luaL_checkudata(L, idx, t->mt);

    if (!h->name) {
        struct lv_err err = LV_ERR_INIT;
        lv_err_set(&err, LV_E_INVALID, "%s: handle is closed", t->kind);
        lv_lua_raise(L, &err);
    }
    return h;
}

void
lv_handle_rename(lua_State *L, int idx, const struct lv_handle_type *t,
                 const char *new_name)
{
    struct lv_handle *h = lv_handle_check(L, idx, t);

    idx = lua_absindex(L, idx);
    push_cache(L, t);
    push_key(L, h->parent, h->name);
    lua_pushnil(L);
    lua_rawset(L, -3);
    push_key(L, h->parent, new_name);
    lua_pushvalue(L, idx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    free(h->name);
    h->name = lv_strdup(new_name);
}

/* __gc and __close: free the names; never raises, never acts on the object */
static int
m_close(lua_State *L)
{
    struct lv_handle *h = luaL_testudata(L, 1, up_type(L)->mt);

    if (h) {
        free(h->parent);
        free(h->name);
        h->parent = h->name = NULL;
    }
    return 0;
}

static int
m_eq(lua_State *L)
{
    const struct lv_handle_type *t = up_type(L);
    struct lv_handle *a = luaL_testudata(L, 1, t->mt);
    struct lv_handle *b = luaL_testudata(L, 2, t->mt);

    lua_pushboolean(L, a && b && a->name && b->name && !strcmp(a->name, b->name) &&
                           (a->parent == b->parent ||
                            (a->parent && b->parent && !strcmp(a->parent, b->parent))));
    return 1;
}

static int
m_tostring(lua_State *L)
{
    const struct lv_handle_type *t = up_type(L);
    struct lv_handle *h = luaL_checkudata(L, 1, t->mt);

    if (!h->name)
        lua_pushfstring(L, "%s (closed)", t->kind);
    else
        t->tostring(L, h);
    return 1;
}

static int
m_newindex(lua_State *L)
{
    const struct lv_handle_type *t = up_type(L);
    struct lv_handle *h = lv_handle_check(L, 1, t);
    struct lv_err err = LV_ERR_INIT;

    lv_err_set(&err, LV_E_INVALID, "%s '%s': property '%s' is read-only", t->kind,
               h->name, luaL_checkstring(L, 2));
    return lv_lua_raise(L, &err);
}

/* The method called name of t (NULL: none). */
static const luaL_Reg *
find_method(const struct lv_handle_type *t, const char *name)
{
    for (size_t i = 0; t->methods && t->methods[i]; i++)
        for (const luaL_Reg *m = t->methods[i]; m->name; m++)
            if (strcmp(m->name, name) == 0)
                return m;
    return NULL;
}

static int
has_method(const void *t, const char *name)
{
    return find_method(t, name) != NULL;
}

/* Push t's method m wrapped (lua_api.h), made once: a command that uses two
 * methods of a kind makes two closures, not the hundred the kind has. The
 * ones made are kept in the metatable (at mt) as __methods_made. */
static void
push_method(lua_State *L, const struct lv_handle_type *t, int mt, const luaL_Reg *m)
{
    char prefix[64];

    lua_pushliteral(L, "__methods_made");
    if (lua_rawget(L, mt) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushliteral(L, "__methods_made");
        lua_pushvalue(L, -2);
        lua_rawset(L, mt);
    }
    if (lua_getfield(L, -1, m->name) == LUA_TFUNCTION) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    snprintf(prefix, sizeof(prefix), "%s:", t->kind);
    lv_api_push_func(L, m, prefix);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, m->name);
    lua_remove(L, -2);
}

/* Methods first, then the type's read-only properties; else nil. */
static int
m_index(lua_State *L)
{
    const struct lv_handle_type *t = up_type(L);
    struct lv_handle *h = lv_handle_check(L, 1, t);
    const char *key = luaL_checkstring(L, 2);
    const luaL_Reg *m = find_method(t, key);

    if (m) {
        luaL_getmetatable(L, t->mt);
        push_method(L, t, lua_gettop(L), m);
        return 1;
    }
    if (t->property && t->property(L, h, key))
        return 1;
    lua_pushnil(L);
    return 1;
}

/* pairs(obj): the properties with their values, then the methods, so the
 * REPL and a script see what an object holds. */
static int
m_pairs(lua_State *L)
{
    const struct lv_handle_type *t = up_type(L);
    struct lv_handle *h = lv_handle_check(L, 1, t);

    int tbl, top;

    lua_getglobal(L, "next");
    lua_newtable(L);
    tbl = lua_gettop(L);
    for (size_t i = 0; t->props && t->props[i]; i++) {
        top = lua_gettop(L);
        /* a property may leave more than its value on the stack */
        if (t->property(L, h, t->props[i]))
            lua_setfield(L, tbl, t->props[i]);
        lua_settop(L, top);
    }
    luaL_getmetatable(L, t->mt);
    lua_getfield(L, -1, "__methods_table");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -6);
    }
    lua_pop(L, 2);
    lua_pushnil(L);
    return 3;
}

/* The method tables of a type's metatable (at mt): __methods_table, name ->
 * wrapped function (the same closures m_index hands out), and __methods,
 * the names in order (for completion). */
static void
build_methods(lua_State *L, const struct lv_handle_type *t, int mt)
{
    int n = 0;

    for (size_t i = 0; t->methods && t->methods[i]; i++)
        for (const luaL_Reg *m = t->methods[i]; m->name; m++)
            n++;
    lua_createtable(L, 0, n);       /* sized once: no rehash per method */
    for (size_t i = 0; t->methods && t->methods[i]; i++)
        for (const luaL_Reg *m = t->methods[i]; m->name; m++) {
            push_method(L, t, mt, m);
            lua_setfield(L, -2, m->name);
        }
    lua_setfield(L, mt, "__methods_table");
    lua_createtable(L, n, 0);
    n = 0;
    for (size_t i = 0; t->methods && t->methods[i]; i++)
        for (const luaL_Reg *m = t->methods[i]; m->name; m++) {
            lua_pushstring(L, m->name);
            lua_rawseti(L, -2, ++n);
        }
    lua_setfield(L, mt, "__methods");
}

/* __index of a metatable: its method tables are made on first use, as a
 * one-shot command that touches no object of the kind (most touch one or
 * two kinds) would spend a tenth of its time making them. */
static int
mt_index(lua_State *L)
{
    const char *key = lua_tostring(L, 2);

    if (!key || (strcmp(key, "__methods_table") != 0 && strcmp(key, "__methods") != 0))
        return 0;
    build_methods(L, up_type(L), 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, 1);
    return 1;
}

void
lv_handle_register(lua_State *L, const struct lv_handle_type *t)
{
    static const luaL_Reg meta[] = {
        { "__index", m_index }, { "__newindex", m_newindex },
        { "__tostring", m_tostring }, { "__eq", m_eq }, { "__pairs", m_pairs },
        { "__gc", m_close }, { "__close", m_close }, { NULL, NULL },
    };

    if (!luaL_newmetatable(L, t->mt)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushlightuserdata(L, (void *)t);
    luaL_setfuncs(L, meta, 1);
    lua_newtable(L);
    for (size_t i = 0; t->props && t->props[i]; i++) {
        lua_pushstring(L, t->props[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "__properties");
    lua_pushstring(L, t->kind);
    lua_setfield(L, -2, "__kind");
    {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "%s:", t->kind);
        lv_api_record_keys(L, prefix, t->keys, has_method, t);
    }
    lua_createtable(L, 0, 1);                  /* the metatable's own */
    lua_pushlightuserdata(L, (void *)t);
    lua_pushcclosure(L, mt_index, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}
