/* qmp_io.c - QMP framing: QEMU writes one JSON object per line ("\r\n"
 * terminated); bytes are buffered until a line is complete and then parsed
 * with jansson. Every wait is a poll() bounded by a CLOCK_MONOTONIC
 * deadline; sends may carry one fd by SCM_RIGHTS (getfd, add-fd). */
#include "qmp_io.h"

#include "deadline.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"

/* Bytes asked of one read(); and the most one fill takes, so a QEMU that
 * floods events cannot keep a caller reading forever. */
#define QMP_IO_CHUNK 65536
#define QMP_IO_FILL_MAX (1024 * 1024)
/* query-qmp-schema is the largest reply QEMU sends (well under 1 MiB);
 * a line past this is a broken peer, not a message. */
#define QMP_IO_LINE_MAX (64 * 1024 * 1024)

int
qmp_io_init(struct qmp_io *io, int fd, struct lv_err *err)
{
    int fl;

    memset(io, 0, sizeof(*io));
    io->fd = -1;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        lv_err_sys(err, "cannot use monitor fd %d", fd);
        return -1;
    }
    io->fd = fd;
    return 0;
}

void
qmp_io_close(struct qmp_io *io)
{
    if (io->fd >= 0)
        close(io->fd);
    io->fd = -1;
    free(io->buf);
    io->buf = NULL;
    io->off = io->len = io->cap = io->scan = 0;
}

int64_t
qmp_io_deadline(int timeout_ms)
{
    return lv_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
}

/* poll() timeout for what is left until deadline */
static int
remaining_ms(int64_t deadline)
{
    return lv_deadline_left(deadline);
}

static void
set_closed(struct qmp_io *io, struct lv_err *err)
{
    io->eof = 1;
    lv_err_set(err, LV_E_QEMU, "QEMU closed the monitor");
}

/* An unusable connection says why again on every later call. */
static int
check_usable(const struct qmp_io *io, struct lv_err *err)
{
    if (io->eof)
        lv_err_set(err, LV_E_QEMU, "QEMU closed the monitor");
    else if (io->failed || io->fd < 0)
        lv_err_set(err, LV_E_QEMU, "monitor connection is broken");
    else
        return 0;
    return -1;
}

/* Move unconsumed bytes to the front and make room for one chunk. */
static void
make_room(struct qmp_io *io)
{
    if (io->off > 0) {
        memmove(io->buf, io->buf + io->off, io->len - io->off);
        io->len -= io->off;
        io->off = 0;
    }
    if (io->cap - io->len >= QMP_IO_CHUNK)
        return;
    while (io->cap - io->len < QMP_IO_CHUNK)
        io->cap = io->cap ? io->cap * 2 : 2 * QMP_IO_CHUNK;
    io->buf = lv_realloc(io->buf, io->cap);
}

/* A partial line longer than QMP_IO_LINE_MAX breaks the connection. */
static int
check_line_size(struct qmp_io *io, struct lv_err *err)
{
    size_t pending = io->len - io->off;

    if (pending <= QMP_IO_LINE_MAX)
        return 0;
    if (memchr(io->buf + io->off + io->scan, '\n', pending - io->scan))
        return 0;
    io->scan = pending;
    io->failed = 1;
    lv_err_set(err, LV_E_QEMU, "message from QEMU larger than %d MiB",
               QMP_IO_LINE_MAX / (1024 * 1024));
    return -1;
}

int
qmp_io_fill(struct qmp_io *io, struct lv_err *err)
{
    size_t got = 0;
    ssize_t n;

    if (check_usable(io, err) < 0)
        return -1;
    while (got < QMP_IO_FILL_MAX) {
        make_room(io);
        n = read(io->fd, io->buf + io->len, io->cap - io->len);
        if (n > 0) {
            io->len += (size_t)n;
            got += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n == 0 || errno == ECONNRESET) {
            /* bytes read before the end are still messages to take; the
             * next call reports the end */
            if (got) {
                io->eof = 1;
                return 1;
            }
            set_closed(io, err);
            return -1;
        }
        io->failed = 1;
        lv_err_sys(err, "cannot read from the monitor");
        return -1;
    }
    if (check_line_size(io, err) < 0)
        return -1;
    return got ? 1 : 0;
}

static int
is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* An integer for v if it is an integral real that fits json_int_t (the
 * range is checked before the cast, which is undefined outside it). */
static json_t *
int_of_real(json_t *v)
{
    double d = json_real_value(v);

    if (!json_is_real(v) || !(d > -9.2e18 && d < 9.2e18) ||
        d != (double)(json_int_t)d)
        return NULL;
    return json_integer((json_int_t)d);
}

/* After a JSON_DECODE_INT_AS_REAL parse: make the integral reals that fit
 * integers again, so json_integer_value() works on them. */
static void
restore_ints(json_t *v)
{
    json_t *child, *i_val;
    size_t i;
    void *it;

    if (json_is_array(v)) {
        for (i = 0; i < json_array_size(v); i++) {
            child = json_array_get(v, i);
            if ((i_val = int_of_real(child)))
                json_array_set_new(v, i, i_val);
            else
                restore_ints(child);
        }
        return;
    }
    for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
        child = json_object_iter_value(it);
        if ((i_val = int_of_real(child)))
            json_object_iter_set_new(v, it, i_val);
        else
            restore_ints(child);
    }
}

/* QEMU prints uint64 values that can exceed jansson's json_int_t; such
 * a line is read again with integers as reals (the big ones stay reals)
 * rather than dropped. */
