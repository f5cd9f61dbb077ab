/* dom_clone.c - virt-clone's job (dom_clone.h): plan every disk copy first
 * (so a bad path or a taken name changes nothing), then copy with
 * qemu-img, copy the NVRAM, define; a failure removes what was made. */
#include "dom_clone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "dom.h"
#include "dom_firmware.h"
#include "dom_run.h"
#include "mac.h"
#include "strbuf.h"

struct copy {
    const char *target;
    char *from, *to, *fmt;      /* fmt: the source's format */
};

struct clone {
    const struct dom_clone_opts *o;
    const char *src;
    struct dom_def *def;        /* the new definition */
    struct copy *copies;
    size_t n_copies, next_file;
    char *nv_from, *nv_to;      /* NVRAM, if the source has one */
    char **made;                /* files created so far */
    size_t n_made;
};

static int
exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static int
skipped(const struct dom_clone_opts *o, const char *target)
{
    for (size_t i = 0; i < o->n_skip; i++)
        if (target && !strcmp(o->skip[i], target))
            return 1;
    return 0;
}

/* dir/base with src's name in base replaced by the new one, or "-clone"
 * before the extension; "-1", "-2", ... until the path is free. */
static char *
derive_path(const char *path, const char *src, const char *dst)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *hit = strstr(base, src);
    const char *dot = strrchr(base, '.');
    struct strbuf stem = STRBUF_INIT;
    char *out = NULL;

    if (!dot || dot == base)
        dot = base + strlen(base);
    strbuf_addf(&stem, "%.*s", (int)(base - path), path);
    if (hit && hit + strlen(src) <= dot)
        strbuf_addf(&stem, "%.*s%s%.*s", (int)(hit - base), base, dst,
                    (int)(dot - hit - strlen(src)), hit + strlen(src));
    else
        strbuf_addf(&stem, "%.*s-clone", (int)(dot - base), base);
    for (int n = 0; n < 100; n++) {
        free(out);
        out = n ? lv_asprintf("%s-%d%s", strbuf_cstr(&stem), n, dot)
                : lv_asprintf("%s%s", strbuf_cstr(&stem), dot);
        if (!exists(out))
            break;
    }
    strbuf_free(&stem);
    return out;
}

/* Where disk k's copy goes; NULL with err. */
static char *
copy_path(struct clone *cl, const struct dom_disk *k, struct lv_err *err)
{
    const struct dom_clone_opts *o = cl->o;
    char *to;

    if (cl->next_file < o->n_files)
        to = lv_strdup(o->files[cl->next_file++]);
    else if (o->auto_paths)
        to = derive_path(k->source, cl->src, o->new_name);
    else {
        lv_err_set(err, LV_E_INVALID, "disk '%s': no path for its copy: give "
                   "--file PATH or --auto-clone (or --skip-copy=%s to share it)",
                   k->target_dev, k->target_dev);
        return NULL;
    }
    if (to[0] != '/') {
        lv_err_set(err, LV_E_INVALID, "disk '%s': '%s' is not an absolute path",
                   k->target_dev, to);
    } else if (!strcmp(to, k->source)) {
        lv_err_set(err, LV_E_INVALID, "disk '%s': the copy cannot be the original "
                   "'%s'", k->target_dev, to);
    } else if (!o->preserve_data && exists(to)) {
        lv_err_set(err, LV_E_EXISTS, "disk '%s': '%s' already exists (--preserve-data "
                   "uses it as it is)", k->target_dev, to);
    } else if (o->preserve_data && !exists(to)) {
        lv_err_set(err, LV_E_INVALID, "disk '%s': --preserve-data: '%s' does not "
                   "exist", k->target_dev, to);
    } else {
        return to;
    }
    free(to);
    return NULL;
}

