/* snap.c - domain snapshots (see snap.h): the metadata store, the family
 * tree (parent links, the current marker) and the order of each operation;
 * the disk and memory work is in snap_internal.c and snap_external.c. */
#include "snap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dom.h"
#include "dom_control.h"
#include "dom_run.h"
#include "dom_start.h"
#include "dom_wait.h"
#include "log.h"
#include "qmp.h"
#include "snap_priv.h"
#include "store.h"
#include "strbuf.h"
#include "test_hook.h"

#define SNAP_STATE_TIMEOUT_MS 30000

char *
snap_dir(const struct lv_conn *c, const char *dom)
{
    return lv_asprintf("%s/qemu/snapshot/%s", c->lib_dir, dom);
}

char *
snap_file(const struct lv_conn *c, const char *dom, const char *name,
          const char *ext)
{
    return lv_asprintf("%s/qemu/snapshot/%s/%s%s", c->lib_dir, dom, name, ext);
}

static char *
snap_path(const struct lv_conn *c, const char *dom, const char *name)
{
    return snap_file(c, dom, name, ".xml");
}

static int
store_save(struct lv_conn *c, const char *dom, const struct snap_def *s,
           struct lv_err *err)
{
    char *dir = snap_dir(c, dom), *path = snap_path(c, dom, s->name);
    char *xml = NULL;
    int ret = -1;

    if (lv_store_mkdirs(dir, 0755, err) < 0)
        goto out;
    xml = snap_def_format_xml(s, SNAP_FORMAT_INTERNAL, err);
    if (!xml)
        goto out;
    ret = lv_store_write_atomic(path, xml, strlen(xml), 0600, err);
out:
    free(xml);
    free(path);
    free(dir);
    return ret;
}

static int
check_domain(struct lv_conn *c, const char *dom, struct lv_err *err)
{
    if (dom_def_check_name(dom, NULL) < 0 || !dom_exists(c, dom)) {
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", dom);
        return -1;
    }
    return 0;
}

struct snap_def *
snap_get(struct lv_conn *c, const char *dom, const char *name,
         struct lv_err *err)
{
    struct lv_err e2 = LV_ERR_INIT;
    struct snap_def *s = NULL;
    char *path = NULL, *xml = NULL;

    if (check_domain(c, dom, err) < 0)
        return NULL;
    if (snap_def_check_name(name, NULL) < 0)
        goto missing;
    path = snap_path(c, dom, name);
    xml = lv_store_read(path, NULL, &e2);
    if (!xml)
        goto missing;
    s = snap_def_parse_xml(xml, strlen(xml), path,
                           SNAP_PARSE_INTERNAL | SNAP_PARSE_REDEFINE, err);
    goto out;
missing:
    if (e2.code != LV_E_OK && e2.errnum != ENOENT)
        *err = e2;
    else
        lv_err_set(err, LV_E_NO_SNAPSHOT,
                   "snapshot '%s' of domain '%s': no such snapshot", name, dom);
out:
    free(xml);
    free(path);
    return s;
}

static int
cmp_snap(const void *a, const void *b)
{
    const struct snap_def *x = *(struct snap_def *const *)a;
    const struct snap_def *y = *(struct snap_def *const *)b;

    if (x->creation_time != y->creation_time)
        return x->creation_time < y->creation_time ? -1 : 1;
    return strcmp(x->name, y->name);
}

int
snap_list(struct lv_conn *c, const char *dom, struct snap_def ***out,
          size_t *n, struct lv_err *err)
{
    char *dir = NULL, **names = NULL;
    size_t nn = 0, k = 0;
    struct snap_def **defs = NULL;
    int ret = -1;

    *out = NULL;
    *n = 0;
    if (check_domain(c, dom, err) < 0)
        return -1;
    dir = snap_dir(c, dom);
    if (lv_store_list_dir(dir, ".xml", 0, &names, &nn, err) < 0)
        goto out;
    defs = lv_calloc(nn + 1, sizeof(*defs));
    for (k = 0; k < nn; k++) {
        defs[k] = snap_get(c, dom, names[k], err);
        if (!defs[k])
            goto out;
    }
    qsort(defs, nn, sizeof(*defs), cmp_snap);
    *out = defs;
    *n = nn;
    defs = NULL;
    ret = 0;
out:
    snap_list_free(defs, k);
    lv_store_names_free(names, nn);
    free(dir);
    return ret;
}

