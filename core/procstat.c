/* procstat.c - /proc CPU time and memory of processes and threads (see
 * procstat.h). */
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read a small /proc file into buf (n bytes, terminated). */
static int
read_small(const char *path, char *buf, size_t n, struct lv_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r;

    if (fd < 0) {
        lv_err_sys(err, "cannot open %s", path);
        return -1;
    }
    r = read(fd, buf, n - 1);
    if (r < 0) {
        lv_err_sys(err, "cannot read %s", path);
        close(fd);
        return -1;
    }
    close(fd);
    buf[r] = '\0';
    return 0;
}

int
lv_procstat_parse(const char *text, struct lv_procstat *out)
{
    /* the command name may hold blanks and parentheses: fields count from
     * the last ')' on; there, field 3 (state) is the first */
    const char *p = strrchr(text, ')');
    unsigned long long f[40];
    int field = 3;
    char *end;
    long hz = sysconf(_SC_CLK_TCK);

    if (!p || p[1] != ' ' || !p[2])
        return -1;
    out->state = p[2];
    p += 3;
    memset(f, 0, sizeof(f));
    while (*p && field < 39) {
        while (*p == ' ')
            p++;
        field++;
        f[field] = strtoull(p, &end, 10);
        if (end == p)
            return -1;
        p = end;
    }
    if (field < 39)
        return -1;
    if (hz <= 0)
        hz = 100;
    out->user_ns = f[14] * (1000000000ULL / (unsigned long long)hz);
    out->system_ns = f[15] * (1000000000ULL / (unsigned long long)hz);
    out->processor = (int)f[39];
    return 0;
}

int
lv_procstat_read(pid_t pid, pid_t tid, struct lv_procstat *out,
                 struct lv_err *err)
{
    char path[64], buf[1024];

    if (tid > 0)
        snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    else
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (read_small(path, buf, sizeof(buf), err) < 0)
        return -1;
    if (lv_procstat_parse(buf, out) < 0) {
        lv_err_set(err, LV_E_SYSTEM, "%s: cannot parse it", path);
        return -1;
    }
    return 0;
}

long long
lv_procstat_rss_kib(pid_t pid, struct lv_err *err)
{
    char path[64], buf[4096];
    const char *p;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (read_small(path, buf, sizeof(buf), err) < 0)
        return -1;
    p = strstr(buf, "\nVmRSS:");
    if (!p) {
        lv_err_set(err, LV_E_SYSTEM, "%s: no VmRSS line", path);
        return -1;
    }
    return strtoll(p + 7, NULL, 10);
}
