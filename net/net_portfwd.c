/* net_portfwd.c - port forwarding to guests (see net_portfwd.h): the
 * forwards files, the checks (forwarding mode, guest address in the subnet,
 * host port free), and add/remove under the network's lock, which reload
 * the network's nftables table (net_rules.c) before saving the files, and
 * put the old table back when a later step fails. */
#include "net_portfwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "net_rules.h"
#include "net_run.h"
#include "net_store.h"
#include "store.h"
#include "strbuf.h"

struct fwd_list {
    struct nft_portfwd *v;
    size_t n;
};

static void
uuid_hex(const struct net_def *def, char out[33])
{
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", def->uuid[i]);
}

char *
net_portfwd_format(const struct nft_portfwd *f, size_t n,
                   const char *uuid_hex_s)
{
    struct strbuf b = STRBUF_INIT;

    strbuf_adds(&b, "# luavirt port forwards: proto host-port guest-ip "
                    "guest-port\n");
    strbuf_addf(&b, "uuid %s\n", uuid_hex_s);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&b, "%s %d %s %d\n", nft_proto_to_str(f[i].proto),
                    f[i].host_port, f[i].guest_ip, f[i].guest_port);
    return strbuf_steal(&b);
}

static int
parse_line(const char *line, struct nft_portfwd *f)
{
    char proto[8], ip[64];
    struct in_addr a;
    int hp, gp, end = 0;

    if (sscanf(line, "%7s %d %63s %d %n", proto, &hp, ip, &gp, &end) != 4 ||
        line[end] != '\0' || nft_proto_from_str(proto) < 0 ||
        hp < 1 || hp > 65535 || gp < 1 || gp > 65535 ||
        strlen(ip) >= sizeof(f->guest_ip) || inet_pton(AF_INET, ip, &a) != 1)
        return -1;
    f->proto = (enum nft_proto)nft_proto_from_str(proto);
    f->host_port = hp;
    f->guest_port = gp;
    strcpy(f->guest_ip, ip);
    return 0;
}

int
net_portfwd_parse(const char *text, char uuid_hex_s[33],
                  struct nft_portfwd **out, size_t *n, struct lv_err *err)
{
    struct fwd_list l = { NULL, 0 };
    char *copy = lv_strdup(text), *save = NULL;
    int lineno = 0, r = -1;

    uuid_hex_s[0] = '\0';
    for (char *s = strtok_r(copy, "\n", &save); s;
         s = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (s[0] == '#' || s[0] == '\0')
            continue;
        if (strncmp(s, "uuid ", 5) == 0 && strlen(s + 5) == 32) {
            memcpy(uuid_hex_s, s + 5, 33);
            continue;
        }
        l.v = realloc(l.v, (l.n + 1) * sizeof(*l.v));
        if (!l.v)
            abort();
        if (parse_line(s, &l.v[l.n]) < 0) {
            lv_err_set(err, LV_E_INVALID, "port forwards line %d: bad "
                       "forward '%s'", lineno, s);
            goto out;
        }
        l.n++;
    }
    *out = l.v;
    *n = l.n;
    l.v = NULL;
    r = 0;
out:
    free(l.v);
    free(copy);
    return r;
}

static char *
config_path(const struct lv_conn *c, const char *name)
{
    return lv_asprintf("%s/network/%s.portfwd", c->lib_dir, name);
}

/* Load a forwards file; a missing one, or one written for another network
 * of the same name (uuid differs, when want_uuid is given), is empty. */
static int
load_file(const char *path, const char *want_uuid, struct fwd_list *l,
          struct lv_err *err)
{
    struct lv_err e = LV_ERR_INIT;
    char uuid[33], *text = lv_store_read(path, NULL, &e);
    int r;

    l->v = NULL;
    l->n = 0;
    if (!text) {
        if (e.errnum == ENOENT)
            return 0;
        if (err)
            *err = e;
        return -1;
    }
    r = net_portfwd_parse(text, uuid, &l->v, &l->n, err);
    free(text);
    if (r == 0 && want_uuid && strcmp(uuid, want_uuid) != 0) {
        lv_log_debug("net: %s: stale port forwards of another uuid", path);
        free(l->v);
        l->v = NULL;
        l->n = 0;
    }
    return r;
}

static int
save_file(const char *path, const struct fwd_list *l, const char *uuid,
          struct lv_err *err)
{
    char *text;
    int r;

