/* dom_save.c - save/restore/managedsave (see dom_save.h). The image is
 * "LUAVIRT-SAVE 1 XMLLEN STATE\n", the domain XML, then QEMU's migration
 * stream. QEMU gets the file as an fd (getfd + "fd:NAME", SCM_RIGHTS):
 * no shell, no exec: migration. */
#include "dom_save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_control.h"
#include "dom_run.h"
#include "dom_session.h"
#include "dom_store.h"
#include "dom_wait.h"
#include "dom_xml.h"
#include "fdio.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"

#define SAVE_MAGIC "LUAVIRT-SAVE 1 "
#define SAVE_TIMEOUT_MS 600000
#define SAVE_FDNAME "luavirt-migfd"

char *
dom_managed_save_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/qemu/save/%s.save", c->lib_dir, name);
}

int
dom_managed_save_exists(const struct lv_conn *c, const char *name)
{
    char *p;
    int r;

    if (dom_def_check_name(name, NULL) < 0)
        return 0;
    p = dom_managed_save_path(c, name);
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

/* Hand fd to QEMU as SAVE_FDNAME and turn on MIGRATION events. */
static int
migration_setup(struct qmp *q, int fd, struct lv_err *err)
{
    json_t *caps = json_pack("{s:[{s:s, s:b}]}", "capabilities",
                             "capability", "events", "state", 1);
    json_t *args = json_pack("{s:s}", "fdname", SAVE_FDNAME);
    json_t *r;

    if (dom_qmp_ok(q, "migrate-set-capabilities", caps, err) < 0) {
        json_decref(args);
        return -1;
    }
    r = dom_qmp_run_fd(q, "getfd", args, fd, err);
    json_decref(r);
    return r ? 0 : -1;
}

/* Wait for the MIGRATION event that ends the stream, with a deadline. */
static int
migration_wait(struct qmp *q, const char *what, struct lv_err *err)
{
    long long deadline = lv_deadline(SAVE_TIMEOUT_MS);

    for (;;) {
        json_t *ev = qmp_next_event(q, lv_deadline_left(deadline), err);
        const char *name, *status;
        if (!ev) {
            lv_err_prefix(err, "%s: ", what);
            return -1;
        }
        name = json_string_value(json_object_get(ev, "event"));
        status = json_string_value(json_object_get(json_object_get(ev, "data"),
                                                   "status"));
        if (name && status && strcmp(name, "MIGRATION") == 0 &&
            (!strcmp(status, "completed") || !strcmp(status, "failed") ||
             !strcmp(status, "cancelled"))) {
            int ok = strcmp(status, "completed") == 0;
            json_decref(ev);
            if (ok)
                return 0;
            break;
        }
        json_decref(ev);
    }
    {
        struct lv_err e2 = LV_ERR_INIT;
        json_t *r = dom_qmp_run(q, "query-migrate", NULL, &e2);
        const char *desc = json_string_value(json_object_get(r, "error-desc"));
        lv_err_set(err, LV_E_QEMU, "%s: migration failed: %s", what,
                   desc ? desc : "no reason given");
        json_decref(r);
    }
    return -1;
}

static int
write_header(int fd, const struct dom_def *def, int running, struct lv_err *err)
{
    char *xml = dom_def_format_xml(def, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE, err);
    char *hdr;
    int r;

    if (!xml)
        return -1;
    hdr = lv_asprintf(SAVE_MAGIC "%zu %s\n", strlen(xml), running ? "running" : "paused");
    r = lv_write_all(fd, hdr, strlen(hdr)) < 0 || lv_write_all(fd, xml, strlen(xml)) < 0;
    if (r)
        lv_err_sys(err, "cannot write the save image header");
    free(hdr);
    free(xml);
    return r ? -1 : 0;
}

/* Stream the guest into fd over q; the guest is left paused. */
static int
stream_out(struct qmp *q, const char *name, int fd, int running,
           struct lv_err *err)
{
    if (running && dom_qmp_ok(q, "stop", NULL, err) < 0)
        return -1;
    if (migration_setup(q, fd, err) < 0 ||
        dom_qmp_ok(q, "migrate", json_pack("{s:s}", "uri", "fd:" SAVE_FDNAME), err) < 0 ||
        migration_wait(q, "saving", err) < 0) {
        struct lv_err e2 = LV_ERR_INIT;
        if (running)
            dom_qmp_ok(q, "cont", NULL, &e2);
        return -1;
    }
    lv_log_debug("dom %s: state saved", name);
    return 0;
}

static int
save_locked(struct lv_conn *c, const char *name, const char *path,
            const char *tmp, struct lv_err *err)
{
    struct dom_status st;
    struct dom_def *def = NULL;
    struct qmp *q = NULL;
    int fd = -1, ret = -1, running;

    if (dom_status_read(c, name, &st, err) < 0)
        return -1;
    if (st.state != DOM_STATE_RUNNING && st.state != DOM_STATE_PAUSED) {
        lv_err_set(err, st.state == DOM_STATE_SHUTOFF && !dom_exists(c, name)
                   ? LV_E_NO_DOMAIN : LV_E_STATE, "domain '%s': cannot save: %s",
                   name, st.state == DOM_STATE_SHUTOFF ? "not running"
                                                       : dom_state_to_str(st.state));
        return -1;
    }
    running = st.state == DOM_STATE_RUNNING;
    def = dom_get_def(c, name, 0, err);
    if (!def)
        goto out;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        lv_err_sys(err, "domain '%s': cannot save: cannot create '%s'", name, tmp);
        goto out;
    }
    if (write_header(fd, def, running, err) < 0 || !(q = dom_qmp_connect(c, name, err)) ||
        stream_out(q, name, fd, running, err) < 0)
        goto fail;
    if (fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        lv_err_sys(err, "domain '%s': cannot save: writing '%s'", name, tmp);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        lv_err_sys(err, "domain '%s': cannot save: cannot rename to '%s'", name, path);
        goto fail;
    }
    /* the image is complete: QEMU goes, the supervisor records it */
    json_decref(dom_qmp_run(q, "quit", NULL, err));
    qmp_close(q);
    q = NULL;
    ret = dom_wait_state(c, name, DOM_STATE_SHUTOFF, 30000, err);
    goto out;
fail:
    unlink(tmp);
out:
    if (fd >= 0)
        close(fd);
    qmp_close(q);
    dom_def_free(def);
    return ret;
}

