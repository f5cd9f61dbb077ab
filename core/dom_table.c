/* dom_table.c - struct dom_def <-> Lua table (the shape is documented in
 * dom_table.h). The shape is data (dom_table_priv.h): one field list per
 * struct, walked by dom_table_push() to build a table and by
 * dom_table_to_def() to read one back with raw, non-raising Lua calls. */
#include "dom_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <uuid/uuid.h>

#include "dom_table_priv.h"
#include "strbuf.h"
#include "units.h"

/* Enums are read and written through int (kind, type, ...). */
_Static_assert(sizeof(enum dom_disk_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lv_tristate) == sizeof(int), "enum size");

/* ---- the top-level shape ---- */

static const char *
virt_type_str(int v)
{
    return dom_virt_type_to_str((enum dom_virt_type)v);
}

static const char *
life_str(int v)
{
    return dom_lifecycle_action_to_str((enum dom_lifecycle_action)v);
}

static const struct dt_enum en_virt_type = {
    virt_type_str, dom_virt_type_from_str
};
static const struct dt_enum en_life = {
    life_str, dom_lifecycle_action_from_str
};

#define T struct dom_vcpupin
static const struct dt_field vcpupin_fields[] = {
    DT_FIELD("vcpu", DT_UINT, vcpu, .flags = DT_F_REQUIRED | DT_F_ALWAYS),
    DT_FIELD("cpuset", DT_STR, cpuset, .flags = DT_F_REQUIRED),
    F_END
};
#undef T
static const struct dt_struct vcpupin_st = { vcpupin_fields };
static const struct dt_array vcpupin_arr = {
    .size = sizeof(struct dom_vcpupin), .st = &vcpupin_st, .kind = -1,
};

