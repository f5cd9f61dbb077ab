/* test_vol_argv.c - the qemu-img argv for creating and converting volumes
 * against libvirt's storagevolxml2argv data (vol2argv-tests.tsv): exact
 * command lines, the rows that must fail, and the encrypted (LUKS) rows,
 * which luavirt refuses as unsupported. Plus own error cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spawn.h"
#include "storage/pool_xml.h"
#include "storage/vol_argv.h"
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
        dir = harness_conformance_dir("vol2argv conformance");
        looked = 1;
    }
    return dir;
}

static char *
load(const char *rel, size_t *len)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/storage/%s", corpus(), rel);
    return read_file(path, len);
}

static struct pool_def *
load_pool(const char *rel)
{
    struct lv_err err = LV_ERR_INIT;
    size_t len = 0;
    char *xml = load(rel, &len);
    struct pool_def *def = xml ? pool_def_parse_xml(xml, len, rel, 0, &err)
                               : NULL;

    CHECK(def != NULL, "pool %s: %s", rel, xml ? err.msg : "unreadable");
    free(xml);
    return def;
}

static struct vol_def *
load_vol(const struct pool_def *pool, const char *rel, unsigned flags)
{
    struct lv_err err = LV_ERR_INIT;
    size_t len = 0;
    char *xml = load(rel, &len);
    struct vol_def *def = xml && pool ?
        vol_def_parse_xml(pool, xml, len, rel, flags, &err) : NULL;

    CHECK(def != NULL, "volume %s: %s", rel, xml ? err.msg : "unreadable");
    free(xml);
    return def;
}

/* libvirt's .argv layout: "word \\\n" between words; one line of text */
static char *
flatten_expected(const char *text)
{
    struct strbuf b = STRBUF_INIT;

    for (const char *p = text; *p; p++) {
        if (p[0] == ' ' && p[1] == '\\' && p[2] == '\n') {
            strbuf_addc(&b, ' ');
            p += 2;
        } else if (*p == '\n') {
            if (p[1])
                strbuf_addc(&b, '\n');
        } else {
            strbuf_addc(&b, *p);
        }
    }
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}

static char *
join(char **argv)
{
    struct strbuf b = STRBUF_INIT;

    for (size_t i = 0; argv[i]; i++) {
        if (i)
            strbuf_addc(&b, ' ');
        strbuf_adds(&b, argv[i]);
    }
    strbuf_cstr(&b);
    return strbuf_steal(&b);
}

struct row {
    char name[128], expect[16], pool[256], vol[256], inpool[256];
    char invol[256], cflags[128], pflags[128];
};

struct tally {
    int exact, total, failed_ok, failures, unsupported;
};

static void
run_row(const struct row *r, struct tally *t)
{
    struct lv_err err = LV_ERR_INIT;
    int has_in = strcmp(r->invol, "-") != 0;
    unsigned pflags = (has_in ? VOL_PARSE_NO_CAPACITY : 0) |
        (!strcmp(r->pflags, "VIR_VOL_XML_PARSE_OPT_CAPACITY") ?
         VOL_PARSE_OPT_CAPACITY : 0);
    unsigned cflags = strstr(r->cflags, "PREALLOC_METADATA") ?
                      VOL_ARGV_PREALLOC_METADATA : 0;
    struct pool_def *pool = load_pool(r->pool);
    struct pool_def *inpool = has_in ? load_pool(r->inpool) : NULL;
    struct vol_def *vol = load_vol(pool, r->vol, pflags);
    struct vol_def *invol = has_in ? load_vol(inpool, r->invol, 0) : NULL;
    char **argv = NULL, *got = NULL, *want = NULL, *raw = NULL, rel[300];
    int encrypted = (vol && vol->target.encryption) ||
                    (invol && invol->target.encryption);
    size_t len = 0;

    if (!vol || (has_in && !invol))
        goto out;
    argv = vol_argv_create(pool, vol, inpool, invol, cflags, &err);
    if (!strcmp(r->expect, "failure")) {
        t->failures++;
        CHECK(argv == NULL, "%s: must fail", r->name);
        t->failed_ok += argv == NULL;
        goto out;
    }
    t->total++;
    if (encrypted) {
        CHECK(!argv && err.code == LV_E_UNSUPPORTED, "%s: encryption must "
              "be refused as unsupported: %s", r->name, err.msg);
        t->unsupported += !argv && err.code == LV_E_UNSUPPORTED;
        goto out;
    }
    CHECK(argv != NULL, "%s: %s", r->name, err.msg);
    snprintf(rel, sizeof(rel), "vol2argv/%s.argv", r->name);
    raw = load(rel, &len);
    CHECK(raw != NULL, "%s: no %s", r->name, rel);
    if (!argv || !raw)
        goto out;
    got = join(argv);
    want = flatten_expected(raw);
    CHECK(!strcmp(got, want), "%s:\n  got  %s\n  want %s", r->name, got,
          want);
    t->exact += !strcmp(got, want);
out:
    free(got);
    free(want);
    free(raw);
    lv_argv_free(argv);
    vol_def_free(vol);
    vol_def_free(invol);
    pool_def_free(pool);
    pool_def_free(inpool);
}

