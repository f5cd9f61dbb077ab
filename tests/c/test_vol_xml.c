/* test_vol_xml.c - storage volume XML: the libvirt corpus round trip
 * (volin parsed in its pool's context -> volout, exact text), stability,
 * copy, sizes with units, and luavirt's own error cases. Corpus from
 * ../shared/conformance/libvirt or $LUAVIRT_CONFORMANCE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "storage/pool_xml.h"
#include "storage/vol_xml.h"
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
        dir = harness_conformance_dir("volume conformance");
        looked = 1;
    }
    return dir;
}

static struct pool_def *
load_pool(const char *rel)
{
    char path[512];
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *def = NULL;
    size_t len = 0;
    char *xml;

    snprintf(path, sizeof(path), "%s/storage/%s", corpus(), rel);
    xml = read_file(path, &len);
    if (xml)
        def = pool_def_parse_xml(xml, len, rel, 0, &err);
    CHECK(def != NULL, "pool %s: %s", rel, xml ? err.msg : "unreadable");
    free(xml);
    return def;
}

static int
check_stable_copy(const struct pool_def *pool, const struct vol_def *def,
                  const char *got, const char *name)
{
    struct lv_err err = LV_ERR_INIT;
    struct vol_def *again = vol_def_parse_xml(pool, got, strlen(got),
                                              "stable", 0, &err);
    struct vol_def *copy = vol_def_copy(def);
    char *s1 = again ? vol_def_format_xml(pool, again, 0, &err) : NULL;
    char *s2 = vol_def_format_xml(pool, copy, 0, &err);
    int ok = s1 && !strcmp(s1, got);

    CHECK(ok, "%s: format is not stable", name);
    CHECK(s2 && !strcmp(s2, got), "%s: copy differs", name);
    free(s1);
    free(s2);
    vol_def_free(again);
    vol_def_free(copy);
    return ok;
}

static int
round_trip(const char *name, const char *poolrel, const char *in,
           const char *out, unsigned flags)
{
    char pin[512], pout[512];
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *pool = load_pool(poolrel);
    struct vol_def *def = NULL;
    char *xin = NULL, *xout = NULL, *got = NULL;
    size_t lin = 0, lout = 0;
    int exact = 0;

    snprintf(pin, sizeof(pin), "%s/storage/%s", corpus(), in);
    snprintf(pout, sizeof(pout), "%s/storage/%s", corpus(), out);
    xin = read_file(pin, &lin);
    xout = read_file(pout, &lout);
    CHECK(pool && xin && xout, "%s: cannot read inputs", name);
    if (!pool || !xin || !xout)
        goto out;
    def = vol_def_parse_xml(pool, xin, lin, in, flags, &err);
    CHECK(def != NULL, "%s: parse: %s", name, err.msg);
    if (!def)
        goto out;
    got = vol_def_format_xml(pool, def, 0, &err);
    exact = got && !strcmp(got, xout);
    CHECK(exact, "%s: output differs from libvirt's", name);
    if (!exact && getenv("LUAVIRT_CONFORMANCE_VERBOSE"))
        fprintf(stderr, "--- got\n%s--- want\n%s", got ? got : "", xout);
    if (got)
        check_stable_copy(pool, def, got, name);
out:
    free(got);
    vol_def_free(def);
    pool_def_free(pool);
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
    snprintf(path, sizeof(path), "%s/storage/vol-tests.tsv", corpus());
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char name[128], pool[256], in[256], out[256], fl[64];
        unsigned flags = 0;
        if (line[0] == '#' ||
            sscanf(line, "%127[^\t]\t%255[^\t]\t%255[^\t]\t%255[^\t]\t%63s",
                   name, pool, in, out, fl) != 5)
            continue;
        if (!strcmp(fl, "VIR_VOL_XML_PARSE_NO_CAPACITY"))
            flags = VOL_PARSE_NO_CAPACITY;
        else if (!strcmp(fl, "VIR_VOL_XML_PARSE_OPT_CAPACITY"))
            flags = VOL_PARSE_OPT_CAPACITY;
        total++;
        exact += round_trip(name, pool, in, out, flags);
    }
    fclose(f);
    printf("conformance: volume xml exact %d/%d\n", exact, total);
}

static void
test_sizes(void)
{
    static const struct { const char *s; unsigned long long want; } ok[] = {
        { "10G", 10737418240ULL }, { "10 GiB", 10737418240ULL },
        { "10GB", 10000000000ULL }, { "512", 512 }, { "1k", 1024 },
        { "3 bytes", 3 }, { "2M", 2097152 }, { "1e", 1ULL << 60 },
        { " 7 ", 7 },
    };
    static const char *const bad[] = { "-1G", "10Q", "1.5G", "", "G",
                                       "99999999999999999999", "16E" };
    struct lv_err err = LV_ERR_INIT;
    uint64_t v;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int rc = vol_def_size_parse_str(ok[i].s, &v, &err);
        CHECK(rc == 0 && v == ok[i].want, "size '%s': %s", ok[i].s,
              rc ? err.msg : "wrong value");
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lv_err_clear(&err);
        CHECK(vol_def_size_parse_str(bad[i], &v, &err) < 0 &&
              err.code == LV_E_INVALID, "size '%s' accepted", bad[i]);
    }
    lv_err_clear(&err);
    vol_def_size_parse("-5", "G", &v, &err);
    CHECK(strstr(err.msg, "negative") != NULL, "negative: %s", err.msg);
    vol_def_size_parse("5", "furlongs", &v, &err);
    CHECK(strstr(err.msg, "unknown unit 'furlongs'") != NULL, "unit: %s",
          err.msg);
}

struct bad {
    const char *xml;
    enum lv_errcode code;
    const char *want;
};

static void
test_errors(struct pool_def *dir, struct pool_def *lvm)
{
    static const struct bad cases[] = {
        { "<volume><name>v</name><capacity>-1</capacity></volume>",
          LV_E_INVALID, "<capacity>: size '-1': negative" },
        { "<volume><name>v</name><capacity unit='XB'>1</capacity></volume>",
          LV_E_INVALID, "unknown unit 'XB'" },
        { "<volume><name>v</name><capacity>1</capacity><target><format "
          "type='qcow3'/></target></volume>", LV_E_INVALID,
          "unknown volume format type 'qcow3' for a dir pool" },
        { "<volume><name>v</name></volume>", LV_E_XML,
          "missing capacity element" },
        { "<volume><capacity>1</capacity></volume>", LV_E_XML,
          "missing volume name" },
        { "<volume><name>v</name><capacity>1</capacity><target><path>a/b"
          "</path></target></volume>", LV_E_INVALID,
          "target path 'a/b' is not absolute" },
        { "<volume><name>a/b</name><capacity>1</capacity></volume>",
          LV_E_INVALID, "volume 'a/b': invalid name: it contains '/'" },
        { "<volume type='tape'><name>v</name><capacity>1</capacity>"
          "</volume>", LV_E_INVALID, "unknown volume type 'tape'" },
        { "<volume>\n<name>v</name>\n<capacity>1</capacity>\n<target>\n"
          "<features><frob/></features></target></volume>", LV_E_XML,
          "volume XML line 5: unsupported volume feature <frob>" },
        { "<volume><name>v</name><capacity>1</capacity><target><compat>1.x"
          "</compat></target></volume>", LV_E_INVALID,
          "invalid volume compat level '1.x'" },
        { "<volume><name>v</name><capacity>1</capacity><frob/></volume>",
          LV_E_XML, "unsupported element <frob>" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lv_err err = LV_ERR_INIT;
        struct vol_def *def = vol_def_parse_xml(dir, cases[i].xml,
                                                strlen(cases[i].xml), NULL,
                                                0, &err);
        CHECK(def == NULL, "case %zu: parsed", i);
        CHECK(err.code == cases[i].code, "case %zu: code %s: %s", i,
              lv_errcode_to_str(err.code), err.msg);
        CHECK(strstr(err.msg, cases[i].want) != NULL,
              "case %zu: message '%s' lacks '%s'", i, err.msg,
              cases[i].want);
        vol_def_free(def);
    }
    /* a logical pool's volumes have no format: none is filled in */
    {
        static const char xml[] = "<volume><name>lv</name><capacity unit="
                                  "'M'>4</capacity></volume>";
        struct lv_err err = LV_ERR_INIT;
        struct vol_def *def = vol_def_parse_xml(lvm, xml, strlen(xml),
                                                NULL, 0, &err);
        CHECK(def && !def->target.format && def->capacity == 4194304 &&
              def->allocation == def->capacity, "logical volume: %s",
              err.msg);
        vol_def_free(def);
    }
}

int
main(void)
{
    struct pool_def *dir = NULL, *lvm = NULL;

    test_corpus();
    test_sizes();
    if (corpus()) {   /* the error cases use the corpus's pools */
        dir = load_pool("poolin/pool-dir.xml");
        lvm = load_pool("poolin/pool-logical.xml");
    }
    if (dir && lvm)
        test_errors(dir, lvm);
    pool_def_free(dir);
    pool_def_free(lvm);
    return TEST_DONE();
}
