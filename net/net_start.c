/* net_start.c - starting a network (see net_run.h): check its subnets and
 * bridge name, create and address the bridge, load its nftables table,
 * enable ip_forward, start dnsmasq, then write live.xml, which makes it
 * active. Each step done is recorded so a failure undoes them all. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "dnsmasq.h"
#include "dnsmasq_conf.h"
#include "log.h"
#include "net_portfwd.h"
#include "net_rules.h"
#include "net_run.h"
#include "net_store.h"
#include "net_xml.h"
#include "nft.h"
#include "nl_link.h"
#include "store.h"
#include "strbuf.h"

#define FORWARD_PATH "/proc/sys/net/ipv4/ip_forward"

struct start {
    const struct lv_conn *c;
    struct net_def *def;
    char *dir;
    int made_dir;
    int made_bridge;
    int nft;
    int fwd;
    int dnsmasq;
    char table[256];
};

int
net_run_forwards(const struct net_def *def)
{
    return def->forward.mode == NET_FWD_NAT ||
           def->forward.mode == NET_FWD_ROUTE;
}

static int
forward_read(void)
{
    char buf[8] = "";
    int fd = open(FORWARD_PATH, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    return n > 0 ? buf[0] == '1' : -1;
}

static int
forward_write(int on, struct lv_err *err)
{
    int fd = open(FORWARD_PATH, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || write(fd, on ? "1\n" : "0\n", 2) != 2) {
        lv_err_sys(err, "cannot set %s", FORWARD_PATH);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (close(fd) < 0) {
        lv_err_sys(err, "cannot set %s", FORWARD_PATH);
        return -1;
    }
    return 0;
}

static char *
forward_marker(const struct lv_conn *c)
{
    return lv_asprintf("%s/network/ip_forward.set", c->run_dir);
}

int
net_run_forward_enable(const struct lv_conn *c, struct lv_err *err)
{
    char *m;
    int r = 0;

    if (forward_read() == 1)
        return 0;
    m = forward_marker(c);
    if (forward_write(1, err) < 0 ||
        lv_store_write_atomic(m, "1\n", 2, 0644, err) < 0)
        r = -1;
    free(m);
    return r;
}

void
net_run_forward_release(const struct lv_conn *c, const char *leaving)
{
    char **names = NULL, *m = forward_marker(c);
    size_t n = 0;
    int others = 0;

    if (access(m, F_OK) != 0 ||
        net_list(c, NET_LIST_ACTIVE, &names, &n, NULL) < 0)
        goto out;
    for (size_t i = 0; i < n && !others; i++) {
        struct net_def *d;
        if (strcmp(names[i], leaving) == 0)
            continue;
        d = net_get_def(c, names[i], 0, NULL);
        others = d && net_run_forwards(d);
        net_def_free(d);
    }
    if (!others && forward_write(0, NULL) == 0)
        (void)lv_store_remove(m, NULL);
out:
    lv_store_names_free(names, n);
    free(m);
}

static int
check_active_overlap(struct start *s, struct lv_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int r = -1;

    if (net_list(s->c, NET_LIST_ACTIVE, &names, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct net_def *o = net_get_def(s->c, names[i], 0, NULL);
        const char *b = o ? net_def_bridge(o) : NULL;
        const char *mine = net_def_bridge(s->def);
        if (o && net_def_subnets_overlap(s->def, o)) {
            lv_err_set(err, LV_E_BUSY, "network '%s': subnet overlaps "
                       "active network '%s' (%s)", s->def->name, o->name,
                       b ? b : "no bridge");
            net_def_free(o);
            goto out;
        }
        if (o && b && mine && strcmp(b, mine) == 0) {
            lv_err_set(err, LV_E_EXISTS, "network '%s': bridge name '%s' is "
                       "in use by active network '%s'", s->def->name, b,
                       o->name);
            net_def_free(o);
            goto out;
        }
        net_def_free(o);
    }
    r = 0;
out:
    lv_store_names_free(names, n);
    return r;
}

static int
check_routes(struct start *s, struct lv_err *err)
{
    for (size_t i = 0; i < s->def->n_ips; i++) {
        const struct net_ip *ip = &s->def->ips[i];
        int fam = ip->family == NET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
        int prefix = net_ip_prefix(ip);
        char dev[64], net[64];
        int hit;

        if (!ip->address || prefix < 0)
            continue;
        hit = nl_link_route_overlap(fam, ip->address, prefix, NULL, dev,
                                    sizeof(dev), err);
        if (hit < 0)
            return -1;
        if (hit) {
            net_rules_subnet(fam, ip->address, prefix, net, sizeof(net));
            lv_err_set(err, LV_E_BUSY, "network '%s': subnet %s/%d is "
                       "already in use by interface %s", s->def->name, net,
                       prefix, dev);
            return -1;
        }
    }
    return 0;
}

static int
make_bridge(struct start *s, struct lv_err *err)
{
    const struct net_def *d = s->def;
    struct nl_link_bridge_opts o = {
        .name = net_def_bridge(d),
        .mac = d->mac,
        .mtu = (int)d->mtu,
        .stp = d->bridge.stp != LV_TRI_OFF,
        .delay = d->bridge.delay > 0 ? (int)d->bridge.delay : 0,
    };

    if (nl_link_bridge_add(&o, err) < 0)
        return -1;
    s->made_bridge = 1;
    for (size_t i = 0; i < d->n_ips; i++) {
        const struct net_ip *ip = &d->ips[i];
        int fam = ip->family == NET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
        if (ip->address && nl_link_addr_add(o.name, fam, ip->address,
                                            net_ip_prefix(ip), err) < 0)
            return -1;
    }
    return nl_link_set_up(o.name, 1, err);
}

/* The nftables table, with the persistent port forwards (net_portfwd.c). */
static int
load_rules(struct start *s, struct lv_err *err)
{
    struct nft_portfwd *fwds = NULL;
    size_t n = 0;
    char *path = NULL;
    int r = -1;

    if (net_rules_table(s->c, s->def, s->table, sizeof(s->table), err) < 0)
        return -1;
    path = net_run_file(s->c, s->def->name, "nft.rules");
    if (lv_store_write_atomic(path, "", 0, 0600, err) < 0 ||
        net_portfwd_restore(s->c, s->def, &fwds, &n, err) < 0)
        goto out;
    s->nft = 1;               /* nft -f may fail half way: always clean */
    r = net_rules_apply(s->c, s->def, fwds, n, err);
out:
    free(fwds);
    free(path);
    return r;
}

