/* dom_xml_priv.h - helpers shared by the domain XML parser and formatter
 * files (dom_xml_parse*.c, dom_xml_format*.c); not for other subjects.
 * The generic, destructive parse helpers (xk_*) are core/xml_kit.h's. */
#ifndef LV_DOM_XML_PRIV_H
#define LV_DOM_XML_PRIV_H

#include <libxml/tree.h>
#include <stdint.h>

#include "dom_def.h"
#include "err.h"
#include "strbuf.h"
#include "xml_kit.h"

/* ---- parsing: the generic helpers are xml_kit.h's ---- */

/* Parse <address> and <alias> children generically; 1 consumed, 0 not. */
int dx_common_child(struct xk_ctx *c, xmlNode *child,
                    struct dom_address *addr, char **alias, int *rc);
/* <os>, <features>, <cpu>, <clock>, <pm> (dom_xml_parse_platform.c). */
int dx_parse_os(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_features(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_cpu(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_clock(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_pm(struct xk_ctx *c, xmlNode *n, struct dom_def *def);

/* <cpu><numa>, <memoryBacking>, <numatune> (dom_xml_memory.c). */
int dx_parse_numa(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_memory_backing(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
int dx_parse_numatune(struct xk_ctx *c, xmlNode *n, struct dom_def *def);

/* Disk sources (dom_xml_backing.c): the <host> children of <source>
 * into hosts (others are left), a <backingStore> chain into k; 0 or -1.
 * Formatting: <host>s into a <source>, the chain into a <disk>. */
int dx_parse_source_hosts(struct xk_ctx *c, xmlNode *n,
                          struct dom_disk_host **hosts, size_t *n_hosts);
int dx_parse_backing_store(struct xk_ctx *c, xmlNode *n, struct dom_disk *k);
void fx_source_hosts(xmlNode *source, const struct dom_disk_host *h, size_t n);
int fx_backing_store(xmlNode *disk, const struct dom_disk *k, struct lv_err *err);

/* <serial>, <console>, <channel>, <parallel> (as kind) and <redirdev>
 * (dom_xml_parse_chr.c); 0 or -1. */
int dx_parse_chr(struct xk_ctx *c, xmlNode *n, struct dom_def *def,
                 enum dom_chr_kind kind);
int dx_parse_redirdev(struct xk_ctx *c, xmlNode *n, struct dom_def *def);

/* Device parsers (dom_xml_parse_devices.c): the <devices> element, and
 * one device element alone (for dom_def_parse_device_xml). */
int dx_parse_devices(struct xk_ctx *c, xmlNode *node, struct dom_def *def);
int dx_parse_one_device(struct xk_ctx *c, xmlNode *n, struct dom_def *def);
/* <tpm> (dom_xml_tpm.c): appended to def->tpms; 0 or -1. */
int dx_parse_tpm(struct xk_ctx *c, xmlNode *n, struct dom_def *def);

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
