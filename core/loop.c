/* loop.c - tasks and the poll loop that resumes them (see loop.h). */
#include "loop.h"

#include <lauxlib.h>
#include <poll.h>
#include <stdlib.h>

#include "deadline.h"
#include "lua_api.h"
#include "runtime.h"
#include "strbuf.h"

#define DEFAULT_JOBS 8

struct task {
    lua_State *co;
    int ref;                     /* keeps co alive */
    lua_Integer index;           /* of its item */
    int fds[LV_LOOP_MAX_FDS];
    int nfds;
    long long deadline;          /* -1: none */
    int asked;                   /* the last yield came from lv_loop_wait */
    int waiting;
};

static struct task *current;     /* the task being resumed, if any */

int
lv_loop_in_task(lua_State *L)
{
    return current && current->co == L;
}

int
lv_loop_wait(lua_State *L, const int *fds, int n, long long deadline,
             lua_KContext ctx, lua_KFunction k)
{
    struct pollfd p[LV_LOOP_MAX_FDS];
    int m = 0;

    if (lv_loop_in_task(L)) {
        current->nfds = 0;
        for (int i = 0; i < n && current->nfds < LV_LOOP_MAX_FDS; i++)
            if (fds[i] >= 0)
                current->fds[current->nfds++] = fds[i];
        current->deadline = deadline;
        current->asked = 1;
        return lua_yieldk(L, 0, ctx, k);
    }
    for (int i = 0; i < n && m < LV_LOOP_MAX_FDS; i++)
        if (fds[i] >= 0)
            p[m++] = (struct pollfd){ fds[i], POLLIN, 0 };
    if (m > 0 || deadline >= 0)
        lv_poll(p, (nfds_t)m, deadline);
    return k(L, LUA_OK, ctx);
}

/* results[t->index] = {ok=true, value=} or {ok=false, error=}. */
static void
record(lua_State *L, int results, const struct task *t, int ok)
{
    lua_createtable(L, 0, 2);
    lua_pushboolean(L, ok);
    lua_setfield(L, -2, "ok");
    lua_xmove(t->co, L, 1);
    lua_setfield(L, -2, ok ? "value" : "error");
    lua_seti(L, results, t->index);
}

/* Resume t with nargs on its stack; 1 when it has finished. */
static int
step(lua_State *L, int results, struct task *t, int nargs)
{
    struct task *outer = current;
    int nres = 0, status;

    current = t;
    t->asked = 0;
    status = lua_resume(t->co, L, nargs, &nres);
    current = outer;
    if (status == LUA_YIELD) {
        lua_pop(t->co, nres);
        if (!t->asked) {            /* a plain coroutine.yield: go on soon */
            t->nfds = 0;
            t->deadline = lv_now_ms();
        }
        t->waiting = 1;
        return 0;
    }
    if (status == LUA_OK) {
        if (nres == 0)
            lua_pushnil(t->co);
        else if (nres > 1)
            lua_pop(t->co, nres - 1);
        record(L, results, t, 1);
    } else {
        record(L, results, t, 0);
    }
    t->waiting = 0;
    luaL_unref(L, LUA_REGISTRYINDEX, t->ref);
    t->co = NULL;
    return 1;
}

static void
start(lua_State *L, int results, struct task *t, lua_Integer index)
{
    t->co = lua_newthread(L);
    t->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    t->index = index;
    lua_pushvalue(L, 2);
    lua_geti(L, 1, index);
    lua_xmove(L, t->co, 2);
    step(L, results, t, 1);
}

/* Wait for any waiting task's fds or deadline; resume the ready ones.
 * Returns how many finished. */
static int
turn(lua_State *L, int results, struct task *tasks, lua_Integer n)
{
    struct pollfd *p = lv_calloc((size_t)n * LV_LOOP_MAX_FDS + 1, sizeof(*p));
    long long deadline = -1, now;
    size_t m = 0;
    int finished = 0;

    for (lua_Integer i = 0; i < n; i++) {
        struct task *t = &tasks[i];
        if (!t->co || !t->waiting)
            continue;
        for (int j = 0; j < t->nfds; j++)
            p[m++] = (struct pollfd){ t->fds[j], POLLIN, 0 };
        if (t->deadline >= 0 && (deadline < 0 || t->deadline < deadline))
            deadline = t->deadline;
    }
    lv_poll(p, m, deadline);
    now = lv_now_ms();
    m = 0;
    for (lua_Integer i = 0; i < n; i++) {
        struct task *t = &tasks[i];
        int ready = 0;
        if (!t->co || !t->waiting)
            continue;
        for (int j = 0; j < t->nfds; j++)
            if (p[m++].revents)
                ready = 1;
        if (ready || (t->deadline >= 0 && now >= t->deadline))
            finished += step(L, results, t, 0);
    }
    free(p);
    return finished;
}

/* virt.parallel(items, fn, {jobs=}) -> {{ok=, value=|error=}, ...}, one
 * per item in its order. */
static int
l_parallel(lua_State *L)
{
    lua_Integer n, next = 1, jobs, done = 0, active = 0;
    struct task *tasks;
    int results;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    jobs = lv_lua_opt_int(L, 3, "jobs", DEFAULT_JOBS);
    if (jobs < 1)
        return luaL_argerror(L, 3, "jobs must be at least 1");
    n = luaL_len(L, 1);
    lua_settop(L, 2);
    lua_createtable(L, (int)n, 0);
    results = lua_gettop(L);
    tasks = lv_calloc((size_t)n + 1, sizeof(*tasks));
    while (done < n) {
        while (active < jobs && next <= n) {
            struct task *t = &tasks[next - 1];
            start(L, results, t, next++);
            if (t->co)
                active++;
            else
                done++;
        }
        if (done >= n)
            break;
        {
            int f = turn(L, results, tasks, n);
            done += f;
            active -= f;
        }
    }
    free(tasks);
    lua_settop(L, results);
    return 1;
}

static int
sleep_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)L;
    (void)status;
    (void)ctx;
    return 0;
}

/* virt.sleep(secs): in a task the others go on meanwhile */
static int
l_sleep(lua_State *L)
{
    lua_Number secs = luaL_checknumber(L, 1);

    luaL_argcheck(L, secs >= 0 && secs < 86400 * 365, 1, "seconds out of range");
    return lv_loop_wait(L, NULL, 0, lv_now_ms() + (long long)(secs * 1000), 0, sleep_k);
}

/* virt.now() -> seconds on a monotonic clock (for intervals) */
static int
l_now(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)lv_now_ms() / 1000.0);
    return 1;
}

void
lv_loop_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "parallel", l_parallel },
        { "sleep", l_sleep },
        { "now", l_now },
        { NULL, NULL },
    };
    static const struct lv_api_keys keys[] = {
        { "parallel", 3, "jobs" },
        { NULL, 0, NULL },
    };

    lv_api_setfuncs(L, funcs, "virt.", keys);
}
