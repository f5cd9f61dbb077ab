/* test_hook.h - named steps where the kill -9 tests stop a command: always
 * compiled in, inert unless LUAVIRT_TEST_STOP_AT names the step, so the
 * crash-safety matrix (tests/lua/test_kill_matrix.lua) kills a command at a
 * chosen point instead of by timing luck. */
#ifndef LV_TEST_HOOK_H
#define LV_TEST_HOOK_H

/* When the environment variable LUAVIRT_TEST_STOP_AT equals step, the
 * process kills itself with SIGKILL here (nothing is cleaned, as with
 * kill -9 from outside); otherwise it does nothing. Step names are
 * "<command>-<where>", e.g. "define-after-tmp" (listed in the test). */
void lv_test_stop_at(const char *step);

/* 1 when LUAVIRT_TEST_FAIL_AT equals step: the caller then fails there as
 * if that step had failed (for the rollback tests), with err saying so. */
struct lv_err;
int lv_test_fail_at(const char *step, struct lv_err *err);

#endif
