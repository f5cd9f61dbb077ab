/* dom_lua_module.c - the domain functions of the virt module: domains,
 * domain_rows, domain, find_domain, define_domain, create_domain, validate,
 * to_native, autostart_all. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "dom_check.h"
#include "dom_firmware.h"
#include "dom_lua_priv.h"
#include "dom_migrate.h"
#include "dom_start.h"
#include "dom_store.h"
#include "dom_table.h"
#include "dom_xml.h"
#include "host_mem.h"
#include "qemu_argv.h"
#include "runtime.h"
#include "spawn.h"
#include "strbuf.h"

/* Which entries virt.domains{...} keeps. */
struct list_filter {
    unsigned flags;
    int running, paused, shutoff;    /* state filters; all 0: no filter */
    int autostart, persistent;       /* -1: no filter */
};

static int
opt_tri(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return -1;
    if (lua_getfield(L, idx, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return -1;
    }
    lua_pop(L, 1);
    return lv_lua_opt_bool(L, idx, key, 0);
}

static void
read_filter(lua_State *L, int idx, struct list_filter *f)
{
    int all = lv_lua_opt_bool(L, idx, "all", 0);
    int inactive = lv_lua_opt_bool(L, idx, "inactive", 0);

    f->running = lv_lua_opt_bool(L, idx, "running", 0);
    f->paused = lv_lua_opt_bool(L, idx, "paused", 0);
    f->shutoff = lv_lua_opt_bool(L, idx, "shutoff", 0);
    f->autostart = opt_tri(L, idx, "autostart");
    f->persistent = opt_tri(L, idx, "persistent");
    if (all || f->shutoff || f->autostart >= 0 || f->persistent >= 0)
        f->flags = DOM_LIST_ACTIVE | DOM_LIST_INACTIVE;
    else if (inactive)
        f->flags = DOM_LIST_INACTIVE;
    else
        f->flags = DOM_LIST_ACTIVE;
    if (f->shutoff && !all && !f->running && !f->paused)
        f->flags = DOM_LIST_INACTIVE;
}

static int
keep_entry(const struct list_filter *f, const struct dom_entry *e)
{
    if (f->running || f->paused || f->shutoff) {
        int ok = (f->running && e->st.state == DOM_STATE_RUNNING) ||
                 (f->paused && e->st.state == DOM_STATE_PAUSED) ||
                 (f->shutoff && e->st.state == DOM_STATE_SHUTOFF);
        if (!ok)
            return 0;
    }
    if (f->autostart >= 0 && e->autostart != f->autostart)
        return 0;
    if (f->persistent >= 0 && e->persistent != f->persistent)
        return 0;
    return 1;
}

enum list_mode { LIST_HANDLES, LIST_ROWS };

/* A plain row {id, name, state, persistent, autostart}: no handle, no XML */
static void
push_row(lua_State *L, const struct dom_entry *e)
{
    lua_createtable(L, 0, 5);
    lua_pushstring(L, e->name);
    lua_setfield(L, -2, "name");
    if (e->st.state != DOM_STATE_SHUTOFF) {
        lua_pushinteger(L, e->st.id);
        lua_setfield(L, -2, "id");
    }
    lua_pushstring(L, dom_state_to_str(e->st.state));
    lua_setfield(L, -2, "state");
    lua_pushboolean(L, e->persistent);
    lua_setfield(L, -2, "persistent");
    lua_pushboolean(L, e->autostart);
    lua_setfield(L, -2, "autostart");
}

static int
list_common(lua_State *L, enum list_mode mode)
{
    struct list_filter f;
    struct dom_entry *e = NULL;
    struct lv_err err = LV_ERR_INIT;
    size_t n = 0;
    int k = 0;

    read_filter(L, 1, &f);
    if (dom_list(lv_lua_conn(L), f.flags, &e, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (!keep_entry(&f, &e[i]))
            continue;
        if (mode == LIST_ROWS)
            push_row(L, &e[i]);
        else
            dom_lua_push(L, e[i].name);
        lua_rawseti(L, -2, ++k);
    }
    dom_list_free(e, n);
    return 1;
}

static int
l_list(lua_State *L)
{
    return list_common(L, LIST_HANDLES);
}

/* virt.domain_rows{...}: the rows `list` prints, straight from the run dirs */
static int
l_list_rows(lua_State *L)
{
    return list_common(L, LIST_ROWS);
}

static int
l_domain(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char *name = dom_resolve(lv_lua_conn(L), key, &err);

    if (!name)
        return lv_lua_raise(L, &err);
    dom_lua_push(L, name);
    free(name);
    return 1;
}

static int
l_lookup(lua_State *L)
{
    const char *key = luaL_checkstring(L, 1);
    char *name = dom_resolve(lv_lua_conn(L), key, NULL);

    if (!name) {
        lua_pushnil(L);
        return 1;
    }
    dom_lua_push(L, name);
    free(name);
    return 1;
}

/* A definition from an XML string or a Lua table at idx. */
static struct dom_def *
def_from_arg(lua_State *L, int idx, int opts, struct lv_err *err)
{
    int keep = lv_lua_opt_bool(L, opts, "keep_unknown", 0);
    const char *src = lv_lua_opt_str(L, opts, "source", NULL);

    if (lua_type(L, idx) == LUA_TTABLE)
        return dom_table_to_def(L, idx, err);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *xml = lua_tolstring(L, idx, &len);
        return dom_def_parse_xml(xml, len, src, keep ? DOM_PARSE_KEEP_UNKNOWN : 0, err);
    }
    luaL_argerror(L, idx, "domain XML string or definition table expected");
    return NULL;
}

static int
l_define(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_arg(L, 1, 2, &err);

    if (!def || dom_define(lv_lua_conn(L), def, &err) < 0) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    dom_lua_push(L, def->name);
    dom_def_free(def);
    return 1;
}

static int
l_create(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_start_opts o = {
        .paused = lv_lua_opt_bool(L, 2, "paused", 0),
        .timeout_ms = (int)(lv_lua_opt_num(L, 2, "timeout", 0) * 1000),
    };
    struct dom_def *def = def_from_arg(L, 1, 2, &err);

    if (!def || dom_create(lv_lua_conn(L), def, &o, &err) < 0) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    dom_lua_push(L, def->name);
    dom_def_free(def);
    return 1;
}

/* The disks table of virt.migrate_prepare's options (what the source's
 * d:migrate_disks gave) into an array; -1 with err. */
static int
check_disks(lua_State *L, int idx, struct dom_migrate_disk **out, size_t *n, struct lv_err *err)
{
    size_t m;

    *out = NULL;
    *n = 0;
    if (!lua_istable(L, idx) || lua_getfield(L, idx, "disks") == LUA_TNIL) {
        if (lua_istable(L, idx))
            lua_pop(L, 1);
        return 0;
    }
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lv_err_set(err, LV_E_INVALID, "virt.migrate_prepare: disks= must be a list of tables");
        return -1;
    }
    m = lua_rawlen(L, -1);
    *out = lv_calloc(m ? m : 1, sizeof(**out));
    for (size_t i = 0; i < m; i++) {
        struct dom_migrate_disk *x = &(*out)[i];
        lua_Integer size;
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 2);
            *n = i;
            lv_err_set(err, LV_E_INVALID, "virt.migrate_prepare: disks[%zu] is not a table",
                       i + 1);
            return -1;
        }
        x->target = lv_strdup(lv_lua_opt_str(L, -1, "target", NULL));
        x->path = lv_strdup(lv_lua_opt_str(L, -1, "path", NULL));
        x->format = lv_strdup(lv_lua_opt_str(L, -1, "format", NULL));
        x->backing = lv_strdup(lv_lua_opt_str(L, -1, "backing", NULL));
        x->backing_format = lv_strdup(lv_lua_opt_str(L, -1, "backing_format", NULL));
        size = (lua_Integer)lv_lua_opt_num(L, -1, "size", -1);
        lua_pop(L, 1);
        if (!x->target || !x->format || size < 0) {
            lua_pop(L, 1);
            *n = i + 1;
            lv_err_set(err, LV_E_INVALID, "virt.migrate_prepare: disks[%zu] needs target=, "
                       "format= and size=", i + 1);
            return -1;
        }
        x->size = (uint64_t)size;
    }
    lua_pop(L, 1);
    *n = m;
    return 0;
}

