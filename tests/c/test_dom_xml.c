/* test_dom_xml.c - domain XML parse/format: own cases from tests/c/data
 * and the libvirt conformance corpus (../shared/conformance/libvirt, or
 * $LUAVIRT_CONFORMANCE): parse, stability of format, and the round trip
 * of libvirt's own formatted output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "harness.h"
#include "dom_xml.h"
#include "strbuf.h"

#define DATA "tests/c/data/"

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

/* ---- canonical comparison: element names, attribute sets, text ---- */

static int
count_attrs(const xmlNode *n)
{
    int c = 0;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        c++;
    return c;
}

static int
same_tree(const xmlNode *a, const xmlNode *b, char *why, size_t whylen)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->type != b->type) {
            snprintf(why, whylen, "node type differs at <%s>", a->name);
            return 0;
        }
        if (a->type == XML_TEXT_NODE) {
            if (strcmp((const char *)a->content, (const char *)b->content)) {
                snprintf(why, whylen, "text '%.40s' vs '%.40s'",
                         a->content, b->content);
                return 0;
            }
            continue;
        }
        if (a->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)a->name, (const char *)b->name)) {
            snprintf(why, whylen, "<%s> vs <%s>", a->name, b->name);
            return 0;
        }
        if (count_attrs(a) != count_attrs(b)) {
            snprintf(why, whylen, "attribute count of <%s>", a->name);
            return 0;
        }
        for (const xmlAttr *p = a->properties; p; p = p->next) {
            xmlChar *va = xmlGetProp(a, p->name);
            xmlChar *vb = xmlGetProp(b, p->name);
            int eq = va && vb && !strcmp((char *)va, (char *)vb);
            if (!eq)
                snprintf(why, whylen, "<%s %s='%.30s'> vs '%.30s'", a->name,
                         p->name, va ? (char *)va : "", vb ? (char *)vb : "");
            xmlFree(va);
            xmlFree(vb);
            if (!eq)
                return 0;
        }
        if (!same_tree(a->children, b->children, why, whylen))
            return 0;
    }
    if (a || b) {
        snprintf(why, whylen, "extra <%s>", a ? a->name : b->name);
        return 0;
    }
    return 1;
}

static int
same_xml(const char *x, const char *y, char *why, size_t whylen)
{
    int opts = XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR;
    xmlDoc *a = xmlReadMemory(x, (int)strlen(x), NULL, NULL, opts);
    xmlDoc *b = xmlReadMemory(y, (int)strlen(y), NULL, NULL, opts);
    int r = a && b && same_tree(xmlDocGetRootElement(a),
                                xmlDocGetRootElement(b), why, whylen);
    if (!a || !b)
        snprintf(why, whylen, "not well-formed");
    xmlFreeDoc(a);
    xmlFreeDoc(b);
    return r;
}

/* ---- rejection reasons: "<foo>" counted over the corpus ---- */

struct reasons {
    char *key[256];
    int count[256];
    int n;
};

static void
reason_add(struct reasons *r, const char *msg)
{
    char key[120];
    const char *p = strstr(msg, "line ");
    p = p ? strchr(p, ':') : NULL;
    snprintf(key, sizeof(key), "%s", p ? p + 2 : msg);
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->key[i], key)) {
            r->count[i]++;
            return;
        }
    if (r->n < 256) {
        r->key[r->n] = strdup(key);
        r->count[r->n++] = 1;
    }
}

static void
reasons_print(struct reasons *r)
{
    for (int shown = 0; shown < 15; shown++) {
        int best = -1;
        for (int i = 0; i < r->n; i++)
            if (r->count[i] > 0 && (best < 0 || r->count[i] > r->count[best]))
                best = i;
        if (best < 0)
            break;
        printf("  rejected %3d x: %s\n", r->count[best], r->key[best]);
        r->count[best] = -r->count[best];
    }
    for (int i = 0; i < r->n; i++)
        free(r->key[i]);
}

/* ---- conformance ---- */

struct conf {
    int total, parsed, rejected, stable, exact, out_parsed;
    struct reasons in_reasons, out_reasons, diff_reasons;
};

