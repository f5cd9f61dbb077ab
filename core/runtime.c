/* runtime.c - the Lua state of a luavirt process: standard libraries,
 * package.path, the `virt` table with the core functions (uri, json,
 * hostname, run_editor), the luavirt.error type and the connection. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdint.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "remote_chan.h"
#include "lua_api.h"
#include "lua_json.h"
#include "spawn.h"
#include "strbuf.h"

#define CONN_KEY "luavirt.conn"
#define URI_KEY "luavirt.uri"

#ifndef LUAVIRT_LUADIR
#define LUAVIRT_LUADIR "/usr/local/share/luavirt/lua"
#endif

/* The stdlib: LUAVIRT_LUADIR, else beside the binary (the build tree's
 * ../lua, or an install's ../share/luavirt/lua, so installs relocate), else
 * the compiled-in PREFIX path. */
const char *
lv_runtime_luadir(void)
{
    static const char *const rel[] = { "../lua", "../share/luavirt/lua" };
    static char dir[PATH_MAX];
    const char *env = getenv("LUAVIRT_LUADIR");
    char exe[PATH_MAX], probe[PATH_MAX + 32];
    struct stat st;
    ssize_t n;
    char *slash;

    if (env && *env)
        return env;
    if (dir[0])
        return dir;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        for (size_t i = 0; slash && i < 2; i++) {
            snprintf(dir, sizeof(dir), "%.*s/%s", (int)(sizeof(dir) - 32), exe, rel[i]);
            snprintf(probe, sizeof(probe), "%s/stdlib/cli.lua", dir);
            if (stat(probe, &st) == 0)
                return dir;
        }
    }
    snprintf(dir, sizeof(dir), "%s", LUAVIRT_LUADIR);
    return dir;
}

/* ---- luavirt.error ---- */

static int
l_error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "unknown error");
    }
    return 1;
}

static void
push_error_meta(lua_State *L)
{
    if (luaL_newmetatable(L, "luavirt.error")) {
        lua_pushcfunction(L, l_error_tostring);
        lua_setfield(L, -2, "__tostring");
    }
}

/* The object an error is about: the first quoted name in its message. */
static void
push_object(lua_State *L, const char *msg)
{
    const char *a = strchr(msg, '\'');
    const char *b = a ? strchr(a + 1, '\'') : NULL;

    if (a && b)
        lua_pushlstring(L, a + 1, (size_t)(b - a - 1));
    else
        lua_pushnil(L);
}

void
lv_lua_push_error(lua_State *L, const struct lv_err *err)
{
    lua_createtable(L, 0, 4);
    lua_pushstring(L, lv_errcode_to_str(err->code));
    lua_setfield(L, -2, "code");
    lua_pushstring(L, err->msg[0] ? err->msg : "unknown error");
    lua_setfield(L, -2, "message");
    push_object(L, err->msg);
    lua_setfield(L, -2, "object");
    lua_pushinteger(L, err->errnum);
    lua_setfield(L, -2, "errno");
    push_error_meta(L);
    lua_setmetatable(L, -2);
}

int
lv_lua_raise(lua_State *L, const struct lv_err *err)
{
    lv_lua_push_error(L, err);
    return lua_error(L);
}

int
lv_lua_chain(lua_State *L, int r, const struct lv_err *err)
{
    if (r < 0)
        return lv_lua_raise(L, err);
    lua_settop(L, 1);
    return 1;
}

void
lv_lua_to_err(lua_State *L, int idx, struct lv_err *err)
{
    const char *msg = NULL;
    int code = LV_E_INTERNAL;

    idx = lua_absindex(L, idx);
    if (lua_istable(L, idx)) {
        lua_getfield(L, idx, "code");
        if (lua_isstring(L, -1)) {
            int c = lv_errcode_from_str(lua_tostring(L, -1));
            if (c >= 0)
                code = c;
        }
        lua_pop(L, 1);
    }
    msg = luaL_tolstring(L, idx, NULL);
    lv_err_set(err, (enum lv_errcode)code, "%s", msg ? msg : "unknown error");
    lua_pop(L, 1);
}

