/* dom_xml_memory.c - the memory placement elements of libvirt domain XML,
 * both ways: <cpu><numa> (guest NUMA cells and their distances),
 * <memoryBacking> (huge pages, sharing, locking, allocation) and
 * <numatune> (host nodes for guest memory). What libvirt accepts there and
 * luavirt does not act on (<cell><cache>, <numa><interconnects>) is an
 * error naming it. */
#include "dom_xml_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* A size attribute with its unit attribute ("memory" + "unit", "size" +
 * "unit") in KiB; 0 absent, 1 taken, -1 bad (reported), 2 bad but
 * reported in validate mode (go on). */
static int
size_attr(struct xk_ctx *c, xmlNode *n, const char *name, uint64_t *kib)
{
    char *v = NULL, *unit = NULL, *text;
    struct lv_err e = LV_ERR_INIT;
    int rc = 1;

    if (!xk_str(n, name, &v))
        return 0;
    xk_str(n, "unit", &unit);
    text = lv_asprintf("%s %s", v, unit ? unit : "KiB");
    if (lv_units_parse_kib(text, kib, &e) < 0)
        rc = xk_fail(c, n, "invalid %s='%s' in <%s>: %s", name, v, XK_NAME(n),
                     e.msg) < 0 ? -1 : 2;
    free(text);
    free(v);
    free(unit);
    return rc;
}

/* ---- <numa> ---- */

