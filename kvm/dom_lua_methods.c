/* dom_lua_methods.c - the methods of luavirt.domain (d:start(), ...). Each
 * checks its arguments, works into a struct lv_err, and raises last. */
#include <jansson.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "dom.h"
#include "dom_console.h"
#include "dom_control.h"
#include "dom_lua_priv.h"
#include "dom_save.h"
#include "dom_start.h"
#include "dom_store.h"
#include "dom_table.h"
#include "dom_wait.h"
#include "dom_xml.h"
#include "lua_json.h"
#include "runtime.h"
#include "strbuf.h"

#define CONN(L) lv_lua_conn(L)

static int
l_start(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct dom_start_opts o = {
        .paused = lv_lua_opt_bool(L, 2, "paused", 0),
        .timeout_ms = (int)(lv_lua_opt_num(L, 2, "timeout", 0) * 1000),
    };
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_start(CONN(L), name, &o, &err), &err);
}

static int
l_shutdown(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    static const char *const modes[] = { "acpi", "agent", NULL };
    const char *mode = lv_lua_opt_str(L, 2, "mode", "acpi");
    struct lv_err err = LV_ERR_INIT;
    int m = -1;

    for (int i = 0; modes[i]; i++)
        if (strcmp(modes[i], mode) == 0)
            m = i;
    if (m < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown shutdown mode '%s' "
                             "(acpi or agent)", mode));
    return lv_lua_chain(L, dom_shutdown(CONN(L), name, (enum dom_shutdown_mode)m, &err), &err);
}

static int
l_destroy(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int t = (int)(lv_lua_opt_num(L, 2, "timeout", 10) * 1000);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_destroy(CONN(L), name, t, &err), &err);
}

#define SIMPLE(fn, op)                                            \
    static int fn(lua_State *L)                                   \
    {                                                             \
        const char *name = dom_lua_check(L, 1);                   \
        struct lv_err err = LV_ERR_INIT;                          \
        return lv_lua_chain(L, op(CONN(L), name, &err), &err);            \
    }
SIMPLE(l_reboot, dom_reboot)
SIMPLE(l_reset, dom_reset)
SIMPLE(l_suspend, dom_suspend)
SIMPLE(l_resume, dom_resume)

unsigned
dom_lua_undefine_flags(lua_State *L, int idx)
{
    unsigned flags = 0;

    if (lv_lua_opt_bool(L, idx, "nvram", 0))
        flags |= DOM_UNDEFINE_NVRAM;
    if (lv_lua_opt_bool(L, idx, "snapshots_metadata", 0))
        flags |= DOM_UNDEFINE_SNAPSHOTS_METADATA;
    if (lv_lua_opt_bool(L, idx, "managed_save", 0))
        flags |= DOM_UNDEFINE_MANAGED_SAVE;
    if (lv_lua_opt_bool(L, idx, "keep_nvram", 0))
        flags |= DOM_UNDEFINE_KEEP_NVRAM;
    if (lv_lua_opt_bool(L, idx, "keep_tpm", 0))
        flags |= DOM_UNDEFINE_KEEP_TPM;
    if ((flags & DOM_UNDEFINE_NVRAM) && (flags & DOM_UNDEFINE_KEEP_NVRAM))
        luaL_argerror(L, idx, "nvram and keep_nvram are mutually exclusive");
    return flags;
}

/* d:undefine{nvram=, keep_nvram=, keep_tpm=, snapshots_metadata=,
 * managed_save=} */
static int
l_undefine(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    unsigned flags = dom_lua_undefine_flags(L, 2);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_undefine(CONN(L), name, flags, &err), &err);
}

static int
l_set_autostart(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int on = lua_isnone(L, 2) ? 1 : lua_toboolean(L, 2);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_set_autostart(CONN(L), name, on, &err), &err);
}

