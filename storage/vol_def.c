/* vol_def.c - struct vol_def: the type and format tables, allocation,
 * release and deep copy, and sizes with libvirt's units in bytes (core's
 * units.h parses to KiB, which loses bytes; the unit table is shared). XML lives in vol_xml.c. */
#include "vol_def.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "units.h"

static const char *const vol_types[VOL_TYPE__COUNT] = {
    [VOL_FILE] = "file", [VOL_BLOCK] = "block", [VOL_DIR] = "dir",
    [VOL_NETWORK] = "network", [VOL_NETDIR] = "netdir",
    [VOL_PLOOP] = "ploop",
};

static const char *const vol_formats[VOL_FMT__COUNT] = {
    [VOL_FMT_NONE] = "none", [VOL_FMT_RAW] = "raw", [VOL_FMT_DIR] = "dir",
    [VOL_FMT_BOCHS] = "bochs", [VOL_FMT_CLOOP] = "cloop",
    [VOL_FMT_DMG] = "dmg", [VOL_FMT_ISO] = "iso", [VOL_FMT_VPC] = "vpc",
    [VOL_FMT_VDI] = "vdi", [VOL_FMT_FAT] = "fat", [VOL_FMT_VHD] = "vhd",
    [VOL_FMT_PLOOP] = "ploop", [VOL_FMT_COW] = "cow",
    [VOL_FMT_QCOW] = "qcow", [VOL_FMT_QCOW2] = "qcow2",
    [VOL_FMT_QED] = "qed", [VOL_FMT_VMDK] = "vmdk",
};

const char *
vol_type_to_str(enum vol_type t)
{
    return (unsigned)t < VOL_TYPE__COUNT ? vol_types[t] : NULL;
}

int
vol_type_from_str(const char *s)
{
    for (int i = 0; s && i < VOL_TYPE__COUNT; i++)
        if (!strcmp(vol_types[i], s))
            return i;
    return -1;
}

const char *
vol_format_to_str(enum vol_format f)
{
    return (unsigned)f < VOL_FMT__COUNT ? vol_formats[f] : NULL;
}

int
vol_format_from_str(const char *s)
{
    for (int i = 0; s && i < VOL_FMT__COUNT; i++)
        if (!strcmp(vol_formats[i], s))
            return i;
    return -1;
}

static void
perms_init(struct pool_perms *p)
{
    p->mode = -1;
    p->uid = -1;
    p->gid = -1;
    p->label = NULL;
}

struct vol_def *
vol_def_new(void)
{
    struct vol_def *def = lv_calloc(1, sizeof(*def));

    perms_init(&def->target.perms);
    return def;
}

static void
encryption_free(struct vol_encryption *e)
{
    if (!e)
        return;
    free(e->format);
    free(e->engine);
    free(e->secret_type);
    free(e->secret_uuid);
    free(e->secret_usage);
    lv_attrs_clear(&e->cipher);
    lv_attrs_clear(&e->ivgen);
    free(e);
}

static void
backing_free(struct vol_backing *b)
{
    if (!b)
        return;
    free(b->path);
    free(b->format);
    pool_perms_clear(&b->perms);
    free(b);
}

void
vol_def_free(struct vol_def *def)
{
    struct vol_target *t;

    if (!def)
        return;
    t = &def->target;
    free(def->name);
    free(def->key);
    free(t->path);
    free(t->format);
    pool_perms_clear(&t->perms);
    free(t->compat);
    encryption_free(t->encryption);
    free(t->atime);
    free(t->mtime);
    free(t->ctime);
    free(t->btime);
    backing_free(def->backing);
    lv_xml_keep_clear(&def->keep);
    free(def);
}

static void
perms_copy(struct pool_perms *dst, const struct pool_perms *src)
{
    *dst = *src;
    dst->label = lv_strdup(src->label);
}

static void
attrs_copy(struct lv_attrs *dst, const struct lv_attrs *src)
{
    for (size_t i = 0; i < src->n; i++)
        lv_attrs_set(dst, src->keys[i], src->vals[i]);
}

