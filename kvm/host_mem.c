/* host_mem.c - the host's hugetlbfs mounts, default huge page size and
 * online NUMA nodes, for the memory backends of the QEMU argv (libvirt
 * finds its hugetlbfs mounts the same way, from /proc/mounts). */
#include "host_mem.h"

#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t
host_mem_pagesize_opt(const char *opts, uint64_t dflt)
{
    const char *p = opts ? strstr(opts, "pagesize=") : NULL;
    char *end;
    uint64_t v;

    if (!p || (p != opts && p[-1] != ','))
        return dflt;
    v = strtoull(p + 9, &end, 10);
    switch (*end) {
    case 'k': case 'K': return v;
    case 'm': case 'M': return v * 1024;
    case 'g': case 'G': return v * 1024 * 1024;
    default: return v / 1024;          /* bytes */
    }
}

static uint64_t
default_hugepage_kib(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kib = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Hugepagesize: %llu kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void
read_online(char *buf, size_t n)
{
    FILE *f = fopen("/sys/devices/system/node/online", "re");

    snprintf(buf, n, "0");
    if (f) {
        if (fgets(buf, (int)n, f))
            buf[strcspn(buf, "\n")] = '\0';
        fclose(f);
    }
    if (!buf[0])
        snprintf(buf, n, "0");
}

void
host_mem_probe(struct host_mem *m)
{
    FILE *f = setmntent("/proc/mounts", "re");
    struct mntent *e;

    memset(m, 0, sizeof(*m));
    m->default_hugepage_kib = default_hugepage_kib();
    read_online(m->numa_online, sizeof(m->numa_online));
    while (f && (e = getmntent(f)) && m->n_hugetlbfs < HOST_MEM_MAX_MOUNTS) {
        size_t k = m->n_hugetlbfs;
        if (strcmp(e->mnt_type, "hugetlbfs") ||
            strlen(e->mnt_dir) >= sizeof(m->hugetlbfs[k].path))
            continue;
        m->hugetlbfs[k].page_kib = host_mem_pagesize_opt(e->mnt_opts,
                                                         m->default_hugepage_kib);
        snprintf(m->hugetlbfs[k].path, sizeof(m->hugetlbfs[k].path), "%s", e->mnt_dir);
        m->n_hugetlbfs++;
    }
    if (f)
        endmntent(f);
}

const char *
host_mem_hugetlbfs(const struct host_mem *m, uint64_t page_kib)
{
    if (!page_kib)
        page_kib = m->default_hugepage_kib;
    for (size_t i = 0; i < m->n_hugetlbfs; i++)
        if (m->hugetlbfs[i].page_kib == page_kib)
            return m->hugetlbfs[i].path;
    return NULL;
}
