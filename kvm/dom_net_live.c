/* dom_net_live.c - NIC hotplug and link state (see dom_net.h): the live
 * side over QMP under the domain's lock, recorded in the run dir's
 * live.xml; the config side through dom_define(), like virsh's
 * --live/--config. */
#include "dom_net.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_pci_live.h"
#include "dom_run.h"
#include "dom_session.h"
#include "dom_store.h"
#include "dom_xml.h"
#include "log.h"
#include "mac.h"
#include "qmp.h"
#include "store.h"
#include "strbuf.h"


/* A guest under its lock. */
struct guest {
    struct dom_session s;
    int running;
};

static int
guest_lock(struct lv_conn *c, const char *name, struct guest *g,
           struct lv_err *err)
{
    if (dom_session_begin(&g->s, c, name, "change its interfaces", 0, err) < 0)
        return -1;
    g->running = g->s.st.state != DOM_STATE_SHUTOFF;
    return 0;
}

static void
guest_unlock(struct guest *g)
{
    dom_session_end(&g->s);
}

/* virsh's flag rules: none = current; live needs a running guest, config
 * a persistent one. */
static int
resolve_flags(struct lv_conn *c, const char *name, const struct guest *g,
              unsigned *flags, const char *what, struct lv_err *err)
{
    if (!(*flags & (DOM_NET_F_LIVE | DOM_NET_F_CONFIG)))
        *flags = g->running ? DOM_NET_F_LIVE : DOM_NET_F_CONFIG;
    if ((*flags & DOM_NET_F_LIVE) && !g->running) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot %s live: not running",
                   name, what);
        return -1;
    }
    if ((*flags & DOM_NET_F_CONFIG) && !dom_store_exists(c, name)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot %s in the persistent "
                   "configuration: the domain is transient", name, what);
        return -1;
    }
    return 0;
}

static struct dom_def *
live_load(struct lv_conn *c, const char *name, const struct guest *g,
          struct lv_err *err)
{
    char *p = dom_run_file(c, name, "live.xml");
    struct dom_def *def = dom_store_load_file(p, name, err);

    free(p);
    if (def)
        def->id = g->s.st.id;
    return def;
}

static int
live_save(struct lv_conn *c, const struct dom_def *def, struct lv_err *err)
{
    char *p = dom_run_file(c, def->name, "live.xml");
    int r = dom_store_save_file(p, def, DOM_FORMAT_SECURE, err);

    free(p);
    return r;
}

/* Free what nic owns (interface_free is dom_def.c's: go through a def). */
static void
nic_dispose(struct dom_interface *nic)
{
    struct dom_def *tmp = dom_def_new();

    tmp->interfaces = lv_malloc(sizeof(*nic));
    tmp->interfaces[0] = *nic;
    tmp->n_interfaces = 1;
    dom_def_free(tmp);
    memset(nic, 0, sizeof(*nic));
}

/* Append nic to def, taking over what it owns; nic is zeroed. */
static void
nic_append(struct dom_def *def, struct dom_interface *nic)
{
    def->interfaces = lv_realloc(def->interfaces,
                                 (def->n_interfaces + 1) * sizeof(*nic));
    def->interfaces[def->n_interfaces++] = *nic;
    memset(nic, 0, sizeof(*nic));
}

static void
nic_remove(struct dom_def *def, size_t i)
{
    struct dom_interface x = def->interfaces[i];

    memmove(&def->interfaces[i], &def->interfaces[i + 1],
            (def->n_interfaces - i - 1) * sizeof(x));
    def->n_interfaces--;
    nic_dispose(&x);
}

static char *
dup_or_null(const char *s)
{
    return s ? lv_strdup(s) : NULL;
}

/* An owned interface from spec with the MAC already chosen. */
static int
nic_from_spec(const struct dom_net_spec *s, const char *mac,
              struct dom_interface *nic, struct lv_err *err)
{
    int t = dom_net_type_from_str(s->type ? s->type : "network");