/* ---- connection ---- */

static int
l_conn_gc(lua_State *L)
{
    /* a finalizer never raises: no luaL_checkudata here */
    struct lv_conn **pc = lua_touserdata(L, 1);
    if (pc) {
        lv_conn_unref(*pc);
        *pc = NULL;
    }
    return 0;
}

struct lv_conn *
lv_lua_conn(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn **pc;
    const char *uri;

    if (lua_getfield(L, LUA_REGISTRYINDEX, CONN_KEY) == LUA_TUSERDATA) {
        pc = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return *pc;
    }
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, URI_KEY);
    uri = lua_tostring(L, -1);
    pc = lua_newuserdatauv(L, sizeof(*pc), 0);
    *pc = NULL;
    if (luaL_newmetatable(L, "luavirt.conn")) {
        lua_pushcfunction(L, l_conn_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    *pc = lv_conn_open(uri, &err);
    if (!*pc)
        return (struct lv_conn *)(intptr_t)lv_lua_raise(L, &err);
    lua_setfield(L, LUA_REGISTRYINDEX, CONN_KEY);
    lua_pop(L, 1);
    return *pc;
}

/* ---- core virt functions ---- */

static int
l_uri(lua_State *L)
{
    lua_pushstring(L, lv_lua_conn(L)->uri);
    return 1;
}

static int
l_hostname(lua_State *L)
{
    char buf[256];

    if (gethostname(buf, sizeof(buf)) < 0) {
        struct lv_err err;
        lv_err_sys(&err, "host: cannot get the hostname");
        return lv_lua_raise(L, &err);
    }
    buf[sizeof(buf) - 1] = '\0';
    lua_pushstring(L, buf);
    return 1;
}

static int
l_json(lua_State *L)
{
    json_t *j;
    char *s;

    luaL_checkany(L, 1);
    j = lv_lua_to_json(L, 1);
    s = json_dumps(j, (lv_lua_opt_bool(L, 2, "compact", 0) ? JSON_COMPACT : JSON_INDENT(2)) |
                   JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(j);
    if (!s)
        return luaL_error(L, "json: cannot encode value");
    lua_pushstring(L, s);
    free(s);
    return 1;
}

static int
l_json_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    struct lv_err err;

    if (!j) {
        lv_err_set(&err, LV_E_INVALID, "json: line %d column %d: %s",
                   je.line, je.column, je.text);
        return lv_lua_raise(L, &err);
    }
    lv_lua_push_json(L, j);
    json_decref(j);
    return 1;
}

static int
l_isatty(lua_State *L)
{
    lua_pushboolean(L, isatty((int)luaL_optinteger(L, 1, 0)));
    return 1;
}

static int
l_run_editor(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *ed = getenv("VISUAL");
    struct lv_err err = LV_ERR_INIT;
    struct lv_spawn_opts o = { 0, 1, 2, NULL, 0, 0, 0, NULL, NULL, NULL };
    char *words = NULL, *save = NULL;
    char *argv[32];
    int n = 0, st;
    pid_t pid;

    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    words = lv_strdup(ed);
    /* EDITOR may carry options ("vim -n"): split on blanks, no shell */
    for (char *w = strtok_r(words, " \t", &save); w && n < 30;
         w = strtok_r(NULL, " \t", &save))
        argv[n++] = w;
    argv[n++] = (char *)path;
    argv[n] = NULL;
    pid = lv_spawn(argv, &o, &err);
    st = pid < 0 ? -1 : lv_spawn_wait(pid, -1, &err);
    free(words);
    if (st < 0)
        return lv_lua_raise(L, &err);
    lua_pushinteger(L, st);
    return 1;
}

/* Push field key of the options table at idx; 0 if absent. */
static int
opt_field(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_getfield(L, idx, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

static int
opt_type_error(lua_State *L, int idx, const char *key, const char *want)
{
    return luaL_argerror(L, idx, lua_pushfstring(L, "option '%s' must be a %s, got %s",
                                                 key, want, luaL_typename(L, -1)));
}

int
lv_lua_opt_bool(lua_State *L, int idx, const char *key, int def)
{
    int v;
    if (!opt_field(L, idx, key))
        return def;
    if (!lua_isboolean(L, -1))
        return opt_type_error(L, idx, key, "boolean");
    v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

lua_Integer
lv_lua_opt_int(lua_State *L, int idx, const char *key, lua_Integer def)
{
    lua_Integer v;
    if (!opt_field(L, idx, key))
        return def;
    if (!lua_isinteger(L, -1))
        return opt_type_error(L, idx, key, "whole number");
    v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

lua_Number
lv_lua_opt_num(lua_State *L, int idx, const char *key, lua_Number def)
{
    lua_Number v;
    if (!opt_field(L, idx, key))
        return def;
    if (lua_type(L, -1) != LUA_TNUMBER)
        return opt_type_error(L, idx, key, "number");
    v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* The string stays valid: it is anchored in the options table. */
const char *
lv_lua_opt_str(lua_State *L, int idx, const char *key, const char *def)
{
    const char *v;
    if (!opt_field(L, idx, key))
        return def;
    if (lua_type(L, -1) != LUA_TSTRING)
        return (const char *)(intptr_t)opt_type_error(L, idx, key, "string");
    v = lua_tostring(L, -1);
    lua_pop(L, 1);
    return v;
}

void
lv_lua_setfuncs(lua_State *L, const luaL_Reg *funcs)
{
    lv_api_setfuncs(L, funcs, "virt.", NULL);
}

/* virt.error(code, message) -> a luavirt.error, for Lua code that raises
 * the same objects as C: error(virt.error("invalid", "vm 'x': ...")) */
static int
l_error(lua_State *L)
{
    const char *code = luaL_checkstring(L, 1);
    const char *msg = luaL_checkstring(L, 2);
    int c = lv_errcode_from_str(code);
    struct lv_err err = LV_ERR_INIT;

    if (c < 0)
        return luaL_argerror(L, 1, lua_pushfstring(L, "unknown error code '%s'", code));
    lv_err_set(&err, (enum lv_errcode)c, "%s", msg);
    lv_lua_push_error(L, &err);
    return 1;
}

static int
connect_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)L;
    (void)status;
    (void)ctx;
    return 1;
}

/* virt.connect(uri) -> a connection to another host (lua/stdlib/remote.lua);
 * in a virt.parallel task it waits for the host without blocking the others */
static int
l_connect(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "remote");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "connect");
    lua_pushvalue(L, 1);
    lua_callk(L, 1, 1, 0, connect_k);
    return 1;
}

/* virt.file_info(path) -> {type="file"|"dir"|"block"|"other", size=,
 * format="qcow2"|"raw" (a file's first bytes)} or nil when path does not
 * exist or cannot be read: what a recipe asks about a path on the
 * connection's host (the same call over a remote connection asks there). */
static int
l_file_info(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct stat st;
    int fd;

    if (stat(path, &st) < 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 3);
    lua_pushstring(L, S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" :
                      S_ISBLK(st.st_mode) ? "block" : "other");
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)st.st_size);
    lua_setfield(L, -2, "size");
    if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
        unsigned char head[4] = { 0 };
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return 1;
        }
        lua_pushstring(L, read(fd, head, 4) == 4 && !memcmp(head, "QFI\xfb", 4) ? "qcow2" : "raw");
        lua_setfield(L, -2, "format");
        close(fd);
    }
    return 1;
}

