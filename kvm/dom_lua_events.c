/* dom_lua_events.c - domain events in Lua (dom_events.h): d:on(type, fn),
 * virt.on(type, fn) for every domain, virt.loop{timeout=, count=} that
 * calls them as events come, virt.quit_loop(), and virt.events{} for what
 * the journal holds. A callback hears the events from its registration
 * on, also those that came before the loop ran: a script may register,
 * act, then loop. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "dom_events.h"
#include "dom_lua_priv.h"
#include "loop.h"
#include "runtime.h"

#define STATE_REG "luavirt.events"
#define CBS_REG "luavirt.event_callbacks"

struct ev_state {
    struct dom_events_reader r;
    int open;
    int quit;
    lua_Integer seq;             /* events read from the journal so far */
};

#define PENDING_REG "luavirt.events_pending"

static int
state_gc(lua_State *L)
{
    struct ev_state *st = lua_touserdata(L, 1);

    if (st->open)
        dom_events_close(&st->r);
    st->open = 0;
    return 0;
}

static struct ev_state *
get_state(lua_State *L)
{
    struct ev_state *st;

    if (lua_getfield(L, LUA_REGISTRYINDEX, STATE_REG) == LUA_TUSERDATA) {
        st = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return st;
    }
    lua_pop(L, 1);
    st = lua_newuserdatauv(L, sizeof(*st), 0);
    memset(st, 0, sizeof(*st));
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, state_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, STATE_REG);
    return st;
}

/* The journal reader, opened at its end the first time. */
static struct ev_state *
open_state(lua_State *L)
{
    struct ev_state *st = get_state(L);
    struct lv_err err = LV_ERR_INIT;

    if (!st->open) {
        if (dom_events_open(&st->r, lv_lua_conn(L), 0, &err) < 0)
            lv_lua_raise(L, &err);
        st->open = 1;
    }
    return st;
}

static const char *
check_type(lua_State *L, int idx)
{
    const char *t = luaL_checkstring(L, idx);

    if (strcmp(t, "lifecycle") != 0 && strcmp(t, "reboot") != 0)
        luaL_argerror(L, idx, lua_pushfstring(L, "unknown event type '%s' "
                                              "(lifecycle, reboot)", t));
    return t;
}

static void push_event(lua_State *L, const struct dom_event *ev);

/* registry[CBS_REG][type][who] (created), pushed. */
static void
push_list(lua_State *L, const char *type, const char *who)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, CBS_REG);
    luaL_getsubtable(L, -1, type);
    luaL_getsubtable(L, -1, who);
    lua_replace(L, -3);
    lua_pop(L, 1);
}

/* Read what the journal holds now into the pending queue (each event
 * numbered), so that a callback registered next hears only what follows. */
static struct ev_state *
catch_up(lua_State *L)
{
    struct ev_state *st = open_state(L);
    struct dom_event ev;

    luaL_getsubtable(L, LUA_REGISTRYINDEX, PENDING_REG);
    while (dom_events_try(&st->r, &ev)) {
        push_event(L, &ev);
        lua_pushinteger(L, ++st->seq);
        lua_setfield(L, -2, "seq");
        lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    }
    lua_pop(L, 1);
    return st;
}

/* A callback hears the events read after its registration: {fn, since}. */
static void
add_callback(lua_State *L, const char *type, const char *who, int fn)
{
    struct ev_state *st = catch_up(L);

    push_list(L, type, who);
    lua_createtable(L, 2, 0);
    lua_pushvalue(L, fn);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, st->seq);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    lua_pop(L, 1);
}

/* d:on(type, fn) -> d */
static int
l_d_on(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *type = check_type(L, 2);

    luaL_checktype(L, 3, LUA_TFUNCTION);
    add_callback(L, type, name, 3);
    lua_settop(L, 1);
    return 1;
}