    memset(nic, 0, sizeof(*nic));
    if (t < 0) {
        lv_err_set(err, LV_E_INVALID, "interface type '%s': unknown", s->type);
        return -1;
    }
    if ((t == DOM_NET_NETWORK || t == DOM_NET_BRIDGE) && !s->source) {
        lv_err_set(err, LV_E_INVALID, "interface of type '%s': a source is "
                   "required", s->type);
        return -1;
    }
    if (s->link && strcmp(s->link, "up") && strcmp(s->link, "down")) {
        lv_err_set(err, LV_E_INVALID, "link state '%s': must be up or down",
                   s->link);
        return -1;
    }
    nic->type = (enum dom_net_type)t;
    nic->mac = lv_strdup(mac);
    nic->source = dup_or_null(s->source);
    nic->model = dup_or_null(s->model);
    nic->target_dev = dup_or_null(s->target);
    nic->link_state = dup_or_null(s->link);
    nic->mtu = s->mtu;
    return 0;
}

static int
mac_taken(const struct dom_def *def, const char *mac, struct lv_err *err)
{
    for (size_t i = 0; i < def->n_interfaces; i++)
        if (def->interfaces[i].mac && !strcasecmp(def->interfaces[i].mac, mac)) {
            lv_err_set(err, LV_E_EXISTS, "domain '%s': an interface with MAC "
                       "%s already exists", def->name, mac);
            return 1;
        }
    return 0;
}

/* The QEMU NIC device of <model type=>, as qemu_argv_net.c maps it. */
static const char *
nic_driver(const char *model, struct lv_err *err)
{
    static const char *const map[][2] = {
        { "virtio", "virtio-net-pci" }, { "e1000", "e1000" },
        { "e1000e", "e1000e" }, { "rtl8139", "rtl8139" },
    };

    if (!model)
        return "rtl8139";
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcasecmp(model, map[i][0]))
            return map[i][1];
    for (const char *p = model; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
            lv_err_set(err, LV_E_INVALID, "model '%s': not a valid NIC model", model);
            return NULL;
        }
    return model;
}

/* The smallest N with no device netN and no netdev hostnetN (a NIC with a
 * user alias has the netdev hostnet<its index at start>). */
static int
next_index(const struct dom_def *def)
{
    for (int n = 0;; n++) {
        char a[32];
        int used = 0;
        snprintf(a, sizeof(a), "net%d", n);
        for (size_t i = 0; i < def->n_interfaces && !used; i++) {
            const char *al = def->interfaces[i].alias;
            used = (al && !strcmp(al, a)) ||
                   (al && strncmp(al, "net", 3) != 0 && (size_t)n == i);
        }
        if (!used)
            return n;
    }
}

/* Run cmd with args (taken over) and fd (-1: none), dropping the reply;
 * 0 or -1 with err. */
static int
run(struct qmp *q, const char *cmd, json_t *args, int fd, struct lv_err *err)
{
    json_t *r = dom_qmp_run_fd(q, cmd, args, fd, err);

    json_decref(r);
    return r ? 0 : -1;
}

/* Plug nic (its tap, netdev and device) into the running guest; sets its
 * alias and target_dev. The tap goes away again on failure. */
static int
attach_live(struct lv_conn *c, const char *name, const struct dom_def *live,
            struct dom_interface *nic, struct lv_err *err)
{
    char id[32], netdev[40], fdname[48];
    const char *drv = nic_driver(nic->model, err);
    struct qmp *q = NULL;
    json_t *dev = NULL;
    int fd = -1, n = next_index(live), ret = -1;

