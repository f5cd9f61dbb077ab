/* qmp_io.h - the byte level of a QMP connection: newline-delimited JSON
 * framing over a non-blocking socket, sends that may carry one fd
 * (SCM_RIGHTS), waits bounded by CLOCK_MONOTONIC deadlines, and the
 * redacted debug log of each message. Used by kvm/qmp.c only. */
#ifndef LV_QMP_IO_H
#define LV_QMP_IO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct qmp_io {
    int fd;          /* non-blocking, O_CLOEXEC; owned */
    char *buf;       /* bytes read but not yet taken as messages */
    size_t off;      /* start of the first unconsumed byte */
    size_t len;      /* end of the data */
    size_t cap;
    size_t scan;     /* bytes after off already known to hold no '\n' */
    int eof;         /* the peer closed the connection */
    int failed;      /* an I/O or framing error made it unusable */
};

/* Take over fd (made non-blocking and close-on-exec here). Returns 0, or
 * -1 if fd is unusable (then it stays the caller's). */
int qmp_io_init(struct qmp_io *io, int fd, struct lv_err *err);
/* Close the fd and free the buffer; idempotent. */
void qmp_io_close(struct qmp_io *io);

/* Milliseconds on CLOCK_MONOTONIC, and the deadline timeout_ms from now
 * (a negative timeout counts as 0). */
int64_t qmp_io_deadline(int timeout_ms);

/* Read whatever is available without blocking. Returns 1 if bytes were
 * read (io->eof may be set as well: the next call fails), 0 if none were
 * ready, -1 on EOF (io->eof) or error (io->failed) with err holding the
 * cause alone ("QEMU closed the monitor"). */
int qmp_io_fill(struct qmp_io *io, struct lv_err *err);

/* The next complete message already read (new reference), or NULL when
 * no complete line is buffered. Lines that are not JSON objects are
 * logged as warnings for the domain name and skipped. After EOF a last
 * line without its newline is taken too. */
json_t *qmp_io_next(struct qmp_io *io, const char *name);

/* Wait until the fd is readable or the deadline passes: 1 readable, 0
 * deadline passed, -1 poll failed (err set). */
int qmp_io_wait(struct qmp_io *io, int64_t deadline, struct lv_err *err);

/* Send len bytes of text, passing pass_fd (if >= 0) with the first byte.
 * Reads arriving meanwhile are buffered so neither side can stall the
 * other. Returns 0, or -1 with err holding the cause (LV_E_TIMEOUT when
 * the deadline passes, LV_E_QEMU when the peer is gone). */
int qmp_io_send(struct qmp_io *io, const char *text, size_t len, int pass_fd,
                int64_t deadline, struct lv_err *err);

/* Debug-log msg as "dom NAME: qmp DIR JSON" with the values of
 * "password" members (and secret object data) shown as "***". */
void qmp_io_log(const char *name, const char *dir, json_t *msg);

#endif
