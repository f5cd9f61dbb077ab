/* harness.h - the C unit test harness: CHECK() prints file:line on failure
 * and goes on; SKIP() reports a part that cannot run here, with the reason;
 * main() ends with TEST_DONE(), which prints one line "N passed, N failed"
 * (", N skipped" when something was) and returns non-zero if anything
 * failed. harness_conformance_dir() finds libvirt's conformance corpus. */
#ifndef LV_HARNESS_H
#define LV_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "err.h"
#include "spawn.h"

static int harness_passed, harness_failed, harness_skipped;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (cond) {                                                       \
            harness_passed++;                                             \
        } else {                                                          \
            harness_failed++;                                             \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

#define SKIP(what, ...)                                                   \
    do {                                                                  \
        harness_skipped++;                                                \
        printf("skip [%s]: ", (what));                                    \
        printf(__VA_ARGS__);                                              \
        putchar('\n');                                                    \
    } while (0)

/* libvirt's conformance corpus: $LUAVIRT_CONFORMANCE, else
 * ../shared/conformance/libvirt (beside the checkout). It is not part of
 * the project: where it is absent, the part named what is reported as
 * skipped with the reason and NULL is returned. */
static inline const char *
harness_conformance_dir(const char *what)
{
    const char *dir = getenv("LUAVIRT_CONFORMANCE");
    struct stat st;

    if (!dir || !*dir)
        dir = "../shared/conformance/libvirt";
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return dir;
    SKIP(what, "no conformance corpus at %s (set LUAVIRT_CONFORMANCE=DIR)", dir);
    return NULL;
}

/* Remove a test's temporary tree (its state root) and all under it. */
static inline void
harness_rm_tree(char *dir)
{
    char *argv[] = { (char *)"rm", (char *)"-rf", dir, NULL };
    char *out = NULL;
    struct lv_err err = LV_ERR_INIT;

    lv_spawn_capture(argv, &out, NULL, 10000, &err);
    free(out);
}

#define TEST_DONE()                                                       \
    ((harness_skipped ? printf("%d passed, %d failed, %d skipped\n",      \
                               harness_passed, harness_failed,            \
                               harness_skipped)                           \
                      : printf("%d passed, %d failed\n", harness_passed,  \
                               harness_failed)),                          \
     harness_failed ? 1 : 0)

#endif
