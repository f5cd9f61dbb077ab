/* host_bridge.c - a host bridge over a NIC, made and removed with every
 * step undone on failure (see host_bridge.h). */
#include "host_bridge.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_bridge_move.h"
#include "names.h"
#include "nl_link.h"
#include "store.h"
#include "strbuf.h"
#include "test_hook.h"

static char *
record_dir(const struct lv_conn *c)
{
    return lv_asprintf("%s/bridges", c->run_dir);
}

static char *
record_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/bridges/%s", c->run_dir, name);
}

/* The NIC a bridge made here was made over, or NULL. */
static char *
record_nic(const struct lv_conn *c, const char *name)
{
    char *p = record_path(c, name), *nic = lv_store_read(p, NULL, NULL);

    free(p);
    if (nic)
        nic[strcspn(nic, "\n")] = '\0';
    return nic;
}

/* The NIC's ifindex, its MAC (mac, 18), whether it is a bridge or a port. */
static int
nic_facts(struct nl_sock *sk, const char *nic, int *ifindex, char mac[18],
          struct lv_err *err)
{
    int missing;
    struct rtnl_link *l = nl_link_get(sk, nic, &missing, err);
    const char *type;
    int ret = -1;

    if (!l) {
        if (missing)
            lv_err_set(err, LV_E_INVALID, "NIC '%s': no such network interface", nic);
        return -1;
    }
    type = rtnl_link_get_type(l);
    if (rtnl_link_get_master(l) > 0) {
        char m[IFNAMSIZ] = "?";
        if_indextoname((unsigned)rtnl_link_get_master(l), m);
        lv_err_set(err, LV_E_BUSY, "NIC '%s': already a port of '%s'", nic, m);
    } else if (type && (!strcmp(type, "bridge") || !strcmp(type, "bond"))) {
        lv_err_set(err, LV_E_INVALID, "NIC '%s': is a %s, not a NIC", nic, type);
    } else if (!rtnl_link_get_addr(l) || nl_addr_get_len(rtnl_link_get_addr(l)) != 6) {
        lv_err_set(err, LV_E_INVALID, "NIC '%s': not an Ethernet interface", nic);
    } else {
        nl_addr2str(rtnl_link_get_addr(l), mac, 18);
        *ifindex = rtnl_link_get_ifindex(l);
        ret = 0;
    }
    rtnl_link_put(l);
    return ret;
}

static int
write_record(const struct lv_conn *c, const char *name, const char *nic,
             struct lv_err *err)
{
    char *dir = record_dir(c), *p = record_path(c, name), *text = lv_asprintf("%s\n", nic);
    int r = lv_store_mkdir_private(dir, err) < 0 ? -1 :
            lv_store_write_atomic(p, text, strlen(text), 0600, err);

    free(text);
    free(p);
    free(dir);
    return r;
}

/* The steps of create after the checks; logged for the rollback. */
static int
build(struct lv_conn *c, struct hb_log *log, const struct host_bridge_opts *o,
      int nic, const char *mac, struct lv_err *err)
{
    struct nl_link_bridge_opts bo = { o->name, mac, 0, o->stp,
                                      o->delay >= 0 ? o->delay : o->stp ? 15 : 0 };
    char what[64];
    int missing, br;
    struct rtnl_link *l;

    snprintf(what, sizeof(what), "bridge '%s'", o->name);
    if (nl_link_bridge_add(&bo, err) < 0)
        return -1;
    hb_log_push(log, &(struct hb_undo){ HB_UNDO_DELETE_LINK, NULL, "", 0, 0 });
    snprintf(log->v[log->n - 1].name, sizeof(log->v[0].name), "%s", o->name);
    if (nl_link_set_up(o->name, 1, err) < 0 || lv_test_fail_at("bridge-up", err))
        return -1;
    if (!(l = nl_link_get(log->sk, o->name, &missing, err)))
        return -1;
    br = rtnl_link_get_ifindex(l);
    rtnl_link_put(l);
    {
        int e = rtnl_link_enslave_ifindex(log->sk, br, nic);
        if (e < 0) {
            lv_err_set(err, LV_E_SYSTEM, "%s: cannot make '%s' its port: %s", what,
                       o->nic, nl_geterror(e));
            return -1;
        }
    }
    hb_log_push(log, &(struct hb_undo){ HB_UNDO_RELEASE, NULL, "", nic, 0 });
    if (lv_test_fail_at("bridge-enslave", err) ||
        hb_move_config(log, nic, br, o->name, what, err) < 0 ||
        lv_test_fail_at("bridge-moved", err))
        return -1;
    return write_record(c, o->name, o->nic, err);
}

int
host_bridge_create(struct lv_conn *c, const struct host_bridge_opts *o,
                   struct lv_err *err)
{
    struct hb_log log = { 0 };
    char mac[18];
    int nic, exists, ret = -1;

