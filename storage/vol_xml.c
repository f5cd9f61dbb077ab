/* vol_xml.c - libvirt storage volume XML <-> struct vol_def, in the
 * context of the volume's pool as libvirt's virStorageVolDefParseXML
 * does: the pool type decides which <format> types exist and the default
 * ("raw" in file pools, "none" in disk pools, none at all in logical
 * pools). Formatting writes virStorageVolDefFormat's layout. */
#include "vol_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "names.h"
#include "storage_xml.h"
#include "strbuf.h"

struct vx {
    const char *src;
    unsigned flags;
    const struct pool_def *pool;
    struct lv_err *err;
};

static const char *const disk_vol_formats[] = { "none", "linux", "fat16",
    "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended", NULL };

/* Volume formats of the pool's type: 1 file image formats, 2 partition
 * types, 0 none (logical, iscsi, ...). */
static int
pool_vol_formats(const struct pool_def *pool)
{
    switch (pool->type) {
    case POOL_DIR: case POOL_FS: case POOL_NETFS: case POOL_GLUSTER:
    case POOL_RBD: case POOL_SHEEPDOG: case POOL_VSTORAGE:
        return 1;
    case POOL_DISK:
        return 2;
    default:
        return 0;
    }
}

static int
pool_is_local(const struct pool_def *pool)
{
    return pool->type == POOL_DIR || pool->type == POOL_FS ||
           pool->type == POOL_NETFS || pool->type == POOL_LOGICAL ||
           pool->type == POOL_DISK;
}

static int
fail(struct vx *c, xmlNode *n, const char *fmt, ...) LV_PRINTF(3, 4);

static int
fail(struct vx *c, xmlNode *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    storage_xml_fail(c->err, LV_E_XML, c->src, n, "%s", msg);
    return -1;
}

static int
attrs_ok(struct vx *c, xmlNode *n, const char *const *allowed)
{
    return storage_xml_only_attrs(c->src, n, allowed, c->err);
}

static int
parse_size(struct vx *c, xmlNode *n, uint64_t *dst)
{
    static const char *const ok[] = { "unit", NULL };
    char *num, *unit;
    int rc;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    num = xk_content(n);
    unit = xk_prop(n, "unit");
    rc = vol_def_size_parse(num, unit, dst, c->err);
    if (rc < 0)
        lv_err_prefix(c->err, "%s line %ld: <%s>: ", c->src,
                      xmlGetLineNo(n), (const char *)n->name);
    free(num);
    free(unit);
    return rc;
}

/* <format type=> checked against the pool's formats into *dst */
static int
parse_format(struct vx *c, xmlNode *n, char **dst)
{
    static const char *const ok[] = { "type", NULL };
    int kind = pool_vol_formats(c->pool);
    char *type;
    int known = 0;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    type = xk_prop(n, "type");
    if (!type)
        return fail(c, n, "missing volume format type");
    if (kind == 1)
        known = vol_format_from_str(type) >= 0;
    for (size_t i = 0; kind == 2 && disk_vol_formats[i]; i++)
        known |= !strcmp(disk_vol_formats[i], type);
    if (kind == 0) {
        /* libvirt ignores the format here; only "raw" makes sense */
        known = !strcmp(type, "raw");
        free(type);
        type = NULL;
    }
    if (!known) {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, n, "unknown volume "
                         "format type '%s' for a %s pool", type ? type :
                         "(not raw)", pool_type_to_str(c->pool->type));
        free(type);
        return -1;
    }
    free(*dst);
    *dst = type;
    return 0;
}

static int
parse_features(struct vx *c, xmlNode *n, struct vol_target *t)
{
    if (pool_vol_formats(c->pool) != 1)
        return fail(c, n, "volume features are not supported in a %s pool",
                    pool_type_to_str(c->pool->type));
    t->has_features = 1;
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (xk_is(ch, "lazy_refcounts"))
            t->features |= VOL_FEAT_LAZY_REFCOUNTS;
        else if (xk_is(ch, "extended_l2"))
            t->features |= VOL_FEAT_EXTENDED_L2;
        else
            return fail(c, ch, "unsupported volume feature <%s>", ch->name);
    }
    return 0;
}

/* libvirt: "0.10", "1.1": numbers separated by dots */
static int
parse_compat(struct vx *c, xmlNode *n, struct vol_target *t)
{
    char *s = xk_content(n);
    const char *p = s;

    free(t->compat);
    t->compat = s;
    while (*p >= '0' && *p <= '9') {
        p += strspn(p, "0123456789");
        if (*p != '.')
            break;
        p++;
    }
    if (!*s || *p || p[-1] == '.') {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, n, "invalid volume "
                         "compat level '%s'", s);
        return -1;
    }
    return 0;
}

