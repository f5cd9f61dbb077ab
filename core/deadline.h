/* deadline.h - monotonic time for waits: every wait in luavirt is a poll()
 * bounded by a deadline, never a sleep. */
#ifndef LV_DEADLINE_H
#define LV_DEADLINE_H

/* Milliseconds of CLOCK_MONOTONIC. */
long long lv_now_ms(void);
/* The deadline timeout_ms from now; -1 (no deadline) for a negative timeout. */
long long lv_deadline(int timeout_ms);
/* Milliseconds left until deadline for poll(): -1 for none, else >= 0. */
int lv_deadline_left(long long deadline);

#endif