static char *
format_ok(const struct dom_def *def, const char *name)
{
    struct lv_err err = LV_ERR_INIT;
    char *s = dom_def_format_xml(def, DOM_FORMAT_INACTIVE |
                                 DOM_FORMAT_SECURE, &err);
    CHECK(s != NULL, "%s: format failed: %s", name, err.msg);
    return s;
}

static void
check_stable(struct conf *cf, const char *name, const struct dom_def *def)
{
    struct lv_err err = LV_ERR_INIT;
    char *x1 = format_ok(def, name), *x2 = NULL;
    struct dom_def *d2 = NULL;

    if (!x1)
        return;
    d2 = dom_def_parse_xml(x1, strlen(x1), name, 0, &err);
    CHECK(d2 != NULL, "%s: re-parse of own output failed: %s", name,
          err.msg);
    if (d2)
        x2 = format_ok(d2, name);
    CHECK(x2 && !strcmp(x1, x2), "%s: format not stable", name);
    if (x2 && !strcmp(x1, x2))
        cf->stable++;
    free(x1);
    free(x2);
    dom_def_free(d2);
}

static void
check_rejection(const char *name, const struct lv_err *err)
{
    CHECK(err->msg[0] != 0, "%s: empty rejection message", name);
    CHECK(strstr(err->msg, "line ") != NULL || strchr(err->msg, '<'),
          "%s: rejection without line or element: %s", name, err->msg);
}

static void
conf_input(struct conf *cf, const char *dir, const char *name)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def;
    size_t len;
    char *path = lv_asprintf("%s/domain/%s.xml", dir, name);
    char *xml = read_file(path, &len);
    CHECK(xml != NULL, "cannot read %s", path);
    free(path);
    if (!xml)
        return;
    def = dom_def_parse_xml(xml, len, name, 0, &err);
    if (def) {
        cf->parsed++;
        check_stable(cf, name, def);
    } else {
        cf->rejected++;
        check_rejection(name, &err);
        reason_add(&cf->in_reasons, err.msg);
    }
    dom_def_free(def);
    free(xml);
}

static void
conf_output(struct conf *cf, const char *dir, const char *name)
{
    char why[200] = "";
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def;
    char *out = NULL;
    size_t len;
    char *path = lv_asprintf("%s/domain/%s.x86_64-latest.xml", dir, name);
    char *xml = read_file(path, &len);

    free(path);
    if (!xml)
        return;
    def = dom_def_parse_xml(xml, len, name, 0, &err);
    if (!def) {
        check_rejection(name, &err);
        reason_add(&cf->out_reasons, err.msg);
    } else {
        cf->out_parsed++;
        check_stable(cf, name, def);
        out = format_ok(def, name);
        if (out && same_xml(xml, out, why, sizeof(why)))
            cf->exact++;
        else if (out) {
            reason_add(&cf->diff_reasons, why);
            if (getenv("LUAVIRT_CONFORMANCE_VERBOSE"))
                fprintf(stderr, "diff %s: %s\n", name, why);
        }
    }
    free(out);
    dom_def_free(def);
    free(xml);
}

static void
test_conformance(void)
{
    const char *dir = harness_conformance_dir("domain XML conformance");
    char path[512], line[2048];
    struct conf cf;
    FILE *f;

    memset(&cf, 0, sizeof(cf));
    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/domain-index.tsv", dir);
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = 0;
        cf.total++;
        conf_input(&cf, dir, line);
        conf_output(&cf, dir, line);
    }
    fclose(f);
    printf("conformance: domain input parsed %d/%d, rejected %d (clear "
           "errors), libvirt-output parsed %d/%d, round trip exact %d/%d, "
           "format stable on %d parsed\n", cf.parsed, cf.total, cf.rejected,
           cf.out_parsed, cf.total, cf.exact, cf.total, cf.stable);
    printf("top reasons for rejecting inputs:\n");
    reasons_print(&cf.in_reasons);
    printf("top reasons for rejecting libvirt output:\n");
    reasons_print(&cf.out_reasons);
    printf("top differences in libvirt-output round trip:\n");
    reasons_print(&cf.diff_reasons);
}

