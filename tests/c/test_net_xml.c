/* test_net_xml.c - network XML parse/format: the libvirt conformance corpus
 * (../shared/conformance/libvirt/network, or $LUAVIRT_CONFORMANCE/network):
 * byte-exact round trip of xml2xmlin -> xml2xmlout, rejection of the
 * parse-error rows, stability of format; then own cases for errors,
 * defaults, copy and the small queries of net_def.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "net/net_xml.h"
#include "strbuf.h"

static char *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct strbuf b = STRBUF_INIT;
    char buf[8192];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}

static const char *
corpus(void)
{
    static const char *dir;
    static int looked;

    if (!looked) {
        dir = harness_conformance_dir("network conformance");
        looked = 1;
    }
    return dir;
}

/* Print the first differing line of want/got. */
static void
show_diff(const char *name, const char *want, const char *got)
{
    int line = 1;

    while (*want && *want == *got) {
        if (*want == '\n')
            line++;
        want++;
        got++;
    }
    fprintf(stderr, "  %s line %d: want '%.*s' got '%.*s'\n", name, line,
            (int)strcspn(want, "\n"), want, (int)strcspn(got, "\n"), got);
}

/* format(parse(x)) == x for a formatted x */
static int
stable(const char *xml, unsigned pflags, unsigned fflags)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = net_def_parse_xml(xml, strlen(xml), "stable",
                                            pflags, &err);
    char *again = def ? net_def_format_xml(def, fflags, &err) : NULL;
    int ok = again && !strcmp(again, xml);

    if (!ok)
        fprintf(stderr, "  unstable: %s\n", again ? "differs" : err.msg);
    free(again);
    net_def_free(def);
    return ok;
}

struct counts { int exact, rejected, different, n_ok, n_err; };

static void
run_row(const char *dir, char **f, struct counts *k)
{
    char path[1200];
    size_t len = 0, wlen = 0;
    struct lv_err err = LV_ERR_INIT;
    unsigned fflags = strstr(f[2], "INACTIVE") ? NET_FORMAT_INACTIVE : 0;
    char *in, *want = NULL, *got = NULL;
    struct net_def *def;

    snprintf(path, sizeof(path), "%s/%s", dir, f[3]);
    in = read_file(path, &len);
    CHECK(in != NULL, "cannot read %s", path);
    if (!in)
        return;
    def = net_def_parse_xml(in, len, f[3], NET_PARSE_NO_MAC, &err);
    if (!strcmp(f[1], "parse-error")) {
        k->n_err++;
        CHECK(def == NULL, "%s: accepted, libvirt rejects it", f[0]);
        if (!def) {
            k->rejected++;
            printf("  rejected %s: %s\n", f[0], err.msg);
        }
        goto out;
    }
    k->n_ok++;
    CHECK(def != NULL, "%s: %s", f[0], err.msg);
    if (!def)
        goto out;
    got = net_def_format_xml(def, fflags, &err);
    snprintf(path, sizeof(path), "%s/%s", dir, f[4]);
    want = read_file(path, &wlen);
    CHECK(got && want, "%s: format or read failed", f[0]);
    if (got && want && !strcmp(got, want)) {
        k->exact++;
    } else if (got && want) {
        k->different++;
        show_diff(f[0], want, got);
    }
    CHECK(got && stable(got, NET_PARSE_NO_MAC, fflags), "%s: unstable",
          f[0]);
out:
    net_def_free(def);
    free(in);
    free(want);
    free(got);
}

static void
test_conformance(void)
{
    char dir[512], path[600], line[1024];
    struct counts k = { 0, 0, 0, 0, 0 };
    FILE *tsv;

    if (!corpus())
        return;
    snprintf(dir, sizeof(dir), "%s/network", corpus());
    snprintf(path, sizeof(path), "%s/xml2xml-tests.tsv", dir);
    tsv = fopen(path, "r");
    CHECK(tsv != NULL, "cannot open %s", path);
    if (!tsv)
        return;
    while (fgets(line, sizeof(line), tsv)) {
        char *f[5], *save = NULL, *p = line;
        int nf = 0;
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = 0;
        while (nf < 5 && (f[nf] = strtok_r(p, "\t", &save)))
            p = NULL, nf++;
        if (nf == 5)
            run_row(dir, f, &k);
    }
    fclose(tsv);
    printf("conformance: network xml2xml exact %d/%d, rejected-as-expected "
           "%d/%d, parsed-but-different %d\n", k.exact, k.n_ok, k.rejected,
           k.n_err, k.different);
}

/* ---- own cases ---- */

static const char *const base_head =
    "<network>\n  <name>t</name>\n  <forward mode='nat'/>\n";

/* Parse head+body+"</network>"; expect failure whose message has every
 * one of the NULL-ended substrings. */