/* Plan the copy of disk i of the new definition (or leave it shared). */
static int
plan_disk(struct clone *cl, size_t i, struct lv_err *err)
{
    struct dom_disk *k = &cl->def->disks[i];
    struct qemu_img_info info;
    struct copy *cp;
    char *to;

    if (k->device != DOM_DISK_DISK || k->readonly || k->shareable || !k->source ||
        skipped(cl->o, k->target_dev))
        return 0;                       /* shared with the original */
    if (k->type != DOM_DISK_FILE) {
        lv_err_set(err, LV_E_UNSUPPORTED, "disk '%s': a %s disk cannot be copied "
                   "(--skip-copy=%s shares it)", k->target_dev,
                   dom_disk_type_to_str(k->type), k->target_dev);
        return -1;
    }
    if (qemu_img_info(k->source, &info, err) < 0) {
        lv_err_prefix(err, "disk '%s': ", k->target_dev);
        return -1;
    }
    if (!(to = copy_path(cl, k, err))) {
        qemu_img_info_clear(&info);
        return -1;
    }
    cl->copies = lv_realloc(cl->copies, (cl->n_copies + 1) * sizeof(*cl->copies));
    cp = &cl->copies[cl->n_copies++];
    cp->target = k->target_dev;
    cp->from = lv_strdup(k->source);
    cp->to = to;
    cp->fmt = lv_strdup(info.format ? info.format : "raw");
    qemu_img_info_clear(&info);
    if (cl->o->linked && !cl->o->preserve_data) {
        dom_def_disk_push_down(k);      /* the original becomes its backing */
        free(k->driver_type);
        k->driver_type = lv_strdup("qcow2");
    } else {
        dom_def_disk_drop_chain(k);
        free(k->driver_type);
        k->driver_type = lv_strdup(cp->fmt);
    }
    free(k->source);
    k->source = lv_strdup(to);
    return 0;
}

/* The NVRAM's copy: <dir of the original>/<new>_VARS<ext>. */
static int
plan_nvram(struct clone *cl, struct lv_conn *c, const struct dom_def *orig,
           struct lv_err *err)
{
    const char *ext;
    char *slash;

    if (!(cl->nv_from = dom_firmware_nvram_path(c, orig)) || !exists(cl->nv_from))
        return 0;
    ext = strstr(cl->nv_from, ".qcow2") ? ".qcow2" : ".fd";
    slash = strrchr(cl->nv_from, '/');
    cl->nv_to = lv_asprintf("%.*s/%s_VARS%s", (int)(slash - cl->nv_from), cl->nv_from,
                            cl->o->new_name, ext);
    if (exists(cl->nv_to)) {
        lv_err_set(err, LV_E_EXISTS, "NVRAM '%s' already exists", cl->nv_to);
        return -1;
    }
    if (orig->os.nvram) {               /* the definition names it: name the copy */
        free(cl->def->os.nvram);
        cl->def->os.nvram = lv_strdup(cl->nv_to);
    }
    return 0;
}

static int
run_copy(struct clone *cl, const struct copy *cp, struct lv_err *err)
{
    char what[300];
    int r;

    snprintf(what, sizeof(what), "disk '%s'", cp->target);
    if (cl->o->on_disk)
        cl->o->on_disk(cp->target, cp->from, cp->to, cl->o->progress_arg);
    if (cl->o->linked) {
        char *argv[] = { (char *)"qemu-img", (char *)"create", (char *)"-q",
                         (char *)"-f", (char *)"qcow2", (char *)"-F", cp->fmt,
                         (char *)"-b", cp->from, (char *)"--", cp->to, NULL };
        r = qemu_img_run(argv, what, err);
    } else {
        char *argv[] = { (char *)"qemu-img", (char *)"convert", (char *)"-p",
                         (char *)"-f", cp->fmt, (char *)"-O", cp->fmt,
                         (char *)"--", cp->from, cp->to, NULL };
        r = qemu_img_run_progress(argv, what, cl->o->progress, cl->o->progress_arg, err);
    }
    if (exists(cp->to)) {
        cl->made = lv_realloc(cl->made, (cl->n_made + 1) * sizeof(char *));
        cl->made[cl->n_made++] = lv_strdup(cp->to);
    }
    return r;
}

