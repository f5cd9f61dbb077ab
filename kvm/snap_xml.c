/* snap_xml.c - libvirt <domainsnapshot> XML <-> struct snap_def (libxml2),
 * after libvirt's virDomainSnapshotDefParse/virDomainSnapshotDefFormat:
 * the same element order, the embedded <domain> through core/dom_xml.h,
 * <inactiveDomain> and <cookie> kept verbatim (re-indented). */
#include "snap_def.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xml.h"
#include "strbuf.h"
#include "xml_kit.h"

struct sx {
    const char *src;
    struct lv_err *err;
    xmlDoc *doc;
};

static int
sx_fail(struct sx *x, xmlNode *n, const char *what, const char *name)
{
    lv_err_set(x->err, LV_E_XML, "%s line %ld: %s%s%s%s", x->src,
               n ? xmlGetLineNo(n) : 0L, what, name ? " <" : "",
               name ? name : "", name ? ">" : "");
    return -1;
}

/* Serialize n in libvirt's style (single quotes, 2-space indent) for
 * depth: its first line unindented, the rest indented for depth. */
static char *
sx_dump(struct sx *x, xmlNode *n, int depth)
{
    struct strbuf b = STRBUF_INIT;

    (void)x;
    xk_write(&b, n, depth);
    return strbuf_steal(&b);
}

static void
sx_children_keep(struct sx *x, xmlNode *n, int depth, struct lv_xml_keep *k)
{
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        char *s = sx_dump(x, ch, depth);
        lv_xml_keep_add(k, s);
        free(s);
    }
}

static int
parse_loc(struct sx *x, xmlNode *n, enum snap_loc *dst)
{
    char *v = xk_prop(n, "snapshot");
    int l = v ? snap_loc_from_str(v) : 0;

    if (l < 0) {
        lv_err_set(x->err, LV_E_XML, "%s line %ld: unknown snapshot location '%s'",
                   x->src, xmlGetLineNo(n), v);
        free(v);
        return -1;
    }
    free(v);
    *dst = (enum snap_loc)l;
    return 0;
}

static int
parse_disk(struct sx *x, xmlNode *n, struct snap_def *def)
{
    struct snap_disk *d;

    def->disks = lv_realloc(def->disks, (def->n_disks + 1) * sizeof(*d));
    d = &def->disks[def->n_disks++];
    memset(d, 0, sizeof(*d));
    xk_set(&d->name, xk_prop(n, "name"));
    xk_set(&d->type, xk_prop(n, "type"));
    if (!d->name)
        return sx_fail(x, n, "missing name in", "disk");
    if (parse_loc(x, n, &d->snapshot) < 0)
        return -1;
    for (xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)ch->name, "driver") == 0) {
            xk_attrs_copy(ch, &d->driver_attrs);
            sx_children_keep(x, ch, 4, &d->driver_keep);
        } else if (strcmp((const char *)ch->name, "source") == 0) {
            xk_attrs_copy(ch, &d->source_attrs);
            sx_children_keep(x, ch, 4, &d->source_keep);
        } else {
            return sx_fail(x, ch, "unsupported element", (const char *)ch->name);
        }
    }
    return 0;
}

/* <domain>: a whole definition, or (as libvirt writes for a snapshot
 * without one) only the domain's <uuid>. */
static int
parse_domain(struct sx *x, xmlNode *n, struct snap_def *def)
{
    xmlNode *only = NULL;
    int count = 0;
    char *text;

    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (ch->type == XML_ELEMENT_NODE) {
            only = ch;
            count++;
        }
    if (!n->properties && count == 1 && strcmp((const char *)only->name, "uuid") == 0) {
        free(def->dom_uuid);
        def->dom_uuid = xk_content(only);
        return 0;
    }
    text = sx_dump(x, n, 0);
    dom_def_free(def->dom);
    def->dom = dom_def_parse_xml(text, strlen(text), x->src,
                                 DOM_PARSE_KEEP_UNKNOWN, x->err);
    free(text);
    return def->dom ? 0 : -1;
}

static int
parse_time(struct sx *x, xmlNode *n, struct snap_def *def)
{
    char *t = xk_content(n), *end = NULL;
    long long v = strtoll(t, &end, 10);
    int bad = !*t || *end || v <= 0;

    free(t);
    if (bad)
        return sx_fail(x, n, "invalid creation time in", "creationTime");
    def->creation_time = v;
    return 0;
}

