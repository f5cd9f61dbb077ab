/* dom_xml_priv.h - helpers shared by the domain XML parser and formatter
 * files (dom_xml_parse*.c, dom_xml_format*.c); not for other subjects.
 * Parsing is destructive: each attribute or child that is understood is
 * removed from the libxml2 tree, so whatever is left over at the end of an
 * element is by definition unsupported and is reported or kept. */
#ifndef LV_DOM_XML_PRIV_H
#define LV_DOM_XML_PRIV_H

#include <libxml/tree.h>
#include <stdint.h>

#include "dom_def.h"
#include "err.h"
#include "strbuf.h"

/* ---- parsing ---- */

struct dx_ctx {
    const char *src;          /* "guest.xml" or "domain XML" */
    unsigned flags;           /* DOM_PARSE_* */
    struct lv_err *err;
    struct strbuf *problems;  /* validate mode: collect and go on */
    int n_problems;
};

/* Report a problem at node's line. Returns -1 (stop) in parse mode, 0 (go
 * on) when collecting problems for validation. */
int dx_fail(struct dx_ctx *c, xmlNode *node, const char *fmt, ...)
    LV_PRINTF(3, 4);
/* Take attribute name off node into *dst (old value freed); 1 if it was
 * there, 0 if not (then *dst is unchanged). */
int dx_str(xmlNode *node, const char *name, char **dst);
/* Take an integer attribute; 0 absent, 1 taken, -1 bad (reported). */
int dx_int(struct dx_ctx *c, xmlNode *node, const char *name, int *dst);
int dx_uint(struct dx_ctx *c, xmlNode *node, const char *name, unsigned *dst);
/* Take a yes/no or on/off attribute into a tristate (-1 bad, reported). */
int dx_tri(struct dx_ctx *c, xmlNode *node, const char *name,
           enum lv_tristate *dst);
/* Take every remaining attribute into a (keeps document order). */
void dx_attrs_rest(xmlNode *node, struct lv_attrs *a);
/* Text content of node (malloc'd, "" if empty) into *dst. */
void dx_text(xmlNode *node, char **dst);
/* Serialize one element verbatim (namespaces it uses are declared). */
char *dx_dump(xmlNode *node);
/* Inner XML: all children of node, serialized, concatenated. */
char *dx_dump_children(xmlNode *node);
/* Drop a consumed child (unlink + free). */
void dx_consumed(xmlNode *child);
/* Parse <address> and <alias> children generically; 1 consumed, 0 not. */
int dx_common_child(struct dx_ctx *c, xmlNode *child,
                    struct dom_address *addr, char **alias, int *rc);
/* End of an element: leftover attributes are errors; leftover child
 * elements go to keep if keep != NULL and (their name is in by_design or
 * DOM_PARSE_KEEP_UNKNOWN), else they are errors. by_design: NULL-ended list
 * of names; "*" keeps everything. Returns 0 or -1. */
int dx_finish(struct dx_ctx *c, xmlNode *node, struct lv_xml_keep *keep,
              const char *const *by_design);
/* One child element nobody understood: keep it (see dx_finish) or report
 * it; 0 or -1. The caller drops the child afterwards. */
int dx_leftover(struct dx_ctx *c, xmlNode *node, xmlNode *child,
                struct lv_xml_keep *keep, const char *const *by_design);
/* Element name as a C string. */
#define DX_NAME(n) ((const char *)(n)->name)
#define DX_IS(n, s) ((n)->type == XML_ELEMENT_NODE && \
                     strcmp((const char *)(n)->name, (s)) == 0)

/* Run fn on each child element of n: fn returns 0 when it used the child
 * (which is then dropped), 1 when the child is not its business (left for
 * dx_finish), -1 on error. Returns 0 or -1. */
typedef int (*dx_child_fn)(struct dx_ctx *c, xmlNode *child, void *obj);
int dx_children(struct dx_ctx *c, xmlNode *n, dx_child_fn fn, void *obj);

/* Grow an array by one zeroed item, return a pointer to it. */
void *dx_push(void *arrp, size_t *n, size_t size);

