/* dom_lua_wait.c - d:wait{state=|ip=, timeout=} and d:wait_console(): the
 * waits of dom_wait.h for Lua. In a task of virt.parallel (core/loop.h)
 * they give way to the other tasks while nothing happens. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "dom_lua_priv.h"
#include "dom_wait.h"
#include "loop.h"
#include "runtime.h"
#include "strbuf.h"

#define WAITER_MT "luavirt.waiter"


static int
ud_gc(lua_State *L)
{
    struct dom_lua_waiter *u = luaL_checkudata(L, 1, WAITER_MT);

    if (u->live)
        dom_waiter_free(&u->w);
    u->live = 0;
    return 0;
}

struct dom_lua_waiter *
dom_lua_push_waiter(lua_State *L, const char *name, int timeout_ms)
{
    struct dom_lua_waiter *u = lua_newuserdatauv(L, sizeof(*u), 0);
    struct lv_err err = LV_ERR_INIT;

    memset(u, 0, sizeof(*u));
    if (luaL_newmetatable(L, WAITER_MT)) {
        lua_pushcfunction(L, ud_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    if (dom_waiter_init(&u->w, lv_lua_conn(L), name, timeout_ms, &err) < 0)
        lv_lua_raise(L, &err);
    u->live = 1;
    return u;
}

int
dom_lua_wait_k(lua_State *L, int status, lua_KContext ctx)
{
    struct dom_lua_waiter *u = lua_touserdata(L, (int)ctx);
    struct lv_err err = LV_ERR_INIT;

    (void)status;
    for (;;) {
        int r = dom_waiter_check(&u->w, &err), fds[2];
        struct pollfd p[2];
        if (r < 0) {
            dom_waiter_free(&u->w);
            u->live = 0;
            return lv_lua_raise(L, &err);
        }
        if (r > 0) {
            if (u->w.kind == DOM_WAIT_IP)
                lua_pushstring(L, u->w.ip);
            else
                lua_pushboolean(L, 1);
            if (u->done) {
                lua_pop(L, 1);
                dom_waiter_free(&u->w);
                u->live = 0;
                return u->done(L, (int)ctx);
            }
            dom_waiter_free(&u->w);
            u->live = 0;
            return 1;
        }
        fds[0] = u->w.ino;
        fds[1] = u->w.pidfd;
        if (lv_loop_in_task(L))
            return lv_loop_wait(L, fds, 2, u->w.deadline, ctx, dom_lua_wait_k);
        p[0] = (struct pollfd){ fds[0], POLLIN, 0 };
        p[1] = (struct pollfd){ fds[1], POLLIN, 0 };
        lv_poll(p, 2, u->w.deadline);
    }
}

/* d:wait{state=, timeout=} -> true; d:wait{ip=true, timeout=} -> the
 * guest's first IPv4 address from its networks' DHCP leases */
static int
l_wait(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int ip = lv_lua_opt_bool(L, 2, "ip", 0);
    const char *state = lv_lua_opt_str(L, 2, "state", ip ? NULL : "shut off");
    int t = (int)(lv_lua_opt_num(L, 2, "timeout", 60) * 1000);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;
    struct dom_lua_waiter *u;
    int s = state ? dom_state_from_str(state) : 0;

    if (ip && state)
        return luaL_argerror(L, 2, "ip and state exclude each other");
    if (s < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown state '%s'", state));
    if (dom_status_read(lv_lua_conn(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    /* a shut off guest leaves that state only by a start: waiting for
     * anything else could only time out */
    if (st.state == DOM_STATE_SHUTOFF && (ip || s != DOM_STATE_SHUTOFF)) {
        lv_err_set(&err, LV_E_STATE, "domain '%s': cannot wait for '%s': it is shut "
                   "off and nothing but a start changes that", name,
                   ip ? "an address" : state);
        return lv_lua_raise(L, &err);
    }
    lua_settop(L, 2);
    u = dom_lua_push_waiter(L, name, t);
    u->w.kind = ip ? DOM_WAIT_IP : DOM_WAIT_STATE;
    u->w.state = (enum dom_state)s;
    return dom_lua_wait_k(L, LUA_OK, lua_gettop(L));
}

/* d:wait_console(marker, secs, [from]) -> true */
static int
l_wait_console(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *marker = luaL_checkstring(L, 2);
    int t = (int)(luaL_optnumber(L, 3, 60) * 1000);
    lua_Integer from = luaL_optinteger(L, 4, 0);
    struct dom_lua_waiter *u;

    luaL_argcheck(L, from >= 0, 4, "offset must be >= 0");
    lua_settop(L, 4);
    u = dom_lua_push_waiter(L, name, t);
    u->w.kind = DOM_WAIT_CONSOLE;
    u->w.marker = lv_strdup(marker);
    u->w.from = (size_t)from;
    return dom_lua_wait_k(L, LUA_OK, lua_gettop(L));
}

static const luaL_Reg methods[] = {
    { "wait", l_wait },
    { "wait_console", l_wait_console },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_wait_methods(void)
{
    return methods;
}