static int
parse_child(struct sx *x, xmlNode *ch, struct snap_def *def, unsigned flags)
{
    const char *nm = (const char *)ch->name;

    if (!strcmp(nm, "name")) {
        free(def->name);
        def->name = xk_content(ch);
    } else if (!strcmp(nm, "description")) {
        free(def->description);
        def->description = xk_content(ch);
    } else if (!(flags & SNAP_PARSE_REDEFINE) &&
               (!strcmp(nm, "state") || !strcmp(nm, "parent") ||
                !strcmp(nm, "creationTime") || !strcmp(nm, "domain") ||
                !strcmp(nm, "inactiveDomain") || !strcmp(nm, "cookie") ||
                !strcmp(nm, "active"))) {
        return 0;   /* libvirt reads these only when redefining */
    } else if (!strcmp(nm, "state")) {
        free(def->state);
        def->state = xk_content(ch);
        if (!snap_state_valid(def->state))
            return sx_fail(x, ch, "invalid state in", "state");
    } else if (!strcmp(nm, "parent")) {
        for (xmlNode *p = ch->children; p; p = p->next)
            if (p->type == XML_ELEMENT_NODE && !strcmp((const char *)p->name, "name")) {
                free(def->parent);
                def->parent = xk_content(p);
            }
    } else if (!strcmp(nm, "creationTime")) {
        return parse_time(x, ch, def);
    } else if (!strcmp(nm, "memory")) {
        xk_set(&def->memory_file, xk_prop(ch, "file"));
        return parse_loc(x, ch, &def->memory);
    } else if (!strcmp(nm, "disks")) {
        def->has_disks = 1;
        for (xmlNode *d = ch->children; d; d = d->next) {
            if (d->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)d->name, "disk") != 0)
                return sx_fail(x, d, "unsupported element", (const char *)d->name);
            if (parse_disk(x, d, def) < 0)
                return -1;
        }
    } else if (!strcmp(nm, "domain")) {
        return parse_domain(x, ch, def);
    } else if (!strcmp(nm, "inactiveDomain")) {
        free(def->inactive_dom_xml);
        def->inactive_dom_xml = sx_dump(x, ch, 1);
    } else if (!strcmp(nm, "cookie")) {
        free(def->cookie_xml);
        def->cookie_xml = sx_dump(x, ch, 1);
    } else if (!strcmp(nm, "active")) {
        char *t = xk_content(ch);
        if (flags & SNAP_PARSE_INTERNAL)
            def->current = atoi(t) != 0;
        free(t);
    } else {
        return sx_fail(x, ch, "unsupported element", nm);
    }
    return 0;
}

struct snap_def *
snap_def_parse_xml(const char *xml, size_t len, const char *srcname,
                   unsigned flags, struct lv_err *err)
{
    struct sx x = { srcname ? srcname : "snapshot XML", err, NULL };
    struct snap_def *def = NULL;
    xmlNode *root;

    struct xk_ctx kc = { x.src, 0, err, NULL, 0 };

    x.doc = xk_read_doc(&kc, xml, len, "snapshot");
    if (!x.doc)
        return NULL;
    root = xmlDocGetRootElement(x.doc);
    if (!root || strcmp((const char *)root->name, "domainsnapshot") != 0) {
        sx_fail(&x, root, "root element is not", "domainsnapshot");
        goto out;
    }
    def = snap_def_new();
    for (xmlNode *ch = root->children; ch; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE && parse_child(&x, ch, def, flags) < 0) {
            snap_def_free(def);
            def = NULL;
            goto out;
        }
    }
    if (def->name && snap_def_check_name(def->name, err) < 0) {
        snap_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(x.doc);
    return def;
}

/* ---- formatting ---- */

static void
elem_text(struct strbuf *b, const char *indent, const char *name, const char *v)
{
    if (!v)
        return;
    strbuf_addf(b, "%s<%s>", indent, name);
    xk_escape(b, v);
    strbuf_addf(b, "</%s>\n", name);
}

