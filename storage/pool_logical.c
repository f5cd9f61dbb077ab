/* pool_logical.c - the logical pool type: an LVM volume group whose
 * logical volumes are the pool's volumes (libvirt's
 * storage_backend_logical.c). Build: pvcreate + vgcreate on the source
 * devices; start/stop: vgchange -aly/-aln; delete: vgremove + pvremove;
 * sizes and volumes from vgs/lvs --reportformat json. */
#include "pool_backend.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"
#include "store.h"
#include "strbuf.h"

static const char *
vg_name(const struct pool_def *def)
{
    return def->source.name ? def->source.name : def->name;
}

/* Run an LVM report (vgs/lvs) and return report[0][key] (an array), as a
 * new reference in *rows, or -1 with err. */
static int
lvm_report(const struct pool_def *def, char *const argv[], const char *key,
           json_t **rows, struct lv_err *err)
{
    char *out = NULL, *etext = NULL;
    json_t *j = NULL;
    int st = lv_spawn_capture(argv, &out, &etext, 60000, err), r = -1;

    *rows = NULL;
    if (st < 0)
        goto out;
    if (st != 0) {
        char *nl;
        while (etext && (nl = strrchr(etext, '\n')) && nl[1] == '\0')
            *nl = '\0';
        nl = etext ? strrchr(etext, '\n') : NULL;
        lv_err_set(err, LV_E_SYSTEM, "pool '%s': %s failed: %s", def->name,
                   argv[0], nl ? nl + 1 : (etext && *etext ? etext : "?"));
        goto out;
    }
    j = json_loads(out, 0, NULL);
    *rows = json_object_get(json_array_get(json_object_get(j, "report"), 0),
                            key);
    if (!json_is_array(*rows)) {
        lv_err_set(err, LV_E_SYSTEM, "pool '%s': cannot read %s output",
                   def->name, argv[0]);
        *rows = NULL;
        goto out;
    }
    json_incref(*rows);
    r = 0;
out:
    json_decref(j);
    free(out);
    free(etext);
    return r;
}

static uint64_t
num(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strtoull(s, NULL, 10) : 0;
}

static int
lvm_build(const struct pool_def *def, unsigned flags, struct lv_err *err)
{
    char **argv = lv_calloc(def->source.n_devices + 4, sizeof(char *));
    int r = -1;
    size_t i;

    (void)flags;
    if (def->source.n_devices == 0) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': no source device given",
                   def->name);
        goto out;
    }
    for (i = 0; i < def->source.n_devices; i++) {
        char *pv[] = { (char *)"pvcreate", (char *)"-ff", (char *)"-y",
                       def->source.devices[i].path, NULL };
        if (pool_backend_run(def, pv, err) < 0)
            goto out;
    }
    argv[0] = (char *)"vgcreate";
    argv[1] = (char *)vg_name(def);
    for (i = 0; i < def->source.n_devices; i++)
        argv[2 + i] = def->source.devices[i].path;
    r = pool_backend_run(def, argv, err);
out:
    free(argv);
    return r;
}

static int
lvm_start(const struct pool_def *def, struct lv_err *err)
{
    char *argv[] = { (char *)"vgchange", (char *)"-aly", (char *)vg_name(def),
                     NULL };
    return pool_backend_run(def, argv, err);
}

static int
lvm_stop(const struct pool_def *def, struct lv_err *err)
{
    char *argv[] = { (char *)"vgchange", (char *)"-aln", (char *)vg_name(def),
                     NULL };
    return pool_backend_run(def, argv, err);
}

static int
lvm_remove(const struct pool_def *def, char **removed, struct lv_err *err)
{
    char *argv[] = { (char *)"vgremove", (char *)"-f", (char *)vg_name(def),
                     NULL };

    if (pool_backend_run(def, argv, err) < 0)
        return -1;
    for (size_t i = 0; i < def->source.n_devices; i++) {
        char *pv[] = { (char *)"pvremove", def->source.devices[i].path, NULL };
        pool_backend_run(def, pv, NULL);
    }
    *removed = lv_asprintf("volume group %s", vg_name(def));
    return 0;
}

static int
lvm_info(struct pool_def *def, struct lv_err *err)
{
    char *argv[] = { (char *)"vgs", (char *)"--reportformat", (char *)"json",
                     (char *)"--units", (char *)"b", (char *)"--nosuffix",
                     (char *)"-o", (char *)"vg_size,vg_free",
                     (char *)vg_name(def), NULL };
    json_t *rows;

    if (lvm_report(def, argv, "vg", &rows, err) < 0)
        return -1;
    def->capacity = num(json_array_get(rows, 0), "vg_size");
    def->available = num(json_array_get(rows, 0), "vg_free");
    def->allocation = def->capacity - def->available;
    json_decref(rows);
    return 0;
}

