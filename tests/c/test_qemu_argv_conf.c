/* test_qemu_argv_conf.c - the QEMU argv builder measured on every domain
 * test of libvirt's conformance corpus: for each NAME.xml of domain/, the
 * argv `luavirt domxml-to-native qemu-argv` gives must have the -m size,
 * the -smp count, the multiset of -device drivers and the -vnc/-spice of
 * libvirt's own NAME.x86_64-latest.args (NAME.x86_64-7.2.0.args where one
 * exists: Debian 12 has QEMU 7.2). Prints the figure and every mismatch;
 * fails when the figure falls below the floor or a test outside the list of
 * known mismatches (each with its cause) stops matching. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dom_def.h"
#include "dom_xml.h"
#include "harness.h"
#include "kvm/qemu_argv.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

/* Raise as the work goes: the number of corpus tests that must match. */
#define CONF_FLOOR 198

/* Tests known not to match, and why; every other test must match. */
static const char *const known[][2] = {
    { "disk-backing-chains-index",
      "rbd disk with <auth>: needs a secret, luavirt keeps none (the chain "
      "itself matches)" },
    { "disk-backing-chains-noindex",
      "rbd disk with <auth>: needs a secret, luavirt keeps none (the chain "
      "itself matches)" },
    { "disk-blockio",
      "IDE unit 2 on bus 0: the PIIX IDE has 2 units per bus, QEMU refuses "
      "libvirt's argv; refused at define" },
    { "disk-scsi",
      "ibmvscsi is a ppc64 (pseries) controller" },
    { "disk-serial",
      "IDE unit 2 on bus 0: the PIIX IDE has 2 units per bus, QEMU refuses "
      "libvirt's argv; refused at define" },
};

struct summary {
    unsigned long long mem_mib;
    unsigned smp;
    char **drv;            /* every -device driver, sorted */
    size_t n_drv, cap_drv;
    int vnc, spice;
};

static void
summary_free(struct summary *s)
{
    for (size_t i = 0; i < s->n_drv; i++)
        free(s->drv[i]);
    free(s->drv);
    memset(s, 0, sizeof(*s));
}

static void
summary_add_drv(struct summary *s, const char *d, size_t len)
{
    if (s->n_drv == s->cap_drv) {
        s->cap_drv = s->cap_drv ? 2 * s->cap_drv : 16;
        s->drv = lv_realloc(s->drv, s->cap_drv * sizeof(*s->drv));
    }
    s->drv[s->n_drv++] = lv_strndup(d, len);
}

/* -m 214 | -m size=219136k[,slots=..,maxmem=..] -> MiB */
static unsigned long long
mem_mib(const char *val)
{
    const char *p = strncmp(val, "size=", 5) ? val : val + 5;
    char *u;
    unsigned long long n = strtoull(p, &u, 10);

    if (*u == 'k')
        return (n + 1023) / 1024;
    if (*u == 'G')
        return n * 1024;
    return n;
}

/* Fold one option/value pair into s. */
static void
summarize_opt(struct summary *s, const char *opt, const char *val)
{
    if (!strcmp(opt, "-m")) {
        s->mem_mib = mem_mib(val);
    } else if (!strcmp(opt, "-smp")) {
        s->smp = (unsigned)strtoul(val, NULL, 10);
    } else if (!strcmp(opt, "-vnc")) {
        s->vnc = 1;
    } else if (!strcmp(opt, "-spice")) {
        s->spice = 1;
    } else if (!strcmp(opt, "-device") && val[0] == '{') {
        json_t *j = json_loads(val, 0, NULL);
        const char *d = j ? json_string_value(json_object_get(j, "driver")) : NULL;
        summary_add_drv(s, d ? d : "?", d ? strlen(d) : 1);
        json_decref(j);
    } else if (!strcmp(opt, "-device")) {
        summary_add_drv(s, val, strcspn(val, ","));
    }
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
summarize_argv(char **argv, struct summary *s)
{
    for (size_t i = 1; argv[i]; i++)
        if (argv[i][0] == '-' && argv[i + 1])
            summarize_opt(s, argv[i], argv[i + 1]);
    if (s->n_drv)
        qsort(s->drv, s->n_drv, sizeof(char *), cmp_str);
}

/* libvirt's .args: one "-opt value \" per line, value maybe '...' quoted */
static int
summarize_args_file(const char *path, struct summary *s)
{
    char *text = lv_store_read(path, NULL, NULL), *line, *save = NULL;

    if (!text)
        return -1;
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        char *sp;
        if (len >= 2 && !strcmp(line + len - 2, " \\"))
            line[len -= 2] = '\0';
        if (line[0] != '-' || !(sp = strchr(line, ' ')))
            continue;
        *sp++ = '\0';
        if (*sp == '\'') {
            sp++;
            if (*sp && sp[strlen(sp) - 1] == '\'')
                sp[strlen(sp) - 1] = '\0';
        }
        summarize_opt(s, line, sp);
    }
    if (s->n_drv)
        qsort(s->drv, s->n_drv, sizeof(char *), cmp_str);
    free(text);
    return 0;
}

