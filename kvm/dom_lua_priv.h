/* dom_lua_priv.h - shared between the files of the domain binding:
 * dom_lua.c (the type), dom_lua_methods.c (methods), dom_lua_module.c
 * (virt.* functions). */
#ifndef LV_DOM_LUA_PRIV_H
#define LV_DOM_LUA_PRIV_H

#include <lauxlib.h>
#include <lua.h>

#include <stdint.h>

#include "dom_edit_op.h"
#include "dom_wait.h"
#include "err.h"
#include "lua_api.h"

/* Push the (cached) handle of domain name. */
void dom_lua_push(lua_State *L, const char *name);
/* The name behind the luavirt.domain at idx; raises if closed. */
const char *dom_lua_check(lua_State *L, int idx);
/* Point the handle at idx to new_name. */
void dom_lua_rename(lua_State *L, int idx, const char *new_name);
/* DOM_UNDEFINE_* from the options table at idx: {nvram=, snapshots_metadata=,
 * managed_save=} (dom_lua_methods.c). */
unsigned dom_lua_undefine_flags(lua_State *L, int idx);
/* A wait of dom_wait.h for Lua (dom_lua_wait.c): pushed on the stack as a
 * userdata (closed when collected; raises on failure), the caller sets
 * w.kind and its fields, then returns dom_lua_wait_k(L, LUA_OK, index):
 * it checks and waits (yielding in a virt.parallel task) until done, then
 * returns done(L, index) when set, else true (the address for an IP wait). */
struct dom_lua_waiter {
    struct dom_waiter w;
    int live;
    int (*done)(lua_State *L, int idx);
};
struct dom_lua_waiter *dom_lua_push_waiter(lua_State *L, const char *name, int timeout_ms);
int dom_lua_wait_k(lua_State *L, int status, lua_KContext ctx);
/* Push def's XML (DOM_FORMAT_* flags) and free def; def NULL or a format
 * failure raises err (dom_lua_args.c). */
int dom_lua_push_xml(lua_State *L, struct dom_def *def, unsigned flags,
                     struct lv_err *err);
/* {live=, config=} from the options table at idx (dom_lua_args.c). */
struct dom_scope dom_lua_scope(lua_State *L, int idx);
/* A size argument in KiB: an integer, or a string with a unit ("512M"; a
 * bare number is KiB, as virsh reads it). Raises an argument error. */
uint64_t dom_lua_check_kib(lua_State *L, int idx);
/* Method tables of luavirt.domain, one per subject file; dom_lua.c merges
 * every table listed in its method_tables[] (add a new file's getter there). */
const luaL_Reg *dom_lua_methods(void);          /* dom_lua_methods.c: lifecycle */
const luaL_Reg *dom_lua_net_methods(void);      /* dom_lua_net.c: NICs */
const luaL_Reg *dom_lua_disk_methods(void);     /* dom_lua_disk.c: disks */
const luaL_Reg *dom_lua_clone_methods(void);    /* dom_lua_clone.c: clone */
const luaL_Reg *dom_lua_module_funcs(void);
const struct lv_api_keys *dom_lua_module_keys(void);
/* Register the "which snapshot uses this file" query storage asks
 * (dom_lua_save.c). */
void dom_lua_register_snapshot_user(lua_State *L);
const luaL_Reg *dom_lua_save_methods(void);     /* dom_lua_save.c: snapshots, save */
const luaL_Reg *dom_lua_vcpu_methods(void);     /* dom_lua_vcpu.c: vCPUs, pinning */
const luaL_Reg *dom_lua_mem_methods(void);      /* dom_lua_mem.c: memory, stats */
const luaL_Reg *dom_lua_display_methods(void);  /* dom_lua_display.c: VNC, screenshot */
const luaL_Reg *dom_lua_wait_methods(void);     /* dom_lua_wait.c: wait, wait_console */
const luaL_Reg *dom_lua_console_methods(void);  /* dom_lua_console.c: console_stream */
const luaL_Reg *dom_lua_agent_methods(void);    /* dom_lua_agent.c: the guest agent */
const luaL_Reg *dom_lua_event_methods(void);    /* dom_lua_events.c: d:on, d:off */
const luaL_Reg *dom_lua_migrate_methods(void);  /* dom_lua_migrate.c: migration steps */
/* virt.on, virt.loop, virt.quit_loop, virt.events (dom_lua_events.c) */
void dom_lua_events_open(lua_State *L);

#endif
