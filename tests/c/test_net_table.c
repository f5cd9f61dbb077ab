/* test_net_table.c - virtual networks as Lua tables (net/net_lua_table.c):
 * reading a table into a net_def, pushing it back, round trips (also from
 * every network XML of libvirt's conformance corpus), and the errors. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <libxml/parser.h>

#include "harness.h"
#include "harness_lua.h"
#include "net/net_def.h"
#include "net/net_lua_table.h"
#include "net/net_xml.h"
#include "strbuf.h"

/* Every key of the shape, in its canonical form (what push gives back). */
static const char full[] =
    "return { name = 'lab', uuid = '81ff0d90-c91e-6742-64da-4a736edb9a9b',\n"
    "  title = 'Lab net', description = 'for tests',\n"
    "  metadata_xml = '<metadata xmlns:app=\"http://a/\"><app:x "
    "xmlns:app=\"http://a/\"/></metadata>',\n"
    "  ipv6 = true, trust_guest_rx_filters = false,\n"
    "  forward = { mode = 'nat', dev = 'eth0', interfaces = {'eth0'},\n"
    "    nat = { address = { start = '1.2.3.4', ['end'] = '1.2.3.10' },\n"
    "      port = { start = 500, ['end'] = 1000 }, ipv6 = true } },\n"
    "  bridge = { name = 'virbr42', stp = false, delay = 2 },\n"
    "  mac = '52:54:00:0a:0b:0c', mtu = 9000,\n"
    "  domain = { name = 'lab.test', local_only = true, register = false },\n"
    "  port_isolated = true,\n"
    "  dns = { enable = true, forward_plain_names = false,\n"
    "    forwarders = {{ addr = '8.8.8.8' }, { domain = 'corp',\n"
    "      addr = '10.9.9.9' }},\n"
    "    txts = {{ name = 'ex', value = 'v=1' }},\n"
    "    hosts = {{ ip = '192.168.42.5', hostnames = {'a', 'b'} }},\n"
    "    srvs = {{ service = 'ldap', protocol = 'tcp', domain = 'lab.test',\n"
    "      target = 'a', port = 389, priority = 10, weight = 5 }} },\n"
    "  ips = {\n"
    "    { address = '192.168.42.1', netmask = '255.255.255.0',\n"
    "      local_ptr = true, tftp_root = '/srv/tftp',\n"
    "      dhcp = { ranges = {{ start = '192.168.42.100',\n"
    "          ['end'] = '192.168.42.200',\n"
    "          lease = { expiry = 1, unit = 'hours' } }},\n"
    "        hosts = {{ mac = '52:54:00:aa:bb:cc', name = 'h1',\n"
    "          ip = '192.168.42.10', lease = { expiry = 30,\n"
    "          unit = 'minutes' } }},\n"
    "        bootp = { file = 'pxelinux.0', server = '192.168.42.2' } } },\n"
    "    { family = 'ipv6', address = '2001:db8:42::1', prefix = 64,\n"
    "      dhcp = { hosts = {{ id = '0:1:0:1:aa', ip = '2001:db8:42::5' }} } } },\n"
    "  routes = {{ address = '10.20.0.0', prefix = 16,\n"
    "    gateway = '192.168.42.254', metric = 2 }},\n"
    "  bandwidth_xml = '<bandwidth><inbound average=\"1000\"/></bandwidth>',\n"
    "  portgroups = {'<portgroup name=\"eng\" default=\"yes\"/>'},\n"
    "  dnsmasq_options = {'cache-size=100'},\n"
    "  extra_xml = {'<frobnicate level=\"3\"/>'},\n"
    "}\n";

static struct net_def *
def_from_chunk(lua_State *L, const char *chunk, struct lv_err *err)
{
    struct net_def *def;
    int top = lua_gettop(L);

    if (harness_dostring(L, chunk) < 0)
        return NULL;
    def = net_lua_table_to_def(L, -1, err);
    CHECK(lua_gettop(L) == top + 1, "to_def changed the stack: %d -> %d",
          top + 1, lua_gettop(L));
    lua_settop(L, top);
    return def;
}

