/* term.c - the alternate screen and single keys (see term.h). */
#include "term.h"

#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "deadline.h"
#include "lua_api.h"

#define ENTER "\033[?1049h\033[?25l"
#define LEAVE "\033[?25h\033[?1049l"

static struct termios saved;
static volatile sig_atomic_t active;

static void
restore(void)
{
    if (!active)
        return;
    active = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (write(STDOUT_FILENO, LEAVE, sizeof(LEAVE) - 1) < 0) {
        /* nothing more to do on the way out */
    }
}

static void
on_signal(int sig)
{
    restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* virt.term_start() -> true, or false when stdin or stdout is no terminal */
static int
l_start(lua_State *L)
{
    static int hooked;
    struct termios t;

    if (active) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
        tcgetattr(STDIN_FILENO, &saved) < 0) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if (!hooked) {
        atexit(restore);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        hooked = 1;
    }
    t = saved;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    active = 1;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
    if (write(STDOUT_FILENO, ENTER, sizeof(ENTER) - 1) < 0)
        return luaL_error(L, "terminal: cannot write");
    lua_pushboolean(L, 1);
    return 1;
}

static int
l_stop(lua_State *L)
{
    (void)L;
    restore();
    return 0;
}

/* virt.read_key(secs) -> one key (a byte), or nil when none came in time
 * or stdin ended */
static int
l_read_key(lua_State *L)
{
    lua_Number secs = luaL_optnumber(L, 1, 0);
    struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
    char c;

    if (lv_poll(&p, 1, lv_now_ms() + (long long)(secs * 1000)) <= 0 ||
        read(STDIN_FILENO, &c, 1) != 1) {
        lua_pushnil(L);
        return 1;
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

    lv_api_setfuncs(L, funcs, "virt.", NULL);
}
