/* lua_udata.c - small objects of the bindings (see lua_udata.h). */
#include "lua_udata.h"

#include <string.h>

void *
lv_lua_new_udata(lua_State *L, size_t size, const char *tname, const luaL_Reg *methods,
                 lua_CFunction fin, lua_CFunction tostring)
{
    void *p = lua_newuserdatauv(L, size, 0);

    memset(p, 0, size);
    if (luaL_newmetatable(L, tname)) {
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, fin);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, fin);
        lua_setfield(L, -2, "__close");
        if (tostring) {
            lua_pushcfunction(L, tostring);
            lua_setfield(L, -2, "__tostring");
        }
    }
    lua_setmetatable(L, -2);
    return p;
}
