/* dom_lua_disk.c - the disk methods of luavirt.domain: d:attach_disk{...},
 * d:detach_disk(), d:change_media(), d:update_device(), d:disks(),
 * d:block_info(), d:block_stats(), d:block_resize() and
 * d:undefine_storage(). Arguments are checked first; the work goes into a
 * struct lv_err that is raised last. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom.h"
#include "dom_disk.h"
#include "dom_lua_priv.h"
#include "lua_fields.h"
#include "runtime.h"
#include "units.h"

#define CONN(L) lv_lua_conn(L)

/* d:attach_disk{source=, target=, bus=, format=, device=, readonly=,
 * shareable=, cache=, live=, config=} */
static int
l_attach_disk(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_disk_spec s;
    struct dom_scope sc;
    struct lv_err err = LV_ERR_INIT;

    luaL_checktype(L, 2, LUA_TTABLE);
    s = (struct dom_disk_spec){
        .source = lv_lua_opt_str(L, 2, "source", NULL),
        .target = lv_lua_opt_str(L, 2, "target", NULL),
        .bus = lv_lua_opt_str(L, 2, "bus", NULL),
        .format = lv_lua_opt_str(L, 2, "format", NULL),
        .device = lv_lua_opt_str(L, 2, "device", NULL),
        .cache = lv_lua_opt_str(L, 2, "cache", NULL),
        .readonly = lv_lua_opt_bool(L, 2, "readonly", 0),
        .shareable = lv_lua_opt_bool(L, 2, "shareable", 0),
    };
    sc = dom_lua_scope(L, 2);
    if (!s.target)
        return luaL_argerror(L, 2, "target= is required");
    if (!s.source && (!s.device || !strcmp(s.device, "disk")))
        return luaL_argerror(L, 2, "source= is required for a disk");
    return lv_lua_chain(L, dom_disk_attach(CONN(L), name, &s, &sc, &err), &err);
}

/* d:detach_disk(target, {live=, config=}) */
static int
l_detach_disk(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *target = luaL_checkstring(L, 2);
    struct dom_scope sc = dom_lua_scope(L, 3);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_disk_detach(CONN(L), name, target, &sc, &err), &err);
}

/* d:change_media(target_or_path, source_or_nil, {eject=, live=, config=}) */
static int
l_change_media(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    const char *source = luaL_optstring(L, 3, NULL);
    int eject = lv_lua_opt_bool(L, 4, "eject", 0);
    struct dom_scope sc = dom_lua_scope(L, 4);
    struct lv_err err = LV_ERR_INIT;

    if (eject && source)
        return luaL_argerror(L, 3, "a source and eject=true exclude each other");
    if (!eject && !source)
        return luaL_argerror(L, 3, "a source is required unless eject=true");
    return lv_lua_chain(L, dom_disk_change_media(CONN(L), name, key, source, &sc, &err),
                 &err);
}

/* d:update_device(disk_xml, {live=, config=}) */
static int
l_update_device(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *xml = luaL_checkstring(L, 2);
    struct dom_scope sc = dom_lua_scope(L, 3);
    struct lv_err err = LV_ERR_INIT;

    return lv_lua_chain(L, dom_disk_update_device(CONN(L), name, xml, &sc, &err), &err);
}

/* d:disks{inactive=} -> {{type=, device=, target=, source=, bus=, format=,
 * readonly=, shareable=}, ...} in definition order (domblklist) */