/* Forget who's callbacks (of the type at idx, or all). */
static void
forget(lua_State *L, const char *who, int idx)
{
    const char *types[] = { "lifecycle", "reboot", NULL };

    if (!lua_isnoneornil(L, idx)) {
        types[0] = check_type(L, idx);
        types[1] = NULL;
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, CBS_REG);
    for (int i = 0; types[i]; i++) {
        luaL_getsubtable(L, -1, types[i]);
        lua_pushnil(L);
        lua_setfield(L, -2, who);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* d:off([type]) -> d: its callbacks (of type) are gone */
static int
l_d_off(lua_State *L)
{
    forget(L, dom_lua_check(L, 1), 2);
    lua_settop(L, 1);
    return 1;
}

/* virt.off([type]): the callbacks virt.on registered are gone */
static int
l_off(lua_State *L)
{
    forget(L, "*", 1);
    return 0;
}

/* virt.on(type, fn): for every domain */
static int
l_on(lua_State *L)
{
    const char *type = check_type(L, 1);

    luaL_checktype(L, 2, LUA_TFUNCTION);
    add_callback(L, type, "*", 2);
    return 0;
}

static void
push_event(lua_State *L, const struct dom_event *ev)
{
    lua_createtable(L, 0, 6);
    dom_lua_push(L, ev->name);
    lua_setfield(L, -2, "domain");
    lua_pushstring(L, ev->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, ev->type);
    lua_setfield(L, -2, "type");
    if (ev->event[0]) {
        lua_pushstring(L, ev->event);
        lua_setfield(L, -2, "event");
        lua_pushstring(L, ev->detail);
        lua_setfield(L, -2, "detail");
    }
    lua_pushnumber(L, (lua_Number)ev->ms / 1000.0);
    lua_setfield(L, -2, "time");
}

/* Call the callbacks of (type, who) registered before event number seq
 * (the event is at idx); how many. */
static int
call_list(lua_State *L, const char *type, const char *who, int idx, lua_Integer seq)
{
    int n = 0;

    push_list(L, type, who);
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
        lua_rawgeti(L, -1, 2);
        if (lua_tointeger(L, -1) < seq) {
            lua_rawgeti(L, -2, 1);
            lua_pushvalue(L, idx);
            lua_call(L, 1, 0);
            n++;
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 2);
    return n;
}

static double
opt_number(lua_State *L, int idx, const char *key, double def)
{
    double v = def;

    if (lua_istable(L, idx)) {
        if (lua_getfield(L, idx, key) != LUA_TNIL)
            v = luaL_checknumber(L, -1);
        lua_pop(L, 1);
    }
    return v;
}

/* The oldest event of the pending queue, taken out and pushed: 1; else 0. */
static int
next_pending(lua_State *L)
{
    lua_Integer n;

    luaL_getsubtable(L, LUA_REGISTRYINDEX, PENDING_REG);
    n = (lua_Integer)luaL_len(L, -1);
    if (n == 0) {
        lua_pop(L, 1);
        return 0;
    }
    lua_rawgeti(L, -1, 1);
    for (lua_Integer i = 1; i < n; i++) {
        lua_rawgeti(L, -2, i + 1);
        lua_rawseti(L, -3, i);
    }
    lua_pushnil(L);
    lua_rawseti(L, -3, n);
    lua_remove(L, -2);
    return 1;
}

/* The loop's state lives on the stack across yields: 1 opts, 2 heard,
 * 3 count, 4 deadline. */
static int
loop_k(lua_State *L, int status, lua_KContext ctx)
{
    struct ev_state *st = get_state(L);
    lua_Integer heard = lua_tointeger(L, 2), count = lua_tointeger(L, 3);
    long long deadline = (long long)lua_tointeger(L, 4);

    (void)status;
    for (;;) {
        struct dom_event ev;
        const char *type, *name;
        lua_Integer seq;
        int top, n;
        if (st->quit || (count > 0 && heard >= count) ||
            (deadline >= 0 && lv_now_ms() >= deadline))
            break;
        /* what registrations read first, then the journal */
        if (next_pending(L)) {
            /* the event is on the stack */
        } else if (dom_events_try(&st->r, &ev)) {
            push_event(L, &ev);
            lua_pushinteger(L, ++st->seq);
            lua_setfield(L, -2, "seq");
        } else {
            int fd = st->r.ino;
            struct pollfd p = { fd, POLLIN, 0 };
            if (lv_loop_in_task(L))
                return lv_loop_wait(L, &fd, 1, deadline, ctx, loop_k);
            lv_poll(&p, 1, deadline);
            continue;
        }
        top = lua_gettop(L);
        lua_getfield(L, top, "seq");
        seq = lua_tointeger(L, -1);
        lua_getfield(L, top, "type");
        lua_getfield(L, top, "name");
        type = lua_tostring(L, -2);
        name = lua_tostring(L, -1);
        n = call_list(L, type, name, top, seq) + call_list(L, type, "*", top, seq);
        lua_settop(L, top - 1);
        if (n > 0) {
            lua_pushinteger(L, ++heard);
            lua_replace(L, 2);
        }
    }
    lua_pushinteger(L, heard);
    return 1;
}

/* virt.loop{timeout=, count=} -> how many events reached a callback. Runs
 * until timeout seconds passed, count events were heard, or a callback
 * called virt.quit_loop(); without either bound, until the last. In a
 * virt.parallel task the other tasks go on meanwhile. */
static int
l_loop(lua_State *L)
{
    struct ev_state *st = open_state(L);
    double secs = opt_number(L, 1, "timeout", -1);
    lua_Integer count = lv_lua_opt_int(L, 1, "count", 0);

    st->quit = 0;
    lua_settop(L, 1);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, count);
    lua_pushinteger(L, secs < 0 ? -1 : lv_deadline((int)(secs * 1000)));
    return loop_k(L, LUA_OK, 0);
}

static int
l_quit_loop(lua_State *L)
{
    get_state(L)->quit = 1;
    return 0;
}

/* virt.events{domain=, type=} -> the recorded events, oldest first */
static int
l_events(lua_State *L)
{
    const char *dom = lv_lua_opt_str(L, 1, "domain", NULL);
    const char *type = lv_lua_opt_str(L, 1, "type", NULL);
    struct dom_events_reader r;
    struct lv_err err = LV_ERR_INIT;
    struct dom_event ev;
    lua_Integer n = 0;
    int got;

    if (dom_events_open(&r, lv_lua_conn(L), 1, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_newtable(L);
    while ((got = dom_events_next(&r, &ev, lv_now_ms(), &err)) > 0) {
        if ((dom && strcmp(dom, ev.name) != 0) || (type && strcmp(type, ev.type) != 0))
            continue;
        push_event(L, &ev);
        lua_rawseti(L, -2, ++n);
    }
    dom_events_close(&r);
    if (got < 0)
        return lv_lua_raise(L, &err);
    return 1;
}

static const luaL_Reg methods[] = {
    { "on", l_d_on },
    { "off", l_d_off },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_event_methods(void)
{
    return methods;
}

void
dom_lua_events_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "on", l_on },
        { "off", l_off },
        { "loop", l_loop },
        { "quit_loop", l_quit_loop },
        { "events", l_events },
        { NULL, NULL },
    };
    static const struct lv_api_keys keys[] = {
        { "loop", 1, "timeout count" },
        { "events", 1, "domain type" },
        { NULL, 0, NULL },
    };

    lv_api_setfuncs(L, funcs, "virt.", keys);
}
