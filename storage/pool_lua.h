/* pool_lua.h - the luavirt.pool Lua type and the virt.pool* functions. */
#ifndef LV_POOL_LUA_H
#define LV_POOL_LUA_H

#include <lua.h>

/* Register the metatable and virt.pool, virt.pools, virt.pool_lookup,
 * virt.pool_define, virt.pool_define_as, virt.pool_xml_as,
 * virt.pool_create, virt.pool_create_as into the table at the top of the
 * stack. */
void pool_lua_open(lua_State *L);

/* Push the handle of pool name (the cached one if alive). */
void pool_lua_push(lua_State *L, const char *name);

#endif
