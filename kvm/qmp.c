/* qmp.c - QMP sessions: greeting and capabilities negotiation, commands
 * matched to replies by "id", an event queue filled while waiting, and the
 * HMP/raw passthroughs. Bytes, framing and deadlines are in qmp_io.c. */
#include "qmp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "qmp_io.h"
#include "strbuf.h"

struct qmp {
    struct qmp_io io;
    char *name;           /* the domain's, for messages and logs */
    json_t *events;       /* queued events, oldest first */
    json_t *greeting;     /* QEMU's {"QMP": ...} banner, once read */
    json_t *want_id;      /* id of the command awaiting its reply */
    json_t *reply;        /* that reply, once read */
    unsigned long next_id;
};

/* Events nobody takes are dropped, oldest first, past this many: a
 * connection kept for commands alone must not grow without bound. */
#define QMP_EVENTS_MAX 1024

/* What a wait is for. */
enum qmp_want { WANT_GREETING, WANT_REPLY, WANT_EVENT };

static int
have(const struct qmp *q, enum qmp_want want)
{
    switch (want) {
    case WANT_GREETING:
        return q->greeting != NULL;
    case WANT_REPLY:
        return q->reply != NULL;
    case WANT_EVENT:
        return json_array_size(q->events) > 0;
    }
    return 0;
}

/* Route one message (taken over): events are queued, the reply awaited
 * is kept; a reply without "id" is QEMU's answer to a line it could not
 * parse, so it belongs to the one command in flight. */
static void
dispatch(struct qmp *q, json_t *msg)
{
    json_t *id = json_object_get(msg, "id");

    qmp_io_log(q->name, "<-", msg);
    if (json_object_get(msg, "event")) {
        if (json_array_size(q->events) >= QMP_EVENTS_MAX) {
            lv_log_debug("dom %s: qmp: event queue full, dropping the "
                         "oldest", q->name);
            json_array_remove(q->events, 0);
        }
        json_array_append_new(q->events, msg);
        return;
    }
    if (json_object_get(msg, "QMP") && !q->greeting) {
        q->greeting = msg;
        return;
    }
    if ((json_object_get(msg, "return") || json_object_get(msg, "error")) &&
        q->want_id && !q->reply && (!id || json_equal(id, q->want_id))) {
        q->reply = msg;
        return;
    }
    lv_log_debug("dom %s: qmp: dropped a message nobody waits for "
                 "(a late reply?)", q->name);
    json_decref(msg);
}

static void
drain(struct qmp *q)
{
    json_t *msg;

    while ((msg = qmp_io_next(&q->io, q->name)))
        dispatch(q, msg);
}

/* Read and dispatch until want is met (0) or the deadline passes (1);
 * -1 with err (the cause alone) on EOF or error. */
static int
pump(struct qmp *q, enum qmp_want want, int64_t deadline, struct lv_err *err)
{
    int r;

    for (;;) {
        drain(q);
        if (have(q, want))
            return 0;
        if (q->io.eof || q->io.failed)
            return qmp_io_fill(&q->io, err);   /* says why */
        r = qmp_io_wait(&q->io, deadline, err);
        if (r <= 0)
            return r < 0 ? -1 : 1;
        if (qmp_io_fill(&q->io, err) < 0) {
            drain(q);
            return have(q, want) ? 0 : -1;
        }
    }
}

/* Send cmd (the caller's; an "id" is set in it), passing pass_fd if >= 0,
 * and wait for its reply. Returns the whole reply (new reference) or NULL
 * with err naming the domain and what. */
static json_t *
transact(struct qmp *q, const char *what, json_t *cmd, int pass_fd,
         int timeout_ms, struct lv_err *err)
{
    int64_t deadline = qmp_io_deadline(timeout_ms);
    json_t *reply = NULL;
    char *text = NULL;
    char *line = NULL;
    int r;

    q->want_id = json_sprintf("luavirt-%lu", ++q->next_id);
    json_object_set(cmd, "id", q->want_id);
    text = json_dumps(cmd, JSON_COMPACT);
    if (!text) {
        lv_err_set(err, LV_E_INTERNAL, "domain '%s': qmp %s: cannot encode "
                   "the command", q->name, what);
        goto out;
    }
    line = lv_asprintf("%s\n", text);
    qmp_io_log(q->name, "->", cmd);
    r = qmp_io_send(&q->io, line, strlen(line), pass_fd, deadline, err);
    if (r == 0)
        r = pump(q, WANT_REPLY, deadline, err);
    if (r > 0)
        lv_err_set(err, LV_E_TIMEOUT, "no reply within %d ms", timeout_ms);
    if (r != 0) {
        lv_err_prefix(err, "domain '%s': qmp %s: ", q->name, what);
        goto out;
    }
    reply = q->reply;
    q->reply = NULL;
out:
    json_decref(q->want_id);
    q->want_id = NULL;
    free(line);
    free(text);
    return reply;
}

