/* dom_lua_clone.c - d:clone{...}: the Lua face of dom_clone.h. Returns
 * the new domain, or with dry_run the XML the clone would have. */
#include <stdlib.h>
#include <string.h>

#include "dom_clone.h"
#include "dom_lua_priv.h"
#include "dom_xml.h"
#include "runtime.h"

#define CONN(L) lv_lua_conn(L)

struct progress {
    lua_State *L;
    int fn;                  /* stack index of progress(target, pct), or 0 */
    const char *target;
    int failed;              /* the function raised: its error is on the stack */
};

static void
on_disk(const char *target, const char *from, const char *to, void *arg)
{
    struct progress *p = arg;

    (void)from;
    (void)to;
    p->target = target;
}

static int
on_progress(double pct, void *arg)
{
    struct progress *p = arg;
    int stop;

    if (!p->fn || p->failed)
        return p->failed;
    lua_pushvalue(p->L, p->fn);
    lua_pushstring(p->L, p->target);
    lua_pushnumber(p->L, pct);
    if (lua_pcall(p->L, 2, 1, 0) != LUA_OK) {
        p->failed = 1;                  /* re-raised once the copy stopped */
        return 1;
    }
    stop = lua_isboolean(p->L, -1) && !lua_toboolean(p->L, -1);
    lua_pop(p->L, 1);
    return stop;
}

/* The strings of the list opts[key] (a string counts as a list of one),
 * in a NULL-terminated array; *n their count. */
static char **
opt_list(lua_State *L, int opts, const char *key, size_t *n)
{
    char **v;

    *n = 0;
    lua_getfield(L, opts, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_isstring(L, -1)) {
        v = lv_calloc(2, sizeof(char *));
        v[(*n)++] = lv_strdup(lua_tostring(L, -1));
    } else if (lua_istable(L, -1)) {
        size_t len = (size_t)luaL_len(L, -1);
        v = lv_calloc(len + 1, sizeof(char *));
        for (size_t i = 1; i <= len; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (!lua_isstring(L, -1)) {
                lua_pop(L, 2);
                for (size_t k = 0; k < *n; k++)
                    free(v[k]);
                free(v);
                luaL_error(L, "bad argument #1 to 'domain:clone' (%s[%d] is not a "
                           "string)", key, (int)i);
            }
            v[(*n)++] = lv_strdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    } else {
        luaL_error(L, "bad argument #1 to 'domain:clone' ('%s' must be a string or "
                   "a list of strings)", key);
        return NULL;
    }
    lua_pop(L, 1);
    return v;
}

static void
list_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int
l_clone(lua_State *L)
{
    const char *src = dom_lua_check(L, 1);
    struct progress p = { .L = L };
    struct dom_clone_opts o = { 0 };
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def;
    char **files, **skip;

    luaL_checktype(L, 2, LUA_TTABLE);
    o.new_name = lv_lua_opt_str(L, 2, "name", NULL);
    o.auto_paths = lv_lua_opt_bool(L, 2, "auto", 0);
    o.linked = lv_lua_opt_bool(L, 2, "linked", 0);
    o.preserve_data = lv_lua_opt_bool(L, 2, "preserve_data", 0);
    o.dry_run = lv_lua_opt_bool(L, 2, "dry_run", 0);
    if (lua_getfield(L, 2, "progress") == LUA_TFUNCTION)
        p.fn = lua_gettop(L);
    else if (!lua_isnil(L, -1))
        return luaL_argerror(L, 2, "'progress' must be a function");
    files = opt_list(L, 2, "files", &o.n_files);
    skip = opt_list(L, 2, "skip", &o.n_skip);
    o.files = files;
    o.skip = skip;
    o.progress = on_progress;
    o.on_disk = on_disk;
    o.progress_arg = &p;
    def = dom_clone(CONN(L), src, &o, &err);
    list_free(files, o.n_files);
    list_free(skip, o.n_skip);
    if (p.failed)
        return lua_error(L);            /* the progress function's error */
    if (!def)
        return lv_lua_raise(L, &err);
    if (o.dry_run)
        return dom_lua_push_xml(L, def, DOM_FORMAT_INACTIVE, &err);
    dom_lua_push(L, def->name);
    dom_def_free(def);
    return 1;
}

static const luaL_Reg methods[] = {
    { "clone", l_clone },
    { NULL, NULL },
};

const luaL_Reg *
dom_lua_clone_methods(void)
{
    return methods;
}
