/* lua_json.h - Lua values <-> jansson values: tables whose keys are exactly
 * 1..n become arrays (an empty table too), other tables objects. */
#ifndef LV_LUA_JSON_H
#define LV_LUA_JSON_H

#include <jansson.h>
#include <lua.h>

/* A new JSON value for the Lua value at idx (functions and other
 * unrepresentable values become null; userdata its tostring). */
json_t *lv_lua_to_json(lua_State *L, int idx);
/* Push the Lua value of j (null -> nil, inside tables: absent). */
void lv_lua_push_json(lua_State *L, json_t *j);

#endif
