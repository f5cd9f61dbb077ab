/* test_nft_name.c - nftables table names (net/nft.c): one per network and
 * state root, so that two state roots on one host never share a table. */
#include <string.h>

#include "harness.h"
#include "net/nft.h"

int
main(void)
{
    struct lv_err err = LV_ERR_INIT;
    char a[256], b[256], c[256], d[256], small[16];
    const char *u = "0123456789abcdef0123456789abcdef";

    CHECK(nft_table_name("/var/lib/luavirt", "default", u, a, sizeof(a), &err) == 0 &&
          !strncmp(a, "luavirt_", 8) && strlen(a) == 8 + 8 + 1 + 7 &&
          !strcmp(a + 17, "default"), "luavirt_HHHHHHHH_default: %s", a);
    CHECK(nft_table_name("/tmp/other/lib", "default", u, b, sizeof(b), &err) == 0 &&
          strcmp(a, b) != 0, "another root, another table: %s vs %s", a, b);
    CHECK(nft_table_name("/var/lib/luavirt", "default", u, c, sizeof(c), &err) == 0 &&
          !strcmp(a, c), "the same root, the same table");
    CHECK(nft_table_name("/var/lib/luavirt", "my net!", u, d, sizeof(d), &err) == 0 &&
          strstr(d, u) != NULL, "a name nft cannot take: the uuid: %s", d);
    CHECK(nft_table_name("/r", "default", u, small, sizeof(small), &err) == -1 &&
          err.code == LV_E_INVALID && strstr(err.msg, "network 'default'"),
          "too long: %s", err.msg);
    return TEST_DONE();
}
