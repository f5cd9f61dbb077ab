/* vol_argv.c - the qemu-img argv that creates a volume or converts one
 * volume into another, after libvirt 11's
 * virStorageBackendCreateQemuImgCmdFromVol and storageBackendCreateQemuImgOpts
 * (option order included, so argv matches storagevolxml2argv's). Encrypted
 * volumes are refused: luavirt has no secret store to feed qemu-img. */
#include "vol_argv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"
#include "strbuf.h"

struct argv {
    char **v;
    size_t n;
};

static void
add(struct argv *a, const char *s)
{
    a->v = lv_realloc(a->v, (a->n + 2) * sizeof(char *));
    a->v[a->n++] = lv_strdup(s);
    a->v[a->n] = NULL;
}

/* The image format qemu-img is told for a volume: block volumes and ISO
 * images are raw to it, like libvirt; so are volumes of format-less pools
 * (logical). -1 with err for formats qemu-img does not create. */
static int
image_format(const struct vol_def *vol, const char *what, struct lv_err *err)
{
    int f;

    if (vol->type == VOL_BLOCK || !vol->target.format)
        return VOL_FMT_RAW;
    f = vol_format_from_str(vol->target.format);
    if (f == VOL_FMT_ISO)
        return VOL_FMT_RAW;
    if (f < 0 || f == VOL_FMT_NONE || f == VOL_FMT_DIR) {
        lv_err_set(err, LV_E_INVALID, "%s '%s': format '%s' is not a "
                   "qemu-img image format", what, vol->name,
                   vol->target.format);
        return -1;
    }
    return f;
}

static int
check_request(const struct vol_def *vol, const struct vol_def *invol,
              int fmt, unsigned flags, struct lv_err *err)
{
    const struct vol_target *t = &vol->target;
    const char *why = NULL;

    if (t->encryption || (invol && invol->target.encryption)) {
        lv_err_set(err, LV_E_UNSUPPORTED, "volume '%s': encrypted volumes "
                   "(%s encryption) are not supported", vol->name,
                   t->encryption ? t->encryption->format :
                   invol->target.encryption->format);
        return -1;
    }
    if (!t->path)
        why = "missing target path";
    else if (invol && !invol->target.path)
        why = "missing input volume target path";
    else if ((flags & VOL_ARGV_PREALLOC_METADATA) && fmt != VOL_FMT_QCOW2)
        why = "metadata preallocation only available with qcow2";
    else if (t->compat && fmt != VOL_FMT_QCOW2)
        why = "compatibility option only available with qcow2";
    else if (t->has_features && fmt != VOL_FMT_QCOW2)
        why = "format features only available with qcow2";
    else if (vol->backing && (flags & VOL_ARGV_PREALLOC_METADATA))
        why = "metadata preallocation conflicts with backing store";
    else if (vol->backing && invol && invol->backing &&
             strcmp(invol->backing->path, vol->backing->path))
        why = "a different backing store cannot be specified";
    else if (t->features && t->compat && !strcmp(t->compat, "0.10"))
        why = "qcow2 features (lazy_refcounts, extended_l2) need compat "
              "level 1.1, not 0.10";
    if (why) {
        lv_err_set(err, LV_E_INVALID, "volume '%s': %s", vol->name, why);
        return -1;
    }
    return 0;
}

/* storageBackendCreateQemuImgOpts: the -o list, "" if none */
static char *
create_opts(const struct vol_def *vol, int fmt, const char *backing_fmt,
            unsigned flags)
{
    const struct vol_target *t = &vol->target;
    struct strbuf b = STRBUF_INIT;
    unsigned long long size_kib = (vol->capacity + 1023) / 1024;

    if (backing_fmt)
        strbuf_addf(&b, "backing_fmt=%s,", backing_fmt);
    /* libvirt compares KiB with bytes here; kept for identical argv */
    if (flags & VOL_ARGV_PREALLOC_METADATA)
        strbuf_addf(&b, "preallocation=%s,",
                    size_kib > vol->allocation ? "metadata" : "falloc");
    if (t->nocow)
        strbuf_adds(&b, "nocow=on,");
    if (t->compat)
        strbuf_addf(&b, "compat=%s,", t->compat);
    else if (fmt == VOL_FMT_QCOW2)
        strbuf_adds(&b, "compat=1.1,");
    if (t->cluster_size)
        strbuf_addf(&b, "cluster_size=%llu,",
                    (unsigned long long)t->cluster_size);
    if (fmt == VOL_FMT_QCOW2 && (t->features & VOL_FEAT_LAZY_REFCOUNTS))
        strbuf_adds(&b, "lazy_refcounts,");
    if (fmt == VOL_FMT_QCOW2 && (t->features & VOL_FEAT_EXTENDED_L2))
        strbuf_adds(&b, "extended_l2=on,");
    if (b.len)
        b.s[--b.len] = 0;
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}

char **
vol_argv_create(const struct pool_def *pool, const struct vol_def *vol,
                const struct pool_def *inpool, const struct vol_def *invol,
                unsigned flags, struct lv_err *err)
{
    struct argv a = { NULL, 0 };
    const char *backing = NULL, *backing_fmt = NULL;
    char *opts = NULL;
    int fmt, infmt = VOL_FMT_RAW;

    (void)pool;
    (void)inpool;
    fmt = image_format(vol, "volume", err);
    if (fmt < 0 || (invol && (infmt = image_format(invol, "input volume",
                                                   err)) < 0))
        return NULL;
    if (check_request(vol, invol, fmt, flags, err) < 0)
        return NULL;
    if (vol->backing && !invol) {   /* a clone copies; no backing file */
        backing = vol->backing->path;
        backing_fmt = vol->backing->format ? vol->backing->format : "raw";
    }
    add(&a, "qemu-img");
    if (invol) {
        add(&a, "convert");
        add(&a, "-f");
        add(&a, vol_format_to_str(infmt));
        add(&a, "-O");
    } else {
        add(&a, "create");
        add(&a, "-f");
    }
    add(&a, vol_format_to_str(fmt));
    if (backing) {
        add(&a, "-b");
        add(&a, backing);
    }
    opts = create_opts(vol, fmt, backing_fmt, flags);
    if (opts[0]) {
        add(&a, "-o");
        add(&a, opts);
    }
    free(opts);
    if (invol)
        add(&a, invol->target.path);
    add(&a, vol->target.path);
    if (!invol && (vol->capacity || !backing)) {
        char size[32];
        snprintf(size, sizeof(size), "%lluK",
                 (unsigned long long)(vol->capacity + 1023) / 1024);
        add(&a, size);
    }
    return a.v;
}
