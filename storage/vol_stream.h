/* vol_stream.h - moving bytes in and out of a volume's file or device:
 * upload (vol-upload), download (vol-download) and wipe (vol-wipe with
 * libvirt's default "zero" algorithm), with a progress callback. */
#ifndef LV_VOL_STREAM_H
#define LV_VOL_STREAM_H

#include <stdint.h>

#include "err.h"

/* Progress: done of total bytes; return non-zero to stop (the operation
 * then fails with LV_E_INVALID "cancelled"). */
typedef int (*vol_progress_fn)(uint64_t done, uint64_t total, void *arg);

struct vol_stream_opts {
    uint64_t offset;       /* where in the volume to start */
    uint64_t length;       /* bytes to move; 0: all (to the end) */
    vol_progress_fn progress;
    void *arg;
    const char *what;      /* "volume 'a.img'" for messages */
};

/* Copy the file at src into the volume file vol at opts->offset (like
 * virsh vol-upload: raw bytes, the volume is not truncated). Fails when
 * src does not fit. Returns 0, or -1 with err naming the file. */
int vol_stream_upload(const char *vol, const char *src,
                      const struct vol_stream_opts *opts, struct lv_err *err);

/* Copy the volume file vol from opts->offset into a new or truncated file
 * dst (holes kept sparse). Returns 0, or -1 with err (dst is removed if
 * it was created here). */
int vol_stream_download(const char *vol, const char *dst,
                        const struct vol_stream_opts *opts,
                        struct lv_err *err);

/* Overwrite every allocated byte of vol with zeros (the size is kept,
 * reads give zeros everywhere). Returns 0 or -1 with err. */
int vol_stream_wipe(const char *vol, const struct vol_stream_opts *opts,
                    struct lv_err *err);

#endif
