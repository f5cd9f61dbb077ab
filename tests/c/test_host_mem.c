/* test_host_mem.c - the host memory facts: hugetlbfs page sizes from mount
 * options, and the lookup of a mount by page size. */
#include <string.h>

#include "harness.h"
#include "kvm/host_mem.h"

int
main(void)
{
    struct host_mem m = { .n_hugetlbfs = 2, .default_hugepage_kib = 2048 };

    CHECK(host_mem_pagesize_opt("rw,relatime,pagesize=2M", 9) == 2048, "2M");
    CHECK(host_mem_pagesize_opt("rw,pagesize=1G,mode=755", 9) == 1048576, "1G");
    CHECK(host_mem_pagesize_opt("pagesize=2048k", 9) == 2048, "2048k");
    CHECK(host_mem_pagesize_opt("rw,relatime", 9) == 9, "no pagesize: default");
    CHECK(host_mem_pagesize_opt("rw,xpagesize=1G", 9) == 9, "not an option name");
    m.hugetlbfs[0].page_kib = 2048;
    strcpy(m.hugetlbfs[0].path, "/dev/hugepages");
    m.hugetlbfs[1].page_kib = 1048576;
    strcpy(m.hugetlbfs[1].path, "/dev/hugepages1G");
    CHECK(!strcmp(host_mem_hugetlbfs(&m, 0), "/dev/hugepages"), "default size");
    CHECK(!strcmp(host_mem_hugetlbfs(&m, 1048576), "/dev/hugepages1G"), "1G mount");
    CHECK(host_mem_hugetlbfs(&m, 16) == NULL, "no such mount");
    /* the real host: never fails, always names a node */
    host_mem_probe(&m);
    CHECK(m.numa_online[0] != '\0', "online nodes read");
    return TEST_DONE();
}
