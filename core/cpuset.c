/* cpuset.c - host CPU lists (see cpuset.h). */
#include "cpuset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

/* One number at *p, advanced past it; -1 when there is none; *big gets a
 * number too large for a cpu_set_t (no host has that CPU). */
static long
read_cpu(const char **p, long *big)
{
    char *end;
    long v;

    if (!isdigit((unsigned char)**p))
        return -1;
    v = strtol(*p, &end, 10);
    *p = end;
    if (v >= CPU_SETSIZE) {
        *big = v;
        return -2;
    }
    return v;
}

static int
bad(const char *s, const char *why, struct lv_err *err)
{
    lv_err_set(err, LV_E_INVALID, "cpu list '%s': %s", s, why);
    return -1;
}

int
lv_cpuset_parse(const char *s, cpu_set_t *set, struct lv_err *err)
{
    cpu_set_t r;
    const char *p = s;

    CPU_ZERO(&r);
    while (*p) {
        int neg = 0;
        long a, b, big = 0;
        while (*p == ' ')
            p++;
        if (*p == '^') {
            neg = 1;
            p++;
        }
        a = b = read_cpu(&p, &big);
        if (a >= 0 && *p == '-' && !neg) {
            p++;
            b = read_cpu(&p, &big);
        }
        if (a == -2 || b == -2) {
            lv_err_set(err, LV_E_INVALID, "cpu list '%s': host has no CPU %ld (its "
                       "CPUs are 0-%d)", s, big, lv_cpuset_host_cpus() - 1);
            return -1;
        }
        if (a < 0 || b < 0)
            return bad(s, "expected CPU numbers and ranges like 0-3,^2", err);
        if (b < a)
            return bad(s, "range ends before it starts", err);
        for (long i = a; i <= b; i++) {
            if (neg)
                CPU_CLR(i, &r);
            else
                CPU_SET(i, &r);
        }
        while (*p == ' ')
            p++;
        if (*p && *p != ',')
            return bad(s, "expected CPU numbers and ranges like 0-3,^2", err);
        if (*p == ',')
            p++;
    }
    if (CPU_COUNT(&r) == 0)
        return bad(s, "no CPU in it", err);
    *set = r;
    return 0;
}

int
lv_cpuset_host_cpus(void)
{
    int n = get_nprocs_conf();
    return n > 0 ? n : 1;
}

int
lv_cpuset_check_host(const cpu_set_t *set, struct lv_err *err)
{
    int n = lv_cpuset_host_cpus();

    for (int i = n; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, set)) {
            lv_err_set(err, LV_E_INVALID, "host has no CPU %d (its CPUs are 0-%d)",
                       i, n - 1);
            return -1;
        }
    return 0;
}

int
lv_cpuset_format(const cpu_set_t *set, char *buf, size_t n)
{
    size_t len = 0;

    if (n == 0)
        return -1;
    buf[0] = '\0';
    for (int i = 0; i < CPU_SETSIZE; i++) {
        int j = i;
        int w;
        if (!CPU_ISSET(i, set))
            continue;
        while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
            j++;
        w = j > i ? snprintf(buf + len, n - len, "%s%d-%d", len ? "," : "", i, j)
                  : snprintf(buf + len, n - len, "%s%d", len ? "," : "", i);
        if (w < 0 || (size_t)w >= n - len) {
            buf[0] = '\0';
            return -1;
        }
        len += (size_t)w;
        i = j;
    }
    return 0;
}
