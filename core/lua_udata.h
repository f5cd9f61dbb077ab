/* lua_udata.h - a small object of the bindings (a stream, a channel): a
 * zeroed full userdata with its metatable, made the first time it is
 * needed. */
#ifndef LV_LUA_UDATA_H
#define LV_LUA_UDATA_H

#include <lauxlib.h>
#include <stddef.h>

/* Push a new userdata of size bytes (zeroed) with metatable tname, made
 * on first use: methods as __index, fin as __gc and __close, tostring as
 * __tostring (NULL: none). */
void *lv_lua_new_udata(lua_State *L, size_t size, const char *tname, const luaL_Reg *methods,
                       lua_CFunction fin, lua_CFunction tostring);

#endif