static int
l_disks(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(CONN(L), name, inactive, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    lua_createtable(L, (int)def->n_disks, 0);
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        lua_createtable(L, 0, 8);
        lv_lua_set_str(L, "type", dom_disk_type_to_str(k->type));
        lv_lua_set_str(L, "device", dom_disk_device_to_str(k->device));
        lv_lua_set_str(L, "target", k->target_dev);
        lv_lua_set_str(L, "source", k->source);
        lv_lua_set_str(L, "bus", k->target_bus);
        lv_lua_set_str(L, "format", k->driver_type);
        lua_pushboolean(L, k->readonly);
        lua_setfield(L, -2, "readonly");
        lua_pushboolean(L, k->shareable);
        lua_setfield(L, -2, "shareable");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dom_def_free(def);
    return 1;
}

/* d:block_info(target) -> {capacity=, allocation=, physical=} in bytes */
static int
l_block_info(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *target = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    struct dom_disk_info in;

    if (dom_disk_block_info(CONN(L), name, target, &in, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 3);
    lv_lua_set_int(L, "capacity", (long long)in.capacity);
    lv_lua_set_int(L, "allocation", (long long)in.allocation);
    lv_lua_set_int(L, "physical", (long long)in.physical);
    return 1;
}

/* d:block_stats(target) -> {rd_req=, rd_bytes=, wr_req=, wr_bytes=,
 * flush_operations=, rd_total_times=, wr_total_times=, flush_total_times=} */
static int
l_block_stats(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *target = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    struct dom_disk_stats s;

    if (dom_disk_block_stats(CONN(L), name, target, &s, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_createtable(L, 0, 8);
    lv_lua_set_int(L, "rd_req", s.rd_req);
    lv_lua_set_int(L, "rd_bytes", s.rd_bytes);
    lv_lua_set_int(L, "wr_req", s.wr_req);
    lv_lua_set_int(L, "wr_bytes", s.wr_bytes);
    lv_lua_set_int(L, "flush_operations", s.flush_operations);
    lv_lua_set_int(L, "rd_total_times", s.rd_total_times);
    lv_lua_set_int(L, "wr_total_times", s.wr_total_times);
    lv_lua_set_int(L, "flush_total_times", s.flush_total_times);
    return 1;
}

/* d:block_resize(target, size): size in bytes (an integer) or a string with
 * a unit ("10G"; a bare number in a string is KiB, like virsh). */
static int
l_block_resize(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *target = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    uint64_t size, kib;

    if (lua_isinteger(L, 3)) {
        if (lua_tointeger(L, 3) <= 0)
            return luaL_argerror(L, 3, "size must be positive");
        size = (uint64_t)lua_tointeger(L, 3);
    } else {
        const char *s = luaL_checkstring(L, 3);
        if (lv_units_parse_kib(s, &kib, &err) < 0)
            return lv_lua_raise(L, &err);
        size = kib * 1024;
    }
    return lv_lua_chain(L, dom_disk_block_resize(CONN(L), name, target, size, &err), &err);
}

/* d:undefine_storage{nvram=, keep_nvram=, keep_tpm=, snapshots_metadata=,
 * managed_save=} ->
 * {{target=, path=, removed=, why=}, ...}: undefine --remove-all-storage */
static int
l_undefine_storage(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    unsigned flags = dom_lua_undefine_flags(L, 2);
    struct lv_err err = LV_ERR_INIT;
    struct dom_disk_removed *r = NULL;
    size_t n = 0;
    int rc = dom_disk_undefine_storage(CONN(L), name, flags, &r, &n, &err);

    if (rc < 0 && n == 0) {
        dom_disk_removed_free(r, n);
        return lv_lua_raise(L, &err);
    }
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 4);
        lv_lua_set_str(L, "target", r[i].target);
        lv_lua_set_str(L, "path", r[i].path);
        lua_pushboolean(L, r[i].removed);
        lua_setfield(L, -2, "removed");
        lv_lua_set_str(L, "why", r[i].why);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dom_disk_removed_free(r, n);
    if (rc < 0) {
        /* the list of what was done travels with the error */
        lv_lua_push_error(L, &err);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "removed");
        return lua_error(L);
    }
    return 1;
}

static const luaL_Reg methods[] = {
    { "attach_disk", l_attach_disk },
    { "detach_disk", l_detach_disk },
    { "change_media", l_change_media },
    { "update_device", l_update_device },
    { "disks", l_disks },
    { "block_info", l_block_info },
    { "block_stats", l_block_stats },
    { "block_resize", l_block_resize },
    { "undefine_storage", l_undefine_storage },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_disk_methods(void)
{
    return methods;
}
