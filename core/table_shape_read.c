/* table_shape_read.c - read a Lua table into a C struct by its field list
 * (table_shape.h), naming the key path of anything wrong ("domain table:
 * unknown key 'disks[2].bsu'"). Only raw, non-allocating Lua calls are
 * used, so no Lua error can jump over our cleanup. */
#include "table_shape.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "attrs.h"
#include "strbuf.h"
#include "units.h"

#define NUM_LEN 48   /* a Lua number as text */

/* Lua number at idx as text, without lua_tolstring (which allocates). */
static void
number_text(lua_State *L, int idx, char buf[NUM_LEN])
{
    if (lua_isinteger(L, idx))
        snprintf(buf, NUM_LEN, LUA_INTEGER_FMT,
                 (LUAI_UACINT)lua_tointeger(L, idx));
    else
        snprintf(buf, NUM_LEN, "%.14g", (double)lua_tonumber(L, idx));
}

/* Sort attributes by key: a Lua table has no order, XML output should. */
static void
attrs_sort(struct lv_attrs *a)
{
    for (size_t i = 1; i < a->n; i++) {
        char *k = a->keys[i], *v = a->vals[i];
        size_t j = i;
        for (; j > 0 && strcmp(a->keys[j - 1], k) > 0; j--) {
            a->keys[j] = a->keys[j - 1];
            a->vals[j] = a->vals[j - 1];
        }
        a->keys[j] = k;
        a->vals[j] = v;
    }
}

struct dt_ctx {
    lua_State *L;
    struct lv_err *err;
    const char *what;    /* "domain table" */
    char path[256];      /* key path of the value being read: disks[2].source */
    size_t len;
};

static int fail(struct dt_ctx *c, const char *fmt, ...) LV_PRINTF(2, 3);

static int
fail(struct dt_ctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lv_err_set(c->err, LV_E_INVALID, "%s: %s", c->what, msg);
    return -1;
}

static int
fail_type(struct dt_ctx *c, int idx, const char *want)
{
    lua_State *L = c->L;
    char num[NUM_LEN];

    if (lua_type(L, idx) == LUA_TNUMBER) {
        number_text(L, idx, num);
        return fail(c, "'%s' must be %s, got %s", c->path, want, num);
    }
    return fail(c, "'%s' must be %s, got %s", c->path, want,
                lua_typename(L, lua_type(L, idx)));
}

/* Append ".key" or "[i]" to the path; returns what path_leave() restores.
 * Keys come from the field lists, so the path always fits. */
static size_t
path_enter(struct dt_ctx *c, const char *key, lua_Integer i)
{
    size_t saved = c->len, room = sizeof(c->path) - c->len;
    int r = key ? snprintf(c->path + c->len, room, "%s%s",
                           c->len ? "." : "", key)
                : snprintf(c->path + c->len, room, "[%lld]", (long long)i);

    c->len = r < 0 || (size_t)r >= room ? sizeof(c->path) - 1
                                        : c->len + (size_t)r;
    return saved;
}

static void
path_leave(struct dt_ctx *c, size_t saved)
{
    c->len = saved;
    c->path[saved] = 0;
}

/* A string; numbers are taken as their text (cpuset=1). */
static int
read_str(struct dt_ctx *c, int idx, char **dst)
{
    char num[NUM_LEN];

    if (lua_type(c->L, idx) == LUA_TNUMBER) {
        number_text(c->L, idx, num);
        free(*dst);
        *dst = lv_strdup(num);
        return 0;
    }
    if (lua_type(c->L, idx) != LUA_TSTRING)
        return fail_type(c, idx, "a string");
    free(*dst);
    *dst = lv_strdup(lua_tostring(c->L, idx));
    return 0;
}

static int
read_integer(struct dt_ctx *c, int idx, long long min, long long max,
             long long *out)
{
    int isint;
    lua_Integer v;

    if (lua_type(c->L, idx) != LUA_TNUMBER)
        return fail_type(c, idx, "a number");
    v = lua_tointegerx(c->L, idx, &isint);
    if (!isint)
        return fail_type(c, idx, "an integer");
    if (v < 0 && min >= 0)
        return fail(c, "'%s' must not be negative, got %lld", c->path,
                    (long long)v);
    if (v < min || v > max)
        return fail(c, "'%s' is out of range, got %lld", c->path,
                    (long long)v);
    *out = v;
    return 0;
}

