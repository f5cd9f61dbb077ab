/* fuzz_xml.c - libFuzzer targets for the XML parsers: bytes -> parse; what
 * parses must format, and what is formatted must parse again (a definition
 * luavirt writes that it cannot read back would be lost at the next
 * command). One target per kind, chosen at build time with -DKIND_xxx. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xml.h"
#include "err.h"
#include "kvm/snap_def.h"
#include "net/net_xml.h"
#include "storage/pool_xml.h"
#include "storage/vol_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken round trip: say which step and why, then abort (libFuzzer keeps
 * the input as the reproducer). */
static void __attribute__((noreturn))
fail(const char *what, const struct lv_err *err, const char *formatted)
{
    fprintf(stderr, "round trip: %s: %s\n", what, err->msg);
    if (formatted)
        fprintf(stderr, "--- formatted ---\n%s\n--- end ---\n", formatted);
    abort();
}

#define ROUND_TRIP(type, parse, format, free_fn)                              \
    do {                                                                      \
        struct lv_err err = LV_ERR_INIT;                                      \
        type *d = parse((const char *)data, size, "fuzz", 0, &err);           \
        char *x;                                                              \
        if (!d)                                                               \
            return 0;                                                         \
        x = format(d, 0, &err);                                               \
        if (!x)                                                               \
            fail("parsed but cannot be formatted", &err, NULL);              \
        free_fn(d);                                                           \
        d = parse(x, strlen(x), "fuzz-formatted", 0, &err);                   \
        if (!d)                                                               \
            fail("luavirt's own output refused", &err, x);                   \
        free_fn(d);                                                           \
        free(x);                                                              \
    } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if defined(KIND_domain)
    ROUND_TRIP(struct dom_def, dom_def_parse_xml, dom_def_format_xml, dom_def_free);
#elif defined(KIND_network)
    ROUND_TRIP(struct net_def, net_def_parse_xml, net_def_format_xml, net_def_free);
#elif defined(KIND_pool)
    ROUND_TRIP(struct pool_def, pool_def_parse_xml, pool_def_format_xml, pool_def_free);
#elif defined(KIND_snapshot)
    ROUND_TRIP(struct snap_def, snap_def_parse_xml, snap_def_format_xml, snap_def_free);
#elif defined(KIND_volume)
    /* a volume is read in the context of its pool: a dir pool */
    static const char pool_xml[] = "<pool type='dir'><name>p</name>"
                                   "<target><path>/var/lib/p</path></target></pool>";
    struct lv_err err = LV_ERR_INIT;
    struct pool_def *p = pool_def_parse_xml(pool_xml, sizeof(pool_xml) - 1, "pool", 0, &err);
    struct vol_def *v;
    char *x;

    if (!p)
        abort();
    if ((v = vol_def_parse_xml(p, (const char *)data, size, "fuzz", 0, &err))) {
        if (!(x = vol_def_format_xml(p, v, 0, &err)))
            fail("parsed but cannot be formatted", &err, NULL);
        vol_def_free(v);
        if (!(v = vol_def_parse_xml(p, x, strlen(x), "fuzz-formatted", 0, &err)))
            fail("luavirt's own output refused", &err, x);
        vol_def_free(v);
        free(x);
    }
    pool_def_free(p);
#else
#error "KIND_domain, KIND_network, KIND_pool, KIND_volume or KIND_snapshot"
#endif
    return 0;
}
