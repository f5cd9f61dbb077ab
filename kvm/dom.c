/* dom.c - domain lookup, listing and definition changes (see dom.h). The
 * object store's uuid index keeps uuid lookups and uniqueness checks from
 * parsing every definition. */
#include "dom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "dom_check.h"
#include "dom_events.h"
#include "dom_firmware.h"
#include "dom_save.h"
#include "dom_store.h"
#include "dom_tpm.h"
#include "dom_xml.h"
#include "obj_store.h"
#include "snap.h"
#include "store.h"
#include "strbuf.h"
#include "test_hook.h"

/* The name the uuid index records for uuid (when still defined), or NULL. */
static char *
uuid_index_get(const struct lv_conn *c, const unsigned char uuid[16])
{
    char s[37];

    uuid_unparse_lower(uuid, s);
    return lv_obj_uuid_lookup(c, &LV_KIND_DOMAIN, s);
}

static int
uuid_index_set(const struct lv_conn *c, const unsigned char uuid[16],
               const char *name, struct lv_err *err)
{
    char s[37];

    uuid_unparse_lower(uuid, s);
    return lv_obj_uuid_set(c, &LV_KIND_DOMAIN, s, name, err);
}

int
dom_exists(struct lv_conn *c, const char *name)
{
    struct dom_status st;

    if (dom_def_check_name(name, NULL) < 0)
        return 0;
    if (dom_store_exists(c, name))
        return 1;
    return dom_status_read(c, name, &st, NULL) == 0 &&
           st.state != DOM_STATE_SHUTOFF;
}

static int
cmp_entry(const void *a, const void *b)
{
    const struct dom_entry *x = a, *y = b;
    int ax = x->st.state != DOM_STATE_SHUTOFF, ay = y->st.state != DOM_STATE_SHUTOFF;

    if (ax != ay)
        return ay - ax;
    if (ax && x->st.id != y->st.id)
        return x->st.id - y->st.id;
    return strcmp(x->name, y->name);
}

