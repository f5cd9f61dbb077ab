/* harness.h - the C unit test harness: CHECK() prints file:line on failure
 * and goes on; main() ends with TEST_DONE(), which prints one line
 * "N passed, N failed" and returns non-zero if anything failed. */
#ifndef LV_HARNESS_H
#define LV_HARNESS_H

#include <stdio.h>

static int harness_passed, harness_failed;

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

#define TEST_DONE()                                                       \
    (printf("%d passed, %d failed\n", harness_passed, harness_failed),    \
     harness_failed ? 1 : 0)

#endif
