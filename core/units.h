/* units.h - sizes with units, as libvirt reads and people write them:
 * "512 MiB", "2G", "1000 KB". Sizes are kept in KiB throughout luavirt,
 * like libvirt's <memory unit='KiB'>. */
#ifndef LV_UNITS_H
#define LV_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Enough for any lv_units_format() result ("18446744073709551615 KiB"). */
#define LV_UNITS_BUFLEN 32

/* The multiplier in bytes of the unit text u (len bytes, not terminated),
 * libvirt's virScaleInteger() meanings, case-insensitive: b/byte/bytes = 1,
 * k/KiB = 1024, KB = 1000, and so on up to E/EiB/EB; if_empty when len is 0
 * (KiB for memory, bytes for volumes); 0 for an unknown unit. */
uint64_t lv_units_scale(const char *u, size_t len, uint64_t if_empty);

/* Parse a size: a whole number, optional blanks, an optional unit with
 * libvirt's meaning (lv_units_scale): b/bytes = 1, KB = 1000, k/KiB = 1024,
 * MB = 1000^2, M/MiB = 1024^2, GB, G/GiB, TB, T/TiB, PB, P/PiB, EB, E/EiB.
 * No unit means KiB (libvirt's default for memory). Bytes are rounded up to
 * whole KiB, like libvirt. Stores the size in *out_kib and returns 0, or
 * returns -1 with err (LV_E_INVALID) naming the text and the cause; *out_kib
 * is then unchanged. */
int lv_units_parse_kib(const char *s, uint64_t *out_kib, struct lv_err *err);

/* Write kib in the largest binary unit that holds it exactly ("512 MiB",
 * "1536 KiB", "0 KiB") into buf of n bytes (LV_UNITS_BUFLEN always fits).
 * Returns 0, or -1 if n is too small (buf then holds "" when n > 0). */
int lv_units_format(uint64_t kib, char *buf, size_t n);

#endif
