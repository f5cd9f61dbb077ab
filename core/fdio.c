/* fdio.c - whole writes on file descriptors (see fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

/* write (off < 0) or pwrite at off, until all of p is written */
static int
write_loop(int fd, const char *b, size_t n, int64_t off)
{
    while (n) {
        ssize_t w = off < 0 ? write(fd, b, n) : pwrite(fd, b, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        b += w;
        n -= (size_t)w;
        if (off >= 0)
            off += w;
    }
    return 0;
}

int
lv_write_all(int fd, const void *p, size_t n)
{
    return write_loop(fd, p, n, -1);
}

int
lv_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
    return write_loop(fd, p, n, (int64_t)off);
}