/* <os>, <features>, <cpu>, <clock>, <pm> (dom_xml_parse_platform.c). */
int dx_parse_os(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_features(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_cpu(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_clock(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_pm(struct dx_ctx *c, xmlNode *n, struct dom_def *def);

/* <cpu><numa>, <memoryBacking>, <numatune> (dom_xml_memory.c). */
int dx_parse_numa(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_memory_backing(struct dx_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_numatune(struct dx_ctx *c, xmlNode *n, struct dom_def *def);

/* Disk sources (dom_xml_backing.c): the <host> children of <source>
 * into hosts (others are left), a <backingStore> chain into k; 0 or -1.
 * Formatting: <host>s into a <source>, the chain into a <disk>. */
int dx_parse_source_hosts(struct dx_ctx *c, xmlNode *n,
                          struct dom_disk_host **hosts, size_t *n_hosts);
int dx_parse_backing_store(struct dx_ctx *c, xmlNode *n, struct dom_disk *k);
void fx_source_hosts(xmlNode *source, const struct dom_disk_host *h, size_t n);
int fx_backing_store(xmlNode *disk, const struct dom_disk *k, struct lv_err *err);

/* <serial>, <console>, <channel>, <parallel> (as kind) and <redirdev>
 * (dom_xml_parse_chr.c); 0 or -1. */
int dx_parse_chr(struct dx_ctx *c, xmlNode *n, struct dom_def *def,
                 enum dom_chr_kind kind);
int dx_parse_redirdev(struct dx_ctx *c, xmlNode *n, struct dom_def *def);

/* Device parsers (dom_xml_parse_devices.c). */
int dx_parse_devices(struct dx_ctx *c, xmlNode *node, struct dom_def *def);
/* <tpm> (dom_xml_tpm.c): appended to def->tpms; 0 or -1. */
int dx_parse_tpm(struct dx_ctx *c, xmlNode *n, struct dom_def *def);

/* ---- formatting ---- */

xmlNode *fx_elem(xmlNode *parent, const char *name);
xmlNode *fx_text(xmlNode *parent, const char *name, const char *text);
void fx_attr(xmlNode *node, const char *name, const char *val);
void fx_attrf(xmlNode *node, const char *name, const char *fmt, ...)
    LV_PRINTF(3, 4);
void fx_attrs(xmlNode *node, const struct lv_attrs *a);
/* Write the attributes of a whose name is (in=1) or is not (in=0) in the
 * NULL-ended list names. */
void fx_attrs_sel(xmlNode *node, const struct lv_attrs *a,
                  const char *const *names, int in);
/* Write a tristate as yes/no (yesno=1) or on/off (yesno=0); absent: none */
void fx_tri(xmlNode *node, const char *name, enum lv_tristate t, int yesno);
/* Append the kept elements; -1 with err set if one does not parse. */
int fx_keep(xmlNode *parent, const struct lv_xml_keep *k, struct lv_err *err);
/* Append inner XML (several elements or text) under parent. */
int fx_inner(xmlNode *parent, const char *inner, struct lv_err *err);
/* Stable-sort node's children by the position of their name in order
 * (NULL-ended); names not listed go last, in their current order. */
void fx_order(xmlNode *node, const char *const *order);
void fx_address(xmlNode *parent, const struct dom_address *a);
void fx_alias(xmlNode *parent, const char *alias);

/* <numa> into <cpu>, <memoryBacking> and <numatune> into <domain>
 * (dom_xml_memory.c); nothing when absent. */
void fx_numa(xmlNode *cpu, const struct dom_cpu *x);
void fx_memory_backing(xmlNode *root, const struct dom_mem_backing *mb);
void fx_numatune(xmlNode *root, const struct dom_numatune *nt);

/* Device formatters (dom_xml_format_devices.c). */
int fx_devices(xmlNode *parent, const struct dom_def *def, unsigned flags,
               struct lv_err *err);
/* One <tpm> under parent (dom_xml_tpm.c). */
void fx_tpm(xmlNode *parent, const struct dom_tpm *x);

#endif