static int
in_sorted(char *const *names, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(names[mid], name);
        if (r == 0)
            return 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* What list needs to know without asking each guest: the run dirs and the
 * autostart marks, each read once (sorted name lists). */
struct list_ctx {
    struct lv_conn *c;
    unsigned flags;
    char **run, **autostart;
    size_t n_run, n_autostart;
};

static void
add_entry(struct list_ctx *l, const char *name, int persistent,
          struct dom_entry **out, size_t *n)
{
    struct dom_entry e = { 0 };
    int active;

    /* no run dir: never started since boot or undefine, shut off */
    if (!in_sorted(l->run, l->n_run, name))
        dom_status_init(&e.st);
    else if (dom_status_read(l->c, name, &e.st, NULL) < 0)
        return;
    active = e.st.state != DOM_STATE_SHUTOFF;
    if ((active && !(l->flags & DOM_LIST_ACTIVE)) ||
        (!active && !(l->flags & DOM_LIST_INACTIVE)))
        return;
    if (!persistent && (!active || !e.st.transient))
        return;
    e.name = lv_strdup(name);
    e.persistent = persistent;
    e.autostart = persistent && in_sorted(l->autostart, l->n_autostart, name);
    *out = lv_realloc(*out, (*n + 1) * sizeof(**out));
    (*out)[(*n)++] = e;
}

int
dom_list(struct lv_conn *c, unsigned flags, struct dom_entry **out, size_t *n,
         struct lv_err *err)
{
    struct list_ctx l = { c, flags ? flags : DOM_LIST_ACTIVE | DOM_LIST_INACTIVE,
                          NULL, NULL, 0, 0 };
    char **names = NULL, *dir;
    size_t nn = 0;
    int ret = -1;

    *out = NULL;
    *n = 0;
    if (dom_store_names(c, &names, &nn, err) < 0)
        goto out;
    dir = lv_asprintf("%s/qemu", c->run_dir);
    ret = lv_store_list_dir(dir, "", 1, &l.run, &l.n_run, err);
    free(dir);
    dir = lv_asprintf("%s/qemu/autostart", c->lib_dir);
    if (ret == 0)
        ret = lv_store_list_dir(dir, ".xml", 0, &l.autostart, &l.n_autostart, err);
    free(dir);
    if (ret < 0)
        goto out;
    for (size_t i = 0; i < nn; i++)
        add_entry(&l, names[i], 1, out, n);
    /* running transient guests: a run dir and no definition */
    for (size_t i = 0; (l.flags & DOM_LIST_ACTIVE) && i < l.n_run; i++)
        if (!in_sorted(names, nn, l.run[i]))
            add_entry(&l, l.run[i], 0, out, n);
    if (*n)
        qsort(*out, *n, sizeof(**out), cmp_entry);
out:
    dom_store_names_free(names, nn);
    lv_store_names_free(l.run, l.n_run);
    lv_store_names_free(l.autostart, l.n_autostart);
    return ret;
}

void
dom_list_free(struct dom_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
}

static char *
resolve_id(struct lv_conn *c, int id)
{
    struct dom_entry *e = NULL;
    size_t n = 0;
    char *name = NULL;

    if (dom_list(c, DOM_LIST_ACTIVE, &e, &n, NULL) < 0)
        return NULL;
    for (size_t i = 0; i < n && !name; i++)
        if (e[i].st.id == id)
            name = lv_strdup(e[i].name);
    dom_list_free(e, n);
    return name;
}

/* A running transient guest is found by uuid through its definition. */
static char *
resolve_transient_uuid(struct lv_conn *c, const unsigned char uuid[16])
{
    char **names = NULL;
    size_t n = 0;
    char *found = NULL;

    if (dom_run_transient_names(c, &names, &n, NULL) < 0)
        return NULL;
    for (size_t i = 0; i < n && !found; i++) {
        struct dom_def *d = dom_get_def(c, names[i], 1, NULL);
        if (d && memcmp(d->uuid, uuid, 16) == 0)
            found = lv_strdup(names[i]);
        dom_def_free(d);
    }
    dom_store_names_free(names, n);
    return found;
}

char *
dom_resolve(struct lv_conn *c, const char *key, struct lv_err *err)
{
    unsigned char uuid[16];
    char *name = NULL, *end = NULL;
    long id;

    if (dom_exists(c, key))
        return lv_strdup(key);
    if (uuid_parse(key, uuid) == 0) {
        name = uuid_index_get(c, uuid);
        if (name && !dom_store_exists(c, name)) {
            free(name);
            name = NULL;
        }
        if (!name)
            name = resolve_transient_uuid(c, uuid);
    } else if (*key) {
        id = strtol(key, &end, 10);
        if (*end == '\0' && id > 0 && id < 1000000000)
            name = resolve_id(c, (int)id);
    }
    if (!name)
        lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", key);
    return name;
}

struct dom_def *
dom_get_def(struct lv_conn *c, const char *name, int inactive,
            struct lv_err *err)
{
    struct dom_status st;
    struct dom_def *def = NULL;
    char *path = NULL;

    if (dom_status_read(c, name, &st, err) < 0)
        return NULL;
    if (st.state != DOM_STATE_SHUTOFF && !inactive) {
        path = dom_run_file(c, name, "live.xml");
        def = dom_store_load_file(path, name, err);
        if (def)
            def->id = st.id;
    } else if (dom_store_exists(c, name) || st.state == DOM_STATE_SHUTOFF) {
        def = dom_store_load(c, name, err);
    } else {
        path = dom_run_file(c, name, "def.xml");
        def = dom_store_load_file(path, name, err);
    }
    free(path);
    return def;
}

static void
journal(const struct lv_conn *c, const char *name, const char *event,
        const char *detail)
{
    char *path = dom_events_path(c);

    dom_events_append(path, name, "lifecycle", event, detail);
    free(path);
}

int
dom_define(struct lv_conn *c, const struct dom_def *def, struct lv_err *err)
{
    char *owner = NULL;
    struct dom_def *old = NULL;
    struct dom_status st;
    int fd, ret = -1;

    if (dom_check(c, def, err) < 0)
        return -1;
    fd = dom_lock(c, def->name, err);
    if (fd < 0)
        goto out;
    owner = uuid_index_get(c, def->uuid);
    if (owner && strcmp(owner, def->name) != 0 && dom_store_exists(c, owner)) {
        char u[37];
        uuid_unparse_lower(def->uuid, u);
        lv_err_set(err, LV_E_EXISTS, "domain '%s': uuid %s is already used by "
                   "domain '%s'", def->name, u, owner);
        goto out;
    }
    if (dom_store_exists(c, def->name) || dom_exists(c, def->name)) {
        old = dom_get_def(c, def->name, 1, err);
        if (!old)
            goto out;
        if (memcmp(old->uuid, def->uuid, 16) != 0) {
            char u[37];
            uuid_unparse_lower(old->uuid, u);
            lv_err_set(err, LV_E_EXISTS, "domain '%s': already exists with uuid %s",
                       def->name, u);
            goto out;
        }
    }
    if (uuid_index_set(c, def->uuid, def->name, err) < 0)
        goto out;
    lv_test_stop_at("define-after-uuid");
    if (dom_store_save(c, def, err) < 0)
        goto out;
    /* defining a running transient guest makes it persistent */
    if (dom_status_read(c, def->name, &st, NULL) == 0 &&
        st.state != DOM_STATE_SHUTOFF && st.transient) {
        char *dir = dom_run_dir(c, def->name);
        st.transient = 0;
        dom_status_write(dir, &st, NULL);
        free(dir);
    }
    journal(c, def->name, "Defined", old ? "Updated" : "Added");
    ret = 0;
out:
    dom_unlock(c, def->name, fd);
    dom_def_free(old);
    free(owner);
    return ret;
}

/* What undefine would leave behind: snapshot metadata and a managed save
 * image are refused unless flags say to remove them (virsh undefine
 * --snapshots-metadata / --managed-save). Stricter than libvirt, which
 * lets a running guest with snapshots go transient: here the metadata
 * would outlive it. */
static int
check_leftovers(struct lv_conn *c, const char *name, unsigned flags,
                struct lv_err *err)
{
    int n = snap_count(c, name, err);

    if (n < 0)
        return -1;
    if (n > 0 && !(flags & DOM_UNDEFINE_SNAPSHOTS_METADATA)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot undefine: it has "
                   "%d snapshot%s; use --snapshots-metadata", name, n,
                   n == 1 ? "" : "s");
        return -1;
    }
    if (dom_managed_save_exists(c, name) && !(flags & DOM_UNDEFINE_MANAGED_SAVE)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot undefine: it has a "
                   "managed save image; use --managed-save", name);
        return -1;
    }
    return 0;
}

