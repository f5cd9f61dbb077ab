/* repl.c - the interactive shell (repl.h). Lines come from libedit when
 * stdin is a terminal, else from getline(); chunks are compiled as lua.c
 * does ("return <chunk>" first, more lines while the chunk is incomplete)
 * and results are shown by lua/stdlib/pretty.lua. Ctrl+C clears the line at
 * the prompt and interrupts a running chunk through a Lua hook, as lua.c. */
#include "repl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <lauxlib.h>

#include "editline.h"
#include "log.h"
#include "strbuf.h"

/* libedit, loaded when a terminal REPL starts (editline.h) */
static const struct lv_editline *ed;

#define REPL_HISTORY_MAX 1000
#define REPL_LIST_MAX 200       /* completion candidates shown at most */
#define REPL_WORD_BREAKS " \t\n\"'`()[]{},;=+*/%^<>~#&|!$\\"

enum repl_read { REPL_READ_LINE, REPL_READ_EOF, REPL_READ_INTR };

struct repl {
    lua_State *L;
    EditLine *el;       /* NULL when stdin is not a terminal */
    History *hist;      /* what up-arrow recalls: the file + this session */
    History *added;     /* this session's entries, appended at exit */
    char *prompt;       /* one of the two prompt arrays */
    int cols;           /* terminal width seen last */
    char *buf;          /* getline() buffer for non-terminal input */
    size_t cap;
};

static char repl_prompt_first[] = "luavirt> ";
static char repl_prompt_more[] = "    ...> ";
/* over a remote connection (luavirt -c qemu+ssh://h2/...): "luavirt@h2> " */
static char repl_prompt_host[160];
static char *repl_first = repl_prompt_first;

/* All a signal handler may touch: the flag "Ctrl+C was pressed" and the
 * state running a chunk (NULL at the prompt). */
static volatile sig_atomic_t repl_interrupted;
static lua_State *volatile repl_running;

/* ---- signals ---- */

static void
repl_stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted");
}

static void
repl_on_sigint(int signo)
{
    lua_State *L = repl_running;

    (void)signo;
    repl_interrupted = 1;
    if (L != NULL) {
        /* A second Ctrl+C while C code blocks ends the program (lua.c). */
        signal(SIGINT, SIG_DFL);
        lua_sethook(L, repl_stop_hook,
                    LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    }
}

/* At the prompt without SA_RESTART, so that read() returns EINTR; while a
 * chunk runs with it, so that C code under it is not disturbed. */
static void
repl_catch_sigint(int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = repl_on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    sigaction(SIGINT, &sa, NULL);
}

/* ---- calling Lua ---- */

static void
repl_require(lua_State *L, const char *name)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
}

/* Message handler: the error as text (a luavirt.error through __tostring),
 * plus the traceback when LUAVIRT_DEBUG is set. */
static int
repl_msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    const char *debug = getenv("LUAVIRT_DEBUG");

    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") &&
            lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else if (lua_istable(L, 1) && lua_getfield(L, 1, "message") == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)",
                                  luaL_typename(L, 1));
        /* a luavirt.error shows its code, which scripts test (err.code) */
        if (lua_istable(L, 1) && lua_getfield(L, 1, "code") == LUA_TSTRING)
            msg = lua_pushfstring(L, "%s [%s]", msg, lua_tostring(L, -1));
    }
    if (debug != NULL && debug[0] != '\0')
        luaL_traceback(L, L, msg, 1);
    else
        lua_pushstring(L, msg);
    return 1;
}

/* pretty.print(...) */
static int
repl_l_print(lua_State *L)
{
    int n = lua_gettop(L);

    repl_require(L, "pretty");
    lua_getfield(L, -1, "print");
    lua_replace(L, n + 1);
    lua_insert(L, 1);
    lua_call(L, n, 0);
    return 0;
}

