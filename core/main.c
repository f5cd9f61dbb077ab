/* main.c - the luavirt binary: REPL, script runner, one-line virsh-style
 * commands, and (internally) the per-guest supervisor. It is the one place
 * that registers kvm/, net/ and storage/ object types into `virt`. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kvm/dom_lua.h"
#include "../kvm/dom_users.h"
#include "../kvm/host_lua.h"
#include "../kvm/snap_lua.h"
#include "../net/net_lua.h"
#include "../kvm/supervisor.h"
#include "../storage/pool_lua.h"
#include "../storage/vol_lua.h"
#include "err.h"
#include "log.h"
#include "loop.h"
#include "term.h"
#include "repl.h"
#include "runtime.h"
#include "strbuf.h"

#define LUAVIRT_VERSION "0.1.0"

struct main_args {
    int argc;
    char **argv;
    const char *uri;
    const char *code;      /* -e */
    int first;             /* index of the first positional argument */
    int status;            /* exit status set by pmain */
    int one_shot;          /* a CLI command ran: nothing of Lua's is needed after */
};

/* The state of a one-shot command, kept to the end (LeakSanitizer sees it
 * reachable): closing it would only free memory the exit frees, a tenth of
 * a `define`'s instructions. Scripts and the REPL are closed, so their
 * __gc finalizers run as in lua(1). */
static lua_State *volatile kept_state;

static void
usage(FILE *f)
{
    fputs("usage: luavirt [-c URI] [COMMAND [ARGS...]]   virsh-style command\n"
          "       luavirt [-c URI] SCRIPT.lua [ARGS...]   run a Lua script\n"
          "       luavirt [-c URI] -e 'LUA CODE'          run a chunk\n"
          "       luavirt [-c URI]                        interactive shell\n"
          "       luavirt help [COMMAND]                  list commands / show one\n"
          "options: -c, --connect URI  qemu:///system, qemu:///session or\n"
          "                            qemu+ssh://[user@]host[:port]/system (another host)\n"
          "         -d, --debug        debug logging (LUAVIRT_DEBUG=1)\n"
          "         -v, --version      print the version\n", f);
}

/* `luavirt install --connect URI ...` as virt-install and virt-clone take
 * it: a --connect after the command is the same as -c before it (taken out
 * of the command's arguments). */
static void
take_connect(struct main_args *a)
{
    int out = a->first + 1;

    for (int i = a->first + 1; i < a->argc; i++) {
        const char *s = a->argv[i];
        if (strcmp(s, "--") == 0) {
            while (i < a->argc)
                a->argv[out++] = a->argv[i++];
            break;
        }
        if (strcmp(s, "--connect") == 0 && i + 1 < a->argc) {
            a->uri = a->argv[++i];
            continue;
        }
        if (strncmp(s, "--connect=", 10) == 0) {
            a->uri = s + 10;
            continue;
        }
        a->argv[out++] = a->argv[i];
    }
    a->argc = out;
    a->argv[out] = NULL;
}

/* Returns 0, or 1 when main should exit with args->status. */
static int
parse_options(struct main_args *a)
{
    int i = 1;

    for (; i < a->argc; i++) {
        const char *s = a->argv[i];
        if ((strcmp(s, "-c") == 0 || strcmp(s, "--connect") == 0) && i + 1 < a->argc) {
            a->uri = a->argv[++i];
        } else if (strncmp(s, "--connect=", 10) == 0) {
            a->uri = s + 10;
        } else if (strcmp(s, "-e") == 0 && i + 1 < a->argc) {
            a->code = a->argv[++i];
        } else if (strcmp(s, "-d") == 0 || strcmp(s, "--debug") == 0) {
            setenv("LUAVIRT_DEBUG", "debug", 1);
            lv_log_init();
        } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            usage(stdout);
            a->status = 0;
            return 1;
        } else if (strcmp(s, "-v") == 0 || strcmp(s, "--version") == 0) {
            printf("%s\n", LUAVIRT_VERSION);
            a->status = 0;
            return 1;
        } else if (strcmp(s, "--") == 0) {
            i++;
            break;
        } else {
            break;
        }
    }
    a->first = i;
    return 0;
}

