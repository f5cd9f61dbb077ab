/* repl.h - the interactive shell: libedit line editing, persistent history,
 * completion (lua/stdlib/complete.lua), lua.c-style evaluation with results
 * shown by lua/stdlib/pretty.lua, and virsh-style command lines. */
#ifndef LV_REPL_H
#define LV_REPL_H

#include <stddef.h>

#include <lua.h>

#include "err.h"

/* Run the REPL on L until EOF (Ctrl+D) or a line `exit`/`quit`. The `virt`
 * module is a global and package.path reaches lua/stdlib. history_path
 * (may be NULL: no history) is loaded at start and this session's lines are
 * appended to it at exit, keeping the last 1000 entries; its directory is
 * created if missing. When stdin is not a terminal, lines are read plainly
 * (no prompt, no editing, no history). Errors of evaluated chunks are printed
 * and the REPL goes on. Returns 0, or -1 with err set if the line editor
 * cannot be set up. L is left with its stack as it was. */
int lv_repl_run(lua_State *L, const char *history_path, struct lv_err *err);

/* Compile chunk the way the REPL does: first as "return <chunk>", then as a
 * block, chunk name "=stdin". On success pushes the function and returns 0.
 * On a syntax error pushes the message and returns -1; *incomplete is set
 * to 1 when more lines could complete the chunk (the error is at <eof>),
 * else 0. */
int lv_repl_load(lua_State *L, const char *chunk, size_t len, int *incomplete);

/* Where the word being completed starts: the index in line[0..cursor) after
 * the last blank, quote, bracket or operator other than '.', ':', '-'
 * and '_' (so "virt.li", "d:sta", "web-1" and "--all" are one word). */
size_t lv_repl_word_start(const char *line, size_t cursor);

#endif
