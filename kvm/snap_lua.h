/* snap_lua.h - the Lua binding of snapshots: the luavirt.snapshot type
 * and virt.restore(). */
#ifndef LV_SNAP_LUA_H
#define LV_SNAP_LUA_H

#include <lua.h>

/* Register luavirt.snapshot and add virt.restore to the table at the top
 * of the stack. */
void snap_lua_open(lua_State *L);
/* Push a handle for snapshot name of domain dom (not checked). */
void snap_lua_push(lua_State *L, const char *dom, const char *name);

#endif