/* virt.migrate_prepare(xml, {listen=, copy_storage=, disks=, tunnelled=}) ->
 * the incoming guest, "tcp:ADDR:PORT" and, copying storage, the "ADDR:PORT"
 * of the NBD server that takes its disks (tunnelled: "unix:PATH"s) (the destination's step of a
 * migration: lua/recipes/migrate.lua) */
static int
l_migrate_prepare(lua_State *L)
{
    size_t len;
    const char *xml = luaL_checklstring(L, 1, &len);
    const char *copy = lv_lua_opt_str(L, 2, "copy_storage", NULL);
    struct dom_migrate_incoming in = { .listen = lv_lua_opt_str(L, 2, "listen", NULL),
                                       .tunnelled = lv_lua_opt_bool(L, 2, "tunnelled", 0) };
    struct lv_err err = LV_ERR_INIT;
    struct dom_migrate_disk *disks = NULL;
    struct dom_def *def = NULL;
    char *uri = NULL, *nbd = NULL;
    int mode = dom_migrate_copy_from_str(copy), ok = 0;

    if (mode < 0)
        lv_err_set(&err, LV_E_INVALID, "virt.migrate_prepare: copy_storage= is 'all' or "
                   "'inc', not '%s'", copy);
    else if (check_disks(L, 2, &disks, &in.n_disks, &err) == 0 &&
             (def = dom_def_parse_xml(xml, len, "migration", 0, &err))) {
        in.copy = (enum dom_migrate_copy)mode;
        in.disks = disks;
        ok = dom_migrate_prepare(lv_lua_conn(L), def, &in, &uri, &nbd, &err) == 0;
    }
    dom_migrate_disks_free(disks, in.n_disks);
    if (!ok) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    dom_lua_push(L, def->name);
    lua_pushstring(L, uri);
    if (nbd)
        lua_pushstring(L, nbd);
    else
        lua_pushnil(L);
    free(uri);
    free(nbd);
    dom_def_free(def);
    return 3;
}

