/* host_bridge_move.h - the steps of host_bridge.c with their undo: a log of
 * netlink changes that can be played back in reverse, and the move of a
 * link's global addresses and its routes (main table, not the kernel's own)
 * to another link. Not for other modules. */
#ifndef LV_HOST_BRIDGE_MOVE_H
#define LV_HOST_BRIDGE_MOVE_H

#include <stddef.h>

#include "err.h"

struct nl_sock;
struct nl_object;

enum hb_undo_kind {
    HB_UNDO_DELETE_LINK,   /* arg: link name */
    HB_UNDO_RELEASE,       /* arg: ifindex of the port */
    HB_UNDO_ENSLAVE,       /* ifindex into master */
    HB_UNDO_ADDR_DEL,      /* obj: an rtnl_addr to delete */
    HB_UNDO_ADDR_ADD,      /* obj: an rtnl_addr to add back */
    HB_UNDO_ROUTE_DEL,     /* obj: an rtnl_route to delete */
    HB_UNDO_ROUTE_ADD,     /* obj: an rtnl_route to add back */
};

struct hb_undo {
    enum hb_undo_kind kind;
    struct nl_object *obj;
    char name[32];
    int ifindex, master;
};

struct hb_log {
    struct nl_sock *sk;
    struct hb_undo *v;
    size_t n, cap;
};

void hb_log_push(struct hb_log *log, const struct hb_undo *u);
/* Undo everything logged, newest first (failures logged, not fatal). */
void hb_log_rollback(struct hb_log *log);
/* Forget the log (the change stays). */
void hb_log_free(struct hb_log *log);

/* Move the global addresses of link from to link to (named to_name), and
 * the routes through from (main table; not the kernel's subnet routes)
 * through to. what ("bridge 'br0'") names the change in errors. Each step
 * is logged; on failure the caller rolls back. */
int hb_move_config(struct hb_log *log, int from, int to, const char *to_name,
                   const char *what, struct lv_err *err);

#endif
