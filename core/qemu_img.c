/* qemu_img.c - qemu-img runs for storage/ and kvm/ (see qemu_img.h): always an argv
 * through core/spawn, never a shell; a failure carries qemu-img's own last
 * stderr line, with its "qemu-img: " prefix cut, so the cause stays readable. */
#include "qemu_img.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "strbuf.h"


static void
set_failed(struct lv_err *err, char *const argv[], const char *what,
           int status, char *errtext)
{
    const char *sub = argv[1] ? argv[1] : "";

    lv_log_debug("storage: qemu-img %s exited %d: %s", sub, status,
                 errtext ? errtext : "");
    lv_err_set(err, LV_E_QEMU, "%s: qemu-img %s failed: %s", what, sub,
               lv_last_line(errtext, "qemu-img: ", "no error message"));
}

int
qemu_img_run(char *const argv[], const char *what, struct lv_err *err)
{
    return qemu_img_capture(argv, NULL, what, err);
}

/* qemu_img_capture with a timeout (ms, -1: none). */
static int
capture(char *const argv[], char **stdout_text, const char *what, int timeout_ms,
        struct lv_err *err)
{
    char *out = NULL, *errtext = NULL;
    int st = lv_spawn_capture(argv, &out, &errtext, timeout_ms, err);
    int ret = -1;

    if (st < 0) {
        lv_err_prefix(err, "%s: ", what);
        goto out;
    }
    if (st != 0) {
        set_failed(err, argv, what, st, errtext);
        goto out;
    }
    if (stdout_text) {
        *stdout_text = out;
        out = NULL;
    }
    ret = 0;
out:
    free(out);
    free(errtext);
    return ret;
}

int
qemu_img_capture(char *const argv[], char **stdout_text, const char *what,
                 struct lv_err *err)
{
    return capture(argv, stdout_text, what, -1, err);
}

/* Feed every "(NN.NN/100%)" in buf[0..len) to fn; returns fn's verdict. */
static int
report_progress(const char *buf, size_t len, qemu_img_progress_fn fn,
                void *arg)
{
    int stop = 0;

    for (size_t i = 0; i < len && !stop; i++) {
        double pct;
        if (buf[i] == '(' && sscanf(buf + i, "(%lf/100%%)", &pct) == 1)
            stop = fn(pct, arg);
    }
    return stop;
}

/* Read the child's stdout until EOF, passing progress on. 1 if cancelled. */
static int
pump_progress(int fd, qemu_img_progress_fn fn, void *arg)
{
    char buf[512];

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        buf[n] = '\0';
        if (fn && report_progress(buf, (size_t)n, fn, arg))
            return 1;
    }
}

static char *
read_all(int fd)
{
    struct strbuf b = STRBUF_INIT;
    char tmp[1024];
    ssize_t n;

    if (lseek(fd, 0, SEEK_SET) < 0)
        return NULL;
    while ((n = read(fd, tmp, sizeof(tmp))) > 0)
        strbuf_add(&b, tmp, (size_t)n);
    return strbuf_steal(&b);
}

int
qemu_img_run_progress(char *const argv[], const char *what,
                      qemu_img_progress_fn fn, void *arg, struct lv_err *err)
{
    int po[2] = { -1, -1 }, efd = -1, st, ret = -1;
    struct lv_spawn_opts o = { -1, -1, -1, NULL, 0, 0, 0, NULL, NULL, NULL };
    char *errtext = NULL;
    pid_t pid;

    efd = memfd_create("qemu-img-stderr", MFD_CLOEXEC);
    if (efd < 0 || pipe2(po, O_CLOEXEC) < 0) {
        lv_err_sys(err, "%s: cannot run qemu-img", what);
        goto out;
    }
    o.stdout_fd = po[1];
    o.stderr_fd = efd;
    pid = lv_spawn(argv, &o, err);
    if (pid < 0) {
        lv_err_prefix(err, "%s: ", what);
        goto out;
    }
    close(po[1]);
    po[1] = -1;
    if (pump_progress(po[0], fn, arg)) {
        kill(pid, SIGTERM);
        lv_spawn_wait(pid, -1, NULL);
        lv_err_set(err, LV_E_INVALID, "%s: cancelled", what);
        goto out;
    }
    st = lv_spawn_wait(pid, -1, err);
    if (st < 0)
        goto out;
    if (st != 0) {
        errtext = read_all(efd);
        set_failed(err, argv, what, st, errtext);
        goto out;
    }
    if (fn)
        fn(100.0, arg);
    ret = 0;
out:
    free(errtext);
    for (int i = 0; i < 2; i++)
        if (po[i] >= 0)
            close(po[i]);
    if (efd >= 0)
        close(efd);
    return ret;
}

static char *
json_str_dup(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? lv_strdup(s) : NULL;
}

static uint64_t
json_u64(json_t *o, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(o, key));
    return v > 0 ? (uint64_t)v : 0;
}

int
qemu_img_info(const char *path, struct qemu_img_info *info,
              struct lv_err *err)
{
    char *argv[] = { (char *)"qemu-img", (char *)"info",
                     (char *)"--output=json", (char *)"-U", (char *)"--",
                     (char *)path, NULL };
    char *out = NULL, *what = lv_asprintf("file '%s'", path);
    json_t *j = NULL;
    json_error_t je;
    int ret = -1;

    memset(info, 0, sizeof(*info));
    if (capture(argv, &out, what, 30000, err) < 0)
        goto out;
    j = json_loads(out, 0, &je);
    if (!json_is_object(j)) {
        lv_err_set(err, LV_E_QEMU, "%s: cannot read qemu-img info: %s",
                   what, je.text);
        goto out;
    }
    info->format = json_str_dup(j, "format");
    info->capacity = json_u64(j, "virtual-size");
    info->allocation = json_u64(j, "actual-size");
    info->backing = json_str_dup(j, "backing-filename");
    info->backing_format = json_str_dup(j, "backing-filename-format");
    ret = 0;
out:
    json_decref(j);
    free(what);
    free(out);
    return ret;
}

void
qemu_img_info_clear(struct qemu_img_info *info)
{
    if (!info)
        return;
    free(info->format);
    free(info->backing);
    free(info->backing_format);
    memset(info, 0, sizeof(*info));
}
