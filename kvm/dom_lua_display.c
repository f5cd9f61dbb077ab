/* dom_lua_display.c - the display methods of luavirt.domain: vnc_display,
 * display and screenshot (see dom_display.h). Arguments are checked first;
 * the work goes into a struct lv_err that is raised last. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom_display.h"
#include "dom_lua_priv.h"
#include "runtime.h"

static int
push_owned(lua_State *L, char *s, struct lv_err *err)
{
    if (!s)
        return lv_lua_raise(L, err);
    lua_pushstring(L, s);
    free(s);
    return 1;
}

/* d:vnc_display() -> ":0" */
static int
l_vnc_display(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    return push_owned(L, dom_display_vnc(lv_lua_conn(L), name, &err), &err);
}

/* d:display([type]) -> "vnc://127.0.0.1:0" */
static int
l_display(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *type = luaL_optstring(L, 2, NULL);
    struct lv_err err = LV_ERR_INIT;

    if (type && strcmp(type, "vnc") != 0 && strcmp(type, "spice") != 0)
        return luaL_argerror(L, 2, "type must be 'vnc' or 'spice'");
    return push_owned(L, dom_display_uri(lv_lua_conn(L), name, type, &err), &err);
}

/* d:screenshot(file) -> d */
static int
l_screenshot(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;

    int r = dom_display_screenshot(lv_lua_conn(L), name, path, &err);

    return lv_lua_chain(L, r, &err);
}

static const luaL_Reg methods[] = {
    { "vnc_display", l_vnc_display },
    { "display", l_display },
    { "screenshot", l_screenshot },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_display_methods(void)
{
    return methods;
}
