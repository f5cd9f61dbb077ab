/* test_repl.c - the REPL's pure logic: how a chunk compiles (expression,
 * statement, incomplete, wrong) and where the word being completed starts. */
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "harness.h"
#include "repl.h"

/* Load chunk; returns 0/-1 as lv_repl_load and sets *incomplete. If it
 * compiled, runs it and copies its first result as text into out. */
static int
load(lua_State *L, const char *chunk, int *incomplete, char *out, size_t n)
{
    int top = lua_gettop(L);
    int rc = lv_repl_load(L, chunk, strlen(chunk), incomplete);

    out[0] = '\0';
    if (rc == 0 && lua_pcall(L, 0, 1, 0) == LUA_OK)
        snprintf(out, n, "%s", luaL_tolstring(L, -1, NULL));
    else if (rc != 0)
        snprintf(out, n, "%s", lua_tostring(L, -1));
    lua_settop(L, top);
    return rc;
}

static void
test_load(lua_State *L)
{
    static const struct {
        const char *chunk;
        int rc, incomplete;
        const char *result;     /* first result, or part of the error */
    } cases[] = {
        { "1 + 2", 0, 0, "3" },
        { "x = 5", 0, 0, "nil" },
        { "x", 0, 0, "5" },
        { "return x * 2", 0, 0, "10" },
        { "for i = 1, 3 do", -1, 1, "<eof>" },
        { "for i = 1, 3 do\nx = x + i\nend", 0, 0, "nil" },
        { "x", 0, 0, "11" },
        { "function f(a)", -1, 1, "<eof>" },
        { "virt.list(", -1, 1, "<eof>" },
        { "1 +", -1, 1, "<eof>" },
        { "s = [[abc", -1, 1, "<eof>" },
        { "t = {", -1, 1, "<eof>" },
        { "x = = 1", -1, 0, "unexpected symbol" },
        { "'unfinished", -1, 1, "unfinished string" },
        { "'unfinished\nline'", -1, 0, "unfinished string" },
        { "end", -1, 0, "stdin:1:" },
        { "-- only a comment", 0, 0, "nil" },
    };
    char out[256];
    int inc;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = load(L, cases[i].chunk, &inc, out, sizeof(out));
        CHECK(rc == cases[i].rc, "'%s': rc %d", cases[i].chunk, rc);
        CHECK(inc == cases[i].incomplete, "'%s': incomplete %d",
              cases[i].chunk, inc);
        CHECK(strstr(out, cases[i].result) != NULL, "'%s': got '%s', want '%s'",
              cases[i].chunk, out, cases[i].result);
    }
    CHECK(lua_gettop(L) == 0, "stack left at %d", lua_gettop(L));
}

static void
test_word_start(void)
{
    static const struct {
        const char *line;
        const char *word;
    } cases[] = {
        { "virt.li", "virt.li" },
        { "x = d:sta", "d:sta" },
        { "virt.domain(\"we", "we" },
        { "virt.lookup('web-1", "web-1" },
        { "start web-1", "web-1" },
        { "list --al", "--al" },
        { "print(a[b", "b" },
        { "f(x,y", "y" },
        { "", "" },
        { "x ", "" },
    };
    size_t i, len;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        len = strlen(cases[i].line);
        CHECK(strcmp(cases[i].line + lv_repl_word_start(cases[i].line, len),
                     cases[i].word) == 0, "'%s': word '%s'", cases[i].line,
              cases[i].line + lv_repl_word_start(cases[i].line, len));
    }
    /* the cursor need not be at the end */
    CHECK(lv_repl_word_start("virt.li(x)", 7) == 0, "cursor inside");
}

int
main(void)
{
    lua_State *L = luaL_newstate();

    luaL_openlibs(L);
    test_load(L);
    test_word_start();
    lua_close(L);
    return TEST_DONE();
}
