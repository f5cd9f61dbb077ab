/* pool_xml.c - libvirt storage pool XML <-> struct pool_def. Parsing walks
 * the libxml2 tree one function per element, then applies libvirt's
 * per-type defaults and checks (virStoragePoolDefParseXML). Formatting is
 * in pool_xml_format.c. */
#include "pool_xml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <uuid/uuid.h>

#include "names.h"
#include "storage_xml.h"
#include "strbuf.h"
#include "vol_def.h"

struct px {
    const char *src;
    unsigned flags;
    struct lv_err *err;
};

/* ---- parsing ---- */

static int
fail(struct px *c, xmlNode *n, const char *fmt, ...) LV_PRINTF(3, 4);

static int
fail(struct px *c, xmlNode *n, const char *fmt, ...)
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
attrs_ok(struct px *c, xmlNode *n, const char *const *allowed)
{
    return storage_xml_only_attrs(c->src, n, allowed, c->err);
}



static int
parse_size(struct px *c, xmlNode *n, uint64_t *dst)
{
    char *num = xk_content(n), *unit = xk_prop(n, "unit");
    int rc = vol_def_size_parse(num, unit, dst, c->err);

    if (rc < 0)
        lv_err_prefix(c->err, "%s line %ld: <%s>: ", c->src,
                      xmlGetLineNo(n), (const char *)n->name);
    free(num);
    free(unit);
    return rc;
}

static int
parse_uuid(struct px *c, xmlNode *n, struct pool_def *def)
{
    char *s = xk_content(n);
    int rc = 0;

    if (uuid_parse(s, def->uuid) < 0)
        rc = fail(c, n, "invalid uuid '%s'", s);
    free(s);
    return rc;
}

static int
parse_features(struct px *c, xmlNode *n, struct pool_def *def)
{
    static const char *const cow_attrs[] = { "state", NULL };

    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        char *state;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "cow"))
            return fail(c, ch, "unsupported pool feature <%s>", ch->name);
        if (attrs_ok(c, ch, cow_attrs) < 0)
            return -1;
        state = xk_prop(ch, "state");
        if (state && !strcmp(state, "yes"))
            def->features_cow = LV_TRI_ON;
        else if (state && !strcmp(state, "no"))
            def->features_cow = LV_TRI_OFF;
        else
            fail(c, ch, "invalid cow state '%s'", state ? state : "");
        free(state);
        if (def->features_cow == LV_TRI_ABSENT)
            return -1;
    }
    return 0;
}

static int
parse_host(struct px *c, xmlNode *n, struct pool_source *s)
{
    static const char *const ok[] = { "name", "port", NULL };
    struct pool_source_host *h;
    char *port;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    h = xk_push(&s->hosts, &s->n_hosts, sizeof(*h));
    xk_set(&h->name, xk_prop(n, "name"));
    if (!h->name)
        return fail(c, n, "missing storage pool host name");
    port = xk_prop(n, "port");
    if (port) {
        char *end = NULL;
        long v = strtol(port, &end, 10);
        if (end == port || *end || v <= 0 || v > 65535)
            fail(c, n, "invalid port number '%s'", port);
        else
            h->port = (int)v;
        free(port);
        if (!h->port)
            return -1;
    }
    return 0;
}

static int
parse_device(struct px *c, xmlNode *n, struct pool_source *s)
{
    static const char *const ok[] = { "path", "part_separator", NULL };
    struct pool_source_device *d;
    char *sep;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && !xk_is(ch, "freeExtent"))
            return fail(c, ch, "unsupported element <%s> in <device>",
                        ch->name);
    /* <freeExtent> is live output of disk pools; libvirt ignores it */
    d = xk_push(&s->devices, &s->n_devices, sizeof(*d));
    xk_set(&d->path, xk_prop(n, "path"));
    if (!d->path)
        return fail(c, n, "missing storage pool source device path");
    sep = xk_prop(n, "part_separator");
    if (sep) {
        d->part_separator = !strcmp(sep, "yes") ? LV_TRI_ON :
                            !strcmp(sep, "no") ? LV_TRI_OFF : LV_TRI_ABSENT;
        if (d->part_separator == LV_TRI_ABSENT)
            fail(c, n, "invalid part_separator '%s'", sep);
        free(sep);
        if (d->part_separator == LV_TRI_ABSENT)
            return -1;
    }
    return 0;
}

