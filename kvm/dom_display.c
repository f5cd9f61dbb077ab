/* dom_display.c - VNC/SPICE displays and screenshots (see dom_display.h).
 * The ports QEMU chose are recorded in the live XML by the supervisor
 * when the guest starts (query-vnc); passwords were set through QMP then
 * and never appear here. */
#include "dom_display.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom_def.h"
#include "dom_session.h"
#include "dom_store.h"
#include "strbuf.h"

static struct dom_def *
live_def(struct lv_conn *c, const char *name, const char *what, struct lv_err *err)
{
    struct dom_session s;
    struct dom_def *def = NULL;
    char *path;

    if (dom_session_begin(&s, c, name, what, DOM_SESSION_ACTIVE, err) < 0)
        return NULL;
    path = dom_run_file(c, name, "live.xml");
    def = dom_store_load_file(path, name, err);
    free(path);
    dom_session_end(&s);
    return def;
}

/* The first graphics device of type (NULL: any) listening on a TCP port. */
static const struct dom_graphics *
find_tcp(const struct dom_def *def, const char *type)
{
    for (size_t i = 0; i < def->n_graphics; i++) {
        const struct dom_graphics *g = &def->graphics[i];
        const char *lt = g->listen_type ? g->listen_type : "address";
        if (g->type && (!type || !strcmp(g->type, type)) && g->port > 0 &&
            !strcmp(lt, "address"))
            return g;
    }
    return NULL;
}

static int
wildcard(const char *addr)
{
    return !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::");
}

char *
dom_display_vnc(struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct dom_def *def = live_def(c, name, "get the VNC display", err);
    const struct dom_graphics *g;
    char *out = NULL;

    if (!def)
        return NULL;
    g = find_tcp(def, "vnc");
    if (!g)
        lv_err_set(err, LV_E_INVALID, "domain '%s': no VNC display on a TCP port", name);
    else if (!g->listen || wildcard(g->listen))
        out = lv_asprintf(":%d", g->port - 5900);
    else
        out = lv_asprintf("%s:%d", g->listen, g->port - 5900);
    dom_def_free(def);
    return out;
}

char *
dom_display_uri(struct lv_conn *c, const char *name, const char *type,
                struct lv_err *err)
{
    struct dom_def *def = live_def(c, name, "get the display", err);
    const struct dom_graphics *g;
    const char *host;
    char *out = NULL;

    if (!def)
        return NULL;
    g = find_tcp(def, type);
    if (!g) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': no %s display on a TCP port", name,
                   type ? type : "graphical");
        goto out;
    }
    /* QEMU listens where the XML says, 127.0.0.1 when it says nothing */
    host = !g->listen ? "127.0.0.1" : wildcard(g->listen) ? "localhost" : g->listen;
    if (!strcmp(g->type, "vnc"))
        out = lv_asprintf(strchr(host, ':') ? "vnc://[%s]:%d" : "vnc://%s:%d", host,
                          g->port - 5900);
    else
        out = lv_asprintf(strchr(host, ':') ? "%s://[%s]:%d" : "%s://%s:%d", g->type,
                          host, g->port);
out:
    dom_def_free(def);
    return out;
}

/* Is the file at path a PPM that QEMU finished? (screendump answers once
 * it has written it; our fd is write-only, as QEMU's fdset wants.) */
static int
check_ppm(const char *name, const char *path, struct lv_err *err)
{
    char head[3] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, head, 2) : -1;

    if (fd >= 0)
        close(fd);
    if (r != 2 || memcmp(head, "P6", 2) != 0) {
        lv_err_set(err, LV_E_QEMU, "domain '%s': screenshot '%s': QEMU wrote no PPM "
                   "image", name, path);
        return -1;
    }
    return 0;
}

int
dom_display_screenshot(struct lv_conn *c, const char *name, const char *path,
                       struct lv_err *err)
{
    struct dom_session s;
    struct qmp *q;
    json_t *r = NULL;
    int fd = -1, created = 0, ret = -1;
    json_int_t set = -1;
    char *target = NULL;

    if (dom_session_begin(&s, c, name, "take a screenshot", DOM_SESSION_ACTIVE, err) < 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0)
        created = 1;
    else if (errno == EEXIST)
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) {
        lv_err_sys(err, "domain '%s': cannot write screenshot '%s'", name, path);
        goto out;
    }
    /* QEMU opens /dev/fdset/N with our fd: the file needs no access of its */
    if (!(q = dom_session_qmp(&s, err)) ||
        !(r = dom_qmp_run_fd(q, "add-fd", NULL, fd, err)))
        goto out;
    set = json_integer_value(json_object_get(r, "fdset-id"));
    target = lv_asprintf("/dev/fdset/%lld", (long long)set);
    if (dom_qmp_ok(q, "screendump", json_pack("{s:s}", "filename", target), err) < 0) {
        lv_err_prefix(err, "screenshot '%s': ", path);
        goto out;
    }
    ret = check_ppm(name, path, err);
out:
    if (set >= 0 && s.q) {
        struct lv_err e2 = LV_ERR_INIT;
        dom_qmp_ok(s.q, "remove-fd", json_pack("{s:I}", "fdset-id", set), &e2);
    }
    if (fd >= 0)
        close(fd);
    if (ret < 0 && created)
        unlink(path);
    free(target);
    json_decref(r);
    dom_session_end(&s);
    return ret;
}
