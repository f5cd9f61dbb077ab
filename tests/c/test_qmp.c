/* test_qmp.c - the QMP client against a scripted fake QEMU: a forked child
 * plays the server over a socketpair (or a unix socket for qmp_connect)
 * and exits non-zero if what it received was wrong. No QEMU needed. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "kvm/qmp.h"
#include "log.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
    "\"minor\": 2, \"major\": 7}, \"package\": \"\"}, " \
    "\"capabilities\": [\"oob\"]}}\r\n"

/* ---- the fake server (runs in the child) ---- */

static int srv_bad;
static size_t srv_chunk;   /* write in pieces of this size (0: at once) */

#define SRV_CHECK(cond)                                                   \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "server %s:%d: FAIL: %s\n", __FILE__,         \
                    __LINE__, #cond);                                     \
            srv_bad = 1;                                                  \
        }                                                                 \
    } while (0)

static void
srv_pause_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = ms % 1000 * 1000000L };

    nanosleep(&ts, NULL);
}

/* Write s, in pieces of srv_chunk bytes with pauses between if set. */
static void
srv_write(int fd, const char *s)
{
    size_t chunk = srv_chunk;
    size_t len = strlen(s), done = 0, n;
    ssize_t w;

    while (done < len) {
        n = chunk && len - done > chunk ? chunk : len - done;
        w = write(fd, s + done, n);
        SRV_CHECK(w > 0);
        if (w <= 0)
            return;
        done += (size_t)w;
        if (chunk)
            srv_pause_ms(1);
    }
}

/* Read one command line; a passed fd lands in *passed. NULL at EOF. */
static json_t *
srv_read(int fd, int *passed)
{
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } ctl;
    char line[4096];
    size_t n = 0;
    char c;

    for (;;) {
        struct iovec iov = { .iov_base = &c, .iov_len = 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = ctl.buf,
                             .msg_controllen = sizeof(ctl.buf) };
        struct cmsghdr *cm;

        if (recvmsg(fd, &mh, MSG_CMSG_CLOEXEC) <= 0)
            return NULL;
        cm = CMSG_FIRSTHDR(&mh);
        if (cm && cm->cmsg_type == SCM_RIGHTS && passed)
            memcpy(passed, CMSG_DATA(cm), sizeof(int));
        if (c == '\n' || n + 1 >= sizeof(line))
            break;
        line[n++] = c;
    }
    return json_loadb(line, n, 0, NULL);
}

/* Send {"return"|"error": value, "id": the id of cmd}; value is JSON
 * text, pasted as is so that it may hold what jansson would refuse. */
static void
srv_answer(int fd, json_t *cmd, const char *key, const char *value)
{
    json_t *id = json_object_get(cmd, "id");
    char *idtext = id ? json_dumps(id, JSON_ENCODE_ANY) : NULL;
    size_t n = strlen(key) + strlen(value) + (idtext ? strlen(idtext) : 0);
    char *line = malloc(n + 32);

    if (idtext)
        sprintf(line, "{\"%s\": %s, \"id\": %s}\r\n", key, value, idtext);
    else
        sprintf(line, "{\"%s\": %s}\r\n", key, value);
    srv_write(fd, line);
    free(line);
    free(idtext);
}

/* A string member of obj, "" if absent */
static const char *
str_of(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s ? s : "";
}

/* Greet and accept qmp_capabilities. */
static void
srv_greet(int fd)
{
    json_t *cmd;

    srv_write(fd, GREETING);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "qmp_capabilities") == 0);
    SRV_CHECK(json_is_string(json_object_get(cmd, "id")));
    srv_answer(fd, cmd, "return", "{}");
    json_decref(cmd);
}

/* Read a command, check its name unless NULL, and return value to it. */
static void
srv_expect(int fd, const char *name, const char *value)
{
    json_t *cmd = srv_read(fd, NULL);

    SRV_CHECK(cmd && (!name || strcmp(str_of(cmd, "execute"), name) == 0));
    srv_answer(fd, cmd, "return", value);
    json_decref(cmd);
}

/* Wait for the client to hang up, so a reply is never read by nobody. */
static void
srv_wait_eof(int fd)
{
    json_t *cmd;

    while ((cmd = srv_read(fd, NULL)))
        json_decref(cmd);
}

