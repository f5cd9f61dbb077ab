/* dom_def_mem.c - the memory placement parts of a domain definition: the
 * guest NUMA cells of <cpu><numa>, <memoryBacking> and <numatune>; their
 * release, deep copy, and the memory size they give the guest. */
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
#include "strbuf.h"

void
dom_def_mem_free(struct dom_def *def)
{
    for (size_t i = 0; i < def->cpu.n_cells; i++) {
        struct dom_numa_cell *x = &def->cpu.cells[i];
        free(x->cpus); free(x->mem_access); free(x->discard);
        free(x->siblings);
    }
    free(def->cpu.cells);
    for (size_t i = 0; i < def->mem_backing.n_pages; i++)
        free(def->mem_backing.pages[i].nodeset);
    free(def->mem_backing.pages);
    free(def->mem_backing.source_type);
    free(def->mem_backing.access_mode);
    free(def->mem_backing.allocation_mode);
    for (size_t i = 0; i < def->numatune.n_memnodes; i++) {
        free(def->numatune.memnodes[i].mode);
        free(def->numatune.memnodes[i].nodeset);
    }
    free(def->numatune.memnodes);
    free(def->numatune.mode);
    free(def->numatune.nodeset);
    free(def->numatune.placement);
}

static void *
dup_array(const void *a, size_t n, size_t size)
{
    void *d;

    if (!n)
        return NULL;
    d = lv_malloc(n * size);
    memcpy(d, a, n * size);
    return d;
}

/* d is a bitwise copy of s: replace every pointer with its own copy. */
void
dom_def_mem_copy(struct dom_def *d, const struct dom_def *s)
{
    struct dom_mem_backing *mb = &d->mem_backing;
    struct dom_numatune *nt = &d->numatune;

    d->cpu.cells = dup_array(s->cpu.cells, s->cpu.n_cells, sizeof(*d->cpu.cells));
    for (size_t i = 0; i < d->cpu.n_cells; i++) {
        struct dom_numa_cell *x = &d->cpu.cells[i];
        x->cpus = lv_strdup(x->cpus);
        x->mem_access = lv_strdup(x->mem_access);
        x->discard = lv_strdup(x->discard);
        x->siblings = dup_array(x->siblings, x->n_siblings, sizeof(*x->siblings));
    }
    mb->pages = dup_array(mb->pages, mb->n_pages, sizeof(*mb->pages));
    for (size_t i = 0; i < mb->n_pages; i++)
        mb->pages[i].nodeset = lv_strdup(mb->pages[i].nodeset);
    mb->source_type = lv_strdup(mb->source_type);
    mb->access_mode = lv_strdup(mb->access_mode);
    mb->allocation_mode = lv_strdup(mb->allocation_mode);
    nt->memnodes = dup_array(nt->memnodes, nt->n_memnodes, sizeof(*nt->memnodes));
    for (size_t i = 0; i < nt->n_memnodes; i++) {
        nt->memnodes[i].mode = lv_strdup(nt->memnodes[i].mode);
        nt->memnodes[i].nodeset = lv_strdup(nt->memnodes[i].nodeset);
    }
    nt->mode = lv_strdup(nt->mode);
    nt->nodeset = lv_strdup(nt->nodeset);
    nt->placement = lv_strdup(nt->placement);
}

uint64_t
dom_def_mem_total_kib(const struct dom_def *def)
{
    uint64_t sum = 0;

    if (!def->cpu.n_cells)
        return def->memory_kib;
    for (size_t i = 0; i < def->cpu.n_cells; i++)
        sum += (def->cpu.cells[i].memory_kib + 1023) / 1024 * 1024;
    return sum;
}
