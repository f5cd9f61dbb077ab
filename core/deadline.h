/* deadline.h - monotonic time for waits: every wait in luavirt is a poll()
 * bounded by a deadline, never a sleep. */
#ifndef LV_DEADLINE_H
#define LV_DEADLINE_H

#include <poll.h>
#include <sys/types.h>

/* Milliseconds of CLOCK_MONOTONIC. */
long long lv_now_ms(void);
/* The deadline timeout_ms from now; -1 (no deadline) for a negative timeout. */
long long lv_deadline(int timeout_ms);
/* Milliseconds left until deadline for poll(): -1 for none, else >= 0. */
int lv_deadline_left(long long deadline);

/* poll() until an event or the deadline (-1: none); a signal does not
 * restart the timeout, only the wait for what is left of it. Returns
 * poll's result: > 0 events, 0 deadline passed, -1 error. */
int lv_poll(struct pollfd *fds, nfds_t n, long long deadline);

/* A pidfd for pid (any process, not only a child), or -1 with errno. */
int lv_pidfd_open(pid_t pid);
/* Wait until the process of pidfd exits: 1 it did, 0 the deadline passed,
 * -1 error. Does not reap. */
int lv_pidfd_wait(int pidfd, long long deadline);

#endif
