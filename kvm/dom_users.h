/* dom_users.h - the running guests with their live definitions, walked for
 * "which guests use this file / network / disk" (core/conn.h's walker). */
#ifndef LV_DOM_USERS_H
#define LV_DOM_USERS_H

#include "conn.h"

/* lv_guest_walk_fn over the running guests of c: guests that stop while
 * walked are left out. */
int dom_each_running(const struct lv_conn *c, lv_guest_fn fn, void *arg,
                     struct lv_err *err);

#endif