/* complete.command_words(line): the words of a virsh-style line, or nil */
static int
repl_l_command_words(lua_State *L)
{
    repl_require(L, "complete");
    lua_getfield(L, -1, "command_words");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

/* cli.main(words) */
static int
repl_l_run_command(lua_State *L)
{
    repl_require(L, "cli");
    lua_getfield(L, -1, "main");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 0);
    return 0;
}

/* complete.candidates(line, word) */
static int
repl_l_candidates(lua_State *L)
{
    repl_require(L, "complete");
    lua_getfield(L, -1, "candidates");
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

/* Print the error message at the top of the stack and pop it. */
static void
repl_report(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);

    fflush(stdout);
    fprintf(stderr, "error: %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
}

/* Call the function under its nargs arguments at the top of the stack with
 * Ctrl+C armed; print its results (when show) or its error. Pops all. */
static void
repl_call(lua_State *L, int nargs, int show)
{
    int base = lua_gettop(L) - nargs;
    int status;

    lua_pushcfunction(L, repl_msghandler);
    lua_insert(L, base);
    repl_interrupted = 0;
    repl_catch_sigint(SA_RESTART);
    repl_running = L;
    status = lua_pcall(L, nargs, LUA_MULTRET, base);
    if (status == LUA_OK && show && lua_gettop(L) > base) {
        if (lua_checkstack(L, 1)) {
            lua_pushcfunction(L, repl_l_print);
            lua_insert(L, base + 1);
            status = lua_pcall(L, lua_gettop(L) - base - 1, 0, base);
        } else {
            lua_pushliteral(L, "too many results to print");
            status = LUA_ERRRUN;
        }
    }
    repl_running = NULL;
    lua_sethook(L, NULL, 0, 0);
    repl_catch_sigint(0);
    if (status != LUA_OK && repl_interrupted && isatty(STDOUT_FILENO))
        fputc('\n', stdout);   /* after the terminal's "^C" */
    if (status != LUA_OK)
        repl_report(L);
    lua_settop(L, base - 1);
}

/* ---- compiling ---- */

static int
repl_error_at_eof(lua_State *L, int status)
{
    size_t n;
    const char *msg = lua_tolstring(L, -1, &n);

    return status == LUA_ERRSYNTAX && msg != NULL && n >= 5 &&
           strcmp(msg + n - 5, "<eof>") == 0;
}

int
lv_repl_load(lua_State *L, const char *chunk, size_t len, int *incomplete)
{
    struct strbuf ret = STRBUF_INIT;
    int status, ret_incomplete;

    *incomplete = 0;
    strbuf_adds(&ret, "return ");
    strbuf_add(&ret, chunk, len);
    status = luaL_loadbuffer(L, ret.s, ret.len, "=stdin");
    strbuf_free(&ret);
    if (status == LUA_OK)
        return 0;
    /* "1 +" is incomplete as an expression though not as a statement */
    ret_incomplete = repl_error_at_eof(L, status);
    status = luaL_loadbuffer(L, chunk, len, "=stdin");
    if (status == LUA_OK) {
        lua_remove(L, -2);
        return 0;
    }
    *incomplete = ret_incomplete || repl_error_at_eof(L, status);
    /* keep the message that says what was missing */
    lua_remove(L, ret_incomplete && !repl_error_at_eof(L, status) ? -1 : -2);
    return -1;
}

/* ---- completion ---- */

size_t
lv_repl_word_start(const char *line, size_t cursor)
{
    size_t i = cursor;

    while (i > 0 && strchr(REPL_WORD_BREAKS, line[i - 1]) == NULL)
        i--;
    return i;
}

static int
repl_term_columns(EditLine *el)
{
    int cols = 0;

    if (ed->el_get(el, EL_GETTC, "co", &cols, NULL) != 0 || cols < 20)
        cols = 80;
    return cols;
}

/* List the candidates (table at idx, n entries) in columns like ls, each
 * without the part of the word before its last '.' or ':'. */
static void
repl_list(EditLine *el, lua_State *L, int idx, size_t n, size_t skip)
{
    size_t width = 0, shown = n < REPL_LIST_MAX ? n : REPL_LIST_MAX;
    size_t ncols, nrows, row, col, i;

    for (i = 1; i <= shown; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i);
        if (lua_rawlen(L, -1) - skip > width)
            width = lua_rawlen(L, -1) - skip;
        lua_pop(L, 1);
    }
    ncols = (size_t)repl_term_columns(el) / (width + 2);
    ncols = ncols ? ncols : 1;
    nrows = (shown + ncols - 1) / ncols;
    fputc('\n', stdout);
    for (row = 0; row < nrows; row++) {
        for (col = 0; col < ncols && col * nrows + row < shown; col++) {
            lua_rawgeti(L, idx, (lua_Integer)(col * nrows + row + 1));
            fprintf(stdout, "%-*s", (int)(width + 2), lua_tostring(L, -1) + skip);
            lua_pop(L, 1);
        }
        fputc('\n', stdout);
    }
    if (shown < n)
        fprintf(stdout, "... and %zu more\n", n - shown);
    fflush(stdout);
}