void
snap_list_free(struct snap_def **defs, size_t n)
{
    if (!defs)
        return;
    for (size_t i = 0; i < n; i++)
        snap_def_free(defs[i]);
    free(defs);
}

void
snap_names_free(char **names, size_t n)
{
    if (names)
        lv_store_names_free(names, n);
}

char *
snap_get_xml(struct lv_conn *c, const char *dom, const char *name,
             struct lv_err *err)
{
    struct snap_def *s = snap_get(c, dom, name, err);
    char *xml = s ? snap_def_format_xml(s, 0, err) : NULL;

    snap_def_free(s);
    return xml;
}

static struct snap_def *
find(struct snap_def **defs, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(defs[i]->name, name) == 0)
            return defs[i];
    return NULL;
}

char *
snap_current(struct lv_conn *c, const char *dom, struct lv_err *err)
{
    struct snap_def **defs = NULL;
    char *name = NULL;
    size_t n = 0;

    if (snap_list(c, dom, &defs, &n, err) < 0)
        return NULL;
    /* oldest first: with two marked current (a command killed between
     * storing the new one and unmarking the old), the newest is */
    for (size_t i = 0; i < n; i++)
        if (defs[i]->current) {
            free(name);
            name = lv_strdup(defs[i]->name);
        }
    snap_list_free(defs, n);
    return name;
}

/* Is a a descendant of b? */
static int
descends(struct snap_def **defs, size_t n, const struct snap_def *a,
         const char *b)
{
    for (size_t hops = 0; a && a->parent && hops <= n; hops++) {
        if (strcmp(a->parent, b) == 0)
            return 1;
        a = find(defs, n, a->parent);
    }
    return 0;
}

int
snap_children(struct lv_conn *c, const char *dom, const char *name,
              int all, struct lv_err *err)
{
    struct snap_def **defs = NULL;
    size_t n = 0;
    int count = 0;

    if (snap_list(c, dom, &defs, &n, err) < 0)
        return -1;
    if (!find(defs, n, name)) {
        lv_err_set(err, LV_E_NO_SNAPSHOT,
                   "snapshot '%s' of domain '%s': no such snapshot", name, dom);
        count = -1;
    }
    for (size_t i = 0; count >= 0 && i < n; i++)
        if (all ? descends(defs, n, defs[i], name)
                : (defs[i]->parent && strcmp(defs[i]->parent, name) == 0))
            count++;
    snap_list_free(defs, n);
    return count;
}

/* Make name the current snapshot (NULL: none); under the domain's lock. */
static int
set_current(struct lv_conn *c, const char *dom, const char *name,
            struct lv_err *err)
{
    struct snap_def **defs = NULL;
    size_t n = 0;
    int ret = 0;

    if (snap_list(c, dom, &defs, &n, err) < 0)
        return -1;
    /* the new current first: a crash in between leaves two, never none */
    for (int pass = 0; pass < 2 && ret == 0; pass++)
        for (size_t i = 0; i < n && ret == 0; i++) {
            int want = name && strcmp(defs[i]->name, name) == 0;
            if (want != (pass == 0) || defs[i]->current == want)
                continue;
            defs[i]->current = want;
            ret = store_save(c, dom, defs[i], err);
        }
    snap_list_free(defs, n);
    return ret;
}

static int
lock_dom(struct lv_conn *c, const char *dom, struct lv_err *err)
{
    return dom_lock(c, dom, err);
}

