/* remote_chan.c - framed channel over pipes (see remote_chan.h). */
#include "remote_chan.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "err.h"
#include "fdio.h"
#include "loop.h"
#include "runtime.h"
#include "spawn.h"
#include "unix_sock.h"

#define CHAN_MT "luavirt.remote_chan"

struct chan {
    int rfd, wfd, efd;      /* frames in, frames out, the program's stderr */
    pid_t pid;              /* the spawned program, 0 for stdio */
    unsigned char *buf;     /* bytes read and not yet returned */
    size_t len, cap;
    int eof;
    long long deadline;     /* of the recv in progress; -1 none */
    char why[256];          /* a read error, when there was one */
    char err_line[512];     /* the last complete line of the program's stderr */
    char err_part[512];     /* the line it is writing */
};

void
lv_chan_put_len(unsigned char hdr[4], uint32_t n)
{
    hdr[0] = (unsigned char)(n >> 24);
    hdr[1] = (unsigned char)(n >> 16);
    hdr[2] = (unsigned char)(n >> 8);
    hdr[3] = (unsigned char)n;
}

uint32_t
lv_chan_get_len(const unsigned char hdr[4])
{
    return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
}

static struct chan *
check_chan(lua_State *L)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);

    if (c->rfd < 0)
        luaL_error(L, "remote channel is closed");
    return c;
}

/* Keep the last line of what the program wrote to stderr. */
static void
err_feed(struct chan *c, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(c->err_part);
        if (p[i] == '\n' || p[i] == '\r') {
            if (l) {
                memcpy(c->err_line, c->err_part, l + 1);
                c->err_part[0] = '\0';
            }
        } else if (l + 1 < sizeof(c->err_part)) {
            c->err_part[l] = p[i];
            c->err_part[l + 1] = '\0';
        }
    }
}

/* Read what stderr has now (non-blocking); at its end, stop watching it. */
static void
err_drain(struct chan *c)
{
    char tmp[4096];

    while (c->efd >= 0) {
        ssize_t n = read(c->efd, tmp, sizeof(tmp));
        if (n > 0) {
            err_feed(c, tmp, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        close(c->efd);
        c->efd = -1;
    }
}

static const char *
err_last(struct chan *c)
{
    return c->err_part[0] ? c->err_part : c->err_line;
}

/* A whole frame in buf? Push it and drop it from buf. */
static int
take_frame(lua_State *L, struct chan *c)
{
    uint32_t n;

    if (c->len < 4)
        return 0;
    n = lv_chan_get_len(c->buf);
    if (c->len < 4 + (size_t)n)
        return 0;
    lua_pushlstring(L, (const char *)c->buf + 4, n);
    memmove(c->buf, c->buf + 4 + n, c->len - 4 - n);
    c->len -= 4 + (size_t)n;
    return 1;
}

/* Read what rfd has now into buf: 1 some, 0 nothing yet, -1 at its end. */
static int
fill(struct chan *c)
{
    for (;;) {
        ssize_t n;
        if (c->cap - c->len < 65536) {
            size_t cap = c->cap ? c->cap * 2 : 131072;
            unsigned char *b = realloc(c->buf, cap);
            if (!b) {
                snprintf(c->why, sizeof(c->why), "out of memory");
                return -1;
            }
            c->buf = b;
            c->cap = cap;
        }
        n = read(c->rfd, c->buf + c->len, c->cap - c->len);
        if (n > 0) {
            c->len += (size_t)n;
            if (c->len >= 4 && lv_chan_get_len(c->buf) > LV_CHAN_MAX_FRAME) {
                snprintf(c->why, sizeof(c->why), "a frame of %u bytes (more than %u)",
                         lv_chan_get_len(c->buf), LV_CHAN_MAX_FRAME);
                return -1;
            }
            return 1;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n < 0)
            snprintf(c->why, sizeof(c->why), "%s", strerror(errno));
        return -1;
    }
}

static int
push_closed(lua_State *L, struct chan *c)
{
    /* the program's last words come after its stdout closed */
    if (c->efd >= 0 && c->pid > 0) {
        struct pollfd p = { c->efd, POLLIN, 0 };
        long long end = lv_now_ms() + 2000;
        while (c->efd >= 0 && lv_now_ms() < end) {
            if (poll(&p, 1, (int)(end - lv_now_ms())) <= 0)
                break;
            err_drain(c);
        }
    }
    lua_pushnil(L);
    if (c->why[0])
        lua_pushfstring(L, "closed: %s", c->why);
    else if (*err_last(c))
        lua_pushfstring(L, "closed: %s", err_last(c));
    else
        lua_pushliteral(L, "closed");
    return 2;
}

static int recv_k(lua_State *L, int status, lua_KContext ctx);

/* Wait for rfd (or stderr) outside a task: poll here, no recursion. */
static int
wait_plain(struct chan *c)
{
    struct pollfd p[2] = { { c->rfd, POLLIN, 0 }, { c->efd, POLLIN, 0 } };
    int ms = -1;

    if (c->deadline >= 0) {
        long long left = c->deadline - lv_now_ms();
        ms = left < 0 ? 0 : (int)left;
    }
    if (poll(p, c->efd >= 0 ? 2 : 1, ms) < 0 && errno != EINTR)
        return -1;
    return 0;
}

static int
recv_k(lua_State *L, int status, lua_KContext ctx)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);

    (void)status;
    (void)ctx;
    for (;;) {
        int r;
        if (take_frame(L, c))
            return 1;
        if (c->eof)
            return push_closed(L, c);
        err_drain(c);
        r = fill(c);
        if (r > 0)
            continue;
        if (r < 0) {
            c->eof = 1;
            continue;
        }
        if (c->deadline >= 0 && lv_now_ms() >= c->deadline) {
            lua_pushnil(L);
            lua_pushliteral(L, "timeout");
            return 2;
        }
        if (lv_loop_in_task(L)) {
            int fds[2] = { c->rfd, c->efd };
            return lv_loop_wait(L, fds, 2, c->deadline, 0, recv_k);
        }
        if (wait_plain(c) < 0) {
            snprintf(c->why, sizeof(c->why), "poll: %s", strerror(errno));
            c->eof = 1;
        }
    }
}

