/* dom_lua_agent.c - d:agent(command, {timeout=}): a command for the
 * guest's QEMU guest agent (dom_agent.h) as a table {execute=,
 * arguments=} or JSON text; its "return" value as Lua. */
#include <jansson.h>
#include <string.h>

#include "dom_agent.h"
#include "dom_lua_priv.h"
#include "lua_json.h"
#include "runtime.h"

static int
l_agent(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int t = (int)(lv_lua_opt_num(L, 3, "timeout", DOM_AGENT_TIMEOUT_MS / 1000) * 1000);
    struct lv_err err = LV_ERR_INIT;
    json_t *cmd, *r;

    if (lua_type(L, 2) == LUA_TSTRING) {
        json_error_t je;
        if (!(cmd = json_loads(lua_tostring(L, 2), 0, &je)))
            return luaL_argerror(L, 2, lua_pushfstring(L, "not JSON: %s", je.text));
    } else {
        luaL_checktype(L, 2, LUA_TTABLE);
        cmd = lv_lua_to_json(L, 2);
    }
    if (!json_is_object(cmd) || !json_is_string(json_object_get(cmd, "execute"))) {
        json_decref(cmd);
        return luaL_argerror(L, 2, "expected {execute=NAME, arguments={...}}");
    }
    if (t <= 0)
        return luaL_argerror(L, 3, "timeout must be positive");
    r = dom_agent_command(lv_lua_conn(L), name, cmd, t, &err);
    if (!r)
        return lv_lua_raise(L, &err);
    lv_lua_push_json(L, r);
    json_decref(r);
    return 1;
}

static const luaL_Reg methods[] = {
    { "agent", l_agent },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_agent_methods(void)
{
    return methods;
}