static struct snap_def *
new_def(const struct snap_create_opts *o, struct lv_err *err)
{
    struct snap_def *s;

    if (o->xml) {
        s = snap_def_parse_xml(o->xml, strlen(o->xml), NULL, 0, err);
        if (!s)
            return NULL;
    } else {
        s = snap_def_new();
    }
    if (o->name) {
        free(s->name);
        s->name = lv_strdup(o->name);
    }
    if (o->description) {
        free(s->description);
        s->description = lv_strdup(o->description);
    }
    snap_def_assign_defaults(s, (long long)time(NULL));
    if (snap_def_check_name(s->name, err) < 0) {
        snap_def_free(s);
        return NULL;
    }
    return s;
}

/* The work of snap_create under the domain's lock. */
static int
create_locked(struct lv_conn *c, const char *dom, struct snap_def *s,
              int disk_only, struct lv_err *err)
{
    struct dom_status st;
    struct dom_def *def = NULL;
    struct lv_err e2 = LV_ERR_INIT;
    char *parent = NULL;
    int active, ret = -1;

    if (dom_status_read(c, dom, &st, err) < 0)
        return -1;
    active = st.state != DOM_STATE_SHUTOFF;
    def = dom_get_def(c, dom, 0, err);
    if (!def)
        goto out;
    parent = snap_current(c, dom, err);
    if (!parent && err->code != LV_E_OK)
        goto out;
    free(s->state);
    s->state = lv_strdup(disk_only ? "disk-snapshot"
                         : st.state == DOM_STATE_SHUTOFF ? "shutoff"
                         : st.state == DOM_STATE_RUNNING ? "running" : "paused");
    s->memory = disk_only || !active ? SNAP_LOC_NO : SNAP_LOC_INTERNAL;
    /* marked before the images change, cleared once the metadata is
     * stored: a kill in between is settled by the next command */
    if (!disk_only && snap_pending_mark(c, dom, s->name, err) < 0)
        goto out;
    if ((disk_only ? snap_external_create(c, dom, def, active, s, err)
                   : snap_internal_create(c, dom, def, active, s, err)) < 0) {
        if (!disk_only)
            snap_pending_clear(c, dom, s->name);
        goto out;
    }
    lv_test_stop_at("snapshot-after-job");
    dom_def_free(s->dom);
    s->dom = dom_def_copy(def);
    s->dom->id = -1;
    s->parent = parent;
    parent = NULL;
    s->current = 1;
    if (store_save(c, dom, s, err) < 0) {
        if (!disk_only && snap_internal_delete(c, dom, def, active, s, &e2) == 0)
            snap_pending_clear(c, dom, s->name);
        goto out;
    }
    lv_test_stop_at("snapshot-after-metadata");
    if (!disk_only)
        snap_pending_clear(c, dom, s->name);
    if (set_current(c, dom, s->name, err) < 0)
        goto out;
    ret = 0;
out:
    free(parent);
    dom_def_free(def);
    return ret;
}

int
snap_create(struct lv_conn *c, const char *dom, const struct snap_create_opts *o,
            char **name_out, struct lv_err *err)
{
    struct snap_def *s = NULL;
    char *path = NULL;
    int fd = -1, ret = -1, disk_only;

    if (check_domain(c, dom, err) < 0)
        return -1;
    s = new_def(o, err);
    if (!s)
        goto out;
    disk_only = o->disk_only || s->memory == SNAP_LOC_NO || snap_is_external(s);
    fd = lock_dom(c, dom, err);
    if (fd < 0 || snap_pending_clean(c, dom, err) < 0)
        goto out;
    path = snap_path(c, dom, s->name);
    if (access(path, F_OK) == 0) {
        lv_err_set(err, LV_E_EXISTS, "snapshot '%s' of domain '%s': already exists",
                   s->name, dom);
        goto out;
    }
    if (create_locked(c, dom, s, disk_only, err) < 0) {
        lv_err_prefix(err, "snapshot '%s' of domain '%s': ", s->name, dom);
        goto out;
    }
    lv_log_info("dom %s: snapshot '%s' created", dom, s->name);
    if (name_out)
        *name_out = lv_strdup(s->name);
    ret = 0;
out:
    dom_unlock(c, dom, fd);
    free(path);
    snap_def_free(s);
    return ret;
}

