/* host_mem.h - the host's memory facts a guest's memory placement needs:
 * the hugetlbfs mounts by page size, the default huge page size and the
 * online NUMA nodes, read from /proc and /sys. */
#ifndef LV_HOST_MEM_H
#define LV_HOST_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HOST_MEM_MAX_MOUNTS 8

struct host_mem {
    size_t n_hugetlbfs;
    struct {
        uint64_t page_kib;     /* huge page size of this mount */
        char path[256];
    } hugetlbfs[HOST_MEM_MAX_MOUNTS];
    uint64_t default_hugepage_kib; /* /proc/meminfo Hugepagesize; 0 none */
    char numa_online[128];     /* "0-3": online host NUMA nodes */
};

/* Read the facts from the host (/proc/mounts, /proc/meminfo,
 * /sys/devices/system/node/online). Missing files mean "none" (no huge
 * pages, node "0"), so this does not fail. */
void host_mem_probe(struct host_mem *m);

/* The first hugetlbfs mount for page_kib (0: the default size), borrowed;
 * NULL when none is mounted. */
const char *host_mem_hugetlbfs(const struct host_mem *m, uint64_t page_kib);

/* Parse a hugetlbfs mount's options ("rw,relatime,pagesize=2M") into its
 * page size in KiB; dflt when there is no pagesize= (pure: tested). */
uint64_t host_mem_pagesize_opt(const char *opts, uint64_t dflt);

#endif
