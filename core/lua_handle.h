/* lua_handle.h - the Lua objects that name something luavirt manages
 * (domain, network, pool, volume, snapshot): a userdata holding the
 * object's name (and its parent's: a volume's pool, a snapshot's domain),
 * one per object per Lua state, cached weakly. Every property and method
 * reads the state afresh; the handle itself holds no other resource. */
#ifndef LV_LUA_HANDLE_H
#define LV_LUA_HANDLE_H

#include <lauxlib.h>
#include <lua.h>

#include "lua_api.h"

struct lv_handle;

/* What one object type supplies; the rest (cache, __gc/__close, __eq,
 * __newindex, __index over the method tables, __methods for completion)
 * is common. Methods are registered through lv_api_setfuncs as
 * "<kind>:<method>"; __pairs lists the properties with their values, then
 * the methods; __properties and __methods name them for completion. */
struct lv_handle_type {
    const char *mt;                     /* "luavirt.network" */
    const char *kind;                   /* "network", for messages */
    const luaL_Reg *const *methods;     /* NULL-terminated list of tables */
    /* Push the read-only property key of h and return 1, or return 0. */
    int (*property)(lua_State *L, const struct lv_handle *h, const char *key);
    /* Push the __tostring text of h ("network 'default' (active)"). */
    void (*tostring)(lua_State *L, const struct lv_handle *h);
    /* The property names, NULL-terminated: what pairs, completion and help
     * show besides the methods. */
    const char *const *props;
    /* The keys each method's options tables accept (lua_api.h). */
    const struct lv_api_keys *keys;
};

struct lv_handle {
    const struct lv_handle_type *type;
    char *parent;                       /* NULL when the type has none */
    char *name;                         /* NULL once closed */
};

/* Create the metatable of t (once per state). */
void lv_handle_register(lua_State *L, const struct lv_handle_type *t);
/* Push the handle of parent/name: the cached userdata if one is alive. */
void lv_handle_push(lua_State *L, const struct lv_handle_type *t,
                    const char *parent, const char *name);
/* The handle at idx; raises a type error, or "<kind>: handle is closed". */
struct lv_handle *lv_handle_check(lua_State *L, int idx,
                                  const struct lv_handle_type *t);
/* Point the handle at idx to new_name (after a rename). */
void lv_handle_rename(lua_State *L, int idx, const struct lv_handle_type *t,
                      const char *new_name);

#endif