static int
lvm_lvs(const struct pool_def *def, json_t **rows, struct lv_err *err)
{
    char *argv[] = { (char *)"lvs", (char *)"--reportformat", (char *)"json",
                     (char *)"--units", (char *)"b", (char *)"--nosuffix",
                     (char *)"-o", (char *)"lv_name,lv_size,lv_path,origin",
                     (char *)vg_name(def), NULL };
    return lvm_report(def, argv, "lv", rows, err);
}

static int
lvm_vol_names(const struct pool_def *def, char ***names, size_t *n,
              struct lv_err *err)
{
    json_t *rows, *lv;
    size_t i;

    *names = NULL;
    *n = 0;
    if (lvm_lvs(def, &rows, err) < 0)
        return -1;
    *names = lv_calloc(json_array_size(rows) + 1, sizeof(char *));
    json_array_foreach(rows, i, lv) {
        const char *s = json_string_value(json_object_get(lv, "lv_name"));
        if (s)
            (*names)[(*n)++] = lv_strdup(s);
    }
    json_decref(rows);
    return 0;
}

static struct vol_def *
lvm_vol_load(const struct pool_def *def, const char *name, struct lv_err *err)
{
    struct vol_def *v = NULL;
    json_t *rows, *lv;
    size_t i;

    if (lvm_lvs(def, &rows, err) < 0)
        return NULL;
    json_array_foreach(rows, i, lv) {
        const char *s = json_string_value(json_object_get(lv, "lv_name"));
        if (!s || strcmp(s, name) != 0)
            continue;
        v = vol_def_new();
        v->name = lv_strdup(name);
        v->type = VOL_BLOCK;
        v->capacity = v->allocation = num(lv, "lv_size");
        v->has_allocation = 1;
        v->target.path = lv_asprintf("/dev/%s/%s", vg_name(def), name);
        v->key = lv_strdup(v->target.path);
        break;
    }
    json_decref(rows);
    if (!v)
        lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': no storage vol with "
                   "matching name in pool '%s'", name, def->name);
    return v;
}

static int
lvm_vol_create(const struct vol_create_req *req, struct lv_err *err)
{
    const struct pool_def *def = req->pool;
    char size[32], *what = lv_asprintf("volume '%s'", req->vol->name);
    char *argv[] = { (char *)"lvcreate", (char *)"-y", (char *)"-n",
                     req->vol->name, (char *)"-L", size, (char *)vg_name(def),
                     NULL };
    struct vol_def *old = lvm_vol_load(def, req->vol->name, NULL);
    int r = -1;

    snprintf(size, sizeof(size), "%llub",
             (unsigned long long)req->vol->capacity);
    if (old) {
        lv_err_set(err, LV_E_EXISTS, "%s: storage volume name '%s' already "
                   "exists in pool '%s'", what, req->vol->name, def->name);
        goto out;
    }
    if (req->vol->backing) {
        lv_err_set(err, LV_E_UNSUPPORTED, "%s: backing volumes are not "
                   "supported in logical pools", what);
        goto out;
    }
    if (pool_backend_run(def, argv, err) < 0)
        goto out;
    if (req->from) {
        char *conv[] = { (char *)"qemu-img", (char *)"convert", (char *)"-p",
                         (char *)"-n", (char *)"-f",
                         req->from->target.format ? req->from->target.format
                                                  : (char *)"raw",
                         (char *)"-O", (char *)"raw", req->from->target.path,
                         req->vol->target.path, NULL };
        if (qemu_img_run_progress(conv, what, req->progress, req->arg,
                                  err) < 0) {
            char *rm[] = { (char *)"lvremove", (char *)"-f",
                           req->vol->target.path, NULL };
            pool_backend_run(def, rm, NULL);
            goto out;
        }
    }
    r = 0;
out:
    vol_def_free(old);
    free(what);
    return r;
}

static int
lvm_vol_delete(const struct pool_def *def, const struct vol_def *vol,
               struct lv_err *err)
{
    char *argv[] = { (char *)"lvremove", (char *)"-f", vol->target.path,
                     NULL };
    return pool_backend_run(def, argv, err);
}

static int
lvm_vol_resize(const struct pool_def *def, const struct vol_def *vol,
               uint64_t capacity, int shrink, struct lv_err *err)
{
    char size[32];
    char *argv[] = { (char *)"lvresize", (char *)"-L", size,
                     shrink ? (char *)"-f" : vol->target.path,
                     shrink ? vol->target.path : NULL, NULL };

    snprintf(size, sizeof(size), "%llub", (unsigned long long)capacity);
    return pool_backend_run(def, argv, err);
}

const struct pool_backend pool_logical_backend = {
    .build = lvm_build,
    .start = lvm_start,
    .stop = lvm_stop,
    .remove = lvm_remove,
    .info = lvm_info,
    .vol_names = lvm_vol_names,
    .vol_load = lvm_vol_load,
    .vol_create = lvm_vol_create,
    .vol_delete = lvm_vol_delete,
    .vol_resize = lvm_vol_resize,
};
