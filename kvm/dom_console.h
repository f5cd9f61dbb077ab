/* dom_console.h - attaching a terminal to a guest's serial console pty,
 * like virsh console: Ctrl+] leaves. */
#ifndef LV_DOM_CONSOLE_H
#define LV_DOM_CONSOLE_H

#include "conn.h"
#include "err.h"

/* Relay in_fd -> pty and pty -> out_fd until Ctrl+] is read on in_fd,
 * in_fd reaches EOF, or the guest stops. in_fd is put in raw mode while
 * attached when it is a terminal, and given back on any exit. One session
 * at a time: a second is refused (LV_E_BUSY), or with force takes over
 * (the first one is told to leave). */
int dom_console_attach(const struct lv_conn *c, const char *name, int in_fd,
                       int out_fd, int force, struct lv_err *err);

/* Write text to the guest's serial console (as if typed there), for
 * scripts and tests that drive a guest through its console. With expect,
 * return once expect appears in the console log after the write (-1 with
 * LV_E_TIMEOUT after timeout_ms); without, once QEMU has had time to take
 * the input. */
int dom_console_write(const struct lv_conn *c, const char *name, const char *text,
                      const char *expect, int timeout_ms, struct lv_err *err);

#endif