static int
parse_parentaddr(struct px *c, xmlNode *n, struct pool_adapter *a)
{
    static const char *const ok[] = { "unique_id", NULL };
    static const char *const addr_ok[] = { "domain", "bus", "slot",
                                           "function", "type", NULL };

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    a->has_parentaddr = 1;
    xk_set(&a->parentaddr_unique_id, xk_prop(n, "unique_id"));
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "address"))
            return fail(c, ch, "unsupported element <%s> in <parentaddr>",
                        ch->name);
        if (attrs_ok(c, ch, addr_ok) < 0)
            return -1;
        for (xmlAttr *at = ch->properties; at; at = at->next) {
            char *v = xk_prop(ch, (const char *)at->name);
            lv_attrs_set(&a->parentaddr, (const char *)at->name, v);
            free(v);
        }
    }
    return 0;
}

static int
parse_adapter(struct px *c, xmlNode *n, struct pool_source *s)
{
    static const char *const ok[] = { "type", "name", "parent",
        "parent_wwnn", "parent_wwpn", "parent_fabric_wwn", "managed",
        "wwnn", "wwpn", NULL };
    struct pool_adapter *a = &s->adapter;

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    xk_set(&a->type, xk_prop(n, "type"));
    if (!a->type)     /* libvirt's legacy <adapter name='host0'/> */
        a->type = lv_strdup("scsi_host");
    if (strcmp(a->type, "scsi_host") && strcmp(a->type, "fc_host"))
        return fail(c, n, "unknown adapter type '%s'", a->type);
    for (xmlAttr *at = n->properties; at; at = at->next) {
        char *v;
        if (!strcmp((const char *)at->name, "type"))
            continue;
        v = xk_prop(n, (const char *)at->name);
        lv_attrs_set(&a->attrs, (const char *)at->name, v);
        free(v);
    }
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "parentaddr"))
            return fail(c, ch, "unsupported element <%s> in <adapter>",
                        ch->name);
        if (parse_parentaddr(c, ch, a) < 0)
            return -1;
    }
    return 0;
}

static int
parse_auth(struct px *c, xmlNode *n, struct pool_source *s)
{
    static const char *const ok[] = { "type", "username", NULL };
    static const char *const sec_ok[] = { "uuid", "usage", NULL };
    struct pool_auth *a;

    if (attrs_ok(c, n, ok) < 0 || s->auth)
        return s->auth ? fail(c, n, "more than one <auth>") : -1;
    a = s->auth = lv_calloc(1, sizeof(*a));
    xk_set(&a->type, xk_prop(n, "type"));
    xk_set(&a->username, xk_prop(n, "username"));
    if (!a->type || (strcmp(a->type, "chap") && strcmp(a->type, "ceph")))
        return fail(c, n, "unknown auth type '%s'", a->type ? a->type : "");
    if (!a->username)
        return fail(c, n, "missing auth username");
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "secret"))
            return fail(c, ch, "unsupported element <%s> in <auth>",
                        ch->name);
        if (attrs_ok(c, ch, sec_ok) < 0)
            return -1;
        xk_set(&a->secret_uuid, xk_prop(ch, "uuid"));
        xk_set(&a->secret_usage, xk_prop(ch, "usage"));
    }
    if (!a->secret_uuid && !a->secret_usage)
        return fail(c, n, "missing auth secret uuid or usage");
    return 0;
}

static int
parse_initiator(struct px *c, xmlNode *n, struct pool_source *s)
{
    static const char *const ok[] = { "name", NULL };

    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "iqn") || attrs_ok(c, ch, ok) < 0)
            return xk_is(ch, "iqn") ? -1 :
                   fail(c, ch, "unsupported element <%s> in <initiator>",
                        ch->name);
        xk_set(&s->initiator_iqn, xk_prop(ch, "name"));
    }
    return 0;
}

/* <x attr='value'/> into *dst */
static int
parse_attr_elem(struct px *c, xmlNode *n, const char *attr, char **dst)
{
    const char *const ok[] = { attr, NULL };

    if (attrs_ok(c, n, ok) < 0)
        return -1;
    xk_set(dst, xk_prop(n, attr));
    if (!*dst)
        return fail(c, n, "missing %s of <%s>", attr, n->name);
    return 0;
}

