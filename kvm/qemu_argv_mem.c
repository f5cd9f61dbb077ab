/* qemu_argv_mem.c - guest memory for the QEMU argv: -m with the size
 * libvirt gives (the sum of the NUMA cells when there are cells), a memory
 * backend object per NUMA cell (-object memory-backend-ram|file|memfd and
 * -numa node,memdev=, -numa dist), or one for the whole RAM (pc.ram) when
 * <memoryBacking> or <numatune> asks for more than anonymous memory: huge
 * pages from the host's hugetlbfs, shared or file-backed memory,
 * preallocation, host NUMA binding; -overcommit mem-lock=on for <locked/>.
 * Follows libvirt's qemuBuildMemoryBackendProps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_mem.h"
#include "qemu_argv_priv.h"

/* Is cell id in a libvirt nodeset ("0,2-3,^2")? -1 when malformed. */
static int
nodeset_has(const char *set, unsigned id)
{
    const char *p = set;
    int in = 0;

    while (*p) {
        int neg = *p == '^';
        char *end;
        unsigned long a, b;
        if (neg)
            p++;
        a = b = strtoul(p, &end, 10);
        if (end == p)
            return -1;
        if (*end == '-') {
            p = end + 1;
            b = strtoul(p, &end, 10);
            if (end == p || b < a)
                return -1;
        }
        if (id >= a && id <= b)
            in = !neg;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return in;
}

/* A nodeset as QEMU's host-nodes list; NULL (err set) when malformed. */
static json_t *
host_nodes(struct qemu_argv_ctx *c, const char *set)
{
    json_t *a = json_array();

    for (unsigned n = 0; n < 1024; n++) {
        int r = nodeset_has(set, n);
        if (r < 0) {
            json_decref(a);
            lv_err_set(c->err, LV_E_INVALID, "numatune: invalid nodeset '%s'", set);
            return NULL;
        }
        if (r)
            json_array_append_new(a, json_integer(n));
    }
    return a;
}

/* numatune for the memory of cell id (-1: the whole RAM): host-nodes and
 * policy into obj. placement='auto' without a nodeset takes the online
 * host nodes (luavirt runs no numad to ask). */
static int
add_numatune(struct qemu_argv_ctx *c, long id, json_t *obj)
{
    const struct dom_numatune *nt = &c->def->numatune;
    const char *mode = nt->mode, *set = nt->nodeset;
    json_t *nodes;

    for (size_t i = 0; i < nt->n_memnodes && id >= 0; i++)
        if (nt->memnodes[i].cellid == (unsigned)id) {
            mode = nt->memnodes[i].mode;
            set = nt->memnodes[i].nodeset;
        }
    if (!nt->present || (!set && !(nt->memory && (!nt->placement ||
                                                 !strcmp(nt->placement, "auto")))))
        return 0;
    if (!set)
        set = c->o->host_mem ? c->o->host_mem->numa_online : "0";
    if (!mode)
        mode = "strict";
    if (!strcmp(mode, "restrictive"))
        return 0;              /* libvirt leaves it to cgroups */
    if (strcmp(mode, "strict") && strcmp(mode, "preferred") &&
        strcmp(mode, "interleave")) {
        lv_err_set(c->err, LV_E_INVALID, "numatune: unsupported mode '%s'", mode);
        return -1;
    }
    if (!(nodes = host_nodes(c, set)))
        return -1;
    json_object_set_new(obj, "host-nodes", nodes);
    json_object_set_new(obj, "policy", json_string(!strcmp(mode, "strict") ?
                                                   "bind" : mode));
    return 0;
}

/* The huge page size (KiB) for cell id (-1: the whole RAM): the <page>
 * whose nodeset has the cell, else the one without nodeset; with no
 * <page> at all the host's default; 0 (normal pages) when <hugepages> is
 * not given or no <page> is for the cell, as libvirt decides. */
static uint64_t
hugepage_kib(const struct qemu_argv_ctx *c, long id)
{
    const struct dom_mem_backing *mb = &c->def->mem_backing;
    uint64_t dflt = c->o->host_mem ? c->o->host_mem->default_hugepage_kib : 2048;

    if (!mb->hugepages)
        return 0;
    for (size_t i = 0; i < mb->n_pages && id >= 0; i++)
        if (mb->pages[i].nodeset && nodeset_has(mb->pages[i].nodeset, (unsigned)id) == 1)
            return mb->pages[i].size_kib;
    for (size_t i = 0; i < mb->n_pages; i++)
        if (!mb->pages[i].nodeset)
            return mb->pages[i].size_kib;
    if (mb->n_pages)
        return 0;         /* a cell no <page> names: normal pages */
    return dflt ? dflt : 2048;
}

static int
hugetlbfs_path(struct qemu_argv_ctx *c, uint64_t kib, json_t *obj)
{
    const char *path = "/dev/hugepages";

    if (c->o->host_mem && !(path = host_mem_hugetlbfs(c->o->host_mem, kib))) {
        lv_err_set(c->err, LV_E_INVALID, "memoryBacking: no hugetlbfs is mounted "
                   "for %llu KiB pages (mount -t hugetlbfs -o pagesize=%lluK "
                   "none DIR)", (unsigned long long)kib, (unsigned long long)kib);
        return -1;
    }
    json_object_set_new(obj, "mem-path", json_string(path));
    return 0;
}

/* One memory backend: id "ram-nodeN" for cell N, "pc.ram" for the whole
 * RAM (cell < 0). */
static int
add_backend(struct qemu_argv_ctx *c, const struct dom_numa_cell *cell,
            const char *id, uint64_t kib)
{
    const struct dom_mem_backing *mb = &c->def->mem_backing;
    const char *access = cell && cell->mem_access ? cell->mem_access : mb->access_mode;
    uint64_t huge = hugepage_kib(c, cell ? (cell->id >= 0 ? cell->id : 0) : -1);
    int memfd = mb->source_type && !strcmp(mb->source_type, "memfd");
    int discard = mb->discard || (cell && cell->discard && !strcmp(cell->discard, "yes"));
    json_t *o = json_pack("{s:s, s:s}", "qom-type", "memory-backend-ram", "id", id);

    if (huge == 4)
        huge = 0;                      /* the normal page size */
    if (memfd) {
        json_object_set_new(o, "qom-type", json_string("memory-backend-memfd"));
        if (huge) {
            json_object_set_new(o, "hugetlb", json_true());
            json_object_set_new(o, "hugetlbsize", json_integer((json_int_t)huge * 1024));
        }
    } else if (huge || access || (mb->source_type && !strcmp(mb->source_type, "file"))) {
        json_object_set_new(o, "qom-type", json_string("memory-backend-file"));
        if (huge && hugetlbfs_path(c, huge, o) < 0)
            goto fail;
        if (!huge)   /* an unlinked file in the run dir (tmpfs) */
            json_object_set_new(o, "mem-path", json_string(c->o->run_dir ?
                                c->o->run_dir : "/dev/shm"));
        if (discard)
            json_object_set_new(o, "discard-data", json_true());
    }
    if (access)
        json_object_set_new(o, "share", json_boolean(!strcmp(access, "shared")));
    if (huge || (mb->allocation_mode && !strcmp(mb->allocation_mode, "immediate")))
        json_object_set_new(o, "prealloc", json_true());
    if (mb->allocation_threads)
        json_object_set_new(o, "prealloc-threads", json_integer(mb->allocation_threads));
    json_object_set_new(o, "size", json_integer((json_int_t)kib * 1024));
    if (add_numatune(c, cell ? (cell->id >= 0 ? cell->id : 0) : -1, o) < 0)
        goto fail;
    qemu_argv_add_json(c, "-object", o);
    return 0;
fail:
    json_decref(o);
    return -1;
}

/* -numa node,nodeid=N,cpus=0-3,cpus=8-11,memdev=ram-nodeN */
static void
add_numa_node(struct qemu_argv_ctx *c, unsigned id, const char *cpus)
{
    struct strbuf b = STRBUF_INIT;
    char *copy = lv_strdup(cpus), *save = NULL;

    strbuf_addf(&b, "node,nodeid=%u", id);
    for (char *r = copy ? strtok_r(copy, ",", &save) : NULL; r;
         r = strtok_r(NULL, ",", &save))
        strbuf_addf(&b, ",cpus=%s", r);
    strbuf_addf(&b, ",memdev=ram-node%u", id);
    qemu_argv_add(c, "-numa");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    free(copy);
}

static unsigned
cell_id(const struct dom_cpu *cpu, size_t i)
{
    return cpu->cells[i].id >= 0 ? (unsigned)cpu->cells[i].id : (unsigned)i;
}

/* -numa dist for every known pair: the siblings given, their mirror where
 * not given, 10 for a node to itself (libvirt fills the same) */
static void
add_distances(struct qemu_argv_ctx *c, size_t n)
{
    const struct dom_cpu *cpu = &c->def->cpu;
    unsigned *d = lv_calloc(n * n, sizeof(*d));
    int any = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < cpu->cells[i].n_siblings; k++) {
            const struct dom_numa_sibling *s = &cpu->cells[i].siblings[k];
            if (s->id < n) {
                d[cell_id(cpu, i) * n + s->id] = s->value;
                any = 1;
            }
        }
    for (size_t i = 0; i < n && any; i++)
        for (size_t j = 0; j < n; j++) {
            if (!d[i * n + j])
                d[i * n + j] = i == j ? 10 : d[j * n + i];
        }
    for (size_t i = 0; i < n && any; i++)
        for (size_t j = 0; j < n; j++)
            if (d[i * n + j]) {
                qemu_argv_add(c, "-numa");
                qemu_argv_addf(c, "dist,src=%zu,dst=%zu,val=%u", i, j, d[i * n + j]);
            }
    free(d);
}

