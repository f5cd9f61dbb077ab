/* pool_xml_format.c - struct pool_def -> libvirt pool XML in
 * virStoragePoolDefFormat's layout, written into a strbuf: libvirt's single
 * quotes and its empty "<source>\n  </source>", which libxml2's writer
 * would not give. Parsing is in pool_xml.c. */
#include "pool_xml.h"

#include <stdlib.h>

#include "storage_xml.h"
#include "strbuf.h"

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
fmt_text(struct strbuf *b, int indent, const char *name, const char *val)
{
    if (!val)
        return;
    strbuf_addf(b, "%*s<%s>", indent, "", name);
    xk_escape(b, val);
    strbuf_addf(b, "</%s>\n", name);
}

static void
format_adapter(struct strbuf *b, const struct pool_adapter *a)
{
    static const char *const order[] = { "name", "parent", "parent_wwnn",
        "parent_wwpn", "parent_fabric_wwn", "managed", "wwnn", "wwpn", NULL };

    strbuf_adds(b, "    <adapter");
    fmt_attr(b, "type", a->type);
    for (size_t i = 0; order[i]; i++)
        fmt_attr(b, order[i], lv_attrs_get(&a->attrs, order[i]));
    if (!a->has_parentaddr) {
        strbuf_adds(b, "/>\n");
        return;
    }
    strbuf_adds(b, ">\n      <parentaddr");
    fmt_attr(b, "unique_id", a->parentaddr_unique_id);
    strbuf_adds(b, ">\n        <address");
    for (size_t i = 0; i < a->parentaddr.n; i++)
        fmt_attr(b, a->parentaddr.keys[i], a->parentaddr.vals[i]);
    strbuf_adds(b, "/>\n      </parentaddr>\n    </adapter>\n");
}

static void
format_auth(struct strbuf *b, const struct pool_auth *a)
{
    strbuf_adds(b, "    <auth");
    fmt_attr(b, "type", a->type);
    fmt_attr(b, "username", a->username);
    strbuf_adds(b, ">\n      <secret");
    fmt_attr(b, "uuid", a->secret_uuid);
    fmt_attr(b, "usage", a->secret_usage);
    strbuf_adds(b, "/>\n    </auth>\n");
}

/* virStoragePoolSourceFormat's order */
static void
format_source(struct strbuf *b, const struct pool_source *s)
{
    strbuf_adds(b, "  <source>\n");
    for (size_t i = 0; i < s->n_hosts; i++) {
        strbuf_adds(b, "    <host");
        fmt_attr(b, "name", s->hosts[i].name);
        if (s->hosts[i].port)
            strbuf_addf(b, " port='%d'", s->hosts[i].port);
        strbuf_adds(b, "/>\n");
    }
    for (size_t i = 0; i < s->n_devices; i++) {
        enum lv_tristate sep = s->devices[i].part_separator;
        strbuf_adds(b, "    <device");
        fmt_attr(b, "path", s->devices[i].path);
        if (sep != LV_TRI_ABSENT)
            fmt_attr(b, "part_separator", sep == LV_TRI_ON ? "yes" : "no");
        strbuf_adds(b, "/>\n");
    }
    if (s->dir) {
        strbuf_adds(b, "    <dir");
        fmt_attr(b, "path", s->dir);
        strbuf_adds(b, "/>\n");
    }
    if (s->adapter.type)
        format_adapter(b, &s->adapter);
    fmt_text(b, 4, "name", s->name);
    if (s->initiator_iqn) {
        strbuf_adds(b, "    <initiator>\n      <iqn");
        fmt_attr(b, "name", s->initiator_iqn);
        strbuf_adds(b, "/>\n    </initiator>\n");
    }
    if (s->format) {
        strbuf_adds(b, "    <format");
        fmt_attr(b, "type", s->format);
        strbuf_adds(b, "/>\n");
    }
    if (s->auth)
        format_auth(b, s->auth);
    if (s->protocol_ver) {
        strbuf_adds(b, "    <protocol");
        fmt_attr(b, "ver", s->protocol_ver);
        strbuf_adds(b, "/>\n");
    }
    if (s->vendor) {
        strbuf_adds(b, "    <vendor");
        fmt_attr(b, "name", s->vendor);
        strbuf_adds(b, "/>\n");
    }
    if (s->product) {
        strbuf_adds(b, "    <product");
        fmt_attr(b, "name", s->product);
        strbuf_adds(b, "/>\n");
    }
    strbuf_adds(b, "  </source>\n");
}

