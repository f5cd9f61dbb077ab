/* qmp.h - the QMP (QEMU Machine Protocol) client used by every live
 * operation: connect and negotiate capabilities, execute commands with a
 * deadline, receive events, pass fds, and the HMP and raw passthroughs
 * behind `qemu-monitor-command`. One struct qmp is one connection; it is
 * not thread-safe. */
#ifndef LV_QMP_H
#define LV_QMP_H

#include <jansson.h>

#include "err.h"

struct qmp;

/* Connect to the unix socket at path, read QEMU's greeting and negotiate
 * capabilities (qmp_capabilities), all within timeout_ms. name is the
 * domain's name for messages and logs. Returns a new connection for
 * qmp_close(), or NULL with err (LV_E_SYSTEM when the socket cannot be
 * reached, LV_E_QEMU, LV_E_TIMEOUT). */
struct qmp *qmp_connect(const char *path, const char *name, int timeout_ms,
                        struct lv_err *err);

/* qmp_connect() that gives up as soon as alive_fd (a pidfd of the QEMU
 * that should answer) is readable: a QEMU that exits at start-up is known
 * at once, not after timeout_ms. */
struct qmp *qmp_connect_while(const char *path, const char *name, int timeout_ms,
                              int alive_fd, struct lv_err *err);

/* Like qmp_connect() over an already connected socket fd, which this takes
 * over in every case (it is closed on failure): the caller forgets it. */
struct qmp *qmp_open_fd(int fd, const char *name, int timeout_ms,
                        struct lv_err *err);

/* Close the connection and drop queued events; NULL is ignored. */
void qmp_close(struct qmp *q);

/* Execute cmd with args (an object, or NULL; the caller keeps its
 * reference) and wait up to timeout_ms for its reply, matched by id;
 * events arriving meanwhile are queued. Returns the "return" value (new
 * reference: json_decref it), or NULL with err: LV_E_QEMU "domain 'NAME':
 * qmp CMD: DESC" when QEMU answers an error, LV_E_QEMU "... QEMU closed the
 * monitor" at EOF, LV_E_TIMEOUT when the deadline passes. A reply that
 * comes after its deadline is discarded when it arrives. */
json_t *qmp_execute(struct qmp *q, const char *cmd, json_t *args,
                    int timeout_ms, struct lv_err *err);

/* qmp_execute() passing fd (not taken over) by SCM_RIGHTS with the
 * command, as getfd and add-fd expect. */
json_t *qmp_execute_fd(struct qmp *q, const char *cmd, json_t *args, int fd,
                       int timeout_ms, struct lv_err *err);

/* Pop the oldest queued event, else wait up to timeout_ms (0: only what
 * is already readable) for one. Returns the event object (new reference),
 * or NULL with err: LV_E_TIMEOUT when none came, LV_E_QEMU after EOF once
 * the queued events are taken. The queue keeps the newest 1024 events. */
json_t *qmp_next_event(struct qmp *q, int timeout_ms, struct lv_err *err);

/* For an event loop: the fd to poll for input (borrowed), and a step that
 * reads what is available without blocking and queues the events.
 * qmp_read_available() returns 0, or -1 with err on EOF or error (events
 * read before the end stay queued). */
int qmp_fd(const struct qmp *q);
int qmp_read_available(struct qmp *q, struct lv_err *err);
/* Non-zero when qmp_next_event() would return without waiting. */
int qmp_has_events(const struct qmp *q);

/* Run an HMP command line through human-monitor-command. Returns its
 * output (malloc'd, possibly ""), or NULL with err as qmp_execute(). */
char *qmp_hmp(struct qmp *q, const char *cmdline, int timeout_ms,
              struct lv_err *err);

/* Run a command given as JSON text, as `virsh qemu-monitor-command` does:
 * an object with "execute" (and maybe "arguments"). Returns QEMU's whole
 * reply object (new reference), an {"error": ...} reply included, with
 * the caller's own "id" if it gave one. NULL with err for text that is not
 * such an object (LV_E_INVALID), EOF or timeout. */
json_t *qmp_execute_raw(struct qmp *q, const char *json_text, int timeout_ms,
                        struct lv_err *err);

#endif
