/* xml_kit.c - the shared libxml2 helpers of every definition parser (see
 * xml_kit.h). */
#include "xml_kit.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

/* Larger definitions are refused before libxml sees them. */
#define XK_MAX_DOC (16u * 1024 * 1024)

int
xk_fail(struct xk_ctx *c, xmlNode *node, const char *fmt, ...)
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
xk_str(xmlNode *node, const char *name, char **dst)
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

int
xk_parse_long(const char *s, long long min, long long max, long long *out)
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
xk_int(struct xk_ctx *c, xmlNode *node, const char *name, int *dst)
{
    char *s = NULL;
    long long v;
    int rc = 1;

    if (!xk_str(node, name, &s))
        return 0;
    if (xk_parse_long(s, INT_MIN, INT_MAX, &v) < 0)
        rc = xk_fail(c, node, "invalid integer '%s' for %s= of <%s>", s,
                     name, XK_NAME(node)) < 0 ? -1 : 0;
    else
        *dst = (int)v;
    free(s);
    return rc;
}

int
xk_uint(struct xk_ctx *c, xmlNode *node, const char *name, unsigned *dst)
{
    char *s = NULL;
    long long v;
    int rc = 1;

    if (!xk_str(node, name, &s))
        return 0;
    if (xk_parse_long(s, 0, UINT_MAX, &v) < 0)
        rc = xk_fail(c, node, "invalid number '%s' for %s= of <%s>", s,
                     name, XK_NAME(node)) < 0 ? -1 : 0;
    else
        *dst = (unsigned)v;
    free(s);
    return rc;
}

int
xk_tri(struct xk_ctx *c, xmlNode *node, const char *name,
       enum lv_tristate *dst)
{
    char *s = NULL;
    int rc = 1;

    if (!xk_str(node, name, &s))
        return 0;
    if (!strcmp(s, "yes") || !strcmp(s, "on"))
        *dst = LV_TRI_ON;
    else if (!strcmp(s, "no") || !strcmp(s, "off"))
        *dst = LV_TRI_OFF;
    else
        rc = xk_fail(c, node, "invalid value '%s' for %s= of <%s>: "
                     "expected yes/no or on/off", s, name,
                     XK_NAME(node)) < 0 ? -1 : 0;
    free(s);
    return rc;
}

void
xk_attrs_rest(xmlNode *node, struct lv_attrs *a)
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
xk_text(xmlNode *node, char **dst)
{
    xmlChar *v = xmlNodeGetContent(node);
    xmlNode *ch, *next;

    free(*dst);
    *dst = lv_strdup(v ? (const char *)v : "");
    xmlFree(v);
    for (ch = node->children; ch; ch = next) {
        next = ch->next;
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            xk_consumed(ch);
    }
}

void
xk_consumed(xmlNode *child)
{
    xmlUnlinkNode(child);
    xmlFreeNode(child);
}

/* Copy node into a document of its own, so that namespaces declared on
 * an ancestor are declared on the copy, then serialize it. */
char *
xk_dump(xmlNode *node)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *copy = xmlDocCopyNode(node, doc, 1);
    xmlBuffer *buf = xmlBufferCreate();
    char *out;

    if (!doc || !copy || !buf)
        abort();
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    xmlNodeDump(buf, doc, copy, 0, 0);
    out = lv_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

char *
xk_dump_children(xmlNode *node)
{
    struct strbuf b = STRBUF_INIT;

    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE) {
            char *s = xk_dump(ch);
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
xk_leftover(struct xk_ctx *c, xmlNode *node, xmlNode *ch,
            struct lv_xml_keep *keep, const char *const *by_design)
{
    if (keep && (in_list(by_design, XK_NAME(ch)) ||
                 (c->flags & XK_KEEP_UNKNOWN))) {
        char *s = xk_dump(ch);
        lv_xml_keep_add(keep, s);
        free(s);
        return 0;
    }
    return xk_fail(c, ch, "unsupported element <%s%s%s> in <%s>",
                   ch->ns && ch->ns->prefix ? (const char *)ch->ns->prefix : "",
                   ch->ns && ch->ns->prefix ? ":" : "", XK_NAME(ch), XK_NAME(node));
}

int
xk_finish(struct xk_ctx *c, xmlNode *node, struct lv_xml_keep *keep,
          const char *const *by_design)
{
    for (xmlAttr *a = node->properties; a; a = a->next)
        if (xk_fail(c, node, "unsupported attribute '%s' in <%s>",
                    (const char *)a->name, XK_NAME(node)) < 0)
            return -1;
    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        if ((ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            && !blank(ch->content)) {
            if (xk_fail(c, node, "unexpected text in <%s>",
                        XK_NAME(node)) < 0)
                return -1;
        }
        if (ch->type == XML_ELEMENT_NODE &&
            xk_leftover(c, node, ch, keep, by_design) < 0)
            return -1;
    }
    return 0;
}

int
xk_children(struct xk_ctx *c, xmlNode *n, xk_child_fn fn, void *obj)
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
            xk_consumed(ch);
    }
    return 0;
}

