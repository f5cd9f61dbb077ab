/* dom_console.c - the console relay between a terminal and the guest's
 * serial pty (see dom_console.h). */
#include "dom_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dom_run.h"
#include "dom_store.h"
#include "dom_wait.h"
#include "fdio.h"

#define CONSOLE_ESCAPE 0x1d   /* Ctrl+] */

/* Returns 1 to go on, 0 when the user asked to leave or input ended. */
static int
relay_input(int in_fd, int pty)
{
    char buf[512];
    ssize_t n = read(in_fd, buf, sizeof(buf));
    char *esc;

    if (n <= 0)
        return n < 0 && errno == EINTR;
    esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
    if (esc) {
        lv_write_all(pty, buf, (size_t)(esc - buf));
        return 0;
    }
    return lv_write_all(pty, buf, (size_t)n) == 0;
}

static int
relay(int in_fd, int out_fd, int pty)
{
    char buf[4096];

    for (;;) {
        struct pollfd p[2] = { { in_fd, POLLIN, 0 }, { pty, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = read(pty, buf, sizeof(buf));
            if (n > 0 && lv_write_all(out_fd, buf, (size_t)n) < 0)
                return -1;
            if (n <= 0 && errno != EINTR && errno != EAGAIN)
                return 0;   /* the guest went away */
        } else if (p[1].revents & (POLLHUP | POLLERR)) {
            return 0;
        }
        if ((p[0].revents & (POLLIN | POLLHUP)) && !relay_input(in_fd, pty))
            return 0;
    }
}

/* Open the pty of a running guest; -1 with err naming why not. */
static int
open_pty(const struct lv_conn *c, const char *name, const char *what,
         struct lv_err *err)
{
    struct dom_status st;
    int pty;

    if (dom_status_read(c, name, &st, err) < 0)
        return -1;
    if (st.state == DOM_STATE_SHUTOFF) {
        if (!dom_store_exists(c, name))
            lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        else
            lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s: not running",
                       name, what);
        return -1;
    }
    if (!st.pty[0]) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': cannot %s: it has no pty "
                   "serial console", name, what);
        return -1;
    }
    pty = open(st.pty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty < 0)
        lv_err_sys(err, "domain '%s': cannot open console '%s'", name, st.pty);
    return pty;
}

/* QEMU reads a pty only while its other end is open, and it looks for an
 * opened end about once a second; input written into a closed pty waits
 * there. So the pty stays open until the reply the caller expects is in
 * the console log (waited on with inotify), or, with no reply expected, for
 * QEMU's one-second period plus a margin, or until the guest writes. */
#define CONSOLE_QEMU_PERIOD_MS 1500

int
dom_console_write(const struct lv_conn *c, const char *name, const char *text,
                  const char *expect, int timeout_ms, struct lv_err *err)
{
    char *log = dom_console_log(c, name);
    size_t offset = strlen(log);
    int pty = open_pty(c, name, "write to the console", err);
    int r = -1;

    free(log);
    if (pty < 0)
        return -1;
    if (lv_write_all(pty, text, strlen(text)) < 0) {
        lv_err_sys(err, "domain '%s': cannot write to the console", name);
        goto out;
    }
    if (expect) {
        r = dom_wait_console(c, name, expect, offset, timeout_ms, err);
    } else {
        struct pollfd p = { pty, POLLIN, 0 };
        while (poll(&p, 1, CONSOLE_QEMU_PERIOD_MS) < 0 && errno == EINTR)
            ;
        r = 0;
    }
out:
    close(pty);
    return r;
}

int
dom_console_attach(const struct lv_conn *c, const char *name, int in_fd,
                   int out_fd, struct lv_err *err)
{
    struct termios saved, raw;
    int pty = open_pty(c, name, "attach the console", err);
    int is_tty = isatty(in_fd), ret = -1;

    if (pty < 0)
        return -1;
    if (is_tty && tcgetattr(in_fd, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(in_fd, TCSANOW, &raw);
    } else {
        is_tty = 0;
    }
    ret = relay(in_fd, out_fd, pty);
    if (ret < 0)
        lv_err_sys(err, "domain '%s': console", name);
    if (is_tty)
        tcsetattr(in_fd, TCSANOW, &saved);
    close(pty);
    return ret;
}
