/* err.h - the one error convention of luavirt: a struct lv_err filled once,
 * where a failure is detected, with a stable code and a one-line message
 * of the form "<kind> '<name>': <what failed>: <cause>". */
#ifndef LV_ERR_H
#define LV_ERR_H

#include <stddef.h>

enum lv_errcode {
    LV_E_OK = 0,
    LV_E_INTERNAL,      /* "internal": a bug */
    LV_E_NO_DOMAIN,     /* "no-domain" */
    LV_E_NO_NETWORK,    /* "no-network" */
    LV_E_NO_POOL,       /* "no-pool" */
    LV_E_NO_VOLUME,     /* "no-volume" */
    LV_E_NO_SNAPSHOT,   /* "no-snapshot" */
    LV_E_EXISTS,        /* "exists": a name or uuid is taken */
    LV_E_XML,           /* "xml": malformed or unsupported XML */
    LV_E_INVALID,       /* "invalid": a bad argument or value */
    LV_E_BUSY,          /* "busy": in use by another object or process */
    LV_E_STATE,         /* "state": wrong state for the operation */
    LV_E_SYSTEM,        /* "system": a system call failed */
    LV_E_QEMU,          /* "qemu": QEMU or QMP reported a failure */
    LV_E_TIMEOUT,       /* "timeout": a deadline passed */
    LV_E_UNSUPPORTED,   /* "unsupported": not supported by luavirt/host */
    LV_E_CONNECT,       /* "connect": a remote host cannot be reached or spoken to */
    LV_E__COUNT
};

struct lv_err {
    enum lv_errcode code;
    int errnum;          /* errno of the failing call, else 0 */
    char msg[512];       /* one line, for people */
};

#define LV_ERR_INIT { LV_E_OK, 0, "" }

#define LV_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Fill err (may be NULL) with code and a formatted message. */
void lv_err_set(struct lv_err *err, enum lv_errcode code, const char *fmt, ...)
    LV_PRINTF(3, 4);
/* Like lv_err_set with LV_E_SYSTEM, appending ": strerror(errno)"; keeps
 * errno unchanged and records it in err->errnum. */
void lv_err_sys(struct lv_err *err, const char *fmt, ...) LV_PRINTF(2, 3);
/* Put context in front of an existing message ("domain 'x': " + msg). */
void lv_err_prefix(struct lv_err *err, const char *fmt, ...) LV_PRINTF(2, 3);
/* Reset to LV_E_OK. */
void lv_err_clear(struct lv_err *err);
/* Stable names: "no-domain", "exists", ... ; from_str returns -1 if unknown */
const char *lv_errcode_to_str(enum lv_errcode code);
int lv_errcode_from_str(const char *s);

#endif
