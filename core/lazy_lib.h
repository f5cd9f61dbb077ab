/* lazy_lib.h - a shared library loaded on first use (dlopen), its
 * functions put in a table of typed pointers. For libraries only a few
 * commands need (libedit for the REPL, libisofs for cloud-init seeds):
 * every other command would pay for mapping them and what they pull in. */
#ifndef LV_LAZY_LIB_H
#define LV_LAZY_LIB_H

#include <stddef.h>

#include "err.h"

struct lv_lazy_sym {
    const char *name;
    size_t off;           /* of its pointer in the table */
};
#define LV_LAZY_SYM(table_type, f) { #f, offsetof(table_type, f) }

/* Load lib (kept loaded) and fill table with syms. 0, or -1 with err:
 * "WHAT: cannot load LIB: REASON" or "WHAT: LIB has no SYMBOL". */
int lv_lazy_load(const char *lib, const char *what, const struct lv_lazy_sym *syms,
                 size_t n, void *table, struct lv_err *err);

#endif