static int
parse_encryption_child(struct vx *c, xmlNode *ch, struct vol_encryption *e)
{
    static const char *const sec_ok[] = { "type", "uuid", "usage", NULL };
    static const char *const cipher_ok[] = { "name", "size", "mode", "hash",
                                             NULL };
    static const char *const ivgen_ok[] = { "name", "hash", NULL };
    const char *const *ok = xk_is(ch, "secret") ? sec_ok :
                            xk_is(ch, "cipher") ? cipher_ok :
                            xk_is(ch, "ivgen") ? ivgen_ok : NULL;

    if (!ok)
        return fail(c, ch, "unsupported element <%s> in <encryption>",
                    ch->name);
    if (attrs_ok(c, ch, ok) < 0)
        return -1;
    if (ok == sec_ok) {
        xk_set(&e->secret_type, xk_prop(ch, "type"));
        xk_set(&e->secret_uuid, xk_prop(ch, "uuid"));
        xk_set(&e->secret_usage, xk_prop(ch, "usage"));
        return 0;
    }
    for (size_t i = 0; ok[i]; i++) {
        char *v = xk_prop(ch, ok[i]);
        if (v)
            lv_attrs_set(ok == cipher_ok ? &e->cipher : &e->ivgen, ok[i], v);
        free(v);
    }
    return 0;
}

static int
parse_encryption(struct vx *c, xmlNode *n, struct vol_target *t)
{
    static const char *const ok[] = { "format", "engine", NULL };
    struct vol_encryption *e;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    if (t->encryption)
        return fail(c, n, "more than one <encryption>");
    e = t->encryption = lv_calloc(1, sizeof(*e));
    xk_set(&e->format, xk_prop(n, "format"));
    xk_set(&e->engine, xk_prop(n, "engine"));
    if (!e->format || (strcmp(e->format, "luks") &&
                       strcmp(e->format, "qcow") &&
                       strcmp(e->format, "default")))
        return fail(c, n, "unknown volume encryption format '%s'",
                    e->format ? e->format : "");
    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE &&
            parse_encryption_child(c, ch, e) < 0)
            return -1;
    return 0;
}

/* <target> and <backingStore> share path, format and permissions */
static int
parse_common(struct vx *c, xmlNode *ch, char **path, char **format,
             struct pool_perms *perms)
{
    if (xk_is(ch, "path")) {
        free(*path);
        *path = xk_content(ch);
        return 0;
    }
    if (xk_is(ch, "format"))
        return parse_format(c, ch, format);
    if (xk_is(ch, "permissions"))
        return storage_xml_parse_perms(ch, c->src, perms, c->err);
    return 1;
}

static int
parse_target_child(struct vx *c, xmlNode *ch, struct vol_target *t)
{
    int rc = parse_common(c, ch, &t->path, &t->format, &t->perms);

    if (rc <= 0)
        return rc;
    if (xk_is(ch, "timestamps"))
        return 0;           /* live output; libvirt ignores it */
    if (xk_is(ch, "compat"))
        return parse_compat(c, ch, t);
    if (xk_is(ch, "clusterSize"))
        return parse_size(c, ch, &t->cluster_size);
    if (xk_is(ch, "features"))
        return parse_features(c, ch, t);
    if (xk_is(ch, "nocow")) {
        t->nocow = 1;
        return 0;
    }
    if (xk_is(ch, "encryption"))
        return parse_encryption(c, ch, t);
    return fail(c, ch, "unsupported element <%s> in <target>", ch->name);
}

static int
parse_target(struct vx *c, xmlNode *n, struct vol_def *def)
{
    if (attrs_ok(c, n, NULL) < 0)
        return -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE &&
            parse_target_child(c, ch, &def->target) < 0)
            return -1;
    return 0;
}

