/* test_pool_xml.c - storage pool XML: the libvirt corpus round trip
 * (poolin -> poolout, exact text), stability of format, and luavirt's own
 * error cases. Corpus from ../shared/conformance/libvirt or
 * $LUAVIRT_CONFORMANCE; set LUAVIRT_CONFORMANCE_VERBOSE=1 for diffs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "storage/pool_xml.h"
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
        dir = harness_conformance_dir("pool conformance");
        looked = 1;
    }
    return dir;
}

/* format(parse(xml)) == xml for an already formatted text */
static int
stable(const char *xml)
{
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = pool_def_parse_xml(xml, strlen(xml), "stable",
                                              0, &err);
    char *again = def ? pool_def_format_xml(def, 0, &err) : NULL;
    int ok = again && !strcmp(again, xml);

    free(again);
    pool_def_free(def);
    return ok;
}

/* one row: 1 exact, 0 not */
static int
round_trip(const char *dir, const char *name, const char *in,
           const char *out)
{
    char pin[512], pout[512];
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = NULL, *copy = NULL;
    char *xin = NULL, *xout = NULL, *got = NULL, *got2 = NULL;
    size_t lin = 0, lout = 0;
    int exact = 0;

    snprintf(pin, sizeof(pin), "%s/storage/%s", dir, in);
    snprintf(pout, sizeof(pout), "%s/storage/%s", dir, out);
    xin = read_file(pin, &lin);
    xout = read_file(pout, &lout);
    CHECK(xin && xout, "%s: cannot read %s or %s", name, pin, pout);
    if (!xin || !xout)
        goto out;
    def = pool_def_parse_xml(xin, lin, in, 0, &err);
    CHECK(def != NULL, "%s: parse: %s", name, err.msg);
    if (!def)
        goto out;
    got = pool_def_format_xml(def, 0, &err);
    CHECK(got != NULL, "%s: format: %s", name, err.msg);
    exact = got && !strcmp(got, xout);
    CHECK(exact, "%s: output differs from libvirt's", name);
    if (!exact && getenv("LUAVIRT_CONFORMANCE_VERBOSE"))
        fprintf(stderr, "--- got\n%s--- want\n%s", got ? got : "", xout);
    CHECK(got && stable(got), "%s: format is not stable", name);
    copy = pool_def_copy(def, &err);
    got2 = copy ? pool_def_format_xml(copy, 0, &err) : NULL;
    CHECK(got && got2 && !strcmp(got, got2), "%s: copy differs", name);
out:
    free(got2);
    pool_def_free(copy);
    free(got);
    pool_def_free(def);
    free(xin);
    free(xout);
    return exact;
}

static void
test_corpus(void)
{
    char path[512], line[1024];
    int total = 0, exact = 0;
    FILE *f;

    if (!corpus())
        return;
    snprintf(path, sizeof(path), "%s/storage/pool-tests.tsv", corpus());
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char name[128], in[256], out[256];
        if (line[0] == '#' ||
            sscanf(line, "%127[^\t]\t%255[^\t]\t%255[^\t\n]", name, in,
                   out) != 3)
            continue;
        total++;
        exact += round_trip(corpus(), name, in, out);
    }
    fclose(f);
    printf("conformance: pool xml exact %d/%d\n", exact, total);
}

struct bad {
    const char *xml;
    enum lv_errcode code;
    const char *want;    /* substring of the message */
};