static int
l_validate(lua_State *L)
{
    size_t len;
    const char *xml = luaL_checklstring(L, 1, &len);
    const char *src = luaL_optstring(L, 2, NULL);
    struct strbuf problems = STRBUF_INIT;
    struct lv_err err = LV_ERR_INIT;
    int n = dom_def_validate_xml(xml, len, src, &problems, &err);
    int k = 0;
    char *save = NULL, *text;

    if (n < 0) {
        strbuf_free(&problems);
        return lv_lua_raise(L, &err);
    }
    if (n == 0) {
        /* valid XML: then what define and start would refuse */
        struct dom_def *def = dom_def_parse_xml(xml, len, src, 0, &err);
        if (!def || dom_check(lv_lua_conn(L), def, &err) < 0) {
            strbuf_addf(&problems, "%s\n", err.msg);
            n = 1;
        }
        dom_def_free(def);
    }
    lua_pushboolean(L, n == 0);
    lua_newtable(L);
    text = strbuf_steal(&problems);
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lua_pushstring(L, line);
        lua_rawseti(L, -2, ++k);
    }
    free(text);
    return 2;
}

static int
l_to_native(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_arg(L, 1, 2, &err);
    struct host_mem hm;
    struct qemu_argv_opts o = { .qmp_fd = -1, .qmp_sup_fd = -1, .for_display = 1,
                                .host_mem = &hm };
    char **argv = NULL;
    char *run_dir = NULL;
    int accel;

    /* the firmware a start would choose, as virsh domxml-to-native shows */
    if (!def || dom_firmware_fill(lv_lua_conn(L), def, &err) < 0) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    host_mem_probe(&hm);
    accel = dom_start_accel(lv_lua_conn(L), def, NULL);
    o.accel_kvm = accel > 0;
    run_dir = dom_run_dir(lv_lua_conn(L), def->name);   /* where start would put it */
    o.run_dir = run_dir;
    argv = qemu_argv_build(def, &o, &err);
    free(run_dir);
    dom_def_free(def);
    if (!argv)
        return lv_lua_raise(L, &err);
    lua_newtable(L);
    for (int i = 0; argv[i]; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lv_argv_free(argv);
    return 1;
}

/* Start every autostart domain that is not running; one row per domain. */
static int
l_autostart_all(lua_State *L)
{
    struct lv_conn *c = lv_lua_conn(L);
    struct dom_entry *e = NULL;
    struct lv_err err = LV_ERR_INIT;
    size_t n = 0;
    int k = 0;

    if (dom_list(c, DOM_LIST_INACTIVE, &e, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_newtable(L);
    for (size_t i = 0; i < n; i++) {
        struct lv_err e2 = LV_ERR_INIT;
        struct dom_start_opts o = { 0 };
        int r;
        if (!e[i].autostart)
            continue;
        r = dom_start(c, e[i].name, &o, &e2);
        lua_createtable(L, 0, 3);
        lua_pushstring(L, e[i].name);
        lua_setfield(L, -2, "name");
        lua_pushboolean(L, r == 0);
        lua_setfield(L, -2, "ok");
        if (r < 0) {
            lua_pushstring(L, e2.msg);
            lua_setfield(L, -2, "error");
        }
        lua_rawseti(L, -2, ++k);
    }
    dom_list_free(e, n);
    return 1;
}

static const luaL_Reg funcs[] = {
    { "domains", l_list },
    { "domain_rows", l_list_rows },
    { "domain", l_domain },
    { "find_domain", l_lookup },
    { "define_domain", l_define },
    { "create_domain", l_create },
    { "validate", l_validate },
    { "to_native", l_to_native },
    { "autostart_all", l_autostart_all },
    { "migrate_prepare", l_migrate_prepare },
    { NULL, NULL },
};

#define FILTER_KEYS "all inactive running paused shutoff autostart persistent"

static const struct lv_api_keys keys[] = {
    { "domains", 1, FILTER_KEYS },
    { "domain_rows", 1, FILTER_KEYS },
    { "define_domain", 2, "keep_unknown source" },
    { "create_domain", 2, "paused timeout keep_unknown source" },
    { "to_native", 2, "keep_unknown source" },
    { "migrate_prepare", 2, "listen copy_storage disks tunnelled" },
    { NULL, 0, NULL },
};

const luaL_Reg *
dom_lua_module_funcs(void)
{
    return funcs;
}

const struct lv_api_keys *
dom_lua_module_keys(void)
{
    return keys;
}