/* ---- harness plumbing (runs in the parent) ---- */

typedef void (*script_fn)(int fd);

static pid_t
start_server(script_fn fn, int *client_fd)
{
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        fn(sv[1]);
        _exit(srv_bad ? 1 : 0);
    }
    close(sv[1]);
    *client_fd = sv[0];
    return pid;
}

static int
server_ok(pid_t pid)
{
    int st = 0;

    if (waitpid(pid, &st, 0) != pid)
        return 0;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Start a server running fn and open a client on it. */
static struct qmp *
open_on(script_fn fn, pid_t *pid)
{
    struct lv_err err = LV_ERR_INIT;
    struct qmp *q;
    int fd;

    *pid = start_server(fn, &fd);
    q = qmp_open_fd(fd, "test", 2000, &err);
    CHECK(q != NULL, "open: %s", err.msg);
    return q;
}

/* ---- scripts and their tests ---- */

static void
s_basic(int fd)
{
    json_t *cmd;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "query-status") == 0);
    SRV_CHECK(json_object_get(cmd, "arguments") == NULL);
    srv_answer(fd, cmd, "return",
               "{\"status\": \"running\", \"running\": true}");
    json_decref(cmd);
    srv_wait_eof(fd);
}

static void
test_basic(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_basic, &pid);
    json_t *ret;

    ret = q ? qmp_execute(q, "query-status", NULL, 2000, &err) : NULL;
    CHECK(ret != NULL, "query-status: %s", err.msg);
    CHECK(json_is_true(json_object_get(ret, "running")), "running");
    CHECK(strcmp(str_of(ret, "status"), "running") == 0, "status");
    CHECK(qmp_fd(q) >= 0 && !qmp_has_events(q), "fd, no events");
    json_decref(ret);
    qmp_close(q);
    qmp_close(NULL);
    CHECK(server_ok(pid), "basic server");
}

static void
s_error(int fd)
{
    json_t *cmd;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "device_del") == 0);
    SRV_CHECK(strcmp(str_of(json_object_get(cmd, "arguments"), "id"),
                     "foo") == 0);
    srv_answer(fd, cmd, "error", "{\"class\": \"DeviceNotFound\", "
               "\"desc\": \"Device 'foo' not found\"}");
    json_decref(cmd);
    srv_expect(fd, "cont", "{}");
    srv_wait_eof(fd);
}

static void
test_error(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_error, &pid);
    json_t *args = json_pack("{s:s}", "id", "foo");
    json_t *ret;

    ret = qmp_execute(q, "device_del", args, 2000, &err);
    CHECK(ret == NULL && err.code == LV_E_QEMU, "error reply: code %d",
          err.code);
    CHECK(strcmp(err.msg, "domain 'test': qmp device_del: Device 'foo' not "
                 "found") == 0, "error text: %s", err.msg);
    CHECK(args->refcount == 1, "args reference kept by the caller");
    ret = qmp_execute(q, "cont", NULL, 2000, &err);
    CHECK(ret != NULL, "usable after an error reply: %s", err.msg);
    json_decref(ret);
    json_decref(args);
    qmp_close(q);
    CHECK(server_ok(pid), "error server");
}

static void
s_event(int fd)
{
    json_t *cmd;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "stop") == 0);
    srv_write(fd, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
              "\"event\": \"STOP\"}\r\n");
    srv_answer(fd, cmd, "return", "{}");
    json_decref(cmd);
    srv_expect(fd, "cont", "{}");
    srv_pause_ms(50);
    srv_write(fd, "{\"event\": \"RESUME\", \"timestamp\": {}}\r\n");
    srv_wait_eof(fd);
}

