/* test_fuzz_found.c - every input the fuzzers (tests/fuzz) found a bug
 * with stays a test: each file under tests/fuzz/seeds/xml_KIND/ is parsed,
 * and what parses must format and parse again, with nothing leaked (the
 * valgrind and ASan runs of make check see to that). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xml.h"
#include "harness.h"
#include "kvm/snap_def.h"
#include "net/net_xml.h"
#include "storage/pool_xml.h"
#include "storage/vol_xml.h"
#include "store.h"

#define SEEDS "tests/fuzz/seeds"

/* Parse, format, parse again: 1 if all went as it must. */
static int
round_trip(const char *kind, const char *xml, size_t len)
{
    struct lv_err err = LV_ERR_INIT;
    char *x = NULL;
    int ok = 1;

#define RT(type, parse, format, free_fn)                                  \
    do {                                                                  \
        type *d = parse(xml, len, "seed", 0, &err);                       \
        if (!d)                                                           \
            return 1;                     /* refused: fine */            \
        x = format(d, 0, &err);                                           \
        free_fn(d);                                                       \
        if (!x)                                                           \
            return 0;                                                     \
        d = parse(x, strlen(x), "formatted", 0, &err);                    \
        ok = d != NULL;                                                   \
        free_fn(d);                                                       \
    } while (0)
    if (!strcmp(kind, "xml_domain"))
        RT(struct dom_def, dom_def_parse_xml, dom_def_format_xml, dom_def_free);
    else if (!strcmp(kind, "xml_network"))
        RT(struct net_def, net_def_parse_xml, net_def_format_xml, net_def_free);
    else if (!strcmp(kind, "xml_pool"))
        RT(struct pool_def, pool_def_parse_xml, pool_def_format_xml, pool_def_free);
    else if (!strcmp(kind, "xml_snapshot"))
        RT(struct snap_def, snap_def_parse_xml, snap_def_format_xml, snap_def_free);
    else if (!strcmp(kind, "xml_volume")) {
        static const char p_xml[] = "<pool type='dir'><name>p</name>"
                                    "<target><path>/var/lib/p</path></target></pool>";
        struct pool_def *p = pool_def_parse_xml(p_xml, sizeof(p_xml) - 1, "p", 0, &err);
        struct vol_def *v = p ? vol_def_parse_xml(p, xml, len, "seed", 0, &err) : NULL;
        if (v) {
            x = vol_def_format_xml(p, v, 0, &err);
            vol_def_free(v);
            v = x ? vol_def_parse_xml(p, x, strlen(x), "formatted", 0, &err) : NULL;
            ok = v != NULL;
            vol_def_free(v);
        }
        pool_def_free(p);
    }
#undef RT
    free(x);
    return ok;
}

int
main(void)
{
    static const char *const kinds[] = {
        "xml_domain", "xml_network", "xml_pool", "xml_volume", "xml_snapshot",
    };
    int files = 0;

    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        char dir[256];
        DIR *d;
        struct dirent *e;

        snprintf(dir, sizeof(dir), SEEDS "/%s", kinds[k]);
        if (!(d = opendir(dir)))
            continue;
        while ((e = readdir(d))) {
            char path[512];
            size_t len;
            char *xml;
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            xml = lv_store_read(path, &len, NULL);
            CHECK(xml != NULL, "read %s", path);
            if (!xml)
                continue;
            files++;
            CHECK(round_trip(kinds[k], xml, len), "%s: parsed but does not format and "
                  "parse again", path);
            free(xml);
        }
        closedir(d);
    }
    CHECK(files >= 6, "the found inputs are there (%d)", files);
    return TEST_DONE();
}