    snprintf(id, sizeof(id), "net%d", n);
    snprintf(netdev, sizeof(netdev), "hostnet%d", n);
    snprintf(fdname, sizeof(fdname), "fd-hostnet%d", n);
    if (nic->type != DOM_NET_NETWORK && nic->type != DOM_NET_BRIDGE &&
        nic->type != DOM_NET_ETHERNET) {
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': cannot hotplug an "
                   "interface of type '%s'", name, dom_net_type_to_str(nic->type));
        goto out;
    }
    if (!drv)
        goto out;
    if ((fd = dom_net_tap(c, nic, err)) < 0) {
        lv_err_prefix(err, "domain '%s': interface '%s': ", name, nic->mac);
        goto out;
    }
    if (!(q = dom_qmp_connect(c, name, err)))
        goto out;
    if (run(q, "getfd", json_pack("{s:s}", "fdname", fdname), fd, err) < 0)
        goto out;
    if (run(q, "netdev_add", json_pack("{s:s, s:s, s:s}", "type", "tap", "id",
                                       netdev, "fd", fdname), -1, err) < 0) {
        run(q, "closefd", json_pack("{s:s}", "fdname", fdname), -1, NULL);
        goto out;
    }
    dev = json_pack("{s:s, s:s, s:s, s:s}", "driver", drv, "netdev", netdev,
                    "id", id, "mac", nic->mac);
    if (dom_pci_hotplug_bus(q, live, dev, err) < 0 ||
        run(q, "device_add", json_incref(dev), -1, err) < 0 ||
        (nic->link_state && !strcmp(nic->link_state, "down") &&
         run(q, "set_link", json_pack("{s:s, s:b}", "name", id, "up", 0), -1,
             err) < 0)) {
        run(q, "netdev_del", json_pack("{s:s}", "id", netdev), -1, NULL);
        goto out;
    }
    free(nic->alias);
    nic->alias = lv_strdup(id);
    ret = 0;
out:
    json_decref(dev);
    qmp_close(q);
    if (fd >= 0)
        close(fd);   /* QEMU has its own copy now, or the tap goes */
    return ret;
}

/* Unplug the device and its netdev (which closes the tap). */
static int
detach_live(struct lv_conn *c, const char *name, const struct dom_def *live,
            size_t i, struct lv_err *err)
{
    const struct dom_interface *nic = &live->interfaces[i];
    char *id = nic->alias ? lv_strdup(nic->alias) : lv_asprintf("net%zu", i);
    char *path = lv_asprintf("/machine/peripheral/%s", id);
    char *netdev = NULL, *what = NULL;
    struct dom_unplug u;
    struct qmp *q = dom_qmp_connect(c, name, err);
    json_t *r, *args;
    int ret = -1;

    if (!q)
        goto out;
    /* the netdev's id from QEMU itself: start and hotplug name them apart */
    args = json_pack("{s:s, s:s}", "path", path, "property", "netdev");
    r = dom_qmp_run(q, "qom-get", args, NULL);
    netdev = json_is_string(r) ? lv_strdup(json_string_value(r))
                               : lv_asprintf("host%s", id);
    json_decref(r);
    what = lv_asprintf("device '%s'", id);
    u = (struct dom_unplug){ .name = name, .id = id, .what = what };
    if (dom_qmp_unplug(q, &u, err) < 0 ||
        run(q, "netdev_del", json_pack("{s:s}", "id", netdev), -1, err) < 0)
        goto out;
    ret = 0;
out:
    qmp_close(q);
    free(what);
    free(netdev);
    free(path);
    free(id);
    return ret;
}

static int
mac_arg(const char *in, char mac[18], struct lv_err *err)
{
    if (!in) {
        char *g = lv_mac_generate();
        snprintf(mac, 18, "%s", g);
        free(g);
        return 0;
    }
    if (lv_mac_normalize(in, mac) < 0) {
        lv_err_set(err, LV_E_INVALID, "mac address '%s': not a unicast MAC "
                   "address (like 52:54:00:12:34:56)", in);
        return -1;
    }
    return 0;
}