static void
test_event(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_event, &pid);
    json_t *ret, *ev;

    ret = qmp_execute(q, "stop", NULL, 2000, &err);
    CHECK(ret != NULL, "stop: %s", err.msg);
    json_decref(ret);
    CHECK(qmp_has_events(q), "event queued while waiting");
    ev = qmp_next_event(q, 0, &err);
    CHECK(ev && strcmp(str_of(ev, "event"), "STOP") == 0,
          "STOP event: %s", err.msg);
    json_decref(ev);
    ev = qmp_next_event(q, 0, &err);
    CHECK(!ev && err.code == LV_E_TIMEOUT, "no more events: %s", err.msg);
    ret = qmp_execute(q, "cont", NULL, 2000, &err);
    json_decref(ret);
    ev = qmp_next_event(q, 2000, &err);
    CHECK(ev && strcmp(str_of(ev, "event"), "RESUME") == 0,
          "waited-for RESUME: %s", err.msg);
    json_decref(ev);
    qmp_close(q);
    CHECK(server_ok(pid), "event server");
}

static void
s_split(int fd)
{
    json_t *cmd;
    char *big;

    srv_write(fd, "\r\n");
    srv_write(fd, "not json at all\r\n");
    srv_chunk = 3;
    srv_greet(fd);
    srv_chunk = 7;
    cmd = srv_read(fd, NULL);
    srv_answer(fd, cmd, "return", "{\"qemu\": {\"major\": 7}, \"package\": "
               "\"a \\\"quoted\\\" line\\nbreak\", "
               "\"size\": 18446744073709551615}");
    srv_chunk = 0;
    json_decref(cmd);
    cmd = srv_read(fd, NULL);
    big = calloc(1, 300003);
    memset(big, 'x', 300002);
    big[0] = big[300001] = '"';
    srv_answer(fd, cmd, "return", big);
    free(big);
    json_decref(cmd);
    srv_wait_eof(fd);
}

static void
test_split(void)
{
    struct lv_err err = LV_ERR_INIT;
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    pid_t pid;
    struct qmp *q;
    json_t *ret;

    lv_log_set_fd(devnull);   /* the garbage line is warned about */
    q = open_on(s_split, &pid);
    lv_log_set_fd(2);
    ret = qmp_execute(q, "query-version", NULL, 5000, &err);
    CHECK(ret != NULL, "split reply: %s", err.msg);
    CHECK(json_integer_value(json_object_get(json_object_get(ret, "qemu"),
                                             "major")) == 7, "major");
    CHECK(strcmp(str_of(ret, "package"), "a \"quoted\" line\nbreak") == 0,
          "escaped string");
    CHECK(json_number_value(json_object_get(ret, "size")) > 1.8e19,
          "uint64 past json_int_t read as a real");
    json_decref(ret);
    ret = qmp_execute(q, "query-big", NULL, 5000, &err);
    CHECK(json_string_length(ret) == 300000, "large reply: %s", err.msg);
    json_decref(ret);
    qmp_close(q);
    close(devnull);
    CHECK(server_ok(pid), "split server");
}

static void
s_eof(int fd)
{
    json_t *cmd;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    json_decref(cmd);
    srv_write(fd, "{\"event\": \"SHUTDOWN\"}\r\n");
}

static void
test_eof(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_eof, &pid);
    json_t *ret, *ev;

    ret = qmp_execute(q, "query-status", NULL, 2000, &err);
    CHECK(ret == NULL && err.code == LV_E_QEMU, "EOF code %d", err.code);
    CHECK(strcmp(err.msg, "domain 'test': qmp query-status: QEMU closed the "
                 "monitor") == 0, "EOF text: %s", err.msg);
    ret = qmp_execute(q, "query-status", NULL, 2000, &err);
    CHECK(ret == NULL && strstr(err.msg, "QEMU closed the monitor"),
          "after EOF: %s", err.msg);
    ev = qmp_next_event(q, 1000, &err);
    CHECK(ev != NULL, "event sent before EOF still delivered: %s", err.msg);
    json_decref(ev);
    ev = qmp_next_event(q, 1000, &err);
    CHECK(!ev && err.code == LV_E_QEMU, "no events after EOF: %s", err.msg);
    qmp_close(q);
    CHECK(server_ok(pid), "eof server");
}

static void
s_timeout(int fd)
{
    srv_greet(fd);
    srv_wait_eof(fd);
}