/* ---- revert ---- */

/* Resume (or leave paused) a guest whose memory was just loaded. */
static int
after_load(struct lv_conn *c, const char *dom, int run, struct lv_err *err)
{
    struct qmp *q = NULL;
    json_t *r = NULL;
    int ret = -1;

    if (run) {
        q = dom_qmp_connect(c, dom, err);
        if (!q)
            return -1;
        r = dom_qmp_run(q, "cont", NULL, err);
        qmp_close(q);
        if (!r)
            return -1;
        json_decref(r);
    }
    ret = dom_wait_state(c, dom, run ? DOM_STATE_RUNNING : DOM_STATE_PAUSED,
                         SNAP_STATE_TIMEOUT_MS, err);
    return ret;
}

/* A snapshot with memory: the guest runs (paused) from its memory. */
static int
revert_memory(struct lv_conn *c, const char *dom, const struct snap_def *s,
              int run, struct lv_err *err)
{
    struct dom_start_opts so = { .paused = 1 };
    struct dom_status st;
    struct dom_def *def = NULL;
    int fd = -1, ret = -1;

    if (dom_status_read(c, dom, &st, err) < 0)
        return -1;
    if (st.state == DOM_STATE_SHUTOFF && dom_start(c, dom, &so, err) < 0)
        return -1;
    fd = lock_dom(c, dom, err);
    if (fd < 0)
        return -1;
    def = dom_get_def(c, dom, 0, err);
    if (def && snap_internal_revert(c, dom, def, 1, s, err) == 0 &&
        after_load(c, dom, run, err) == 0)
        ret = 0;
    dom_def_free(def);
    dom_unlock(c, dom, fd);
    return ret;
}

/* A snapshot of a shut-off guest: its disks only; the guest stays off
 * unless asked to run. */
static int
revert_disks(struct lv_conn *c, const char *dom, const struct snap_def *s,
             enum snap_revert_state want, struct lv_err *err)
{
    struct dom_start_opts so = { .paused = want == SNAP_REVERT_PAUSED };
    struct dom_status st;
    struct dom_def *def = NULL;
    int fd = -1, ret = -1;

    if (dom_status_read(c, dom, &st, err) < 0)
        return -1;
    if (st.state != DOM_STATE_SHUTOFF && dom_destroy(c, dom, 0, err) < 0)
        return -1;
    fd = lock_dom(c, dom, err);
    if (fd < 0)
        return -1;
    def = dom_get_def(c, dom, 0, err);
    if (def)
        ret = snap_internal_revert(c, dom, def, 0, s, err);
    dom_def_free(def);
    dom_unlock(c, dom, fd);
    if (ret == 0 && want != SNAP_REVERT_AS_SAVED)
        ret = dom_start(c, dom, &so, err);
    return ret;
}

int
snap_revert(struct lv_conn *c, const char *dom, const char *name,
            enum snap_revert_state want, struct lv_err *err)
{
    struct snap_def *s = snap_get(c, dom, name, err);
    int ret = -1, fd;

    if (!s)
        return -1;
    if (snap_is_external(s)) {
        lv_err_set(err, LV_E_UNSUPPORTED,
                   "snapshot '%s' of domain '%s': cannot revert: reverting to an "
                   "external disk-only snapshot is not supported; its images "
                   "are the backing files of the guest's current disks", name, dom);
        goto out;
    }
    if (s->memory == SNAP_LOC_INTERNAL)
        ret = revert_memory(c, dom, s, want == SNAP_REVERT_AS_SAVED
                            ? strcmp(s->state, "running") == 0
                            : want == SNAP_REVERT_RUNNING, err);
    else
        ret = revert_disks(c, dom, s, want, err);
    if (ret < 0) {
        lv_err_prefix(err, "snapshot '%s' of domain '%s': cannot revert: ", name, dom);
        goto out;
    }
    fd = lock_dom(c, dom, err);
    ret = fd < 0 ? -1 : set_current(c, dom, name, err);
    dom_unlock(c, dom, fd);
out:
    snap_def_free(s);
    return ret;
}