/* Run cmd(args) and return its whole reply. */
static json_t *
run(struct qmp *q, const char *cmd, json_t *args, int pass_fd,
    int timeout_ms, struct lv_err *err)
{
    json_t *msg = json_pack("{s:s}", "execute", cmd);
    json_t *reply;

    if (args)
        json_object_set(msg, "arguments", args);
    reply = transact(q, cmd, msg, pass_fd, timeout_ms, err);
    json_decref(msg);
    return reply;
}

/* The "return" of a reply (new reference), or NULL with QEMU's error. */
static json_t *
reply_value(struct qmp *q, const char *cmd, json_t *reply, struct lv_err *err)
{
    json_t *error = json_object_get(reply, "error");
    json_t *ret = json_object_get(reply, "return");
    const char *desc;

    if (error) {
        desc = json_string_value(json_object_get(error, "desc"));
        if (!desc)
            desc = json_string_value(json_object_get(error, "class"));
        lv_err_set(err, LV_E_QEMU, "domain '%s': qmp %s: %s", q->name, cmd,
                   desc ? desc : "unknown error");
        return NULL;
    }
    if (!ret) {
        lv_err_set(err, LV_E_QEMU, "domain '%s': qmp %s: reply has neither "
                   "return nor error", q->name, cmd);
        return NULL;
    }
    return json_incref(ret);
}

json_t *
qmp_execute_fd(struct qmp *q, const char *cmd, json_t *args, int fd,
               int timeout_ms, struct lv_err *err)
{
    json_t *reply, *ret;

    if (args && !json_is_object(args)) {
        lv_err_set(err, LV_E_INTERNAL, "domain '%s': qmp %s: arguments are "
                   "not an object", q->name, cmd);
        return NULL;
    }
    reply = run(q, cmd, args, fd, timeout_ms, err);
    if (!reply)
        return NULL;
    ret = reply_value(q, cmd, reply, err);
    json_decref(reply);
    return ret;
}

json_t *
qmp_execute(struct qmp *q, const char *cmd, json_t *args, int timeout_ms,
            struct lv_err *err)
{
    return qmp_execute_fd(q, cmd, args, -1, timeout_ms, err);
}

/* Wait for the greeting, then leave capabilities negotiation mode. */
static int
handshake(struct qmp *q, int timeout_ms, struct lv_err *err)
{
    int64_t deadline = qmp_io_deadline(timeout_ms);
    int64_t left;
    json_t *ret;
    int r;

    r = pump(q, WANT_GREETING, deadline, err);
    if (r > 0)
        lv_err_set(err, LV_E_TIMEOUT, "no greeting within %d ms", timeout_ms);
    if (r != 0) {
        lv_err_prefix(err, "domain '%s': qmp greeting: ", q->name);
        return -1;
    }
    left = deadline - lv_now_ms();
    ret = qmp_execute(q, "qmp_capabilities", NULL, left > 0 ? (int)left : 0,
                      err);
    json_decref(ret);
    return ret ? 0 : -1;
}

struct qmp *
qmp_open_fd(int fd, const char *name, int timeout_ms, struct lv_err *err)
{
    struct qmp *q = lv_calloc(1, sizeof(*q));

    q->name = lv_strdup(name ? name : "?");
    q->events = json_array();
    if (qmp_io_init(&q->io, fd, err) < 0) {
        lv_err_prefix(err, "domain '%s': ", q->name);
        if (fd >= 0)
            close(fd);
        qmp_close(q);
        return NULL;
    }
    if (handshake(q, timeout_ms, err) < 0) {
        qmp_close(q);
        return NULL;
    }
    return q;
}

/* A connected socket, or -1. SO_SNDTIMEO bounds a connect() that waits
 * for room in a full listen backlog. */
static int
connect_unix(const char *path, const char *name, int timeout_ms,
             struct lv_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int ms = timeout_ms > 0 ? timeout_ms : 1;
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };
    int fd, r;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': monitor socket path is "
                   "too long: %s", name, path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        lv_err_sys(err, "domain '%s': cannot create a socket", name);
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
        lv_err_sys(err, "domain '%s': cannot set a socket timeout", name);
        close(fd);
        return -1;
    }
    do
        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return fd;
    if (errno == EAGAIN || errno == EINPROGRESS)
        lv_err_set(err, LV_E_TIMEOUT, "domain '%s': cannot connect to the "
                   "monitor %s: no room within %d ms", name, path, timeout_ms);
    else
        lv_err_sys(err, "domain '%s': cannot connect to the monitor %s", name,
                   path);
    close(fd);
    return -1;
}