static void
test_timeout(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_timeout, &pid);
    long t0 = now_ms(), dt;
    json_t *ret;

    ret = qmp_execute(q, "query-status", NULL, 200, &err);
    dt = now_ms() - t0;
    CHECK(ret == NULL && err.code == LV_E_TIMEOUT, "timeout code %d",
          err.code);
    CHECK(strcmp(err.msg, "domain 'test': qmp query-status: no reply within "
                 "200 ms") == 0, "timeout text: %s", err.msg);
    CHECK(dt >= 195 && dt < 400, "timed out after %ld ms, wanted 200", dt);
    t0 = now_ms();
    ret = qmp_next_event(q, 100, &err);
    dt = now_ms() - t0;
    CHECK(!ret && err.code == LV_E_TIMEOUT && dt >= 95 && dt < 300,
          "event wait %ld ms: %s", dt, err.msg);
    qmp_close(q);
    CHECK(server_ok(pid), "timeout server");
}

static void
s_caps_refused(int fd)
{
    json_t *cmd;

    srv_write(fd, GREETING);
    cmd = srv_read(fd, NULL);
    srv_answer(fd, cmd, "error", "{\"class\": \"GenericError\", \"desc\": "
               "\"no\"}");
    json_decref(cmd);
    srv_wait_eof(fd);
}

static void
test_handshake_fail(void)
{
    struct lv_err err = LV_ERR_INIT;
    long t0 = now_ms(), dt;
    struct qmp *q;
    pid_t pid;
    int fd;

    pid = start_server(srv_wait_eof, &fd);
    q = qmp_open_fd(fd, "test", 150, &err);
    dt = now_ms() - t0;
    CHECK(!q && err.code == LV_E_TIMEOUT && dt < 400, "greeting timeout");
    CHECK(strcmp(err.msg, "domain 'test': qmp greeting: no greeting within "
                 "150 ms") == 0, "greeting text: %s", err.msg);
    CHECK(server_ok(pid), "no-greeting server");
    q = qmp_open_fd(-1, "test", 150, &err);
    CHECK(!q && err.code == LV_E_SYSTEM, "bad fd: %s", err.msg);
    pid = start_server(s_caps_refused, &fd);
    q = qmp_open_fd(fd, "test", 2000, &err);
    CHECK(!q && strcmp(err.msg, "domain 'test': qmp qmp_capabilities: no") ==
          0, "capabilities refused: %s", err.msg);
    CHECK(server_ok(pid), "caps server");
}

static void
s_ids(int fd)
{
    json_t *a, *b, *ida, *idb;

    srv_greet(fd);
    a = srv_read(fd, NULL);
    b = srv_read(fd, NULL);
    ida = json_object_get(a, "id");
    idb = json_object_get(b, "id");
    SRV_CHECK(ida && idb && !json_equal(ida, idb));
    srv_answer(fd, a, "return", "{\"name\": \"late\"}");
    srv_write(fd, "{\"return\": {\"name\": \"bogus\"}, \"id\": \"bogus\"}\r\n");
    srv_answer(fd, b, "return", "{\"name\": \"right\"}");
    json_decref(a);
    json_decref(b);
    /* an error without id answers the one command in flight */
    a = srv_read(fd, NULL);
    srv_write(fd, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
              "\"JSON parse error, expecting value\"}}\r\n");
    json_decref(a);
    srv_wait_eof(fd);
}

static void
test_ids(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_ids, &pid);
    json_t *ret;

    ret = qmp_execute(q, "query-status", NULL, 100, &err);
    CHECK(!ret && err.code == LV_E_TIMEOUT, "first times out");
    ret = qmp_execute(q, "query-name", NULL, 2000, &err);
    CHECK(ret && strcmp(str_of(ret, "name"), "right") == 0,
          "reply matched by id: %s", err.msg);
    json_decref(ret);
    ret = qmp_execute(q, "query-name", NULL, 2000, &err);
    CHECK(!ret && strstr(err.msg, "JSON parse error"), "id-less error: %s",
          err.msg);
    qmp_close(q);
    CHECK(server_ok(pid), "ids server");
}

static void
s_fd(int fd)
{
    json_t *cmd;
    int passed = -1;
    char buf[16] = "";
    ssize_t n;

    srv_greet(fd);
    cmd = srv_read(fd, &passed);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "getfd") == 0);
    SRV_CHECK(passed >= 0 && fcntl(passed, F_GETFD) >= 0);
    n = passed >= 0 ? read(passed, buf, sizeof(buf) - 1) : -1;
    SRV_CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
    if (passed >= 0)
        close(passed);
    srv_answer(fd, cmd, "return", "{}");
    json_decref(cmd);
    srv_wait_eof(fd);
}