static void
test_fields(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = def_from_chunk(L, full, &err);
    const struct net_ip *ip;

    CHECK(def != NULL, "full table: %s", err.msg);
    if (!def)
        return;
    CHECK(!strcmp(def->name, "lab") && !strcmp(def->title, "Lab net"),
          "name, title");
    CHECK(def->forward.mode == NET_FWD_NAT && def->forward.has_nat &&
          def->forward.nat_port_start == 500 &&
          def->forward.nat_port_end == 1000 &&
          !strcmp(def->forward.nat_addr_end, "1.2.3.10") &&
          def->forward.nat_ipv6 == LV_TRI_ON, "forward nat");
    CHECK(!strcmp(def->bridge.name, "virbr42") &&
          def->bridge.stp == LV_TRI_OFF && def->bridge.delay == 2,
          "bridge");
    CHECK(def->mtu == 9000 && def->port_isolated == LV_TRI_ON &&
          def->domain_local_only == LV_TRI_ON &&
          def->domain_register == LV_TRI_OFF, "mtu, port, domain");
    CHECK(def->has_dns && def->dns.n_forwarders == 2 &&
          def->dns.n_srvs == 1 && def->dns.srvs[0].weight == 5 &&
          def->dns.n_hosts == 1 && def->dns.hosts[0].n_hostnames == 2,
          "dns");
    CHECK(def->n_ips == 2, "two ips: %zu", def->n_ips);
    if (def->n_ips == 2) {
        ip = &def->ips[0];
        CHECK(!ip->family_explicit && ip->family == NET_FAMILY_IPV4 &&
              ip->prefix == -1 && ip->has_dhcp && ip->n_ranges == 1 &&
              ip->ranges[0].lease.expiry == 1 &&
              !strcmp(ip->bootp_server, "192.168.42.2") &&
              !strcmp(ip->tftp_root, "/srv/tftp"), "ipv4 <ip>");
        ip = &def->ips[1];
        CHECK(ip->family_explicit && ip->family == NET_FAMILY_IPV6 &&
              ip->prefix == 64 && ip->n_hosts == 1 &&
              ip->hosts[0].lease.expiry == -1, "ipv6 <ip>");
    }
    CHECK(def->n_routes == 1 && def->routes[0].metric == 2 &&
          def->routes[0].prefix == 16 && !def->routes[0].family_explicit,
          "route");
    CHECK(def->portgroups.n == 1 && def->n_dnsmasq_options == 1 &&
          def->keep.n == 1 && def->bandwidth_xml && def->metadata_xml,
          "kept XML");
    net_def_free(def);
}

/* full -> def -> table: the same table; -> def -> XML: the same XML. */
static void
test_round_trip(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *d1 = def_from_chunk(L, full, &err), *d2;
    char *x1, *x2, where[256];

    if (!d1)
        return;
    harness_dostring(L, full);
    net_lua_table_push(L, d1);
    CHECK(harness_deep_eq(L, lua_gettop(L) - 1, lua_gettop(L), where,
                          sizeof(where)), "pushed table differs at %s", where);
    lua_pop(L, 2);
    net_lua_table_push(L, d1);
    d2 = net_lua_table_to_def(L, -1, &err);
    lua_pop(L, 1);
    x1 = net_def_format_xml(d1, 0, &err);
    x2 = d2 ? net_def_format_xml(d2, 0, &err) : NULL;
    CHECK(x1 && x2 && !strcmp(x1, x2), "XML differs after a round trip");
    CHECK(x1 && strstr(x1, "<dnsmasq:option value='cache-size=100'/>") &&
          strstr(x1, "<frobnicate level='3'/>") &&
          strstr(x1, "<port start='500' end='1000'/>"),
          "XML of the table:\n%s", x1 ? x1 : err.msg);
    free(x1);
    free(x2);
    net_def_free(d1);
    net_def_free(d2);
}

static void
test_minimal(lua_State *L)
{
    static const unsigned char zero[16];
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = def_from_chunk(L, "return { name = 'iso' }", &err);

    CHECK(def != NULL, "minimal table: %s", err.msg);
    if (!def)
        return;
    CHECK(memcmp(def->uuid, zero, 16) != 0, "a uuid is made up");
    CHECK(def->mac != NULL, "a bridge MAC is made up, as for XML");
    CHECK(def->forward.mode == NET_FWD_NONE && !def->n_ips && !def->has_dns,
          "nothing else is set");
    net_def_free(def);
}

static void
expect_error(lua_State *L, const char *chunk, const char *want)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = def_from_chunk(L, chunk, &err);

    CHECK(def == NULL, "accepted: %s", chunk);
    CHECK(err.code == LV_E_INVALID && !strcmp(err.msg, want),
          "error for %s:\n  want %s\n  got  %s", chunk, want, err.msg);
    net_def_free(def);
}

