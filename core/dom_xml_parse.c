/* dom_xml_parse.c - libvirt domain XML -> struct dom_def: reading the
 * document with libxml2, the shared parse helpers, <domain> and its
 * top-level children; <os>/<cpu>/<clock>/... are in dom_xml_parse_platform.c,
 * devices in dom_xml_parse_devices.c. Parsing is
 * destructive (see dom_xml_priv.h): what is left over is unsupported. */
#include "dom_xml.h"
#include "dom_xml_priv.h"
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <uuid/uuid.h>

/* ---- helpers (dom_xml_priv.h) ---- */

int
dx_fail(struct dx_ctx *c, xmlNode *node, const char *fmt, ...)
{
    char what[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    c->n_problems++;
    if (c->problems) {
        strbuf_addf(c->problems, "%s line %ld: %s\n", c->src,
                    node ? xmlGetLineNo(node) : 0L, what);
        return 0;
    }
    lv_err_set(c->err, LV_E_XML, "%s line %ld: %s", c->src,
               node ? xmlGetLineNo(node) : 0L, what);
    return -1;
}

int
dx_str(xmlNode *node, const char *name, char **dst)
{
    xmlAttr *a = xmlHasNsProp(node, (const xmlChar *)name, NULL);
    xmlChar *v;

    if (!a)
        return 0;
    v = xmlNodeGetContent((xmlNode *)a);
    free(*dst);
    *dst = lv_strdup(v ? (const char *)v : "");
    xmlFree(v);
    xmlRemoveProp(a);
    return 1;
}

static int
parse_long(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int
dx_int(struct dx_ctx *c, xmlNode *node, const char *name, int *dst)
{
    char *s = NULL;
    long long v;
    int rc = 1;

    if (!dx_str(node, name, &s))
        return 0;
    if (parse_long(s, INT_MIN, INT_MAX, &v) < 0)
        rc = dx_fail(c, node, "invalid integer '%s' for %s= of <%s>", s,
                     name, DX_NAME(node)) < 0 ? -1 : 0;
    else
        *dst = (int)v;
    free(s);
    return rc;
}

int
dx_uint(struct dx_ctx *c, xmlNode *node, const char *name, unsigned *dst)
{
    char *s = NULL;
    long long v;
    int rc = 1;

    if (!dx_str(node, name, &s))
        return 0;
    if (parse_long(s, 0, UINT_MAX, &v) < 0)
        rc = dx_fail(c, node, "invalid number '%s' for %s= of <%s>", s,
                     name, DX_NAME(node)) < 0 ? -1 : 0;
    else
        *dst = (unsigned)v;
    free(s);
    return rc;
}

int
dx_tri(struct dx_ctx *c, xmlNode *node, const char *name,
       enum lv_tristate *dst)
{
    char *s = NULL;
    int rc = 1;

    if (!dx_str(node, name, &s))
        return 0;
    if (!strcmp(s, "yes") || !strcmp(s, "on"))
        *dst = LV_TRI_ON;
    else if (!strcmp(s, "no") || !strcmp(s, "off"))
        *dst = LV_TRI_OFF;
    else
        rc = dx_fail(c, node, "invalid value '%s' for %s= of <%s>: "
                     "expected yes/no or on/off", s, name,
                     DX_NAME(node)) < 0 ? -1 : 0;
    free(s);
    return rc;
}

void
dx_attrs_rest(xmlNode *node, struct lv_attrs *a)
{
    while (node->properties) {
        xmlAttr *p = node->properties;
        xmlChar *v = xmlNodeGetContent((xmlNode *)p);
        char *key = p->ns && p->ns->prefix
            ? lv_asprintf("%s:%s", p->ns->prefix, p->name)
            : lv_strdup((const char *)p->name);
        lv_attrs_set(a, key, v ? (const char *)v : "");
        free(key);
        xmlFree(v);
        xmlRemoveProp(p);
    }
}

void
dx_text(xmlNode *node, char **dst)
{
    xmlChar *v = xmlNodeGetContent(node);
    xmlNode *ch, *next;

    free(*dst);
    *dst = lv_strdup(v ? (const char *)v : "");
    xmlFree(v);
    for (ch = node->children; ch; ch = next) {
        next = ch->next;
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            dx_consumed(ch);
    }
}

void
dx_consumed(xmlNode *child)
{
    xmlUnlinkNode(child);
    xmlFreeNode(child);
}

/* Copy node into a document of its own, so that namespaces declared on
 * an ancestor are declared on the copy, then serialize it. */
char *
dx_dump(xmlNode *node)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *copy = xmlDocCopyNode(node, doc, 1);
    xmlBuffer *buf = xmlBufferCreate();
    char *out;

    if (!doc || !copy || !buf)
        abort();
    xmlDocSetRootElement(doc, copy);
    xmlNodeDump(buf, doc, copy, 0, 0);
    out = lv_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

char *
dx_dump_children(xmlNode *node)
{
    struct strbuf b = STRBUF_INIT;

    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE) {
            char *s = dx_dump(ch);
            strbuf_adds(&b, s);
            free(s);
        } else if (ch->type == XML_TEXT_NODE) {
            xmlChar *t = xmlEncodeSpecialChars(node->doc, ch->content);
            strbuf_adds(&b, (const char *)t);
            xmlFree(t);
        }
    }
    return strbuf_steal(&b);
}

