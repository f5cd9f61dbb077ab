/* term.c - a terminal borrowed and given back (see term.h). */
#include "term.h"

#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "deadline.h"
#include "lua_api.h"

#define ENTER "\033[?1049h\033[?25l"
#define LEAVE "\033[?25h\033[?1049l"

static struct termios saved;
static int saved_fd = -1;
static const char *leave_seq;
static volatile sig_atomic_t active;

void
lv_term_restore(void)
{
    if (!active)
        return;
    active = 0;
    tcsetattr(saved_fd, TCSANOW, &saved);
    if (leave_seq && write(STDOUT_FILENO, leave_seq, strlen(leave_seq)) < 0) {
        /* nothing more to do on the way out */
    }
}

static void
on_signal(int sig)
{
    lv_term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

int
lv_term_enter(int fd, int raw, const char *enter, const char *leave)
{
    static int hooked;
    struct termios t;

    if (active)
        return 0;
    if (!isatty(fd) || tcgetattr(fd, &saved) < 0)
        return -1;
    if (!hooked) {
        atexit(lv_term_restore);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        hooked = 1;
    }
    t = saved;
    if (raw) {
        cfmakeraw(&t);
    } else {
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
    }
    saved_fd = fd;
    leave_seq = leave;
    active = 1;
    tcsetattr(fd, TCSANOW, &t);
    if (enter && write(STDOUT_FILENO, enter, strlen(enter)) < 0) {
        lv_term_restore();
        return -1;
    }
    return 0;
}

/* virt.term_start{raw=} -> true, or false when stdin or stdout is no
 * terminal: the alternate screen and keys without echo, or (raw) every
 * byte as typed on the screen as it is (a console) */
static int
l_start(lua_State *L)
{
    int raw = lua_istable(L, 1) && (lua_getfield(L, 1, "raw"), lua_toboolean(L, -1));

    lua_pushboolean(L, isatty(STDOUT_FILENO) &&
                       lv_term_enter(STDIN_FILENO, raw, raw ? NULL : ENTER,
                                     raw ? NULL : LEAVE) == 0);
    return 1;
}

static int
l_stop(lua_State *L)
{
    (void)L;
    lv_term_restore();
    return 0;
}

/* virt.read_key(secs) -> one key (a byte), or nil when none came in time,
 * nil, "eof" when stdin ended */
static int
l_read_key(lua_State *L)
{
    lua_Number secs = luaL_optnumber(L, 1, 0);
    struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
    char c;
    ssize_t n;

    if (lv_poll(&p, 1, lv_now_ms() + (long long)(secs * 1000)) <= 0) {
        lua_pushnil(L);
        return 1;
    }
    if ((n = read(STDIN_FILENO, &c, 1)) != 1) {
        lua_pushnil(L);
        if (n == 0)
            lua_pushliteral(L, "eof");
        return n == 0 ? 2 : 1;
    }
    lua_pushlstring(L, &c, 1);
    return 1;
}

void
lv_term_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "term_start", l_start },
        { "term_stop", l_stop },
        { "read_key", l_read_key },
        { NULL, NULL },
    };

    static const struct lv_api_keys keys[] = {
        { "term_start", 1, "raw" },
        { NULL, 0, NULL },
    };

    lv_api_setfuncs(L, funcs, "virt.", keys);
}
