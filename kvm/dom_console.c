/* dom_console.c - the console relay between a terminal and the guest's
 * serial pty (see dom_console.h). */
#include "dom_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "dom_run.h"
#include "dom_store.h"
#include "dom_wait.h"
#include "deadline.h"
#include "fdio.h"
#include "log.h"
#include "term.h"

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
        /* the whole period, whatever the pty holds already (what the guest
         * wrote while nobody had it open is read and dropped: the log has
         * it), so QEMU surely sees an open end and takes the input */
        long long deadline = lv_deadline(CONSOLE_QEMU_PERIOD_MS);
        char buf[4096];
        for (;;) {
            struct pollfd p = { pty, POLLIN, 0 };
            if (lv_poll(&p, 1, deadline) <= 0)
                break;
            if (read(pty, buf, sizeof(buf)) <= 0)
                break;
        }
        r = 0;
    }
out:
    close(pty);
    return r;
}

/* The console session lock: one attached terminal at a time, as virsh
 * (its pid in the file). With force, the holder is asked to leave (SIGTERM:
 * it gives its terminal back) and the lock waited for. */
static int
take_session(const struct lv_conn *c, const char *name, int force, struct lv_err *err)
{
    char *path = dom_run_file(c, name, "console.lock"), pid[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    long long deadline = lv_deadline(5000);

    if (fd < 0) {
        lv_err_sys(err, "domain '%s': cannot open the console lock", name);
        free(path);
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
        long holder;
        pid[n > 0 ? n : 0] = '\0';
        holder = strtol(pid, NULL, 10);
        if (!force) {
            lv_err_set(err, LV_E_BUSY, "domain '%s': a console session is already "
                       "attached (pid %ld); --force takes it over", name, holder);
            close(fd);
            free(path);
            return -1;
        }
        if (holder > 1)
            kill((pid_t)holder, SIGTERM);
        if (lv_now_ms() >= deadline) {
            lv_err_set(err, LV_E_BUSY, "domain '%s': the console session of pid %ld "
                       "did not let go", name, holder);
            close(fd);
            free(path);
            return -1;
        }
        usleep(20000);
    }
    snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
        lv_log_debug("dom %s: cannot record the console session's pid", name);
    free(path);
    return fd;
}

int
dom_console_attach(const struct lv_conn *c, const char *name, int in_fd,
                   int out_fd, int force, struct lv_err *err)
{
    int pty = open_pty(c, name, "attach the console", err);
    int lock, raw, ret = -1;

    if (pty < 0)
        return -1;
    if ((lock = take_session(c, name, force, err)) < 0) {
        close(pty);
        return -1;
    }
    /* the terminal comes back on any exit, a signal too (core/term.h) */
    raw = lv_term_enter(in_fd, 1, NULL, NULL) == 0;
    ret = relay(in_fd, out_fd, pty);
    if (ret < 0)
        lv_err_sys(err, "domain '%s': console", name);
    if (raw)
        lv_term_restore();
    close(pty);
    close(lock);
    return ret;
}