/* Insert what all candidates (table at idx) share beyond the word; with
 * nothing to insert and several candidates, list them. */
static unsigned char
repl_complete_apply(EditLine *el, lua_State *L, int idx, const char *word,
                    size_t wlen)
{
    size_t n = lua_rawlen(L, idx), i, common = 0, skip = 0;
    const char *first = NULL, *s;
    char *ins;

    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i);
        s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (s == NULL || strncmp(s, word, wlen) != 0)
            return CC_ERROR;        /* not a completion of this word */
        if (first == NULL) {
            first = s;              /* stays referenced by the table */
            common = strlen(s);
        }
        while (common > 0 && strncmp(first, s, common) != 0)
            common--;
        lua_pop(L, 1);
    }
    if (first == NULL)
        return CC_ERROR;
    if (common > wlen) {
        ins = lv_strndup(first + wlen, common - wlen);
        ed->el_insertstr(el, ins);
        free(ins);
        return CC_REFRESH;
    }
    if (n == 1)
        return CC_REFRESH;
    for (i = wlen; i > 0; i--) {
        if (word[i - 1] == '.' || word[i - 1] == ':') {
            skip = i;
            break;
        }
    }
    repl_list(el, L, idx, n, skip);
    return CC_REDISPLAY;
}

/* libedit's Tab: ask complete.candidates() about the word at the cursor */
static unsigned char
repl_complete(EditLine *el, int ch)
{
    const LineInfo *li = ed->el_line(el);
    size_t cursor = (size_t)(li->cursor - li->buffer);
    size_t start = lv_repl_word_start(li->buffer, cursor);
    void *data = NULL;
    lua_State *L;
    unsigned char res = CC_ERROR;
    int top;

    (void)ch;
    ed->el_get(el, EL_CLIENTDATA, &data);
    L = ((struct repl *)data)->L;
    top = lua_gettop(L);
    lua_pushcfunction(L, repl_l_candidates);
    lua_pushlstring(L, li->buffer, cursor);
    lua_pushlstring(L, li->buffer + start, cursor - start);
    if (lua_pcall(L, 2, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TTABLE)
        res = repl_complete_apply(el, L, lua_gettop(L), li->buffer + start,
                                  cursor - start);
    else
        lv_log_debug("repl: completion: %s", luaL_typename(L, -1));
    lua_settop(L, top);
    return res;
}

/* ---- reading lines ---- */

static char *
repl_prompt(EditLine *el)
{
    void *data = NULL;

    ed->el_get(el, EL_CLIENTDATA, &data);
    return ((struct repl *)data)->prompt;
}

/* After a signal at the prompt: back from Ctrl+Z, redraw the line (libedit
 * restored the terminal); resized, libedit has redrawn it already. */
static void
repl_redraw(EditLine *el)
{
    void *data = NULL;
    struct repl *r;
    int cols = repl_term_columns(el);

    ed->el_get(el, EL_CLIENTDATA, &data);
    r = data;
    if (cols == r->cols)
        ed->el_set(el, EL_REFRESH);
    r->cols = cols;
}

/* libedit's character reader: ours, so that Ctrl+C ends ed->el_gets() at once
 * (the built-in one retries a read interrupted by a signal). */
static int
repl_getc(EditLine *el, wchar_t *wc)
{
    char b[MB_LEN_MAX];
    size_t len = 0, rc;
    mbstate_t st;
    ssize_t n;

    for (;;) {
        if (repl_interrupted) {
            errno = EINTR;
            return -1;
        }
        n = read(STDIN_FILENO, b + len, 1);
        if (n == 0)
            return 0;
        if (n < 0 && errno == EINTR) {
            if (!repl_interrupted)
                repl_redraw(el);
            continue;
        }
        if (n < 0)
            return -1;
        len++;
        memset(&st, 0, sizeof(st));
        rc = mbrtowc(wc, b, len, &st);
        if (rc == (size_t)-2 && len < sizeof(b))
            continue;
        if (rc == (size_t)-1 || rc == (size_t)-2)
            *wc = (unsigned char)b[0];  /* not in this locale: the byte */
        return 1;
    }
}

/* Read one line without its newline into *line (borrowed until the next
 * read). */
static enum repl_read
repl_read_line(struct repl *r, char *prompt, const char **line, size_t *len)
{
    ssize_t got;
    int n = 0;

    repl_interrupted = 0;
    if (r->el == NULL) {
        fflush(stdout);
        got = getline(&r->buf, &r->cap, stdin);
        if (got < 0 && repl_interrupted) {
            clearerr(stdin);
            return REPL_READ_INTR;
        }
        if (got < 0)
            return REPL_READ_EOF;
        *line = r->buf;
    } else {
        r->prompt = prompt;
        *line = ed->el_gets(r->el, &n);
        if (repl_interrupted) {
            fputc('\n', stdout);
            return REPL_READ_INTR;
        }
        if (*line == NULL || n <= 0) {
            fputc('\n', stdout);
            return REPL_READ_EOF;
        }
        got = n;
    }
    *len = (size_t)got;
    if (*len > 0 && (*line)[*len - 1] == '\n')
        (*len)--;
    return REPL_READ_LINE;
}

/* ---- history ---- */

static void
repl_history_add(struct repl *r, const char *entry)
{
    HistEvent ev;

    if (r->hist == NULL)
        return;
    ed->history(r->hist, &ev, H_ENTER, entry);
    ed->history(r->added, &ev, H_ENTER, entry);
}

static int
repl_mkdir_parents(const char *path)
{
    char *dir = lv_strdup(path), *p;
    int ret = 0;

    for (p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            lv_log_warn("repl: cannot create '%s': %s", dir, strerror(errno));
            ret = -1;
            break;
        }
        *p = '/';
    }
    free(dir);
    return ret;
}

