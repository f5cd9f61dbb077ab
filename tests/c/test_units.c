/* test_units.c - sizes with units (core/units.c): libvirt's unit meanings,
 * rounding up to KiB, the errors, and formatting in the largest exact unit. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "units.h"
#include "storage/vol_def.h"

static void
check_parse(const char *s, uint64_t want)
{
    struct lv_err err = LV_ERR_INIT;
    uint64_t kib = 0;
    int rc = lv_units_parse_kib(s, &kib, &err);

    CHECK(rc == 0 && kib == want, "parse '%s': rc %d kib %llu want %llu (%s)",
          s, rc, (unsigned long long)kib, (unsigned long long)want, err.msg);
}

static void
check_fail(const char *s, const char *want_msg)
{
    struct lv_err err = LV_ERR_INIT;
    uint64_t kib = 77;
    int rc = lv_units_parse_kib(s, &kib, &err);

    CHECK(rc == -1 && kib == 77 && err.code == LV_E_INVALID,
          "parse '%s' should fail: rc %d", s, rc);
    CHECK(strcmp(err.msg, want_msg) == 0, "parse '%s': message '%s', want '%s'",
          s, err.msg, want_msg);
}

static void
check_format(uint64_t kib, const char *want)
{
    char buf[LV_UNITS_BUFLEN];
    int rc = lv_units_format(kib, buf, sizeof(buf));

    CHECK(rc == 0 && strcmp(buf, want) == 0, "format %llu: '%s' want '%s'",
          (unsigned long long)kib, buf, want);
}

/* One unit table for memory, volume sizes and the CLI: they agree. */
static void
check_scale(void)
{
    static const struct { const char *u; uint64_t v; } t[] = {
        { "b", 1 }, { "byte", 1 }, { "Bytes", 1 }, { "k", 1024 }, { "KiB", 1024 },
        { "KB", 1000 }, { "m", 1ULL << 20 }, { "MB", 1000000 }, { "gib", 1ULL << 30 },
        { "T", 1ULL << 40 }, { "PB", 1000000000000000ULL }, { "EiB", 1ULL << 60 },
        { "x", 0 }, { "KiBs", 0 }, { "kb2", 0 },
    };
    uint64_t kib = 0, bytes = 0;
    struct lv_err err = LV_ERR_INIT;

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        CHECK(lv_units_scale(t[i].u, strlen(t[i].u), 7) == t[i].v, "scale of '%s'", t[i].u);
    CHECK(lv_units_scale("", 0, 1024) == 1024 && lv_units_scale("", 0, 1) == 1,
          "no unit: the caller's default");
    CHECK(lv_units_parse_kib("2048 byte", &kib, &err) == 0 && kib == 2,
          "'byte' is a unit for the CLI too: %s", err.msg);
    CHECK(vol_def_size_parse("3", "byte", &bytes, &err) == 0 && bytes == 3,
          "'byte' for volumes: %s", err.msg);
    CHECK(vol_def_size_parse("3", NULL, &bytes, &err) == 0 && bytes == 3,
          "volumes: no unit is bytes");
    CHECK(vol_def_size_parse("1", "EiB", &bytes, &err) == 0 && bytes == 1ULL << 60,
          "volumes: EiB");
}

int
main(void)
{
    check_scale();
    char small[4];

    check_parse("512 MiB", 512 * 1024);
    check_parse("512MiB", 512 * 1024);
    check_parse("2G", 2 * 1024 * 1024);
    check_parse("1GiB", 1024 * 1024);
    check_parse("1gib", 1024 * 1024);
    check_parse("  4 k ", 4);
    check_parse("4KiB", 4);
    check_parse("1024", 1024);                 /* no unit: KiB */
    check_parse("2048 b", 2);
    check_parse("2048 bytes", 2);
    check_parse("1 b", 1);                     /* rounded up, like libvirt */
    check_parse("0", 0);
    check_parse("1000 KB", 977);               /* 1000000 bytes, rounded up */
    check_parse("1 MB", 977);
    check_parse("1 M", 1024);
    check_parse("1 GB", 976563);
    check_parse("1 T", 1024ULL * 1024 * 1024);
    check_parse("1 TiB", 1024ULL * 1024 * 1024);
    check_parse("1 TB", 976562500);
    check_parse("1 PiB", 1024ULL * 1024 * 1024 * 1024);
    check_parse("8 EiB", 8ULL << 50);

    check_fail("512 XB", "invalid size '512 XB': unknown unit 'XB' (use b, "
               "KB, KiB, MB, MiB, GB, GiB, TB, TiB)");
    check_fail("5 MiBs", "invalid size '5 MiBs': unknown unit 'MiBs' (use b, "
               "KB, KiB, MB, MiB, GB, GiB, TB, TiB)");
    check_fail("", "invalid size '': expected a number with an optional "
               "unit, like '512 MiB'");
    check_fail("MiB", "invalid size 'MiB': expected a number with an "
               "optional unit, like '512 MiB'");
    check_fail("-1G", "invalid size '-1G': must not be negative");
    check_fail("1.5G", "invalid size '1.5G': not a whole number; use a "
               "smaller unit");
    check_fail("16 EiB", "invalid size '16 EiB': too large");
    check_fail("99999999999999999999999", "invalid size "
               "'99999999999999999999999': too large");

    check_format(512 * 1024, "512 MiB");
    check_format(1536, "1536 KiB");
    check_format(0, "0 KiB");
    check_format(1, "1 KiB");
    check_format(2 * 1024 * 1024, "2 GiB");
    check_format(3ULL << 30, "3 TiB");
    check_format(1ULL << 50, "1 EiB");
    check_format(UINT64_MAX, "18446744073709551615 KiB");
    CHECK(lv_units_format(512 * 1024, small, sizeof(small)) == -1 &&
          small[0] == 0, "format into a small buffer must fail");
    return TEST_DONE();
}