void *
xk_push(void *arrp, size_t *n, size_t size)
{
    char **arr = arrp;
    char *item;

    *arr = lv_realloc(*arr, (*n + 1) * size);
    item = *arr + *n * size;
    memset(item, 0, size);
    (*n)++;
    return item;
}

void
xk_set(char **dst, char *v)
{
    free(*dst);
    *dst = v;
}

char *
xk_take(xmlNode *node, const char *name)
{
    char *v = NULL;

    xk_str(node, name, &v);
    return v;
}

int
xk_num(struct xk_ctx *c, xmlNode *node, const char *name, long long min,
       long long max, long long *dst)
{
    char *s = xk_take(node, name);
    int rc = 0;

    if (!s)
        return 0;
    if (xk_parse_long(s, min, max, dst) < 0)
        rc = xk_fail(c, node, "invalid value '%s' for %s= of <%s>: expected a "
                     "number from %lld to %lld", s, name, XK_NAME(node), min, max);
    free(s);
    return rc;
}

int
xk_num_int(struct xk_ctx *c, xmlNode *node, const char *name, int min, int max,
           int *dst)
{
    long long v = *dst;
    int rc = xk_num(c, node, name, min, max, &v);

    *dst = (int)v;
    return rc;
}

char *
xk_text_of(xmlNode *node)
{
    char *v = NULL;

    xk_text(node, &v);
    return v;
}

static void
report_libxml_error(struct xk_ctx *c, xmlParserCtxt *pc)
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

xmlDoc *
xk_read_doc(struct xk_ctx *c, const char *xml, size_t len, const char *kind)
{
    xmlParserCtxt *pc;
    xmlDoc *doc = NULL;

    if (!xml) {
        xk_fail(c, NULL, "no XML");
        return NULL;
    }
    if (len > XK_MAX_DOC) {
        xk_fail(c, NULL, "document too large (%zu bytes)", len);
        return NULL;
    }
    pc = xmlNewParserCtxt();
    if (!pc)
        abort();
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
        xk_fail(c, (xmlNode *)doc->intSubset, "<!DOCTYPE> is not supported in %s XML",
                kind);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(pc);
    return doc;
}

void
xk_escape(struct strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': strbuf_adds(b, "&lt;"); break;
        case '>': strbuf_adds(b, "&gt;"); break;
        case '&': strbuf_adds(b, "&amp;"); break;
        case '\'': strbuf_adds(b, "&apos;"); break;
        case '"': strbuf_adds(b, "&quot;"); break;
        default: strbuf_addc(b, *s);
        }
    }
}

static void
qname(struct strbuf *b, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        strbuf_addf(b, "%s:", (const char *)ns->prefix);
    strbuf_adds(b, (const char *)name);
}

void
xk_write(struct strbuf *b, const xmlNode *n, int depth)
{
    int elems = 0;
    xmlChar *v;

    strbuf_addc(b, '<');
    qname(b, n->ns, n->name);
    for (const xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        strbuf_addf(b, " xmlns%s%s='", ns->prefix ? ":" : "",
                    ns->prefix ? (const char *)ns->prefix : "");
        xk_escape(b, (const char *)ns->href);
        strbuf_addc(b, '\'');
    }
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        v = xmlNodeGetContent((const xmlNode *)a);
        strbuf_addc(b, ' ');
        qname(b, a->ns, a->name);
        strbuf_adds(b, "='");
        xk_escape(b, (const char *)v);
        strbuf_addc(b, '\'');
        xmlFree(v);
    }
    for (const xmlNode *ch = n->children; ch; ch = ch->next)
        elems += ch->type == XML_ELEMENT_NODE;
    if (!n->children) {
        strbuf_adds(b, "/>");
        return;
    }
    strbuf_addc(b, '>');
    if (elems) {
        for (const xmlNode *ch = n->children; ch; ch = ch->next) {
            if (ch->type != XML_ELEMENT_NODE)
                continue;
            strbuf_addf(b, "\n%*s", 2 * (depth + 1), "");
            xk_write(b, ch, depth + 1);
        }
        strbuf_addf(b, "\n%*s", 2 * depth, "");
    } else {
        v = xmlNodeGetContent(n);
        xk_escape(b, (const char *)v);
        xmlFree(v);
    }
    strbuf_adds(b, "</");
    qname(b, n->ns, n->name);
    strbuf_addc(b, '>');
}

char *
xk_prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *s = v ? lv_strdup((const char *)v) : NULL;

    xmlFree(v);
    return s;
}

char *
xk_content(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = lv_strdup(v ? (const char *)v : "");

    xmlFree(v);
    return s;
}

int
xk_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !n->ns && !strcmp((const char *)n->name, name);
}

void
xk_attrs_copy(const xmlNode *n, struct lv_attrs *a)
{
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        xmlChar *v = xmlNodeGetContent((const xmlNode *)at);
        lv_attrs_set(a, (const char *)at->name, v ? (const char *)v : "");
        xmlFree(v);
    }
}
