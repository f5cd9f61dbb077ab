/* snap_lua.c - luavirt.snapshot: a handle naming one snapshot of one
 * domain (s.name, s.domain, s.parent, s.state, s.current; s:revert{},
 * s:delete{}, s:xml{}, s:info(), s:definition()), and virt.restore(path). Every call reads the
 * metadata afresh: other shells change it. */
#include "snap_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dom_lua_priv.h"
#include "dom_save.h"
#include "lua_fields.h"
#include "lua_handle.h"
#include "runtime.h"
#include "snap.h"
#include "strbuf.h"

#define SNAP_MT "luavirt.snapshot"

static const struct lv_handle_type snap_type;

void
snap_lua_push(lua_State *L, const char *dom, const char *name)
{
    lv_handle_push(L, &snap_type, dom, name);
}

/* The handle: parent is the domain, name the snapshot. */
static struct lv_handle *
check_snap(lua_State *L, int idx)
{
    return lv_handle_check(L, idx, &snap_type);
}

static void
snap_tostring(lua_State *L, const struct lv_handle *h)
{
    lua_pushfstring(L, "snapshot '%s' of domain '%s'", h->name, h->parent);
}

static int
l_revert(lua_State *L)
{
    struct lv_handle *ud = check_snap(L, 1);
    int running = lv_lua_opt_bool(L, 2, "running", 0);
    int paused = lv_lua_opt_bool(L, 2, "paused", 0);
    struct lv_err err = LV_ERR_INIT;

    if (running && paused)
        return luaL_argerror(L, 2, "running and paused exclude each other");
    return lv_lua_chain(L, snap_revert(lv_lua_conn(L), ud->parent, ud->name,
                                       running ? SNAP_REVERT_RUNNING :
                                       paused ? SNAP_REVERT_PAUSED :
                                       SNAP_REVERT_AS_SAVED, &err), &err);
}