/* KiB as a number, or a string with a unit ("512 MiB"). */
static int
read_kib(struct dt_ctx *c, int idx, uint64_t *dst)
{
    struct lv_err uerr = LV_ERR_INIT;
    long long v;

    if (lua_type(c->L, idx) == LUA_TSTRING) {
        if (lv_units_parse_kib(lua_tostring(c->L, idx), dst, &uerr) < 0)
            return fail(c, "'%s': %s", c->path, uerr.msg);
        return 0;
    }
    if (lua_type(c->L, idx) != LUA_TNUMBER)
        return fail_type(c, idx, "a number (KiB) or a string like "
                         "'512 MiB'");
    if (read_integer(c, idx, 0, INT64_MAX, &v) < 0)
        return -1;
    *dst = (uint64_t)v;
    return 0;
}

static int
read_bool(struct dt_ctx *c, int idx, int *out)
{
    if (lua_type(c->L, idx) != LUA_TBOOLEAN)
        return fail_type(c, idx, "a boolean");
    *out = lua_toboolean(c->L, idx);
    return 0;
}

static int
read_enum(struct dt_ctx *c, int idx, const struct dt_enum *en, int *out)
{
    struct strbuf names = STRBUF_INIT;
    const char *s;
    int v, rc;

    if (lua_type(c->L, idx) != LUA_TSTRING)
        return fail_type(c, idx, "a string");
    s = lua_tostring(c->L, idx);
    v = en->from_str(s);
    if (v >= 0) {
        *out = v;
        return 0;
    }
    for (int i = 0; i < 32; i++)
        if (en->to_str(i))
            strbuf_addf(&names, "%s%s", names.len ? ", " : "",
                        en->to_str(i));
    rc = fail(c, "'%s' must be one of %s; got '%.64s'", c->path,
              strbuf_cstr(&names), s);
    strbuf_free(&names);
    return rc;
}

/* libvirt's forms: 8-4-4-4-12 hex digits, or 32 hex digits. */
static int
read_uuid(struct dt_ctx *c, int idx, unsigned char *dst)
{
    char compact[33], dashed[37];
    const char *s;
    size_t j = 0;

    if (lua_type(c->L, idx) != LUA_TSTRING)
        return fail_type(c, idx, "a string");
    s = lua_tostring(c->L, idx);
    for (const char *p = s; *p && j < 33; p++)
        if (*p != '-')
            compact[j++] = *p;
    if (j == 32 && strlen(s) <= 36) {
        compact[32] = 0;
        snprintf(dashed, sizeof(dashed), "%.8s-%.4s-%.4s-%.4s-%.12s",
                 compact, compact + 8, compact + 12, compact + 16,
                 compact + 20);
        if (uuid_parse(dashed, dst) == 0)
            return 0;
    }
    return fail(c, "'%s': invalid uuid '%.64s'", c->path, s);
}

