/* test_dnsmasq_conf.c - dnsmasq.conf and hosts files from network
 * definitions, compared byte for byte with libvirt's networkxml2confdata
 * (../shared/conformance/libvirt/network/xml2conf, or
 * $LUAVIRT_CONFORMANCE/network), plus luavirt's own options (lease file,
 * pid file) and the addn-hosts file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "net/dnsmasq_conf.h"
#include "net/net_xml.h"
#include "strbuf.h"

static char *
read_file(const char *path)
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
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}

static const char *
corpus(void)
{
    static const char *dir;
    static int looked;

    if (!looked) {
        dir = harness_conformance_dir("dnsmasq conformance");
        looked = 1;
    }
    return dir;
}

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

static struct net_def *
load(const char *path)
{
    struct lv_err err = LV_ERR_INIT;
    char *xml = read_file(path);
    struct net_def *def = xml ? net_def_parse_xml(xml, strlen(xml), path,
                                                  NET_PARSE_NO_MAC, &err)
                              : NULL;

    CHECK(def != NULL, "%s: %s", path, xml ? err.msg : "cannot read");
    free(xml);
    return def;
}

struct counts { int conf, n_conf, hosts, n_hosts; };

static void
run_row(const char *dir, char **f, struct counts *k)
{
    char path[1200];
    struct lv_err err = LV_ERR_INIT;
    struct dnsmasq_conf_opts o = { 0 };   /* libvirt's test layout */
    struct net_def *def;
    char *want = NULL, *got = NULL, *hw = NULL, *hg = NULL;

    snprintf(path, sizeof(path), "%s/%s", dir, f[1]);
    if (!(def = load(path)))
        return;
    k->n_conf++;
    got = dnsmasq_conf_build(def, &o, &err);
    snprintf(path, sizeof(path), "%s/%s", dir, f[2]);
    want = read_file(path);
    CHECK(got != NULL, "%s: %s", f[0], err.msg);
    if (got && want && !strcmp(got, want))
        k->conf++;
    else if (got && want)
        show_diff(f[0], want, got);
    hg = dnsmasq_hostsfile_build(def);
    if (strcmp(f[3], "-")) {
        k->n_hosts++;
        snprintf(path, sizeof(path), "%s/%s", dir, f[3]);
        hw = read_file(path);
        if (hg && hw && !strcmp(hg, hw))
            k->hosts++;
        else if (hw)
            show_diff(f[3], hw, hg ? hg : "(none)");
    }
    free(want);
    free(got);
    free(hw);
    free(hg);
    net_def_free(def);
}

static void
test_conformance(void)
{
    char dir[512], path[600], line[1024];
    struct counts k = { 0, 0, 0, 0 };
    FILE *tsv;

    if (!corpus())
        return;
    snprintf(dir, sizeof(dir), "%s/network", corpus());
    snprintf(path, sizeof(path), "%s/xml2conf-tests.tsv", dir);
    tsv = fopen(path, "r");
    CHECK(tsv != NULL, "cannot open %s", path);
    if (!tsv)
        return;
    while (fgets(line, sizeof(line), tsv)) {
        char *f[4], *save = NULL, *p = line;
        int nf = 0;
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = 0;
        while (nf < 4 && (f[nf] = strtok_r(p, "\t", &save)))
            p = NULL, nf++;
        if (nf == 4)
            run_row(dir, f, &k);
    }
    fclose(tsv);
    CHECK(k.conf == k.n_conf && k.hosts == k.n_hosts, "conformance");
    printf("conformance: dnsmasq conf exact %d/%d, hostsfile exact %d/%d\n",
           k.conf, k.n_conf, k.hosts, k.n_hosts);
}

static const char *const net_xml =
    "<network>\n"
    "  <name>nat1</name>\n"
    "  <forward mode='nat'/>\n"
    "  <dns>\n"
    "    <host ip='10.9.0.5'><hostname>a</hostname><hostname>b</hostname>"
    "</host>\n"
    "    <host ip='10.9.0.6'><hostname>c</hostname></host>\n"
    "    <host ip='10.9.0.5'><hostname>d</hostname></host>\n"
    "  </dns>\n"
    "  <ip address='10.9.0.1' prefix='24'>\n"
    "    <dhcp><range start='10.9.0.100' end='10.9.0.199'/>\n"
    "      <host name='only' ip='10.9.0.7'/></dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static void
test_own(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_def *def = net_def_parse_xml(net_xml, strlen(net_xml), NULL,
                                            0, &err);
    struct dnsmasq_conf_opts o = {
        .config_dir = "/run/lv/network/nat1", .pid_file = "/run/lv/d.pid",
        .lease_file = "/run/lv/network/nat1/leases", .interface = "virbr9",
    };
    char *conf, *hosts, *addn, *p;

    CHECK(def != NULL, "parse: %s", err.msg);
    if (!def)
        return;
    conf = dnsmasq_conf_build(def, &o, &err);
    CHECK(conf && strstr(conf, "\ninterface=virbr9\n") &&
          strstr(conf, "\npid-file=/run/lv/d.pid\n") &&
          strstr(conf, "\ndhcp-leasefile=/run/lv/network/nat1/leases\n") &&
          strstr(conf, "\ndhcp-lease-max=100\n") &&
          strstr(conf, "dhcp-range=10.9.0.100,10.9.0.199,255.255.255.0\n") &&
          strstr(conf, "addn-hosts=/run/lv/network/nat1/nat1.addnhosts\n") &&
          !strstr(conf, "dhcp-script"), "conf: %s", conf ? conf : err.msg);
    hosts = dnsmasq_hostsfile_build(def);
    CHECK(hosts && !strcmp(hosts, "only,10.9.0.7\n"), "hosts: %s", hosts);
    addn = dnsmasq_addnhosts_build(def);
    CHECK(!strcmp(addn, "10.9.0.5\ta\tb\td\t\n10.9.0.6\tc\t\n"), "addn: %s",
          addn);
    p = dnsmasq_conf_path(def, &o, "conf");
    CHECK(!strcmp(p, "/run/lv/network/nat1/nat1.conf"), "path %s", p);
    free(p);
    free(conf);
    free(hosts);
    free(addn);
    free(def->bridge.name);
    def->bridge.name = NULL;
    conf = dnsmasq_conf_build(def, NULL, &err);
    CHECK(!conf && strstr(err.msg, "nat1") && strstr(err.msg, "bridge"),
          "no bridge: %s", err.msg);
    free(conf);
    net_def_free(def);
}

int
main(void)
{
    test_conformance();
    test_own();
    return TEST_DONE();
}
