/* loop.h - concurrency for scripts: virt.parallel(items, fn, {jobs=}) runs
 * fn(item) for each item as a task (a coroutine) with at most jobs at once,
 * and one poll loop resumes them; virt.sleep(secs). A binding that would
 * block (a wait for a guest's state, its console, its address, a sleep)
 * calls lv_loop_wait: inside a task it yields to the loop, which resumes it
 * when one of its fds is readable or its deadline passed; elsewhere it
 * blocks in poll as before. Launches (QEMU, qemu-img) still block their
 * task for the moment they take. */
#ifndef LV_LOOP_H
#define LV_LOOP_H

#include <lua.h>

#define LV_LOOP_MAX_FDS 8

/* Is L a task of a running virt.parallel (so lv_loop_wait yields)? */
int lv_loop_in_task(lua_State *L);

/* Wait until one of fds (n <= LV_LOOP_MAX_FDS; -1 entries are skipped) is
 * readable or deadline (lv_now_ms() time; -1: none) passed. In a task:
 * yields, and k(L, LUA_YIELD, ctx) continues once resumed (the caller's
 * stack is kept); elsewhere: polls, then returns k(L, LUA_OK, ctx). */
int lv_loop_wait(lua_State *L, const int *fds, int n, long long deadline,
                 lua_KContext ctx, lua_KFunction k);

/* virt.parallel and virt.sleep into the table at the top of the stack. */
void lv_loop_open(lua_State *L);

#endif
