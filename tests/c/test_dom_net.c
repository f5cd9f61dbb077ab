/* test_dom_net.c - the pure parts of kvm/dom_net.c: domiflist rows,
 * finding a NIC by MAC or tap name, and matching DHCP leases to NICs. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dom_xml.h"
#include "harness.h"
#include "kvm/dom_net.h"

static const char xml[] =
    "<domain type='qemu'><name>n1</name><memory>65536</memory>"
    "<os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:AA:00:01'/>"
    "<source network='default'/><model type='virtio'/>"
    "<target dev='vnet3'/></interface>"
    "<interface type='bridge'><mac address='52:54:00:aa:00:02'/>"
    "<source bridge='br0'/><link state='down'/></interface>"
    "<interface type='user'><mac address='52:54:00:aa:00:03'/></interface>"
    "</devices></domain>";

static struct dom_def *
load(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = dom_def_parse_xml(xml, strlen(xml), "n1.xml", 0, &err);

    CHECK(def != NULL, "parse: %s", err.msg);
    return def;
}

static void
test_rows(const struct dom_def *def)
{
    struct dom_net_row *r;
    size_t n;

    dom_net_rows(def, &r, &n);
    CHECK(n == 3, "3 rows, got %zu", n);
    if (n != 3)
        return;
    CHECK(!strcmp(r[0].iface, "vnet3") && !strcmp(r[0].type, "network") &&
          !strcmp(r[0].source, "default") && !strcmp(r[0].model, "virtio") &&
          !strcmp(r[0].mac, "52:54:00:aa:00:01") && !strcmp(r[0].link, "up"),
          "row 0: %s %s %s %s %s", r[0].iface, r[0].type, r[0].source,
          r[0].model, r[0].mac);
    CHECK(!strcmp(r[1].iface, "-") && !strcmp(r[1].type, "bridge") &&
          !strcmp(r[1].source, "br0") && !strcmp(r[1].model, "-") &&
          !strcmp(r[1].link, "down"), "row 1: %s %s %s %s", r[1].iface,
          r[1].type, r[1].source, r[1].link);
    CHECK(!strcmp(r[2].type, "user") && !strcmp(r[2].source, "-"),
          "row 2: %s %s", r[2].type, r[2].source);
    dom_net_rows_free(r, n);
}

static void
test_find(const struct dom_def *def)
{
    struct lv_err err = LV_ERR_INIT;

    CHECK(dom_net_find(def, "52:54:00:aa:00:02", &err) == 1, "by mac");
    CHECK(dom_net_find(def, "52:54:00:AA:00:01", &err) == 0, "mac any case");
    CHECK(dom_net_find(def, "vnet3", &err) == 0, "by dev");
    CHECK(dom_net_find(def, "52:54:00:aa:00:09", &err) < 0 &&
          strstr(err.msg, "interface (mac: 52:54:00:aa:00:09) not found"),
          "missing mac: %s", err.msg);
    CHECK(dom_net_find(def, "vnet9", &err) < 0 &&
          strstr(err.msg, "(dev: vnet9)"), "missing dev: %s", err.msg);
}

static void
test_leases(const struct dom_def *def)
{
    struct net_dhcp_lease l[3] = {
        { .mac = "52:54:00:aa:00:01", .ip = "192.168.122.10", .prefix = 24,
          .family = AF_INET },
        { .mac = "52:54:00:bb:00:01", .ip = "192.168.122.11", .prefix = 24,
          .family = AF_INET },
        { .mac = "52:54:00:aa:00:01", .ip = "fd00::5", .prefix = 64,
          .family = AF_INET6 },
    };
    struct dom_net_addr *a = NULL;
    size_t n = 0;

    dom_net_match_leases(&def->interfaces[0], l, 3, &a, &n);
    CHECK(n == 2, "2 leases match, got %zu", n);
    if (n == 2) {
        CHECK(!strcmp(a[0].name, "vnet3") && !strcmp(a[0].ip, "192.168.122.10") &&
              a[0].prefix == 24 && a[0].family == AF_INET &&
              !strcmp(a[0].mac, "52:54:00:aa:00:01"), "first: %s %s/%d",
              a[0].name, a[0].ip, a[0].prefix);
        CHECK(a[1].family == AF_INET6 && !strcmp(a[1].ip, "fd00::5"), "v6");
    }
    dom_net_match_leases(&def->interfaces[1], l, 3, &a, &n);
    CHECK(n == 2, "no lease for the bridge NIC");
    free(a);
}

static void
test_fds(void)
{
    int fds[4] = { -1, 7, -1, 9 }, out[4];

    CHECK(dom_net_fds_collect(fds, 4, out) == 2 && out[0] == 7 && out[1] == 9,
          "collect");
    CHECK(dom_net_fds_collect(NULL, 0, out) == 0, "none");
}

int
main(void)
{
    struct dom_def *def = load();

    if (def) {
        test_rows(def);
        test_find(def);
        test_leases(def);
    }
    test_fds();
    dom_def_free(def);
    return TEST_DONE();
}