static void
test_fd(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_fd, &pid);
    json_t *args = json_pack("{s:s}", "fdname", "fd0");
    json_t *ret;
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], "hello", 5) != 5)
        abort();
    close(p[1]);
    ret = qmp_execute_fd(q, "getfd", args, p[0], 2000, &err);
    CHECK(ret != NULL, "getfd: %s", err.msg);
    CHECK(fcntl(p[0], F_GETFD) >= 0, "caller keeps its fd");
    close(p[0]);
    json_decref(ret);
    json_decref(args);
    qmp_close(q);
    CHECK(server_ok(pid), "fd server (received a valid fd)");
}

static void
s_password(int fd)
{
    json_t *cmd;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(json_object_get(cmd, "arguments"), "password"),
                     "s3cret") == 0);
    srv_answer(fd, cmd, "return", "{\"nested\": [{\"password\": \"s3cret\"}]}");
    json_decref(cmd);
    srv_expect(fd, "human-monitor-command", "\"\"");
    srv_wait_eof(fd);
}

static void
test_password(void)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *args = json_pack("{s:s,s:s}", "protocol", "vnc",
                             "password", "s3cret");
    char log[65536];
    struct qmp *q;
    json_t *ret;
    char *out;
    pid_t pid;
    ssize_t n;
    int p[2];

    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
        abort();
    setenv("LUAVIRT_DEBUG", "debug", 1);
    lv_log_init();
    lv_log_set_fd(p[1]);
    q = open_on(s_password, &pid);
    ret = qmp_execute(q, "set_password", args, 2000, &err);
    CHECK(ret != NULL, "set_password: %s", err.msg);
    json_decref(ret);
    out = qmp_hmp(q, "set_password vnc s3cret", 2000, &err);
    CHECK(out && !*out, "hmp: %s", err.msg);
    free(out);
    qmp_close(q);
    lv_log_set_fd(2);
    unsetenv("LUAVIRT_DEBUG");
    lv_log_init();
    n = read(p[0], log, sizeof(log) - 1);
    log[n > 0 ? n : 0] = '\0';
    CHECK(strstr(log, "dom test: qmp -> {\"execute\": \"set_password\""),
          "command logged: %s", log);
    CHECK(strstr(log, "\"password\": \"***\""), "password redacted");
    CHECK(strstr(log, "dom test: qmp <- {\"return\": {\"nested\""),
          "reply logged");
    CHECK(strstr(log, "\"command-line\": \"set_password ***\""),
          "hmp password redacted");
    CHECK(!strstr(log, "s3cret"), "no secret in the log: %s", log);
    close(p[0]);
    close(p[1]);
    json_decref(args);
    CHECK(server_ok(pid), "password server");
}

static void
s_raw(int fd)
{
    json_t *cmd;
    const char *id;

    srv_greet(fd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "query-foo") == 0);
    srv_answer(fd, cmd, "error", "{\"class\": \"CommandNotFound\", \"desc\": "
               "\"The command query-foo has not been found\"}");
    json_decref(cmd);
    cmd = srv_read(fd, NULL);
    id = str_of(cmd, "id");
    SRV_CHECK(strncmp(id, "luavirt-", 8) == 0);
    SRV_CHECK(json_integer_value(json_object_get(json_object_get(
        cmd, "arguments"), "n")) == 3);
    srv_answer(fd, cmd, "return", "{}");
    json_decref(cmd);
    cmd = srv_read(fd, NULL);
    SRV_CHECK(strcmp(str_of(cmd, "execute"), "human-monitor-command") == 0);
    SRV_CHECK(strcmp(str_of(json_object_get(cmd, "arguments"),
                            "command-line"), "info status") == 0);
    srv_answer(fd, cmd, "return", "\"VM status: running\\r\\n\"");
    json_decref(cmd);
    srv_wait_eof(fd);
}

