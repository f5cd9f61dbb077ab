/* remote_chan.c - framed channel over pipes (see remote_chan.h). */
#include "remote_chan.h"
#include "remote_chan_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "err.h"
#include "fdio.h"
#include "loop.h"
#include "runtime.h"
#include "spawn.h"

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

/* Close the fds; wait for the program (a little), then kill it. term:
 * ask it to end first (a program that does not end at EOF: ssh -N). */
static int
chan_shut(struct chan *c, int wait_ms, int term)
{
    int st = -1;

    if (c->wfd >= 0 && c->wfd != c->rfd)
        close(c->wfd);
    if (c->rfd >= 0)
        close(c->rfd);
    c->wfd = c->rfd = -1;
    if (c->pid > 0 && term)
        kill(c->pid, SIGTERM);
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
    st = chan_shut(c, 5000, lua_toboolean(L, 2));
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
        chan_shut(c, 1000, 0);
    return 0;
}

/* chan:running() -> has the program not ended yet? (one that ends is
 * reaped here; close then gives nil) */
static int
l_running(lua_State *L)
{
    struct chan *c = luaL_checkudata(L, 1, CHAN_MT);
    int st;

    if (c->pid > 0 && waitpid(c->pid, &st, WNOHANG) == c->pid)
        c->pid = 0;
    if (c->efd >= 0)
        err_drain(c);
    lua_pushboolean(L, c->pid > 0);
    return 1;
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

static void
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
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

void
lv_chan_push_socket(lua_State *L, int fd)
{
    struct chan *c = new_chan(L);

    c->rfd = c->wfd = fd;
    set_nonblock(fd);
}

/* The argv table at idx as a NULL-ended array (a userdata pushed on the
 * stack; the strings stay in the table). */
char **
lv_chan_check_argv(lua_State *L, int idx)
{
    lua_Integer n;
    char **argv;

    luaL_checktype(L, idx, LUA_TTABLE);
    n = luaL_len(L, idx);
    luaL_argcheck(L, n >= 1 && n < 256, idx, "an argv of 1 to 255 strings");
    argv = lua_newuserdatauv(L, sizeof(char *) * (size_t)(n + 1), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        argv[i - 1] = (char *)luaL_checkstring(L, -1);
        lua_pop(L, 1);
    }
    argv[n] = NULL;
    return argv;
}

static int
l_spawn(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
    char **argv = lv_chan_check_argv(L, 1);
    struct chan *c;
    pid_t pid;

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

/* hex(s) -> the bytes of s in hex; unhex(h) -> the bytes (what the wire
 * carries for a string that is not UTF-8: a volume's chunks) */
static int
l_hex(lua_State *L)
{
    static const char digits[] = "0123456789abcdef";
    size_t n;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, 2 * n);

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[s[i] >> 4];
        out[2 * i + 1] = digits[s[i] & 15];
    }
    luaL_pushresultsize(&b, 2 * n);
    return 1;
}

static int
nibble(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int
l_unhex(lua_State *L)
{
    size_t n;
    const char *h = luaL_checklstring(L, 1, &n);
    luaL_Buffer b;
    char *out;

    if (n % 2)
        return luaL_argerror(L, 1, "hex of odd length");
    out = luaL_buffinitsize(L, &b, n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = nibble(h[2 * i]), lo = nibble(h[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return luaL_argerror(L, 1, "not hex");
        out[i] = (char)(hi << 4 | lo);
    }
    luaL_pushresultsize(&b, n / 2);
    return 1;
}

int
lv_remote_chan_open(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "send", l_send }, { "recv", l_recv }, { "close", l_close },
        { "stderr", l_stderr }, { "running", l_running }, { NULL, NULL },
    };
    static const luaL_Reg funcs[] = {
        { "spawn", l_spawn }, { "stdio", l_stdio }, { "hex", l_hex }, { "unhex", l_unhex },
        { NULL, NULL },
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
    luaL_newlib(L, funcs);
    lv_remote_sock_funcs(L);
    return 1;
}
