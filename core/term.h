/* term.h - a full-screen terminal program's needs, for Lua (luavirt top):
 * the alternate screen with the cursor hidden and keys read one at a time
 * without echo, and the terminal given back as it was on any exit (a
 * normal one, an error, or a SIGINT/SIGTERM/SIGHUP). */
#ifndef LV_TERM_H
#define LV_TERM_H

#include <lua.h>

/* virt.term_start(), virt.term_stop(), virt.read_key(secs) into the table
 * at the top of the stack. */
void lv_term_open(lua_State *L);

#endif