/* The highest CPU a cell's cpus= names; -1 when malformed. */
static long
cpus_max(const char *cpus)
{
    long max = -1;

    for (const char *p = cpus; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0)
            return -1;
        if (v > max)
            max = v;
        p = end;
        if (*p == ',' || *p == '-')
            p++;
        else if (*p)
            return -1;
    }
    return max;
}

static int
check_cell_cpus(struct qemu_argv_ctx *c, const struct dom_numa_cell *cell,
                unsigned id)
{
    unsigned vcpus = c->def->vcpus ? c->def->vcpus : 1;
    long max;

    if (!cell->cpus)
        return 0;
    if ((max = cpus_max(cell->cpus)) < 0 || max >= (long)vcpus) {
        lv_err_set(c->err, LV_E_INVALID, "cpu numa: cell %u: cpus='%s' %s", id,
                   cell->cpus, max < 0 ? "is not a CPU list" :
                   "names a CPU beyond the <vcpu> count");
        return -1;
    }
    return 0;
}

static int
add_cells(struct qemu_argv_ctx *c)
{
    const struct dom_cpu *cpu = &c->def->cpu;
    size_t n = cpu->n_cells;

    /* libvirt wants the ids 0..n-1, each once; emitted in id order */
    for (unsigned id = 0; id < n; id++) {
        size_t i, found = n;
        char name[32];
        for (i = 0; i < n; i++)
            if (cell_id(cpu, i) == id)
                found = found == n ? i : n + 1;
        if (found >= n) {
            lv_err_set(c->err, LV_E_INVALID, "cpu numa: cell ids must be 0..%zu, "
                       "each once (id %u is %s)", n - 1, id,
                       found == n ? "missing" : "given twice");
            return -1;
        }
        snprintf(name, sizeof(name), "ram-node%u", id);
        if (check_cell_cpus(c, &cpu->cells[found], id) < 0 ||
            add_backend(c, &cpu->cells[found], name,
                        (cpu->cells[found].memory_kib + 1023) / 1024 * 1024) < 0)
            return -1;
        add_numa_node(c, id, cpu->cells[found].cpus);
    }
    add_distances(c, n);
    return 0;
}

int
qemu_argv_mem_needs_backend(const struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    return !d->cpu.n_cells && (d->mem_backing.hugepages ||
           d->mem_backing.source_type || d->mem_backing.access_mode ||
           d->mem_backing.allocation_mode || d->mem_backing.discard ||
           (d->numatune.present && d->numatune.memory));
}

void
qemu_argv_mem_machine(const struct qemu_argv_ctx *c, struct strbuf *b)
{
    if (c->def->mem_backing.nosharepages)
        strbuf_adds(b, ",mem-merge=off");
    if (qemu_argv_mem_needs_backend(c))
        strbuf_adds(b, ",memory-backend=pc.ram");
}

int
qemu_argv_memory(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    if (d->mem_backing.locked) {
        qemu_argv_add(c, "-overcommit");
        qemu_argv_add(c, "mem-lock=on");
    }
    if (d->cpu.n_cells)
        return add_cells(c);
    if (qemu_argv_mem_needs_backend(c))
        return add_backend(c, NULL, "pc.ram",
                           qemu_argv_mem_mib(d->memory_kib) * 1024);
    return 0;
}
