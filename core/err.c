/* err.c - filling and naming struct lv_err (see err.h). */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[LV_E__COUNT] = {
    [LV_E_OK] = "ok",
    [LV_E_INTERNAL] = "internal",
    [LV_E_NO_DOMAIN] = "no-domain",
    [LV_E_NO_NETWORK] = "no-network",
    [LV_E_NO_POOL] = "no-pool",
    [LV_E_NO_VOLUME] = "no-volume",
    [LV_E_NO_SNAPSHOT] = "no-snapshot",
    [LV_E_EXISTS] = "exists",
    [LV_E_XML] = "xml",
    [LV_E_INVALID] = "invalid",
    [LV_E_BUSY] = "busy",
    [LV_E_STATE] = "state",
    [LV_E_SYSTEM] = "system",
    [LV_E_QEMU] = "qemu",
    [LV_E_TIMEOUT] = "timeout",
    [LV_E_UNSUPPORTED] = "unsupported",
    [LV_E_CONNECT] = "connect",
};

const char *
lv_errcode_to_str(enum lv_errcode code)
{
    if ((int)code < 0 || code >= LV_E__COUNT)
        return "internal";
    return code_names[code];
}

int
lv_errcode_from_str(const char *s)
{
    for (int i = 0; i < LV_E__COUNT; i++)
        if (strcmp(code_names[i], s) == 0)
            return i;
    return -1;
}

void
lv_err_clear(struct lv_err *err)
{
    if (!err)
        return;
    err->code = LV_E_OK;
    err->errnum = 0;
    err->msg[0] = '\0';
}

void
lv_err_set(struct lv_err *err, enum lv_errcode code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    err->code = code;
    err->errnum = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

void
lv_err_sys(struct lv_err *err, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    size_t n;

    if (!err)
        return;
    err->code = LV_E_SYSTEM;
    err->errnum = saved;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    n = strlen(err->msg);
    if (n < sizeof(err->msg))
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(saved));
    errno = saved;
}

void
lv_err_prefix(struct lv_err *err, const char *fmt, ...)
{
    char head[256];
    char old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(head, sizeof(head), fmt, ap);
    va_end(ap);
    size_t hl;

    memcpy(old, err->msg, sizeof(old));
    hl = strlen(head);
    if (hl >= sizeof(err->msg))
        hl = sizeof(err->msg) - 1;
    memcpy(err->msg, head, hl);
    /* the message is one line for people: cut at the buffer end */
    strncpy(err->msg + hl, old, sizeof(err->msg) - hl - 1);
    err->msg[sizeof(err->msg) - 1] = '\0';
}
