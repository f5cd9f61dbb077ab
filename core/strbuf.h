/* strbuf.h - a growable, always NUL-terminated string buffer. Allocation
 * failure aborts (out of memory is not a recoverable state here). */
#ifndef LV_STRBUF_H
#define LV_STRBUF_H

#include <stddef.h>

#include "err.h"

struct strbuf {
    char *s;      /* NULL until the first append; "" after strbuf_cstr */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_add(struct strbuf *b, const char *data, size_t len);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) LV_PRINTF(2, 3);
void strbuf_addc(struct strbuf *b, char c);
/* The contents; never NULL. Borrowed: valid until the next change. */
const char *strbuf_cstr(struct strbuf *b);
/* Hand the string to the caller (free() it); the buffer is reset. */
char *strbuf_steal(struct strbuf *b);
void strbuf_reset(struct strbuf *b);
void strbuf_free(struct strbuf *b);

/* Memory helpers that abort on exhaustion. */
void *lv_malloc(size_t n);
void *lv_calloc(size_t n, size_t size);
void *lv_realloc(void *p, size_t n);
char *lv_strdup(const char *s);        /* NULL -> NULL */
char *lv_strndup(const char *s, size_t n);
char *lv_asprintf(const char *fmt, ...) LV_PRINTF(1, 2);

/* The last non-blank line of a program's output, cut in place: trailing
 * blanks and newlines go, a leading prefix ("qemu-img: ") is skipped.
 * if_empty when there is none. */
const char *lv_last_line(char *text, const char *prefix, const char *if_empty);

#endif