static int
l_xml(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    int secure = lv_lua_opt_bool(L, 2, "security_info", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(CONN(L), name, inactive, &err);

    return dom_lua_push_xml(L, def, (inactive ? DOM_FORMAT_INACTIVE : 0) |
                                    (secure ? DOM_FORMAT_SECURE : 0), &err);
}

static int
l_definition(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    int secure = lv_lua_opt_bool(L, 2, "security_info", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(CONN(L), name, inactive, &err);

    if (!def)
        return lv_lua_raise(L, &err);
    if (inactive)
        def->id = -1;
    for (size_t i = 0; i < def->n_graphics && !secure; i++) {
        free(def->graphics[i].passwd);      /* like dumpxml without --security-info */
        def->graphics[i].passwd = NULL;
    }
    dom_table_push(L, def);
    dom_def_free(def);
    return 1;
}

/* CPU time of a running QEMU from /proc/PID/stat (utime + stime). */
static long long
cpu_time_ns(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long long ut = 0, stt = 0;
    FILE *f;
    char *p;

    if (pid <= 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "re");
    if (!f)
        return 0;
    if (!fgets(buf, sizeof(buf), f)) {
        fclose(f);
        return 0;
    }
    fclose(f);
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                     &ut, &stt) != 2)
        return 0;
    return (long long)((ut + stt) * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK)));
}

static int
l_info(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_conn *c = CONN(L);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;
    struct dom_def *def = dom_get_def(c, name, 0, &err);
    char u[37];

    if (!def || dom_status_read(c, name, &st, &err) < 0) {
        dom_def_free(def);
        return lv_lua_raise(L, &err);
    }
    uuid_unparse_lower(def->uuid, u);
    lua_createtable(L, 0, 14);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, u);
    lua_setfield(L, -2, "uuid");
    lua_pushstring(L, dom_state_to_str(st.state));
    lua_setfield(L, -2, "state");
    if (st.state != DOM_STATE_SHUTOFF) {
        lua_pushinteger(L, st.id);
        lua_setfield(L, -2, "id");
    }
    lua_pushstring(L, def->os.type ? def->os.type : "hvm");
    lua_setfield(L, -2, "os_type");
    lua_pushinteger(L, (lua_Integer)def->vcpus);
    lua_setfield(L, -2, "vcpus");
    lua_pushinteger(L, (lua_Integer)def->memory_kib);
    lua_setfield(L, -2, "max_memory_kib");
    lua_pushinteger(L, (lua_Integer)(def->current_memory_kib ? def->current_memory_kib
                                                             : def->memory_kib));
    lua_setfield(L, -2, "memory_kib");
    lua_pushinteger(L, cpu_time_ns(st.qemu_pid));
    lua_setfield(L, -2, "cpu_time_ns");
    lua_pushboolean(L, dom_store_exists(c, name));
    lua_setfield(L, -2, "persistent");
    lua_pushboolean(L, dom_store_autostart_get(c, name));
    lua_setfield(L, -2, "autostart");
    lua_pushboolean(L, dom_managed_save_exists(c, name));
    lua_setfield(L, -2, "managed_save");
    lua_pushliteral(L, "none");
    lua_setfield(L, -2, "security_model");
    lua_pushstring(L, def->virt_type == DOM_VIRT_KVM ? "kvm" : "qemu");
    lua_setfield(L, -2, "type");
    if (st.qemu_pid > 0) {
        lua_pushinteger(L, st.qemu_pid);
        lua_setfield(L, -2, "pid");
    }
    dom_def_free(def);
    return 1;
}

