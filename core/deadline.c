/* deadline.c - monotonic milliseconds, deadlines, and the polls bounded by
 * them (see deadline.h). */
#include "deadline.h"

#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

int
lv_poll(struct pollfd *fds, nfds_t n, long long deadline)
{
    int r;

    do
        r = poll(fds, n, lv_deadline_left(deadline));
    while (r < 0 && errno == EINTR);
    return r;
}

int
lv_pidfd_open(pid_t pid)
{
    return pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
}

int
lv_pidfd_wait(int pidfd, long long deadline)
{
    struct pollfd p = { pidfd, POLLIN, 0 };
    int r = lv_poll(&p, 1, deadline);

    return r < 0 ? -1 : r > 0;
}