static void
expect_fail(const char *body, const char *const *subs)
{
    struct lv_err err = LV_ERR_INIT;
    char *xml = lv_asprintf("%s%s</network>\n", base_head, body);
    struct net_def *def = net_def_parse_xml(xml, strlen(xml), "t.xml", 0,
                                            &err);

    CHECK(def == NULL, "accepted: %s", body);
    for (size_t i = 0; !def && subs[i]; i++)
        CHECK(strstr(err.msg, subs[i]) != NULL, "'%s' not in '%s'", subs[i],
              err.msg);
    net_def_free(def);
    free(xml);
}

#define FAIL(body, ...) \
    expect_fail(body, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_errors(void)
{
    FAIL("  <ip address='192.168.1.300' netmask='255.255.255.0'/>\n",
         "t.xml line 4", "192.168.1.300");
    FAIL("  <ip address='10.0.0.1' prefix='33'/>\n", "line 4", "'33'");
    FAIL("  <ip address='10.0.0.1' netmask='255.0.255.0'/>\n", "255.0.255.0");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <range start='10.0.1.2' end='10.0.1.9'/>\n"
         "    </dhcp>\n  </ip>\n", "line 6", "10.0.1.2", "subnet");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <range start='10.0.0.9' end='10.0.0.2'/>\n"
         "    </dhcp>\n  </ip>\n", "reversed");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <host mac='52:54:00:00:00:01' ip='10.0.1.5'/>\n"
         "    </dhcp>\n  </ip>\n", "line 6", "10.0.1.5");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <host mac='52:54:00:00:00:01' ip='10.0.0.5'/>\n"
         "      <host mac='52:54:00:00:00:01' ip='10.0.0.6'/>\n"
         "    </dhcp>\n  </ip>\n", "line 7", "duplicate", "52:54:00:00:00:01");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <host mac='52:54:00:00:00:01' ip='10.0.0.5'/>\n"
         "      <host mac='52:54:00:00:00:02' ip='10.0.0.5'/>\n"
         "    </dhcp>\n  </ip>\n", "duplicate", "10.0.0.5");
    FAIL("  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
         "      <host mac='52:54:00:zz:00:01' ip='10.0.0.5'/>\n"
         "    </dhcp>\n  </ip>\n", "line 6", "52:54:00:zz:00:01");
    FAIL("  <mac address='01:00:00:00:00:01'/>\n", "line 4",
         "01:00:00:00:00:01");
    FAIL("  <frobnicate/>\n", "t.xml line 4", "unsupported element",
         "<frobnicate>");
    FAIL("  <bridge name='virbr0' colour='red'/>\n", "line 4", "colour");
    FAIL("  <ip family='ipv6' address='10.0.0.1' prefix='64'/>\n", "IPv6",
         "10.0.0.1");
    FAIL("  <ip family='ipv6' address='fd00::1' prefix='129'/>\n", "129");
    FAIL("  <dns enable='no'><host ip='10.0.0.2'><hostname>a</hostname>"
         "</host></dns>\n", "enable='no'");
    FAIL("  <uuid>not-a-uuid</uuid>\n", "not-a-uuid");
    {
        /* the fuzzer's: written back as forward dev=, which open refuses */
        struct lv_err err = LV_ERR_INIT;
        const char *bad = "<network><name>x</name>\n<forward mode='open'>"
                          "<interface dev='eth1'/></forward></network>";
        struct net_def *def = net_def_parse_xml(bad, strlen(bad), "o.xml", 0, &err);
        CHECK(!def && strstr(err.msg, "<interface dev='eth1'> not allowed in "
                             "<forward mode='open'>"), "open with an interface: %s",
              def ? "accepted" : err.msg);
        net_def_free(def);
    }
    FAIL("  <bridge name='virbr0' stp='maybe'/>\n", "maybe");
    FAIL("  <ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2'"
         " end='10.0.0.9'/></dhcp></ip>\n  <ip address='10.0.1.1' "
         "prefix='24'><dhcp><range start='10.0.1.2' end='10.0.1.9'/></dhcp>"
         "</ip>\n", "one IPv4");
    {
        struct lv_err err = LV_ERR_INIT;
        const char *bad = "<network><name>x</name>\n<forward mode='warp'/>"
                          "</network>";
        struct net_def *def = net_def_parse_xml(bad, strlen(bad), NULL, 0,
                                                &err);
        CHECK(!def && strstr(err.msg, "network XML line 2") &&
              strstr(err.msg, "warp"), "bad mode: %s", err.msg);
        net_def_free(def);
        bad = "<network><name>x</name>";
        def = net_def_parse_xml(bad, strlen(bad), "m.xml", 0, &err);
        CHECK(!def && strstr(err.msg, "m.xml line 1: malformed XML"),
              "malformed: %s", err.msg);
        net_def_free(def);
        bad = "<network><uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>"
              "</network>";
        def = net_def_parse_xml(bad, strlen(bad), "m.xml", 0, &err);
        CHECK(!def && strstr(err.msg, "missing <name>"), "no name: %s",
              err.msg);
        net_def_free(def);
    }
}

static const char *const good =
    "<network>\n"
    "  <name>nat1</name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr5'/>\n"
    "  <ip address='10.9.0.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='10.9.0.2' end='10.9.0.254'/>\n"
    "      <host mac='52:54:00:AA:00:01' name='web' ip='10.9.0.10'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "  <ip family='ipv6' address='fd00:9::1' prefix='64'/>\n"
    "  <frob x='1'/>\n"
    "</network>\n";

