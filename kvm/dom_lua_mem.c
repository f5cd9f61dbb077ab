/* dom_lua_mem.c - the memory and statistics methods of luavirt.domain:
 * set_memory, set_max_memory, memory_stats, stats and cpu_stats (see
 * dom_mem.h, dom_stats.h). Arguments are checked first; the work goes
 * into a struct lv_err that is raised last. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom_lua_priv.h"
#include "dom_mem.h"
#include "dom_stats.h"
#include "runtime.h"
#include "units.h"

/* d:set_memory(size, {live=, config=}) -> d */
static int
l_set_memory(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    uint64_t kib = dom_lua_check_kib(L, 2);
    struct dom_scope s = dom_lua_scope(L, 3);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_mem_set(lv_lua_conn(L), name, kib, &s, &err), &err);
}

/* d:set_max_memory(size, {config=}) -> d */
static int
l_set_max_memory(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    uint64_t kib = dom_lua_check_kib(L, 2);
    struct dom_scope s = dom_lua_scope(L, 3);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_mem_set_max(lv_lua_conn(L), name, kib, &s, &err), &err);
}

/* A stats list as a table keyed by name, then the keys in order. */
static int
push_stats(lua_State *L, const struct dom_stats *s)
{
    lua_createtable(L, 0, (int)s->n);
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].str)
            lua_pushstring(L, s->v[i].str);
        else
            lua_pushinteger(L, s->v[i].num);
        lua_setfield(L, -2, s->v[i].key);
    }
    lua_createtable(L, (int)s->n, 0);
    for (size_t i = 0; i < s->n; i++) {
        lua_pushstring(L, s->v[i].key);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 2;
}

/* d:memory_stats{period=} -> {actual=, ..., rss=}, {keys in virsh's order} */
static int
l_memory_stats(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    lua_Integer period = lv_lua_opt_int(L, 2, "period", -1);
    struct dom_stats s = { 0 };
    struct lv_err err = LV_ERR_INIT;
    int n;

    if (period < -1 || period > 86400)
        return luaL_argerror(L, 2, "period must be 0 to 86400 seconds");
    if (dom_mem_stats(lv_lua_conn(L), name, (int)period, &s, &err) < 0) {
        dom_stats_free(&s);
        return lv_lua_raise(L, &err);
    }
    n = push_stats(L, &s);
    dom_stats_free(&s);
    return n;
}

/* d:stats{state=, cpu_total=, balloon=, vcpu=, interface=, block=} ->
 * {["state.state"]=1, ...}, {keys in virsh's order}; no group named: all */
static int
l_stats(lua_State *L)
{
    static const struct { const char *key; unsigned bit; } g[] = {
        { "state", DOM_STATS_STATE }, { "cpu_total", DOM_STATS_CPU },
        { "balloon", DOM_STATS_BALLOON }, { "vcpu", DOM_STATS_VCPU },
        { "interface", DOM_STATS_INTERFACE }, { "block", DOM_STATS_BLOCK },
    };
    const char *name = dom_lua_check(L, 1);
    struct dom_stats s = { 0 };
    struct lv_err err = LV_ERR_INIT;
    unsigned groups = 0;
    int n;

    for (size_t i = 0; i < sizeof(g) / sizeof(*g); i++)
        if (lv_lua_opt_bool(L, 2, g[i].key, 0))
            groups |= g[i].bit;
    if (dom_stats_get(lv_lua_conn(L), name, groups ? groups : DOM_STATS_ALL, &s,
                      &err) < 0) {
        dom_stats_free(&s);
        return lv_lua_raise(L, &err);
    }
    n = push_stats(L, &s);
    dom_stats_free(&s);
    return n;
}

/* d:cpu_stats() -> {cpu_time=, user_time=, system_time=, vcpu_time=}
 * (seconds) */
static int
l_cpu_stats(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_cpu_stats s;
    struct lv_err err = LV_ERR_INIT;

    if (dom_stats_cpu(lv_lua_conn(L), name, &s, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 4);
    lua_pushnumber(L, (lua_Number)s.cpu_ns / 1e9);
    lua_setfield(L, -2, "cpu_time");
    lua_pushnumber(L, (lua_Number)s.user_ns / 1e9);
    lua_setfield(L, -2, "user_time");
    lua_pushnumber(L, (lua_Number)s.system_ns / 1e9);
    lua_setfield(L, -2, "system_time");
    lua_pushnumber(L, (lua_Number)s.vcpu_ns / 1e9);
    lua_setfield(L, -2, "vcpu_time");
    return 1;
}

static const luaL_Reg methods[] = {
    { "set_memory", l_set_memory },
    { "set_max_memory", l_set_max_memory },
    { "memory_stats", l_memory_stats },
    { "stats", l_stats },
    { "cpu_stats", l_cpu_stats },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_mem_methods(void)
{
    return methods;
}