/* ---- delete ---- */

/* The nearest ancestor of s that is not being removed, or NULL. */
static const char *
surviving_parent(struct snap_def **defs, size_t n, const struct snap_def *s,
                 const char *const *gone, size_t ngone)
{
    const char *p = s->parent;

    for (size_t hops = 0; p && hops <= n; hops++) {
        size_t k = 0;
        while (k < ngone && strcmp(gone[k], p) != 0)
            k++;
        if (k == ngone)
            return p;
        s = find(defs, n, p);
        p = s ? s->parent : NULL;
    }
    return NULL;
}

/* Victims in removal order: deeper descendants before their ancestors. */
static void
collect(struct snap_def **defs, size_t n, const char *name, unsigned flags,
        char ***out, size_t *nout)
{
    size_t cap = n + 1;

    *out = lv_calloc(cap, sizeof(char *));
    *nout = 0;
    if (flags & (SNAP_DELETE_CHILDREN | SNAP_DELETE_CHILDREN_ONLY))
        for (size_t i = n; i-- > 0;)   /* newest first: children before parents */
            if (descends(defs, n, defs[i], name))
                (*out)[(*nout)++] = lv_strdup(defs[i]->name);
    if (!(flags & SNAP_DELETE_CHILDREN_ONLY))
        (*out)[(*nout)++] = lv_strdup(name);
}

/* Refuse to delete the images of an external snapshot: the overlays made
 * after it (the guest's disks now) are built on them. */
static int
check_deletable(struct snap_def **defs, size_t n, char **gone, size_t ngone,
                const char *dom, struct lv_err *err)
{
    for (size_t k = 0; k < ngone; k++) {
        const struct snap_def *s = find(defs, n, gone[k]);
        if (s && snap_is_external(s)) {
            const char *img = s->n_disks && s->dom && s->dom->n_disks
                ? s->dom->disks[0].source : NULL;
            lv_err_set(err, LV_E_BUSY,
                       "snapshot '%s' of domain '%s': cannot delete: its images "
                       "(%s%s%s) are backing files the domain's disks still need; "
                       "use --metadata to remove only the snapshot's metadata",
                       s->name, dom, img ? "'" : "", img ? img : "external",
                       img ? "' ..." : "");
            return -1;
        }
    }
    return 0;
}

static int
delete_locked(struct lv_conn *c, const char *dom, struct snap_def **defs,
              size_t n, char **gone, size_t ngone, unsigned flags,
              struct lv_err *err)
{
    struct dom_status st;
    struct dom_def *def = NULL;
    const char *cur = NULL;
    int ret = -1;

    if (dom_status_read(c, dom, &st, err) < 0)
        return -1;
    def = dom_get_def(c, dom, 0, err);
    if (!def)
        return -1;
    for (size_t k = 0; k < ngone; k++) {
        struct snap_def *s = find(defs, n, gone[k]);
        char *path = snap_path(c, dom, gone[k]);
        int r = 0;
        if (!(flags & SNAP_DELETE_METADATA))
            r = snap_internal_delete(c, dom, def, st.state != DOM_STATE_SHUTOFF,
                                     s, err);
        if (r == 0)
            r = lv_store_remove(path, err);
        free(path);
        if (r < 0)
            goto out;
        lv_log_info("dom %s: snapshot '%s' deleted", dom, gone[k]);
    }
    for (size_t i = 0; i < n; i++) {
        struct snap_def *s = defs[i];
        size_t k = 0;
        while (k < ngone && strcmp(gone[k], s->name) != 0)
            k++;
        if (k < ngone) {
            if (s->current)   /* the current marker moves up the tree */
                cur = surviving_parent(defs, n, s, (const char *const *)gone, ngone);
            continue;
        }
        if (s->parent && surviving_parent(defs, n, s, (const char *const *)gone,
                                          ngone) != s->parent) {
            const char *np = surviving_parent(defs, n, s,
                                              (const char *const *)gone, ngone);
            char *copy = np ? lv_strdup(np) : NULL;
            free(s->parent);
            s->parent = copy;
            if (store_save(c, dom, s, err) < 0)
                goto out;
        }
    }
    if (cur && set_current(c, dom, cur, err) < 0)
        goto out;
    ret = 0;
out:
    dom_def_free(def);
    return ret;
}