    if (l->n == 0)
        return lv_store_remove(path, err);
    text = net_portfwd_format(l->v, l->n, uuid);
    r = lv_store_write_atomic(path, text, strlen(text), 0644, err);
    free(text);
    return r;
}

/* Does f fit def: a forwarding network, guest_ip a host of its subnet? */
static int
fwd_check(const struct net_def *def, const struct nft_portfwd *f,
          struct lv_err *err)
{
    int prefix = 0;
    const struct net_ip *ip4 = net_def_ipv4(def, NULL, &prefix);
    char net[64] = "";
    struct in_addr a, bcast;

    if (!net_run_forwards(def)) {
        lv_err_set(err, LV_E_INVALID, "network '%s': port forwarding needs "
                   "forward mode 'nat' or 'route', not '%s'", def->name,
                   def->forward.mode == NET_FWD_NONE ? "isolated" :
                   net_forward_mode_to_str(def->forward.mode));
        return -1;
    }
    if (inet_pton(AF_INET, f->guest_ip, &a) != 1) {
        lv_err_set(err, LV_E_INVALID, "network '%s': guest address '%s' is "
                   "not an IPv4 address", def->name, f->guest_ip);
        return -1;
    }
    if (ip4)
        net_rules_subnet(AF_INET, ip4->address, prefix, net, sizeof(net));
    bcast.s_addr = htonl(ntohl(a.s_addr) | (prefix >= 32 ? 0 :
                                            0xffffffffu >> prefix));
    if (!ip4 || !net_ip_contains(ip4, f->guest_ip) ||
        strcmp(f->guest_ip, net) == 0 || strcmp(f->guest_ip,
                                                ip4->address) == 0 ||
        bcast.s_addr == a.s_addr) {
        lv_err_set(err, LV_E_INVALID, "network '%s': guest address '%s' is "
                   "not a guest address of subnet %s/%d", def->name,
                   f->guest_ip, ip4 ? net : "(none)", prefix);
        return -1;
    }
    return 0;
}

static const struct nft_portfwd *
find_port(const struct fwd_list *l, const struct nft_portfwd *f)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].proto == f->proto && l->v[i].host_port == f->host_port)
            return &l->v[i];
    return NULL;
}

/* Is a host socket on f's port: a TCP listener, or any bound UDP socket
 * (/proc/net/{tcp,tcp6,udp,udp6})? A DNAT rule would hide it. */
static int
host_port_busy(const struct nft_portfwd *f)
{
    static const char *const tcp[] = { "/proc/net/tcp", "/proc/net/tcp6" };
    static const char *const udp[] = { "/proc/net/udp", "/proc/net/udp6" };
    const char *const *files = f->proto == NFT_TCP ? tcp : udp;
    char line[512];
    int busy = 0;

    for (int i = 0; i < 2 && !busy; i++) {
        FILE *fp = fopen(files[i], "re");
        if (!fp)
            continue;
        while (!busy && fgets(line, sizeof(line), fp)) {
            unsigned port, st;
            if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
                       &port, &st) != 2)
                continue;
            busy = (int)port == f->host_port &&
                   (f->proto == NFT_UDP || st == 0x0a);
        }
        fclose(fp);
    }
    return busy;
}

/* Is f's host port forwarded by another active network? */
static int
other_net_has(const struct lv_conn *c, const char *name,
              const struct nft_portfwd *f, struct lv_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int r = 0;

    if (net_list(c, NET_LIST_ACTIVE, &names, &n, NULL) < 0)
        return 0;
    for (size_t i = 0; i < n && !r; i++) {
        struct fwd_list l;
        char *p;
        if (strcmp(names[i], name) == 0)
            continue;
        p = net_run_file(c, names[i], "portfwd");
        if (load_file(p, NULL, &l, NULL) == 0 && find_port(&l, f)) {
            lv_err_set(err, LV_E_EXISTS, "network '%s': %s port %d is "
                       "already forwarded by network '%s'", name,
                       nft_proto_to_str(f->proto), f->host_port, names[i]);
            r = 1;
        }
        free(l.v);
        free(p);
    }
    lv_store_names_free(names, n);
    return r;
}

