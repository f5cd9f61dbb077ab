/* test_mac.c - MAC addresses (core/mac.c): the normal form, what is
 * refused (multicast, short, bad separators, trailing text), new ones. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mac.h"

static void
ok(const char *s, const char *want)
{
    char out[18] = "";

    CHECK(lv_mac_normalize(s, out) == 0 && strcmp(out, want) == 0,
          "'%s' -> '%s', want '%s'", s, out, want);
}

static void
bad(const char *s)
{
    char out[18] = "untouched";

    CHECK(lv_mac_normalize(s, out) == -1, "'%s' refused", s ? s : "(null)");
}

int
main(void)
{
    char out[18];

    ok("52:54:00:AB:cd:0F", "52:54:00:ab:cd:0f");
    ok("02:00:00:00:00:01", "02:00:00:00:00:01");
    bad("01:00:5e:00:00:01");          /* multicast */
    bad("52:54:00:ab:cd");
    bad("52-54-00-ab-cd-ef");
    bad("52:54:00:ab:cd:efx");
    bad("52:54:00:ab:cd: f");
    bad("");
    bad(NULL);
    for (int i = 0; i < 20; i++) {
        char *m = lv_mac_generate();
        CHECK(strncmp(m, "52:54:00:", 9) == 0 && lv_mac_normalize(m, out) == 0 &&
              strcmp(m, out) == 0, "generated '%s' is a normal QEMU-OUI MAC", m);
        free(m);
    }
    return TEST_DONE();
}