/* Check that the table at idx is a list of len items (keys 1..len). */
static int
check_list(struct dt_ctx *c, int idx, lua_Unsigned len)
{
    lua_State *L = c->L;
    lua_Integer k;
    int ok;

    lua_pushnil(L);
    while (lua_next(L, idx)) {
        k = lua_tointegerx(L, -2, &ok);
        ok = ok && lua_type(L, -2) == LUA_TNUMBER && k >= 1 &&
             (lua_Unsigned)k <= len;
        if (!ok && lua_type(L, -2) == LUA_TSTRING) {
            fail(c, "'%s' must be a list, got key '%.64s' (write "
                 "%s = {{...}})", c->path, lua_tostring(L, -2), c->path);
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
        if (!ok) {
            lua_pop(L, 1);
            return fail(c, "'%s' must be a list (keys 1..%llu)", c->path,
                        (unsigned long long)len);
        }
    }
    return 0;
}

/* A list of strings: add(obj, s) takes each (copying it). */
static int
read_strlist(struct dt_ctx *c, int idx, void (*add)(void *, const char *),
             void *obj)
{
    lua_State *L = c->L;
    lua_Unsigned len;
    char *s = NULL;
    int rc = 0;

    if (lua_type(L, idx) != LUA_TTABLE)
        return fail_type(c, idx, "a list of strings");
    len = lua_rawlen(L, idx);
    if (check_list(c, idx, len) < 0)
        return -1;
    for (lua_Unsigned i = 1; i <= len && rc == 0; i++) {
        size_t saved = path_enter(c, NULL, (lua_Integer)i);
        lua_rawgeti(L, idx, (lua_Integer)i);
        rc = read_str(c, lua_gettop(L), &s);
        if (rc == 0)
            add(obj, s);
        lua_pop(L, 1);
        path_leave(c, saved);
    }
    free(s);
    return rc;
}

struct strv_ref {
    char ***v;
    size_t *n;
};

static void
strv_add(void *obj, const char *s)
{
    struct strv_ref *r = obj;

    *r->v = lv_realloc(*r->v, (*r->n + 1) * sizeof(**r->v));
    (*r->v)[(*r->n)++] = lv_strdup(s);
}

static void
keep_add(void *obj, const char *s)
{
    lv_xml_keep_add(obj, s);
}

/* The value at the top of the stack, key k, as attribute k of a. */
static int
read_attr(struct dt_ctx *c, const char *k, struct lv_attrs *a)
{
    char *v = NULL;
    size_t saved = path_enter(c, k, 0);
    int rc = read_str(c, lua_gettop(c->L), &v);

    if (rc < 0 && lua_type(c->L, -1) != LUA_TSTRING)
        rc = fail_type(c, lua_gettop(c->L), "a string or a number");
    if (rc == 0)
        lv_attrs_set(a, k, v);
    free(v);
    path_leave(c, saved);
    return rc;
}

/* {key = "value", ...} */
static int
read_attrs(struct dt_ctx *c, int idx, struct lv_attrs *a)
{
    lua_State *L = c->L;

    if (lua_type(L, idx) != LUA_TTABLE)
        return fail_type(c, idx, "a table of attributes");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            return fail(c, "'%s' must have string keys (attribute names)",
                        c->path);
        }
        if (read_attr(c, lua_tostring(L, -2), a) < 0) {
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    attrs_sort(a);
    return 0;
}

static int read_struct(struct dt_ctx *c, int idx, const struct dt_struct *st,
                       char *base);

static const struct dt_field *
find_field(const struct dt_struct *st, const char *key)
{
    for (const struct dt_field *f = st->fields; f->key; f++)
        if (f->kind != DT_REST && strcmp(f->key, key) == 0)
            return f;
    return NULL;
}

/* One element of a list: a table, or a plain string for its short key. */
static int
read_elem(struct dt_ctx *c, int idx, const struct dt_array *a, char *elem)
{
    const struct dt_field *f;

    if (a->short_key && lua_type(c->L, idx) == LUA_TSTRING) {
        f = find_field(a->st, a->short_key);
        return read_str(c, idx, (char **)(elem + f->off));
    }
    if (lua_type(c->L, idx) != LUA_TTABLE)
        return fail_type(c, idx, a->short_key ? "a string or a table"
                                              : "a table");
    if (read_struct(c, idx, a->st, elem) < 0)
        return -1;
    return a->post ? a->post(elem, c->path, c->err) : 0;
}

/* Append the list at idx to the array of field f. Each element is counted
 * before it is read, so dom_def_free() releases a half-read one. */
static int
read_array(struct dt_ctx *c, int idx, const struct dt_field *f, char *base)
{
    const struct dt_array *a = f->arr;
    lua_State *L = c->L;
    lua_Unsigned len;
    size_t n;
    char *arr;
    int rc = 0;

    if (lua_type(L, idx) != LUA_TTABLE)
        return fail_type(c, idx, "a list of tables");
    len = lua_rawlen(L, idx);
    if (check_list(c, idx, len) < 0)
        return -1;
    if (!len)
        return 0;
    memcpy(&n, base + f->off2, sizeof(n));
    arr = lv_realloc(dt_get_ptr(base + f->off), (n + len) * a->size);
    dt_set_ptr(base + f->off, arr);
    memset(arr + n * a->size, 0, len * a->size);
    for (lua_Unsigned i = 1; i <= len && rc == 0; i++) {
        char *elem = arr + n * a->size;
        size_t saved = path_enter(c, NULL, (lua_Integer)i);

        if (a->init)
            a->init(elem);
        if (a->kind >= 0)
            dt_set_int(elem + a->kind_off, a->kind);
        n++;
        memcpy(base + f->off2, &n, sizeof(n));
        lua_rawgeti(L, idx, (lua_Integer)i);
        rc = read_elem(c, lua_gettop(L), a, elem);
        lua_pop(L, 1);
        path_leave(c, saved);
    }
    return rc;
}

static int
read_field(struct dt_ctx *c, int idx, const struct dt_field *f, char *base)
{
    char *at = base + f->off;
    long long v;
    int b = 0;
    bool given = true;
    int nat = (f->flags & DT_F_NATURAL) != 0;

    if (f->flags & DT_F_GIVEN)
        memcpy(base + f->off2, &given, sizeof(given));
    switch (f->kind) {
    case DT_STR:
        return read_str(c, idx, (char **)at);
    case DT_INT:
        if (read_integer(c, idx, nat ? 0 : INT_MIN, INT_MAX, &v) < 0)
            return -1;
        dt_set_int(at, (int)v);
        return 0;
    case DT_LONG: {
        long l;
        if (read_integer(c, idx, nat ? 0 : LONG_MIN, LONG_MAX, &v) < 0)
            return -1;
        l = (long)v;
        memcpy(at, &l, sizeof(l));
        return 0;
    }
    case DT_LLONG:
        if (read_integer(c, idx, nat ? 0 : LLONG_MIN, LLONG_MAX, &v) < 0)
            return -1;
        memcpy(at, &v, sizeof(v));
        return 0;
    case DT_UINT: {
        unsigned u;
        if (read_integer(c, idx, 0, UINT_MAX, &v) < 0)
            return -1;
        u = (unsigned)v;
        memcpy(at, &u, sizeof(u));
        return 0;
    }
    case DT_KIB:
        return read_kib(c, idx, (uint64_t *)at);
    case DT_BOOL:
        if (read_bool(c, idx, &b) < 0)
            return -1;
        dt_set_int(at, b);
        return 0;
    case DT_TRI:
        if (read_bool(c, idx, &b) < 0)
            return -1;
        dt_set_int(at, b ? LV_TRI_ON : LV_TRI_OFF);
        return 0;
    case DT_ENUM:
        if (read_enum(c, idx, f->en, &b) < 0)
            return -1;
        dt_set_int(at, b);
        return 0;
    case DT_UUID:
        return read_uuid(c, idx, (unsigned char *)at);
    case DT_STRV: {
        struct strv_ref r = { (char ***)at, (size_t *)(base + f->off2) };
        return read_strlist(c, idx, strv_add, &r);
    }
    case DT_KEEP:
        return read_strlist(c, idx, keep_add, at);
    case DT_ATTRS:
        return read_attrs(c, idx, (struct lv_attrs *)at);
    case DT_STRUCT:
        if (f->flags & DT_F_PRESENT)
            dt_set_int(at + f->off2, 1);
        return read_struct(c, idx, f->st, at);
    case DT_ARRAY:
        return read_array(c, idx, f, base);
    case DT_REST:
        break;
    }
    return 0;
}

/* One pass over the table's keys: values of known keys are moved onto the
 * stack (slot[] remembers where), others go to the DT_REST field or are an
 * error. Then the fields are read in list order, which keeps e.g. serials
 * before consoles in def->chrs whatever order Lua iterates in. */
static int
collect_keys(struct dt_ctx *c, int idx, const struct dt_struct *st,
             char *base, int *slot)
{
    lua_State *L = c->L;
    const struct dt_field *f, *rest = NULL;
    const char *k;

    for (f = st->fields; f->key; f++)
        if (f->kind == DT_REST)
            rest = f;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            const char *kt = lua_typename(L, lua_type(L, -2));
            lua_pop(L, 2);
            return fail(c, "'%s' must have string keys, got a %s key "
                        "(a list where a table was expected?)",
                        c->len ? c->path : c->what, kt);
        }
        k = lua_tostring(L, -2);
        f = find_field(st, k);
        if (f) {
            lua_insert(L, -2);          /* keep the value, under the key */
            slot[f - st->fields] = lua_gettop(L) - 1;
            continue;
        }
        if (rest) {
            if (read_attr(c, k, (struct lv_attrs *)(base + rest->off)) < 0) {
                lua_pop(L, 2);
                return -1;
            }
            lua_pop(L, 1);
            continue;
        }
        fail(c, "unknown key '%s%s%.64s'", c->path, c->len ? "." : "", k);
        lua_pop(L, 2);
        return -1;
    }
    if (rest)
        attrs_sort((struct lv_attrs *)(base + rest->off));
    return 0;
}