struct qmp *
qmp_connect_while(const char *path, const char *name, int timeout_ms, int alive_fd,
                  struct lv_err *err)
{
    int64_t deadline = qmp_io_deadline(timeout_ms);
    int64_t left;
    int fd;

    if (!name)
        name = "?";
    fd = connect_unix(path, name, timeout_ms, err);
    if (fd < 0)
        return NULL;
    lv_log_debug("dom %s: qmp: connected to %s", name, path);
    if (alive_fd >= 0) {
        /* the greeting, or the end of the process that should send it */
        struct pollfd p[2] = { { fd, POLLIN, 0 }, { alive_fd, POLLIN, 0 } };
        if (lv_poll(p, 2, deadline) > 0 && !p[0].revents && p[1].revents) {
            close(fd);
            lv_err_set(err, LV_E_QEMU, "domain '%s': QEMU exited before its "
                       "monitor answered", name);
            return NULL;
        }
    }
    left = deadline - lv_now_ms();
    return qmp_open_fd(fd, name, left > 0 ? (int)left : 0, err);
}

struct qmp *
qmp_connect(const char *path, const char *name, int timeout_ms,
            struct lv_err *err)
{
    return qmp_connect_while(path, name, timeout_ms, -1, err);
}

void
qmp_close(struct qmp *q)
{
    if (!q)
        return;
    qmp_io_close(&q->io);
    json_decref(q->events);
    json_decref(q->greeting);
    json_decref(q->want_id);
    json_decref(q->reply);
    free(q->name);
    free(q);
}

json_t *
qmp_next_event(struct qmp *q, int timeout_ms, struct lv_err *err)
{
    json_t *ev;
    int r;

    r = pump(q, WANT_EVENT, qmp_io_deadline(timeout_ms), err);
    if (r > 0)
        lv_err_set(err, LV_E_TIMEOUT, "none within %d ms", timeout_ms);
    if (r != 0) {
        lv_err_prefix(err, "domain '%s': qmp event: ", q->name);
        return NULL;
    }
    ev = json_incref(json_array_get(q->events, 0));
    json_array_remove(q->events, 0);
    return ev;
}

int
qmp_fd(const struct qmp *q)
{
    return q->io.fd;
}

int
qmp_read_available(struct qmp *q, struct lv_err *err)
{
    int r = qmp_io_fill(&q->io, err);

    drain(q);
    /* EOF read together with data is reported now: an edge-triggered
     * loop would not be woken again for it */
    if (r >= 0 && q->io.eof)
        r = qmp_io_fill(&q->io, err);
    if (r < 0) {
        lv_err_prefix(err, "domain '%s': qmp: ", q->name);
        return -1;
    }
    return 0;
}

int
qmp_has_events(const struct qmp *q)
{
    return json_array_size(q->events) > 0;
}

char *
qmp_hmp(struct qmp *q, const char *cmdline, int timeout_ms, struct lv_err *err)
{
    static const char cmd[] = "human-monitor-command";
    json_t *args = json_pack("{s:s}", "command-line", cmdline);
    json_t *ret;
    char *out = NULL;

    ret = qmp_execute(q, cmd, args, timeout_ms, err);
    if (ret && !json_is_string(ret))
        lv_err_set(err, LV_E_QEMU, "domain '%s': qmp %s: reply is not a "
                   "string", q->name, cmd);
    else if (ret)
        out = lv_strdup(json_string_value(ret));
    json_decref(ret);
    json_decref(args);
    return out;
}

json_t *
qmp_execute_raw(struct qmp *q, const char *json_text, int timeout_ms,
                struct lv_err *err)
{
    json_error_t jerr;
    json_t *cmd = json_loads(json_text, 0, &jerr);
    const char *what = json_string_value(json_object_get(cmd, "execute"));
    json_t *user_id = NULL;
    json_t *reply = NULL;

    if (!cmd) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': qmp command: invalid "
                   "JSON: %s", q->name, jerr.text);
        goto out;
    }
    if (!what) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': qmp command: not an "
                   "object with an \"execute\" string", q->name);
        goto out;
    }
    user_id = json_incref(json_object_get(cmd, "id"));
    reply = transact(q, what, cmd, -1, timeout_ms, err);
    if (reply && user_id)
        json_object_set(reply, "id", user_id);
    else if (reply)
        json_object_del(reply, "id");
out:
    json_decref(user_id);
    json_decref(cmd);
    return reply;
}
