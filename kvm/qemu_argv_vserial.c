/* qemu_argv_vserial.c - virtio-serial addresses for the QEMU argv, as
 * libvirt assigns them: each virtio channel or console needs the
 * controller its <address type='virtio-serial'> names (controller 0 when it
 * has none), added when the definition does not list it; channels without a
 * port take the first free one (from 1: port 0 is the console's) on the
 * controllers in index order, and when every port is taken a new controller
 * is added, as virDomainVirtioSerialAddrNext does. Consoles keep QEMU's own
 * choice, as in libvirt's argv. */
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"

/* libvirt's default for a controller without ports= */
#define VSERIAL_DEFAULT_PORTS 31

struct vs_ctrl {
    long index;
    long ports;
    unsigned char used[256];
};

struct vs_plan {
    struct vs_ctrl *ctrls;
    size_t n;
};

static struct vs_ctrl *
plan_find(struct vs_plan *p, long index)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->ctrls[i].index == index)
            return &p->ctrls[i];
    return NULL;
}

static struct vs_ctrl *
plan_add(struct vs_plan *p, long index, long ports)
{
    struct vs_ctrl *k;
    size_t at = p->n;

    p->ctrls = lv_realloc(p->ctrls, (p->n + 1) * sizeof(*p->ctrls));
    while (at > 0 && p->ctrls[at - 1].index > index) {   /* keep index order */
        p->ctrls[at] = p->ctrls[at - 1];
        at--;
    }
    k = &p->ctrls[at];
    memset(k, 0, sizeof(*k));
    k->index = index;
    k->ports = ports < 1 ? 1 : ports > 256 ? 256 : ports;
    p->n++;
    return k;
}

/* Remember that controller idx is not listed and must be added. */
static void
plan_implicit(struct qemu_argv_ctx *c, long idx)
{
    c->vs_add = lv_realloc(c->vs_add, (c->n_vs_add + 1) * sizeof(*c->vs_add));
    c->vs_add[c->n_vs_add++] = idx;
}

static int
is_vserial_chr(const struct dom_chr *ch)
{
    if (ch->kind == DOM_CHR_CHANNEL)
        return !ch->target_type || !strcmp(ch->target_type, "virtio");
    return ch->kind == DOM_CHR_CONSOLE && ch->target_type &&
           !strcmp(ch->target_type, "virtio");
}

static long
chr_ctrl(const struct dom_chr *ch)
{
    const struct dom_address *a = &ch->address;

    if (a->type && !strcmp(a->type, "virtio-serial"))
        return qemu_argv_addr_num(a, "controller", 0);
    return 0;
}

/* The controllers listed, then the implicit ones the devices name. */
static int
plan_controllers(struct qemu_argv_ctx *c, struct vs_plan *p)
{
    const struct dom_def *d = c->def;

    for (size_t i = 0; i < d->n_controllers; i++) {
        const struct dom_controller *k = &d->controllers[i];
        const char *ports = lv_attrs_get(&k->attrs, "ports");
        long idx = k->index < 0 ? 0 : k->index;
        if (strcmp(k->type, "virtio-serial") || plan_find(p, idx))
            continue;
        plan_add(p, idx, ports ? strtol(ports, NULL, 10) : VSERIAL_DEFAULT_PORTS);
    }
    for (size_t i = 0; i < d->n_chrs; i++) {
        long idx;
        if (!is_vserial_chr(&d->chrs[i]))
            continue;
        if ((idx = chr_ctrl(&d->chrs[i])) < 0 || idx > 255) {
            lv_err_set(c->err, LV_E_INVALID, "%s %zu: invalid virtio-serial "
                       "controller", dom_chr_kind_to_str(d->chrs[i].kind), i);
            return -1;
        }
        if (!plan_find(p, idx)) {
            plan_add(p, idx, VSERIAL_DEFAULT_PORTS);
            plan_implicit(c, idx);
        }
    }
    return 0;
}