int
dx_common_child(struct dx_ctx *c, xmlNode *ch, struct dom_address *addr,
                char **alias, int *rc)
{
    *rc = 0;
    if (addr && DX_IS(ch, "address")) {
        dx_str(ch, "type", &addr->type);
        dx_attrs_rest(ch, &addr->attrs);
        *rc = dx_finish(c, ch, NULL, NULL);
        return 1;
    }
    if (alias && DX_IS(ch, "alias")) {
        dx_str(ch, "name", alias);
        *rc = dx_finish(c, ch, NULL, NULL);
        return 1;
    }
    return 0;
}

static int
in_list(const char *const *list, const char *name)
{
    if (!list)
        return 0;
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], "*") || !strcmp(list[i], name))
            return 1;
    return 0;
}

static int
blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

int
dx_leftover(struct dx_ctx *c, xmlNode *node, xmlNode *ch,
            struct lv_xml_keep *keep, const char *const *by_design)
{
    if (keep && (in_list(by_design, DX_NAME(ch)) ||
                 (c->flags & DOM_PARSE_KEEP_UNKNOWN))) {
        char *s = dx_dump(ch);
        lv_xml_keep_add(keep, s);
        free(s);
        return 0;
    }
    return dx_fail(c, ch, "unsupported element <%s> in <%s>", DX_NAME(ch),
                   DX_NAME(node));
}

int
dx_finish(struct dx_ctx *c, xmlNode *node, struct lv_xml_keep *keep,
          const char *const *by_design)
{
    for (xmlAttr *a = node->properties; a; a = a->next)
        if (dx_fail(c, node, "unsupported attribute '%s' in <%s>",
                    (const char *)a->name, DX_NAME(node)) < 0)
            return -1;
    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        if ((ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            && !blank(ch->content)) {
            if (dx_fail(c, node, "unexpected text in <%s>",
                        DX_NAME(node)) < 0)
                return -1;
        }
        if (ch->type == XML_ELEMENT_NODE &&
            dx_leftover(c, node, ch, keep, by_design) < 0)
            return -1;
    }
    return 0;
}

int
dx_children(struct dx_ctx *c, xmlNode *n, dx_child_fn fn, void *obj)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        int rc;
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        rc = fn(c, ch, obj);
        if (rc < 0)
            return -1;
        if (rc == 0)
            dx_consumed(ch);
    }
    return 0;
}

void *
dx_push(void *arrp, size_t *n, size_t size)
{
    char **arr = arrp;
    char *item;

    *arr = lv_realloc(*arr, (*n + 1) * size);
    item = *arr + *n * size;
    memset(item, 0, size);
    (*n)++;
    return item;
}

/* ---- <domain> and its non-device children ---- */

/* Top-level elements kept verbatim by design: host-side tuning and
 * labels that luavirt passes through in the definition but does not apply
 * itself (memtune, blkiotune, resource, sysinfo, seclabel, iothreads,
 * perf). Every other unknown top-level element
 * (bootloader, idmap, launchSecurity, vcpus, genid, qemu:commandline, ...)
 * is an error unless DOM_PARSE_KEEP_UNKNOWN, because its meaning would
 * silently not be honoured. */
static const char *const domain_keep[] = {
    "memtune", "blkiotune", "resource", "sysinfo", "seclabel", "iothreads",
    "perf", NULL
};

