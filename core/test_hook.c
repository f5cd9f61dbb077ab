/* test_hook.c - the kill -9 test hook (see test_hook.h). */
#include "test_hook.h"

#include "err.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
lv_test_stop_at(const char *step)
{
    const char *want = getenv("LUAVIRT_TEST_STOP_AT");

    if (want && strcmp(want, step) == 0)
        kill(getpid(), SIGKILL);
}

int
lv_test_fail_at(const char *step, struct lv_err *err)
{
    const char *want = getenv("LUAVIRT_TEST_FAIL_AT");

    if (!want || strcmp(want, step) != 0)
        return 0;
    lv_err_set(err, LV_E_SYSTEM, "test hook: failing at step '%s'", step);
    return 1;
}