static void
test_raw(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_raw, &pid);
    json_t *r;
    char *out;

    r = qmp_execute_raw(q, "{\"execute\": \"query-foo\"}", 2000, &err);
    CHECK(r && json_object_get(r, "error") && err.code == LV_E_OK,
          "error reply returned, not raised: %s", err.msg);
    CHECK(r && !json_object_get(r, "id"), "our id removed");
    json_decref(r);
    r = qmp_execute_raw(q, "{\"execute\": \"x\", \"arguments\": {\"n\": 3}, "
                        "\"id\": \"mine\"}", 2000, &err);
    CHECK(r && strcmp(str_of(r, "id"), "mine") == 0,
          "caller's id kept: %s", err.msg);
    json_decref(r);
    r = qmp_execute_raw(q, "{bad", 2000, &err);
    CHECK(!r && err.code == LV_E_INVALID && strstr(err.msg, "invalid JSON"),
          "bad JSON: %s", err.msg);
    r = qmp_execute_raw(q, "[1]", 2000, &err);
    CHECK(!r && err.code == LV_E_INVALID, "not a command: %s", err.msg);
    out = qmp_hmp(q, "info status", 2000, &err);
    CHECK(out && strcmp(out, "VM status: running\r\n") == 0, "hmp: %s",
          err.msg);
    free(out);
    qmp_close(q);
    CHECK(server_ok(pid), "raw server");
}

static void
s_loop(int fd)
{
    srv_greet(fd);
    srv_write(fd, "{\"event\": \"A\"}\r\n");
    srv_pause_ms(30);
    srv_write(fd, "{\"event\": \"B\"}\r\n{\"event\": \"C\"}");
    srv_pause_ms(30);
    srv_write(fd, "\r\n");
}

static void
test_loop(void)
{
    struct lv_err err = LV_ERR_INIT;
    pid_t pid;
    struct qmp *q = open_on(s_loop, &pid);
    struct pollfd pfd = { .fd = qmp_fd(q), .events = POLLIN };
    int r = 0, rounds = 0, n;

    while (r == 0 && rounds++ < 50 && poll(&pfd, 1, 2000) > 0)
        r = qmp_read_available(q, &err);
    CHECK(r < 0 && err.code == LV_E_QEMU && strstr(err.msg, "closed"),
          "loop ends at EOF: %s", err.msg);
    for (n = 0; qmp_has_events(q); n++)
        json_decref(qmp_next_event(q, 0, &err));
    CHECK(n == 3, "3 events queued by the loop, got %d", n);
    qmp_close(q);
    CHECK(server_ok(pid), "loop server");
}

static void
test_connect(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char dir[] = "/tmp/test_qmp.XXXXXX";
    char longpath[200] = "";
    struct qmp *q;
    json_t *ret;
    int lfd;
    pid_t pid;

    if (!mkdtemp(dir))
        abort();
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/qmp.sock", dir);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1))
        abort();
    pid = fork();
    if (pid == 0) {
        s_basic(accept4(lfd, NULL, NULL, SOCK_CLOEXEC));
        _exit(srv_bad ? 1 : 0);
    }
    close(lfd);
    q = qmp_connect(sa.sun_path, "web1", 2000, &err);
    CHECK(q != NULL, "connect: %s", err.msg);
    ret = q ? qmp_execute(q, "query-status", NULL, 2000, &err) : NULL;
    CHECK(ret != NULL, "query-status over path: %s", err.msg);
    json_decref(ret);
    qmp_close(q);
    CHECK(server_ok(pid), "connect server");
    unlink(sa.sun_path);
    q = qmp_connect(sa.sun_path, "web1", 500, &err);
    CHECK(!q && err.code == LV_E_SYSTEM && strstr(err.msg, sa.sun_path) &&
          strstr(err.msg, "domain 'web1': cannot connect"), "gone: %s",
          err.msg);
    rmdir(dir);
    memset(longpath, 'a', sizeof(longpath) - 1);
    q = qmp_connect(longpath, "web1", 500, &err);
    CHECK(!q && err.code == LV_E_INVALID, "long path: %s", err.msg);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_basic();
    test_error();
    test_event();
    test_split();
    test_eof();
    test_timeout();
    test_handshake_fail();
    test_ids();
    test_fd();
    test_password();
    test_raw();
    test_loop();
    test_connect();
    return TEST_DONE();
}