static int
parse_source_child(struct px *c, xmlNode *ch, struct pool_source *s)
{
    const char *nm = (const char *)ch->name;

    if (ch->ns)
        return fail(c, ch, "unsupported element <%s> in <source>", nm);
    if (!strcmp(nm, "host"))
        return parse_host(c, ch, s);
    if (!strcmp(nm, "device"))
        return parse_device(c, ch, s);
    if (!strcmp(nm, "dir"))
        return parse_attr_elem(c, ch, "path", &s->dir);
    if (!strcmp(nm, "adapter"))
        return parse_adapter(c, ch, s);
    if (!strcmp(nm, "name")) {
        free(s->name);
        s->name = xk_content(ch);
        return attrs_ok(c, ch, NULL);
    }
    if (!strcmp(nm, "initiator"))
        return parse_initiator(c, ch, s);
    if (!strcmp(nm, "format"))
        return parse_attr_elem(c, ch, "type", &s->format);
    if (!strcmp(nm, "auth"))
        return parse_auth(c, ch, s);
    if (!strcmp(nm, "protocol"))
        return parse_attr_elem(c, ch, "ver", &s->protocol_ver);
    if (!strcmp(nm, "vendor"))
        return parse_attr_elem(c, ch, "name", &s->vendor);
    if (!strcmp(nm, "product"))
        return parse_attr_elem(c, ch, "name", &s->product);
    return fail(c, ch, "unsupported element <%s> in <source>", nm);
}

static int
parse_source(struct px *c, xmlNode *n, struct pool_def *def)
{
    if (attrs_ok(c, n, NULL) < 0)
        return -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE &&
            parse_source_child(c, ch, &def->source) < 0)
            return -1;
    return 0;
}

static int
parse_target(struct px *c, xmlNode *n, struct pool_def *def)
{
    if (attrs_ok(c, n, NULL) < 0)
        return -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (xk_is(ch, "path")) {
            free(def->target.path);
            def->target.path = xk_content(ch);
        } else if (xk_is(ch, "permissions")) {
            if (storage_xml_parse_perms(ch, c->src, &def->target.perms,
                                     c->err) < 0)
                return -1;
        } else {
            return fail(c, ch, "unsupported element <%s> in <target>",
                        ch->name);
        }
    }
    return 0;
}

static int
parse_refresh(struct px *c, xmlNode *n, struct pool_def *def)
{
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!xk_is(ch, "volume"))
            return fail(c, ch, "unsupported element <%s> in <refresh>",
                        ch->name);
        if (parse_attr_elem(c, ch, "allocation",
                            &def->refresh_vol_allocation) < 0)
            return -1;
    }
    return 0;
}

static int
parse_ns_opts(struct px *c, xmlNode *n, struct pool_def *def, int rbd)
{
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        char *name, *value;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)ch->name, "option"))
            return fail(c, ch, "unsupported element <%s> in <%s>",
                        ch->name, n->name);
        name = xk_prop(ch, "name");
        value = xk_prop(ch, "value");
        if (!name || (rbd && !value)) {
            free(name);
            free(value);
            return fail(c, ch, "missing option name or value");
        }
        if (rbd) {
            lv_attrs_set(&def->rbd_config_opts, name, value);
            free(name);
        } else {
            *(char **)xk_push(&def->mount_opts, &def->n_mount_opts,
                           sizeof(char *)) = name;
        }
        free(value);
    }
    return 0;
}

static int
ns_is(const xmlNode *n, const char *href, const char *name)
{
    return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, href)
           && !strcmp((const char *)n->name, name);
}

static int
parse_live_size(struct px *c, xmlNode *ch, uint64_t *dst)
{
    /* live values: libvirt ignores them in definitions */
    if (!(c->flags & POOL_PARSE_LIVE))
        return 0;
    return parse_size(c, ch, dst);
}