static void
test_errors(lua_State *L)
{
    expect_error(L, "return 42",
                 "network table: expected a table, got number");
    expect_error(L, "return { bridge = { name = 'virbr1' } }",
                 "network table: missing required key 'name'");
    expect_error(L, "return { name = 'n', bogus = 1 }",
                 "network table: unknown key 'bogus'");
    expect_error(L, "return { name = 'n', ips = {{ address = '10.0.0.1',\n"
                 "  dhcp = { rangs = {} } }} }",
                 "network table: unknown key 'ips[1].dhcp.rangs'");
    expect_error(L, "return { name = 'n', forward = { dev = 'eth0' } }",
                 "network table: missing required key 'forward.mode'");
    expect_error(L, "return { name = 'n', forward = { mode = 'none' } }",
                 "network table: 'forward.mode' must be one of nat, route, "
                 "open, bridge, private, vepa, passthrough, hostdev; got "
                 "'none'");
    expect_error(L, "return { name = 'n', mtu = 'big' }",
                 "network table: 'mtu' must be a number, got string");
    expect_error(L, "return { name = 'n', bridge = { delay = -2 } }",
                 "network table: 'bridge.delay' must not be negative, got -2");
    expect_error(L, "return { name = 'n', ips = { address = '10.0.0.1' } }",
                 "network table: 'ips' must be a list, got key 'address' "
                 "(write ips = {{...}})");
    expect_error(L, "return { name = 'n', ips = {{ family = 'ipv5',\n"
                 "  address = '10.0.0.1' }} }",
                 "network table: 'ips[1].family' must be one of ipv4, ipv6; "
                 "got 'ipv5'");
    /* values are checked as in XML, without the XML's line */
    expect_error(L, "return { name = 'n', mac = 'zz' }",
                 "network table: invalid MAC address 'zz': expected a "
                 "unicast xx:xx:xx:xx:xx:xx");
    expect_error(L, "return { name = 'n', ips = {{ address = '10.0.0.1',\n"
                 "  prefix = 24, dhcp = { ranges = {{ start = '10.0.1.2',\n"
                 "  ['end'] = '10.0.1.9' }} } }} }",
                 "network table: dhcp range 10.0.1.2 - 10.0.1.9 is not in "
                 "the subnet of 10.0.0.1/24");
    expect_error(L, "return { name = 'a/b' }",
                 "network table: network 'a/b': invalid name: it contains '/'");
}

/* conformance XML -> def -> table -> def: the same XML again */
static int
conformance_one(lua_State *L, const char *path, int *tried)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *d1 = NULL, *d2 = NULL;
    char *x1 = NULL, *x2 = NULL;
    struct strbuf b = STRBUF_INIT;
    char buf[4096];
    size_t n;
    FILE *f = fopen(path, "re");
    int ok = 1;

    if (!f)
        return 1;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&b, buf, n);
    fclose(f);
    d1 = net_def_parse_xml(strbuf_cstr(&b), b.len, path,
                           NET_PARSE_KEEP_UNKNOWN, &err);
    if (!d1 || !(x1 = net_def_format_xml(d1, 0, &err)))
        goto out;               /* rejected XML: test_net_xml's to judge */
    (*tried)++;
    net_lua_table_push(L, d1);
    d2 = net_lua_table_to_def(L, -1, &err);
    lua_pop(L, 1);
    ok = d2 && (x2 = net_def_format_xml(d2, 0, &err)) && !strcmp(x1, x2);
    if (!ok)
        fprintf(stderr, "%s: %s\n", path, d2 ? "XML differs" : err.msg);
out:
    free(x1);
    free(x2);
    strbuf_free(&b);
    net_def_free(d1);
    net_def_free(d2);
    return ok;
}

static void
conformance_dir(lua_State *L, const char *path, int *tried, int *bad)
{
    struct dirent *e;
    DIR *d = opendir(path);

    CHECK(d != NULL, "no conformance data at %s", path);
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char file[1400];
        if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        *bad += !conformance_one(L, file, tried);
    }
    if (d)
        closedir(d);
}

static void
test_conformance(lua_State *L)
{
    static const char *const subdirs[] = { "xml2xmlin", "xml2xmlout",
                                           "xml2conf", NULL };
    const char *dir = harness_conformance_dir("network table conformance");
    char path[1024];
    int tried = 0, bad = 0;

    if (!dir)
        return;
    for (size_t i = 0; subdirs[i]; i++) {
        snprintf(path, sizeof(path), "%s/network/%s", dir, subdirs[i]);
        conformance_dir(L, path, &tried, &bad);
    }
    CHECK(tried > 50, "conformance: only %d files parsed", tried);
    CHECK(bad == 0, "conformance: %d of %d files differ after a table round "
          "trip", bad, tried);
    printf("conformance: network table round trip %d/%d\n", tried - bad,
           tried);
}

int
main(void)
{
    lua_State *L = harness_lua_new();

    if (!L)
        return 1;
    test_fields(L);
    test_round_trip(L);
    test_minimal(L);
    test_errors(L);
    test_conformance(L);
    CHECK(lua_gettop(L) == 0, "stack not balanced: %d", lua_gettop(L));
    lua_close(L);
    xmlCleanupParser();
    return TEST_DONE();
}
