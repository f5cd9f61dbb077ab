/* dom_events.c - the journal of domain events (see dom_events.h). */
#include "dom_events.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "fdio.h"
#include "log.h"
#include "strbuf.h"

char *
dom_events_path_of(const char *run_dir)
{
    char *p = lv_strdup(run_dir), *slash;

    /* <run>/qemu/NAME: up twice */
    for (int i = 0; i < 2 && (slash = strrchr(p, '/')) && slash != p; i++)
        *slash = '\0';
    slash = lv_asprintf("%s/events.log", p);
    free(p);
    return slash;
}

char *
dom_events_path(const struct lv_conn *c)
{
    return lv_asprintf("%s/events.log", c->run_dir);
}

static int
same_file(int fd, const char *path)
{
    struct stat a, b;

    return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The journal open for appending and locked; rotated first when full. */
static int
open_locked(const char *path)
{
    for (int tries = 0; tries < 8; tries++) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                      0600);
        struct stat st;
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX) < 0 || !same_file(fd, path)) {
            close(fd);       /* rotated meanwhile: the new one */
            continue;
        }
        if (fstat(fd, &st) == 0 && st.st_size > DOM_EVENTS_MAX) {
            char *old = lv_asprintf("%s.1", path);
            int r = rename(path, old);
            free(old);
            close(fd);
            if (r < 0)
                return -1;
            continue;
        }
        return fd;
    }
    errno = EAGAIN;
    return -1;
}

void
dom_events_append(const char *path, const char *name, const char *type,
                  const char *event, const char *detail)
{
    struct timespec now;
    char *line;
    int fd;

    clock_gettime(CLOCK_REALTIME, &now);
    line = lv_asprintf("%lld\t%s\t%s\t%s\t%s\n",
                       (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000, name, type,
                       event ? event : "", detail ? detail : "");
    fd = open_locked(path);

    if (fd < 0 || lv_write_all(fd, line, strlen(line)) < 0)
        lv_log_warn("dom %s: cannot record event %s %s in '%s': %s", name,
                    event ? event : type, detail ? detail : "", path,
                    strerror(errno));
    if (fd >= 0)
        close(fd);
    free(line);
}

/* A reason word as virsh writes details: "booted" -> "Booted". */
static const char *
capitalized(const char *reason, char *buf, size_t n)
{
    snprintf(buf, n, "%s", reason);
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

int
dom_events_of_status(const struct dom_status *st, const char **event,
                     const char **detail)
{
    static char buf[32];
    const char *r = st->reason;

    switch (st->state) {
    case DOM_STATE_RUNNING:
        if (!strcmp(r, "booted") || !strcmp(r, "restored") ||
            !strcmp(r, "from snapshot")) {
            *event = "Started";
            *detail = !strcmp(r, "booted") ? "Booted" :
                      !strcmp(r, "restored") ? "Restored" : "Snapshot";
        } else {
            *event = "Resumed";
            *detail = !strcmp(r, "unpaused") || !r[0] ? "Unpaused"
                                                      : capitalized(r, buf, sizeof(buf));
        }
        return 1;
    case DOM_STATE_PAUSED:
        if (!strcmp(r, "starting up"))
            return 0;
        *event = "Suspended";
        *detail = !strcmp(r, "user") || !r[0] ? "Paused" : capitalized(r, buf, sizeof(buf));
        return 1;
    case DOM_STATE_SHUTDOWN:
        *event = "Shutdown";
        *detail = "Finished";
        return 1;
    case DOM_STATE_CRASHED:
        *event = "Crashed";
        *detail = "Panicked";
        return 1;
    case DOM_STATE_SHUTOFF:
        *event = "Stopped";
        *detail = !strcmp(r, "destroyed") ? "Destroyed" :
                  !strcmp(r, "crashed") ? "Crashed" :
                  !strcmp(r, "failed") ? "Failed" :
                  !strcmp(r, "saved") ? "Saved" : "Shutdown";
        return 1;
    default:
        return 0;
    }
}

int
dom_event_parse(const char *line, struct dom_event *ev)
{
    char *copy = lv_strdup(line), *save = NULL, *f[5];
    int n = 0, ret = -1;

    memset(ev, 0, sizeof(*ev));
    for (char *t = strtok_r(copy, "\t\n", &save); t && n < 5;
         t = strtok_r(NULL, "\t\n", &save))
        f[n++] = t;
    /* a reboot has no event word: four fields */
    if (n >= 3 && (ev->ms = strtoll(f[0], NULL, 10)) > 0) {
        snprintf(ev->name, sizeof(ev->name), "%s", f[1]);
        snprintf(ev->type, sizeof(ev->type), "%s", f[2]);
        if (n >= 4)
            snprintf(ev->event, sizeof(ev->event), "%s", f[3]);
        if (n >= 5)
            snprintf(ev->detail, sizeof(ev->detail), "%s", f[4]);
        ret = 0;
    }
    free(copy);
    return ret;
}

int
dom_events_open(struct dom_events_reader *r, const struct lv_conn *c,
                int from_start, struct lv_err *err)
{
    memset(r, 0, sizeof(*r));
    r->path = dom_events_path(c);
    r->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (r->ino < 0 ||
        inotify_add_watch(r->ino, c->run_dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO |
                          IN_MOVED_FROM | IN_CLOSE_WRITE) < 0) {
        lv_err_sys(err, "cannot watch '%s' for events", c->run_dir);
        if (r->ino >= 0)
            close(r->ino);
        free(r->path);
        r->path = NULL;
        return -1;
    }
    r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (r->fd >= 0 && !from_start)
        r->off = lseek(r->fd, 0, SEEK_END);
    return 0;
}

/* A whole line out of the buffer into ev: 1, else 0. */
static int
take_line(struct dom_events_reader *r, struct dom_event *ev)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        size_t n;
        int ok;
        if (!nl)
            return 0;
        *nl = '\0';
        ok = dom_event_parse(r->buf, ev) == 0;
        n = (size_t)(nl - r->buf) + 1;
        memmove(r->buf, r->buf + n, r->len - n);
        r->len -= n;
        if (ok)
            return 1;
    }
}