static void
test_errors(void)
{
    static const struct bad cases[] = {
        { "<pool type='dir'><name>a</name></pool>", LV_E_XML,
          "line 1: dir pool 'a': missing target path" },
        { "<pool type='dir'><name>a</name><target><path>rel/dir</path>"
          "</target></pool>", LV_E_INVALID,
          "target path 'rel/dir' is not absolute" },
        { "<pool type='frob'><name>a</name></pool>", LV_E_INVALID,
          "unknown pool type 'frob'" },
        { "<pool><name>a</name></pool>", LV_E_XML, "missing pool type" },
        { "<pool type='dir'><target><path>/x</path></target></pool>",
          LV_E_XML, "missing pool name element" },
        { "<pool type='dir'><name>a/b</name><target><path>/x</path>"
          "</target></pool>", LV_E_INVALID,
          "pool 'a/b': invalid name: it contains '/'" },
        { "<pool type='dir'>\n<name>a</name>\n<frobnicate/>\n</pool>",
          LV_E_XML, "pool XML line 3: unsupported element <frobnicate>" },
        { "<pool type='netfs'><name>a</name><source><host name='h'/>"
          "<dir path='/e'/><format type='ntfs'/></source><target><path>/m"
          "</path></target></pool>", LV_E_INVALID,
          "unknown netfs pool source format 'ntfs'" },
        { "<pool type='netfs'><name>a</name><source><host name='h'/>"
          "</source><target><path>/m</path></target></pool>", LV_E_XML,
          "missing source path" },
        { "<pool type='fs'><name>a</name><target><path>/m</path></target>"
          "</pool>", LV_E_XML, "missing source device" },
        { "<pool type='dir'><name>a</name><target><path>/x</path>"
          "<permissions><mode>0999</mode></permissions></target></pool>",
          LV_E_INVALID, "malformed octal mode '0999'" },
        { "<pool type='dir'><name>a</name><uuid>nope</uuid><target><path>/x"
          "</path></target></pool>", LV_E_XML, "invalid uuid 'nope'" },
        { "<pool type='dir'><name>a</name><target bad='1'><path>/x</path>"
          "</target></pool>", LV_E_XML, "unsupported attribute 'bad'" },
        { "<pool type='dir'", LV_E_XML, "malformed XML" },
        { "<volume/>", LV_E_XML, "expected root element <pool>" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lv_err err = LV_ERR_INIT;
        struct pool_def *def = pool_def_parse_xml(cases[i].xml,
                                                  strlen(cases[i].xml),
                                                  NULL, 0, &err);
        CHECK(def == NULL, "case %zu: parsed", i);
        CHECK(err.code == cases[i].code, "case %zu: code %s: %s", i,
              lv_errcode_to_str(err.code), err.msg);
        CHECK(strstr(err.msg, cases[i].want) != NULL,
              "case %zu: message '%s' lacks '%s'", i, err.msg,
              cases[i].want);
        pool_def_free(def);
    }
}

static void
test_keep_and_live(void)
{
    static const char xml[] =
        "<pool type='dir'>\n  <name>k</name>\n"
        "  <uuid>70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2</uuid>\n"
        "  <capacity unit='KiB'>2</capacity>\n"
        "  <target><path>/srv/k/</path></target>\n"
        "  <frob a=\"1\"><x>t</x></frob>\n</pool>\n";
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def;
    char *out;

    def = pool_def_parse_xml(xml, strlen(xml), "k.xml",
                             POOL_PARSE_KEEP_UNKNOWN | POOL_PARSE_LIVE, &err);
    CHECK(def != NULL, "keep: %s", err.msg);
    if (!def)
        return;
    CHECK(def->capacity == 2048, "live capacity %llu",
          (unsigned long long)def->capacity);
    CHECK(def->target.path && !strcmp(def->target.path, "/srv/k"),
          "sanitized path");
    CHECK(def->type == POOL_DIR && pool_type_is_supported(def->type),
          "dir supported");
    out = pool_def_format_xml(def, 0, &err);
    CHECK(out && strstr(out, "  <frob a='1'>\n    <x>t</x>\n  </frob>\n"),
          "kept element written back: %s", out ? out : err.msg);
    CHECK(out && strstr(out, "<capacity unit='bytes'>2048</capacity>"),
          "capacity in bytes");
    free(out);
    pool_def_free(def);
    CHECK(pool_type_from_str("iscsi-direct") == POOL_ISCSI_DIRECT &&
          !strcmp(pool_type_to_str(POOL_VSTORAGE), "vstorage") &&
          pool_type_from_str("nope") == -1 && !pool_type_to_str(99),
          "type table");
}

int
main(void)
{
    test_corpus();
    test_errors();
    test_keep_and_live();
    return TEST_DONE();
}
