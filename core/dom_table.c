/* dom_table.c - struct dom_def <-> Lua table (the shape is documented in
 * dom_table.h). The shape is data (table_shape.h): one field list per
 * struct, walked by dt_push_struct() to build a table and by
 * dt_read_struct() to read one back with raw, non-raising Lua calls. */
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
static const struct dt_struct vcpupin_st = { .fields = vcpupin_fields };
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
static const struct dt_struct os_st = { .fields = os_fields };

#define T struct dom_feature
static const struct dt_field feature_fields[] = {
    DT_FIELD("name", DT_STR, name, .flags = DT_F_REQUIRED),
    F_STR("inner_xml", inner_xml),
    F_REST(attrs),
    F_END
};
#undef T
static const struct dt_struct feature_st = { .fields = feature_fields };
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
static const struct dt_struct cpu_feature_st = { .fields = cpu_feature_fields };
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
static const struct dt_struct sibling_st = { .fields = sibling_fields };
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
static const struct dt_struct numa_cell_st = { .fields = numa_cell_fields };
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
static const struct dt_struct hugepage_st = { .fields = hugepage_fields };
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
static const struct dt_struct mem_backing_st = { .fields = mem_backing_fields };

#define T struct dom_numatune_memnode
static const struct dt_field memnode_fields[] = {
    DT_FIELD("cellid", DT_UINT, cellid, .flags = DT_F_REQUIRED | DT_F_ALWAYS),
    F_STR("mode", mode),
    F_STR("nodeset", nodeset),
    F_END
};
#undef T
static const struct dt_struct memnode_st = { .fields = memnode_fields };
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
static const struct dt_struct numatune_st = { .fields = numatune_fields };

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
static const struct dt_struct cpu_st = { .fields = cpu_fields };

#define T struct dom_clock_timer
static const struct dt_field timer_fields[] = {
    F_REST(attrs),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct timer_st = { .fields = timer_fields };
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
static const struct dt_struct clock_st = { .fields = clock_fields };

/* <pm> has no struct of its own: its fields sit in dom_def itself. */
#define T struct dom_def
static const struct dt_field pm_fields[] = {
    F_TRI("suspend_to_mem", pm_suspend_to_mem),
    F_TRI("suspend_to_disk", pm_suspend_to_disk),
    F_END
};
static const struct dt_struct pm_st = { .fields = pm_fields };

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
static const struct dt_struct def_st = {
    .fields = def_fields, .what = "domain table",
};

void
dom_table_push(lua_State *L, const struct dom_def *def)
{
    luaL_checkstack(L, 16, "domain table");
    dt_push_struct(L, &def_st, def);
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
