/* dom_lua_args.c - the argument readers that the method files of the
 * domain binding share (see dom_lua_priv.h). */
#include "dom_lua_priv.h"

#include <stdlib.h>

#include "dom_xml.h"
#include "lua_fields.h"
#include "runtime.h"
#include "units.h"

struct dom_scope
dom_lua_scope(lua_State *L, int idx)
{
    struct dom_scope s = {
        .live = lv_lua_opt_bool(L, idx, "live", 0),
        .config = lv_lua_opt_bool(L, idx, "config", 0),
    };
    return s;
}

uint64_t
dom_lua_check_kib(lua_State *L, int idx)
{
    struct lv_err err = LV_ERR_INIT;
    uint64_t kib;

    if (lua_isinteger(L, idx)) {
        if (lua_tointeger(L, idx) <= 0)
            luaL_argerror(L, idx, "size must be positive");
        return (uint64_t)lua_tointeger(L, idx);
    }
    if (lv_units_parse_kib(luaL_checkstring(L, idx), &kib, &err) < 0)
        luaL_argerror(L, idx, err.msg);
    return kib;
}

int
dom_lua_push_xml(lua_State *L, struct dom_def *def, unsigned flags, struct lv_err *err)
{
    char *xml = def ? dom_def_format_xml(def, flags, err) : NULL;

    dom_def_free(def);
    if (!xml)
        return lv_lua_raise(L, err);
    lua_pushstring(L, xml);
    free(xml);
    return 1;
}