static const luaL_Reg core_funcs[] = {
    { "connect", l_connect },
    { "file_info", l_file_info },
    { "error", l_error },
    { "uri", l_uri },
    { "hostname", l_hostname },
    { "json", l_json },
    { "json_decode", l_json_decode },
    { "isatty", l_isatty },
    { "run_editor", l_run_editor },
    { "to_xml", lv_api_l_to_xml },
    { "api_keys", lv_api_l_keys },
    { NULL, NULL },
};

/* Precompiled stdlib: <exe dir>/lua/<sub>/NAME.luac (made by make from
 * lua/<sub>/NAME.lua), used only when it is not older than its source, so
 * an edited .lua never loses to stale bytecode. Compiling the CLI's Lua on
 * every one-shot command costs more than the command itself. */
static const char *
bytecode_dir(void)
{
    static char dir[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;

    if (dir[0])
        return dir[0] == '-' ? NULL : dir;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0 || getenv("LUAVIRT_NO_BYTECODE")) {
        dir[0] = '-';
        return NULL;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash) {
        dir[0] = '-';
        return NULL;
    }
    *slash = '\0';
    snprintf(dir, sizeof(dir), "%.*s/lua", (int)(sizeof(dir) - 8), exe);
    return dir;
}

/* 1 if the file a is at least as new as b */
static int
not_older(const struct stat *a, const struct stat *b)
{
    return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
           (a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
            a->st_mtim.tv_nsec >= b->st_mtim.tv_nsec);
}