/* Read what the journal has; at its end, follow a rotation to the new
 * file. 1 if something was read. */
static int
fill(struct dom_events_reader *r)
{
    ssize_t n;

    if (r->fd < 0) {
        r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
        r->off = 0;
        if (r->fd < 0)
            return 0;
    }
    if (r->len == sizeof(r->buf))
        r->len = 0;      /* a line longer than the buffer: not ours */
    n = pread(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, r->off);
    if (n > 0) {
        r->off += n;
        r->len += (size_t)n;
        return 1;
    }
    if (!same_file(r->fd, r->path)) {
        close(r->fd);
        r->fd = -1;
        r->len = 0;
        return fill(r);
    }
    return 0;
}

int
dom_events_try(struct dom_events_reader *r, struct dom_event *ev)
{
    char drain[4096];

    while (read(r->ino, drain, sizeof(drain)) > 0)
        ;
    for (;;) {
        if (take_line(r, ev))
            return 1;
        if (!fill(r))
            return 0;
    }
}

int
dom_events_next(struct dom_events_reader *r, struct dom_event *ev,
                long long deadline, struct lv_err *err)
{
    for (;;) {
        struct pollfd p = { r->ino, POLLIN, 0 };
        int pr;
        if (dom_events_try(r, ev))
            return 1;
        pr = lv_poll(&p, 1, deadline);
        if (pr < 0) {
            lv_err_sys(err, "cannot wait for events in '%s'", r->path);
            return -1;
        }
        if (pr == 0)
            return 0;
    }
}

void
dom_events_close(struct dom_events_reader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    if (r->ino >= 0)
        close(r->ino);
    free(r->path);
    memset(r, 0, sizeof(*r));
    r->fd = r->ino = -1;
}
