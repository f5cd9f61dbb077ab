/* test_snap_xml.c - domain snapshot XML: libvirt's snapshot corpus
 * (../shared/conformance/libvirt/snapshot, or $LUAVIRT_CONFORMANCE) parsed
 * and formatted back exactly, plus our own cases: defaults, the current
 * marker, stable formatting and rejected input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kvm/snap_def.h"
#include "store.h"
#include "strbuf.h"

static char *
read_file(const char *dir, const char *rel)
{
    char *p = lv_asprintf("%s/snapshot/%s", dir, rel);
    char *s = lv_store_read(p, NULL, NULL);
    free(p);
    return s;
}

/* One row: test mode input expected uuid creation_time flags */
static int
conf_row(const char *dir, char **f)
{
    struct lv_err err = LV_ERR_INIT;
    unsigned pflags = 0, fflags = 0;
    char *in = read_file(dir, f[2]), *want = read_file(dir, f[3]);
    char *got = NULL;
    struct snap_def *def = NULL;
    int ok = 0;

    if (strstr(f[6], "TEST_INTERNAL")) {
        pflags |= SNAP_PARSE_INTERNAL;
        fflags |= SNAP_FORMAT_INTERNAL;
    }
    if (strstr(f[6], "TEST_REDEFINE"))
        pflags |= SNAP_PARSE_REDEFINE;
    if (!in || !want)
        goto out;
    def = snap_def_parse_xml(in, strlen(in), f[2], pflags, &err);
    if (!def) {   /* counted as not exact; the count is checked below */
        printf("snapshot %s: %s\n", f[0], err.msg);
        goto out;
    }
    if (strcmp(f[5], "-") != 0)
        snap_def_assign_defaults(def, atoll(f[5]));
    if (strstr(f[6], "TEST_RUNNING")) {
        free(def->state);
        def->state = lv_strdup("running");
    }
    if (strcmp(f[4], "-") != 0 && !def->dom && !def->dom_uuid)
        def->dom_uuid = lv_strdup(f[4]);
    got = snap_def_format_xml(def, fflags, &err);
    CHECK(got != NULL, "%s: %s", f[0], err.msg);
    ok = got && strcmp(got, want) == 0;
    if (!ok && got && getenv("LUAVIRT_CONFORMANCE_VERBOSE"))
        fprintf(stderr, "--- %s want:\n%s--- got:\n%s", f[0], want, got);
out:
    snap_def_free(def);
    free(got);
    free(in);
    free(want);
    return ok;
}

static void
test_conformance(void)
{
    const char *dir = harness_conformance_dir("snapshot conformance");
    char path[512], line[2048];
    int total = 0, exact = 0;
    FILE *f;

    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/snapshot/tests.tsv", dir);
    f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *fields[7], *save = NULL;
        int n = 0;
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (char *t = strtok_r(line, "\t", &save); t && n < 7;
             t = strtok_r(NULL, "\t", &save))
            fields[n++] = t;
        if (n < 7)
            continue;
        total++;
        exact += conf_row(dir, fields);
    }
    fclose(f);
    printf("conformance: snapshot xml exact %d/%d\n", exact, total);
    /* the two others embed domains core/dom_xml does not round-trip yet:
     * <disk snapshot='external'> (external_vm_redefine) and a controller's
     * <master> written after its <address> (memory-snapshot-inactivedomain) */
    CHECK(total == 19 && exact >= 17, "snapshot corpus: %d/%d exact",
          exact, total);
}