static int
parse_backing(struct vx *c, xmlNode *n, struct vol_def *def)
{
    struct vol_backing *b;

    if (attrs_ok(c, n, NULL) < 0)
        return -1;
    if (def->backing)
        return fail(c, n, "more than one <backingStore>");
    b = def->backing = lv_calloc(1, sizeof(*b));
    b->perms.mode = -1;
    b->perms.uid = b->perms.gid = -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        int rc;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        rc = parse_common(c, ch, &b->path, &b->format, &b->perms);
        if (rc > 0)
            return fail(c, ch, "unsupported element <%s> in <backingStore>",
                        ch->name);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
parse_top_child(struct vx *c, xmlNode *ch, struct vol_def *def,
                int *has_capacity)
{
    if (xk_is(ch, "name") || xk_is(ch, "key")) {
        char **dst = xk_is(ch, "name") ? &def->name : &def->key;
        free(*dst);
        *dst = xk_content(ch);
        return attrs_ok(c, ch, NULL);
    }
    if (xk_is(ch, "source"))
        return 0;           /* extents are live output; libvirt ignores it */
    if (xk_is(ch, "capacity")) {
        *has_capacity = 1;
        return parse_size(c, ch, &def->capacity);
    }
    if (xk_is(ch, "allocation")) {
        def->has_allocation = 1;
        return parse_size(c, ch, &def->allocation);
    }
    if (xk_is(ch, "physical"))
        return parse_size(c, ch, &def->physical);
    if (xk_is(ch, "target"))
        return parse_target(c, ch, def);
    if (xk_is(ch, "backingStore"))
        return parse_backing(c, ch, def);
    if (c->flags & VOL_PARSE_KEEP_UNKNOWN) {
        char *s = xk_dump(ch);
        lv_xml_keep_add(&def->keep, s);
        free(s);
        return 0;
    }
    return fail(c, ch, "unsupported element <%s>", ch->name);
}

/* libvirt's checks and defaults after parsing */
static int
check_def(struct vx *c, xmlNode *root, struct vol_def *def, int has_cap)
{
    const char *dflt = pool_vol_formats(c->pool) == 1 ? "raw" :
                       pool_vol_formats(c->pool) == 2 ? "none" : NULL;
    struct lv_err nerr = LV_ERR_INIT;

    if (!def->name)
        return fail(c, root, "missing volume name element");
    if (lv_name_check("volume", def->name, &nerr) < 0) {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "%s", nerr.msg);
        return -1;
    }
    if (!has_cap && !(c->flags & VOL_PARSE_NO_CAPACITY) &&
        !((c->flags & VOL_PARSE_OPT_CAPACITY) && def->backing))
        return fail(c, root, "volume '%s': missing capacity element",
                    def->name);
    if (!def->has_allocation)
        def->allocation = def->capacity;
    if (def->target.path && !def->target.path[0])
        return fail(c, root, "volume '%s': empty target path", def->name);
    if (def->target.path && def->target.path[0] != '/' &&
        pool_is_local(c->pool)) {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "volume '%s': "
                         "target path '%s' is not absolute", def->name,
                         def->target.path);
        return -1;
    }
    if (def->backing && !def->backing->path)
        return fail(c, root, "volume '%s': missing backing store path",
                    def->name);
    if (dflt && !def->target.format)
        def->target.format = lv_strdup(dflt);
    if (dflt && def->backing && !def->backing->format)
        def->backing->format = lv_strdup(dflt);
    if (def->target.has_features && !def->target.compat)
        def->target.compat = lv_strdup("1.1");
    return 0;
}

static int
parse_root(struct vx *c, xmlNode *root, struct vol_def *def)
{
    static const char *const ok[] = { "type", NULL };
    int has_cap = 0;
    char *type;

    if (!xk_is(root, "volume"))
        return fail(c, root, "expected root element <volume>, not <%s>",
                    root->name);
    if (attrs_ok(c, root, ok) < 0)
        return -1;
    type = xk_prop(root, "type");
    if (type) {
        int t = vol_type_from_str(type);
        if (t < 0)
            storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "unknown "
                             "volume type '%s'", type);
        free(type);
        if (t < 0)
            return -1;
        def->type = (enum vol_type)t;
    }
    for (xmlNode *ch = root->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE &&
            parse_top_child(c, ch, def, &has_cap) < 0)
            return -1;
    return check_def(c, root, def, has_cap);
}

struct vol_def *
vol_def_parse_xml(const struct pool_def *pool, const char *xml, size_t len,
                  const char *srcname, unsigned flags, struct lv_err *err)
{
    struct vx c = { srcname ? srcname : "volume XML", flags, pool, err };
    struct vol_def *def = NULL;
    xmlDoc *doc = storage_xml_read(xml, len, c.src, err);

    if (!doc)
        return NULL;
    def = vol_def_new();
    if (parse_root(&c, xmlDocGetRootElement(doc), def) < 0) {
        vol_def_free(def);
        def = NULL;
    }
    xmlFreeDoc(doc);
    return def;
}

/* ---- formatting ---- */

static void
fmt_text(struct strbuf *b, int indent, const char *name, const char *val)
{
    if (!val)
        return;
    strbuf_addf(b, "%*s<%s>", indent, "", name);
    xk_escape(b, val);
    strbuf_addf(b, "</%s>\n", name);
}

static void
fmt_attrs(struct strbuf *b, const struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        strbuf_addf(b, " %s='", a->keys[i]);
        xk_escape(b, a->vals[i]);
        strbuf_addc(b, '\'');
    }
}

static void
fmt_attr(struct strbuf *b, const char *name, const char *val)
{
    if (!val)
        return;
    strbuf_addf(b, " %s='", name);
    xk_escape(b, val);
    strbuf_addc(b, '\'');
}