static int
run_nvram(struct clone *cl, struct lv_err *err)
{
    const char *fmt = strstr(cl->nv_to, ".qcow2") ? "qcow2" : "raw";
    char *argv[] = { (char *)"qemu-img", (char *)"convert", (char *)"-f", (char *)fmt,
                     (char *)"-O", (char *)fmt, (char *)"--", cl->nv_from, cl->nv_to,
                     NULL };
    int r = qemu_img_run(argv, "NVRAM", err);

    if (exists(cl->nv_to)) {
        cl->made = lv_realloc(cl->made, (cl->n_made + 1) * sizeof(char *));
        cl->made[cl->n_made++] = lv_strdup(cl->nv_to);
    }
    return r;
}

static void
clone_free(struct clone *cl, int remove_made)
{
    for (size_t i = 0; i < cl->n_copies; i++) {
        free(cl->copies[i].from);
        free(cl->copies[i].to);
        free(cl->copies[i].fmt);
    }
    for (size_t i = 0; i < cl->n_made; i++) {
        if (remove_made)
            unlink(cl->made[i]);
        free(cl->made[i]);
    }
    free(cl->copies);
    free(cl->made);
    free(cl->nv_from);
    free(cl->nv_to);
}

/* The new definition before its disks: name, uuid, MACs. */
static struct dom_def *
new_identity(const struct dom_def *orig, const char *name)
{
    struct dom_def *d = dom_def_copy(orig);

    free(d->name);
    d->name = lv_strdup(name);
    uuid_generate_random(d->uuid);
    d->id = -1;
    for (size_t i = 0; i < d->n_interfaces; i++) {
        struct dom_interface *n = &d->interfaces[i];
        free(n->mac);
        n->mac = lv_mac_generate();
        free(n->target_dev);
        n->target_dev = NULL;
    }
    return d;
}

static int
check_source(struct lv_conn *c, const char *src, const char *name, struct lv_err *err)
{
    struct dom_status st;

    if (dom_def_check_name(name, err) < 0)
        return -1;
    if (dom_exists(c, name)) {
        lv_err_set(err, LV_E_EXISTS, "domain '%s' already exists", name);
        return -1;
    }
    if (dom_status_read(c, src, &st, err) < 0)
        return -1;
    if (st.state != DOM_STATE_SHUTOFF && st.state != DOM_STATE_PAUSED) {
        lv_err_set(err, LV_E_STATE, "domain '%s' is %s: shut it down or suspend "
                   "it first (its disks would change under the copy)", src,
                   dom_state_to_str(st.state));
        return -1;
    }
    return 0;
}

struct dom_def *
dom_clone(struct lv_conn *c, const char *src, const struct dom_clone_opts *o,
          struct lv_err *err)
{
    struct clone cl = { .o = o, .src = src };
    struct dom_def *orig = NULL;
    int ok = 0;

    if (!o->new_name) {
        lv_err_set(err, LV_E_INVALID, "clone of '%s': no name for the clone", src);
        return NULL;
    }
    if (!(orig = dom_get_def(c, src, 1, err)) ||
        check_source(c, src, o->new_name, err) < 0)
        goto out;
    cl.def = new_identity(orig, o->new_name);
    for (size_t i = 0; i < cl.def->n_disks; i++)
        if (plan_disk(&cl, i, err) < 0)
            goto out;
    if (cl.next_file < o->n_files) {
        lv_err_set(err, LV_E_INVALID, "%zu --file paths for %zu disks to copy",
                   o->n_files, cl.n_copies);
        goto out;
    }
    if (plan_nvram(&cl, c, orig, err) < 0)
        goto out;
    if (o->dry_run) {
        ok = 1;
        goto out;
    }
    for (size_t i = 0; i < cl.n_copies; i++)
        if (!o->preserve_data && run_copy(&cl, &cl.copies[i], err) < 0)
            goto out;
    if ((cl.nv_from && cl.nv_to && run_nvram(&cl, err) < 0) ||
        dom_define(c, cl.def, err) < 0)
        goto out;
    ok = 1;
out:
    if (!ok) {
        lv_err_prefix(err, "clone of '%s': ", src);
        dom_def_free(cl.def);
        cl.def = NULL;
    }
    clone_free(&cl, !ok);
    dom_def_free(orig);
    return cl.def;
}