#define T struct dom_os
static const struct dt_field os_fields[] = {
    F_STR("type", type),
    F_STR("arch", arch),
    F_STR("machine", machine),
    F_STR("firmware", firmware),
    F_ATTRS("firmware_features", firmware_features),
    DT_FIELD("boot", DT_STRV, boot_devs,
             .off2 = offsetof(struct dom_os, n_boot_devs)),
    F_TRI("bootmenu", bootmenu),
    F_INT("bootmenu_timeout", bootmenu_timeout, -1),
    F_TRI("bios_useserial", bios_useserial),
    F_INT("bios_reboot_timeout", bios_reboot_timeout, -1),
    F_STR("loader", loader),
    F_TRI("loader_readonly", loader_readonly),
    F_STR("loader_type", loader_type),
    F_TRI("loader_secure", loader_secure),
    F_STR("loader_format", loader_format),
    F_TRI("loader_stateless", loader_stateless),
    F_STR("nvram", nvram),
    F_STR("nvram_type", nvram_type),
    F_STR("nvram_template", nvram_template),
    F_STR("nvram_format", nvram_format),
    F_STR("nvram_template_format", nvram_template_format),
    F_STR("kernel", kernel),
    F_STR("initrd", initrd),
    F_STR("cmdline", cmdline),
    F_STR("dtb", dtb),
    F_TRI("smbios_sysinfo", smbios_sysinfo),
    F_STR("smbios_mode", smbios_mode),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct os_st = { os_fields };

#define T struct dom_feature
static const struct dt_field feature_fields[] = {
    DT_FIELD("name", DT_STR, name, .flags = DT_F_REQUIRED),
    F_STR("inner_xml", inner_xml),
    F_REST(attrs),
    F_END
};
#undef T
static const struct dt_struct feature_st = { feature_fields };
static const struct dt_array feature_arr = {
    .size = sizeof(struct dom_feature), .st = &feature_st, .kind = -1,
    .short_key = "name",
};

#define T struct dom_cpu_feature
static const struct dt_field cpu_feature_fields[] = {
    DT_FIELD("name", DT_STR, name, .flags = DT_F_REQUIRED),
    F_STR("policy", policy),
    F_END
};
#undef T
static const struct dt_struct cpu_feature_st = { cpu_feature_fields };
static const struct dt_array cpu_feature_arr = {
    .size = sizeof(struct dom_cpu_feature), .st = &cpu_feature_st,
    .kind = -1, .short_key = "name",
};

#define T struct dom_numa_sibling
static const struct dt_field sibling_fields[] = {
    DT_FIELD("id", DT_UINT, id, .flags = DT_F_REQUIRED | DT_F_ALWAYS),
    DT_FIELD("value", DT_UINT, value, .flags = DT_F_REQUIRED | DT_F_ALWAYS),
    F_END
};
#undef T
static const struct dt_struct sibling_st = { sibling_fields };
static const struct dt_array sibling_arr = {
    .size = sizeof(struct dom_numa_sibling), .st = &sibling_st, .kind = -1,
};

static void
numa_cell_init(void *elem)
{
    ((struct dom_numa_cell *)elem)->id = -1;
}

#define T struct dom_numa_cell
static const struct dt_field numa_cell_fields[] = {
    F_INT("id", id, -1),
    F_STR("cpus", cpus),
    DT_FIELD("memory", DT_KIB, memory_kib, .flags = DT_F_REQUIRED),
    F_STR("mem_access", mem_access),
    F_STR("discard", discard),
    F_ARRAY("distances", siblings, n_siblings, &sibling_arr),
    F_END
};
#undef T
static const struct dt_struct numa_cell_st = { numa_cell_fields };
static const struct dt_array numa_cell_arr = {
    .size = sizeof(struct dom_numa_cell), .st = &numa_cell_st, .kind = -1,
    .init = numa_cell_init,
};

#define T struct dom_hugepage
static const struct dt_field hugepage_fields[] = {
    DT_FIELD("size", DT_KIB, size_kib, .flags = DT_F_REQUIRED),
    F_STR("nodeset", nodeset),
    F_END
};
#undef T
static const struct dt_struct hugepage_st = { hugepage_fields };
static const struct dt_array hugepage_arr = {
    .size = sizeof(struct dom_hugepage), .st = &hugepage_st, .kind = -1,
};

#define T struct dom_mem_backing
static const struct dt_field mem_backing_fields[] = {
    F_BOOL("hugepages", hugepages),
    F_ARRAY("pages", pages, n_pages, &hugepage_arr),
    F_BOOL("nosharepages", nosharepages),
    F_BOOL("locked", locked),
    F_BOOL("discard", discard),
    F_STR("source_type", source_type),
    F_STR("access_mode", access_mode),
    F_STR("allocation_mode", allocation_mode),
    F_UINT("allocation_threads", allocation_threads),
    F_END
};
#undef T
static const struct dt_struct mem_backing_st = { mem_backing_fields };

#define T struct dom_numatune_memnode
static const struct dt_field memnode_fields[] = {
    DT_FIELD("cellid", DT_UINT, cellid, .flags = DT_F_REQUIRED | DT_F_ALWAYS),
    F_STR("mode", mode),
    F_STR("nodeset", nodeset),
    F_END
};
#undef T
static const struct dt_struct memnode_st = { memnode_fields };
static const struct dt_array memnode_arr = {
    .size = sizeof(struct dom_numatune_memnode), .st = &memnode_st, .kind = -1,
};

#define T struct dom_numatune
static const struct dt_field numatune_fields[] = {
    F_BOOL("memory", memory),
    F_STR("mode", mode),
    F_STR("nodeset", nodeset),
    F_STR("placement", placement),
    F_ARRAY("memnodes", memnodes, n_memnodes, &memnode_arr),
    F_END
};
#undef T
static const struct dt_struct numatune_st = { numatune_fields };

#define T struct dom_cpu
static const struct dt_field cpu_fields[] = {
    F_STR("mode", mode),
    F_STR("match", match),
    F_STR("check", check),
    F_STR("migratable", migratable),
    F_STR("model", model),
    F_STR("model_fallback", model_fallback),
    F_STR("vendor", vendor),
    F_UINT("sockets", sockets),
    F_UINT("dies", dies),
    F_UINT("clusters", clusters),
    F_UINT("cores", cores),
    F_UINT("threads", threads),
    F_ARRAY("features", features, n_features, &cpu_feature_arr),
    F_ARRAY("numa", cells, n_cells, &numa_cell_arr),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct cpu_st = { cpu_fields };

#define T struct dom_clock_timer
static const struct dt_field timer_fields[] = {
    F_REST(attrs),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct timer_st = { timer_fields };
static const struct dt_array timer_arr = {
    .size = sizeof(struct dom_clock_timer), .st = &timer_st, .kind = -1,
};

#define T struct dom_clock
static const struct dt_field clock_fields[] = {
    F_STR("offset", offset),
    F_STR("timezone", timezone),
    F_STR("adjustment", adjustment),
    F_STR("basis", basis),
    F_ARRAY("timers", timers, n_timers, &timer_arr),
    F_END
};
#undef T
static const struct dt_struct clock_st = { clock_fields };

/* <pm> has no struct of its own: its fields sit in dom_def itself. */
#define T struct dom_def
static const struct dt_field pm_fields[] = {
    F_TRI("suspend_to_mem", pm_suspend_to_mem),
    F_TRI("suspend_to_disk", pm_suspend_to_disk),
    F_END
};
static const struct dt_struct pm_st = { pm_fields };

static const struct dt_field def_fields[] = {
    DT_FIELD("name", DT_STR, name, .flags = DT_F_REQUIRED),
    DT_FIELD("uuid", DT_UUID, uuid),
    F_ENUM("type", virt_type, &en_virt_type),
    F_INT("id", id, -1),
    F_STR("title", title),
    F_STR("description", description),
    F_STR("metadata", metadata_xml),
    DT_FIELD("memory", DT_KIB, memory_kib, .flags = DT_F_REQUIRED),
    DT_FIELD("current_memory", DT_KIB, current_memory_kib),
    DT_FIELD("max_memory", DT_KIB, max_memory_kib),
    F_UINT("max_memory_slots", max_memory_slots),
    DT_FIELD("memory_backing", DT_STRUCT, mem_backing, .st = &mem_backing_st,
             .flags = DT_F_PRESENT,
             .off2 = offsetof(struct dom_mem_backing, present)),
    DT_FIELD("numatune", DT_STRUCT, numatune, .st = &numatune_st,
             .flags = DT_F_PRESENT,
             .off2 = offsetof(struct dom_numatune, present)),
    F_UINT("vcpus", vcpus),
    F_UINT("current_vcpus", vcpus_current),
    F_STR("vcpu_placement", vcpu_placement),
    F_STR("cpuset", vcpu_cpuset),
    F_ARRAY("vcpupin", vcpupins, n_vcpupins, &vcpupin_arr),
    F_STR("emulatorpin", emulatorpin_cpuset),
    F_KEEP("cputune_extra_xml", cputune_keep),
    F_STRUCT("os", os, &os_st),
    F_ARRAY("features", features, n_features, &feature_arr),
    DT_FIELD("cpu", DT_STRUCT, cpu, .st = &cpu_st, .flags = DT_F_PRESENT,
             .off2 = offsetof(struct dom_cpu, present)),
    F_STRUCT("clock", clock, &clock_st),
    F_ENUM("on_poweroff", on_poweroff, &en_life),
    F_ENUM("on_reboot", on_reboot, &en_life),
    F_ENUM("on_crash", on_crash, &en_life),
    { .key = "pm", .kind = DT_STRUCT, .off = 0, .st = &pm_st },
    F_STR("emulator", emulator),
    F_ARRAY("disks", disks, n_disks, &dt_disks),
    F_ARRAY("controllers", controllers, n_controllers, &dt_controllers),
    F_ARRAY("interfaces", interfaces, n_interfaces, &dt_interfaces),
    F_ARRAY("serials", chrs, n_chrs, &dt_serials),
    F_ARRAY("parallels", chrs, n_chrs, &dt_parallels),
    F_ARRAY("consoles", chrs, n_chrs, &dt_consoles),
    F_ARRAY("channels", chrs, n_chrs, &dt_channels),
    F_ARRAY("inputs", inputs, n_inputs, &dt_inputs),
    F_ARRAY("graphics", graphics, n_graphics, &dt_graphics),
    F_ARRAY("videos", videos, n_videos, &dt_videos),
    F_ARRAY("sounds", sounds, n_sounds, &dt_sounds),
    DT_FIELD("memballoon", DT_STRUCT, memballoon, .st = &dt_memballoon,
             .flags = DT_F_PRESENT,
             .off2 = offsetof(struct dom_memballoon, present)),
    F_ARRAY("rngs", rngs, n_rngs, &dt_rngs),
    F_ARRAY("watchdogs", watchdogs, n_watchdogs, &dt_watchdogs),
    F_ARRAY("audios", audios, n_audios, &dt_audios),
    F_ARRAY("tpms", tpms, n_tpms, &dt_tpms),
    F_ARRAY("redirdevs", redirdevs, n_redirdevs, &dt_redirdevs),
    F_ARRAY("panics", panics, n_panics, &dt_panics),
    F_KEEP("extra_xml", keep),
    F_KEEP("devices_extra_xml", devices_keep),
    F_END
};
#undef T
static const struct dt_struct def_st = { def_fields };

/* ---- def -> table ---- */

static void push_struct(lua_State *L, const struct dt_struct *st,
                        const char *base);

static int
table_empty(lua_State *L, int idx)
{
    lua_pushnil(L);
    if (!lua_next(L, idx < 0 ? idx - 1 : idx))
        return 1;
    lua_pop(L, 2);
    return 0;
}

static void
push_strv(lua_State *L, char *const *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void
push_attrs(lua_State *L, const struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        lua_pushstring(L, a->vals[i]);
        lua_setfield(L, -2, a->keys[i]);
    }
}

/* Push the list of elements of one array field; 0 if it is empty. */
static int
push_array(lua_State *L, const struct dt_field *f, const char *base)
{
    const struct dt_array *a = f->arr;
    const char *arr = dt_get_ptr(base + f->off);
    size_t n, j = 0;

    memcpy(&n, base + f->off2, sizeof(n));
    lua_newtable(L);
    for (size_t i = 0; i < n; i++) {
        const char *elem = arr + i * a->size;
        if (a->kind >= 0 && dt_get_int(elem + a->kind_off) != a->kind)
            continue;
        push_struct(L, a->st, elem);
        /* {name="acpi"} alone reads better as "acpi" */
        if (a->short_key) {
            lua_getfield(L, -1, a->short_key);
            lua_pushnil(L);
            lua_setfield(L, -3, a->short_key);
            if (lua_type(L, -1) == LUA_TSTRING && table_empty(L, -2))
                lua_remove(L, -2);
            else
                lua_setfield(L, -2, a->short_key);
        }
        lua_rawseti(L, -2, (lua_Integer)++j);
    }
    if (j)
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* Push the value of field f of the struct at base; 0 if it is absent. */
static int
push_field(lua_State *L, const struct dt_field *f, const char *base)
{
    const char *at = base + f->off;
    char uuid[37];
    unsigned u;
    uint64_t kib;

    switch (f->kind) {
    case DT_STR:
        if (!dt_get_ptr(at))
            return 0;
        lua_pushstring(L, dt_get_ptr(at));
        return 1;
    case DT_INT:
        if (dt_get_int(at) == f->absent)
            return 0;
        lua_pushinteger(L, dt_get_int(at));
        return 1;
    case DT_UINT:
        memcpy(&u, at, sizeof(u));
        if (!u && !(f->flags & DT_F_ALWAYS))
            return 0;
        lua_pushinteger(L, u);
        return 1;
    case DT_KIB:
        memcpy(&kib, at, sizeof(kib));
        if (!kib)
            return 0;
        lua_pushinteger(L, (lua_Integer)kib);
        return 1;
    case DT_BOOL:
        if (!dt_get_int(at))
            return 0;
        lua_pushboolean(L, 1);
        return 1;
    case DT_TRI:
        if (dt_get_int(at) == LV_TRI_ABSENT)
            return 0;
        lua_pushboolean(L, dt_get_int(at) == LV_TRI_ON);
        return 1;
    case DT_ENUM:
        if (!f->en->to_str(dt_get_int(at)))
            return 0;
        lua_pushstring(L, f->en->to_str(dt_get_int(at)));
        return 1;
    case DT_UUID: {
        static const unsigned char zero[16];
        if (!memcmp(at, zero, sizeof(zero)))
            return 0;
        uuid_unparse_lower((const unsigned char *)at, uuid);
        lua_pushstring(L, uuid);
        return 1;
    }
    case DT_STRV: {
        size_t n;
        memcpy(&n, base + f->off2, sizeof(n));
        if (!n)
            return 0;
        push_strv(L, dt_get_ptr(at), n);
        return 1;
    }
    case DT_ATTRS:
        if (!((const struct lv_attrs *)at)->n)
            return 0;
        lua_newtable(L);
        push_attrs(L, (const struct lv_attrs *)at);
        return 1;
    case DT_KEEP: {
        const struct lv_xml_keep *k = (const struct lv_xml_keep *)at;
        if (!k->n)
            return 0;
        push_strv(L, k->items, k->n);
        return 1;
    }
    case DT_STRUCT:
        if ((f->flags & DT_F_PRESENT) && !dt_get_int(at + f->off2))
            return 0;
        push_struct(L, f->st, at);
        if ((f->flags & DT_F_PRESENT) || !table_empty(L, -1))
            return 1;
        lua_pop(L, 1);
        return 0;
    case DT_ARRAY:
        return push_array(L, f, base);
    case DT_REST:
        break;
    }
    return 0;
}

static void
push_struct(lua_State *L, const struct dt_struct *st, const char *base)
{
    lua_newtable(L);
    for (const struct dt_field *f = st->fields; f->key; f++) {
        if (f->kind == DT_REST)
            push_attrs(L, (const struct lv_attrs *)(base + f->off));
        else if (push_field(L, f, base))
            lua_setfield(L, -2, f->key);
    }
}

void
dom_table_push(lua_State *L, const struct dom_def *def)
{
    luaL_checkstack(L, 16, "domain table");
    push_struct(L, &def_st, (const char *)def);
}

struct dom_def *
dom_table_to_def(lua_State *L, int idx, struct lv_err *err)
{
    struct dom_def *def = NULL, *ret = NULL;
    struct lv_err nerr = LV_ERR_INIT;

    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE) {
        lv_err_set(err, LV_E_INVALID, "domain table: expected a table, "
                   "got %s", lua_typename(L, lua_type(L, idx)));
        return NULL;
    }
    def = dom_def_new();
    if (dt_read_struct(L, idx, &def_st, def, err) < 0)
        goto out;
    if (dom_def_check_name(def->name, &nerr) < 0) {
        lv_err_set(err, LV_E_INVALID, "domain table: %s", nerr.msg);
        goto out;
    }
    if (!def->memory_kib) {
        lv_err_set(err, LV_E_INVALID, "domain table: 'memory' must not "
                   "be 0");
        goto out;
    }
    dom_def_post_parse(def);   /* as for XML */
    ret = def;
    def = NULL;
out:
    dom_def_free(def);
    return ret;
}
