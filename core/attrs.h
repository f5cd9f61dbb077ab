/* attrs.h - the generic containers every definition model uses (domain,
 * network, pool, snapshot): tri-state flags, attribute lists kept in
 * document order, and XML elements kept verbatim. */
#ifndef LV_ATTRS_H
#define LV_ATTRS_H

#include <stddef.h>

enum lv_tristate { LV_TRI_ABSENT = 0, LV_TRI_ON, LV_TRI_OFF };

/* Attributes kept as given, e.g. an <address>'s key/value pairs. */
struct lv_attrs {
    size_t n;
    char **keys;
    char **vals;
};
const char *lv_attrs_get(const struct lv_attrs *a, const char *key);
void lv_attrs_set(struct lv_attrs *a, const char *key, const char *val);
void lv_attrs_clear(struct lv_attrs *a);
/* d (not initialised) becomes a deep copy of s */
void lv_attrs_copy(struct lv_attrs *d, const struct lv_attrs *s);

/* XML elements luavirt does not model, kept verbatim when the caller asked
 * for it (DOM_PARSE_KEEP_UNKNOWN) and written back at the end of their
 * parent element. Each item is one serialized element. */
struct lv_xml_keep {
    size_t n;
    char **items;
};
void lv_xml_keep_add(struct lv_xml_keep *k, const char *xml);
void lv_xml_keep_clear(struct lv_xml_keep *k);
void lv_xml_keep_copy(struct lv_xml_keep *d, const struct lv_xml_keep *s);

#endif
