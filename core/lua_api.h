/* lua_api.h - one calling convention for every function and method of the
 * virt API: each C function is registered behind a wrapper that knows its
 * public name ("virt.define_pool", "pool:create_volume") and the keys its
 * options tables accept. The wrapper refuses an unknown key before the
 * function runs (bad input changes nothing) and turns every plain error
 * (luaL_argerror, luaL_error) into a luavirt.error naming the function. */
#ifndef LV_LUA_API_H
#define LV_LUA_API_H
#include <lauxlib.h>
#include <lua.h>

/* The keys the table at argument `arg` of function `fn` accepts, blank
 * separated. A table argument with no entry is not checked here (definition
 * tables are checked by their own readers, by path). */
struct lv_api_keys {
    const char *fn;
    int arg;
    const char *keys;
};

/* Register funcs into the table at the top of the stack, each wrapped and
 * named prefix..name ("virt." or "pool:"). keys may be NULL; it ends with
 * a NULL fn. */
void lv_api_setfuncs(lua_State *L, const luaL_Reg *funcs, const char *prefix,
                     const struct lv_api_keys *keys);
/* The two halves of it, for functions made one at a time when first used
 * (an object's methods): record the key tables of keys under prefix..fn
 * (only for the fn that has(arg, fn) says are there; has NULL: all), and
 * push f wrapped as prefix..f->name with the keys recorded for it. */
void lv_api_record_keys(lua_State *L, const char *prefix, const struct lv_api_keys *keys,
                        int (*has)(const void *arg, const char *fn), const void *arg);
void lv_api_push_func(lua_State *L, const luaL_Reg *f, const char *prefix);

/* The accepted keys of every wrapped function, by public name, for help
 * and the tests: virt.api_keys()["pool:create_volume"] = {[2] = "name ..."}.
 * Kept in the registry by lv_api_setfuncs. */
int lv_api_l_keys(lua_State *L);

/* virt.to_xml(kind, table): fn turns the table at 1 into kind's XML; each
 * object type registers its own (domain, pool). */
void lv_api_set_to_xml(lua_State *L, const char *kind, lua_CFunction fn);
int lv_api_l_to_xml(lua_State *L);

#endif
