/* log.h - leveled logging to stderr (the shell) or a file (the supervisor).
 * The level comes from LUAVIRT_DEBUG: unset -> warn, "1"/"debug" -> debug,
 * "info", "warn", "error". Lines start with their subject, e.g.
 * "dom web1: qmp <- {...}". */
#ifndef LV_LOG_H
#define LV_LOG_H

#include "err.h"

enum lv_log_level { LV_LOG_ERROR, LV_LOG_WARN, LV_LOG_INFO, LV_LOG_DEBUG };

/* Read LUAVIRT_DEBUG; idempotent. */
void lv_log_init(void);
/* Send log lines to fd (the default is 2); the fd is not owned. */
void lv_log_set_fd(int fd);
int lv_log_enabled(enum lv_log_level level);
void lv_log(enum lv_log_level level, const char *fmt, ...) LV_PRINTF(2, 3);

#define lv_log_error(...) lv_log(LV_LOG_ERROR, __VA_ARGS__)
#define lv_log_warn(...) lv_log(LV_LOG_WARN, __VA_ARGS__)
#define lv_log_info(...) lv_log(LV_LOG_INFO, __VA_ARGS__)
#define lv_log_debug(...) \
    do { if (lv_log_enabled(LV_LOG_DEBUG)) lv_log(LV_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
