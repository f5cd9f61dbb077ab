/* storage_xml.h - XML pieces shared by pool_xml.c and vol_xml.c (not for
 * other subjects): located errors, <permissions>, kept elements, path
 * sanitizing; reading, escaping, dumping and array growth are
 * core/xml_kit.h's. Uses libxml2 types. */
#ifndef LV_STORAGE_XML_H
#define LV_STORAGE_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "err.h"
#include "pool_def.h"
#include "strbuf.h"
#include "xml_kit.h"

/* libvirt's pool XML namespaces (<fs:mount_opts>, <rbd:config_opts>) */
#define STORAGE_XML_NS_FS "http://libvirt.org/schemas/storagepool/fs/1.0"
#define STORAGE_XML_NS_RBD "http://libvirt.org/schemas/storagepool/rbd/1.0"

/* Fill err with "<src> line N: <msg>" (node's line; no line if NULL). */
void storage_xml_fail(struct lv_err *err, enum lv_errcode code,
                      const char *src, const xmlNode *node,
                      const char *fmt, ...) LV_PRINTF(5, 6);
/* Read len bytes of XML through the kit (no network, no entities, no
 * DOCTYPE). Returns the document
 * (xmlFreeDoc) with a root element, or NULL with err set (LV_E_XML,
 * "<src> line N: malformed XML: <cause>"). */
xmlDoc *storage_xml_read(const char *xml, size_t len, const char *src,
                         struct lv_err *err);
/* Attributes of n other than those in allowed (NULL-ended; NULL: none)
 * are errors ("unsupported attribute 'x' of <y>"). 0 or -1. */
int storage_xml_only_attrs(const char *src, xmlNode *n,
                           const char *const *allowed, struct lv_err *err);
/* Parse a <permissions> element into p (libvirt's rules: octal mode up
 * to 0777, owner/group numbers where -1 and 4294967295 mean absent, a
 * label). Returns 0, or -1 with err set. */
int storage_xml_parse_perms(xmlNode *node, const char *src,
                            struct pool_perms *p, struct lv_err *err);
/* Append <permissions> at indent (spaces), only if anything is set. */
void storage_xml_format_perms(struct strbuf *b, int indent,
                              const struct pool_perms *p);
/* Append a kept element (XML text) at indent in libvirt's layout (single
 * quotes, 2-space steps). Returns 0, or -1 with err if it does not parse. */
int storage_xml_format_kept(struct strbuf *b, int indent, const char *xml,
                            struct lv_err *err);
/* libvirt's virFileSanitizePath: "//" -> "/", no trailing "/", a leading
 * "//" kept. malloc'd. */
char *storage_xml_sanitize_path(const char *p);

#endif
