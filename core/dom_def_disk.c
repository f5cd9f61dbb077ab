/* dom_def_disk.c - the parts of a disk definition beyond one image: the
 * hosts of a network source and the <backingStore> chain; their release,
 * deep copy, and the chain update an external snapshot makes. */
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
#include "strbuf.h"

static void
hosts_free(struct dom_disk_host *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name); free(h[i].port); free(h[i].transport); free(h[i].socket);
    }
    free(h);
}

static struct dom_disk_host *
hosts_copy(const struct dom_disk_host *s, size_t n)
{
    struct dom_disk_host *d = n ? lv_calloc(n, sizeof(*d)) : NULL;

    for (size_t i = 0; i < n; i++) {
        d[i].name = lv_strdup(s[i].name);
        d[i].port = lv_strdup(s[i].port);
        d[i].transport = lv_strdup(s[i].transport);
        d[i].socket = lv_strdup(s[i].socket);
    }
    return d;
}

static void
layer_free(struct dom_disk_layer *l)
{
    free(l->index); free(l->format); free(l->source);
    lv_attrs_clear(&l->source_attrs);
    hosts_free(l->hosts, l->n_hosts);
    lv_xml_keep_clear(&l->source_keep);
    lv_xml_keep_clear(&l->keep);
}

void
dom_def_disk_free(struct dom_disk *k)
{
    hosts_free(k->hosts, k->n_hosts);
    for (size_t i = 0; i < k->n_chain; i++)
        layer_free(&k->chain[i]);
    free(k->chain);
}

void
dom_def_disk_copy(struct dom_disk *d, const struct dom_disk *s)
{
    d->hosts = hosts_copy(s->hosts, s->n_hosts);
    d->chain = s->n_chain ? lv_calloc(s->n_chain, sizeof(*d->chain)) : NULL;
    for (size_t i = 0; i < s->n_chain; i++) {
        const struct dom_disk_layer *sl = &s->chain[i];
        struct dom_disk_layer *dl = &d->chain[i];
        dl->type = sl->type;
        dl->index = lv_strdup(sl->index);
        dl->format = lv_strdup(sl->format);
        dl->source = lv_strdup(sl->source);
        lv_attrs_copy(&dl->source_attrs, &sl->source_attrs);
        dl->hosts = hosts_copy(sl->hosts, sl->n_hosts);
        dl->n_hosts = sl->n_hosts;
        lv_xml_keep_copy(&dl->source_keep, &sl->source_keep);
        lv_xml_keep_copy(&dl->keep, &sl->keep);
    }
}

/* A flat copy of the disk's image has no backing chain. */
void
dom_def_disk_drop_chain(struct dom_disk *k)
{
    for (size_t i = 0; i < k->n_chain; i++)
        layer_free(&k->chain[i]);
    free(k->chain);
    k->chain = NULL;
    k->n_chain = 0;
    k->chain_end = 0;
    lv_attrs_set(&k->source_attrs, "index", NULL);
}

/* The disk's image becomes layer 0 of its chain (the caller then points
 * the disk at the new overlay). A disk without an explicit chain keeps
 * none: QEMU reads the chain from the overlay's header. */
void
dom_def_disk_push_down(struct dom_disk *k)
{
    struct dom_disk_layer *l;

    if (!k->n_chain && !k->chain_end)
        return;
    k->chain = lv_realloc(k->chain, (k->n_chain + 1) * sizeof(*k->chain));
    memmove(k->chain + 1, k->chain, k->n_chain * sizeof(*k->chain));
    k->n_chain++;
    l = &k->chain[0];
    memset(l, 0, sizeof(*l));
    l->type = k->type;
    l->format = lv_strdup(k->driver_type);
    l->source = lv_strdup(k->source);
    lv_attrs_copy(&l->source_attrs, &k->source_attrs);
    lv_attrs_set(&l->source_attrs, "index", NULL);
    lv_attrs_set(&k->source_attrs, "index", NULL);  /* a new image above */
    l->hosts = k->hosts;
    l->n_hosts = k->n_hosts;
    k->hosts = NULL;
    k->n_hosts = 0;
    lv_xml_keep_copy(&l->source_keep, &k->source_keep);
}
