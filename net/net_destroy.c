/* net_destroy.c - stopping a network (see net_run.h): refuse while running
 * domains use it (unless forced), then stop dnsmasq, delete the nftables
 * table and the bridge, release ip_forward and clean the run dir. Every
 * step runs even if an earlier one failed; the first failure is reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmasq.h"
#include "log.h"
#include "net.h"
#include "net_rules.h"
#include "net_run.h"
#include "net_store.h"
#include "nft.h"
#include "nl_link.h"
#include "store.h"
#include "strbuf.h"

static int
check_users(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char **users = NULL;
    size_t n = 0;
    struct strbuf b = STRBUF_INIT;
    int r = -1;

    if (net_users(c, name, &users, &n, err) < 0)
        return -1;
    if (n == 0) {
        r = 0;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&b, "%s'%s'", i ? ", " : "", users[i]);
    lv_err_set(err, LV_E_BUSY, "network '%s': in use by running domain%s %s; "
               "stop %s or force the destroy", name, n > 1 ? "s" : "",
               strbuf_cstr(&b), n > 1 ? "them" : "it");
out:
    strbuf_free(&b);
    lv_store_names_free(users, n);
    return r;
}

/* Record the first failure in err, log the others. */
static void
keep_first(struct lv_err *err, const struct lv_err *e, int *failed)
{
    if (!*failed && err)
        *err = *e;
    else
        lv_log_warn("%s", e->msg);
    *failed = 1;
}

static void
teardown(const struct lv_conn *c, const struct net_def *def,
         struct lv_err *err, int *failed)
{
    struct lv_err e = LV_ERR_INIT;
    char *pid = net_run_file(c, def->name, "dnsmasq.pid");
    char *conf = net_run_file(c, def->name, "dnsmasq.conf");
    char table[256];

    if (dnsmasq_stop(def->name, pid, conf, &e) < 0)
        keep_first(err, &e, failed);
    if (net_run_forwards(def) &&
        net_rules_table(c, def, table, sizeof(table), &e) == 0 &&
        nft_remove(table, &e) < 0)
        keep_first(err, &e, failed);
    if (net_def_has_own_bridge(def) && net_def_bridge(def) &&
        nl_link_delete(net_def_bridge(def), &e) < 0)
        keep_first(err, &e, failed);
    if (net_run_forwards(def))
        net_run_forward_release(c, def->name);
    free(conf);
    free(pid);
}

int
net_destroy(const struct lv_conn *c, const char *name, int force,
            struct lv_err *err)
{
    struct net_def *def = NULL;
    char *lp = net_lock_path(c, name), *live = NULL;
    int fd = -1, gfd = -1, failed = 0, r = -1;

    if (!net_run_active(c, name)) {
        if (net_store_exists(c, name))
            lv_err_set(err, LV_E_STATE, "network '%s': not active", name);
        else
            lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                       name);
        goto out;
    }
    if ((fd = lv_store_lock(lp, 1, err)) < 0 ||
        (gfd = net_run_global_lock(c, err)) < 0 ||
        !(def = net_get_def(c, name, 0, err)))
        goto out;
    if (!force && check_users(c, name, err) < 0)
        goto out;
    teardown(c, def, err, &failed);
    if (failed) {
        lv_err_prefix(err, "network '%s': destroyed with errors: ", name);
    }
    /* inactive even if a step failed: what is left is logged above */
    live = net_run_file(c, name, "live.xml");
    (void)lv_store_remove(live, NULL);
    net_run_clean_dir(c, name);
    lv_log_debug("net %s: destroyed", name);
    r = failed ? -1 : 0;
out:
    if (gfd >= 0)
        lv_store_unlock(gfd);
    if (fd >= 0)
        lv_store_unlock(fd);
    net_def_free(def);
    free(live);
    free(lp);
    return r;
}
