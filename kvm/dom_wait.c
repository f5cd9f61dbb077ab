/* dom_wait.c - waits with deadlines on a guest's run dir (see dom_wait.h):
 * inotify tells when the status is replaced or the console log grows, a
 * pidfd when the supervisor exits; nothing sleeps. */
#include "dom_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "store.h"
#include "strbuf.h"

/* Watch the run dir (and its parent, for a run dir not made yet). */
static int
watch_run_dir(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *dir = dom_run_dir(c, name);
    char *parent = lv_asprintf("%s/qemu", c->run_dir);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

    if (fd < 0) {
        lv_err_sys(err, "domain '%s': inotify", name);
        goto out;
    }
    inotify_add_watch(fd, parent, IN_CREATE | IN_DELETE | IN_MOVED_TO);
    inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CREATE | IN_MODIFY |
                                   IN_DELETE | IN_CLOSE_WRITE);
out:
    free(parent);
    free(dir);
    return fd;
}

static void
drain(int fd)
{
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

/* Wait for an inotify event or the supervisor's exit, until deadline.
 * Returns 0 when something happened, -1 when the deadline passed. */
static int
wait_change(int ino, pid_t sup_pid, long long deadline)
{
    int pfd = lv_pidfd_open(sup_pid);
    struct pollfd p[2] = { { ino, POLLIN, 0 }, { pfd, POLLIN, 0 } };
    int r = lv_poll(p, 2, deadline);
    if (pfd >= 0)
        close(pfd);
    drain(ino);
    return r > 0 ? 0 : -1;
}

int
dom_wait_state(const struct lv_conn *c, const char *name, enum dom_state state,
               int timeout_ms, struct lv_err *err)
{
    long long deadline = timeout_ms < 0 ? -1 : lv_now_ms() + timeout_ms;
    int ino = watch_run_dir(c, name, err);
    int ret = -1;

    if (ino < 0)
        return -1;
    for (;;) {
        struct dom_status st;
        if (dom_status_read(c, name, &st, err) < 0)
            break;
        if (st.state == state) {
            ret = 0;
            break;
        }
        if (wait_change(ino, st.sup_pid, deadline) < 0 &&
            deadline >= 0 && lv_now_ms() >= deadline) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "domain '%s': still %s after %d s, not %s", name,
                       dom_state_to_str(st.state), timeout_ms / 1000,
                       dom_state_to_str(state));
            break;
        }
    }
    close(ino);
    return ret;
}

char *
dom_console_log(const struct lv_conn *c, const char *name)
{
    char *path = dom_run_file(c, name, "console.log");
    char *text = lv_store_read(path, NULL, NULL);
    free(path);
    return text ? text : lv_strdup("");
}

int
dom_wait_console(const struct lv_conn *c, const char *name, const char *marker,
                 size_t from, int timeout_ms, struct lv_err *err)
{
    long long deadline = timeout_ms < 0 ? -1 : lv_now_ms() + timeout_ms;
    int ino = watch_run_dir(c, name, err);
    int ret = -1;

    if (ino < 0)
        return -1;
    for (;;) {
        struct dom_status st;
        char *log;
        int found;
        if (dom_status_read(c, name, &st, err) < 0)
            break;
        log = dom_console_log(c, name);
        found = strlen(log) >= from && strstr(log + from, marker) != NULL;
        free(log);
        if (found) {
            ret = 0;
            break;
        }
        if (st.state == DOM_STATE_SHUTOFF) {
            lv_err_set(err, LV_E_STATE,
                       "domain '%s': stopped (%s) before '%s' appeared on its console",
                       name, st.reason, marker);
            break;
        }
        if (wait_change(ino, st.sup_pid, deadline) < 0 &&
            deadline >= 0 && lv_now_ms() >= deadline) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "domain '%s': '%s' did not appear on the console within %d s",
                       name, marker, timeout_ms / 1000);
            break;
        }
    }
    close(ino);
    return ret;
}