/* Write hist to path through a temporary file and a rename. */
static int
repl_history_write(History *hist, const char *path)
{
    HistEvent ev;
    char *tmp = lv_asprintf("%s.%ld.tmp", path, (long)getpid());
    FILE *fp = NULL;
    int fd, closed, made = 0, ret = -1;

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        made = 1;
        fp = fdopen(fd, "w");
        if (fp == NULL)
            close(fd);
    }
    if (fp == NULL || ed->history(hist, &ev, H_SAVE_FP, fp) < 0 ||
        fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        lv_log_warn("repl: cannot write history '%s': %s", tmp, strerror(errno));
        goto out;
    }
    closed = fclose(fp);
    fp = NULL;
    if (closed != 0 || rename(tmp, path) != 0) {
        lv_log_warn("repl: cannot save history '%s': %s", path, strerror(errno));
        goto out;
    }
    ret = 0;
out:
    if (fp != NULL)
        fclose(fp);
    if (ret != 0 && made)
        unlink(tmp);
    free(tmp);
    return ret;
}

/* Append this session's entries to what the file holds now (another shell
 * may have saved since we loaded it), keeping the newest 1000. */
static void
repl_history_save(struct repl *r, const char *path)
{
    HistEvent ev, ev2;
    History *merged;
    int rc;

    if (path == NULL || r->added == NULL ||
        ed->history(r->added, &ev, H_GETSIZE) < 0 || ev.num == 0)
        return;
    merged = ed->history_init();
    if (merged == NULL)
        return;
    ed->history(merged, &ev, H_SETSIZE, REPL_HISTORY_MAX);
    ed->history(merged, &ev, H_SETUNIQUE, 1);
    ed->history(merged, &ev, H_LOAD, path);
    for (rc = ed->history(r->added, &ev, H_LAST); rc >= 0;
         rc = ed->history(r->added, &ev, H_PREV))
        ed->history(merged, &ev2, H_ENTER, ev.str);
    if (repl_mkdir_parents(path) == 0)
        repl_history_write(merged, path);
    ed->history_end(merged);
}

