/* net_lua.h - the Lua binding of virtual networks: the luavirt.network
 * type and virt.network, virt.networks, virt.net_define, virt.net_create. */
#ifndef LV_NET_LUA_H
#define LV_NET_LUA_H

#include <lua.h>

/* Add the network functions to the table at the top of the stack and
 * register the luavirt.network metatable. */
void net_lua_open(lua_State *L);
/* virt.create_host_bridge, remove_host_bridge, host_bridges
 * (host_bridge_lua.c) */
void host_bridge_lua_open(lua_State *L);

#endif