static void
attrs(struct strbuf *b, const struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        strbuf_addf(b, " %s='", a->keys[i]);
        xk_escape(b, a->vals[i]);
        strbuf_addc(b, '\'');
    }
}

/* <driver>/<source> of a disk: omitted when empty, like libvirt. */
static void
format_sub(struct strbuf *b, const char *name, const struct lv_attrs *a,
           const struct lv_xml_keep *k)
{
    if (!a->n && !k->n)
        return;
    strbuf_addf(b, "      <%s", name);
    attrs(b, a);
    if (!k->n) {
        strbuf_adds(b, "/>\n");
        return;
    }
    strbuf_adds(b, ">\n");
    for (size_t i = 0; i < k->n; i++)
        strbuf_addf(b, "        %s\n", k->items[i]);
    strbuf_addf(b, "      </%s>\n", name);
}

static void
format_disk(struct strbuf *b, const struct snap_disk *d)
{
    int body = d->driver_attrs.n || d->driver_keep.n || d->source_attrs.n ||
               d->source_keep.n;

    strbuf_adds(b, "    <disk name='");
    xk_escape(b, d->name);
    strbuf_addc(b, '\'');
    if (snap_loc_to_str(d->snapshot))
        strbuf_addf(b, " snapshot='%s'", snap_loc_to_str(d->snapshot));
    if (!body && !d->type && d->snapshot != SNAP_LOC_EXTERNAL) {
        strbuf_adds(b, "/>\n");
        return;
    }
    strbuf_addf(b, " type='%s'>\n", d->type ? d->type : "file");
    format_sub(b, "driver", &d->driver_attrs, &d->driver_keep);
    format_sub(b, "source", &d->source_attrs, &d->source_keep);
    strbuf_adds(b, "    </disk>\n");
}

static int
format_domain(struct strbuf *b, const struct snap_def *def, struct lv_err *err)
{
    char *xml, *line, *save = NULL;

    if (!def->dom) {
        if (def->dom_uuid) {
            strbuf_adds(b, "  <domain>\n");
            elem_text(b, "    ", "uuid", def->dom_uuid);
            strbuf_adds(b, "  </domain>\n");
        }
        return 0;
    }
    xml = dom_def_format_xml(def->dom, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE, err);
    if (!xml)
        return -1;
    for (line = strtok_r(xml, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        strbuf_addf(b, "  %s\n", line);
    free(xml);
    return 0;
}

char *
snap_def_format_xml(const struct snap_def *def, unsigned flags,
                    struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;

    strbuf_adds(&b, "<domainsnapshot>\n");
    elem_text(&b, "  ", "name", def->name);
    elem_text(&b, "  ", "description", def->description);
    elem_text(&b, "  ", "state", def->state);
    if (def->parent) {
        strbuf_adds(&b, "  <parent>\n");
        elem_text(&b, "    ", "name", def->parent);
        strbuf_adds(&b, "  </parent>\n");
    }
    if (def->creation_time)
        strbuf_addf(&b, "  <creationTime>%lld</creationTime>\n", def->creation_time);
    if (def->memory) {
        strbuf_addf(&b, "  <memory snapshot='%s'", snap_loc_to_str(def->memory));
        if (def->memory_file) {
            strbuf_adds(&b, " file='");
            xk_escape(&b, def->memory_file);
            strbuf_addc(&b, '\'');
        }
        strbuf_adds(&b, "/>\n");
    }
    if (def->n_disks) {
        strbuf_adds(&b, "  <disks>\n");
        for (size_t i = 0; i < def->n_disks; i++)
            format_disk(&b, &def->disks[i]);
        strbuf_adds(&b, "  </disks>\n");
    }
    if (format_domain(&b, def, err) < 0) {
        strbuf_free(&b);
        return NULL;
    }
    if (def->inactive_dom_xml)
        strbuf_addf(&b, "  %s\n", def->inactive_dom_xml);
    if (def->cookie_xml)
        strbuf_addf(&b, "  %s\n", def->cookie_xml);
    if (flags & SNAP_FORMAT_INTERNAL)
        strbuf_addf(&b, "  <active>%d</active>\n", def->current ? 1 : 0);
    strbuf_adds(&b, "</domainsnapshot>\n");
    return strbuf_steal(&b);
}
