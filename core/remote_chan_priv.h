/* remote_chan_priv.h - what remote_chan.c and remote_sock.c share: the
 * channel pushed on a connected socket, the argv of a Lua table, and the
 * socket half of the module's functions. */
#ifndef LV_REMOTE_CHAN_PRIV_H
#define LV_REMOTE_CHAN_PRIV_H

#include <lua.h>

/* Push a channel (remote_chan.h) whose frames go both ways on fd. */
void lv_chan_push_socket(lua_State *L, int fd);
/* The argv table at idx as a NULL-ended array (a userdata pushed on the
 * stack; the strings stay in the table). */
char **lv_chan_check_argv(lua_State *L, int idx);
/* run, listen, connect, start_relay, private_dir, euid into the module
 * table at the top of the stack (remote_sock.c). */
void lv_remote_sock_funcs(lua_State *L);

#endif
