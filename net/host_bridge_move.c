/* host_bridge_move.c - logged netlink steps and the move of addresses and
 * routes from one link to another (see host_bridge_move.h). */
#include "host_bridge_move.h"

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nl_link.h"
#include "strbuf.h"
#include "test_hook.h"

void
hb_log_push(struct hb_log *log, const struct hb_undo *u)
{
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 16;
        log->v = lv_realloc(log->v, log->cap * sizeof(*log->v));
    }
    log->v[log->n++] = *u;
}

static int
undo_one(struct nl_sock *sk, const struct hb_undo *u)
{
    struct lv_err err = LV_ERR_INIT;

    switch (u->kind) {
    case HB_UNDO_DELETE_LINK:
        return nl_link_delete(u->name, &err);
    case HB_UNDO_RELEASE:
        return rtnl_link_release_ifindex(sk, u->ifindex);
    case HB_UNDO_ENSLAVE:
        return rtnl_link_enslave_ifindex(sk, u->master, u->ifindex);
    case HB_UNDO_ADDR_DEL:
        return rtnl_addr_delete(sk, (struct rtnl_addr *)u->obj, 0);
    case HB_UNDO_ADDR_ADD:
        return rtnl_addr_add(sk, (struct rtnl_addr *)u->obj, 0);
    case HB_UNDO_ROUTE_DEL:
        return rtnl_route_delete(sk, (struct rtnl_route *)u->obj, 0);
    case HB_UNDO_ROUTE_ADD:
        return rtnl_route_add(sk, (struct rtnl_route *)u->obj, NLM_F_EXCL);
    }
    return 0;
}

void
hb_log_rollback(struct hb_log *log)
{
    for (size_t i = log->n; i-- > 0;) {
        int r = undo_one(log->sk, &log->v[i]);
        if (r < 0)
            lv_log_warn("bridge: undo step %zu (kind %d) failed: %s", i,
                        (int)log->v[i].kind, nl_geterror(r));
    }
    hb_log_free(log);
}

void
hb_log_free(struct hb_log *log)
{
    for (size_t i = 0; i < log->n; i++)
        if (log->v[i].obj)
            nl_object_put(log->v[i].obj);
    free(log->v);
    log->v = NULL;
    log->n = log->cap = 0;
}

static int
nl_fail(struct lv_err *err, const char *what, const char *step, int e)
{
    lv_err_set(err, LV_E_SYSTEM, "%s: cannot %s: %s", what, step, nl_geterror(e));
    return -1;
}

/* The link's global addresses (clones, caller puts them). */
static int
addrs_of(struct nl_sock *sk, int ifindex, struct nl_object ***out, size_t *n,
         struct lv_err *err)
{
    struct nl_cache *cache = NULL;
    int e = rtnl_addr_alloc_cache(sk, &cache);

    *out = NULL;
    *n = 0;
    if (e < 0)
        return nl_fail(err, "addresses", "list them", e);
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_addr *a = (struct rtnl_addr *)o;
        if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE)
            continue;
        *out = lv_realloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = nl_object_clone(o);
    }
    nl_cache_free(cache);
    return 0;
}

/* The routes of the main table through ifindex that someone made (not the
 * kernel's own subnet and link-local routes), as clones. */
static int
routes_of(struct nl_sock *sk, int ifindex, struct nl_object ***out, size_t *n,
          struct lv_err *err)
{
    struct nl_cache *cache = NULL;
    int e = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);

    *out = NULL;
    *n = 0;
    if (e < 0)
        return nl_fail(err, "routes", "list them", e);
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_route *r = (struct rtnl_route *)o;
        struct rtnl_nexthop *nh;
        if (rtnl_route_get_table(r) != RT_TABLE_MAIN ||
            rtnl_route_get_protocol(r) == RTPROT_KERNEL ||
            rtnl_route_get_type(r) != RTN_UNICAST || rtnl_route_get_nnexthops(r) != 1)
            continue;
        nh = rtnl_route_nexthop_n(r, 0);
        if (!nh || rtnl_route_nh_get_ifindex(nh) != ifindex)
            continue;
        *out = lv_realloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = nl_object_clone(o);
    }
    nl_cache_free(cache);
    return 0;
}

static void
put_all(struct nl_object **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i])
            nl_object_put(v[i]);
    free(v);
}

