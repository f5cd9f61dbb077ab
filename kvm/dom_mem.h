/* dom_mem.h - a guest's memory: the balloon target (setmem), the maximum
 * (setmaxmem) and what the balloon reports of the guest (dommemstat). */
#ifndef LV_DOM_MEM_H
#define LV_DOM_MEM_H

#include <stdint.h>
#include <sys/types.h>

#include "conn.h"
#include "dom_def.h"
#include "dom_edit_op.h"
#include "dom_stats.h"
#include "qmp.h"

/* setmem: the guest's memory to kib. Live: QMP balloon (the guest gives
 * the rest back through its virtio-balloon driver), recorded as the live
 * <currentMemory>; config: <currentMemory>. Above <memory>, 0, or live
 * without a balloon device is an error; nothing changes. */
int dom_mem_set(struct lv_conn *c, const char *name, uint64_t kib,
                const struct dom_scope *scope, struct lv_err *err);

/* setmaxmem: <memory> to kib (config only, as libvirt: a running guest's
 * maximum is fixed); <currentMemory> comes down with it. */
int dom_mem_set_max(struct lv_conn *c, const char *name, uint64_t kib,
                    const struct dom_scope *scope, struct lv_err *err);

/* dommemstat: actual, swap_in, ..., rss (virsh's keys and order; KiB),
 * appended to out. period >= 0 first sets the guest's statistics polling
 * interval in seconds (0 stops it). A shut-off guest is LV_E_STATE. */
int dom_mem_stats(struct lv_conn *c, const char *name, int period,
                  struct dom_stats *out, struct lv_err *err);

/* The balloon's figures of a running guest into out, each key prefixed
 * (prefix "" for dommemstat, "balloon." for domstats, which also gets
 * current and maximum). def is the live definition. */
int dom_mem_balloon_stats(struct qmp *q, const struct dom_def *def, pid_t qemu_pid,
                          const char *prefix, struct dom_stats *out);

/* <memballoon><stats period='N'/> on a starting guest (the supervisor). */
int dom_mem_apply_period(struct qmp *q, const struct dom_def *def,
                         struct lv_err *err);

#endif
