/* editline.h - libedit, loaded when the REPL first needs it. Every
 * one-shot command would otherwise pay for mapping libedit and the
 * terminfo and libbsd libraries behind it (about 0.3 ms a command). */
#ifndef LV_EDITLINE_H
#define LV_EDITLINE_H

#include <histedit.h>

#include "err.h"

/* The libedit functions the REPL calls, with libedit's own types. */
struct lv_editline {
    __typeof__(el_init) *el_init;
    __typeof__(el_end) *el_end;
    __typeof__(el_gets) *el_gets;
    __typeof__(el_set) *el_set;
    __typeof__(el_wset) *el_wset;
    __typeof__(el_get) *el_get;
    __typeof__(el_source) *el_source;
    __typeof__(el_line) *el_line;
    __typeof__(el_insertstr) *el_insertstr;
    __typeof__(history_init) *history_init;
    __typeof__(history_end) *history_end;
    __typeof__(history) *history;
};

/* libedit (libedit.so.2), loaded once; NULL with err naming the library
 * and dlopen's reason when it cannot be. */
const struct lv_editline *lv_editline(struct lv_err *err);

#endif