/* After the definition is gone: remove what flags asked for. */
static int
remove_leftovers(struct lv_conn *c, const char *name, unsigned flags,
                 struct lv_err *err)
{
    if ((flags & DOM_UNDEFINE_SNAPSHOTS_METADATA) &&
        snap_metadata_remove(c, name, err) < 0)
        return -1;
    if (flags & DOM_UNDEFINE_MANAGED_SAVE) {
        char *p = dom_managed_save_path(c, name);
        int r = lv_store_remove(p, err);
        free(p);
        return r;
    }
    return 0;
}

/* The NVRAM file undefine removes, NULL when none (or it is kept); an
 * NVRAM file with neither --nvram nor --keep-nvram is refused, as by
 * virsh. */
static int
nvram_to_remove(struct lv_conn *c, const struct dom_def *def, unsigned flags,
                char **out, struct lv_err *err)
{
    char *nvram = dom_firmware_nvram_path(c, def);

    *out = NULL;
    if (!nvram || access(nvram, F_OK) < 0 || (flags & DOM_UNDEFINE_KEEP_NVRAM)) {
        free(nvram);
        return 0;
    }
    if (!(flags & DOM_UNDEFINE_NVRAM)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot undefine domain with "
                   "nvram '%s': use --nvram to remove it or --keep-nvram to "
                   "keep it", def->name, nvram);
        free(nvram);
        return -1;
    }
    *out = nvram;
    return 0;
}

int
dom_undefine(struct lv_conn *c, const char *name, unsigned flags,
             struct lv_err *err)
{
    char *nvram = NULL;
    struct dom_def *def = NULL;
    struct dom_status st;
    int fd, ret = -1;

    fd = dom_lock(c, name, err);
    if (fd < 0)
        goto out;
    def = dom_store_load(c, name, err);
    if (!def)
        goto out;
    if (dom_status_read(c, name, &st, err) < 0)
        goto out;
    if (nvram_to_remove(c, def, flags, &nvram, err) < 0)
        goto out;
    if (check_leftovers(c, name, flags, err) < 0)
        goto out;
    if (st.state != DOM_STATE_SHUTOFF) {
        /* it goes on running as a transient guest, like under libvirt */
        char *dir = dom_run_dir(c, name);
        char *p = lv_asprintf("%s/def.xml", dir);
        int r = dom_store_save_file(p, def, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE, err);
        st.transient = 1;
        if (r == 0)
            r = dom_status_write(dir, &st, err);
        free(p);
        free(dir);
        if (r < 0)
            goto out;
    }
    if (dom_store_remove(c, name, err) < 0)
        goto out;
    journal(c, name, "Undefined", "Removed");
    lv_test_stop_at("undefine-after-xml");
    uuid_index_set(c, def->uuid, NULL, NULL);
    if (remove_leftovers(c, name, flags, err) < 0) {
        lv_err_prefix(err, "domain '%s': undefined, but ", name);
        goto out;
    }
    if (nvram && unlink(nvram) < 0 && errno != ENOENT) {
        lv_err_sys(err, "domain '%s': undefined, but cannot remove NVRAM '%s'",
                   name, nvram);
        goto out;
    }
    if (st.state == DOM_STATE_SHUTOFF && dom_run_remove(c, name, err) < 0) {
        lv_err_prefix(err, "domain '%s': undefined, but ", name);
        goto out;
    }
    /* a running guest's swtpm still uses it: it goes when the guest stops */
    if (def->n_tpms > 0 && st.state == DOM_STATE_SHUTOFF &&
        !(flags & DOM_UNDEFINE_KEEP_TPM) && dom_tpm_remove_state(c, def->uuid, err) < 0) {
        lv_err_prefix(err, "domain '%s': undefined, but ", name);
        goto out;
    }
    ret = 0;
out:
    dom_unlock(c, name, fd);
    dom_def_free(def);
    free(nvram);
    return ret;
}

