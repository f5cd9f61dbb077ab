/* dom_xml_backing.c - disk sources of libvirt domain XML beyond a path,
 * both ways: the <host> children of a network <source> (nbd, iscsi, rbd,
 * gluster, http, ...) and the <backingStore> chain below a disk's image,
 * each layer with its type, <format> and <source>, ended by an empty
 * <backingStore/> when the last image has no backing file. */
#include "dom_xml_priv.h"

#include <stdlib.h>
#include <string.h>

/* ---- parsing ---- */

static int
parse_host(struct xk_ctx *c, xmlNode *n, struct dom_disk_host **hosts,
           size_t *n_hosts)
{
    struct dom_disk_host *h = xk_push(hosts, n_hosts, sizeof(*h));

    xk_str(n, "name", &h->name);
    xk_str(n, "port", &h->port);
    xk_str(n, "transport", &h->transport);
    xk_str(n, "socket", &h->socket);
    return xk_finish(c, n, NULL, NULL);
}

int
dx_parse_source_hosts(struct xk_ctx *c, xmlNode *n, struct dom_disk_host **hosts,
                      size_t *n_hosts)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (!XK_IS(ch, "host"))
            continue;
        if (parse_host(c, ch, hosts, n_hosts) < 0)
            return -1;
        xk_consumed(ch);
    }
    return 0;
}

static const char *const all[] = { "*", NULL };

static int
parse_layer_source(struct xk_ctx *c, xmlNode *n, struct dom_disk_layer *l)
{
    if (l->type != DOM_DISK_NETWORK && l->type != DOM_DISK_VOLUME) {
        const char *key = l->type == DOM_DISK_BLOCK ? "dev"
            : l->type == DOM_DISK_DIR ? "dir" : "file";
        xk_str(n, key, &l->source);
    }
    xk_attrs_rest(n, &l->source_attrs);
    if (dx_parse_source_hosts(c, n, &l->hosts, &l->n_hosts) < 0)
        return -1;
    return xk_finish(c, n, &l->source_keep, all);
}

/* One <backingStore> (n) and, recursively, the ones inside it. */
static int
parse_layer(struct xk_ctx *c, xmlNode *n, struct dom_disk *k, int depth)
{
    struct dom_disk_layer *l;
    xmlNode *ch, *next, *below = NULL;
    char *type = NULL;
    size_t idx;
    int v;

    if (depth > 200)
        return xk_fail(c, n, "<backingStore> nested more than 200 deep");
    if (!xk_str(n, "type", &type) && !n->children && !n->properties) {
        k->chain_end = 1;       /* <backingStore/>: no backing image */
        return 0;
    }
    l = xk_push(&k->chain, &k->n_chain, sizeof(*l));
    idx = k->n_chain - 1;
    if ((v = dom_disk_type_from_str(type)) < 0) {
        free(type);
        return xk_fail(c, n, "<backingStore> needs a supported type= "
                       "(file, block, network)");
    }
    free(type);
    l->type = (enum dom_disk_type)v;
    xk_str(n, "index", &l->index);
    for (ch = n->children; ch; ch = next) {
        int rc = 0;
        next = ch->next;
        if (XK_IS(ch, "format")) {
            xk_str(ch, "type", &l->format);
            rc = xk_finish(c, ch, NULL, NULL);
        } else if (XK_IS(ch, "source")) {
            rc = parse_layer_source(c, ch, l);
        } else if (XK_IS(ch, "backingStore")) {
            below = ch;
            continue;
        } else {
            continue;
        }
        if (rc < 0)
            return -1;
        xk_consumed(ch);
    }
    if (below) {
        /* l may move as the array grows: nothing of it is used after */
        if (parse_layer(c, below, k, depth + 1) < 0)
            return -1;
        xk_consumed(below);
    }
    return xk_finish(c, n, &k->chain[idx].keep, NULL);
}

int
dx_parse_backing_store(struct xk_ctx *c, xmlNode *n, struct dom_disk *k)
{
    if (k->n_chain || k->chain_end)
        return xk_fail(c, n, "more than one <backingStore> in <disk>");
    return parse_layer(c, n, k, 0);
}

/* ---- formatting ---- */

void
fx_source_hosts(xmlNode *source, const struct dom_disk_host *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xmlNode *e = fx_elem(source, "host");
        fx_attr(e, "name", h[i].name);
        fx_attr(e, "port", h[i].port);
        fx_attr(e, "transport", h[i].transport);
        fx_attr(e, "socket", h[i].socket);
    }
}

static int
format_layer(xmlNode *parent, const struct dom_disk *k, size_t i,
             struct lv_err *err)
{
    const struct dom_disk_layer *l = &k->chain[i];
    xmlNode *n = fx_elem(parent, "backingStore"), *s;

    fx_attr(n, "type", dom_disk_type_to_str(l->type));
    fx_attr(n, "index", l->index);
    if (l->format)
        fx_attr(fx_elem(n, "format"), "type", l->format);
    s = fx_elem(n, "source");
    if (l->type != DOM_DISK_NETWORK && l->type != DOM_DISK_VOLUME)
        fx_attr(s, l->type == DOM_DISK_BLOCK ? "dev"
                : l->type == DOM_DISK_DIR ? "dir" : "file", l->source);
    fx_attrs(s, &l->source_attrs);
    fx_source_hosts(s, l->hosts, l->n_hosts);
    if (fx_keep(s, &l->source_keep, err) < 0 || fx_keep(n, &l->keep, err) < 0)
        return -1;
    if (i + 1 < k->n_chain)
        return format_layer(n, k, i + 1, err);
    if (k->chain_end)
        fx_elem(n, "backingStore");
    return 0;
}

int
fx_backing_store(xmlNode *disk, const struct dom_disk *k, struct lv_err *err)
{
    if (k->n_chain)
        return format_layer(disk, k, 0, err);
    if (k->chain_end)
        fx_elem(disk, "backingStore");
    return 0;
}
