/* test_tap.c - the pure parts of net/tap.c: which name TUNSETIFF gets and
 * the tap's MAC derived from the guest's (libvirt's fe:/fa: rule). */
#include <string.h>

#include "harness.h"
#include "net/tap.h"

static void
test_names(void)
{
    struct lv_err err = LV_ERR_INIT;
    char out[TAP_NAME_SIZE];

    CHECK(tap_name_template(NULL, out, &err) == 0 && !strcmp(out, "vnet%d"),
          "NULL -> vnet%%d, got %s", out);
    CHECK(tap_name_template("", out, &err) == 0 && !strcmp(out, "vnet%d"),
          "empty -> vnet%%d");
    /* vnet names are luavirt's to pick, like libvirt regenerates them */
    CHECK(tap_name_template("vnet7", out, &err) == 0 && !strcmp(out, "vnet%d"),
          "vnet7 -> vnet%%d, got %s", out);
    CHECK(tap_name_template("mytap0", out, &err) == 0 && !strcmp(out, "mytap0"),
          "own name kept, got %s", out);
    CHECK(tap_name_template("abcdefghijklmno", out, &err) == 0,
          "15 bytes fit");
    CHECK(tap_name_template("abcdefghijklmnop", out, &err) < 0 &&
          err.code == LV_E_INVALID && strstr(err.msg, "too long"),
          "16 bytes too long: %s", err.msg);
    CHECK(tap_name_template("a/b", out, &err) < 0 &&
          strstr(err.msg, "interface name 'a/b'"), "slash: %s", err.msg);
    CHECK(tap_name_template("tap%d", out, &err) < 0, "%% refused");
    CHECK(tap_name_template("a b", out, &err) < 0, "space refused");
    CHECK(tap_name_template("..", out, &err) < 0, ".. refused");
}

static void
test_macs(void)
{
    struct lv_err err = LV_ERR_INIT;
    char out[18];

    CHECK(tap_mac_derive("52:54:00:12:34:56", out, &err) == 0 &&
          !strcmp(out, "fe:54:00:12:34:56"), "52: -> fe:, got %s", out);
    CHECK(tap_mac_derive("52:54:00:AB:CD:EF", out, &err) == 0 &&
          !strcmp(out, "fe:54:00:ab:cd:ef"), "lower case, got %s", out);
    CHECK(tap_mac_derive("fe:54:00:12:34:56", out, &err) == 0 &&
          !strcmp(out, "fa:54:00:12:34:56"), "fe: -> fa:, got %s", out);
    CHECK(tap_mac_derive("01:00:5e:00:00:01", out, &err) < 0 &&
          err.code == LV_E_INVALID, "multicast refused");
    CHECK(tap_mac_derive("52:54:00:12:34", out, &err) < 0 &&
          strstr(err.msg, "mac address '52:54:00:12:34'"), "short: %s", err.msg);
    CHECK(tap_mac_derive("zz:54:00:12:34:56", out, &err) < 0, "not hex");
    CHECK(tap_mac_derive(NULL, out, &err) < 0, "NULL refused");
}

int
main(void)
{
    test_names();
    test_macs();
    return TEST_DONE();
}