static int
parse_top_child(struct px *c, xmlNode *ch, struct pool_def *def)
{
    if (xk_is(ch, "name")) {
        free(def->name);
        def->name = xk_content(ch);
        return 0;
    }
    if (xk_is(ch, "uuid"))
        return parse_uuid(c, ch, def);
    if (xk_is(ch, "capacity"))
        return parse_live_size(c, ch, &def->capacity);
    if (xk_is(ch, "allocation"))
        return parse_live_size(c, ch, &def->allocation);
    if (xk_is(ch, "available"))
        return parse_live_size(c, ch, &def->available);
    if (xk_is(ch, "features"))
        return parse_features(c, ch, def);
    if (xk_is(ch, "source"))
        return parse_source(c, ch, def);
    if (xk_is(ch, "target"))
        return parse_target(c, ch, def);
    if (xk_is(ch, "refresh"))
        return parse_refresh(c, ch, def);
    if (ns_is(ch, STORAGE_XML_NS_FS, "mount_opts"))
        return parse_ns_opts(c, ch, def, 0);
    if (ns_is(ch, STORAGE_XML_NS_RBD, "config_opts"))
        return parse_ns_opts(c, ch, def, 1);
    if (c->flags & POOL_PARSE_KEEP_UNKNOWN) {
        char *s = xk_dump(ch);
        lv_xml_keep_add(&def->keep, s);
        free(s);
        return 0;
    }
    return fail(c, ch, "unsupported element <%s>", ch->name);
}

/* ---- libvirt's per-type defaults and checks ---- */

static const char *const fs_formats[] = { "auto", "ext2", "ext3", "ext4",
    "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat", "hfs+", "xfs", "ocfs2",
    "vmfs", NULL };
static const char *const netfs_formats[] = { "auto", "nfs", "glusterfs",
    "cifs", NULL };
static const char *const logical_formats[] = { "unknown", "lvm2", NULL };
static const char *const disk_formats[] = { "unknown", "dos", "dvh", "gpt",
    "mac", "bsd", "pc98", "sun", "lvm2", NULL };

/* The source formats of a pool type (NULL: none) and the default. */
static const char *const *
source_formats(enum pool_type t, const char **dflt)
{
    switch (t) {
    case POOL_FS: *dflt = "auto"; return fs_formats;
    case POOL_NETFS: *dflt = "auto"; return netfs_formats;
    case POOL_LOGICAL: *dflt = "lvm2"; return logical_formats;
    case POOL_DISK: *dflt = "unknown"; return disk_formats;
    default: *dflt = NULL; return NULL;
    }
}

static int
check_format(struct px *c, xmlNode *root, struct pool_def *def)
{
    const char *dflt;
    const char *const *fmts = source_formats(def->type, &dflt);
    size_t i = 0;

    if (!fmts) {
        if (def->source.format)
            return fail(c, root, "pool type '%s' has no source format",
                        pool_type_to_str(def->type));
        return 0;
    }
    if (!def->source.format)
        def->source.format = lv_strdup(dflt);
    while (fmts[i] && strcmp(fmts[i], def->source.format))
        i++;
    if (!fmts[i]) {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "unknown %s pool "
                      "source format '%s'", pool_type_to_str(def->type),
                      def->source.format);
        return -1;
    }
    return 0;
}

static int
uses_source_name(enum pool_type t)
{
    return t == POOL_LOGICAL || t == POOL_RBD || t == POOL_SHEEPDOG ||
           t == POOL_GLUSTER || t == POOL_ZFS || t == POOL_VSTORAGE;
}

static int
has_target(enum pool_type t)
{
    return t != POOL_RBD && t != POOL_SHEEPDOG && t != POOL_GLUSTER &&
           t != POOL_ISCSI_DIRECT;
}