/* Add a copy of each address to link to; logged. */
static int
add_addrs(struct hb_log *log, struct nl_object **v, size_t n, int to,
          const char *to_name, const char *what, struct lv_err *err)
{
    for (size_t i = 0; i < n; i++) {
        struct rtnl_addr *a = (struct rtnl_addr *)nl_object_clone(v[i]);
        int e;
        rtnl_addr_set_ifindex(a, to);
        if (rtnl_addr_get_family(a) == AF_INET)
            rtnl_addr_set_label(a, to_name);
        e = rtnl_addr_add(log->sk, a, 0);
        if (e < 0 || lv_test_fail_at("bridge-addr-add", err)) {
            if (e >= 0)
                hb_log_push(log, &(struct hb_undo){ HB_UNDO_ADDR_DEL, (struct nl_object *)a,
                                                   "", 0, 0 });
            else
                nl_object_put((struct nl_object *)a);
            return e < 0 ? nl_fail(err, what, "add an address", e) : -1;
        }
        hb_log_push(log, &(struct hb_undo){ HB_UNDO_ADDR_DEL, (struct nl_object *)a,
                                           "", 0, 0 });
    }
    return 0;
}

/* Each route leaves link from and goes through link to; logged. */
static int
move_routes(struct hb_log *log, struct nl_object **v, size_t n, int to,
            const char *what, struct lv_err *err)
{
    for (size_t i = 0; i < n; i++) {
        struct rtnl_route *r = (struct rtnl_route *)nl_object_clone(v[i]);
        int e = rtnl_route_delete(log->sk, (struct rtnl_route *)v[i], 0);
        if (e < 0) {
            nl_object_put((struct nl_object *)r);
            return nl_fail(err, what, "take a route off the NIC", e);
        }
        nl_object_get(v[i]);
        hb_log_push(log, &(struct hb_undo){ HB_UNDO_ROUTE_ADD, v[i], "", 0, 0 });
        rtnl_route_nh_set_ifindex(rtnl_route_nexthop_n(r, 0), to);
        e = rtnl_route_add(log->sk, r, NLM_F_EXCL);
        if (e < 0 || lv_test_fail_at("bridge-route-add", err)) {
            if (e >= 0)
                hb_log_push(log, &(struct hb_undo){ HB_UNDO_ROUTE_DEL,
                                                   (struct nl_object *)r, "", 0, 0 });
            else
                nl_object_put((struct nl_object *)r);
            return e < 0 ? nl_fail(err, what, "add a route", e) : -1;
        }
        hb_log_push(log, &(struct hb_undo){ HB_UNDO_ROUTE_DEL, (struct nl_object *)r,
                                           "", 0, 0 });
    }
    return 0;
}

/* The addresses leave link from; logged. */
static int
del_addrs(struct hb_log *log, struct nl_object **v, size_t n, const char *what,
          struct lv_err *err)
{
    for (size_t i = 0; i < n; i++) {
        int e = rtnl_addr_delete(log->sk, (struct rtnl_addr *)v[i], 0);
        if (e < 0)
            return nl_fail(err, what, "take an address off the NIC", e);
        nl_object_get(v[i]);
        hb_log_push(log, &(struct hb_undo){ HB_UNDO_ADDR_ADD, v[i], "", 0, 0 });
        if (lv_test_fail_at("bridge-addr-del", err))
            return -1;
    }
    return 0;
}

int
hb_move_config(struct hb_log *log, int from, int to, const char *to_name,
               const char *what, struct lv_err *err)
{
    struct nl_object **addrs = NULL, **routes = NULL;
    size_t na = 0, nr = 0;
    int ret = -1;

    /* the routes first, while the addresses that make their gateways
     * reachable are still there; then the addresses go */
    if (addrs_of(log->sk, from, &addrs, &na, err) < 0 ||
        routes_of(log->sk, from, &routes, &nr, err) < 0 ||
        add_addrs(log, addrs, na, to, to_name, what, err) < 0 ||
        move_routes(log, routes, nr, to, what, err) < 0 ||
        del_addrs(log, addrs, na, what, err) < 0)
        goto out;
    ret = 0;
out:
    put_all(addrs, na);
    put_all(routes, nr);
    return ret;
}