static void
test_defaults_and_current(void)
{
    static const char xml[] =
        "<domainsnapshot>\n"
        "  <description>a &amp; b</description>\n"
        "  <parent><name>base</name></parent>\n"
        "  <active>1</active>\n"
        "</domainsnapshot>\n";
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *def = snap_def_parse_xml(xml, strlen(xml), NULL,
                                              SNAP_PARSE_INTERNAL | SNAP_PARSE_REDEFINE, &err);
    char *out = NULL, *again = NULL;
    struct snap_def *def2 = NULL;

    CHECK(def != NULL, "parse: %s", err.msg);
    if (!def)
        return;
    CHECK(def->current == 1, "current marker read");
    CHECK(def->name == NULL, "no name before defaults");
    snap_def_assign_defaults(def, 1700000000);
    CHECK(def->name && strcmp(def->name, "1700000000") == 0, "name from time");
    CHECK(def->parent && strcmp(def->parent, "base") == 0, "parent");
    out = snap_def_format_xml(def, SNAP_FORMAT_INTERNAL, &err);
    CHECK(out && strstr(out, "<description>a &amp; b</description>"), "escaped");
    CHECK(out && strstr(out, "<active>1</active>"), "active written");
    def2 = out ? snap_def_parse_xml(out, strlen(out), NULL,
                                    SNAP_PARSE_INTERNAL | SNAP_PARSE_REDEFINE,
                                    &err) : NULL;
    again = def2 ? snap_def_format_xml(def2, SNAP_FORMAT_INTERNAL, &err) : NULL;
    CHECK(out && again && strcmp(out, again) == 0, "format is stable");
    free(again);
    snap_def_free(def2);
    free(out);
    /* without the internal flag, <active> is neither read nor written */
    def2 = snap_def_parse_xml(xml, strlen(xml), NULL, 0, &err);
    CHECK(def2 && def2->current == 0, "active ignored without internal");
    out = def2 ? snap_def_format_xml(def2, 0, &err) : NULL;
    CHECK(out && !strstr(out, "<active>"), "no active without internal");
    free(out);
    snap_def_free(def2);
    snap_def_free(def);
}

static void
test_rejects(void)
{
    static const char *const bad[] = {
        "<domainsnapshot><frob/></domainsnapshot>",
        "<domainsnapshot><state>flying</state></domainsnapshot>",
        "<domainsnapshot><memory snapshot='sideways'/></domainsnapshot>",
        "<domainsnapshot><disks><disk snapshot='no'/></disks></domainsnapshot>",
        "<domainsnapshot><name>a/b</name></domainsnapshot>",
        "<domainsnapshot><creationTime>soon</creationTime></domainsnapshot>",
        "<domain/>",
        "<domainsnapshot>",
        NULL
    };
    for (int i = 0; bad[i]; i++) {
        struct lv_err err = LV_ERR_INIT;
        struct snap_def *def = snap_def_parse_xml(bad[i], strlen(bad[i]), "s.xml",
                                                  SNAP_PARSE_REDEFINE, &err);
        CHECK(def == NULL && err.msg[0], "rejected: %s", bad[i]);
        CHECK(def != NULL || strstr(err.msg, "s.xml") ||
              strstr(err.msg, "snapshot '"), "message names the source: %s",
              err.msg);
        snap_def_free(def);
    }
}

static void
test_disks(void)
{
    static const char xml[] =
        "<domainsnapshot><name>s1</name><disks>"
        "<disk name='vda' snapshot='external'><source file='/i/vda.s1'/>"
        "<driver type='qcow2'/></disk>"
        "<disk name='vdb' snapshot='no'/></disks></domainsnapshot>";
    static const char want[] =
        "<domainsnapshot>\n"
        "  <name>s1</name>\n"
        "  <disks>\n"
        "    <disk name='vda' snapshot='external' type='file'>\n"
        "      <driver type='qcow2'/>\n"
        "      <source file='/i/vda.s1'/>\n"
        "    </disk>\n"
        "    <disk name='vdb' snapshot='no'/>\n"
        "  </disks>\n"
        "</domainsnapshot>\n";
    struct lv_err err = LV_ERR_INIT;
    struct snap_def *def = snap_def_parse_xml(xml, strlen(xml), NULL, 0, &err);
    char *out = def ? snap_def_format_xml(def, 0, &err) : NULL;

    CHECK(def && def->n_disks == 2, "two disks");
    CHECK(def && def->disks[0].snapshot == SNAP_LOC_EXTERNAL, "external");
    CHECK(out && strcmp(out, want) == 0, "disks formatted: %s", out ? out : err.msg);
    free(out);
    snap_def_free(def);
}

int
main(void)
{
    test_conformance();
    test_defaults_and_current();
    test_rejects();
    test_disks();
    return TEST_DONE();
}