/* Load the persistent definition, apply fn, define it. */
typedef int (*config_fn)(struct dom_def *def, const void *arg,
                         struct lv_err *err);

static int
config_apply(struct lv_conn *c, const char *name, config_fn fn,
             const void *arg, struct lv_err *err)
{
    struct dom_def *def = dom_store_load(c, name, err);
    int ret = -1;

    if (def && fn(def, arg, err) == 0)
        ret = dom_define(c, def, err);
    dom_def_free(def);
    return ret;
}

struct attach_arg {
    const struct dom_net_spec *spec;
    const char *mac;
};

static int
config_attach(struct dom_def *def, const void *arg, struct lv_err *err)
{
    const struct attach_arg *a = arg;
    struct dom_interface nic;

    if (mac_taken(def, a->mac, err) || nic_from_spec(a->spec, a->mac, &nic, err) < 0)
        return -1;
    nic_append(def, &nic);
    return 0;
}

int
dom_net_attach(struct lv_conn *c, const char *name,
               const struct dom_net_spec *spec, char mac_out[18],
               struct lv_err *err)
{
    struct attach_arg a = { spec, NULL };
    struct dom_interface nic = { 0 };
    struct dom_def *live = NULL, *conf = NULL;
    unsigned flags = spec->flags;
    struct guest g;
    char mac[18];
    int ret = -1;

    if (mac_arg(spec->mac, mac, err) < 0 || guest_lock(c, name, &g, err) < 0)
        return -1;
    a.mac = mac;
    if (resolve_flags(c, name, &g, &flags, "attach an interface", err) < 0)
        goto out;
    /* check the config first, so a refused config leaves the guest alone */
    if ((flags & DOM_NET_F_CONFIG) &&
        (!(conf = dom_store_load(c, name, err)) || mac_taken(conf, mac, err)))
        goto out;
    if (flags & DOM_NET_F_LIVE) {
        if (!(live = live_load(c, name, &g, err)) || mac_taken(live, mac, err) ||
            nic_from_spec(spec, mac, &nic, err) < 0 ||
            attach_live(c, name, live, &nic, err) < 0)
            goto out;
        nic_append(live, &nic);
        if (live_save(c, live, err) < 0)
            goto out;
    }
    guest_unlock(&g);
    if ((flags & DOM_NET_F_CONFIG) &&
        config_apply(c, name, config_attach, &a, err) < 0)
        goto out;
    if (mac_out)
        memcpy(mac_out, mac, 18);
    ret = 0;
out:
    guest_unlock(&g);
    nic_dispose(&nic);
    dom_def_free(live);
    dom_def_free(conf);
    return ret;
}

struct detach_arg {
    const char *type;
    const char *mac;   /* normalized, or NULL */
};

/* The one interface matching type and mac, or -1 with err (virsh's rule:
 * without --mac, the type must name a single interface). */
static int
detach_find(const struct dom_def *def, const struct detach_arg *a,
            struct lv_err *err)
{
    int t = a->type ? dom_net_type_from_str(a->type) : -1;
    int found = -1, count = 0;

    if (a->type && t < 0) {
        lv_err_set(err, LV_E_INVALID, "interface type '%s': unknown", a->type);
        return -1;
    }
    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        if ((t >= 0 && (int)x->type != t) ||
            (a->mac && (!x->mac || strcasecmp(x->mac, a->mac))))
            continue;
        if (found < 0)
            found = (int)i;
        count++;
    }
    if (count == 1)
        return found;
    if (count > 1)
        lv_err_set(err, LV_E_INVALID, "domain '%s' has %d interfaces of type "
                   "'%s': say which one with its MAC address", def->name, count,
                   a->type ? a->type : "any");
    else
        lv_err_set(err, LV_E_INVALID, "domain '%s': no interface of type '%s' "
                   "with MAC address %s", def->name, a->type ? a->type : "any",
                   a->mac ? a->mac : "(any)");
    return -1;
}

