/* dom_wait.c - waits with deadlines on a guest (see dom_wait.h): inotify
 * tells when the status is replaced, the console log grows or a lease
 * file changes, a pidfd when the supervisor exits; nothing sleeps. */
#include "dom_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "dom_net.h"
#include "dom_store.h"
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

/* The run dirs of the networks name's NICs are on, where their leases
 * change. */
static void
watch_leases(struct dom_waiter *w)
{
    char *path = dom_run_file(w->c, w->name, "live.xml");
    struct dom_def *def = dom_store_load_file(path, w->name, NULL);

    for (size_t i = 0; def && i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        char *dir;
        if (x->type != DOM_NET_NETWORK || !x->source)
            continue;
        dir = lv_asprintf("%s/network/%s", w->c->run_dir, x->source);
        inotify_add_watch(w->ino, dir, IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO |
                                           IN_CREATE);
        free(dir);
    }
    dom_def_free(def);
    free(path);
}

int
dom_waiter_init(struct dom_waiter *w, const struct lv_conn *c, const char *name,
                int timeout_ms, struct lv_err *err)
{
    memset(w, 0, sizeof(*w));
    w->c = c;
    w->name = lv_strdup(name);
    w->timeout_ms = timeout_ms;
    w->deadline = timeout_ms < 0 ? -1 : lv_now_ms() + timeout_ms;
    w->pidfd = -1;
    w->ino = watch_run_dir(c, name, err);
    if (w->ino < 0) {
        free(w->name);
        w->name = NULL;
        return -1;
    }
    return 0;
}

void
dom_waiter_free(struct dom_waiter *w)
{
    if (w->ino >= 0)
        close(w->ino);
    if (w->pidfd >= 0)
        close(w->pidfd);
    free(w->name);
    free(w->marker);
    w->ino = w->pidfd = -1;
    w->name = w->marker = NULL;
}

/* Follow the supervisor of the current run with a pidfd. */
static void
follow_supervisor(struct dom_waiter *w, pid_t sup_pid)
{
    if (sup_pid == w->sup_pid && (w->pidfd >= 0 || sup_pid <= 0))
        return;
    if (w->pidfd >= 0)
        close(w->pidfd);
    w->sup_pid = sup_pid;
    w->pidfd = lv_pidfd_open(sup_pid);
}

static int
check_state(struct dom_waiter *w, const struct dom_status *st, struct lv_err *err)
{
    (void)err;
    return st->state == w->state;
}

static int
check_console(struct dom_waiter *w, const struct dom_status *st, struct lv_err *err)
{
    char *log = dom_console_log(w->c, w->name);
    int found = strlen(log) >= w->from && strstr(log + w->from, w->marker) != NULL;

    free(log);
    if (found)
        return 1;
    if (st->state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE,
                   "domain '%s': stopped (%s) before '%s' appeared on its console",
                   w->name, st->reason, w->marker);
        return -1;
    }
    return 0;
}

/* The console log has more than w->from bytes. */
static int
check_grow(struct dom_waiter *w, const struct dom_status *st, struct lv_err *err)
{
    char *log = dom_console_log(w->c, w->name);
    int grew = strlen(log) > w->from;

    free(log);
    if (grew)
        return 1;
    if (st->state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': stopped (%s); its console says no more",
                   w->name, st->reason);
        return -1;
    }
    return 0;
}

static int
check_ip(struct dom_waiter *w, const struct dom_status *st, struct lv_err *err)
{
    struct dom_net_addr *a = NULL;
    size_t n = 0;
    int found = 0;

    if (st->state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': stopped (%s) before it had an "
                   "address", w->name, st->reason);
        return -1;
    }
    if (!w->watching_leases) {
        watch_leases(w);
        w->watching_leases = 1;
    }
    if (dom_net_addresses((struct lv_conn *)w->c, w->name, &a, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && !found; i++)
        if (a[i].family == AF_INET) {
            snprintf(w->ip, sizeof(w->ip), "%s", a[i].ip);
            found = 1;
        }
    free(a);
    return found;
}

static void
timed_out(struct dom_waiter *w, const struct dom_status *st, struct lv_err *err)
{
    int secs = w->timeout_ms / 1000;

    switch (w->kind) {
    case DOM_WAIT_STATE:
        lv_err_set(err, LV_E_TIMEOUT, "domain '%s': still %s after %d s, not %s",
                   w->name, dom_state_to_str(st->state), secs,
                   dom_state_to_str(w->state));
        break;
    case DOM_WAIT_CONSOLE:
        lv_err_set(err, LV_E_TIMEOUT,
                   "domain '%s': '%s' did not appear on the console within %d s",
                   w->name, w->marker, secs);
        break;
    case DOM_WAIT_IP:
        lv_err_set(err, LV_E_TIMEOUT, "domain '%s': no IPv4 address (DHCP lease) "
                   "within %d s", w->name, secs);
        break;
    case DOM_WAIT_GROW:
        lv_err_set(err, LV_E_TIMEOUT, "domain '%s': nothing new on the console within "
                   "%d s", w->name, secs);
        break;
    }
}

int
dom_waiter_check(struct dom_waiter *w, struct lv_err *err)
{
    struct dom_status st;
    char buf[4096];
    int r;

    while (read(w->ino, buf, sizeof(buf)) > 0)
        ;
    if (dom_status_read(w->c, w->name, &st, err) < 0)
        return -1;
    follow_supervisor(w, st.state == DOM_STATE_SHUTOFF ? 0 : st.sup_pid);
    r = w->kind == DOM_WAIT_STATE ? check_state(w, &st, err)
      : w->kind == DOM_WAIT_CONSOLE ? check_console(w, &st, err)
      : w->kind == DOM_WAIT_GROW ? check_grow(w, &st, err)
      : check_ip(w, &st, err);
    if (r == 0 && w->deadline >= 0 && lv_now_ms() >= w->deadline) {
        timed_out(w, &st, err);
        return -1;
    }
    return r;
}

int
dom_waiter_run(struct dom_waiter *w, struct lv_err *err)
{
    for (;;) {
        int r = dom_waiter_check(w, err);
        struct pollfd p[2] = { { w->ino, POLLIN, 0 }, { w->pidfd, POLLIN, 0 } };
        if (r != 0)
            return r > 0 ? 0 : -1;
        lv_poll(p, 2, w->deadline);
    }
}

int
dom_wait_state(const struct lv_conn *c, const char *name, enum dom_state state,
               int timeout_ms, struct lv_err *err)
{
    struct dom_waiter w;
    int r;

    if (dom_waiter_init(&w, c, name, timeout_ms, err) < 0)
        return -1;
    w.kind = DOM_WAIT_STATE;
    w.state = state;
    r = dom_waiter_run(&w, err);
    dom_waiter_free(&w);
    return r;
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
    struct dom_waiter w;
    int r;

    if (dom_waiter_init(&w, c, name, timeout_ms, err) < 0)
        return -1;
    w.kind = DOM_WAIT_CONSOLE;
    w.marker = lv_strdup(marker);
    w.from = from;
    r = dom_waiter_run(&w, err);
    dom_waiter_free(&w);
    return r;
}