int
dom_rename(struct lv_conn *c, const char *name, const char *new_name,
           struct lv_err *err)
{
    struct dom_def *def = NULL;
    struct dom_status st;
    int fd = -1, fd2 = -1, autostart, ret = -1;

    if (dom_def_check_name(new_name, err) < 0)
        goto out;
    fd = dom_lock(c, name, err);
    if (fd < 0 || (fd2 = dom_lock(c, new_name, err)) < 0)
        goto out;
    def = dom_store_load(c, name, err);
    if (!def || dom_status_read(c, name, &st, err) < 0)
        goto out;
    if (st.state != DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot rename: it is %s; "
                   "only a shut off domain can be renamed", name,
                   dom_state_to_str(st.state));
        goto out;
    }
    if (dom_exists(c, new_name)) {
        lv_err_set(err, LV_E_EXISTS, "domain '%s': cannot rename to '%s': "
                   "that name is taken", name, new_name);
        goto out;
    }
    /* libvirt refuses too: the image holds the old definition */
    if (dom_managed_save_exists(c, name)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot rename: it has a "
                   "managed save image; start it or use managedsave-remove "
                   "first", name);
        goto out;
    }
    autostart = dom_store_autostart_get(c, name);
    /* the NVRAM file luavirt named after the guest moves first: its name
     * comes from the definition's, so def still has the old one here */
    if (dom_firmware_rename_nvram(c, def, new_name, err) < 0)
        goto out;
    free(def->name);
    def->name = lv_strdup(new_name);
    if (dom_store_save(c, def, err) < 0)
        goto undo_nvram;
    /* snapshots move with the domain, as libvirt does since 6.10 */
    if (snap_metadata_rename(c, name, new_name, err) < 0) {
        dom_store_remove(c, new_name, NULL);
        goto undo_nvram;
    }
    if (uuid_index_set(c, def->uuid, new_name, err) < 0 ||
        (autostart && dom_store_autostart_set(c, new_name, 1, err) < 0) ||
        dom_store_remove(c, name, err) < 0) {
        snap_metadata_rename(c, new_name, name, NULL);
        dom_store_remove(c, new_name, NULL);
        uuid_index_set(c, def->uuid, name, NULL);
        goto undo_nvram;
    }
    ret = 0;
    goto out;
undo_nvram:
    dom_firmware_rename_nvram(c, def, name, NULL);
out:
    dom_unlock(c, new_name, fd2);
    dom_unlock(c, name, fd);
    dom_def_free(def);
    return ret;
}

int
dom_set_autostart(struct lv_conn *c, const char *name, int on, struct lv_err *err)
{
    if (!dom_store_exists(c, name)) {
        if (dom_exists(c, name))
            lv_err_set(err, LV_E_INVALID, "domain '%s': cannot set autostart on a "
                       "transient domain", name);
        else
            lv_err_set(err, LV_E_NO_DOMAIN, "domain '%s': no such domain", name);
        return -1;
    }
    return dom_store_autostart_set(c, name, on, err);
}

static void
set_text(char **field, const char *text)
{
    free(*field);
    *field = text && *text ? lv_strdup(text) : NULL;
}

int
dom_set_description(struct lv_conn *c, const char *name, const char *text,
                    int title, int live, int config, struct lv_err *err)
{
    struct dom_def *def = NULL;
    struct dom_status st;
    int fd, ret = -1;

    fd = dom_lock(c, name, err);
    if (fd < 0 || dom_status_read(c, name, &st, err) < 0)
        goto out;
    if (!live && !config) {
        live = st.state != DOM_STATE_SHUTOFF;
        config = !live;
    }
    if (live && st.state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot change the live "
                   "description: not running", name);
        goto out;
    }
    if (config) {
        def = dom_store_load(c, name, err);
        if (!def)
            goto out;
        set_text(title ? &def->title : &def->description, text);
        if (dom_store_save(c, def, err) < 0)
            goto out;
        dom_def_free(def);
        def = NULL;
    }
    if (live) {
        char *p = dom_run_file(c, name, "live.xml");
        def = dom_store_load_file(p, name, err);
        if (def) {
            def->id = st.id;
            set_text(title ? &def->title : &def->description, text);
            ret = dom_store_save_file(p, def, DOM_FORMAT_SECURE, err);
        }
        free(p);
        goto out;
    }
    ret = 0;
out:
    dom_unlock(c, name, fd);
    dom_def_free(def);
    return ret;
}
