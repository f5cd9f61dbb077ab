/* dom_users.c - walk the running guests with their live definitions (see
 * dom_users.h): the one place that reads live.xml for "who uses this". */
#include "dom_users.h"

#include <stdlib.h>

#include "dom.h"
#include "dom_run.h"
#include "dom_store.h"

int
dom_each_running(const struct lv_conn *c, lv_guest_fn fn, void *arg,
                 struct lv_err *err)
{
    struct lv_conn *cc = (struct lv_conn *)c;   /* dom_list reads only */
    struct dom_entry *e = NULL;
    size_t n = 0;
    int r = 0;

    if (dom_list(cc, DOM_LIST_ACTIVE, &e, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && r == 0; i++) {
        char *path = dom_run_file(c, e[i].name, "live.xml");
        struct dom_def *live = dom_store_load_file(path, e[i].name, NULL);
        free(path);
        if (!live)
            continue;   /* stopped in between, or still being written */
        r = fn(e[i].name, live, arg);
        dom_def_free(live);
    }
    dom_list_free(e, n);
    return r;
}