static int
list_add(const struct net_def *def, struct fwd_list *l,
         const struct nft_portfwd *f, struct lv_err *err)
{
    const struct nft_portfwd *old;

    if (fwd_check(def, f, err) < 0)
        return -1;
    if ((old = find_port(l, f))) {
        lv_err_set(err, LV_E_EXISTS, "network '%s': %s port %d is already "
                   "forwarded to %s:%d", def->name, nft_proto_to_str(f->proto),
                   f->host_port, old->guest_ip, old->guest_port);
        return -1;
    }
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    if (!l->v)
        abort();
    l->v[l->n++] = *f;
    return 0;
}

static int
list_remove(const struct net_def *def, struct fwd_list *l,
            const struct nft_portfwd *f, struct lv_err *err)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct nft_portfwd *x = &l->v[i];
        if (x->proto != f->proto || x->host_port != f->host_port ||
            (f->guest_ip[0] && strcmp(x->guest_ip, f->guest_ip) != 0) ||
            (f->guest_port > 0 && x->guest_port != f->guest_port))
            continue;
        memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
        l->n--;
        return 0;
    }
    lv_err_set(err, LV_E_INVALID, "network '%s': no %s port forward from "
               "host port %d%s%s", def->name, nft_proto_to_str(f->proto),
               f->host_port, f->guest_ip[0] ? " to " : "", f->guest_ip);
    return -1;
}

/* One side (live or config) of a change: its definition, old and new
 * lists, and where they are saved. */
struct side {
    struct net_def *def;
    struct fwd_list old, new;
    char *path;
    char uuid[33];
};

static void
side_free(struct side *s)
{
    net_def_free(s->def);
    free(s->old.v);
    free(s->new.v);
    free(s->path);
}

static int
side_load(const struct lv_conn *c, const char *name, int config,
          struct side *s, struct lv_err *err)
{
    int active = net_run_active(c, name), persistent = net_store_exists(c, name);

    if (!active && !persistent) {
        lv_err_set(err, LV_E_NO_NETWORK, "network '%s': no such network",
                   name);
        return -1;
    }
    if (!config && !active) {
        lv_err_set(err, LV_E_STATE, "network '%s': not active", name);
        return -1;
    }
    if (config && !persistent) {
        lv_err_set(err, LV_E_STATE, "network '%s': transient network has "
                   "no persistent config", name);
        return -1;
    }
    if (!(s->def = net_get_def(c, name, config, err)))
        return -1;
    uuid_hex(s->def, s->uuid);
    s->path = config ? config_path(c, name) : net_run_file(c, name, "portfwd");
    if (load_file(s->path, config ? s->uuid : NULL, &s->old, err) < 0)
        return -1;
    s->new.v = lv_malloc((s->old.n + 1) * sizeof(*s->new.v));
    if (s->old.n > 0)
        memcpy(s->new.v, s->old.v, s->old.n * sizeof(*s->new.v));
    s->new.n = s->old.n;
    return 0;
}

static int
side_edit(struct side *s, int add, const struct nft_portfwd *f,
          struct lv_err *err)
{
    return add ? list_add(s->def, &s->new, f, err)
               : list_remove(s->def, &s->new, f, err);
}

/* Load the live table and file for s->new; on failure the old table is
 * back (nft -f is one transaction, so a failed load changes nothing). */
static int
live_commit(const struct lv_conn *c, struct side *s, struct lv_err *err)
{
    struct lv_err e = LV_ERR_INIT;

    if (net_rules_apply(c, s->def, s->new.v, s->new.n, err) < 0)
        return -1;
    if (save_file(s->path, &s->new, s->uuid, err) == 0)
        return 0;
    if (net_rules_apply(c, s->def, s->old.v, s->old.n, &e) < 0)
        lv_log_warn("%s", e.msg);
    return -1;
}

static void
live_undo(const struct lv_conn *c, struct side *s)
{
    struct lv_err e = LV_ERR_INIT;

    if (net_rules_apply(c, s->def, s->old.v, s->old.n, &e) < 0 ||
        save_file(s->path, &s->old, s->uuid, &e) < 0)
        lv_log_warn("%s", e.msg);
}

static int
checks_for_add(const struct lv_conn *c, const char *name,
               const struct nft_portfwd *f, struct lv_err *err)
{
    if (other_net_has(c, name, f, err))
        return -1;
    if (host_port_busy(f)) {
        lv_err_set(err, LV_E_BUSY, "network '%s': %s port %d is in use on "
                   "the host", name, nft_proto_to_str(f->proto),
                   f->host_port);
        return -1;
    }
    return 0;
}

