/* table_shape.h - a definition's Lua table form, as data: each C struct is
 * described by a list of fields (Lua key, kind, offset), which
 * table_shape_push.c walks to build a table and table_shape_read.c walks to
 * read one back, so pushing and reading can never disagree. Used by the
 * domain table (core/dom_table*.c) and the network table
 * (net/net_lua_table.c). */
#ifndef LV_TABLE_SHAPE_H
#define LV_TABLE_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <lua.h>

#include "err.h"

enum dt_kind {
    DT_STR,     /* char *; a string (numbers are accepted and formatted) */
    DT_INT,     /* int; .absent is the "not given" value */
    DT_LONG,    /* long; .absent is the "not given" value */
    DT_LLONG,   /* long long; .absent is the "not given" value */
    DT_UINT,    /* unsigned; 0 is "not given" unless DT_F_ALWAYS */
    DT_KIB,     /* uint64_t KiB; a number (KiB) or "512 MiB"; 0 absent */
    DT_BOOL,    /* int flag; pushed only when set */
    DT_TRI,     /* enum lv_tristate as true/false */
    DT_ENUM,    /* an enum through .en; omitted when to_str gives NULL */
    DT_UUID,    /* unsigned char[16]; omitted when all zero */
    DT_STRV,    /* char ** at .off, size_t count at .off2 */
    DT_ATTRS,   /* struct lv_attrs as a {key=value} sub-table */
    DT_REST,    /* struct lv_attrs taking every key not in the field list */
    DT_KEEP,    /* struct lv_xml_keep as a list of XML strings */
    DT_STRUCT,  /* a nested struct at .off, described by .st */
    DT_ARRAY,   /* T * at .off, size_t count at .off2, described by .arr */
};

enum {
    DT_F_REQUIRED = 1 << 0, /* must be given */
    DT_F_ALWAYS = 1 << 1,   /* DT_UINT: 0 is a value, always pushed */
    DT_F_PRESENT = 1 << 2,  /* DT_STRUCT: int flag at .off2 inside it says
                             * whether it was given */
    DT_F_GIVEN = 1 << 3,    /* not DT_STRV/DT_ARRAY: a bool at .off2 of the
                             * containing struct says whether the field was
                             * given; pushed only when set (even if empty),
                             * set when read */
    DT_F_NATURAL = 1 << 4,  /* DT_INT/DT_LONG/DT_LLONG: must not be negative
                             * (the absent value is not written) */
};

struct dt_enum {
    const char *(*to_str)(int v);
    int (*from_str)(const char *s);
};

struct dt_struct;
struct dt_array;

struct dt_field {
    const char *key;
    enum dt_kind kind;
    size_t off;
    size_t off2;
    int absent;                 /* DT_INT */
    unsigned flags;
    const struct dt_enum *en;
    const struct dt_struct *st;
    const struct dt_array *arr;
};

/* At most DT_MAX_FIELDS fields, ended by a field with key NULL. what names
 * the table in errors ("domain table: ..."); only the root's is used. */
#define DT_MAX_FIELDS 64
struct dt_struct {
    const struct dt_field *fields;
    const char *what;
};

struct dt_array {
    size_t size;                /* of one element */
    const struct dt_struct *st;
    /* An element may be given as a plain string setting this field, and is
     * pushed so when nothing else is set ("acpi" for {name="acpi"}). */
    const char *short_key;
    /* Elements of one kind out of a shared array (def->chrs): kind_off
     * holds an int compared with kind; kind < 0 takes all elements. */
    int kind;
    size_t kind_off;
    void (*init)(void *elem);   /* defaults of a new element, or NULL */
    /* After an element is read: fill in or check; path names it. */
    int (*post)(void *elem, const char *path, struct lv_err *err);
};

/* Field descriptor shorthands; T names the struct being described. */
#define DT_FIELD(k, kd, m, ...) \
    { .key = (k), .kind = (kd), .off = offsetof(T, m), __VA_ARGS__ }
#define F_STR(k, m)        DT_FIELD(k, DT_STR, m)
#define F_INT(k, m, a)     DT_FIELD(k, DT_INT, m, .absent = (a))
#define F_LONG(k, m, a)    DT_FIELD(k, DT_LONG, m, .absent = (a))
#define F_LLONG(k, m, a)   DT_FIELD(k, DT_LLONG, m, .absent = (a))
/* a count or size that is -1 when absent */
#define F_NAT(kd, k, m)    DT_FIELD(k, kd, m, .absent = -1, \
                                    .flags = DT_F_NATURAL)
#define F_UINT(k, m)       DT_FIELD(k, DT_UINT, m)
#define F_BOOL(k, m)       DT_FIELD(k, DT_BOOL, m)
#define F_TRI(k, m)        DT_FIELD(k, DT_TRI, m)
#define F_ENUM(k, m, e)    DT_FIELD(k, DT_ENUM, m, .en = (e))
#define F_ATTRS(k, m)      DT_FIELD(k, DT_ATTRS, m)
#define F_REST(m)          DT_FIELD("", DT_REST, m)
#define F_KEEP(k, m)       DT_FIELD(k, DT_KEEP, m)
#define F_STRUCT(k, m, s)  DT_FIELD(k, DT_STRUCT, m, .st = (s))
#define F_ARRAY(k, m, n, a) \
    DT_FIELD(k, DT_ARRAY, m, .off2 = offsetof(T, n), .arr = (a))
#define F_END              { .key = NULL }

/* Untyped access to struct members (memcpy: no aliasing questions). */
static inline void *
dt_get_ptr(const char *at)
{
    void *p;
    memcpy(&p, at, sizeof(p));
    return p;
}

static inline void
dt_set_ptr(char *at, void *p)
{
    memcpy(at, &p, sizeof(p));
}

static inline int
dt_get_int(const char *at)
{
    int v;
    memcpy(&v, at, sizeof(v));
    return v;
}

static inline void
dt_set_int(char *at, int v)
{
    memcpy(at, &v, sizeof(v));
}

/* The DT_F_GIVEN flag of field f of the struct at base. */
static inline bool
dt_given(const struct dt_field *f, const char *base)
{
    bool b;
    memcpy(&b, base + f->off2, sizeof(b));
    return b;
}

/* table_shape_read.c: read the table at idx into the struct at base,
 * described by st (a root with .what set). Returns 0, or -1 with err set
 * (LV_E_INVALID, "<what>: ..." naming the key path); what was read so far
 * stays in base for its _free(). Reads raw and allocates nothing in Lua, so
 * it never raises. */
int dt_read_struct(lua_State *L, int idx, const struct dt_struct *st,
                   void *base, struct lv_err *err);

/* table_shape_push.c: push a new table describing the struct at base:
 * every field set, absent ones omitted. Raises only on Lua memory
 * exhaustion. */
void dt_push_struct(lua_State *L, const struct dt_struct *st,
                    const void *base);

#endif
