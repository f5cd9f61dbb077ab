/* runtime.h - the Lua runtime: the state with the `virt` module, the
 * luavirt.error object, the connection kept in the registry. */
#ifndef LV_RUNTIME_H
#define LV_RUNTIME_H

#include <lua.h>
#include <lauxlib.h>

#include "conn.h"
#include "err.h"

/* Create a Lua state with the standard libraries, package.path set to the
 * stdlib and recipes, and an empty `virt` table as global and as
 * package.loaded.virt. uri may be NULL (default choice, see conn.h). */
lua_State *lv_runtime_new(const char *uri, struct lv_err *err);
void lv_runtime_free(lua_State *L);

/* Push the luavirt.error value for err (a table with code, message, object,
 * errno and the luavirt.error metatable). */
void lv_lua_push_error(lua_State *L, const struct lv_err *err);
/* Push the error and raise it; never returns. For `return lv_lua_raise()`. */
int lv_lua_raise(lua_State *L, const struct lv_err *err);
/* The return of every mutating method: raise err when r < 0, else the
 * object the method was called on (argument 1). */
int lv_lua_chain(lua_State *L, int r, const struct lv_err *err);
/* Fill err from a Lua error value (luavirt.error or any other). */
void lv_lua_to_err(lua_State *L, int idx, struct lv_err *err);

/* The connection of this state, opened on first use; raises on failure.
 * Borrowed: valid while L lives. */
struct lv_conn *lv_lua_conn(lua_State *L);

/* Register functions into the table at the top of the stack. */
void lv_lua_setfuncs(lua_State *L, const luaL_Reg *funcs);

/* Options tables: the field key of the table at idx (which may be none or
 * nil); a wrong type raises an argument error naming the key. */
int lv_lua_opt_bool(lua_State *L, int idx, const char *key, int def);
lua_Integer lv_lua_opt_int(lua_State *L, int idx, const char *key, lua_Integer def);
lua_Number lv_lua_opt_num(lua_State *L, int idx, const char *key, lua_Number def);
const char *lv_lua_opt_str(lua_State *L, int idx, const char *key, const char *def);

/* Where the Lua stdlib lives (LUAVIRT_LUADIR, next to the binary, or the
 * installed path). Borrowed static string. */
const char *lv_runtime_luadir(void);

#endif
