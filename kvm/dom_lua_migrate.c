/* dom_lua_migrate.c - the migration steps as methods of luavirt.domain
 * (kvm/dom_migrate.h; the whole migration is lua/recipes/migrate.lua):
 *   d:migrate_disks{copy_storage=}     (source: the disks that move)
 *       -> {{target=, path=, format=, size=, backing=, backing_format=}, ...}
 *   d:migrate_send(uri, {live=, bandwidth=, max_downtime=, timeout=, progress=,
 *                  copy_storage=, nbd=})
 *       -> {status=, total_ms=, downtime_ms=, transferred=, remaining=, total=}
 *   d:migrate_finish{run=, timeout=}     (destination)
 *   d:migrate_confirm{done=}             (source)
 *   d:job_info(), d:migrate_tune{bandwidth=, max_downtime=}   (while it goes) */
#include <lauxlib.h>
#include <string.h>

#include "dom_lua_priv.h"
#include "dom_migrate.h"
#include "lua_fields.h"
#include "runtime.h"

static void
push_stats(lua_State *L, const struct dom_migrate_stats *s)
{
    lua_createtable(L, 0, 6);
    lua_pushstring(L, s->status);
    lua_setfield(L, -2, "status");
    lua_pushinteger(L, (lua_Integer)s->total_ms);
    lua_setfield(L, -2, "total_ms");
    lua_pushinteger(L, (lua_Integer)s->downtime_ms);
    lua_setfield(L, -2, "downtime_ms");
    lua_pushinteger(L, (lua_Integer)s->transferred);
    lua_setfield(L, -2, "transferred");
    lua_pushinteger(L, (lua_Integer)s->remaining);
    lua_setfield(L, -2, "remaining");
    lua_pushinteger(L, (lua_Integer)s->total);
    lua_setfield(L, -2, "total");
}

struct progress {
    lua_State *L;
    int fn;      /* stack index of the callback */
};

/* progress(stats): an error in it is the script's, but must not leave the
 * migration half done: it is logged and the migration goes on */
static void
on_progress(const struct dom_migrate_stats *s, void *arg)
{
    struct progress *p = arg;

    lua_pushvalue(p->L, p->fn);
    push_stats(p->L, s);
    if (lua_pcall(p->L, 1, 0, 0) != LUA_OK)
        lua_pop(p->L, 1);
}

/* The copy_storage= option at idx: -1 with err for a wrong word. */
static int
copy_mode(lua_State *L, int idx, const char *name, struct lv_err *err)
{
    const char *s = lv_lua_opt_str(L, idx, "copy_storage", NULL);
    int mode = dom_migrate_copy_from_str(s);

    if (mode < 0)
        lv_err_set(err, LV_E_INVALID, "domain '%s': copy_storage= is 'all' or 'inc', "
                   "not '%s'", name, s);
    return mode;
}

/* d:migrate_disks{copy_storage=} -> what the destination needs to know of
 * each disk that moves (virt.migrate_prepare's disks=) */
static int
l_migrate_disks(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct dom_migrate_disk *d;
    size_t n;
    int copy = copy_mode(L, 2, name, &err);

    if (copy < 0 || dom_migrate_disks_list(lv_lua_conn(L), name,
                                           (enum dom_migrate_copy)copy, &d, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 6);
        lv_lua_set_str(L, "target", d[i].target);
        lv_lua_set_str(L, "path", d[i].path);
        lv_lua_set_str(L, "format", d[i].format);
        lv_lua_set_str(L, "backing", d[i].backing);
        lv_lua_set_str(L, "backing_format", d[i].backing_format);
        lv_lua_set_int(L, "size", (lua_Integer)d[i].size);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dom_migrate_disks_free(d, n);
    return 1;
}

static int
l_migrate_send(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *uri = luaL_checkstring(L, 2);
    lua_Number bw = lv_lua_opt_num(L, 3, "bandwidth", 0);
    lua_Number dt = lv_lua_opt_num(L, 3, "max_downtime", 0);
    struct dom_migrate_opts o = {
        .live = lv_lua_opt_bool(L, 3, "live", 1),
        .bandwidth_mib = bw > 0 ? (uint64_t)bw : 0,
        .max_downtime_ms = dt > 0 ? (uint64_t)dt : 0,
        .timeout_ms = (int)(lv_lua_opt_num(L, 3, "timeout", 0) * 1000),
    };
    struct progress p = { L, 0 };
    struct dom_migrate_stats st;
    struct lv_err err = LV_ERR_INIT;
    int copy = copy_mode(L, 3, name, &err);

    if (copy < 0)
        return lv_lua_raise(L, &err);
    o.copy = (enum dom_migrate_copy)copy;
    o.nbd = lv_lua_opt_str(L, 3, "nbd", NULL);

    if (lua_istable(L, 3) && lua_getfield(L, 3, "progress") == LUA_TFUNCTION) {
        p.fn = lua_gettop(L);
        o.progress = on_progress;
        o.progress_arg = &p;
    }
    if (dom_migrate_send(lv_lua_conn(L), name, uri, &o, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    push_stats(L, &st);
    return 1;
}

static int
l_migrate_finish(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    if (dom_migrate_finish(lv_lua_conn(L), name, lv_lua_opt_bool(L, 2, "run", 1),
                           (int)(lv_lua_opt_num(L, 2, "timeout", 0) * 1000), &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int
l_migrate_confirm(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;

    if (dom_migrate_confirm(lv_lua_conn(L), name, lv_lua_opt_bool(L, 2, "done", 1), &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

/* d:job_info() -> the stats of its migration now (status "none": none) */
static int
l_job_info(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_migrate_stats st;
    struct lv_err err = LV_ERR_INIT;

    if (dom_migrate_query(lv_lua_conn(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    push_stats(L, &st);
    return 1;
}

/* d:migrate_tune{bandwidth=MiB/s, max_downtime=ms} while it migrates */
static int
l_migrate_tune(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    lua_Number bw = lv_lua_opt_num(L, 2, "bandwidth", 0);
    lua_Number dt = lv_lua_opt_num(L, 2, "max_downtime", 0);
    struct lv_err err = LV_ERR_INIT;

    if (bw < 0 || dt < 0 || (bw == 0 && dt == 0)) {
        lv_err_set(&err, LV_E_INVALID, "domain '%s': migrate_tune needs a positive "
                   "bandwidth= (MiB/s) or max_downtime= (ms)", name);
        return lv_lua_raise(L, &err);
    }
    if (dom_migrate_tune(lv_lua_conn(L), name, (uint64_t)bw, (uint64_t)dt, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static const luaL_Reg methods[] = {
    { "job_info", l_job_info },
    { "migrate_tune", l_migrate_tune },
    { "migrate_disks", l_migrate_disks },
    { "migrate_send", l_migrate_send },
    { "migrate_finish", l_migrate_finish },
    { "migrate_confirm", l_migrate_confirm },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_migrate_methods(void)
{
    return methods;
}
