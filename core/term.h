/* term.h - a full-screen terminal program's needs, for Lua (luavirt top):
 * the alternate screen with the cursor hidden and keys read one at a time
 * without echo, and the terminal given back as it was on any exit (a
 * normal one, an error, or a SIGINT/SIGTERM/SIGHUP). */
#ifndef LV_TERM_H
#define LV_TERM_H

#include <lua.h>

/* Borrow terminal fd: raw (cfmakeraw, for a console) or keys without echo,
 * writing enter to stdout; until lv_term_restore, which also runs at exit
 * and on SIGINT, SIGTERM, SIGHUP (then writes leave). 0, or -1 when fd is
 * no terminal. One at a time. */
int lv_term_enter(int fd, int raw, const char *enter, const char *leave);
void lv_term_restore(void);

/* virt.term_start(), virt.term_stop(), virt.read_key(secs) into the table
 * at the top of the stack. */
void lv_term_open(lua_State *L);

#endif