/* ---- the editor and the loop ---- */

static int
repl_editor_open(struct repl *r, const char *history_path, struct lv_err *err)
{
    HistEvent ev;

    r->el = ed->el_init("luavirt", stdin, stdout, stderr);
    r->hist = ed->history_init();
    r->added = ed->history_init();
    if (r->el == NULL || r->hist == NULL || r->added == NULL) {
        lv_err_sys(err, "repl: cannot set up the line editor");
        return -1;
    }
    ed->history(r->hist, &ev, H_SETSIZE, REPL_HISTORY_MAX);
    ed->history(r->hist, &ev, H_SETUNIQUE, 1);
    ed->history(r->added, &ev, H_SETSIZE, REPL_HISTORY_MAX);
    ed->history(r->added, &ev, H_SETUNIQUE, 1);
    if (history_path != NULL)
        ed->history(r->hist, &ev, H_LOAD, history_path);
    ed->el_set(r->el, EL_CLIENTDATA, (void *)r);
    ed->el_set(r->el, EL_EDITOR, "emacs");
    ed->el_set(r->el, EL_SIGNAL, 1);
    ed->el_set(r->el, EL_PROMPT, repl_prompt);
    ed->el_set(r->el, EL_GETCFN, repl_getc);
    ed->el_set(r->el, EL_HIST, ed->history, r->hist);
    /* the wide form: libedit keeps these pointers (el_set's copies leak) */
    ed->el_wset(r->el, EL_ADDFN, L"luavirt-complete",
            L"complete a Lua name or a domain name", repl_complete);
    ed->el_set(r->el, EL_BIND, "^I", "luavirt-complete", NULL);
    ed->el_source(r->el, NULL);     /* ~/.editrc may rebind keys */
    r->cols = repl_term_columns(r->el);
    return 0;
}

static void
repl_editor_close(struct repl *r)
{
    if (r->el != NULL)
        ed->el_end(r->el);
    if (r->hist != NULL)
        ed->history_end(r->hist);
    if (r->added != NULL)
        ed->history_end(r->added);
    r->el = NULL;
    r->hist = r->added = NULL;
}

/* A virsh-style line ("start web1"): run cli.main with its words. Returns 1
 * if the line was one (run, or its quoting reported), 0 if it is Lua. */
static int
repl_try_command(lua_State *L, const char *line)
{
    int top = lua_gettop(L);

    lua_pushcfunction(L, repl_msghandler);
    lua_pushcfunction(L, repl_l_command_words);
    lua_pushstring(L, line);
    if (lua_pcall(L, 1, 1, top + 1) != LUA_OK) {
        repl_report(L);
        lua_settop(L, top);
        return 1;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_settop(L, top);
        return 0;
    }
    lua_pushcfunction(L, repl_l_run_command);
    lua_insert(L, -2);
    repl_call(L, 1, 0);
    lua_settop(L, top);
    return 1;
}