static int
msghandler(lua_State *L)
{
    const char *dbg = getenv("LUAVIRT_DEBUG");

    if (!dbg || !*dbg || strcmp(dbg, "0") == 0)
        return 1;   /* keep the error value as it is */
    luaL_traceback(L, L, luaL_tolstring(L, 1, NULL), 1);
    return 1;
}

static void
report(lua_State *L)
{
    const char *msg = luaL_tolstring(L, -1, NULL);
    fprintf(stderr, "error: %s\n", msg ? msg : "(error object is not a string)");
    lua_pop(L, 2);
}

/* Call the function at the top with nargs arguments below it, protected. */
static int
docall(lua_State *L, int nargs, int nres)
{
    int base = lua_gettop(L) - nargs;
    int r;

    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    r = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);
    return r;
}

/* The global `arg` table like lua.c's: arg[0] script, arg[1..] its args. */
static void
set_arg_table(lua_State *L, struct main_args *a, int script)
{
    lua_createtable(L, a->argc, 1);
    for (int i = 0; i < a->argc; i++) {
        lua_pushstring(L, a->argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

static int
run_script(lua_State *L, struct main_args *a)
{
    const char *path = a->argv[a->first];
    int n = 0;

    set_arg_table(L, a, a->first);
    if (luaL_loadfile(L, strcmp(path, "-") == 0 ? NULL : path) != LUA_OK) {
        report(L);
        return 1;
    }
    for (int i = a->first + 1; i < a->argc; i++, n++)
        lua_pushstring(L, a->argv[i]);
    if (docall(L, n, 0) != LUA_OK) {
        report(L);
        return 1;
    }
    return 0;
}

static int
run_code(lua_State *L, struct main_args *a)
{
    set_arg_table(L, a, a->first - 1);
    if (luaL_loadbuffer(L, a->code, strlen(a->code), "=(command line)") != LUA_OK ||
        docall(L, 0, 0) != LUA_OK) {
        report(L);
        return 1;
    }
    return 0;
}

/* Push require(module)[field] (the module stays below it); -1 reported. */
static int
push_module_func(lua_State *L, const char *module, const char *field)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    if (docall(L, 1, 1) != LUA_OK) {
        report(L);
        return -1;
    }
    lua_getfield(L, -1, field);
    return 0;
}

static int
run_command(lua_State *L, struct main_args *a)
{
    int status;

    if (push_module_func(L, "cli", "main") < 0)
        return 1;
    lua_createtable(L, a->argc - a->first, 0);
    for (int i = a->first; i < a->argc; i++) {
        lua_pushstring(L, a->argv[i]);
        lua_rawseti(L, -2, i - a->first + 1);
    }
    if (docall(L, 1, 1) != LUA_OK) {
        report(L);
        return 1;
    }
    status = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
    lua_pop(L, 2);
    return status;
}

/* luavirt __serve URI: the far end of a remote connection (ssh runs it) */
static int
run_serve(lua_State *L)
{
    if (push_module_func(L, "remote_serve", "serve") < 0)
        return 1;
    lua_getglobal(L, "virt");
    lua_getfield(L, -1, "uri");
    lua_remove(L, -2);
    if (docall(L, 0, 1) != LUA_OK) {
        report(L);
        return 1;
    }
    if (docall(L, 1, 1) != LUA_OK) {
        report(L);
        return 1;
    }
    return lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
}

/* luavirt __relay URI SOCKET: keeps a connection for later commands
 * (lua/stdlib/remote_relay.lua); started by one, it detaches from it. */
static int
run_relay(lua_State *L, struct main_args *a)
{
    pid_t pid;

    if (a->first + 2 >= a->argc) {
        fprintf(stderr, "error: __relay URI SOCKET\n");
        return 1;
    }
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid > 0)
        _exit(0);       /* the starter waits for this one, not for the relay */
    if (push_module_func(L, "remote_relay", "run") < 0)
        return 1;
    lua_pushstring(L, a->argv[a->first + 1]);
    lua_pushstring(L, a->argv[a->first + 2]);
    if (docall(L, 2, 1) != LUA_OK) {
        report(L);
        return 1;
    }
    return 0;
}

/* A URI another host answers (qemu+ssh://...). */
static int
is_remote(const char *uri)
{
    return uri && strstr(uri, "+ssh://") != NULL;
}

/* -c qemu+ssh://... : the connection becomes `virt` (lua/stdlib/remote.lua) */
static int
install_remote(lua_State *L, const char *uri)
{
    if (push_module_func(L, "remote", "install") < 0)
        return 1;
    lua_pushstring(L, uri);
    if (docall(L, 1, 0) != LUA_OK) {
        report(L);
        return 1;
    }
    lua_pop(L, 1);
    return 0;
}

static char *
history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");

    if (state && *state)
        return lv_asprintf("%s/luavirt_history", state);
    if (home && *home)
        return lv_asprintf("%s/.luavirt_history", home);
    return NULL;
}