int
snap_delete(struct lv_conn *c, const char *dom, const char *name,
            unsigned flags, char ***removed, size_t *n_removed,
            struct lv_err *err)
{
    struct snap_def **defs = NULL;
    char **gone = NULL;
    size_t n = 0, ngone = 0;
    int fd, ret = -1;

    *removed = NULL;
    *n_removed = 0;
    if (check_domain(c, dom, err) < 0)
        return -1;
    fd = lock_dom(c, dom, err);
    if (fd < 0)
        return -1;
    if (snap_pending_clean(c, dom, err) < 0 || snap_list(c, dom, &defs, &n, err) < 0)
        goto out;
    if (!find(defs, n, name)) {
        lv_err_set(err, LV_E_NO_SNAPSHOT,
                   "snapshot '%s' of domain '%s': no such snapshot", name, dom);
        goto out;
    }
    collect(defs, n, name, flags, &gone, &ngone);
    if (!(flags & SNAP_DELETE_METADATA) &&
        check_deletable(defs, n, gone, ngone, dom, err) < 0)
        goto out;
    if (delete_locked(c, dom, defs, n, gone, ngone, flags, err) < 0) {
        lv_err_prefix(err, "snapshot '%s' of domain '%s': cannot delete: ",
                      name, dom);
        goto out;
    }
    *removed = gone;
    *n_removed = ngone;
    gone = NULL;
    ret = 0;
out:
    snap_names_free(gone, ngone);
    snap_list_free(defs, n);
    dom_unlock(c, dom, fd);
    return ret;
}

int
snap_count(const struct lv_conn *c, const char *dom, struct lv_err *err)
{
    char *dir = snap_dir(c, dom), **names = NULL;
    size_t n = 0;
    int r = lv_store_list_dir(dir, ".xml", 0, &names, &n, err);

    lv_store_names_free(names, n);
    free(dir);
    return r < 0 ? -1 : (int)n;
}

int
snap_metadata_rename(const struct lv_conn *c, const char *dom,
                     const char *new_dom, struct lv_err *err)
{
    char *from = snap_dir(c, dom), *to = snap_dir(c, new_dom);
    int ret = -1;

    if (access(from, F_OK) < 0) {
        ret = 0;
        goto out;
    }
    if (access(to, F_OK) == 0) {
        lv_err_set(err, LV_E_EXISTS, "domain '%s': cannot move its snapshot "
                   "metadata: '%s' exists", dom, to);
        goto out;
    }
    if (rename(from, to) < 0) {
        lv_err_sys(err, "domain '%s': cannot move its snapshot metadata to "
                   "'%s'", dom, to);
        goto out;
    }
    ret = 0;
out:
    free(to);
    free(from);
    return ret;
}

int
snap_metadata_remove(const struct lv_conn *c, const char *dom,
                     struct lv_err *err)
{
    char *dir = snap_dir(c, dom), **names = NULL;
    size_t n = 0;
    int ret = -1;

    if (lv_store_list_dir(dir, ".xml", 0, &names, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char *p = snap_path(c, dom, names[i]);
        int r = lv_store_remove(p, err);
        free(p);
        if (r < 0)
            goto out;
    }
    if (rmdir(dir) < 0 && errno != ENOENT) {
        lv_err_sys(err, "domain '%s': cannot remove '%s'", dom, dir);
        goto out;
    }
    ret = 0;
out:
    lv_store_names_free(names, n);
    free(dir);
    return ret;
}