static int
l_recv(lua_State *L)
{
    struct chan *c = check_chan(L);
    double t = luaL_optnumber(L, 2, -1);

    lua_settop(L, 1);
    c->deadline = t < 0 ? -1 : lv_now_ms() + (long long)(t * 1000);
    return recv_k(L, LUA_OK, 0);
}

static int
l_send(lua_State *L)
{
    struct chan *c = check_chan(L);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    unsigned char hdr[4];

    if (n > LV_CHAN_MAX_FRAME)
        return luaL_error(L, "remote channel: a frame of %d bytes is too large", (int)n);
    lv_chan_put_len(hdr, (uint32_t)n);
    if (lv_write_all(c->wfd, hdr, 4) < 0 || lv_write_all(c->wfd, s, n) < 0) {
        err_drain(c);
        return luaL_error(L, "remote channel: cannot send: %s%s%s", strerror(errno),
                          *err_last(c) ? ": " : "", err_last(c));
    }
    return 0;
}

/* Close the fds; wait for the program (a little), then kill it. */
static int
chan_shut(struct chan *c, int wait_ms)
{
    int st = -1;

    if (c->wfd >= 0 && c->wfd != c->rfd)
        close(c->wfd);
    if (c->rfd >= 0)
        close(c->rfd);
    c->wfd = c->rfd = -1;
    if (c->pid > 0) {
        struct lv_err err = LV_ERR_INIT;
        if (c->efd >= 0)
            err_drain(c);
        st = lv_spawn_wait(c->pid, wait_ms, &err);
        if (st < 0) {
            kill(c->pid, SIGKILL);
            while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        c->pid = 0;
    }
    if (c->efd >= 0)
        close(c->efd);
    c->efd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
    return st;
}

static int
l_close(lua_State *L)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);
    int had = c->pid > 0, st;

    if (c->rfd < 0)
        return 0;
    st = chan_shut(c, 5000);
    if (had && st >= 0)
        lua_pushinteger(L, st);
    else
        lua_pushnil(L);
    return 1;
}

static int
l_gc(lua_State *L)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);

    if (c->rfd >= 0)
        chan_shut(c, 1000);
    return 0;
}