/* ---- own cases ---- */

static struct dom_def *
parse_str(const char *xml, unsigned flags, struct lv_err *err)
{
    return dom_def_parse_xml(xml, strlen(xml), "t.xml", flags, err);
}

#define DOMAIN_HEAD "<domain type='kvm'><name>t</name>"

static void
test_units(void)
{
    static const struct { const char *unit, *val; uint64_t kib; } u[] = {
        { "b", "2048", 2 }, { "bytes", "1025", 2 }, { "KB", "1024", 1000 },
        { "k", "3", 3 }, { "KiB", "7", 7 }, { "MB", "1", 977 },
        { "M", "2", 2048 }, { "MiB", "2", 2048 }, { "GB", "1", 976563 },
        { "G", "1", 1048576 }, { "GiB", "4", 4194304 },
        { "TB", "1", 976562500 }, { "T", "1", 1073741824 },
        { "TiB", "1", 1073741824 }, { NULL, "512", 512 },
    };
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
        struct lv_err err = LV_ERR_INIT;
        char *xml = u[i].unit
            ? lv_asprintf(DOMAIN_HEAD "<memory unit='%s'>%s</memory>"
                          "</domain>", u[i].unit, u[i].val)
            : lv_asprintf(DOMAIN_HEAD "<memory>%s</memory></domain>",
                          u[i].val);
        struct dom_def *d = parse_str(xml, 0, &err);
        CHECK(d && d->memory_kib == u[i].kib, "unit %s: got %llu want %llu "
              "(%s)", u[i].unit ? u[i].unit : "(none)",
              d ? (unsigned long long)d->memory_kib : 0ULL,
              (unsigned long long)u[i].kib, err.msg);
        dom_def_free(d);
        free(xml);
    }
}

static void
expect_error(const char *xml, const char *want, unsigned flags)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = parse_str(xml, flags, &err);
    CHECK(d == NULL, "expected rejection (%s)", want);
    CHECK(strstr(err.msg, want) != NULL, "error '%s' lacks '%s'", err.msg,
          want);
    dom_def_free(d);
}

static void
test_generated(void)
{
    struct lv_err err = LV_ERR_INIT;
    static const unsigned char zero[16];
    struct dom_def *d = parse_str(DOMAIN_HEAD "<memory>1024</memory>"
                                  "<devices><interface type='user'/>"
                                  "<interface type='network'><mac address="
                                  "'52:54:00:AB:cd:01'/><source network="
                                  "'default'/></interface></devices>"
                                  "</domain>", 0, &err);
    CHECK(d != NULL, "generated: %s", err.msg);
    if (!d)
        return;
    CHECK(memcmp(d->uuid, zero, 16) != 0, "uuid generated");
    CHECK(d->n_interfaces == 2, "two interfaces");
    CHECK(d->interfaces[0].mac && !strncmp(d->interfaces[0].mac,
          "52:54:00:", 9) && strlen(d->interfaces[0].mac) == 17,
          "mac generated: %s", d->interfaces[0].mac);
    CHECK(!strcmp(d->interfaces[1].mac, "52:54:00:ab:cd:01"),
          "mac normalized: %s", d->interfaces[1].mac);
    dom_def_free(d);
}