static int
l_state_reason(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;

    if (dom_status_read(CONN(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, dom_state_to_str(st.state));
    lua_pushstring(L, st.reason);
    return 2;
}

static int
l_rename(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *new_name = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;

    if (dom_rename(CONN(L), name, new_name, &err) < 0)
        return lv_lua_raise(L, &err);
    dom_lua_rename(L, 1, new_name);
    lua_settop(L, 1);
    return 1;
}

static int
l_description(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int title = lv_lua_opt_bool(L, 2, "title", 0);
    int inactive = lv_lua_opt_bool(L, 2, "inactive", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_get_def(CONN(L), name, inactive, &err);
    const char *v;

    if (!def)
        return lv_lua_raise(L, &err);
    v = title ? def->title : def->description;
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    dom_def_free(def);
    return 1;
}

static int
l_set_description(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *text = luaL_optstring(L, 2, "");
    int title = lv_lua_opt_bool(L, 3, "title", 0);
    int live = lv_lua_opt_bool(L, 3, "live", 0);
    int config = lv_lua_opt_bool(L, 3, "config", 0);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_set_description(CONN(L), name, text, title, live, config, &err),
                &err);
}

static int
l_redefine(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    size_t len;
    const char *xml = luaL_checklstring(L, 2, &len);
    int keep = lv_lua_opt_bool(L, 3, "keep_unknown", 0);
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *old = NULL, *def = NULL;
    int r = -1;

    old = dom_get_def(CONN(L), name, 1, &err);
    if (!old)
        goto out;
    def = dom_def_parse_xml(xml, len, name, keep ? DOM_PARSE_KEEP_UNKNOWN : 0, &err);
    if (!def)
        goto out;
    if (strcmp(def->name, name) != 0 || memcmp(def->uuid, old->uuid, 16) != 0) {
        lv_err_set(&err, LV_E_INVALID, "domain '%s': the edited XML changes the "
                   "name or uuid; use domrename to rename", name);
        goto out;
    }
    r = dom_define(CONN(L), def, &err);
out:
    dom_def_free(def);
    dom_def_free(old);
    return lv_lua_chain(L, r, &err);
}

static int
l_console_log(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    char *log = dom_console_log(CONN(L), name);
    lua_pushstring(L, log);
    free(log);
    return 1;
}

static int
l_console_path(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;

    if (dom_status_read(CONN(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (st.pty[0])
        lua_pushstring(L, st.pty);
    else
        lua_pushnil(L);
    return 1;
}

static int
l_console(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    int force = lv_lua_opt_bool(L, 2, "force", 0);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_console_attach(CONN(L), name, 0, 1, force, &err), &err);
}

static int
l_console_write(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *text = luaL_checkstring(L, 2);
    const char *expect = lv_lua_opt_str(L, 3, "expect", NULL);
    int t = (int)(lv_lua_opt_num(L, 3, "timeout", 60) * 1000);
    struct lv_err err = LV_ERR_INIT;
    return lv_lua_chain(L, dom_console_write(CONN(L), name, text, expect, t, &err), &err);
}

static int
l_pid(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct dom_status st;

    if (dom_status_read(CONN(L), name, &st, &err) < 0)
        return lv_lua_raise(L, &err);
    if (st.qemu_pid > 0)
        lua_pushinteger(L, st.qemu_pid);
    else
        lua_pushnil(L);
    return 1;
}

/* d:qmp(command, args) -> the "return" value as Lua */
static int
l_qmp(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *cmd = luaL_checkstring(L, 2);
    struct lv_err err = LV_ERR_INIT;
    json_t *args = NULL, *r;

    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        args = lv_lua_to_json(L, 3);
        if (json_is_array(args) && json_array_size(args) == 0) {
            json_decref(args);
            args = json_object();
        }
    }
    r = dom_qmp(CONN(L), name, cmd, args, &err);
    json_decref(args);
    if (!r)
        return lv_lua_raise(L, &err);
    lv_lua_push_json(L, r);
    json_decref(r);
    return 1;
}

static int
l_monitor_command(lua_State *L)
{
    const char *name = dom_lua_check(L, 1);
    const char *text = luaL_checkstring(L, 2);
    int hmp = lv_lua_opt_bool(L, 3, "hmp", 0);
    struct lv_err err = LV_ERR_INIT;
    char *out = dom_monitor_command(CONN(L), name, text, hmp, &err);

    if (!out)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, out);
    free(out);
    return 1;
}

static const luaL_Reg methods[] = {
    { "start", l_start },
    { "shutdown", l_shutdown },
    { "destroy", l_destroy },
    { "reboot", l_reboot },
    { "reset", l_reset },
    { "suspend", l_suspend },
    { "resume", l_resume },
    { "undefine", l_undefine },
    { "set_autostart", l_set_autostart },
    { "xml", l_xml },
    { "definition", l_definition },
    { "info", l_info },
    { "state_reason", l_state_reason },
    { "rename", l_rename },
    { "description", l_description },
    { "set_description", l_set_description },
    { "redefine", l_redefine },
    { "console_log", l_console_log },
    { "console_path", l_console_path },
    { "console", l_console },
    { "console_write", l_console_write },
    { "pid", l_pid },
    { "monitor_command", l_monitor_command },
    { "qmp", l_qmp },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_methods(void)
{
    return methods;
}
