/* units.c - parse and format sizes with units ("512 MiB", "2G"), with the
 * unit meanings of libvirt's virScaleInteger(): a bare letter or "iB" is a
 * power of 1024, "B" after the letter a power of 1000. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

uint64_t
lv_units_scale(const char *u, size_t len, uint64_t if_empty)
{
    static const char powers[] = "kmgtpe";
    const char *p;
    uint64_t base, scale = 1;

    if (len == 0)
        return if_empty;
    if ((len == 1 && tolower((unsigned char)u[0]) == 'b') ||
        (len == 4 && strncasecmp(u, "byte", 4) == 0) ||
        (len == 5 && strncasecmp(u, "bytes", 5) == 0))
        return 1;
    p = strchr(powers, tolower((unsigned char)u[0]));
    if (!p || !*p)
        return 0;
    if (len == 1 || (len == 3 && strncasecmp(u + 1, "ib", 2) == 0))
        base = 1024;
    else if (len == 2 && tolower((unsigned char)u[1]) == 'b')
        base = 1000;
    else
        return 0;
    for (const char *q = powers; q <= p; q++)
        scale *= base;
    return scale;
}

int
lv_units_parse_kib(const char *s, uint64_t *out_kib, struct lv_err *err)
{
    const char *p = s, *u;
    char *end;
    unsigned long long v;
    uint64_t scale, bytes;
    size_t ulen;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-') {
        lv_err_set(err, LV_E_INVALID, "invalid size '%.64s': must not be "
                   "negative", s);
        return -1;
    }
    if (!isdigit((unsigned char)*p)) {
        lv_err_set(err, LV_E_INVALID, "invalid size '%.64s': expected a "
                   "number with an optional unit, like '512 MiB'", s);
        return -1;
    }
    errno = 0;
    v = strtoull(p, &end, 10);
    if (errno == ERANGE)
        goto too_large;
    if (*end == '.' || *end == ',') {
        lv_err_set(err, LV_E_INVALID, "invalid size '%.64s': not a whole "
                   "number; use a smaller unit", s);
        return -1;
    }
    for (u = end; isspace((unsigned char)*u); u++)
        ;
    ulen = strlen(u);
    while (ulen && isspace((unsigned char)u[ulen - 1]))
        ulen--;
    scale = lv_units_scale(u, ulen, 1024);
    if (!scale) {
        lv_err_set(err, LV_E_INVALID, "invalid size '%.64s': unknown unit "
                   "'%.*s' (use b, KB, KiB, MB, MiB, GB, GiB, TB, TiB)", s,
                   (int)(ulen > 16 ? 16 : ulen), u);
        return -1;
    }
    if (v > UINT64_MAX / scale)
        goto too_large;
    bytes = v * scale;
    *out_kib = bytes / 1024 + (bytes % 1024 != 0);
    return 0;
too_large:
    lv_err_set(err, LV_E_INVALID, "invalid size '%.64s': too large", s);
    return -1;
}

int
lv_units_format(uint64_t kib, char *buf, size_t n)
{
    static const char *const names[] = {
        "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
    };
    size_t u = 0;
    int r;

    while (kib && kib % 1024 == 0 && u + 1 < sizeof(names) / sizeof(*names)) {
        kib /= 1024;
        u++;
    }
    r = snprintf(buf, n, "%" PRIu64 " %s", kib, names[u]);
    if (r < 0 || (size_t)r >= n) {
        if (n)
            buf[0] = 0;
        return -1;
    }
    return 0;
}
