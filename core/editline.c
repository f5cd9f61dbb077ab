/* editline.c - libedit loaded on first use (editline.h). */
#include "editline.h"

#include "lazy_lib.h"

#define LIBEDIT "libedit.so.2"

const struct lv_editline *
lv_editline(struct lv_err *err)
{
    static struct lv_editline ed;
    static int loaded;
    static const struct lv_lazy_sym syms[] = {
#define SYM(f) LV_LAZY_SYM(struct lv_editline, f)
        SYM(el_init), SYM(el_end), SYM(el_gets), SYM(el_set), SYM(el_wset),
        SYM(el_get), SYM(el_source), SYM(el_line), SYM(el_insertstr),
        SYM(history_init), SYM(history_end), SYM(history),
#undef SYM
    };

    if (!loaded && lv_lazy_load(LIBEDIT, "line editing", syms,
                                sizeof(syms) / sizeof(syms[0]), &ed, err) < 0)
        return NULL;
    loaded = 1;
    return &ed;
}
