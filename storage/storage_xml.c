/* storage_xml.c - the XML pieces pool_xml.c and vol_xml.c share: located
 * errors, escaping for libvirt's single-quoted output, <permissions>,
 * kept (unknown) elements written back in libvirt's layout, and libvirt's
 * path sanitizing. */
#include "storage_xml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "strbuf.h"
#include "xml_kit.h"

void
storage_xml_fail(struct lv_err *err, enum lv_errcode code, const char *src,
              const xmlNode *node, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (node && xmlGetLineNo(node) > 0)
        lv_err_set(err, code, "%s line %ld: %s", src, xmlGetLineNo(node),
                   msg);
    else
        lv_err_set(err, code, "%s: %s", src, msg);
}

/* Attributes other than those in allowed (NULL-ended) are errors. */
int
storage_xml_only_attrs(const char *src, xmlNode *n, const char *const *allowed,
           struct lv_err *err)
{
    for (xmlAttr *a = n->properties; a; a = a->next) {
        size_t i = 0;
        while (allowed && allowed[i] && strcmp(allowed[i],
                                               (const char *)a->name))
            i++;
        if (!allowed || !allowed[i]) {
            storage_xml_fail(err, LV_E_XML, src, n, "unsupported attribute "
                          "'%s' of <%s>", a->name, n->name);
            return -1;
        }
    }
    return 0;
}

/* libvirt's virStorageDefParsePerms */
static int
parse_id(const char *src, xmlNode *n, long long *dst, struct lv_err *err)
{
    char *s = xk_content(n), *end = NULL;
    long long v;
    int rc = 0;

    errno = 0;
    v = strtoll(s, &end, 10);
    while (end && (*end == ' ' || *end == '\n' || *end == '\t'))
        end++;
    if (errno || end == s || *end || v < -1 || v > 4294967295LL) {
        storage_xml_fail(err, LV_E_INVALID, src, n, "malformed %s '%s'",
                      (const char *)n->name, s);
        rc = -1;
    } else {
        *dst = v == 4294967295LL ? -1 : v;
    }
    free(s);
    return rc;
}

static int
parse_mode(const char *src, xmlNode *n, int *dst, struct lv_err *err)
{
    char *s = xk_content(n), *end = NULL;
    long v;
    int rc = 0;

    errno = 0;
    v = strtol(s, &end, 8);
    if (errno || end == s || *end || v < 0 || v > 0777) {
        storage_xml_fail(err, LV_E_INVALID, src, n, "malformed octal mode '%s'",
                      s);
        rc = -1;
    } else {
        *dst = (int)v;
    }
    free(s);
    return rc;
}

int
storage_xml_parse_perms(xmlNode *node, const char *src,
                     struct pool_perms *p, struct lv_err *err)
{
    if (storage_xml_only_attrs(src, node, NULL, err) < 0)
        return -1;
    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        int rc = 0;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (xk_is(ch, "mode")) {
            rc = parse_mode(src, ch, &p->mode, err);
        } else if (xk_is(ch, "owner")) {
            rc = parse_id(src, ch, &p->uid, err);
        } else if (xk_is(ch, "group")) {
            rc = parse_id(src, ch, &p->gid, err);
        } else if (xk_is(ch, "label")) {
            free(p->label);
            p->label = xk_content(ch);
        } else {
            storage_xml_fail(err, LV_E_XML, src, ch, "unsupported element <%s> "
                          "in <permissions>", ch->name);
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

void
storage_xml_format_perms(struct strbuf *b, int indent, const struct pool_perms *p)
{
    if (p->mode == -1 && p->uid == -1 && p->gid == -1 && !p->label)
        return;
    strbuf_addf(b, "%*s<permissions>\n", indent, "");
    if (p->mode != -1)
        strbuf_addf(b, "%*s<mode>0%o</mode>\n", indent + 2, "", p->mode);
    if (p->uid != -1)
        strbuf_addf(b, "%*s<owner>%lld</owner>\n", indent + 2, "", p->uid);
    if (p->gid != -1)
        strbuf_addf(b, "%*s<group>%lld</group>\n", indent + 2, "", p->gid);
    if (p->label) {
        strbuf_addf(b, "%*s<label>", indent + 2, "");
        xk_escape(b, p->label);
        strbuf_adds(b, "</label>\n");
    }
    strbuf_addf(b, "%*s</permissions>\n", indent, "");
}

/* One element as libvirt writes it, on lines of its own at indent. */
static void
write_elem(struct strbuf *b, int indent, const xmlNode *n)
{
    strbuf_addf(b, "%*s", indent, "");
    xk_write(b, n, indent / 2);
    strbuf_addc(b, '\n');
}

int
storage_xml_format_kept(struct strbuf *b, int indent, const char *xml,
                     struct lv_err *err)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "kept.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        lv_err_set(err, LV_E_XML, "kept element does not parse: %.60s", xml);
        return -1;
    }
    write_elem(b, indent, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return 0;
}

/* libvirt's virFileSanitizePath: "//" -> "/", no trailing "/", but a
 * leading "//" (and only two) is kept as POSIX allows. */
char *
storage_xml_sanitize_path(const char *p)
{
    char *out = lv_malloc(strlen(p) + 1);
    size_t j = 0, i = 0;

    if (p[0] == '/' && p[1] == '/' && p[2] != '/') {
        out[j++] = '/';
        i = 1;
    }
    for (; p[i]; i++) {
        if (p[i] == '/' && j > 0 && out[j - 1] == '/')
            continue;
        out[j++] = p[i];
    }
    while (j > 1 && out[j - 1] == '/')
        j--;
    out[j] = 0;
    return out;
}

xmlDoc *
storage_xml_read(const char *xml, size_t len, const char *src,
                 struct lv_err *err)
{
    struct xk_ctx c = { src, 0, err, NULL, 0 };

    return xk_read_doc(&c, xml, len, "storage");
}
