/* dom_lua_vcpu.c - the vCPU methods of luavirt.domain (see dom_vcpu.h):
 * set_vcpus, vcpu_count, vcpu_info, pin_vcpu, pin_emulator, vcpu_pins and
 * emulator_pin. Arguments are checked first; the work goes into a struct
 * lv_err that is raised last. */
#include <lauxlib.h>
#include <stdlib.h>

#include "cpuset.h"
#include "dom_lua_priv.h"
#include "dom_vcpu.h"
#include "runtime.h"

/* d:set_vcpus(n, {live=, config=, maximum=}) -> d */
static int
l_set_vcpus(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    struct dom_vcpu_req r = {
        .scope = dom_lua_scope(L, 3),
        .maximum = lv_lua_opt_bool(L, 3, "maximum", 0),
    };
    struct lv_err err = LV_ERR_INIT;

    if (n < 1 || n > 4096)
        return luaL_argerror(L, 2, "vcpu count must be 1 to 4096");
    r.n = (unsigned)n;
    return lv_lua_chain(L, dom_vcpu_set(lv_lua_conn(L), name, &r, &err), &err);
}

static void
set_count(lua_State *L, const char *key, int config, int live)
{
    lua_createtable(L, 0, 2);
    if (config >= 0) {
        lua_pushinteger(L, config);
        lua_setfield(L, -2, "config");
    }
    if (live >= 0) {
        lua_pushinteger(L, live);
        lua_setfield(L, -2, "live");
    }
    lua_setfield(L, -2, key);
}

/* d:vcpu_count() -> {maximum={config=, live=}, current={config=, live=}} */
static int
l_vcpu_count(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_vcpu_count v;
    struct lv_err err = LV_ERR_INIT;

    if (dom_vcpu_count(lv_lua_conn(L), name, &v, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 2);
    set_count(L, "maximum", v.max_config, v.max_live);
    set_count(L, "current", v.cur_config, v.cur_live);
    return 1;
}

/* d:vcpu_info() -> {{vcpu=, cpu=, state=, time=(seconds), thread=,
 * affinity="0-1"}, ...} */
static int
l_vcpu_info(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_vcpu_info *v = NULL;
    size_t n = 0;
    struct lv_err err = LV_ERR_INIT;

    if (dom_vcpu_info(lv_lua_conn(L), name, &v, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        char aff[LV_CPUSET_BUFLEN];
        lv_cpuset_format(&v[i].affinity, aff, sizeof(aff));
        lua_createtable(L, 0, 6);
        lua_pushinteger(L, v[i].vcpu);
        lua_setfield(L, -2, "vcpu");
        lua_pushinteger(L, v[i].cpu);
        lua_setfield(L, -2, "cpu");
        lua_pushstring(L, v[i].state == 'R' || v[i].state == 'S' ? "running" :
                          v[i].state == 'T' ? "paused" : "blocked");
        lua_setfield(L, -2, "state");
        lua_pushnumber(L, (lua_Number)v[i].time_ns / 1e9);
        lua_setfield(L, -2, "time");
        lua_pushinteger(L, v[i].tid);
        lua_setfield(L, -2, "thread");
        lua_pushstring(L, aff);
        lua_setfield(L, -2, "affinity");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(v);
    return 1;
}

/* d:pin_vcpu(vcpu, cpulist, {live=, config=}) -> d */
static int
l_pin_vcpu(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    lua_Integer vcpu = luaL_checkinteger(L, 2);
    struct dom_vcpu_pin_req r = {
        .cpulist = luaL_checkstring(L, 3),
        .scope = dom_lua_scope(L, 4),
    };
    struct lv_err err = LV_ERR_INIT;

    if (vcpu < 0 || vcpu > 4095)
        return luaL_argerror(L, 2, "vcpu number must be 0 to 4095");
    r.vcpu = (int)vcpu;
    return lv_lua_chain(L, dom_vcpu_pin(lv_lua_conn(L), name, &r, &err), &err);
}

/* d:pin_emulator(cpulist, {live=, config=}) -> d */
static int
l_pin_emulator(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_vcpu_pin_req r = {
        .vcpu = -1,
        .cpulist = luaL_checkstring(L, 2),
        .scope = dom_lua_scope(L, 3),
    };
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_vcpu_pin(lv_lua_conn(L), name, &r, &err), &err);
}

/* Both queries: the pins, live unless {config=true}. */
static int
pins(lua_State *L, int emulator_only)
{
    const char *name = dom_lua_check(L, 1);
    int config = lv_lua_opt_bool(L, 2, "config", 0);
    struct dom_vcpu_pins p;
    struct lv_err err = LV_ERR_INIT;

    if (dom_vcpu_pins_get(lv_lua_conn(L), name, config, &p, &err) < 0)
        return lv_lua_raise(L, &err);
    if (emulator_only) {
        lua_pushstring(L, p.emulator);
    } else {
        lua_createtable(L, (int)p.n, 0);
        for (size_t i = 0; i < p.n; i++) {
            lua_createtable(L, 0, 2);
            lua_pushinteger(L, (lua_Integer)i);
            lua_setfield(L, -2, "vcpu");
            lua_pushstring(L, p.vcpus[i]);
            lua_setfield(L, -2, "cpus");
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    }
    dom_vcpu_pins_free(&p);
    return 1;
}

/* d:vcpu_pins{config=} -> {{vcpu=0, cpus="0-1"}, ...} */
static int
l_vcpu_pins(lua_State *L)
{
    return pins(L, 0);
}

/* d:emulator_pin{config=} -> "0-1" */
static int
l_emulator_pin(lua_State *L)
{
    return pins(L, 1);
}

static const luaL_Reg methods[] = {
    { "set_vcpus", l_set_vcpus },
    { "vcpu_count", l_vcpu_count },
    { "vcpu_info", l_vcpu_info },
    { "pin_vcpu", l_pin_vcpu },
    { "pin_emulator", l_pin_emulator },
    { "vcpu_pins", l_vcpu_pins },
    { "emulator_pin", l_emulator_pin },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_vcpu_methods(void)
{
    return methods;
}
