/* editline.c - libedit loaded on first use (editline.h). */
#include "editline.h"

#include <dlfcn.h>
#include <stddef.h>

#define LIBEDIT "libedit.so.2"

const struct lv_editline *
lv_editline(struct lv_err *err)
{
    static struct lv_editline ed;
    static int loaded;
    static const struct { const char *name; size_t off; } syms[] = {
#define SYM(f) { #f, offsetof(struct lv_editline, f) }
        SYM(el_init), SYM(el_end), SYM(el_gets), SYM(el_set), SYM(el_wset),
        SYM(el_get), SYM(el_source), SYM(el_line), SYM(el_insertstr),
        SYM(history_init), SYM(history_end), SYM(history),
#undef SYM
    };
    void *h;

    if (loaded)
        return &ed;
    if (!(h = dlopen(LIBEDIT, RTLD_NOW | RTLD_LOCAL))) {
        lv_err_set(err, LV_E_UNSUPPORTED, "line editing: cannot load %s: %s",
                   LIBEDIT, dlerror());
        return NULL;
    }
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        void *f = dlsym(h, syms[i].name);
        if (!f) {
            lv_err_set(err, LV_E_UNSUPPORTED, "line editing: %s has no %s",
                       LIBEDIT, syms[i].name);
            dlclose(h);
            return NULL;
        }
        /* POSIX: a function pointer round-trips through void * */
        *(void **)((char *)&ed + syms[i].off) = f;
    }
    loaded = 1;
    return &ed;
}