/* Explicit ports are taken first; a port used twice is an error. */
static int
plan_reserve(struct qemu_argv_ctx *c, struct vs_plan *p)
{
    const struct dom_def *d = c->def;

    for (size_t i = 0; i < d->n_chrs; i++) {
        const struct dom_chr *ch = &d->chrs[i];
        struct vs_ctrl *k;
        long port;
        if (ch->kind != DOM_CHR_CHANNEL || !is_vserial_chr(ch) ||
            !ch->address.type || strcmp(ch->address.type, "virtio-serial"))
            continue;
        port = qemu_argv_addr_num(&ch->address, "port", 0);
        k = plan_find(p, chr_ctrl(ch));
        if (port <= 0 || !k)
            continue;
        if (port >= k->ports || k->used[port]) {
            lv_err_set(c->err, LV_E_INVALID, "channel '%s': virtio-serial port "
                       "%ld of controller %ld is %s", ch->target_name ?
                       ch->target_name : "?", port, k->index,
                       port >= k->ports ? "out of range" : "taken twice");
            return -1;
        }
        k->used[port] = 1;
        c->vs[i].ctrl = k->index;
        c->vs[i].port = port;
    }
    return 0;
}

static long
ctrl_free_port(struct vs_ctrl *k)
{
    for (long port = 1; port < k->ports; port++)
        if (!k->used[port])
            return port;
    return -1;
}

static long
unused_index(const struct vs_plan *p)
{
    long idx = 0;

    for (size_t i = 0; i < p->n; i++)
        if (p->ctrls[i].index == idx)
            idx++;
    return idx;
}

/* A port for channel i: on its controller if it names one, else on the
 * first controller with a free port, else on a new controller. */
static int
plan_assign(struct qemu_argv_ctx *c, struct vs_plan *p, size_t i)
{
    const struct dom_chr *ch = &c->def->chrs[i];
    int named = ch->address.type && !strcmp(ch->address.type, "virtio-serial") &&
                lv_attrs_get(&ch->address.attrs, "controller");
    struct vs_ctrl *k = NULL;
    long port = -1;

    if (named) {
        k = plan_find(p, chr_ctrl(ch));
        port = ctrl_free_port(k);
    } else {
        for (size_t j = 0; j < p->n && port < 0; j++)
            port = ctrl_free_port(k = &p->ctrls[j]);
        if (port < 0) {
            long idx = unused_index(p);
            k = plan_add(p, idx, VSERIAL_DEFAULT_PORTS);
            plan_implicit(c, idx);
            port = ctrl_free_port(k);
        }
    }
    if (port < 0) {
        lv_err_set(c->err, LV_E_INVALID, "channel '%s': no free port on "
                   "virtio-serial controller %ld", ch->target_name ?
                   ch->target_name : "?", k->index);
        return -1;
    }
    k->used[port] = 1;
    c->vs[i].ctrl = k->index;
    c->vs[i].port = port;
    return 0;
}

/* QEMU refuses two virtio-serial ports of one name: say so at define. */
static int
check_names(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    for (size_t i = 0; i < d->n_chrs; i++) {
        const char *n = d->chrs[i].target_name;
        if (!n || d->chrs[i].kind != DOM_CHR_CHANNEL || !is_vserial_chr(&d->chrs[i]))
            continue;
        for (size_t j = i + 1; j < d->n_chrs; j++)
            if (d->chrs[j].kind == DOM_CHR_CHANNEL && is_vserial_chr(&d->chrs[j]) &&
                d->chrs[j].target_name && !strcmp(n, d->chrs[j].target_name)) {
                lv_err_set(c->err, LV_E_INVALID, "channel '%s': the name is used "
                           "by two virtio channels", n);
                return -1;
            }
    }
    return 0;
}

int
qemu_argv_vserial_plan(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    struct vs_plan p = { 0 };
    int rc = -1;

    if (check_names(c) < 0)
        return -1;

    c->vs = lv_calloc(d->n_chrs ? d->n_chrs : 1, sizeof(*c->vs));
    for (size_t i = 0; i < d->n_chrs; i++)
        c->vs[i].ctrl = c->vs[i].port = -1;
    if (plan_controllers(c, &p) < 0 || plan_reserve(c, &p) < 0)
        goto out;
    for (size_t i = 0; i < d->n_chrs; i++)
        if (d->chrs[i].kind == DOM_CHR_CHANNEL && is_vserial_chr(&d->chrs[i]) &&
            c->vs[i].port < 0 && plan_assign(c, &p, i) < 0)
            goto out;
    rc = 0;
out:
    free(p.ctrls);
    return rc;
}