static void
test_errors(void)
{
    expect_error(DOMAIN_HEAD "<memory>1</memory><devices><interface "
                 "type='user'><mac address='52:54:00:zz:00:01'/>"
                 "</interface></devices></domain>", "52:54:00:zz:00:01", 0);
    expect_error(DOMAIN_HEAD "<memory>1</memory><devices><interface "
                 "type='user'><mac address='01:00:5e:00:00:01'/>"
                 "</interface></devices></domain>", "invalid MAC", 0);
    expect_error("<domain type='kvm'><memory>1</memory></domain>",
                 "missing <name>", 0);
    expect_error("<domain type='kvm'><name>a/b</name><memory>1</memory>"
                 "</domain>", "'/'", 0);
    expect_error("<domain type='xen'><name>x</name><memory>1</memory>"
                 "</domain>", "domain type 'xen'", 0);
    expect_error(DOMAIN_HEAD "<memory unit='parsec'>1</memory></domain>",
                 "invalid unit 'parsec'", 0);
    expect_error(DOMAIN_HEAD "<memory>1</memory><on_crash>explode"
                 "</on_crash></domain>", "invalid action 'explode'", 0);
    expect_error("<domain type='kvm'>\n<name>x</name>\n<memory>1</memory>\n"
                 "<devices>\n<frobnicate/>\n</devices></domain>",
                 "t.xml line 5: unsupported element <frobnicate> in "
                 "<devices>", 0);
    expect_error(DOMAIN_HEAD "<memory>1</memory><devices><disk "
                 "type='file' bogus='1'><target dev='vda'/></disk>"
                 "</devices></domain>", "unsupported attribute 'bogus'", 0);
    expect_error("<domain type='kvm'>\n<name>x</name>\n<memory>1</mem>\n"
                 "</domain>", "t.xml line 3: malformed XML", 0);
    expect_error("<!DOCTYPE d [<!ENTITY e 'x'>]><domain type='kvm'>"
                 "<name>&e;</name></domain>", "DOCTYPE", 0);
}

static void
test_keep_unknown(void)
{
    const char *xml =
        "<domain type='kvm'>\n  <name>k</name>\n"
        "  <memory unit='KiB'>1024</memory>\n"
        "  <bootloader>/usr/bin/pygrub</bootloader>\n"
        "  <devices>\n    <iommu model='intel'><driver aw_bits='48'/>"
        "</iommu>\n  </devices>\n</domain>\n";
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = parse_str(xml, 0, &err), *d2 = NULL;
    char *out = NULL, *out2 = NULL;

    CHECK(d == NULL && strstr(err.msg, "t.xml line 4: unsupported element "
          "<bootloader> in <domain>"), "no keep: %s", err.msg);
    dom_def_free(d);
    d = parse_str(xml, DOM_PARSE_KEEP_UNKNOWN, &err);
    CHECK(d != NULL, "keep: %s", err.msg);
    if (!d)
        return;
    CHECK(d->keep.n == 1 && d->devices_keep.n == 1, "kept items");
    out = dom_def_format_xml(d, 0, &err);
    CHECK(out && strstr(out, "<bootloader>/usr/bin/pygrub</bootloader>") &&
          strstr(out, "<driver aw_bits='48'/>"), "kept written: %s",
          out ? out : err.msg);
    if (out)
        d2 = parse_str(out, DOM_PARSE_KEEP_UNKNOWN, &err);
    if (d2)
        out2 = dom_def_format_xml(d2, 0, &err);
    CHECK(out2 && !strcmp(out, out2), "keep round trip stable");
    free(out);
    free(out2);
    dom_def_free(d);
    dom_def_free(d2);
}

static void
test_secure_and_id(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d = parse_str("<domain type='qemu' id='7'><name>s"
                                  "</name><memory>1</memory><devices>"
                                  "<graphics type='vnc' passwd='se&apos;cr"
                                  "et'/></devices></domain>", 0, &err);
    char *plain, *secure, *inactive;

    CHECK(d != NULL, "secure: %s", err.msg);
    if (!d)
        return;
    plain = dom_def_format_xml(d, 0, &err);
    secure = dom_def_format_xml(d, DOM_FORMAT_SECURE, &err);
    inactive = dom_def_format_xml(d, DOM_FORMAT_INACTIVE, &err);
    CHECK(plain && !strstr(plain, "passwd"), "no passwd without SECURE");
    CHECK(secure && strstr(secure, "passwd=\"se'cret\""),
          "passwd with SECURE: %s", secure ? secure : "");
    CHECK(plain && strstr(plain, "<domain type='qemu' id='7'>"), "live id");
    CHECK(inactive && !strstr(inactive, "id='7'"), "no id when inactive");
    free(plain);
    free(secure);
    free(inactive);
    dom_def_free(d);
}

