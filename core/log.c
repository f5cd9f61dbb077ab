/* log.c - leveled log lines with a timestamp and level tag (see log.h).
 * The level and fd are process-wide settings made once at start. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_level = LV_LOG_WARN;
static int log_fd = 2;
static int log_ready;

void
lv_log_init(void)
{
    const char *v = getenv("LUAVIRT_DEBUG");

    log_ready = 1;
    if (!v || !*v || strcmp(v, "0") == 0)
        log_level = LV_LOG_WARN;
    else if (strcmp(v, "error") == 0)
        log_level = LV_LOG_ERROR;
    else if (strcmp(v, "warn") == 0)
        log_level = LV_LOG_WARN;
    else if (strcmp(v, "info") == 0)
        log_level = LV_LOG_INFO;
    else
        log_level = LV_LOG_DEBUG;
}

void
lv_log_set_fd(int fd)
{
    log_fd = fd;
}

int
lv_log_enabled(enum lv_log_level level)
{
    if (!log_ready)
        lv_log_init();
    return (int)level <= log_level;
}

void
lv_log(enum lv_log_level level, const char *fmt, ...)
{
    static const char *const tags[] = { "error", "warn", "info", "debug" };
    char line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n, m;

    if (!lv_log_enabled(level))
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld luavirt[%d] %s: ",
                 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
                 (int)getpid(), tags[level]);
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n += m;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    /* a log line is best effort: a failed write has nowhere to be reported */
    if (write(log_fd, line, (size_t)n) < 0)
        return;
}
