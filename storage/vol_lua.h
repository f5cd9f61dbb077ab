/* vol_lua.h - the luavirt.volume Lua type (storage volumes), and the
 * helpers pool_lua.c shares with it: volume handles, sizes given as a
 * number of bytes or a string with a unit, progress callbacks into Lua. */
#ifndef LV_VOL_LUA_H
#define LV_VOL_LUA_H

#include <lua.h>
#include <stdint.h>

/* Register the metatable and virt.volume(path_or_key) into the table at
 * the top of the stack. */
void vol_lua_open(lua_State *L);

/* Push the handle of volume name in pool (the cached one if alive). */
void vol_lua_push(lua_State *L, const char *pool, const char *name);

/* The volume at idx (raises "luavirt.volume expected" or closed handle);
 * *pool and *name are borrowed from the userdata. */
void vol_lua_check(lua_State *L, int idx, const char **pool,
                   const char **name);

/* A size at idx: a number of bytes or a string "10G", "512 MiB" (virsh
 * vol-create-as units). Raises an argument error. */
uint64_t vol_lua_check_size(lua_State *L, int idx);

/* A Lua progress function called from C: fn(done, total). */
struct vol_lua_progress {
    lua_State *L;
    int fn;            /* stack index of the function; 0: none */
    uint64_t total;    /* bytes, for percent reports */
    int ref;           /* LUA_NOREF, or the error the function raised */
};

/* Set p up from the "progress" field of the options table at opts (may
 * be none or nil). The function stays at the top of the stack when set. */
void vol_lua_progress_init(struct vol_lua_progress *p, lua_State *L,
                           int opts, uint64_t total);
int vol_lua_progress_bytes(uint64_t done, uint64_t total, void *arg);
int vol_lua_progress_pct(double pct, void *arg);
/* v:stream{upload=, offset=, length=} (vol_lua_stream.c) */
int vol_lua_stream(lua_State *L);

/* If the progress function raised, raise that error now (after cleanup). */
void vol_lua_progress_check(struct vol_lua_progress *p);

#endif