/* libvirt's units, case-insensitive ("kib" works); none means KiB. */
static int
unit_bytes(const char *u, uint64_t *out)
{
    *out = lv_units_scale(u ? u : "", u ? strlen(u) : 0, 1024);
    return *out ? 0 : -1;
}

/* <memory unit='GiB'>4</memory> -> KiB, rounded up like libvirt. */
static int
parse_memory(struct dx_ctx *c, xmlNode *n, uint64_t *kib)
{
    char *unit = NULL, *text = NULL, *end;
    uint64_t mult, v;
    int rc = 0;

    dx_str(n, "unit", &unit);
    dx_text(n, &text);
    if (unit_bytes(unit, &mult) < 0) {
        rc = dx_fail(c, n, "invalid unit '%s' in <%s>", unit, DX_NAME(n));
        goto out;
    }
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' ||
        v > (UINT64_MAX - 1023) / mult) {
        rc = dx_fail(c, n, "invalid size '%s' in <%s>", text, DX_NAME(n));
        goto out;
    }
    *kib = (v * mult + 1023) / 1024;
    rc = dx_finish(c, n, NULL, NULL);
out:
    free(unit);
    free(text);
    return rc;
}

static int
parse_max_memory(struct dx_ctx *c, xmlNode *n, struct dom_def *def)
{
    if (dx_uint(c, n, "slots", &def->max_memory_slots) < 0)
        return -1;
    return parse_memory(c, n, &def->max_memory_kib);
}

static int
parse_uuid(struct dx_ctx *c, xmlNode *n, struct dom_def *def)
{
    char *text = NULL, compact[40];
    size_t j = 0;
    int rc = 0;

    dx_text(n, &text);
    /* libvirt also accepts the 32 hex digits without dashes */
    for (const char *p = text; *p && j < 32; p++)
        if (*p != '-' && *p != ' ')
            compact[j++] = *p;
    compact[j] = 0;
    if (j == 32) {
        char dashed[37];
        snprintf(dashed, sizeof(dashed), "%.8s-%.4s-%.4s-%.4s-%.12s",
                 compact, compact + 8, compact + 12, compact + 16,
                 compact + 20);
        if (uuid_parse(dashed, def->uuid) == 0 &&
            strlen(text) <= 36 + 4)
            goto done;
    }
    rc = dx_fail(c, n, "invalid uuid '%s'", text);
    goto out;
done:
    rc = dx_finish(c, n, NULL, NULL);
out:
    free(text);
    return rc;
}

static int
parse_vcpu(struct dx_ctx *c, xmlNode *n, struct dom_def *def)
{
    char *text = NULL;
    long long v;
    int rc;

    dx_str(n, "placement", &def->vcpu_placement);
    dx_str(n, "cpuset", &def->vcpu_cpuset);
    if (dx_uint(c, n, "current", &def->vcpus_current) < 0)
        return -1;
    dx_text(n, &text);
    if (parse_long(text, 1, 65535, &v) < 0)
        rc = dx_fail(c, n, "invalid vcpu count '%s'", text);
    else {
        def->vcpus = (unsigned)v;
        rc = dx_finish(c, n, NULL, NULL);
    }
    free(text);
    return rc;
}

static int
parse_cputune(struct dx_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;
    int rc;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (DX_IS(ch, "vcpupin")) {
            struct dom_vcpupin *p = dx_push(&def->vcpupins, &def->n_vcpupins,
                                            sizeof(*p));
            if (dx_uint(c, ch, "vcpu", &p->vcpu) < 0)
                return -1;
            dx_str(ch, "cpuset", &p->cpuset);
        } else if (DX_IS(ch, "emulatorpin")) {
            dx_str(ch, "cpuset", &def->emulatorpin_cpuset);
        } else {
            continue;
        }
        rc = dx_finish(c, ch, NULL, NULL);
        dx_consumed(ch);
        if (rc < 0)
            return -1;
    }
    /* shares, period, quota, iothreadpin, *sched, cachetune: host-side
     * scheduling passed through verbatim */
    static const char *const all[] = { "*", NULL };
    return dx_finish(c, n, &def->cputune_keep, all);
}

static int
parse_lifecycle(struct dx_ctx *c, xmlNode *n,
                enum dom_lifecycle_action *dst)
{
    char *text = NULL;
    int v, rc;