static void
format_encryption(struct strbuf *b, const struct vol_encryption *e)
{
    strbuf_adds(b, "    <encryption");
    fmt_attr(b, "format", e->format);
    fmt_attr(b, "engine", e->engine);
    if (!e->secret_type && !e->secret_uuid && !e->secret_usage &&
        !e->cipher.n && !e->ivgen.n) {
        strbuf_adds(b, "/>\n");
        return;
    }
    strbuf_adds(b, ">\n");
    if (e->secret_type || e->secret_uuid || e->secret_usage) {
        strbuf_adds(b, "      <secret");
        fmt_attr(b, "type", e->secret_type);
        fmt_attr(b, "uuid", e->secret_uuid);
        fmt_attr(b, "usage", e->secret_usage);
        strbuf_adds(b, "/>\n");
    }
    if (e->cipher.n) {
        strbuf_adds(b, "      <cipher");
        fmt_attrs(b, &e->cipher);
        strbuf_adds(b, "/>\n");
    }
    if (e->ivgen.n) {
        strbuf_adds(b, "      <ivgen");
        fmt_attrs(b, &e->ivgen);
        strbuf_adds(b, "/>\n");
    }
    strbuf_adds(b, "    </encryption>\n");
}

static void
format_timestamps(struct strbuf *b, const struct vol_target *t)
{
    if (!t->atime && !t->btime && !t->ctime && !t->mtime)
        return;
    strbuf_adds(b, "    <timestamps>\n");
    fmt_text(b, 6, "atime", t->atime);
    fmt_text(b, 6, "btime", t->btime);
    fmt_text(b, 6, "ctime", t->ctime);
    fmt_text(b, 6, "mtime", t->mtime);
    strbuf_adds(b, "    </timestamps>\n");
}

static void
format_format(struct strbuf *b, const char *format)
{
    if (!format)
        return;
    strbuf_adds(b, "    <format");
    fmt_attr(b, "type", format);
    strbuf_adds(b, "/>\n");
}

/* virStorageVolTargetDefFormat's order */
static void
format_target(struct strbuf *b, const struct vol_target *t)
{
    strbuf_adds(b, "  <target>\n");
    fmt_text(b, 4, "path", t->path);
    format_format(b, t->format);
    storage_xml_format_perms(b, 4, &t->perms);
    format_timestamps(b, t);
    if (t->encryption)
        format_encryption(b, t->encryption);
    fmt_text(b, 4, "compat", t->compat);
    if (t->cluster_size)
        strbuf_addf(b, "    <clusterSize unit='B'>%llu</clusterSize>\n",
                    (unsigned long long)t->cluster_size);
    if (t->has_features && !t->features) {
        strbuf_adds(b, "    <features/>\n");
    } else if (t->has_features) {
        strbuf_adds(b, "    <features>\n");
        if (t->features & VOL_FEAT_LAZY_REFCOUNTS)
            strbuf_adds(b, "      <lazy_refcounts/>\n");
        if (t->features & VOL_FEAT_EXTENDED_L2)
            strbuf_adds(b, "      <extended_l2/>\n");
        strbuf_adds(b, "    </features>\n");
    }
    strbuf_adds(b, "  </target>\n");
}

char *
vol_def_format_xml(const struct pool_def *pool, const struct vol_def *def,
                   unsigned flags, struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;

    (void)pool;
    (void)flags;
    if (!vol_type_to_str(def->type) || !def->name) {
        lv_err_set(err, LV_E_INTERNAL, "volume definition without %s",
                   def->name ? "a valid type" : "a name");
        return NULL;
    }
    strbuf_addf(&b, "<volume type='%s'>\n", vol_type_to_str(def->type));
    fmt_text(&b, 2, "name", def->name);
    fmt_text(&b, 2, "key", def->key);
    strbuf_addf(&b, "  <capacity unit='bytes'>%llu</capacity>\n"
                "  <allocation unit='bytes'>%llu</allocation>\n",
                (unsigned long long)def->capacity,
                (unsigned long long)def->allocation);
    if (def->physical)
        strbuf_addf(&b, "  <physical unit='bytes'>%llu</physical>\n",
                    (unsigned long long)def->physical);
    format_target(&b, &def->target);
    if (def->backing) {
        strbuf_adds(&b, "  <backingStore>\n");
        fmt_text(&b, 4, "path", def->backing->path);
        format_format(&b, def->backing->format);
        storage_xml_format_perms(&b, 4, &def->backing->perms);
        strbuf_adds(&b, "  </backingStore>\n");
    }
    for (size_t i = 0; i < def->keep.n; i++) {
        if (storage_xml_format_kept(&b, 2, def->keep.items[i], err) < 0) {
            lv_err_prefix(err, "volume '%s': ", def->name);
            strbuf_free(&b);
            return NULL;
        }
    }
    strbuf_adds(&b, "</volume>\n");
    return strbuf_steal(&b);
}