static int
config_detach(struct dom_def *def, const void *arg, struct lv_err *err)
{
    int i = detach_find(def, arg, err);

    if (i < 0)
        return -1;
    nic_remove(def, (size_t)i);
    return 0;
}

int
dom_net_detach(struct lv_conn *c, const char *name, const char *type,
               const char *mac, unsigned flags, struct lv_err *err)
{
    struct detach_arg a = { type, NULL };
    struct dom_def *live = NULL, *conf = NULL;
    struct guest g;
    char m[18];
    int i, ret = -1;

    if (mac && mac_arg(mac, m, err) < 0)
        return -1;
    a.mac = mac ? m : NULL;
    if (guest_lock(c, name, &g, err) < 0)
        return -1;
    if (resolve_flags(c, name, &g, &flags, "detach an interface", err) < 0)
        goto out;
    if ((flags & DOM_NET_F_CONFIG) &&
        (!(conf = dom_store_load(c, name, err)) || detach_find(conf, &a, err) < 0))
        goto out;
    if (flags & DOM_NET_F_LIVE) {
        if (!(live = live_load(c, name, &g, err)) ||
            (i = detach_find(live, &a, err)) < 0 ||
            detach_live(c, name, live, (size_t)i, err) < 0)
            goto out;
        nic_remove(live, (size_t)i);
        if (live_save(c, live, err) < 0)
            goto out;
    }
    guest_unlock(&g);
    if ((flags & DOM_NET_F_CONFIG) &&
        config_apply(c, name, config_detach, &a, err) < 0)
        goto out;
    ret = 0;
out:
    guest_unlock(&g);
    dom_def_free(live);
    dom_def_free(conf);
    return ret;
}

struct link_arg {
    const char *key;
    const char *state;
};

static int
config_link(struct dom_def *def, const void *arg, struct lv_err *err)
{
    const struct link_arg *a = arg;
    int i = dom_net_find(def, a->key, err);

    if (i < 0)
        return -1;
    free(def->interfaces[i].link_state);
    def->interfaces[i].link_state = lv_strdup(a->state);
    return 0;
}

static int
link_live(struct lv_conn *c, const char *name, struct dom_def *live,
          const struct link_arg *a, struct lv_err *err)
{
    int i = dom_net_find(live, a->key, err);
    char *id;
    struct qmp *q;
    int r;

    if (i < 0)
        return -1;
    id = live->interfaces[i].alias ? lv_strdup(live->interfaces[i].alias)
                                   : lv_asprintf("net%d", i);
    q = dom_qmp_connect(c, name, err);
    r = q ? run(q, "set_link", json_pack("{s:s, s:b}", "name", id, "up",
                                         !strcmp(a->state, "up")), -1, err) : -1;
    qmp_close(q);
    free(id);
    if (r < 0)
        return -1;
    free(live->interfaces[i].link_state);
    live->interfaces[i].link_state = lv_strdup(a->state);
    return live_save(c, live, err);
}

int
dom_net_set_link(struct lv_conn *c, const char *name, const char *key,
                 int up, unsigned flags, struct lv_err *err)
{
    struct link_arg a = { key, up ? "up" : "down" };
    struct dom_def *live = NULL;
    struct guest g;
    int ret = -1;

    if (guest_lock(c, name, &g, err) < 0)
        return -1;
    if (resolve_flags(c, name, &g, &flags, "set the link state", err) < 0)
        goto out;
    if ((flags & DOM_NET_F_LIVE) &&
        (!(live = live_load(c, name, &g, err)) || link_live(c, name, live, &a, err) < 0))
        goto out;
    guest_unlock(&g);
    if ((flags & DOM_NET_F_CONFIG) &&
        config_apply(c, name, config_link, &a, err) < 0)
        goto out;
    ret = 0;
out:
    guest_unlock(&g);
    dom_def_free(live);
    return ret;
}
