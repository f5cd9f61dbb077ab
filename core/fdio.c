/* fdio.c - whole writes on file descriptors (see fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

int
lv_write_all(int fd, const void *p, size_t n)
{
    const char *b = p;

    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

int
lv_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
    const char *b = p;

    while (n) {
        ssize_t w = pwrite(fd, b, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        b += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}