/* s:delete{children=, children_only=, metadata=} -> s, names removed */
static int
l_delete(lua_State *L)
{
    struct lv_handle *ud = check_snap(L, 1);
    unsigned flags = 0;
    struct lv_err err = LV_ERR_INIT;
    char **gone = NULL;
    size_t n = 0;

    if (lv_lua_opt_bool(L, 2, "children", 0))
        flags |= SNAP_DELETE_CHILDREN;
    if (lv_lua_opt_bool(L, 2, "children_only", 0))
        flags |= SNAP_DELETE_CHILDREN_ONLY;
    if (lv_lua_opt_bool(L, 2, "metadata", 0))
        flags |= SNAP_DELETE_METADATA;
    if ((flags & SNAP_DELETE_CHILDREN) && (flags & SNAP_DELETE_CHILDREN_ONLY))
        return luaL_argerror(L, 2, "children and children_only exclude each other");
    if (snap_delete(lv_lua_conn(L), ud->parent, ud->name, flags, &gone, &n, &err) < 0)
        return lv_lua_raise(L, &err);
    lua_settop(L, 1);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, gone[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    snap_names_free(gone, n);
    return 2;
}

static int
l_xml(lua_State *L)
{
    struct lv_handle *ud = check_snap(L, 1);
    struct lv_err err = LV_ERR_INIT;
    char *xml = snap_get_xml(lv_lua_conn(L), ud->parent, ud->name, &err);

    if (!xml)
        return lv_lua_raise(L, &err);
    lua_pushstring(L, xml);
    free(xml);
    return 1;
}

/* The guest's state at snapshot time in the domain's words ("shut off",
 * as domstate says; the XML has "shutoff"). */
static const char *
state_word(const char *xml_state)
{
    if (xml_state && strcmp(xml_state, "shutoff") == 0)
        return "shut off";
    return xml_state;
}

/* The table form: what create_snapshot takes and the XML holds. */
static void
push_def(lua_State *L, const struct snap_def *s)
{
    lua_createtable(L, 0, 6);
    lv_lua_set_str(L, "name", s->name);
    lv_lua_set_str(L, "description", s->description);
    lv_lua_set_str(L, "state", state_word(s->state));
    lv_lua_set_str(L, "parent", s->parent);
    lv_lua_set_str(L, "location", snap_is_external(s) ? "external" : "internal");
    lua_pushinteger(L, s->creation_time);
    lua_setfield(L, -2, "creation_time");
}

static int
l_definition(lua_State *L)
{
    struct lv_handle *ud = check_snap(L, 1);
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *s = snap_get(lv_lua_conn(L), ud->parent, ud->name, &err);

    if (!s)
        return lv_lua_raise(L, &err);
    push_def(L, s);
    snap_def_free(s);
    return 1;
}

/* virsh snapshot-info's facts as a table */
static int
l_info(lua_State *L)
{
    struct lv_handle *ud = check_snap(L, 1);
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *s = snap_get(c, ud->parent, ud->name, &err);
    int kids, all;

    if (!s)
        return lv_lua_raise(L, &err);
    kids = snap_children(c, ud->parent, ud->name, 0, &err);
    all = kids < 0 ? -1 : snap_children(c, ud->parent, ud->name, 1, &err);
    if (all < 0) {
        snap_def_free(s);
        return lv_lua_raise(L, &err);
    }
    push_def(L, s);
    lv_lua_set_str(L, "domain", ud->parent);
    lua_pushboolean(L, s->current);
    lua_setfield(L, -2, "current");
    lua_pushinteger(L, kids);
    lua_setfield(L, -2, "children");
    lua_pushinteger(L, all);
    lua_setfield(L, -2, "descendants");
    lua_pushboolean(L, s->dom != NULL);
    lua_setfield(L, -2, "metadata");
    snap_def_free(s);
    return 1;
}

/* s.parent, s.state, s.description: from the snapshot's metadata */
static int
push_meta(lua_State *L, const struct lv_handle *ud, const char *key)
{
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *s = snap_get(lv_lua_conn(L), ud->parent, ud->name, &err);
    const char *v;

    if (!s)
        return lv_lua_raise(L, &err);
    if (strcmp(key, "parent") == 0) {
        if (s->parent)
            snap_lua_push(L, ud->parent, s->parent);
        else
            lua_pushnil(L);
    } else {
        v = key[0] == 's' ? state_word(s->state) : s->description;
        if (v)
            lua_pushstring(L, v);
        else
            lua_pushnil(L);
    }
    snap_def_free(s);
    return 1;
}

static const luaL_Reg methods[] = {
    { "revert", l_revert },
    { "delete", l_delete },
    { "xml", l_xml },
    { "info", l_info },
    { "definition", l_definition },
    { NULL, NULL },
};

static int
snap_property(lua_State *L, const struct lv_handle *ud, const char *key)
{
    struct lv_err err = LV_ERR_INIT;

    if (strcmp(key, "name") == 0) {
        lua_pushstring(L, ud->name);
    } else if (strcmp(key, "domain") == 0) {
        dom_lua_push(L, ud->parent);
    } else if (strcmp(key, "parent") == 0 || strcmp(key, "state") == 0 ||
               strcmp(key, "description") == 0) {
        return push_meta(L, ud, key);
    } else if (strcmp(key, "current") == 0) {
        char *cur = snap_current(lv_lua_conn(L), ud->parent, &err);
        if (!cur && err.code != LV_E_OK)
            return lv_lua_raise(L, &err);
        lua_pushboolean(L, cur && strcmp(cur, ud->name) == 0);
        free(cur);
    } else {
        return 0;
    }
    return 1;
}

static const luaL_Reg *const snap_method_tables[] = { methods, NULL };

static const char *const snap_props[] = {
    "name", "domain", "parent", "state", "current", "description", NULL,
};

static const struct lv_api_keys snap_keys[] = {
    { "revert", 2, "running paused" },
    { "delete", 2, "children children_only metadata" },
    { "xml", 2, "security_info" },
    { "restore", 2, "running paused" },
    { NULL, 0, NULL },
};

static const struct lv_handle_type snap_type = {
    .mt = SNAP_MT,
    .kind = "snapshot",
    .methods = snap_method_tables,
    .property = snap_property,
    .tostring = snap_tostring,
    .props = snap_props,
    .keys = snap_keys,
};

/* virt.restore(path, {paused=, running=}) -> domain */
static int
l_restore(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int running = lv_lua_opt_bool(L, 2, "running", 0);
    int paused = lv_lua_opt_bool(L, 2, "paused", 0);
    struct lv_err err = LV_ERR_INIT;
    char *name = NULL;

    if (running && paused)
        return luaL_argerror(L, 2, "running and paused exclude each other");
    if (dom_restore(lv_lua_conn(L), path,
                    running ? DOM_RESTORE_RUNNING : paused ? DOM_RESTORE_PAUSED
                                                           : DOM_RESTORE_AS_SAVED,
                    &name, &err) < 0)
        return lv_lua_raise(L, &err);
    dom_lua_push(L, name);
    free(name);
    return 1;
}

void
snap_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "restore", l_restore },
        { NULL, NULL },
    };

    lv_handle_register(L, &snap_type);
    lv_api_setfuncs(L, funcs, "virt.", snap_keys);
}
