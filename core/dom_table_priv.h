/* dom_table_priv.h - the shape of a domain table, as data: each struct of
 * dom_def.h is described by a list of fields (Lua key, kind, offset), which
 * dom_table.c walks both ways, so pushing and reading can never disagree.
 * Private to core/dom_table*.c. */
#ifndef LV_DOM_TABLE_PRIV_H
#define LV_DOM_TABLE_PRIV_H

#include <stddef.h>
#include <string.h>

#include <lua.h>

#include "err.h"

enum dt_kind {
    DT_STR,     /* char *; a string (numbers are accepted and formatted) */
    DT_INT,     /* int; .absent is the "not given" value */
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

/* At most DT_MAX_FIELDS fields, ended by a field with key NULL. */
#define DT_MAX_FIELDS 64
struct dt_struct {
    const struct dt_field *fields;
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
#define F_ADDRESS(m)       F_STRUCT("address", m, &dt_address)
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


/* dom_table_read.c: read the table at idx (absolute) into the struct at
 * base, described by st. Returns 0, or -1 with err set (LV_E_INVALID,
 * "domain table: ..."); what was read so far stays in base for its _free().
 * Reads raw and allocates nothing in Lua, so it never raises. */
int dt_read_struct(lua_State *L, int idx, const struct dt_struct *st,
                   void *base, struct lv_err *err);

/* dom_table_devices.c: the shapes of the device lists */
extern const struct dt_struct dt_address;
extern const struct dt_array dt_disks, dt_controllers, dt_interfaces,
    dt_serials, dt_parallels, dt_consoles, dt_channels, dt_inputs,
    dt_graphics, dt_videos, dt_sounds, dt_rngs, dt_watchdogs, dt_audios,
    dt_tpms, dt_redirdevs, dt_panics;
extern const struct dt_struct dt_memballoon;

#endif