static int
change(const struct lv_conn *c, const char *name, int add,
       const struct nft_portfwd *f, unsigned flags, struct lv_err *err)
{
    struct side live = { 0 }, cfg = { 0 };
    char *lp = net_lock_path(c, name);
    int fd = -1, gfd = -1, r = -1;
    int do_live = (flags & NET_UPDATE_LIVE) || !(flags & NET_UPDATE_CONFIG);
    int do_cfg = (flags & NET_UPDATE_CONFIG) != 0;

    if ((fd = lv_store_lock(lp, 1, err)) < 0 ||
        (gfd = net_run_global_lock(c, err)) < 0)
        goto out;
    if ((do_live && (side_load(c, name, 0, &live, err) < 0 ||
                     side_edit(&live, add, f, err) < 0)) ||
        (do_cfg && (side_load(c, name, 1, &cfg, err) < 0 ||
                    side_edit(&cfg, add, f, err) < 0)))
        goto out;
    if (add && do_live && checks_for_add(c, name, f, err) < 0)
        goto out;
    if (do_live && live_commit(c, &live, err) < 0)
        goto out;
    if (do_cfg && save_file(cfg.path, &cfg.new, cfg.uuid, err) < 0) {
        if (do_live)
            live_undo(c, &live);
        goto out;
    }
    lv_log_debug("net %s: port forward %s %s %d", name, add ? "added" :
                 "removed", nft_proto_to_str(f->proto), f->host_port);
    r = 0;
out:
    side_free(&cfg);
    side_free(&live);
    if (gfd >= 0)
        lv_store_unlock(gfd);
    if (fd >= 0)
        lv_store_unlock(fd);
    free(lp);
    return r;
}

int
net_portfwd_add(const struct lv_conn *c, const char *name,
                const struct nft_portfwd *f, unsigned flags,
                struct lv_err *err)
{
    return change(c, name, 1, f, flags, err);
}

int
net_portfwd_remove(const struct lv_conn *c, const char *name,
                   const struct nft_portfwd *f, unsigned flags,
                   struct lv_err *err)
{
    return change(c, name, 0, f, flags, err);
}

int
net_portfwd_list(const struct lv_conn *c, const char *name, int config,
                 struct nft_portfwd **out, size_t *n, struct lv_err *err)
{
    struct side s = { 0 };
    int r = -1;

    if (!config && !net_run_active(c, name))
        config = 1;
    if (side_load(c, name, config, &s, err) < 0)
        goto out;
    *out = s.old.v;
    *n = s.old.n;
    s.old.v = NULL;
    r = 0;
out:
    side_free(&s);
    return r;
}

int
net_portfwd_restore(const struct lv_conn *c, const struct net_def *def,
                    struct nft_portfwd **out, size_t *n, struct lv_err *err)
{
    struct fwd_list l = { NULL, 0 }, keep = { NULL, 0 };
    struct lv_err e = LV_ERR_INIT;
    char uuid[33], *cp = config_path(c, def->name);
    char *live = net_run_file(c, def->name, "portfwd");
    int r = -1;

    uuid_hex(def, uuid);
    if (net_store_exists(c, def->name) && load_file(cp, uuid, &l, &e) < 0)
        lv_log_warn("net %s: port forwards not restored: %s", def->name,
                    e.msg);
    keep.v = lv_malloc((l.n + 1) * sizeof(*keep.v));
    for (size_t i = 0; i < l.n; i++) {
        if (find_port(&keep, &l.v[i]))
            lv_err_set(&e, LV_E_EXISTS, "host port forwarded twice");
        if (e.code != LV_E_OK || fwd_check(def, &l.v[i], &e) < 0) {
            lv_log_warn("net %s: port forward %s %d skipped: %s", def->name,
                        nft_proto_to_str(l.v[i].proto), l.v[i].host_port,
                        e.msg);
            lv_err_clear(&e);
            continue;
        }
        keep.v[keep.n++] = l.v[i];
    }
    if (save_file(live, &keep, uuid, err) < 0)
        goto out;
    *out = keep.v;
    *n = keep.n;
    keep.v = NULL;
    r = 0;
out:
    free(keep.v);
    free(l.v);
    free(live);
    free(cp);
    return r;
}
