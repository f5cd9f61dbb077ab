/* pool_lua_table.h - a storage pool's Lua table form (see pool_lua_table.c). */
#ifndef LV_POOL_LUA_TABLE_H
#define LV_POOL_LUA_TABLE_H
#include <lauxlib.h>
#include <lua.h>

#include "err.h"
#include "pool_def.h"

/* The definition the table at idx describes (a new uuid when it names
 * none), or NULL with err set naming the bad key. Caller frees. */
struct pool_def *pool_lua_table_to_def(lua_State *L, int idx, struct lv_err *err);
/* Push def's table form. */
void pool_lua_push_def(lua_State *L, const struct pool_def *def);

#endif
