/* fdio.h - whole writes on file descriptors: short writes continued, EINTR
 * restarted, so a caller sees all or an error. */
#ifndef LV_FDIO_H
#define LV_FDIO_H

#include <stddef.h>
#include <stdint.h>

/* Write n bytes of p to fd: 0, or -1 with errno. */
int lv_write_all(int fd, const void *p, size_t n);
/* Write n bytes of p to fd at offset off (pwrite): 0, or -1 with errno. */
int lv_pwrite_all(int fd, const void *p, size_t n, uint64_t off);

#endif