static int
check_source(struct px *c, xmlNode *root, struct pool_def *def)
{
    struct pool_source *s = &def->source;
    enum pool_type t = def->type;
    const char *ts = pool_type_to_str(t);

    if ((t == POOL_NETFS || t == POOL_ISCSI || t == POOL_ISCSI_DIRECT ||
         t == POOL_GLUSTER) && !s->n_hosts)
        return fail(c, root, "%s pool '%s': missing source host name", ts,
                    def->name);
    if (t == POOL_NETFS && !s->dir)
        return fail(c, root, "netfs pool '%s': missing source path "
                    "(<dir path=>)", def->name);
    if ((t == POOL_FS || t == POOL_DISK || t == POOL_ISCSI ||
         t == POOL_ISCSI_DIRECT) && !s->n_devices)
        return fail(c, root, "%s pool '%s': missing source device "
                    "(<device path=>)", ts, def->name);
    if (t == POOL_SCSI && !s->adapter.type)
        return fail(c, root, "scsi pool '%s': missing source adapter",
                    def->name);
    if (t == POOL_ISCSI_DIRECT && !s->initiator_iqn)
        return fail(c, root, "iscsi-direct pool '%s': missing initiator "
                    "iqn", def->name);
    if (s->dir) {
        char *clean = storage_xml_sanitize_path(s->dir);
        free(s->dir);
        s->dir = clean;
    } else if (t == POOL_GLUSTER) {
        s->dir = lv_strdup("/");
    }
    return check_format(c, root, def);
}

static int
check_target(struct px *c, xmlNode *root, struct pool_def *def)
{
    char *path = NULL;

    if (!has_target(def->type)) {
        free(def->target.path);
        def->target.path = NULL;
        return 0;
    }
    if (def->type == POOL_LOGICAL)   /* libvirt: always the VG's dir */
        path = lv_asprintf("/dev/%s", def->source.name);
    else if (def->type == POOL_ZFS)
        path = lv_asprintf("/dev/zvol/%s", def->source.name);
    else if (!def->target.path || !def->target.path[0])
        return fail(c, root, "%s pool '%s': missing target path "
                    "(<target><path>)", pool_type_to_str(def->type),
                    def->name);
    else if (def->target.path[0] != '/') {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "pool '%s': "
                      "target path '%s' is not absolute", def->name,
                      def->target.path);
        return -1;
    } else
        path = storage_xml_sanitize_path(def->target.path);
    free(def->target.path);
    def->target.path = path;
    return 0;
}

static int
check_def(struct px *c, xmlNode *root, struct pool_def *def)
{
    static const unsigned char zero[16];
    struct lv_err nerr = LV_ERR_INIT;

    if (!def->name && uses_source_name(def->type) && def->source.name)
        def->name = lv_strdup(def->source.name);
    if (!def->name)
        return fail(c, root, "missing pool name element");
    if (lv_name_check("pool", def->name, &nerr) < 0) {
        storage_xml_fail(c->err, LV_E_INVALID, c->src, root, "%s", nerr.msg);
        return -1;
    }
    if (uses_source_name(def->type) && !def->source.name)
        def->source.name = lv_strdup(def->name);
    if (!memcmp(def->uuid, zero, sizeof(zero)))
        uuid_generate_random(def->uuid);
    if (check_source(c, root, def) < 0)
        return -1;
    return check_target(c, root, def);
}

static int
parse_root(struct px *c, xmlNode *root, struct pool_def *def)
{
    static const char *const ok[] = { "type", NULL };
    char *type;
    int t;

    if (!xk_is(root, "pool"))
        return fail(c, root, "expected root element <pool>, not <%s>",
                    root->name);
    if (attrs_ok(c, root, ok) < 0)
        return -1;
    type = xk_prop(root, "type");
    t = pool_type_from_str(type);
    if (t < 0) {
        storage_xml_fail(c->err, type ? LV_E_INVALID : LV_E_XML, c->src, root,
                      type ? "unknown pool type '%s'" : "missing pool type%s",
                      type ? type : "");
        free(type);
        return -1;
    }
    free(type);
    def->type = (enum pool_type)t;
    for (xmlNode *ch = root->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE && parse_top_child(c, ch, def) < 0)
            return -1;
    return check_def(c, root, def);
}

struct pool_def *
pool_def_parse_xml(const char *xml, size_t len, const char *srcname,
                   unsigned flags, struct lv_err *err)
{
    struct px c = { srcname ? srcname : "pool XML", flags, err };
    struct pool_def *def = NULL;
    xmlDoc *doc = NULL;

    doc = storage_xml_read(xml, len, c.src, err);
    if (!doc)
        goto out;
    def = pool_def_new();
    if (parse_root(&c, xmlDocGetRootElement(doc), def) < 0) {
        pool_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(doc);
    return def;
}