static void
format_ns_data(struct strbuf *b, const struct pool_def *def)
{
    if (def->n_mount_opts) {
        strbuf_adds(b, "  <fs:mount_opts>\n");
        for (size_t i = 0; i < def->n_mount_opts; i++) {
            strbuf_adds(b, "    <fs:option");
            fmt_attr(b, "name", def->mount_opts[i]);
            strbuf_adds(b, "/>\n");
        }
        strbuf_adds(b, "  </fs:mount_opts>\n");
    }
    if (def->rbd_config_opts.n) {
        const struct lv_attrs *o = &def->rbd_config_opts;
        strbuf_adds(b, "  <rbd:config_opts>\n");
        for (size_t i = 0; i < o->n; i++) {
            strbuf_adds(b, "    <rbd:option");
            fmt_attr(b, "name", o->keys[i]);
            fmt_attr(b, "value", o->vals[i]);
            strbuf_adds(b, "/>\n");
        }
        strbuf_adds(b, "  </rbd:config_opts>\n");
    }
}

static void
format_head(struct strbuf *b, const struct pool_def *def)
{
    char uuid[37];

    strbuf_adds(b, "<pool");
    fmt_attr(b, "type", pool_type_to_str(def->type));
    if (def->n_mount_opts)
        fmt_attr(b, "xmlns:fs", STORAGE_XML_NS_FS);
    if (def->rbd_config_opts.n)
        fmt_attr(b, "xmlns:rbd", STORAGE_XML_NS_RBD);
    strbuf_adds(b, ">\n");
    fmt_text(b, 2, "name", def->name);
    fmt_text(b, 2, "uuid", pool_def_uuid_str(def, uuid));
    strbuf_addf(b, "  <capacity unit='bytes'>%llu</capacity>\n"
                "  <allocation unit='bytes'>%llu</allocation>\n"
                "  <available unit='bytes'>%llu</available>\n",
                (unsigned long long)def->capacity,
                (unsigned long long)def->allocation,
                (unsigned long long)def->available);
    if (def->features_cow != LV_TRI_ABSENT)
        strbuf_addf(b, "  <features>\n    <cow state='%s'/>\n  </features>\n",
                    def->features_cow == LV_TRI_ON ? "yes" : "no");
}

char *
pool_def_format_xml(const struct pool_def *def, unsigned flags,
                    struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;

    (void)flags;
    if (!pool_type_to_str(def->type) || !def->name) {
        lv_err_set(err, LV_E_INTERNAL, "pool definition without %s",
                   def->name ? "a valid type" : "a name");
        return NULL;
    }
    format_head(&b, def);
    format_source(&b, &def->source);
    if (def->target.path) {
        strbuf_adds(&b, "  <target>\n");
        fmt_text(&b, 4, "path", def->target.path);
        storage_xml_format_perms(&b, 4, &def->target.perms);
        strbuf_adds(&b, "  </target>\n");
    }
    if (def->refresh_vol_allocation) {
        strbuf_adds(&b, "  <refresh>\n    <volume");
        fmt_attr(&b, "allocation", def->refresh_vol_allocation);
        strbuf_adds(&b, "/>\n  </refresh>\n");
    }
    format_ns_data(&b, def);
    for (size_t i = 0; i < def->keep.n; i++) {
        if (storage_xml_format_kept(&b, 2, def->keep.items[i], err) < 0) {
            lv_err_prefix(err, "pool '%s': ", def->name);
            strbuf_free(&b);
            return NULL;
        }
    }
    strbuf_adds(&b, "</pool>\n");
    return strbuf_steal(&b);
}