static void
test_corpus(void)
{
    char path[512], line[2048];
    struct tally t = { 0, 0, 0, 0, 0 };
    FILE *f;

    if (!corpus())
        return;
    snprintf(path, sizeof(path), "%s/storage/vol2argv-tests.tsv", corpus());
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        struct row r;
        if (line[0] == '#' ||
            sscanf(line, "%127[^\t]\t%15[^\t]\t%255[^\t]\t%255[^\t]\t"
                   "%255[^\t]\t%255[^\t]\t%127[^\t]\t%127s", r.name,
                   r.expect, r.pool, r.vol, r.inpool, r.invol, r.cflags,
                   r.pflags) != 8)
            continue;
        run_row(&r, &t);
    }
    fclose(f);
    printf("conformance: vol2argv exact %d/%d (+ failures-as-expected "
           "%d/%d; %d encrypted rows refused as unsupported)\n", t.exact,
           t.total, t.failed_ok, t.failures, t.unsupported);
}

static void
test_own(void)
{
    static const char pool_xml[] = "<pool type='dir'><name>p</name><target>"
                                   "<path>/p</path></target></pool>";
    static const char raw_xml[] = "<volume><name>r</name><capacity unit='G'>"
        "1</capacity><target><path>/p/r</path><compat>1.1</compat></target>"
        "</volume>";
    static const char nopath_xml[] = "<volume><name>n</name><capacity>1"
                                     "</capacity></volume>";
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *pool = pool_def_parse_xml(pool_xml, strlen(pool_xml),
                                               NULL, 0, &err);
    struct vol_def *raw = pool ? vol_def_parse_xml(pool, raw_xml,
                                   strlen(raw_xml), NULL, 0, &err) : NULL;
    struct vol_def *nopath = pool ? vol_def_parse_xml(pool, nopath_xml,
                                   strlen(nopath_xml), NULL, 0, &err) : NULL;
    char **argv;

    CHECK(pool && raw && nopath, "own inputs: %s", err.msg);
    if (!pool || !raw || !nopath)
        goto out;
    argv = vol_argv_create(pool, raw, NULL, NULL, 0, &err);
    CHECK(!argv && err.code == LV_E_INVALID &&
          strstr(err.msg, "volume 'r': compatibility option only available "
                 "with qcow2"), "compat on raw: %s", err.msg);
    lv_argv_free(argv);
    argv = vol_argv_create(pool, nopath, NULL, NULL, 0, &err);
    CHECK(!argv && strstr(err.msg, "missing target path"), "no path: %s",
          err.msg);
    lv_argv_free(argv);
    free(raw->target.compat);
    raw->target.compat = NULL;
    argv = vol_argv_create(pool, raw, NULL, NULL, VOL_ARGV_PREALLOC_METADATA,
                           &err);
    CHECK(!argv && strstr(err.msg, "preallocation only available with "
                          "qcow2"), "prealloc raw: %s", err.msg);
    lv_argv_free(argv);
    argv = vol_argv_create(pool, raw, NULL, NULL, 0, &err);
    {
        char *s = argv ? join(argv) : NULL;
        CHECK(s && !strcmp(s, "qemu-img create -f raw /p/r 1048576K"),
              "raw create: %s", s ? s : err.msg);
        free(s);
    }
    lv_argv_free(argv);
out:
    vol_def_free(raw);
    vol_def_free(nopath);
    pool_def_free(pool);
}

int
main(void)
{
    test_corpus();
    test_own();
    return TEST_DONE();
}
