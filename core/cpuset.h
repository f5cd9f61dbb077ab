/* cpuset.h - host CPU lists as libvirt and the kernel write them
 * ("0-3,^2", "0,4-7"): parse into a cpu_set_t, check against the host,
 * and format back, for <vcpupin cpuset=>, <emulatorpin> and affinities. */
#ifndef LV_CPUSET_H
#define LV_CPUSET_H

#include <sched.h>
#include <stddef.h>

#include "err.h"

/* Enough for any lv_cpuset_format() result of CPU_SETSIZE CPUs. */
#define LV_CPUSET_BUFLEN 4096

/* Parse s: comma-separated CPUs and ranges "a-b", "^n" removing one (as
 * libvirt's virBitmapParse). Fills *set and returns 0, or -1 with err
 * (LV_E_INVALID) naming the text and the cause (an empty result, a CPU
 * at or past CPU_SETSIZE, a bad range); *set is then unchanged. */
int lv_cpuset_parse(const char *s, cpu_set_t *set, struct lv_err *err);

/* Check that every CPU of set exists on this host (below the count of
 * configured CPUs): 0, or -1 with err naming the first missing CPU and the
 * host's CPUs. */
int lv_cpuset_check_host(const cpu_set_t *set, struct lv_err *err);

/* The host's CPU count (configured CPUs). */
int lv_cpuset_host_cpus(void);

/* Write set as ranges ("0-2,5") into buf of n bytes. Returns 0, or -1 when
 * n is too small (LV_CPUSET_BUFLEN always fits). */
int lv_cpuset_format(const cpu_set_t *set, char *buf, size_t n);

#endif