static int
read_struct(struct dt_ctx *c, int idx, const struct dt_struct *st,
            char *base)
{
    lua_State *L = c->L;
    int slot[DT_MAX_FIELDS] = { 0 };
    int top = lua_gettop(L), rc = -1;
    size_t saved;

    for (int n = 0; st->fields[n].key; n++)
        assert(n < DT_MAX_FIELDS);
    if (lua_type(L, idx) != LUA_TTABLE)
        return fail_type(c, idx, "a table");
    if (!lua_checkstack(L, DT_MAX_FIELDS + 8))
        return fail(c, "'%s': out of Lua stack space", c->path);
    rc = collect_keys(c, idx, st, base, slot);
    if (rc < 0)
        goto out;
    for (const struct dt_field *f = st->fields; f->key; f++) {
        int s = slot[f - st->fields];
        if (!s && (f->flags & DT_F_REQUIRED)) {
            rc = fail(c, "missing required key '%s%s%s'", c->path,
                      c->len ? "." : "", f->key);
            goto out;
        }
        if (!s)
            continue;
        saved = path_enter(c, f->key, 0);
        rc = read_field(c, s, f, base);
        path_leave(c, saved);
        if (rc < 0)
            goto out;
    }
    rc = 0;
out:
    lua_settop(L, top);
    return rc;
}

int
dt_read_struct(lua_State *L, int idx, const struct dt_struct *st, void *base,
               struct lv_err *err)
{
    struct dt_ctx c = { .L = L, .err = err,
                        .what = st->what ? st->what : "table" };

    return read_struct(&c, idx, st, base);
}
