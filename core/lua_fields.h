/* lua_fields.h - set a field of the table on top of the Lua stack: the one
 * way the bindings fill info() and row tables. */
#ifndef LV_LUA_FIELDS_H
#define LV_LUA_FIELDS_H

#include <lua.h>

/* t[k] = v; a NULL v leaves the field absent. */
void lv_lua_set_str(lua_State *L, const char *k, const char *v);
void lv_lua_set_int(lua_State *L, const char *k, lua_Integer v);
void lv_lua_set_bool(lua_State *L, const char *k, int v);

#endif