static int
repl_is_blank(const char *s, size_t len)
{
    return strspn(s, " \t\r\n") >= len;
}

static int
repl_is_exit(const char *s, size_t len)
{
    while (len > 0 && strchr(" \t\r", s[len - 1]) != NULL)
        len--;
    while (len > 0 && strchr(" \t", *s) != NULL) {
        s++;
        len--;
    }
    return (len == 4 && (strncmp(s, "exit", 4) == 0 ||
                         strncmp(s, "quit", 4) == 0));
}

/* Compile the chunk collected so far. Returns 1 if more lines are needed;
 * else runs it or reports its syntax error, and returns 0. */
static int
repl_eval_chunk(struct repl *r, struct strbuf *chunk, int at_eof)
{
    int incomplete;

    if (lv_repl_load(r->L, chunk->s, chunk->len, &incomplete) != 0) {
        if (incomplete && !at_eof) {
            lua_pop(r->L, 1);
            return 1;
        }
        repl_history_add(r, strbuf_cstr(chunk));
        repl_report(r->L);
        return 0;
    }
    repl_history_add(r, strbuf_cstr(chunk));
    repl_call(r->L, 0, 1);
    return 0;
}

static void
repl_loop(struct repl *r)
{
    struct strbuf chunk = STRBUF_INIT;
    const char *line;
    size_t len;
    enum repl_read rd;

    for (;;) {
        rd = repl_read_line(r, chunk.len ? repl_prompt_more : repl_first,
                            &line, &len);
        if (rd == REPL_READ_EOF)
            break;
        if (rd == REPL_READ_INTR) {
            strbuf_reset(&chunk);
            continue;
        }
        if (chunk.len == 0) {
            if (repl_is_blank(line, len))
                continue;
            if (repl_is_exit(line, len))
                break;
            strbuf_add(&chunk, line, len);
            if (repl_try_command(r->L, strbuf_cstr(&chunk))) {
                repl_history_add(r, strbuf_cstr(&chunk));
                strbuf_reset(&chunk);
                continue;
            }
        } else {
            strbuf_addc(&chunk, '\n');
            strbuf_add(&chunk, line, len);
        }
        if (repl_eval_chunk(r, &chunk, 0) == 0)
            strbuf_reset(&chunk);
    }
    /* piped input ending inside a chunk: say why it never ran */
    if (chunk.len > 0 && r->el == NULL)
        repl_eval_chunk(r, &chunk, 1);
    strbuf_free(&chunk);
}

int
lv_repl_run(lua_State *L, const char *history_path, struct lv_err *err)
{
    struct repl r = { .L = L, .prompt = repl_prompt_first };
    struct sigaction old_int;
    char *old_locale = NULL;
    int top = lua_gettop(L), ret = -1;

    lua_getglobal(L, "virt");
    if (lua_istable(L, -1) && lua_getfield(L, -1, "host") == LUA_TSTRING) {
        snprintf(repl_prompt_host, sizeof(repl_prompt_host), "luavirt@%s> ",
                 lua_tostring(L, -1));
        repl_first = r.prompt = repl_prompt_host;
    }
    lua_settop(L, top);

    sigaction(SIGINT, NULL, &old_int);
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        /* libedit needs the terminal's character set for UTF-8 input */
        old_locale = lv_strdup(setlocale(LC_CTYPE, NULL));
        setlocale(LC_CTYPE, "");
        if (!(ed = lv_editline(err)))
            goto out;
        if (repl_editor_open(&r, history_path, err) != 0)
            goto out;
    }
    repl_catch_sigint(0);
    repl_loop(&r);
    repl_history_save(&r, history_path);
    ret = 0;
out:
    repl_editor_close(&r);
    free(r.buf);
    if (old_locale != NULL) {
        setlocale(LC_CTYPE, old_locale);
        free(old_locale);
    }
    sigaction(SIGINT, &old_int, NULL);
    lua_settop(L, top);
    return ret;
}
