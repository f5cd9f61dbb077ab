/* xml_kit.h - the one set of libxml2 helpers every definition parser uses
 * (domain, network, pool, volume, snapshot): reading a document safely with
 * libxml's own error reported, problems reported with their line (or
 * collected, for validate), attributes and text taken off the tree,
 * elements kept verbatim, and the leftover check at the end of an element.
 * Parsing is destructive: what is understood is removed from the tree, so
 * whatever is left at the end of an element is unsupported. */
#ifndef LV_XML_KIT_H
#define LV_XML_KIT_H

#include <libxml/tree.h>
#include <stddef.h>

#include "attrs.h"
#include "err.h"
#include "strbuf.h"

/* Keep elements nobody models verbatim instead of refusing them (each
 * parser's KEEP_UNKNOWN flag has this value). */
#define XK_KEEP_UNKNOWN (1u << 0)

struct xk_ctx {
    const char *src;          /* "guest.xml" or "domain XML" */
    unsigned flags;           /* XK_KEEP_UNKNOWN and the parser's own flags */
    struct lv_err *err;
    struct strbuf *problems;  /* validate mode: collect and go on */
    int n_problems;
};

#define XK_NAME(n) ((const char *)(n)->name)
#define XK_IS(n, s) ((n)->type == XML_ELEMENT_NODE && \
                     strcmp((const char *)(n)->name, (s)) == 0)

/* Parse xml (len bytes): no network, no entity expansion, no DOCTYPE;
 * kind ("domain") names the document in errors. NULL with the problem
 * reported (libxml's own message and line for malformed XML). */
xmlDoc *xk_read_doc(struct xk_ctx *c, const char *xml, size_t len, const char *kind);

/* Report a problem at node's line. Returns -1 (stop) in parse mode, 0 (go
 * on) when collecting problems for validation. */
int xk_fail(struct xk_ctx *c, xmlNode *node, const char *fmt, ...) LV_PRINTF(3, 4);

/* Take attribute name off node: malloc'd value, or NULL if absent. */
/* free(*dst), then *dst = v: a field set twice (an element given twice)
 * keeps the last value and leaks nothing. */
void xk_set(char **dst, char *v);
char *xk_take(xmlNode *node, const char *name);
/* Take attribute name into *dst (old value freed); 1 taken, 0 absent. */
int xk_str(xmlNode *node, const char *name, char **dst);
/* Integer attributes: 1 taken, 0 absent (*dst unchanged), -1 bad (reported;
 * 0 when collecting). */
int xk_int(struct xk_ctx *c, xmlNode *node, const char *name, int *dst);
int xk_uint(struct xk_ctx *c, xmlNode *node, const char *name, unsigned *dst);
/* A decimal attribute in [min, max]: 0 taken or absent, else what xk_fail
 * returns; the message names the range. */
int xk_num(struct xk_ctx *c, xmlNode *node, const char *name, long long min,
           long long max, long long *dst);
int xk_num_int(struct xk_ctx *c, xmlNode *node, const char *name, int min, int max,
               int *dst);
/* A whole decimal number in [min, max] (text, not an attribute): 0 with
 * *out set, or -1. */
int xk_parse_long(const char *s, long long min, long long max, long long *out);
/* A yes/no or on/off attribute: 1 taken, 0 absent, -1 bad (reported). */
int xk_tri(struct xk_ctx *c, xmlNode *node, const char *name, enum lv_tristate *dst);
/* Take every remaining attribute into a (document order). */
void xk_attrs_rest(xmlNode *node, struct lv_attrs *a);

/* Reading without taking (for parsers that walk the tree and check the
 * attributes they allow, like storage's): attribute name in no namespace
 * (malloc'd, NULL if absent), the text content (malloc'd, "" if none), and
 * whether n is an element called name in no namespace. */
char *xk_prop(const xmlNode *n, const char *name);
char *xk_content(const xmlNode *n);
int xk_is(const xmlNode *n, const char *name);
/* Every attribute of n, in order, into a (n keeps them). */
void xk_attrs_copy(const xmlNode *n, struct lv_attrs *a);

/* Text content of node into *dst (malloc'd, "" if empty); its text children
 * are removed. xk_text_of returns it instead. */
void xk_text(xmlNode *node, char **dst);
char *xk_text_of(xmlNode *node);

/* One element serialized verbatim, with the namespaces it uses declared. */
char *xk_dump(xmlNode *node);
/* Inner XML: all children of node, serialized, concatenated. */
char *xk_dump_children(xmlNode *node);

/* Escape s for libvirt's single-quoted output (virBufferEscapeString). */
void xk_escape(struct strbuf *b, const char *s);
/* Write n as libvirt writes XML: single quotes, children indented by two
 * spaces per level for depth, its first line not indented and no newline
 * after it; text content escaped. */
void xk_write(struct strbuf *b, const xmlNode *n, int depth);

/* Drop a consumed child (unlink + free). */
void xk_consumed(xmlNode *child);
/* One child element nobody understood: kept when keep != NULL and (its
 * name is in by_design, a NULL-ended list where "*" matches all, or
 * XK_KEEP_UNKNOWN), else reported. 0 or -1. */
int xk_leftover(struct xk_ctx *c, xmlNode *node, xmlNode *child,
                struct lv_xml_keep *keep, const char *const *by_design);
/* End of an element: leftover attributes and text are errors, leftover
 * child elements go through xk_leftover. 0 or -1. */
int xk_finish(struct xk_ctx *c, xmlNode *node, struct lv_xml_keep *keep,
              const char *const *by_design);

/* Run fn on each child element of n: fn returns 0 when it used the child
 * (which is then dropped), 1 when the child is not its business (left for
 * xk_finish), -1 on error. Returns 0 or -1. */
typedef int (*xk_child_fn)(struct xk_ctx *c, xmlNode *child, void *obj);
int xk_children(struct xk_ctx *c, xmlNode *n, xk_child_fn fn, void *obj);

/* Grow an array by one zeroed item, return a pointer to it. */
void *xk_push(void *arrp, size_t *n, size_t size);

#endif
