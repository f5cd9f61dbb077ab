/* lazy_lib.c - libraries loaded on first use (see lazy_lib.h). */
#include "lazy_lib.h"

#include <dlfcn.h>

int
lv_lazy_load(const char *lib, const char *what, const struct lv_lazy_sym *syms,
             size_t n, void *table, struct lv_err *err)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        lv_err_set(err, LV_E_UNSUPPORTED, "%s: cannot load %s: %s", what, lib,
                   dlerror());
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        void *f = dlsym(h, syms[i].name);
        if (!f) {
            lv_err_set(err, LV_E_UNSUPPORTED, "%s: %s has no %s", what, lib,
                       syms[i].name);
            dlclose(h);
            return -1;
        }
        /* POSIX: a function pointer round-trips through void * */
        *(void **)((char *)table + syms[i].off) = f;
    }
    return 0;
}