    dx_text(n, &text);
    v = dom_lifecycle_action_from_str(text);
    if (v < 0)
        rc = dx_fail(c, n, "invalid action '%s' in <%s>", text, DX_NAME(n));
    else {
        *dst = (enum dom_lifecycle_action)v;
        rc = dx_finish(c, n, NULL, NULL);
    }
    free(text);
    return rc;
}

static int
parse_text_elem(struct dx_ctx *c, xmlNode *n, char **dst)
{
    dx_text(n, dst);
    return dx_finish(c, n, NULL, NULL);
}

static int
parse_metadata(struct dx_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    free(def->metadata_xml);
    def->metadata_xml = NULL;
    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        char *s = dx_dump(ch);
        char *joined = lv_asprintf("%s%s", def->metadata_xml ?
                                   def->metadata_xml : "", s);
        free(s);
        free(def->metadata_xml);
        def->metadata_xml = joined;
        dx_consumed(ch);
    }
    if (!def->metadata_xml)
        def->metadata_xml = lv_strdup("");
    return dx_finish(c, n, NULL, NULL);
}

/* One child of <domain>: 0 consumed, 1 not ours, -1 error. */
static int
parse_domain_child(struct dx_ctx *c, xmlNode *ch, struct dom_def *def)
{
    const char *n = DX_NAME(ch);

    if (!strcmp(n, "name"))
        return parse_text_elem(c, ch, &def->name);
    if (!strcmp(n, "uuid"))
        return parse_uuid(c, ch, def);
    if (!strcmp(n, "title"))
        return parse_text_elem(c, ch, &def->title);
    if (!strcmp(n, "description"))
        return parse_text_elem(c, ch, &def->description);
    if (!strcmp(n, "metadata"))
        return parse_metadata(c, ch, def);
    if (!strcmp(n, "memory"))
        return parse_memory(c, ch, &def->memory_kib);
    if (!strcmp(n, "currentMemory"))
        return parse_memory(c, ch, &def->current_memory_kib);
    if (!strcmp(n, "maxMemory"))
        return parse_max_memory(c, ch, def);
    if (!strcmp(n, "vcpu"))
        return parse_vcpu(c, ch, def);
    if (!strcmp(n, "cputune"))
        return parse_cputune(c, ch, def);
    if (!strcmp(n, "memoryBacking"))
        return dx_parse_memory_backing(c, ch, def);
    if (!strcmp(n, "numatune"))
        return dx_parse_numatune(c, ch, def);
    if (!strcmp(n, "os"))
        return dx_parse_os(c, ch, def);
    if (!strcmp(n, "features"))
        return dx_parse_features(c, ch, def);
    if (!strcmp(n, "cpu"))
        return dx_parse_cpu(c, ch, def);
    if (!strcmp(n, "clock"))
        return dx_parse_clock(c, ch, def);
    if (!strcmp(n, "pm"))
        return dx_parse_pm(c, ch, def);
    if (!strcmp(n, "on_poweroff"))
        return parse_lifecycle(c, ch, &def->on_poweroff);
    if (!strcmp(n, "on_reboot"))
        return parse_lifecycle(c, ch, &def->on_reboot);
    if (!strcmp(n, "on_crash"))
        return parse_lifecycle(c, ch, &def->on_crash);
    if (!strcmp(n, "devices"))
        return dx_parse_devices(c, ch, def);
    return 1;
}

static int
parse_domain(struct dx_ctx *c, xmlNode *root, struct dom_def *def)
{
    char *type = NULL;
    xmlNode *ch, *next;
    int v, rc = -1;

    if (!DX_IS(root, "domain")) {
        rc = dx_fail(c, root, "expected <domain>, got <%s>", DX_NAME(root));
        goto out;
    }
    dx_str(root, "type", &type);
    v = dom_virt_type_from_str(type);
    if (v < 0) {
        if (dx_fail(c, root, "domain type '%s' is not supported: use "
                    "type='kvm' or type='qemu'", type ? type : "") < 0)
            goto out;
    } else {
        def->virt_type = (enum dom_virt_type)v;
    }
    if (dx_int(c, root, "id", &def->id) < 0)
        goto out;
    for (ch = root->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        v = parse_domain_child(c, ch, def);
        /* report unknown elements in document order */
        if (v == 1)
            v = dx_leftover(c, root, ch, &def->keep, domain_keep);
        if (v < 0)
            goto out;
        dx_consumed(ch);
    }
    rc = dx_finish(c, root, &def->keep, domain_keep);
out:
    free(type);
    return rc;
}

