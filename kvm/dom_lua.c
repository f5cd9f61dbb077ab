/* dom_lua.c - luavirt.domain userdata and the virt.* domain functions.
 * A handle names a domain; every property and method reads the state
 * afresh, since other shells and the supervisor change it. */
#include "dom_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "dom.h"
#include "dom_control.h"
#include "dom_def.h"
#include "dom_lua_priv.h"
#include "dom_save.h"
#include "dom_start.h"
#include "dom_store.h"
#include "dom_table.h"
#include "dom_wait.h"
#include "dom_xml.h"
#include "lua_handle.h"
#include "runtime.h"
#include "strbuf.h"

#define DOM_MT "luavirt.domain"
/* Filled once by dom_lua_open with the same values every time: the method
 * tables live in several files, each behind a getter. */
static struct lv_handle_type dom_type;

void
dom_lua_push(lua_State *L, const char *name)
{
    lv_handle_push(L, &dom_type, NULL, name);
}

const char *
dom_lua_check(lua_State *L, int idx)
{
    return lv_handle_check(L, idx, &dom_type)->name;
}

void
dom_lua_rename(lua_State *L, int idx, const char *new_name)
{
    lv_handle_rename(L, idx, &dom_type, new_name);
}

static void
dom_tostring(lua_State *L, const struct lv_handle *h)
{
    struct dom_status st;

    if (dom_status_read(lv_lua_conn(L), h->name, &st, NULL) < 0)
        st.state = DOM_STATE_SHUTOFF;
    lua_pushfstring(L, "domain '%s' (%s)", h->name, dom_state_to_str(st.state));
}

static void
push_uuid(lua_State *L, const unsigned char uuid[16])
{
    char s[37];
    uuid_unparse_lower(uuid, s);
    lua_pushstring(L, s);
}

/* Read-only properties; returns 1 if key was one. */
static int
push_property(lua_State *L, const struct lv_handle *h, const char *key)
{
    const char *name = h->name;
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, name);
        return 1;
    }
    if (strcmp(key, "uuid") == 0) {
        struct dom_def *def = dom_get_def(c, name, 1, &err);
        if (!def)
            return lv_lua_raise(L, &err);
        push_uuid(L, def->uuid);
        dom_def_free(def);
        return 1;
    }
    if (strcmp(key, "persistent") == 0) {
        lua_pushboolean(L, dom_store_exists(c, name));
        return 1;
    }
    if (strcmp(key, "has_managed_save") == 0) {   /* dom_save.h */
        lua_pushboolean(L, dom_managed_save_exists(c, name));
        return 1;
    }
    if (strcmp(key, "autostart") == 0) {
        lua_pushboolean(L, dom_store_autostart_get(c, name));
        return 1;
    }
    if (strcmp(key, "state") != 0 && strcmp(key, "id") != 0 &&
        strcmp(key, "active") != 0)
        return 0;
    if (dom_status_read(c, name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (strcmp(key, "state") == 0)
        lua_pushstring(L, dom_state_to_str(st.state));
    else if (strcmp(key, "active") == 0)
        lua_pushboolean(L, st.state != DOM_STATE_SHUTOFF);
    else if (st.state == DOM_STATE_SHUTOFF)
        lua_pushnil(L);
    else
        lua_pushinteger(L, st.id);
    return 1;
}

static const char *const dom_props[] = {
    "name", "uuid", "state", "id", "active", "persistent", "autostart",
    "has_managed_save", NULL,
};

#define SCOPE "live config"
#define UNDEFINE_KEYS "nvram snapshots_metadata managed_save keep_nvram keep_tpm"

static const struct lv_api_keys dom_keys[] = {
    { "start", 2, "paused timeout" },
    { "shutdown", 2, "mode" },
    { "destroy", 2, "timeout" },
    { "undefine", 2, UNDEFINE_KEYS },
    { "undefine_storage", 2, UNDEFINE_KEYS },
    { "xml", 2, "inactive security_info" },
    { "definition", 2, "inactive security_info" },
    { "description", 2, "title inactive" },
    { "set_description", 3, "title " SCOPE },
    { "redefine", 3, "keep_unknown" },
    { "wait", 2, "state ip timeout" },
    { "agent", 3, "timeout" },
    { "console", 2, "force" },
    { "clone", 2, "name files auto linked preserve_data skip dry_run progress" },
    { "console_write", 3, "expect timeout" },
    { "monitor_command", 3, "hmp" },
    { "attach_disk", 2, "source target bus format device cache readonly shareable "
                        SCOPE },
    { "detach_disk", 3, SCOPE },
    { "change_media", 4, "eject " SCOPE },
    { "update_device", 3, SCOPE },
    { "disks", 2, "inactive" },
    { "attach_interface", 2, "type source model mac target link mtu " SCOPE },
    { "detach_interface", 2, "type mac " SCOPE },
    { "interfaces", 2, "inactive" },
    { "get_link", 3, "config" },
    { "set_link", 4, SCOPE },
    { "addresses", 2, "source" },
    { "create_snapshot", 2, "name description xml" },
    { "create_snapshot", 3, "disk_only atomic" },
    { "set_vcpus", 3, "maximum " SCOPE },
    { "pin_vcpu", 4, SCOPE },
    { "pin_emulator", 3, SCOPE },
    { "vcpu_pins", 2, "config" },
    { "emulator_pin", 2, "config" },
    { "set_memory", 3, SCOPE },
    { "set_max_memory", 3, SCOPE },
    { "memory_stats", 2, "period" },
    { "stats", 2, "state cpu_total balloon vcpu interface block" },
    { "migrate_send", 3, "live bandwidth max_downtime timeout progress copy_storage nbd" },
    { "migrate_disks", 2, "copy_storage" },
    { "migrate_finish", 2, "run timeout" },
    { "migrate_confirm", 2, "done" },
    { "migrate_tune", 2, "bandwidth max_downtime" },
    { NULL, 0, NULL },
};

/* virt.to_xml("domain", table) */
static int
l_dom_to_xml(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_table_to_def(L, 1, &err);

    return dom_lua_push_xml(L, def, 0, &err);
}

void
dom_lua_open(lua_State *L)
{
    /* every file of domain methods contributes its table here */
    static const luaL_Reg *tables[14];

    tables[0] = dom_lua_methods();
    tables[1] = dom_lua_save_methods();
    tables[2] = dom_lua_net_methods();
    tables[3] = dom_lua_disk_methods();
    tables[4] = dom_lua_clone_methods();
    tables[5] = dom_lua_vcpu_methods();
    tables[6] = dom_lua_mem_methods();
    tables[7] = dom_lua_display_methods();
    tables[8] = dom_lua_event_methods();
    tables[9] = dom_lua_wait_methods();
    tables[10] = dom_lua_agent_methods();
    tables[11] = dom_lua_console_methods();
    tables[12] = dom_lua_migrate_methods();
    tables[13] = NULL;
    dom_type = (struct lv_handle_type){
        .mt = DOM_MT, .kind = "domain", .methods = tables,
        .property = push_property, .tostring = dom_tostring,
        .props = dom_props, .keys = dom_keys,
    };
    lv_handle_register(L, &dom_type);
    lv_api_setfuncs(L, dom_lua_module_funcs(), "virt.", dom_lua_module_keys());
    dom_lua_events_open(L);
    lv_api_set_to_xml(L, "domain", l_dom_to_xml);
    dom_lua_register_snapshot_user(L);
}
