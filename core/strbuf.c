/* strbuf.c - growable string buffer and aborting allocators (strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(void)
{
    static const char m[] = "luavirt: out of memory\n";
    if (fwrite(m, 1, sizeof(m) - 1, stderr) == 0)
        abort();
    abort();
}

void *
lv_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *
lv_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *
lv_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *
lv_strdup(const char *s)
{
    char *d;
    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        oom();
    return d;
}

char *
lv_strndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    if (!d)
        oom();
    return d;
}

char *
lv_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom();
    return s;
}

static void
grow(struct strbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    if (b->cap == 0)
        b->cap = 64;
    while (b->cap < need)
        b->cap *= 2;
    b->s = lv_realloc(b->s, b->cap);
}

void
strbuf_add(struct strbuf *b, const char *data, size_t len)
{
    grow(b, len);
    memcpy(b->s + b->len, data, len);
    b->len += len;
    b->s[b->len] = '\0';
}

void
strbuf_adds(struct strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void
strbuf_addc(struct strbuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

void
strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *
strbuf_cstr(struct strbuf *b)
{
    grow(b, 0);
    b->s[b->len] = '\0';   /* a fresh buffer has no terminator yet */
    return b->s;
}

char *
strbuf_steal(struct strbuf *b)
{
    char *s;
    grow(b, 0);
    b->s[b->len] = '\0';
    s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void
strbuf_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void
strbuf_free(struct strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

const char *
lv_last_line(char *text, const char *prefix, const char *if_empty)
{
    char *end, *start;
    size_t pl = prefix ? strlen(prefix) : 0;

    if (!text)
        return if_empty;
    end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = '\0';
    start = strrchr(text, '\n');
    start = start ? start + 1 : text;
    if (pl && strncmp(start, prefix, pl) == 0)
        start += pl;
    return *start ? start : if_empty;
}