static struct vol_encryption *
encryption_copy(const struct vol_encryption *e)
{
    struct vol_encryption *c;

    if (!e)
        return NULL;
    c = lv_calloc(1, sizeof(*c));
    c->format = lv_strdup(e->format);
    c->engine = lv_strdup(e->engine);
    c->secret_type = lv_strdup(e->secret_type);
    c->secret_uuid = lv_strdup(e->secret_uuid);
    c->secret_usage = lv_strdup(e->secret_usage);
    attrs_copy(&c->cipher, &e->cipher);
    attrs_copy(&c->ivgen, &e->ivgen);
    return c;
}

struct vol_def *
vol_def_copy(const struct vol_def *def)
{
    struct vol_def *c = lv_calloc(1, sizeof(*c));
    const struct vol_target *t = &def->target;

    *c = *def;
    c->name = lv_strdup(def->name);
    c->key = lv_strdup(def->key);
    c->target.path = lv_strdup(t->path);
    c->target.format = lv_strdup(t->format);
    perms_copy(&c->target.perms, &t->perms);
    c->target.compat = lv_strdup(t->compat);
    c->target.encryption = encryption_copy(t->encryption);
    c->target.atime = lv_strdup(t->atime);
    c->target.mtime = lv_strdup(t->mtime);
    c->target.ctime = lv_strdup(t->ctime);
    c->target.btime = lv_strdup(t->btime);
    if (def->backing) {
        c->backing = lv_calloc(1, sizeof(*c->backing));
        c->backing->path = lv_strdup(def->backing->path);
        c->backing->format = lv_strdup(def->backing->format);
        perms_copy(&c->backing->perms, &def->backing->perms);
    }
    memset(&c->keep, 0, sizeof(c->keep));
    for (size_t i = 0; i < def->keep.n; i++)
        lv_xml_keep_add(&c->keep, def->keep.items[i]);
    return c;
}

/* ---- sizes ---- */

int
vol_def_size_parse(const char *num, const char *unit, uint64_t *out,
                   struct lv_err *err)
{
    const char *p = num ? num : "";
    char *end = NULL;
    unsigned long long v;
    uint64_t scale;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-') {
        lv_err_set(err, LV_E_INVALID, "size '%s': negative", num);
        return -1;
    }
    errno = 0;
    v = strtoull(p, &end, 10);
    while (end && isspace((unsigned char)*end))
        end++;
    if (!isdigit((unsigned char)*p) || *end) {
        lv_err_set(err, LV_E_INVALID, "size '%s': not a whole number", p);
        return -1;
    }
    scale = lv_units_scale(unit ? unit : "", unit ? strlen(unit) : 0, 1);
    if (!scale) {
        lv_err_set(err, LV_E_INVALID, "size '%s %s': unknown unit '%s'", p,
                   unit, unit);
        return -1;
    }
    if (errno == ERANGE || v > UINT64_MAX / scale) {
        lv_err_set(err, LV_E_INVALID, "size '%s %s': too large", p,
                   unit ? unit : "bytes");
        return -1;
    }
    *out = (uint64_t)v * scale;
    return 0;
}

int
vol_def_size_parse_str(const char *s, uint64_t *out, struct lv_err *err)
{
    const char *p = s ? s : "";
    char *num, *unit;
    size_t n;
    int rc;

    while (isspace((unsigned char)*p))
        p++;
    n = strspn(p, "-0123456789");
    num = lv_strndup(p, n);
    p += n;
    while (isspace((unsigned char)*p))
        p++;
    unit = lv_strdup(p);
    for (n = strlen(unit); n && isspace((unsigned char)unit[n - 1]); n--)
        unit[n - 1] = 0;
    rc = vol_def_size_parse(num, unit, out, err);
    if (rc < 0 && !num[0])
        lv_err_set(err, LV_E_INVALID, "size '%s': not a number", s ? s : "");
    free(num);
    free(unit);
    return rc;
}