static json_t *
parse_line(const char *s, size_t n, const char *name)
{
    json_error_t jerr;
    json_t *msg;

    msg = json_loadb(s, n, 0, &jerr);
    if (!msg && json_error_code(&jerr) == json_error_numeric_overflow) {
        msg = json_loadb(s, n, JSON_DECODE_INT_AS_REAL, &jerr);
        restore_ints(msg);
    }
    if (msg && json_is_object(msg))
        return msg;
    lv_log_warn("dom %s: qmp: skipping a line that is not a JSON object: %s",
                name, msg ? "not an object" : jerr.text);
    json_decref(msg);
    return NULL;
}

json_t *
qmp_io_next(struct qmp_io *io, const char *name)
{
    json_t *msg = NULL;

    while (!msg && io->len > io->off) {
        char *start = io->buf + io->off;
        size_t avail = io->len - io->off;
        char *nl = memchr(start + io->scan, '\n', avail - io->scan);
        size_t linelen;

        if (nl) {
            linelen = (size_t)(nl - start);
            io->off += linelen + 1;
        } else if (io->eof) {
            linelen = avail;
            io->off += linelen;
        } else {
            io->scan = avail;
            break;
        }
        io->scan = 0;
        if (!is_blank(start, linelen))
            msg = parse_line(start, linelen, name);
    }
    return msg;
}

int
qmp_io_wait(struct qmp_io *io, int64_t deadline, struct lv_err *err)
{
    struct pollfd pfd = { .fd = io->fd, .events = POLLIN };
    int r;

    for (;;) {
        r = poll(&pfd, 1, remaining_ms(deadline));
        if (r >= 0)
            return r > 0 ? 1 : 0;
        if (errno != EINTR) {
            lv_err_sys(err, "cannot wait for the monitor");
            return -1;
        }
    }
}

/* One sendmsg() of up to len bytes, with pass_fd attached if >= 0. */
static ssize_t
send_some(struct qmp_io *io, const char *p, size_t len, int pass_fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct cmsghdr *cm;

    if (pass_fd >= 0) {
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = sizeof(ctl.buf);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
    }
    return sendmsg(io->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Wait to be able to write; read meanwhile, since QEMU may be blocked
 * writing to us. 1 writable (or worth retrying), 0 deadline, -1 error. */
static int
wait_writable(struct qmp_io *io, int64_t deadline, struct lv_err *err)
{
    struct pollfd pfd = { .fd = io->fd, .events = POLLIN | POLLOUT };
    int r;

    r = poll(&pfd, 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR)
        return 1;
    if (r < 0) {
        lv_err_sys(err, "cannot wait for the monitor");
        return -1;
    }
    if (r == 0)
        return 0;
    if ((pfd.revents & POLLIN) && !io->eof && qmp_io_fill(io, err) < 0 &&
        !io->eof)
        return -1;
    return 1;
}

int
qmp_io_send(struct qmp_io *io, const char *text, size_t len, int pass_fd,
            int64_t deadline, struct lv_err *err)
{
    size_t done = 0;
    ssize_t n;
    int r;

    if (check_usable(io, err) < 0)
        return -1;
    while (done < len) {
        n = send_some(io, text + done, len - done, done ? -1 : pass_fd);
        if (n >= 0) {
            done += (size_t)n;
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET) {
            set_closed(io, err);
            return -1;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            io->failed = 1;
            lv_err_sys(err, "cannot write to the monitor");
            return -1;
        }
        r = wait_writable(io, deadline, err);
        if (r < 0)
            return -1;
        if (r == 0) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "timed out sending the command to the monitor");
            return -1;
        }
    }
    return 0;
}

/* HMP command lines that set a password ("set_password vnc s3cret",
 * "change vnc password s3cret") keep only their first word. */
static json_t *
redact_command_line(const char *line)
{
    size_t n = strcspn(line, " \t");
    char *s;
    json_t *v;

    if (!strstr(line, "password"))
        return NULL;
    s = lv_asprintf("%.*s ***", (int)n, line);
    v = json_string(s);
    free(s);
    return v;
}

static json_t *
redacted_value(json_t *obj, const char *key, json_t *val)
{
    const char *qtype = json_string_value(json_object_get(obj, "qom-type"));

    if (strcmp(key, "password") == 0)
        return json_string("***");
    if (strcmp(key, "data") == 0 && qtype && strcmp(qtype, "secret") == 0)
        return json_string("***");
    if (strcmp(key, "command-line") == 0 && json_is_string(val))
        return redact_command_line(json_string_value(val));
    return NULL;
}

static void
redact(json_t *v)
{
    json_t *child, *repl;
    size_t i;
    void *it;

    if (json_is_array(v)) {
        json_array_foreach(v, i, child)
            redact(child);
        return;
    }
    for (it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
        child = json_object_iter_value(it);
        repl = redacted_value(v, json_object_iter_key(it), child);
        if (repl)
            json_object_iter_set_new(v, it, repl);
        else
            redact(child);
    }
}

void
qmp_io_log(const char *name, const char *dir, json_t *msg)
{
    json_t *copy;
    char *text;

    if (!lv_log_enabled(LV_LOG_DEBUG))
        return;
    copy = json_deep_copy(msg);
    redact(copy);
    text = copy ? json_dumps(copy, JSON_ENCODE_ANY) : NULL;
    lv_log_debug("dom %s: qmp %s %s", name, dir, text ? text : "(unprintable)");
    free(text);
    json_decref(copy);
}
