/* test_dom_tpm.c - the <tpm> element (core/dom_xml_tpm.c: what define
 * accepts and refuses, the round trip) and a guest's swtpm command lines
 * and defaults (kvm/dom_tpm.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
#include "dom_xml.h"
#include "harness.h"
#include "kvm/dom_tpm.h"
#include "spawn.h"
#include "strbuf.h"

static struct dom_def *
parse(const char *xml, struct lv_err *err)
{
    return dom_def_parse_xml(xml, strlen(xml), "t.xml", 0, err);
}

static char *
joined(char **argv)
{
    struct strbuf b = STRBUF_INIT;

    for (size_t i = 0; argv && argv[i]; i++)
        strbuf_addf(&b, "%s%s", i ? " " : "", argv[i]);
    return strbuf_steal(&b);
}

static void
test_tpm_xml(void)
{
    static const char *const bad[][2] = {
        { "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/>"
          "</backend></tpm>", "unsupported TPM backend type 'passthrough'" },
        { "<tpm model='tpm-spapr'><backend type='emulator'/></tpm>",
          "unsupported TPM model 'tpm-spapr'" },
        { "<tpm><backend type='emulator' version='3.0'/></tpm>",
          "unsupported TPM version '3.0'" },
        { "<tpm model='tpm-crb'><backend type='emulator' version='1.2'/></tpm>",
          "needs version='2.0'" },
        { "<tpm><backend type='emulator'/></tpm><tpm><backend type='emulator'/></tpm>",
          "more than one <tpm>" },
        { "<tpm><backend type='emulator'><encryption secret='x'/></backend></tpm>",
          "unsupported element <encryption>" },
        { "<tpm/>", "<tpm> needs <backend type='emulator'/>" },
    };
    const char *good = "<domain type='qemu'><name>t</name><memory>131072</memory>"
        "<os><type>hvm</type></os><devices><tpm model='tpm-crb'>"
        "<backend type='emulator' version='2.0' persistent_state='yes'>"
        "<active_pcr_banks><sha256/><sha384/></active_pcr_banks></backend>"
        "<alias name='tpm0'/></tpm></devices></domain>";
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = parse(good, &err);
    char *out = NULL;

    CHECK(d && d->n_tpms == 1 && !strcmp(d->tpms[0].pcr_banks, "sha256,sha384") &&
          d->tpms[0].persistent_state == LV_TRI_ON, "tpm parsed: %s", err.msg);
    if (d)
        out = dom_def_format_xml(d, 0, &err);
    CHECK(out && strstr(out, "<tpm model='tpm-crb'>\n      <backend type='emulator' "
          "version='2.0' persistent_state='yes'>\n        <active_pcr_banks>\n"
          "          <sha256/>\n          <sha384/>\n"), "tpm formatted: %s",
          out ? out : err.msg);
    free(out);
    dom_def_free(d);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *x = lv_asprintf("<domain type='qemu'><name>t</name><memory>131072"
                              "</memory><os><type>hvm</type></os><devices>%s"
                              "</devices></domain>", bad[i][0]);
        d = parse(x, &err);
        CHECK(!d && strstr(err.msg, bad[i][1]) && strstr(err.msg, "t.xml line"),
              "refused at define: %s (want %s)", err.msg, bad[i][1]);
        dom_def_free(d);
        free(x);
    }
}


static struct dom_def *
tpm_def(const char *tpm, struct lv_err *err)
{
    char *x = lv_asprintf("<domain type='qemu'><name>web1</name>"
                          "<uuid>0b5a4a6e-4c4b-4e3e-9f0e-1d2c3b4a5f60</uuid>"
                          "<memory>131072</memory><os><type>hvm</type></os>"
                          "<devices>%s</devices></domain>", tpm);
    struct dom_def *d = parse(x, err);

    free(x);
    return d;
}

static void
test_defaults(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = tpm_def("<tpm><backend type='emulator'/></tpm>", &err);

    CHECK(d && !strcmp(dom_tpm_model(&d->tpms[0]), "tpm-tis") &&
          !strcmp(dom_tpm_version(&d->tpms[0]), "1.2"),
          "libvirt 9.0's defaults: tpm-tis, 1.2: %s", err.msg);
    if (d) {
        dom_tpm_fill_live(d);
        CHECK(!strcmp(d->tpms[0].model, "tpm-tis") &&
              !strcmp(d->tpms[0].backend_version, "1.2") &&
              !strcmp(d->tpms[0].alias, "tpm0"), "the live definition shows them");
    }
    dom_def_free(d);
    d = tpm_def("<tpm model='tpm-crb'><backend type='emulator'/></tpm>", &err);
    CHECK(d && !strcmp(dom_tpm_version(&d->tpms[0]), "2.0"), "tpm-crb: 2.0");
    dom_def_free(d);
}

static void
test_argv(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = tpm_def("<tpm model='tpm-crb'><backend type='emulator'>"
                                "<active_pcr_banks><sha256/><sha384/>"
                                "</active_pcr_banks></backend></tpm>", &err);
    char **a;
    char *s;

    if (!d) {
        CHECK(0, "parse: %s", err.msg);
        return;
    }
    a = dom_tpm_setup_argv(d, "/l/swtpm/U/tpm2", "/l/swtpm/swtpm_setup.conf");
    s = joined(a);
    CHECK(!strcmp(s, "swtpm_setup --tpm2 --tpm-state /l/swtpm/U/tpm2 --vmid "
          "web1:0b5a4a6e-4c4b-4e3e-9f0e-1d2c3b4a5f60 --createek --create-ek-cert "
          "--create-platform-cert --lock-nvram --not-overwrite --config "
          "/l/swtpm/swtpm_setup.conf --pcr-banks sha256,sha384"), "swtpm_setup: %s", s);
    free(s);
    lv_argv_free(a);
    a = dom_tpm_swtpm_argv(d, "/l/swtpm/U/tpm2", 7, "/r/web1/swtpm.log");
    s = joined(a);
    CHECK(!strcmp(s, "swtpm socket --ctrl type=unixio,fd=7 --tpmstate "
          "dir=/l/swtpm/U/tpm2,mode=0600 --log file=/r/web1/swtpm.log --terminate "
          "--tpm2"), "swtpm: %s", s);
    free(s);
    lv_argv_free(a);
    dom_def_free(d);
    d = tpm_def("<tpm><backend type='emulator' version='1.2'/></tpm>", &err);
    a = d ? dom_tpm_swtpm_argv(d, "/s", 5, "/log") : NULL;
    s = joined(a);
    CHECK(a && !strstr(s, "--tpm2"), "TPM 1.2: no --tpm2: %s", s);
    free(s);
    lv_argv_free(a);
    dom_def_free(d);
}

int
main(void)
{
    test_tpm_xml();
    test_defaults();
    test_argv();
    return TEST_DONE();
}
