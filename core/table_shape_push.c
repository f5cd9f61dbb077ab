/* table_shape_push.c - push a Lua table describing a C struct by its field
 * list (table_shape.h): every field that is set, absent ones omitted. */
#include "table_shape.h"

#include <stdint.h>
#include <string.h>

#include <lauxlib.h>
#include <uuid/uuid.h>

#include "attrs.h"


static int
table_empty(lua_State *L, int idx)
{
    lua_pushnil(L);
    if (!lua_next(L, idx < 0 ? idx - 1 : idx))
        return 1;
    lua_pop(L, 2);
    return 0;
}

static void
push_strv(lua_State *L, char *const *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void
push_attrs(lua_State *L, const struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        lua_pushstring(L, a->vals[i]);
        lua_setfield(L, -2, a->keys[i]);
    }
}

/* Push the list of elements of one array field; 0 if it is empty. */
static int
push_array(lua_State *L, const struct dt_field *f, const char *base)
{
    const struct dt_array *a = f->arr;
    const char *arr = dt_get_ptr(base + f->off);
    size_t n, j = 0;

    memcpy(&n, base + f->off2, sizeof(n));
    lua_newtable(L);
    for (size_t i = 0; i < n; i++) {
        const char *elem = arr + i * a->size;
        if (a->kind >= 0 && dt_get_int(elem + a->kind_off) != a->kind)
            continue;
        dt_push_struct(L, a->st, elem);
        /* {name="acpi"} alone reads better as "acpi" */
        if (a->short_key) {
            lua_getfield(L, -1, a->short_key);
            lua_pushnil(L);
            lua_setfield(L, -3, a->short_key);
            if (lua_type(L, -1) == LUA_TSTRING && table_empty(L, -2))
                lua_remove(L, -2);
            else
                lua_setfield(L, -2, a->short_key);
        }
        lua_rawseti(L, -2, (lua_Integer)++j);
    }
    if (j)
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* Push the value of field f of the struct at base; 0 if it is absent. */
static int
push_field(lua_State *L, const struct dt_field *f, const char *base)
{
    const char *at = base + f->off;
    char uuid[37];
    unsigned u;
    uint64_t kib;
    long l;
    long long ll;

    if ((f->flags & DT_F_GIVEN) && !dt_given(f, base))
        return 0;
    switch (f->kind) {
    case DT_STR:
        if (!dt_get_ptr(at))
            return 0;
        lua_pushstring(L, dt_get_ptr(at));
        return 1;
    case DT_INT:
        if (dt_get_int(at) == f->absent)
            return 0;
        lua_pushinteger(L, dt_get_int(at));
        return 1;
    case DT_LONG:
        memcpy(&l, at, sizeof(l));
        if (l == f->absent)
            return 0;
        lua_pushinteger(L, l);
        return 1;
    case DT_LLONG:
        memcpy(&ll, at, sizeof(ll));
        if (ll == f->absent)
            return 0;
        lua_pushinteger(L, ll);
        return 1;
    case DT_UINT:
        memcpy(&u, at, sizeof(u));
        if (!u && !(f->flags & DT_F_ALWAYS))
            return 0;
        lua_pushinteger(L, u);
        return 1;
    case DT_KIB:
        memcpy(&kib, at, sizeof(kib));
        if (!kib)
            return 0;
        lua_pushinteger(L, (lua_Integer)kib);
        return 1;
    case DT_BOOL:
        if (!dt_get_int(at))
            return 0;
        lua_pushboolean(L, 1);
        return 1;
    case DT_TRI:
        if (dt_get_int(at) == LV_TRI_ABSENT)
            return 0;
        lua_pushboolean(L, dt_get_int(at) == LV_TRI_ON);
        return 1;
    case DT_ENUM:
        if (!f->en->to_str(dt_get_int(at)))
            return 0;
        lua_pushstring(L, f->en->to_str(dt_get_int(at)));
        return 1;
    case DT_UUID: {
        static const unsigned char zero[16];
        if (!memcmp(at, zero, sizeof(zero)))
            return 0;
        uuid_unparse_lower((const unsigned char *)at, uuid);
        lua_pushstring(L, uuid);
        return 1;
    }
    case DT_STRV: {
        size_t n;
        memcpy(&n, base + f->off2, sizeof(n));
        if (!n)
            return 0;
        push_strv(L, dt_get_ptr(at), n);
        return 1;
    }
    case DT_ATTRS:
        if (!((const struct lv_attrs *)at)->n)
            return 0;
        lua_newtable(L);
        push_attrs(L, (const struct lv_attrs *)at);
        return 1;
    case DT_KEEP: {
        const struct lv_xml_keep *k = (const struct lv_xml_keep *)at;
        if (!k->n)
            return 0;
        push_strv(L, k->items, k->n);
        return 1;
    }
    case DT_STRUCT:
        if ((f->flags & DT_F_PRESENT) && !dt_get_int(at + f->off2))
            return 0;
        dt_push_struct(L, f->st, at);
        if ((f->flags & (DT_F_PRESENT | DT_F_GIVEN)) || !table_empty(L, -1))
            return 1;
        lua_pop(L, 1);
        return 0;
    case DT_ARRAY:
        return push_array(L, f, base);
    case DT_REST:
        break;
    }
    return 0;
}

void
dt_push_struct(lua_State *L, const struct dt_struct *st, const void *vbase)
{
    const char *base = vbase;

    lua_newtable(L);
    for (const struct dt_field *f = st->fields; f->key; f++) {
        if (f->kind == DT_REST)
            push_attrs(L, (const struct lv_attrs *)(base + f->off));
        else if (push_field(L, f, base))
            lua_setfield(L, -2, f->key);
    }
}