int
dom_save(struct lv_conn *c, const char *name, const char *path,
         struct lv_err *err)
{
    char *tmp = lv_asprintf("%s.part", path);
    int fd = -1, ret = -1;

    if (dom_def_check_name(name, NULL) < 0 || !dom_exists(c, name)) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        goto out;
    }
    fd = dom_lock(c, name, err);
    if (fd >= 0)
        ret = save_locked(c, name, path, tmp, err);
out:
    dom_unlock(c, name, fd);
    free(tmp);
    return ret;
}

/* ---- restore ---- */

struct image {
    int fd;                  /* positioned at QEMU's stream */
    struct dom_def *def;
    int running;
};

static int
image_open(const char *path, struct image *im, struct lv_err *err)
{
    char hdr[128];
    char state[16] = "";
    size_t xml_len = 0;
    char *xml = NULL, *nl;
    ssize_t n;
    int hl = 0;

    im->def = NULL;
    im->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (im->fd < 0) {
        lv_err_sys(err, "save image '%s': cannot open", path);
        return -1;
    }
    n = pread(im->fd, hdr, sizeof(hdr) - 1, 0);
    hdr[n > 0 ? n : 0] = '\0';
    nl = strchr(hdr, '\n');
    if (!nl || strncmp(hdr, SAVE_MAGIC, strlen(SAVE_MAGIC)) != 0 ||
        sscanf(hdr + strlen(SAVE_MAGIC), "%zu %15s", &xml_len, state) != 2 ||
        xml_len > (1u << 24)) {
        lv_err_set(err, LV_E_INVALID, "save image '%s': not a luavirt save image", path);
        goto fail;
    }
    hl = (int)(nl - hdr) + 1;
    xml = lv_malloc(xml_len + 1);
    if (pread(im->fd, xml, xml_len, hl) != (ssize_t)xml_len) {
        lv_err_set(err, LV_E_INVALID, "save image '%s': truncated", path);
        goto fail;
    }
    xml[xml_len] = '\0';
    im->def = dom_def_parse_xml(xml, xml_len, path, 0, err);
    if (!im->def || lseek(im->fd, (off_t)(hl + (off_t)xml_len), SEEK_SET) < 0)
        goto fail;
    im->running = strcmp(state, "running") == 0;
    free(xml);
    return 0;
fail:
    free(xml);
    dom_def_free(im->def);
    im->def = NULL;
    close(im->fd);
    im->fd = -1;
    return -1;
}

