/* remote_sock.c - the parts of require("remote_chan") around the channel
 * (see remote_chan.h): the unix socket of a relay and its clients
 * (lua/stdlib/remote_relay.lua), starting a relay, running ssh -t on this
 * terminal, and the private directory they live in. */
#include "remote_chan_priv.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "err.h"
#include "runtime.h"
#include "spawn.h"
#include "unix_sock.h"

#define LISTENER_MT "luavirt.remote_listener"

/* listen(path) -> listener: a socket of mode 0600 (in a 0700 directory) */
static int
l_listen(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;
    int fd = lv_unix_listen(path, 0600, 16, &err);
    int *u;

    if (fd < 0)
        return lv_lua_raise(L, &err);
    u = lua_newuserdatauv(L, sizeof(int), 0);
    *u = fd;
    luaL_setmetatable(L, LISTENER_MT);
    return 1;
}

/* listener:accept(timeout_s) -> chan | nil, "timeout": a client of this
 * user only (SO_PEERCRED) */
static int
l_accept(lua_State *L)
{
    int *u = luaL_checkudata(L, 1, LISTENER_MT);
    double t = luaL_optnumber(L, 2, -1);
    long long deadline = t < 0 ? -1 : lv_now_ms() + (long long)(t * 1000);

    for (;;) {
        struct pollfd p = { *u, POLLIN, 0 };
        struct ucred cr;
        socklen_t len = sizeof(cr);
        int fd, r = lv_poll(&p, 1, deadline);

        if (r == 0) {
            lua_pushnil(L);
            lua_pushliteral(L, "timeout");
            return 2;
        }
        if (r < 0)
            return luaL_error(L, "remote relay: poll: %s", strerror(errno));
        fd = accept4(*u, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != geteuid()) {
            close(fd);
            continue;
        }
        lv_chan_push_socket(L, fd);
        return 1;
    }
}

static int
l_listener_close(lua_State *L)
{
    int *u = luaL_checkudata(L, 1, LISTENER_MT);

    if (*u >= 0)
        close(*u);
    *u = -1;
    return 0;
}

/* connect(path) -> chan | nil, why */
static int
l_connect(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct lv_err err = LV_ERR_INIT;
    int fd = lv_unix_connect(path, "remote relay", &err);

    if (fd < 0) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    lv_chan_push_socket(L, fd);
    return 1;
}

/* start_relay(uri, path): `luavirt __relay URI PATH` in a session of its
 * own, stdio on /dev/null; the intermediate process it forks from is
 * waited for here, so the relay is nobody's child (no zombie). */
static int
l_start_relay(lua_State *L)
{
    const char *uri = luaL_checkstring(L, 1), *path = luaL_checkstring(L, 2);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    struct lv_err err = LV_ERR_INIT;
    struct lv_spawn_opts o = { .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1,
                               .new_session = 1 };
    char *argv[] = { self, (char *)"__relay", (char *)uri, (char *)path, NULL };
    pid_t pid;

    if (n <= 0) {
        lv_err_sys(&err, "remote relay: cannot find this program");
        return lv_lua_raise(L, &err);
    }
    self[n] = '\0';
    if ((pid = lv_spawn(argv, &o, &err)) < 0 || lv_spawn_wait(pid, 5000, &err) < 0)
        return lv_lua_raise(L, &err);
    return 0;
}

/* run(argv) -> exit status: argv with this process's stdin, stdout and
 * stderr (an interactive ssh -t), waited for. */
static int
l_run(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct lv_spawn_opts o = { .stdin_fd = 0, .stdout_fd = 1, .stderr_fd = 2 };
    char **argv = lv_chan_check_argv(L, 1);
    pid_t pid;
    int st;

    fflush(stdout);
    if ((pid = lv_spawn(argv, &o, &err)) < 0 || (st = lv_spawn_wait(pid, -1, &err)) < 0)
        return lv_lua_raise(L, &err);
    lua_pushinteger(L, st);
    return 1;
}

/* private_dir(path): make path a directory only this user can enter (0700,
 * owned by the effective uid, not a symlink), or say why it is not one. */
static int
l_private_dir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct stat st;

    if (mkdir(path, 0700) < 0 && errno != EEXIST) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077)) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: not a directory of uid %d with mode 0700", path,
                        (int)geteuid());
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int
l_euid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)geteuid());
    return 1;
}

void
lv_remote_sock_funcs(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "run", l_run }, { "listen", l_listen }, { "connect", l_connect },
        { "start_relay", l_start_relay }, { "private_dir", l_private_dir },
        { "euid", l_euid }, { NULL, NULL },
    };

    if (luaL_newmetatable(L, LISTENER_MT)) {
        static const luaL_Reg lm[] = {
            { "accept", l_accept }, { "close", l_listener_close }, { NULL, NULL },
        };
        luaL_newlib(L, lm);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_listener_close);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_setfuncs(L, funcs, 0);
}