static int
l_stderr(lua_State *L)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);

    if (c->efd >= 0)
        err_drain(c);
    lua_pushstring(L, err_last(c));
    return 1;
}

static struct chan *
new_chan(lua_State *L)
{
    struct chan *c = lua_newuserdatauv(L, sizeof(*c), 0);

    memset(c, 0, sizeof(*c));
    c->rfd = c->wfd = c->efd = -1;
    c->deadline = -1;
    luaL_setmetatable(L, CHAN_MT);
    return c;
}

static void
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
l_spawn(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
    lua_Integer n;
    char **argv;
    struct chan *c;
    pid_t pid;

    luaL_checktype(L, 1, LUA_TTABLE);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1 && n < 256, 1, "an argv of 1 to 255 strings");
    argv = lua_newuserdatauv(L, sizeof(char *) * (size_t)(n + 1), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        argv[i - 1] = (char *)luaL_checkstring(L, -1);
        lua_pop(L, 1);          /* the string stays in the table */
    }
    argv[n] = NULL;
    /* a peer gone mid-write is an error to report, not a signal to die of */
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0) {
        lv_err_sys(&err, "remote channel: cannot make pipes");
        goto fail;
    }
    {
        struct lv_spawn_opts o = { .stdin_fd = in[0], .stdout_fd = out[1],
                                   .stderr_fd = er[1], .pdeathsig = SIGTERM };
        pid = lv_spawn(argv, &o, &err);
    }
    if (pid < 0)
        goto fail;
    close(in[0]);
    close(out[1]);
    close(er[1]);
    c = new_chan(L);
    c->pid = pid;
    c->wfd = in[1];
    c->rfd = out[0];
    c->efd = er[0];
    set_nonblock(c->rfd);
    set_nonblock(c->efd);
    return 1;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
        if (er[i] >= 0)
            close(er[i]);
    }
    return lv_lua_raise(L, &err);
}

static int
l_stdio(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    int r = fcntl(0, F_DUPFD_CLOEXEC, 3), w = fcntl(1, F_DUPFD_CLOEXEC, 3);
    struct chan *c;

    if (r < 0 || w < 0 || dup2(2, 1) < 0) {
        lv_err_sys(&err, "remote channel: cannot take stdin/stdout");
        if (r >= 0)
            close(r);
        if (w >= 0)
            close(w);
        return lv_lua_raise(L, &err);
    }
    signal(SIGPIPE, SIG_IGN);
    c = new_chan(L);
    c->rfd = r;
    c->wfd = w;
    set_nonblock(c->rfd);
    return 1;
}

/* ---- unix sockets: a relay and its clients (lua/stdlib/remote_relay.lua) ---- */

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
        struct chan *c;
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
        c = new_chan(L);
        c->rfd = c->wfd = fd;
        set_nonblock(fd);
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
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    struct chan *c;
    int fd;

    if (strlen(path) >= sizeof(a.sun_path)) {
        lua_pushnil(L);
        lua_pushliteral(L, "path too long");
        return 2;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        lua_pushnil(L);
        lua_pushstring(L, strerror(e));
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    c = new_chan(L);
    c->rfd = c->wfd = fd;
    set_nonblock(fd);
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
    lua_Integer n;
    char **argv;
    pid_t pid;
    int st;

    luaL_checktype(L, 1, LUA_TTABLE);
    n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1 && n < 256, 1, "an argv of 1 to 255 strings");
    argv = lua_newuserdatauv(L, sizeof(char *) * (size_t)(n + 1), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        argv[i - 1] = (char *)luaL_checkstring(L, -1);
        lua_pop(L, 1);
    }
    argv[n] = NULL;
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

int
lv_remote_chan_open(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "send", l_send }, { "recv", l_recv }, { "close", l_close },
        { "stderr", l_stderr }, { NULL, NULL },
    };
    static const luaL_Reg funcs[] = {
        { "spawn", l_spawn }, { "stdio", l_stdio }, { "run", l_run },
        { "listen", l_listen }, { "connect", l_connect }, { "start_relay", l_start_relay },
        { "private_dir", l_private_dir },
        { "euid", l_euid }, { NULL, NULL },
    };

    if (luaL_newmetatable(L, CHAN_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__close");
    }
    lua_pop(L, 1);
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
    luaL_newlib(L, funcs);
    return 1;
}
