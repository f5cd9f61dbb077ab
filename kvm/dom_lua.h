/* dom_lua.h - the Lua binding of domains: the luavirt.domain type and the
 * domain functions of the `virt` module (list, domain, define, create, ...). */
#ifndef LV_DOM_LUA_H
#define LV_DOM_LUA_H

#include <lua.h>

/* Add the domain functions to the table at the top of the stack and
 * register the luavirt.domain metatable. */
void dom_lua_open(lua_State *L);

#endif