/* The drivers in a but not in b (multiset difference), space separated. */
static void
drv_minus(const struct summary *a, const struct summary *b, struct strbuf *out)
{
    size_t i = 0, j = 0;

    while (i < a->n_drv) {
        int c = j < b->n_drv ? strcmp(a->drv[i], b->drv[j]) : -1;
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            strbuf_addf(out, " %s", a->drv[i++]);
        } else {
            j++;
        }
    }
}

/* Describe how mine differs from theirs into why; empty when it doesn't. */
static void
summary_diff(const struct summary *mine, const struct summary *theirs,
             struct strbuf *why)
{
    struct strbuf more = STRBUF_INIT, less = STRBUF_INIT;

    if (mine->mem_mib != theirs->mem_mib)
        strbuf_addf(why, " -m %llu MiB (libvirt %llu MiB);", mine->mem_mib,
                    theirs->mem_mib);
    if (mine->smp != theirs->smp)
        strbuf_addf(why, " -smp %u (libvirt %u);", mine->smp, theirs->smp);
    drv_minus(mine, theirs, &more);
    drv_minus(theirs, mine, &less);
    if (more.len)
        strbuf_addf(why, " extra -device%s;", more.s);
    if (less.len)
        strbuf_addf(why, " missing -device%s;", less.s);
    if (mine->vnc != theirs->vnc || mine->spice != theirs->spice)
        strbuf_addf(why, " vnc/spice %d/%d (libvirt %d/%d);", mine->vnc,
                    mine->spice, theirs->vnc, theirs->spice);
    strbuf_free(&more);
    strbuf_free(&less);
}

static const char *
known_cause(const char *name)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i][0] && !strcmp(known[i][0], name))
            return known[i][1];
    return NULL;
}

enum result { RES_MATCH, RES_MISMATCH, RES_REFUSED, RES_NODATA };

/* Build and compare one test; why gets the difference or the error. */
static enum result
conf_one(const char *dir, const char *name, struct strbuf *why)
{
    struct lv_err err = LV_ERR_INIT;
    char *xp = lv_asprintf("%s/domain/%s.xml", dir, name);
    char *ap = lv_asprintf("%s/domain/%s.x86_64-7.2.0.args", dir, name);
    struct qemu_argv_opts o = { .run_dir = "/run/luavirt/qemu/test",
                                .qmp_fd = -1, .qmp_sup_fd = -1,
                                .for_display = 1 };
    struct summary mine = { 0 }, theirs = { 0 };
    struct dom_def *def = NULL;
    char **argv = NULL, *xml;
    enum result r = RES_NODATA;
    size_t len;
    struct stat st;

    if (stat(ap, &st) < 0) {
        free(ap);
        ap = lv_asprintf("%s/domain/%s.x86_64-latest.args", dir, name);
    }
    if (summarize_args_file(ap, &theirs) < 0 ||
        !(xml = lv_store_read(xp, &len, &err))) {
        strbuf_addf(why, " cannot read %s or %s", xp, ap);
        goto out;
    }
    r = RES_REFUSED;
    def = dom_def_parse_xml(xml, len, xp, 0, &err);
    free(xml);
    if (!def) {
        strbuf_addf(why, " %s", err.msg);
        goto out;
    }
    o.accel_kvm = def->virt_type == DOM_VIRT_KVM;
    if (!(argv = qemu_argv_build(def, &o, &err))) {
        strbuf_addf(why, " %s", err.msg);
        goto out;
    }
    summarize_argv(argv, &mine);
    summary_diff(&mine, &theirs, why);
    r = why->len ? RES_MISMATCH : RES_MATCH;
out:
    summary_free(&mine);
    summary_free(&theirs);
    lv_argv_free(argv);
    dom_def_free(def);
    free(xp);
    free(ap);
    return r;
}

static void
test_corpus(const char *dir)
{
    char *index = lv_asprintf("%s/domain-index.tsv", dir);
    char *text = lv_store_read(index, NULL, NULL), *line, *save = NULL;
    struct strbuf refused = STRBUF_INIT;
    size_t total = 0, good = 0, n_refused = 0;

    CHECK(text != NULL, "cannot read %s", index);
    for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        struct strbuf why = STRBUF_INIT;
        const char *cause;
        enum result r;
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\t")] = '\0';
        total++;
        r = conf_one(dir, line, &why);
        cause = known_cause(line);
        if (r == RES_MATCH) {
            good++;
            if (cause)
                printf("conformance: %s matches now; drop it from known[]\n", line);
        } else {
            if (r == RES_REFUSED)
                strbuf_addf(&refused, "%s%s", n_refused++ ? ", " : "", line);
            printf("conformance: mismatch %s:%s%s%s\n", line, strbuf_cstr(&why),
                   cause ? " -- known: " : "", cause ? cause : "");
            CHECK(cause != NULL, "%s: new mismatch:%s", line, strbuf_cstr(&why));
        }
        strbuf_free(&why);
    }
    printf("conformance: domain argv %zu/%zu (%zu refused%s%s)\n", good, total,
           n_refused, n_refused ? ": " : "", strbuf_cstr(&refused));
    CHECK((long)good >= CONF_FLOOR, "conformance %zu/%zu below the floor %d", good,
          total, CONF_FLOOR);
    strbuf_free(&refused);
    free(text);
    free(index);
}

int
main(void)
{
    const char *dir = harness_conformance_dir("conformance argv");

    if (dir)
        test_corpus(dir);
    return TEST_DONE();
}
