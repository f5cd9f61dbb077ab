/* dom_stats.h - a guest's statistics as virsh shows them: an ordered list
 * of "key=value" entries (domstats, dommemstat), collected from /proc (CPU
 * time of QEMU and its vCPU threads), QMP (balloon, vCPUs, block) and the
 * taps (interfaces); and cpu-stats' totals. */
#ifndef LV_DOM_STATS_H
#define LV_DOM_STATS_H

#include <stdint.h>

#include "conn.h"
#include "err.h"

/* One entry: a number, or a string when str is set. */
struct dom_stat {
    char *key;
    char *str;
    long long num;
};

struct dom_stats {
    struct dom_stat *v;
    size_t n, cap;
};

/* Append an entry; the key is printf-formatted. */
void dom_stats_num(struct dom_stats *s, long long num, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dom_stats_str(struct dom_stats *s, const char *str, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dom_stats_free(struct dom_stats *s);

/* The groups of domstats, as its options name them. */
enum {
    DOM_STATS_STATE = 1 << 0,      /* --state */
    DOM_STATS_CPU = 1 << 1,        /* --cpu-total */
    DOM_STATS_BALLOON = 1 << 2,    /* --balloon */
    DOM_STATS_VCPU = 1 << 3,       /* --vcpu */
    DOM_STATS_INTERFACE = 1 << 4,  /* --interface */
    DOM_STATS_BLOCK = 1 << 5,      /* --block */
    DOM_STATS_ALL = (1 << 6) - 1,
};

/* The stats of groups for name, in virsh's keys and order (state.state,
 * cpu.time, balloon.current, vcpu.0.time, net.0.rx.bytes, block.0.rd.reqs,
 * ...). A shut-off guest has the state, and the balloon and vcpu sizes of
 * its definition. Appends to *out (dom_stats_free it); -1 with err. */
int dom_stats_get(struct lv_conn *c, const char *name, unsigned groups,
                  struct dom_stats *out, struct lv_err *err);

/* cpu-stats --total: CPU time of the whole QEMU process (cpu_ns = user +
 * system) and of its vCPU threads, in ns. A shut-off guest is LV_E_STATE. */
struct dom_cpu_stats {
    uint64_t cpu_ns, user_ns, system_ns, vcpu_ns;
};
int dom_stats_cpu(struct lv_conn *c, const char *name, struct dom_cpu_stats *out,
                  struct lv_err *err);

#endif
