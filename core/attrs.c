/* attrs.c - the generic containers of every definition (attrs.h):
 * attribute lists kept in document order (struct lv_attrs)
 * and XML elements kept verbatim (struct lv_xml_keep). */
#include <stdlib.h>
#include <string.h>

#include "attrs.h"
#include "strbuf.h"

const char *
lv_attrs_get(const struct lv_attrs *a, const char *key)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->keys[i], key) == 0)
            return a->vals[i];
    return NULL;
}

/* Replaces the value of an existing key in place (order is kept), else
 * appends; val NULL removes the key. */
void
lv_attrs_set(struct lv_attrs *a, const char *key, const char *val)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->keys[i], key) != 0)
            continue;
        free(a->vals[i]);
        if (val) {
            a->vals[i] = lv_strdup(val);
            return;
        }
        free(a->keys[i]);
        memmove(&a->keys[i], &a->keys[i + 1], (a->n - i - 1) * sizeof(char *));
        memmove(&a->vals[i], &a->vals[i + 1], (a->n - i - 1) * sizeof(char *));
        a->n--;
        return;
    }
    if (!val)
        return;
    a->keys = lv_realloc(a->keys, (a->n + 1) * sizeof(char *));
    a->vals = lv_realloc(a->vals, (a->n + 1) * sizeof(char *));
    a->keys[a->n] = lv_strdup(key);
    a->vals[a->n] = lv_strdup(val);
    a->n++;
}

void
lv_attrs_clear(struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->keys[i]);
        free(a->vals[i]);
    }
    free(a->keys);
    free(a->vals);
    a->keys = a->vals = NULL;
    a->n = 0;
}

void
lv_xml_keep_add(struct lv_xml_keep *k, const char *xml)
{
    k->items = lv_realloc(k->items, (k->n + 1) * sizeof(char *));
    k->items[k->n++] = lv_strdup(xml);
}

void
lv_xml_keep_clear(struct lv_xml_keep *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->items[i]);
    free(k->items);
    k->items = NULL;
    k->n = 0;
}

void
lv_attrs_copy(struct lv_attrs *d, const struct lv_attrs *s)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < s->n; i++)
        lv_attrs_set(d, s->keys[i], s->vals[i]);
}

void
lv_xml_keep_copy(struct lv_xml_keep *d, const struct lv_xml_keep *s)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < s->n; i++)
        lv_xml_keep_add(d, s->items[i]);
}