static void
test_defaults_and_queries(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def, *copy, *other;
    struct in_addr a4;
    int prefix = -1;
    char *x1, *x2;
    const char *o;
    const char *other_xml = "<network><name>o</name><ip address='10.9.0.129'"
                            " prefix='25'/></network>";
    struct net_dhcp_host h;
    size_t idx = 99;

    def = net_def_parse_xml(good, strlen(good), "g.xml", 0, &err);
    CHECK(def == NULL && strstr(err.msg, "g.xml line 12") &&
          strstr(err.msg, "<frob>"), "unknown: %s", err.msg);
    def = net_def_parse_xml(good, strlen(good), "g.xml",
                            NET_PARSE_KEEP_UNKNOWN, &err);
    CHECK(def != NULL, "keep-unknown: %s", err.msg);
    if (!def)
        return;
    CHECK(def->mac && !strncmp(def->mac, "52:54:00:", 9), "bridge mac");
    CHECK(net_def_ipv4(def, &a4, &prefix) && prefix == 24 &&
          a4.s_addr == inet_addr("10.9.0.1"), "ipv4 query");
    CHECK(net_def_ipv6(def, NULL, &prefix) && prefix == 64, "ipv6 query");
    CHECK(!strcmp(net_def_bridge(def), "virbr5"), "bridge");
    CHECK(net_def_find_dhcp_host(def, "52:54:00:aa:00:01", NULL, NULL),
          "find by mac");
    CHECK(net_def_find_dhcp_host(def, NULL, NULL, "10.9.0.10"), "find ip");
    CHECK(!net_def_find_dhcp_host(def, NULL, "nobody", NULL), "find none");
    x1 = net_def_format_xml(def, 0, &err);
    CHECK(x1 && strstr(x1, "<frob x='1'/>") &&
          strstr(x1, "mac='52:54:00:aa:00:01'"), "kept: %s", x1);
    copy = net_def_copy(def);
    x2 = net_def_format_xml(copy, 0, &err);
    CHECK(x1 && x2 && !strcmp(x1, x2), "copy formats the same");
    CHECK(x1 && stable(x1, NET_PARSE_KEEP_UNKNOWN, 0), "own stable");
    other = net_def_parse_xml(other_xml, strlen(other_xml), NULL, 0, &err);
    CHECK(other && net_def_subnets_overlap(def, other) &&
          net_def_subnets_overlap(other, def), "overlap");
    if (other)
        other->ips[0].address[5] = '8';   /* 10.9.8.129/25 */
    CHECK(other && !net_def_subnets_overlap(def, other), "no overlap");
    o = "<host mac='52:54:00:12:34:56' name='server1' ip='10.9.0.20'/>";
    CHECK(net_dhcp_host_parse_xml(def, o, strlen(o), &h, &idx, &err) == 0 &&
          idx == 0 && !strcmp(h.name, "server1"), "update host: %s",
          err.msg);
    {
        char *f = net_dhcp_host_format_xml(&h);
        CHECK(!strcmp(f, o), "host format: %s", f);
        free(f);
    }
    net_dhcp_host_clear(&h);
    o = "<host mac='52:54:00:aa:00:01' name='dup' ip='10.9.0.21'/>";
    CHECK(net_dhcp_host_parse_xml(def, o, strlen(o), &h, &idx, &err) < 0 &&
          strstr(err.msg, "duplicate"), "update dup: %s", err.msg);
    o = "<host mac='52:54:00:aa:00:09' ip='192.0.2.1'/>";
    CHECK(net_dhcp_host_parse_xml(def, o, strlen(o), &h, &idx, &err) < 0 &&
          strstr(err.msg, "192.0.2.1"), "update outside: %s", err.msg);
    CHECK(net_forward_mode_from_str("route") == NET_FWD_ROUTE &&
          !strcmp(net_forward_mode_to_str(NET_FWD_OPEN), "open") &&
          net_forward_mode_from_str("x") == -1, "mode table");
    free(x1);
    free(x2);
    net_def_free(copy);
    net_def_free(other);
    net_def_free(def);
}

static void
test_validate(void)
{
    struct strbuf p = STRBUF_INIT;
    struct lv_err err = LV_ERR_INIT;
    const char *x = "<network><name>v</name>\n<bogus/>\n"
                    "<ip address='1.2.3.999'/>\n</network>";
    int n = net_def_validate_xml(x, strlen(x), "v.xml", &p, &err);

    CHECK(n == 2 && strstr(strbuf_cstr(&p), "v.xml line 2") &&
          strstr(strbuf_cstr(&p), "v.xml line 3"), "validate %d: %s", n,
          strbuf_cstr(&p));
    strbuf_free(&p);
}

int
main(void)
{
    test_conformance();
    test_errors();
    test_defaults_and_queries();
    test_validate();
    return TEST_DONE();
}
