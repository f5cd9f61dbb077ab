/* vol_stream.c - upload, download and wipe of a volume's bytes (see
 * vol_stream.h). Plain read/write loops in 1 MiB chunks; download keeps
 * zero chunks as holes, wipe overwrites only the allocated extents
 * (SEEK_DATA/SEEK_HOLE), which reads back the same as zeroing everything. */
#include "vol_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "strbuf.h"

#define CHUNK (1024 * 1024)

static const char *
what_of(const struct vol_stream_opts *o)
{
    return o->what ? o->what : "volume";
}

static int
cancelled(const struct vol_stream_opts *o, uint64_t done, uint64_t total,
          struct lv_err *err)
{
    if (o->progress && o->progress(done, total, o->arg)) {
        lv_err_set(err, LV_E_INVALID, "%s: cancelled", what_of(o));
        return 1;
    }
    return 0;
}

static ssize_t
read_full(int fd, char *buf, size_t n, uint64_t off)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static uint64_t
fd_size(int fd)
{
    off_t end = lseek(fd, 0, SEEK_END);
    return end < 0 ? 0 : (uint64_t)end;
}

/* Copy total bytes from in@ioff to out@ooff; sparse: skip zero chunks. */
static int
copy_range(int in, uint64_t ioff, int out, uint64_t ooff, uint64_t total,
           int sparse, const struct vol_stream_opts *o, struct lv_err *err)
{
    char *buf = lv_malloc(CHUNK), *zero = sparse ? lv_calloc(1, CHUNK) : NULL;
    uint64_t done = 0;
    int ret = -1;

    while (done < total) {
        size_t n = total - done < CHUNK ? (size_t)(total - done) : CHUNK;
        ssize_t r = read_full(in, buf, n, ioff + done);
        if (r < 0) {
            lv_err_sys(err, "%s: cannot read", what_of(o));
            goto out;
        }
        if (r == 0)
            break;
        if (!(sparse && memcmp(buf, zero, (size_t)r) == 0) &&
            lv_pwrite_all(out, buf, (size_t)r, ooff + done) < 0) {
            lv_err_sys(err, "%s: cannot write", what_of(o));
            goto out;
        }
        done += (uint64_t)r;
        if (cancelled(o, done, total, err))
            goto out;
    }
    ret = 0;
out:
    free(zero);
    free(buf);
    return ret;
}

int
vol_stream_upload(const char *vol, const char *src,
                  const struct vol_stream_opts *opts, struct lv_err *err)
{
    int in = -1, out = -1, ret = -1;
    uint64_t len, cap;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        lv_err_sys(err, "%s: cannot upload: cannot open '%s'", what_of(opts),
                   src);
        goto out;
    }
    out = open(vol, O_WRONLY | O_CLOEXEC);
    if (out < 0) {
        lv_err_sys(err, "%s: cannot open '%s'", what_of(opts), vol);
        goto out;
    }
    len = fd_size(in);
    if (opts->length && opts->length < len)
        len = opts->length;
    cap = fd_size(out);
    if (opts->offset + len > cap) {
        lv_err_set(err, LV_E_INVALID, "%s: cannot upload: %llu bytes at "
                   "offset %llu do not fit in %llu bytes", what_of(opts),
                   (unsigned long long)len, (unsigned long long)opts->offset,
                   (unsigned long long)cap);
        goto out;
    }
    if (copy_range(in, 0, out, opts->offset, len, 0, opts, err) < 0)
        goto out;
    if (fsync(out) < 0) {
        lv_err_sys(err, "%s: cannot write", what_of(opts));
        goto out;
    }
    ret = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return ret;
}

int
vol_stream_download(const char *vol, const char *dst,
                    const struct vol_stream_opts *opts, struct lv_err *err)
{
    int in = -1, out = -1, ret = -1, created = 0;
    uint64_t len, size;

    in = open(vol, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        lv_err_sys(err, "%s: cannot open '%s'", what_of(opts), vol);
        goto out;
    }
    size = fd_size(in);
    len = opts->offset < size ? size - opts->offset : 0;
    if (opts->length && opts->length < len)
        len = opts->length;
    created = access(dst, F_OK) != 0;
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        lv_err_sys(err, "%s: cannot download: cannot open '%s'",
                   what_of(opts), dst);
        goto out;
    }
    if (copy_range(in, opts->offset, out, 0, len, 1, opts, err) < 0)
        goto out;
    if (ftruncate(out, (off_t)len) < 0 || fsync(out) < 0) {
        lv_err_sys(err, "%s: cannot write '%s'", what_of(opts), dst);
        goto out;
    }
    ret = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (ret < 0 && created && out >= 0)
        unlink(dst);
    return ret;
}

/* Zero [from, to) of fd. */
static int
zero_range(int fd, uint64_t from, uint64_t to, const char *zero,
           struct lv_err *err, const struct vol_stream_opts *o)
{
    while (from < to) {
        size_t n = to - from < CHUNK ? (size_t)(to - from) : CHUNK;
        if (lv_pwrite_all(fd, zero, n, from) < 0) {
            lv_err_sys(err, "%s: cannot wipe", what_of(o));
            return -1;
        }
        from += n;
    }
    return 0;
}

int
vol_stream_wipe(const char *vol, const struct vol_stream_opts *opts,
                struct lv_err *err)
{
    char *zero = lv_calloc(1, CHUNK);
    int fd = -1, ret = -1;
    uint64_t size, pos = 0;

    fd = open(vol, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        lv_err_sys(err, "%s: cannot open '%s'", what_of(opts), vol);
        goto out;
    }
    size = fd_size(fd);
    while (pos < size) {
        /* a device or a file system without SEEK_DATA: all of it */
        off_t d = lseek(fd, (off_t)pos, SEEK_DATA);
        off_t h;
        if (d < 0 && errno == ENXIO)
            break;
        d = d < 0 ? (off_t)pos : d;
        h = lseek(fd, d, SEEK_HOLE);
        if (h < 0 || (uint64_t)h > size)
            h = (off_t)size;
        if (zero_range(fd, (uint64_t)d, (uint64_t)h, zero, err, opts) < 0)
            goto out;
        pos = (uint64_t)h;
        if (cancelled(opts, pos, size, err))
            goto out;
    }
    if (fsync(fd) < 0) {
        lv_err_sys(err, "%s: cannot wipe", what_of(opts));
        goto out;
    }
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    free(zero);
    return ret;
}