static void
image_close(struct image *im)
{
    if (im->fd >= 0)
        close(im->fd);
    dom_def_free(im->def);
}

/* The guest was started paused with -incoming defer: feed it the stream,
 * then let it run if asked. Destroys it on failure. */
static int
stream_in(struct lv_conn *c, const char *name, int fd, int run,
          struct lv_err *err)
{
    struct qmp *q = dom_qmp_connect(c, name, err);
    int ret = -1;

    if (q && migration_setup(q, fd, err) == 0 &&
        dom_qmp_ok(q, "migrate-incoming", json_pack("{s:s}", "uri", "fd:" SAVE_FDNAME),
               err) == 0 &&
        migration_wait(q, "restoring", err) == 0 &&
        (!run || dom_qmp_ok(q, "cont", NULL, err) == 0))
        ret = 0;
    qmp_close(q);
    if (ret == 0)
        ret = dom_wait_state(c, name, run ? DOM_STATE_RUNNING : DOM_STATE_PAUSED,
                             30000, err);
    if (ret < 0) {
        struct lv_err e2 = LV_ERR_INIT;
        lv_err_prefix(err, "domain '%s': cannot restore: ", name);
        dom_destroy(c, name, 0, &e2);
    }
    return ret;
}

int
dom_restore(struct lv_conn *c, const char *path, enum dom_restore_state st,
            char **name_out, struct lv_err *err)
{
    struct dom_start_opts so = { .paused = 1, .incoming = 1 };
    struct image im;
    int run;

    if (image_open(path, &im, err) < 0)
        return -1;
    run = st == DOM_RESTORE_AS_SAVED ? im.running : st == DOM_RESTORE_RUNNING;
    if (dom_create(c, im.def, &so, err) < 0 ||
        stream_in(c, im.def->name, im.fd, run, err) < 0) {
        image_close(&im);
        return -1;
    }
    if (name_out)
        *name_out = lv_strdup(im.def->name);
    image_close(&im);
    return 0;
}

int
dom_managed_save(struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *path = dom_managed_save_path(c, name), *dir = NULL;
    int ret = -1;

    if (dom_def_check_name(name, NULL) == 0 && dom_exists(c, name) &&
        !dom_store_exists(c, name)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot do managed save of a "
                   "transient domain", name);
        goto out;
    }
    dir = lv_asprintf("%s/qemu/save", c->lib_dir);
    if (lv_store_mkdirs(dir, 0700, err) < 0)
        goto out;
    ret = dom_save(c, name, path, err);
out:
    free(dir);
    free(path);
    return ret;
}

int
dom_managed_save_remove(struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *path;
    int ret;

    if (dom_def_check_name(name, NULL) < 0 || !dom_exists(c, name)) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return -1;
    }
    path = dom_managed_save_path(c, name);
    ret = lv_store_remove(path, err);
    free(path);
    return ret;
}

int
dom_managed_save_start(struct lv_conn *c, const char *name,
                       const struct dom_start_opts *o, struct lv_err *err)
{
    struct dom_start_opts so = { .paused = 1, .incoming = 1,
                                 .timeout_ms = o ? o->timeout_ms : 0 };
    char *path = dom_managed_save_path(c, name);
    struct image im = { -1, NULL, 0 };
    int ret = -1;

    if (image_open(path, &im, err) < 0)
        goto out;
    /* the persistent definition runs, as libvirt does for a managed save */
    if (dom_start(c, name, &so, err) < 0 ||
        stream_in(c, name, im.fd, !(o && o->paused), err) < 0)
        goto out;
    lv_log_info("dom %s: resumed from its managed save image", name);
    ret = lv_store_remove(path, err);
out:
    image_close(&im);
    free(path);
    return ret;
}
