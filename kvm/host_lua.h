/* host_lua.h - the host functions of the virt module: capabilities,
 * nodeinfo, version. */
#ifndef LV_HOST_LUA_H
#define LV_HOST_LUA_H

#include <lua.h>

/* Add the host functions to the table at the top of the stack. */
void host_lua_open(lua_State *L);

#endif
