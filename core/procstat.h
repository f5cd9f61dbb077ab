/* procstat.h - CPU time and placement of a process or one of its threads
 * from /proc/PID/stat and /proc/PID/task/TID/stat, and a process's
 * resident memory from /proc/PID/status: what vcpuinfo, cpu-stats and
 * domstats report of a QEMU and its vCPU threads. */
#ifndef LV_PROCSTAT_H
#define LV_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct lv_procstat {
    uint64_t user_ns;      /* utime */
    uint64_t system_ns;    /* stime */
    int processor;         /* the CPU it last ran on */
    char state;            /* R, S, D, ... */
};

/* The counters of thread tid of pid (tid 0: the whole process, all its
 * threads). Returns 0, or -1 with err (LV_E_SYSTEM, naming the file) when
 * the process or thread is gone or the file does not parse. */
int lv_procstat_read(pid_t pid, pid_t tid, struct lv_procstat *out,
                     struct lv_err *err);

/* Parse the text of a stat file (exposed for tests): 0 or -1. */
int lv_procstat_parse(const char *text, struct lv_procstat *out);

/* VmRSS of pid in KiB, or -1 with err. */
long long lv_procstat_rss_kib(pid_t pid, struct lv_err *err);

#endif