/* Bytecode lives in the build tree (<exe dir>/lua) or, once installed,
 * beside its source. */
static int
searcher_bytecode(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *dirs[2] = { bytecode_dir(), lv_runtime_luadir() };
    static const char *const subs[] = { "stdlib", "recipes" };
    char src[PATH_MAX], bin[PATH_MAX];
    struct stat ss, bs;
    size_t first = 0;

    if (!strncmp(name, "recipes.", 8)) {    /* "recipes.clone" */
        name += 8;
        first = 1;
    }
    if (strchr(name, '.') || strchr(name, '/') || !dirs[0])
        return 0;
    for (size_t i = first; i < 2; i++) {
        snprintf(src, sizeof(src), "%s/%s/%s.lua", dirs[1], subs[i], name);
        if (stat(src, &ss) < 0)
            continue;
        for (size_t d = 0; d < 2; d++) {
            snprintf(bin, sizeof(bin), "%s/%s/%s.luac", dirs[d], subs[i], name);
            if (stat(bin, &bs) < 0 || !not_older(&bs, &ss))
                continue;
            if (luaL_loadfilex(L, bin, "b") != LUA_OK)
                return 1;   /* the message */
            lua_pushstring(L, bin);
            return 2;
        }
        return 0;   /* the plain searcher loads the source */
    }
    return 0;
}

static void
add_searcher(lua_State *L)
{
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "searchers");
    /* after the preload searcher, before the Lua file searcher */
    for (lua_Integer i = (lua_Integer)luaL_len(L, -1); i >= 2; i--) {
        lua_rawgeti(L, -1, i);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushcfunction(L, searcher_bytecode);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 2);
}

static void
set_path(lua_State *L)
{
    const char *dir = lv_runtime_luadir();

    lua_getglobal(L, "package");
    lua_getfield(L, -1, "path");
    /* recipes are required as "recipes.NAME" (lua/recipes/NAME.lua) */
    lua_pushfstring(L, "%s/stdlib/?.lua;%s/?.lua;%s/recipes/?.lua;%s", dir, dir, dir,
                    lua_tostring(L, -1));
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

lua_State *
lv_runtime_new(const char *uri, struct lv_err *err)
{
    lua_State *L = luaL_newstate();

    if (!L) {
        lv_err_set(err, LV_E_SYSTEM, "lua: cannot create a state: out of memory");
        return NULL;
    }
    lua_gc(L, LUA_GCSTOP);      /* restarted by the caller, or below */
    luaL_openlibs(L);
    set_path(L);
    add_searcher(L);
    if (uri)
        lua_pushstring(L, uri);
    else
        lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, URI_KEY);
    push_error_meta(L);
    lua_pop(L, 1);
    lua_newtable(L);
    lv_lua_setfuncs(L, core_funcs);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "virt");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "virt");
    lua_pop(L, 2);
    /* the channel of remote connections (lua/stdlib/remote*.lua) */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, lv_remote_chan_open);
    lua_setfield(L, -2, "remote_chan");
    lua_pop(L, 1);
    lua_gc(L, LUA_GCRESTART);
    return L;
}

void
lv_runtime_free(lua_State *L)
{
    if (L)
        lua_close(L);
}