static int
run_dnsmasq(struct start *s, struct lv_err *err)
{
    struct dnsmasq_conf_opts o;
    char *conf = NULL, *conf_path = NULL;
    int r = -1;

    net_run_dnsmasq_opts(s->c, s->def, &o);
    if (!(conf = dnsmasq_conf_build(s->def, &o, err)))
        goto out;
    conf_path = lv_asprintf("%s/dnsmasq.conf", s->dir);
    if (net_run_write_hosts(s->c, s->def, err) < 0 ||
        lv_store_write_atomic(conf_path, conf, strlen(conf), 0644, err) < 0)
        goto out;
    s->dnsmasq = 1;
    r = dnsmasq_start(s->def->name, conf_path, o.pid_file, err);
out:
    free(conf_path);
    free(conf);
    net_run_dnsmasq_opts_free(&o);
    return r;
}

static void
undo(struct start *s)
{
    struct lv_err e = LV_ERR_INIT;

    if (s->dnsmasq) {
        char *pid = lv_asprintf("%s/dnsmasq.pid", s->dir);
        char *conf = lv_asprintf("%s/dnsmasq.conf", s->dir);
        (void)dnsmasq_stop(s->def->name, pid, conf, &e);
        free(conf);
        free(pid);
    }
    if (s->nft && nft_remove(s->table, &e) < 0)
        lv_log_warn("net %s: %s", s->def->name, e.msg);
    if (s->fwd)
        net_run_forward_release(s->c, s->def->name);
    if (s->made_bridge && nl_link_delete(net_def_bridge(s->def), &e) < 0)
        lv_log_warn("net %s: %s", s->def->name, e.msg);
}