static int
parse_distances(struct xk_ctx *c, xmlNode *n, struct dom_numa_cell *cell)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        struct dom_numa_sibling *s;
        unsigned id = 0, value = 0;
        int hid, hval;
        next = ch->next;
        if (!XK_IS(ch, "sibling"))
            continue;
        if ((hid = xk_uint(c, ch, "id", &id)) < 0 ||
            (hval = xk_uint(c, ch, "value", &value)) < 0)
            return -1;
        if (!hid || !hval) {
            if (xk_fail(c, ch, "<sibling> needs id= and value=") < 0)
                return -1;
        } else if (value < 10 || value > 255) {
            if (xk_fail(c, ch, "<sibling> value %u out of range (10-255)", value) < 0)
                return -1;
        }
        s = xk_push(&cell->siblings, &cell->n_siblings, sizeof(*s));
        s->id = id;
        s->value = value;
        if (xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_cell(struct xk_ctx *c, xmlNode *n, struct dom_cpu *cpu)
{
    struct dom_numa_cell *cell = xk_push(&cpu->cells, &cpu->n_cells, sizeof(*cell));
    xmlNode *ch, *next;

    cell->id = -1;
    if (xk_int(c, n, "id", &cell->id) < 0)
        return -1;
    xk_str(n, "cpus", &cell->cpus);
    switch (size_attr(c, n, "memory", &cell->memory_kib)) {
    case -1:
        return -1;
    case 0:
        if (xk_fail(c, n, "<cell> needs memory=") < 0)
            return -1;
    }
    xk_str(n, "memAccess", &cell->mem_access);
    xk_str(n, "discard", &cell->discard);
    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (!XK_IS(ch, "distances"))
            continue;
        if (parse_distances(c, ch, cell) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

int
dx_parse_numa(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (!XK_IS(ch, "cell"))
            continue;
        if (parse_cell(c, ch, &def->cpu) < 0)
            return -1;
        xk_consumed(ch);
    }
    if (xk_finish(c, n, NULL, NULL) < 0)
        return -1;
    if (!def->memory_kib)      /* libvirt: the cells give the size */
        for (size_t i = 0; i < def->cpu.n_cells; i++)
            def->memory_kib += def->cpu.cells[i].memory_kib;
    return 0;
}

void
fx_numa(xmlNode *cpu, const struct dom_cpu *x)
{
    xmlNode *n;

    if (!x->n_cells)
        return;
    n = fx_elem(cpu, "numa");
    for (size_t i = 0; i < x->n_cells; i++) {
        const struct dom_numa_cell *cell = &x->cells[i];
        xmlNode *e = fx_elem(n, "cell"), *d;
        if (cell->id >= 0)
            fx_attrf(e, "id", "%d", cell->id);
        fx_attr(e, "cpus", cell->cpus);
        fx_attrf(e, "memory", "%llu", (unsigned long long)cell->memory_kib);
        fx_attr(e, "unit", "KiB");
        fx_attr(e, "memAccess", cell->mem_access);
        fx_attr(e, "discard", cell->discard);
        if (!cell->n_siblings)
            continue;
        d = fx_elem(e, "distances");
        for (size_t j = 0; j < cell->n_siblings; j++) {
            xmlNode *s = fx_elem(d, "sibling");
            fx_attrf(s, "id", "%u", cell->siblings[j].id);
            fx_attrf(s, "value", "%u", cell->siblings[j].value);
        }
    }
}

/* ---- <memoryBacking> ---- */

static int
parse_hugepages(struct xk_ctx *c, xmlNode *n, struct dom_mem_backing *mb)
{
    xmlNode *ch, *next;

    mb->hugepages = 1;
    for (ch = n->children; ch; ch = next) {
        struct dom_hugepage *p;
        next = ch->next;
        if (!XK_IS(ch, "page"))
            continue;
        p = xk_push(&mb->pages, &mb->n_pages, sizeof(*p));
        switch (size_attr(c, ch, "size", &p->size_kib)) {
        case -1:
            return -1;
        case 0:
            if (xk_fail(c, ch, "<page> needs size=") < 0)
                return -1;
        }
        xk_str(ch, "nodeset", &p->nodeset);
        if (xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_backing_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_mem_backing *mb = obj;

    if (XK_IS(ch, "hugepages"))
        return parse_hugepages(c, ch, mb);
    if (XK_IS(ch, "nosharepages")) {
        mb->nosharepages = 1;
    } else if (XK_IS(ch, "locked")) {
        mb->locked = 1;
    } else if (XK_IS(ch, "discard")) {
        mb->discard = 1;
    } else if (XK_IS(ch, "source")) {
        xk_str(ch, "type", &mb->source_type);
    } else if (XK_IS(ch, "access")) {
        xk_str(ch, "mode", &mb->access_mode);
    } else if (XK_IS(ch, "allocation")) {
        xk_str(ch, "mode", &mb->allocation_mode);
        if (xk_uint(c, ch, "threads", &mb->allocation_threads) < 0)
            return -1;
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

int
dx_parse_memory_backing(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    def->mem_backing.present = 1;
    if (xk_children(c, n, parse_backing_child, &def->mem_backing) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

void
fx_memory_backing(xmlNode *root, const struct dom_mem_backing *mb)
{
    xmlNode *n, *e;

    if (!mb->present)
        return;
    n = fx_elem(root, "memoryBacking");
    if (mb->hugepages) {
        e = fx_elem(n, "hugepages");
        for (size_t i = 0; i < mb->n_pages; i++) {
            xmlNode *p = fx_elem(e, "page");
            fx_attrf(p, "size", "%llu", (unsigned long long)mb->pages[i].size_kib);
            fx_attr(p, "unit", "KiB");
            fx_attr(p, "nodeset", mb->pages[i].nodeset);
        }
    }
    if (mb->nosharepages)
        fx_elem(n, "nosharepages");
    if (mb->locked)
        fx_elem(n, "locked");
    if (mb->source_type)
        fx_attr(fx_elem(n, "source"), "type", mb->source_type);
    if (mb->access_mode)
        fx_attr(fx_elem(n, "access"), "mode", mb->access_mode);
    if (mb->allocation_mode || mb->allocation_threads) {
        e = fx_elem(n, "allocation");
        fx_attr(e, "mode", mb->allocation_mode);
        if (mb->allocation_threads)
            fx_attrf(e, "threads", "%u", mb->allocation_threads);
    }
    if (mb->discard)
        fx_elem(n, "discard");
}

/* ---- <numatune> ---- */

static int
parse_numatune_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_numatune *nt = obj;

    if (XK_IS(ch, "memory")) {
        nt->memory = 1;      /* a repeated <memory> overrides, as given */
        xk_str(ch, "mode", &nt->mode);
        xk_str(ch, "nodeset", &nt->nodeset);
        xk_str(ch, "placement", &nt->placement);
    } else if (XK_IS(ch, "memnode")) {
        struct dom_numatune_memnode *m = xk_push(&nt->memnodes, &nt->n_memnodes,
                                                 sizeof(*m));
        switch (xk_uint(c, ch, "cellid", &m->cellid)) {
        case -1:
            return -1;
        case 0:
            if (xk_fail(c, ch, "<memnode> needs cellid=") < 0)
                return -1;
        }
        xk_str(ch, "mode", &m->mode);
        xk_str(ch, "nodeset", &m->nodeset);
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

int
dx_parse_numatune(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    def->numatune.present = 1;
    if (xk_children(c, n, parse_numatune_child, &def->numatune) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

void
fx_numatune(xmlNode *root, const struct dom_numatune *nt)
{
    xmlNode *n, *e;

    if (!nt->present)
        return;
    n = fx_elem(root, "numatune");
    if (nt->memory) {
        e = fx_elem(n, "memory");
        fx_attr(e, "mode", nt->mode);
        fx_attr(e, "placement", nt->placement);
        fx_attr(e, "nodeset", nt->nodeset);
    }
    for (size_t i = 0; i < nt->n_memnodes; i++) {
        e = fx_elem(n, "memnode");
        fx_attrf(e, "cellid", "%u", nt->memnodes[i].cellid);
        fx_attr(e, "mode", nt->memnodes[i].mode);
        fx_attr(e, "nodeset", nt->memnodes[i].nodeset);
    }
}