/* ---- entry points ---- */

/* libxml2 reports problems through the context; turn the last one into
 * "<src> line N: <libxml2's message>". */
static void
report_libxml_error(struct dx_ctx *c, xmlParserCtxt *pc)
{
    const xmlError *e = xmlCtxtGetLastError(pc);
    char msg[300] = "not well-formed";
    size_t l;

    if (e && e->message) {
        snprintf(msg, sizeof(msg), "%s", e->message);
        l = strlen(msg);
        while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
            msg[--l] = 0;
    }
    c->n_problems++;
    if (c->problems)
        strbuf_addf(c->problems, "%s line %d: malformed XML: %s\n", c->src,
                    e ? e->line : 0, msg);
    else
        lv_err_set(c->err, LV_E_XML, "%s line %d: malformed XML: %s",
                   c->src, e ? e->line : 0, msg);
}

static xmlDoc *
read_doc(struct dx_ctx *c, const char *xml, size_t len)
{
    xmlParserCtxt *pc = xmlNewParserCtxt();
    xmlDoc *doc = NULL;

    if (!pc)
        abort();
    if (len > INT_MAX) {
        dx_fail(c, NULL, "document too large (%zu bytes)", len);
        goto out;
    }
    /* no XML_PARSE_NOENT (no entity expansion), no network */
    doc = xmlCtxtReadMemory(pc, xml, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                            XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        report_libxml_error(c, pc);
        xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc->intSubset) {
        dx_fail(c, (xmlNode *)doc->intSubset,
                "<!DOCTYPE> is not supported in domain XML");
        xmlFreeDoc(doc);
        doc = NULL;
    }
out:
    xmlFreeParserCtxt(pc);
    return doc;
}

/* What libvirt checks after parsing: a valid name, a memory size; a uuid
 * is made up when none was given. */
static int
post_parse(struct dx_ctx *c, xmlNode *root, struct dom_def *def)
{
    static const unsigned char zero[16];
    struct lv_err nerr = LV_ERR_INIT;

    if (!def->name) {
        if (dx_fail(c, root, "missing <name> in <domain>") < 0)
            return -1;
    } else if (dom_def_check_name(def->name, &nerr) < 0) {
        if (dx_fail(c, root, "%s", nerr.msg) < 0)
            return -1;
    }
    if (!def->memory_kib && !def->max_memory_kib &&
        dx_fail(c, root, "missing <memory> in <domain>") < 0)
        return -1;
    if (!def->vcpus)
        def->vcpus = 1;
    if (!memcmp(def->uuid, zero, sizeof(zero)))
        uuid_generate_random(def->uuid);
    return 0;
}

static struct dom_def *
parse_common(struct dx_ctx *c, const char *xml, size_t len)
{
    struct dom_def *def = NULL;
    xmlDoc *doc = read_doc(c, xml, len);
    xmlNode *root;

    if (!doc)
        goto out;
    root = xmlDocGetRootElement(doc);
    def = dom_def_new();
    if (parse_domain(c, root, def) < 0 || post_parse(c, root, def) < 0) {
        dom_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(doc);
    return def;
}

struct dom_def *
dom_def_parse_xml(const char *xml, size_t len, const char *srcname,
                  unsigned flags, struct lv_err *err)
{
    struct dx_ctx c = {
        .src = srcname ? srcname : "domain XML",
        .flags = flags,
        .err = err,
    };

    if (!xml) {
        lv_err_set(err, LV_E_INVALID, "%s: no XML given", c.src);
        return NULL;
    }
    return parse_common(&c, xml, len);
}

int
dom_def_validate_xml(const char *xml, size_t len, const char *srcname,
                     struct strbuf *problems, struct lv_err *err)
{
    struct dx_ctx c = {
        .src = srcname ? srcname : "domain XML",
        .err = err,
        .problems = problems,
    };

    if (!xml || !problems) {
        lv_err_set(err, LV_E_INVALID, "%s: no XML given", c.src);
        return -1;
    }
    dom_def_free(parse_common(&c, xml, len));
    return c.n_problems;
}