static int
check_mode(const struct net_def *d, struct lv_err *err)
{
    switch (d->forward.mode) {
    case NET_FWD_NONE: case NET_FWD_NAT: case NET_FWD_ROUTE:
    case NET_FWD_OPEN: case NET_FWD_BRIDGE:
        return 0;
    default:
        lv_err_set(err, LV_E_UNSUPPORTED, "network '%s': forward mode '%s' "
                   "is not supported", d->name,
                   net_forward_mode_to_str(d->forward.mode));
        return -1;
    }
}

/* Host bridge networks only check that the bridge is there. */
static int
start_host_bridge(struct start *s, struct lv_err *err)
{
    const char *b = net_def_bridge(s->def);
    int e = b ? nl_link_exists(b, err) : 0;

    if (e < 0)
        return -1;
    if (!e) {
        lv_err_set(err, LV_E_INVALID, "network '%s': host bridge '%s' does "
                   "not exist", s->def->name, b ? b : "");
        return -1;
    }
    return 0;
}

static int
start_steps(struct start *s, struct lv_err *err)
{
    if (check_mode(s->def, err) < 0)
        return -1;
    if (!net_def_has_own_bridge(s->def))
        return start_host_bridge(s, err);
    if (!net_def_bridge(s->def)) {
        lv_err_set(err, LV_E_INVALID, "network '%s': no bridge name",
                   s->def->name);
        return -1;
    }
    if (check_active_overlap(s, err) < 0 || check_routes(s, err) < 0)
        return -1;
    if (make_bridge(s, err) < 0) {
        lv_err_prefix(err, "network '%s': ", s->def->name);
        return -1;
    }
    if (net_run_forwards(s->def)) {
        if (load_rules(s, err) < 0)
            return -1;
        s->fwd = 1;
        if (net_run_forward_enable(s->c, err) < 0)
            return -1;
    }
    if (s->def->n_ips > 0 && run_dnsmasq(s, err) < 0)
        return -1;
    return 0;
}

/* Start def (taken over? no: borrowed, may get its bridge filled in). */
static int
start_def(const struct lv_conn *c, struct net_def *def, struct lv_err *err)
{
    struct start s = { .c = c, .def = def };
    int gfd = -1, r = -1;

    if (net_run_active(c, def->name)) {
        lv_err_set(err, LV_E_STATE, "network '%s': already active", def->name);
        return -1;
    }
    if ((gfd = net_run_global_lock(c, err)) < 0)
        return -1;
    s.dir = net_run_dir(c, def->name);
    if (lv_store_mkdir_private(s.dir, err) < 0)
        goto out;
    if (start_steps(&s, err) < 0 || net_run_save_live(c, def, err) < 0) {
        undo(&s);
        net_run_clean_dir(c, def->name);
        goto out;
    }
    lv_log_debug("net %s: started on %s", def->name,
                 net_def_bridge(def) ? net_def_bridge(def) : "-");
    r = 0;
out:
    free(s.dir);
    lv_store_unlock(gfd);
    return r;
}

static int
lock_name(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    char *p = net_lock_path(c, name);
    int fd = lv_store_lock(p, 1, err);
    free(p);
    return fd;
}

int
net_start(const struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct net_def *def = NULL;
    int fd = -1, r = -1;

    if (!net_store_exists(c, name)) {
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                   name);
        return -1;
    }
    if ((fd = lock_name(c, name, err)) < 0 ||
        !(def = net_store_load(c, name, err)))
        goto out;
    r = start_def(c, def, err);
out:
    net_def_free(def);
    if (fd >= 0)
        lv_store_unlock(fd);
    return r;
}

int
net_create(const struct lv_conn *c, const char *xml, size_t len, char **name,
           struct lv_err *err)
{
    struct net_def *def = net_def_parse_xml(xml, len, NULL, 0, err);
    int fd = -1, r = -1;

    if (!def)
        return -1;
    if (net_run_prepare_def(c, def, err) < 0 ||
        (fd = lock_name(c, def->name, err)) < 0 ||
        start_def(c, def, err) < 0)
        goto out;
    *name = lv_strdup(def->name);
    r = 0;
out:
    if (fd >= 0)
        lv_store_unlock(fd);
    net_def_free(def);
    return r;
}