    if (lv_name_check("bridge", o->name, err) < 0)
        return -1;
    if (strlen(o->name) >= IFNAMSIZ || strchr(o->name, ' ')) {
        lv_err_set(err, LV_E_INVALID, "bridge '%s': invalid interface name", o->name);
        return -1;
    }
    if ((exists = nl_link_exists(o->name, err)) != 0) {
        if (exists > 0)
            lv_err_set(err, LV_E_EXISTS, "bridge '%s': a network interface of that "
                       "name exists", o->name);
        return -1;
    }
    if (!(log.sk = nl_link_sock(err)))
        return -1;
    if (nic_facts(log.sk, o->nic, &nic, mac, err) < 0)
        goto out;
    if (build(c, &log, o, nic, mac, err) < 0) {
        lv_err_prefix(err, "bridge '%s' over '%s': undone: ", o->name, o->nic);
        hb_log_rollback(&log);
        goto out;
    }
    ret = 0;
out:
    hb_log_free(&log);
    nl_socket_free(log.sk);
    return ret;
}

/* The one port of bridge br (ifindex), checked to be nic when given. */
static int
port_of(struct nl_sock *sk, int br, const char *name, const char *nic, int *port,
        struct lv_err *err)
{
    struct nl_cache *cache = NULL;
    int e = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache), n = 0;

    if (e < 0) {
        lv_err_set(err, LV_E_SYSTEM, "bridge '%s': cannot list links: %s", name,
                   nl_geterror(e));
        return -1;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *l = (struct rtnl_link *)o;
        if (rtnl_link_get_master(l) != br)
            continue;
        if (!nic || !strcmp(rtnl_link_get_name(l), nic)) {
            *port = rtnl_link_get_ifindex(l);
            n++;
        }
    }
    nl_cache_free(cache);
    if (n != 1) {
        lv_err_set(err, LV_E_INVALID, "bridge '%s': %s", name, nic ?
                   "its NIC is no longer its port" : "has more or fewer ports than one");
        return -1;
    }
    return 0;
}

int
host_bridge_remove(struct lv_conn *c, const char *name, int force,
                   struct lv_err *err)
{
    struct hb_log log = { 0 };
    char *nic = record_nic(c, name), *p = NULL, what[64], port_name[IFNAMSIZ] = "";
    struct rtnl_link *l = NULL;
    int missing, br, port, ret = -1;

    snprintf(what, sizeof(what), "bridge '%s'", name);
    if (!nic && !force) {
        lv_err_set(err, LV_E_INVALID, "bridge '%s': not made by luavirt bridge "
                   "--create (use --force to take it apart anyway)", name);
        return -1;
    }
    if (!(log.sk = nl_link_sock(err)))
        goto out;
    if (!(l = nl_link_get(log.sk, name, &missing, err))) {
        if (missing)
            lv_err_set(err, LV_E_INVALID, "bridge '%s': no such network interface", name);
        goto out;
    }
    br = rtnl_link_get_ifindex(l);
    if (port_of(log.sk, br, name, nic, &port, err) < 0)
        goto out;
    if_indextoname((unsigned)port, port_name);
    if (hb_move_config(&log, br, port, port_name, what, err) < 0 ||
        lv_test_fail_at("unbridge-moved", err)) {
        lv_err_prefix(err, "bridge '%s': undone: ", name);
        hb_log_rollback(&log);
        goto out;
    }
    {
        int e = rtnl_link_release_ifindex(log.sk, port);
        if (e < 0) {
            lv_err_set(err, LV_E_SYSTEM, "bridge '%s': cannot release '%s': %s", name,
                       port_name, nl_geterror(e));
            hb_log_rollback(&log);
            goto out;
        }
    }
    if (nl_link_delete(name, err) < 0)
        goto out;
    p = record_path(c, name);
    unlink(p);
    ret = 0;
out:
    hb_log_free(&log);
    rtnl_link_put(l);
    nl_socket_free(log.sk);
    free(nic);
    free(p);
    return ret;
}

int
host_bridge_list(struct lv_conn *c, char ***names, char ***nics, size_t *n,
                 struct lv_err *err)
{
    char *dir = record_dir(c);
    DIR *d = opendir(dir);
    struct dirent *e;

    *names = *nics = NULL;
    *n = 0;
    if (!d) {
        int r = errno == ENOENT ? 0 : -1;
        if (r < 0)
            lv_err_sys(err, "bridges: cannot read '%s'", dir);
        free(dir);
        return r;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp."))
            continue;
        *names = lv_realloc(*names, (*n + 1) * sizeof(char *));
        *nics = lv_realloc(*nics, (*n + 1) * sizeof(char *));
        (*names)[*n] = lv_strdup(e->d_name);
        (*nics)[*n] = record_nic(c, e->d_name);
        if (!(*nics)[*n])
            (*nics)[*n] = lv_strdup("?");
        (*n)++;
    }
    closedir(d);
    free(dir);
    return 0;
}