static int
is_script(const char *s)
{
    size_t n = strlen(s);
    return strcmp(s, "-") == 0 || (n > 4 && strcmp(s + n - 4, ".lua") == 0);
}

/* help(x): lua/stdlib/help.lua, loaded on first use */
static int
l_help(lua_State *L)
{
    int n = lua_gettop(L);

    lua_getglobal(L, "require");
    lua_pushliteral(L, "help");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "help");
    lua_insert(L, 1);
    lua_pop(L, 1);
    lua_call(L, n, 0);
    return 0;
}

static int
pmain(lua_State *L)
{
    struct main_args *a = lua_touserdata(L, 1);
    struct lv_err err = LV_ERR_INIT;

    lua_settop(L, 0);
    /* the bindings make a few hundred objects that all live to the end:
     * collecting while they are made is work for nothing */
    lua_gc(L, LUA_GCSTOP);
    lua_getglobal(L, "virt");
    dom_lua_open(L);
    host_lua_open(L);
    pool_lua_open(L);
    vol_lua_open(L);
    net_lua_open(L);
    snap_lua_open(L);
    lv_loop_open(L);
    lv_term_open(L);
    lua_pushliteral(L, LUAVIRT_VERSION);
    lua_setfield(L, -2, "VERSION");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_help);
    lua_setglobal(L, "help");
    lua_gc(L, LUA_GCRESTART);
    if (a->first < a->argc && strcmp(a->argv[a->first], "__serve") == 0) {
        a->status = run_serve(L);
        return 0;
    }
    if (a->first < a->argc && strcmp(a->argv[a->first], "__relay") == 0) {
        a->status = run_relay(L, a);
        return 0;
    }
    if (is_remote(a->uri) && install_remote(L, a->uri) != 0) {
        a->status = 1;
        return 0;
    }
    if (a->code) {
        a->status = run_code(L, a);
    } else if (a->first < a->argc && is_script(a->argv[a->first])) {
        a->status = run_script(L, a);
    } else if (a->first < a->argc) {
        a->status = run_command(L, a);
        a->one_shot = 1;
    } else {
        char *hist = history_path();
        a->status = lv_repl_run(L, hist, &err) < 0 ? 1 : 0;
        if (a->status)
            fprintf(stderr, "error: %s\n", err.msg);
        free(hist);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct main_args a = { argc, argv, NULL, NULL, 1, 0, 0 };
    struct lv_err err = LV_ERR_INIT;
    lua_State *L;

    if (argc > 1 && strcmp(argv[1], "__supervise") == 0)
        return supervisor_main(argc - 1, argv + 1);
    lv_log_init();
    /* net/ and storage/ ask kvm/ which guests run, through the connection */
    lv_conn_set_guest_walker(dom_each_running);
    if (parse_options(&a))
        return a.status;
    if (!a.code && a.first < argc && !is_script(argv[a.first]))
        take_connect(&a);
    if (a.first < a.argc && strcmp(argv[a.first], "__serve") == 0) {
        a.uri = a.first + 1 < a.argc ? argv[a.first + 1] : NULL;
        if (is_remote(a.uri)) {
            fprintf(stderr, "error: __serve serves this host: qemu:///system or "
                    "qemu:///session, not '%s'\n", a.uri);
            return 1;
        }
    } else if (!a.uri) {
        const char *env = getenv("LUAVIRT_DEFAULT_URI");
        if (is_remote(env))
            a.uri = env;
    }
    L = lv_runtime_new(a.uri, &err);
    if (!L) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        report(L);
        a.status = 1;
    }
    if (a.one_shot)
        kept_state = L;
    else
        lv_runtime_free(L);
    fflush(stdout);
    return a.status;
}
