/* deadline.c - monotonic milliseconds and deadlines (see deadline.h). */
#include "deadline.h"

#include <time.h>

long long
lv_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
lv_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : lv_now_ms() + timeout_ms;
}

int
lv_deadline_left(long long deadline)
{
    long long left;

    if (deadline < 0)
        return -1;
    left = deadline - lv_now_ms();
    if (left < 0)
        return 0;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}
