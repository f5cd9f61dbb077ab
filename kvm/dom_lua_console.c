/* dom_lua_console.c - d:console_stream(): the guest's serial console as a
 * stream for scripts, from the moment it is opened: s:read{timeout=} (what
 * came since the last read), s:expect(text, secs) (up to and with text),
 * s:write(text), s:close(). Reads follow the console log the supervisor
 * keeps, so a stream misses nothing and never takes the console from an
 * attached user; in a virt.parallel task its waits let the others run. */
#include <stdlib.h>
#include <string.h>

#include "dom_console.h"
#include "dom_lua_priv.h"
#include "lua_udata.h"
#include "runtime.h"
#include "strbuf.h"

#define STREAM_MT "luavirt.console_stream"

struct stream {
    char *name;
    size_t offset;     /* in the console log: what was given out */
};

static struct stream *
check_stream(lua_State *L)
{
    struct stream *s = luaL_checkudata(L, 1, STREAM_MT);

    if (!s->name)
        luaL_error(L, "console stream: closed");
    return s;
}

static int
s_gc(lua_State *L)
{
    struct stream *s = luaL_checkudata(L, 1, STREAM_MT);

    free(s->name);
    s->name = NULL;
    return 0;
}

/* The log from the stream's offset to end (or its end), moved past. */
static int
give(lua_State *L, struct stream *s, size_t end)
{
    char *log = dom_console_log(lv_lua_conn(L), s->name);
    size_t len = strlen(log);

    if (end > len || end == 0)
        end = len;
    if (s->offset > end)
        s->offset = end;     /* a new run began: its log starts again */
    lua_pushlstring(L, log + s->offset, end - s->offset);
    s->offset = end;
    free(log);
    return 1;
}

static int
read_done(lua_State *L, int idx)
{
    (void)idx;
    return give(L, lua_touserdata(L, 1), 0);
}

/* s:read{timeout=} -> what the console wrote since the last read (waits
 * for something when there is nothing yet) */
static int
s_read(lua_State *L)
{
    struct stream *s = check_stream(L);
    int t = (int)(lv_lua_opt_num(L, 2, "timeout", 10) * 1000);
    struct dom_lua_waiter *u;

    lua_settop(L, 2);
    u = dom_lua_push_waiter(L, s->name, t);
    u->w.kind = DOM_WAIT_GROW;
    u->w.from = s->offset;
    u->done = read_done;
    return dom_lua_wait_k(L, LUA_OK, lua_gettop(L));
}

static int
expect_done(lua_State *L, int idx)
{
    struct stream *s = lua_touserdata(L, 1);
    const char *text = lua_tostring(L, 2);
    char *log = dom_console_log(lv_lua_conn(L), s->name);
    const char *at = strlen(log) >= s->offset ? strstr(log + s->offset, text) : NULL;
    size_t end = at ? (size_t)(at - log) + strlen(text) : 0;

    (void)idx;
    free(log);
    return give(L, s, end);
}

/* s:expect(text, secs) -> the console's output up to and with text */
static int
s_expect(lua_State *L)
{
    struct stream *s = check_stream(L);
    const char *text = luaL_checkstring(L, 2);
    int t = (int)(luaL_optnumber(L, 3, 60) * 1000);
    struct dom_lua_waiter *u;

    luaL_argcheck(L, text[0] != '\0', 2, "empty text");
    lua_settop(L, 3);
    u = dom_lua_push_waiter(L, s->name, t);
    u->w.kind = DOM_WAIT_CONSOLE;
    u->w.marker = lv_strdup(text);
    u->w.from = s->offset;
    u->done = expect_done;
    return dom_lua_wait_k(L, LUA_OK, lua_gettop(L));
}

/* s:write(text) -> s: typed on the console */
static int
s_write(lua_State *L)
{
    struct stream *s = check_stream(L);
    const char *text = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_console_write(lv_lua_conn(L), s->name, text, NULL, 0, &err),
                        &err);
}

static int
s_close(lua_State *L)
{
    return s_gc(L);
}

static int
s_tostring(lua_State *L)
{
    struct stream *s = luaL_checkudata(L, 1, STREAM_MT);

    lua_pushfstring(L, "console stream of domain '%s'%s", s->name ? s->name : "?",
                    s->name ? "" : " (closed)");
    return 1;
}

static const luaL_Reg stream_methods[] = {
    { "read", s_read }, { "expect", s_expect }, { "write", s_write },
    { "close", s_close }, { NULL, NULL },
};

/* d:console_stream() -> a stream of what the console writes from now on */
static int
l_console_stream(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;
    struct stream *s;
    char *log;

    if (dom_status_read(lv_lua_conn(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (st.state == DOM_STATE_SHUTOFF) {
        lv_err_set(&err, LV_E_STATE, "domain '%s': cannot open its console: not running",
                   name);
        return lv_lua_raise(L, &err);
    }
    s = lv_lua_new_udata(L, sizeof(*s), STREAM_MT, stream_methods, s_gc, s_tostring);
    s->name = lv_strdup(name);
    log = dom_console_log(lv_lua_conn(L), name);
    s->offset = strlen(log);
    free(log);
    return 1;
}

static const luaL_Reg methods[] = {
    { "console_stream", l_console_stream },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_console_methods(void)
{
    return methods;
}