static void
test_validate(void)
{
    struct strbuf p = STRBUF_INIT;
    struct lv_err err = LV_ERR_INIT;
    const char *xml = "<domain type='kvm'>\n<memory unit='x'>1</memory>\n"
                      "<devices>\n<foo/>\n<bar/>\n</devices>\n</domain>";
    int n = dom_def_validate_xml(xml, strlen(xml), "v.xml", &p, &err);

    CHECK(n == 5, "validate found %d problems:\n%s", n, strbuf_cstr(&p));
    CHECK(strstr(strbuf_cstr(&p), "v.xml line 4: unsupported element <foo>")
          && strstr(strbuf_cstr(&p), "v.xml line 5: unsupported element "
          "<bar>"), "validate lines:\n%s", strbuf_cstr(&p));
    strbuf_free(&p);
}

/* An external snapshot moves a disk's image down its explicit chain. */
static void
test_chain_push_down(void)
{
    struct lv_err err = LV_ERR_INIT;
    const char *xml = "<domain type='qemu'><name>c</name><memory>1024</memory>"
        "<os><type>hvm</type></os><devices><disk type='file'><driver type='qcow2'/>"
        "<source file='/a.qcow2' index='2'/><backingStore type='file' index='1'>"
        "<format type='raw'/><source file='/b.raw'/><backingStore/></backingStore>"
        "<target dev='vda'/></disk></devices></domain>";
    struct dom_def *d = parse_str(xml, 0, &err);
    char *out = NULL;

    CHECK(d && d->disks[0].n_chain == 1 && d->disks[0].chain_end, "chain parsed");
    if (d) {
        dom_def_disk_push_down(&d->disks[0]);
        free(d->disks[0].source);
        d->disks[0].source = lv_strdup("/overlay.qcow2");
        out = dom_def_format_xml(d, DOM_FORMAT_INACTIVE, &err);
    }
    CHECK(out && strstr(out, "<source file='/overlay.qcow2'/>\n"
          "      <backingStore type='file'>\n        <format type='qcow2'/>\n"
          "        <source file='/a.qcow2'/>\n        <backingStore type='file' index='1'>"),
          "old image is the first layer:\n%s", out ? out : err.msg);
    free(out);
    dom_def_free(d);
}

/* tests/c/data: <case>.xml must format to <case>.out.xml (or to itself
 * when there is none); fail-<what>.xml must be rejected with the message
 * in fail-<what>.err. */
static void
test_data_case(const char *name)
{
    char path[300], *xml, *want, *out = NULL;
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d;
    size_t len, wlen;

    snprintf(path, sizeof(path), DATA "%s.xml", name);
    xml = read_file(path, &len);
    CHECK(xml != NULL, "read %s", path);
    if (!xml)
        return;
    d = dom_def_parse_xml(xml, len, path, 0, &err);
    if (!strncmp(name, "fail-", 5)) {
        snprintf(path, sizeof(path), DATA "%s.err", name);
        want = read_file(path, &wlen);
        if (want && wlen && want[wlen - 1] == '\n')
            want[wlen - 1] = 0;
        CHECK(!d && want && strstr(err.msg, want), "%s: want error '%s', "
              "got '%s'", name, want ? want : "?", err.msg);
    } else {
        snprintf(path, sizeof(path), DATA "%s.out.xml", name);
        want = read_file(path, &wlen);
        if (d)
            out = dom_def_format_xml(d, DOM_FORMAT_SECURE, &err);
        CHECK(out && !strcmp(out, want ? want : xml), "%s: output differs:"
              "\n%s", name, out ? out : err.msg);
    }
    free(want);
    free(out);
    free(xml);
    dom_def_free(d);
}

int
main(void)
{
    static const char *const cases[] = {
        "basic", "devices", "fail-bad-mac", "fail-unknown-device",
        "fail-no-name", "live-chr", NULL
    };

    test_units();
    test_generated();
    test_errors();
    test_keep_unknown();
    test_secure_and_id();
    test_validate();
    test_chain_push_down();
    for (int i = 0; cases[i]; i++)
        test_data_case(cases[i]);
    test_conformance();
    xmlCleanupParser();
    return TEST_DONE();
}
