/* net_xml_parse_node.c - the node helpers the network XML parser files
 * share (net_xml_priv.h): problems reported with their line, attributes
 * and text taken off the tree, the check for leftovers at the end of an
 * element, array growth, the child loop, and address attributes. */
#include "net_xml_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Report a problem at node's line: -1 (stop) when parsing, 0 (go on)
 * when collecting problems for net_def_validate_xml. */
int LV_PRINTF(3, 4)
nx_fail(struct nx *c, xmlNode *node, const char *fmt, ...)
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

/* Take attribute name off node: malloc'd value, or NULL if absent. */
char *
nx_take(xmlNode *node, const char *name)
{
    xmlAttr *a = xmlHasNsProp(node, (const xmlChar *)name, NULL);
    xmlChar *v;
    char *out;

    if (!a)
        return NULL;
    v = xmlNodeGetContent((xmlNode *)a);
    out = lv_strdup(v ? (const char *)v : "");
    xmlFree(v);
    xmlRemoveProp(a);
    return out;
}

/* Take a yes/no (or on/off) attribute; -1 on a bad value (reported). */
int
nx_take_tri(struct nx *c, xmlNode *node, const char *name, enum lv_tristate *t)
{
    char *s = nx_take(node, name);
    int rc = 0;

    if (!s)
        return 0;
    if (!strcmp(s, "yes") || !strcmp(s, "on"))
        *t = LV_TRI_ON;
    else if (!strcmp(s, "no") || !strcmp(s, "off"))
        *t = LV_TRI_OFF;
    else
        rc = nx_fail(c, node, "invalid value '%s' for %s= of <%s>: expected "
                     "yes or no", s, name, NAME(node));
    free(s);
    return rc;
}

/* Take a decimal attribute in [min, max]; absent leaves *v unchanged. */
int
nx_take_num(struct nx *c, xmlNode *node, const char *name, long long min,
            long long max, long long *v)
{
    char *s = nx_take(node, name), *end;
    long long x;
    int rc = 0;

    if (!s)
        return 0;
    errno = 0;
    x = strtoll(s, &end, 10);
    if (errno || end == s || *end || x < min || x > max)
        rc = nx_fail(c, node, "invalid value '%s' for %s= of <%s>: expected a "
                     "number from %lld to %lld", s, name, NAME(node), min, max);
    else
        *v = x;
    free(s);
    return rc;
}

int
nx_take_int(struct nx *c, xmlNode *node, const char *name, long long min,
            long long max, int *v)
{
    long long x = *v;
    int rc = nx_take_num(c, node, name, min, max, &x);

    *v = (int)x;
    return rc;
}

char *
nx_text_of(xmlNode *node)
{
    xmlChar *v = xmlNodeGetContent(node);
    char *out = lv_strdup(v ? (const char *)v : "");
    xmlNode *ch, *next;

    xmlFree(v);
    for (ch = node->children; ch; ch = next) {
        next = ch->next;
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE) {
            xmlUnlinkNode(ch);
            xmlFreeNode(ch);
        }
    }
    return out;
}

/* Serialize one element verbatim in a document of its own, so that the
 * namespaces it uses are declared on it. */
char *
nx_dump(xmlNode *node)
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

static int
blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* End of an element: leftover attributes and text are errors; leftover
 * child elements are kept in keep (when given and KEEP_UNKNOWN) or are
 * errors. */
int
nx_finish(struct nx *c, xmlNode *node, struct lv_xml_keep *keep)
{
    for (xmlAttr *a = node->properties; a; a = a->next)
        if (nx_fail(c, node, "unsupported attribute '%s' in <%s>",
                    (const char *)a->name, NAME(node)) < 0)
            return -1;
    for (xmlNode *ch = node->children; ch; ch = ch->next) {
        if ((ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE)
            && !blank(ch->content) && nx_fail(c, node, "unexpected text in "
                                              "<%s>", NAME(node)) < 0)
            return -1;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (keep && (c->flags & NET_PARSE_KEEP_UNKNOWN)) {
            char *s = nx_dump(ch);
            lv_xml_keep_add(keep, s);
            free(s);
        } else if (nx_fail(c, ch, "unsupported element <%s%s%s> in <%s>",
                           ch->ns && ch->ns->prefix ?
                           (const char *)ch->ns->prefix : "",
                           ch->ns && ch->ns->prefix ? ":" : "",
                           NAME(ch), NAME(node)) < 0) {
            return -1;
        }
    }
    return 0;
}

void
nx_consumed(xmlNode *child)
{
    xmlUnlinkNode(child);
    xmlFreeNode(child);
}

/* Grow an array by one zeroed item, return a pointer to it. */
void *
nx_push(void *arrp, size_t *n, size_t size)
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
nx_push_str(char ***v, size_t *n, char *s)
{
    char **slot = nx_push(v, n, sizeof(**v));
    *slot = s;
}

int
nx_children(struct nx *c, xmlNode *n, nx_child_fn fn, void *obj)
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
            nx_consumed(ch);
    }
    return 0;
}

/* ---- addresses ---- */

/* family of address text: AF_INET, AF_INET6, or -1 */
int
nx_addr_family(const char *s, unsigned char out[16])
{
    unsigned char tmp[16];

    if (!out)
        out = tmp;
    memset(out, 0, 16);
    if (s && inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    if (s && inet_pton(AF_INET6, s, out) == 1)
        return AF_INET6;
    return -1;
}

int
nx_want_af(enum net_family f)
{
    return f == NET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

/* Take a required or optional address attribute of the family af (0:
 * either); bad text is reported with the value. */
int
nx_take_addr(struct nx *c, xmlNode *node, const char *name, int af,
             int required, char **dst)
{
    char *s = nx_take(node, name);
    int got;

    if (!s)
        return required ? nx_fail(c, node, "<%s> has no %s=", NAME(node),
                                  name) : 0;
    got = nx_addr_family(s, NULL);
    if (got < 0 || (af && got != af)) {
        int rc = nx_fail(c, node, "invalid %s address '%s' in %s= of <%s>",
                         af == AF_INET6 ? "IPv6" : af ? "IPv4" : "IP", s, name,
                         NAME(node));
        free(s);
        return rc;
    }
    free(*dst);
    *dst = s;
    return 0;
}
