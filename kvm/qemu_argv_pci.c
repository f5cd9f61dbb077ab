/* qemu_argv_pci.c - where each PCI device of the argv goes, as libvirt
 * places it. An explicit <address type='pci'> is kept. Without one: on
 * i440fx (pc) the next free slot of pci.0; on Q35, a PCI Express endpoint
 * gets a root port of its own (a listed free one, else one added the way
 * libvirt adds them, plus one spare for hotplug), a conventional PCI
 * device goes behind a PCI bridge (a listed one, else an added
 * pcie-to-pci-bridge on its own root port). Root ports without an address
 * fill the functions of a slot of pcie.0, multifunction on function 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"
#include "spawn.h"

/* --- what the definition takes ------------------------------------------ */

static void
reserve_addr(struct qemu_argv_ctx *c, const struct dom_address *a)
{
    long bus, slot;

    if (!a->type || strcmp(a->type, "pci"))
        return;
    bus = qemu_argv_addr_num(a, "bus", 0);
    slot = qemu_argv_addr_num(a, "slot", 0);
    if (bus < 0 || bus > 255 || slot < 0 || slot > 31)
        return;                          /* refused when the device is placed */
    c->bus_slots[bus] |= 1u << slot;
}

/* Does the domain get a primary video device that needs an automatic
 * slot? libvirt keeps slot 2 (pc) or 1 (q35) for it. */
static int
primary_video_auto(const struct dom_def *def)
{
    if (def->n_videos == 0)
        return def->n_graphics > 0;
    if (!def->videos[0].model || !strcmp(def->videos[0].model, "none") ||
        !strcmp(def->videos[0].model, "ramfb"))
        return 0;
    return def->videos[0].address.type == NULL;
}

static int
slot_taken(const struct qemu_argv_ctx *c, int bus, int slot)
{
    return (c->bus_slots[bus] >> slot) & 1u;
}

static void
take_slot(struct qemu_argv_ctx *c, int bus, int slot)
{
    c->bus_slots[bus] |= 1u << slot;
}

int
qemu_argv_root_slot_free(const struct qemu_argv_ctx *c, int slot)
{
    return !slot_taken(c, 0, slot);
}

void
qemu_argv_root_slot_take(struct qemu_argv_ctx *c, int slot)
{
    take_slot(c, 0, slot);
}

/* The first free slot of the root bus at or above from, or -1. */
static int
free_root_slot(const struct qemu_argv_ctx *c, int from)
{
    for (int slot = from; slot < 32; slot++)
        if (!slot_taken(c, 0, slot))
            return slot;
    return -1;
}

int
qemu_argv_root_slot_next(struct qemu_argv_ctx *c, const char *what)
{
    int slot = free_root_slot(c, 1);

    if (slot < 0) {
        lv_err_set(c->err, LV_E_INVALID, "%s: no free PCI slot left on %s", what,
                   c->root_bus);
        return -1;
    }
    take_slot(c, 0, slot);
    return slot;
}

static const char *
pci_model(const struct dom_controller *k)
{
    return !strcmp(k->type, "pci") && k->model ? k->model : "";
}

void
qemu_argv_pci_reserve(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    int vs = c->q35 ? 1 : 2;

    take_slot(c, 0, 0);
    take_slot(c, 0, c->q35 ? 0x1f : 1);
    for (size_t i = 0; i < d->n_disks; i++)
        reserve_addr(c, &d->disks[i].address);
    for (size_t i = 0; i < d->n_controllers; i++)
        reserve_addr(c, &d->controllers[i].address);
    for (size_t i = 0; i < d->n_interfaces; i++)
        reserve_addr(c, &d->interfaces[i].address);
    for (size_t i = 0; i < d->n_chrs; i++)
        reserve_addr(c, &d->chrs[i].address);
    for (size_t i = 0; i < d->n_inputs; i++)
        reserve_addr(c, &d->inputs[i].address);
    for (size_t i = 0; i < d->n_videos; i++)
        reserve_addr(c, &d->videos[i].address);
    for (size_t i = 0; i < d->n_sounds; i++)
        reserve_addr(c, &d->sounds[i].address);
    for (size_t i = 0; i < d->n_rngs; i++)
        reserve_addr(c, &d->rngs[i].address);
    for (size_t i = 0; i < d->n_watchdogs; i++)
        reserve_addr(c, &d->watchdogs[i].address);
    reserve_addr(c, &d->memballoon.address);
    c->video_slot = -1;
    if (primary_video_auto(d) && !slot_taken(c, 0, vs)) {
        take_slot(c, 0, vs);
        c->video_slot = vs;
    }
    for (size_t i = 0; i < d->n_controllers; i++) {
        const struct dom_controller *k = &d->controllers[i];
        if (strcmp(k->type, "pci") || k->index < 0 || k->index > 255)
            continue;
        c->index_used[k->index] = 1;
        if (!strcmp(pci_model(k), "pcie-root-port"))
            c->n_rps_listed++;
    }
}

/* --- root ports and bridges libvirt adds --------------------------------- */

static int
lowest_free_index(const struct qemu_argv_ctx *c, const char *what)
{
    for (int i = 1; i < 256; i++)
        if (!c->index_used[i])
            return i;
    lv_err_set(c->err, LV_E_INVALID, "%s: no free PCI bus index left", what);
    return -1;
}

int
qemu_argv_pci_rootport_addr(struct qemu_argv_ctx *c, json_t *dev, const char *what)
{
    if (c->rp_slot == 0 || c->rp_fn == 8) {
        int slot = qemu_argv_root_slot_next(c, what);
        if (slot < 0)
            return -1;
        c->rp_slot = slot;
        c->rp_fn = 0;
    }
    json_object_set_new(dev, "port", json_integer(c->rp_slot * 8 + c->rp_fn));
    json_object_set_new(dev, "bus", json_string(c->root_bus));
    if (c->rp_fn == 0) {
        json_object_set_new(dev, "multifunction", json_true());
        json_object_set_new(dev, "addr", json_sprintf("0x%x", c->rp_slot));
    } else {
        json_object_set_new(dev, "addr", json_sprintf("0x%x.0x%x", c->rp_slot, c->rp_fn));
    }
    c->rp_fn++;
    return 0;
}

/* An added controller's -device: it goes after the listed PCI controllers
 * (qemu_argv_pci_finish), ahead of every device on it. Takes over dev. */
static void
extra_device(struct qemu_argv_ctx *c, json_t *dev)
{
    char *s = json_dumps(dev, JSON_COMPACT);

    if (!s)
        abort();
    json_decref(dev);
    c->pci_extra = lv_realloc(c->pci_extra, (c->n_pci_extra + 3) * sizeof(char *));
    c->pci_extra[c->n_pci_extra++] = lv_strdup("-device");
    c->pci_extra[c->n_pci_extra++] = s;
    c->pci_extra[c->n_pci_extra] = NULL;
}

static int
new_root_port(struct qemu_argv_ctx *c, const char *what)
{
    int idx = lowest_free_index(c, what);
    json_t *dev;

    if (idx < 0)
        return -1;
    dev = json_pack("{s:s}", "driver", "pcie-root-port");
    if (qemu_argv_pci_rootport_addr(c, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    json_object_set_new(dev, "chassis", json_integer(idx));
    json_object_set_new(dev, "id", json_sprintf("pci.%d", idx));
    extra_device(c, dev);
    c->index_used[idx] = 1;
    c->rp_added[idx] = 1;
    c->n_rps_added++;
    return idx;
}

/* A free root port (listed or added earlier): its index, or -1. */
static int
free_root_port(const struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    for (size_t i = 0; i < d->n_controllers; i++) {
        const struct dom_controller *k = &d->controllers[i];
        if (!strcmp(pci_model(k), "pcie-root-port") && k->index > 0 &&
            k->index < 256 && !c->bus_slots[k->index])
            return k->index;
    }
    for (int i = 1; i < 256; i++)
        if (c->rp_added[i] && !c->bus_slots[i])
            return i;
    return -1;
}

static int
on_root_port(struct qemu_argv_ctx *c, json_t *dev, const char *what)
{
    int idx = free_root_port(c);

    if (idx < 0 && (idx = new_root_port(c, what)) < 0)
        return -1;
    take_slot(c, idx, 0);
    json_object_set_new(dev, "bus", json_sprintf("pci.%d", idx));
    json_object_set_new(dev, "addr", json_string("0x0"));
    return 0;
}

/* A bus for conventional PCI devices with a free slot: a listed bridge
 * (in index order), else a pcie-to-pci-bridge added on a root port. */
static int
conventional_bus(struct qemu_argv_ctx *c, int self, const char *what)
{
    static const char *const bridges[] = {
        "pcie-to-pci-bridge", "pci-bridge", "dmi-to-pci-bridge",
    };
    const struct dom_def *d = c->def;
    json_t *dev;
    int idx;

    for (size_t b = 0; b < 3; b++)
        for (size_t i = 0; i < d->n_controllers; i++) {
            const struct dom_controller *k = &d->controllers[i];
            if (!strcmp(pci_model(k), bridges[b]) && k->index > 0 && k->index < 256 &&
                k->index != self && (c->bus_slots[k->index] | 1u) != ~0u)
                return k->index;
        }
    if (c->bridge_added > 0 && c->bus_slots[c->bridge_added] != ~0u)
        return c->bridge_added;
    /* libvirt adds a root port with the bridge, even where a listed one
     * is left free for it: the bridge then takes the first free port */
    if (new_root_port(c, what) < 0)
        return -1;
    dev = json_pack("{s:s}", "driver", "pcie-pci-bridge");
    if (on_root_port(c, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    if ((idx = lowest_free_index(c, what)) < 0) {
        json_decref(dev);
        return -1;
    }
    json_object_set_new(dev, "id", json_sprintf("pci.%d", idx));
    extra_device(c, dev);
    c->index_used[idx] = 1;
    return c->bridge_added = idx;
}

static int
on_bridge(struct qemu_argv_ctx *c, json_t *dev, const char *what)
{
    const char *id = json_string_value(json_object_get(dev, "id"));
    int self = id && !strncmp(id, "pci.", 4) ? atoi(id + 4) : -1;
    int idx = conventional_bus(c, self, what), slot;

    if (idx < 0)
        return -1;
    for (slot = 1; slot < 32 && slot_taken(c, idx, slot); slot++)
        ;                               /* slot 0 is the bridge's own */
    take_slot(c, idx, slot);
    json_object_set_new(dev, "bus", json_sprintf("pci.%d", idx));
    json_object_set_new(dev, "addr", json_sprintf("0x%x", slot));
    return 0;
}

int
qemu_argv_pci_is_pcie(const char *drv)
{
    static const char *const pcie[] = {
        "qemu-xhci", "nec-usb-xhci", "e1000e", "pcie-pci-bridge",
    };

    if (!strncmp(drv, "virtio-", 7) || !strncmp(drv, "vhost-", 6))
        return !strstr(drv, "-transitional");
    for (size_t i = 0; i < sizeof(pcie) / sizeof(pcie[0]); i++)
        if (!strcmp(drv, pcie[i]))
            return 1;
    return 0;
}

/* --- placing one device --------------------------------------------------- */

static int
place_now(struct qemu_argv_ctx *c, json_t *dev, const char *what)
{
    const char *drv = json_string_value(json_object_get(dev, "driver"));
    int slot;

    if (c->q35 && drv && strcmp(drv, "i82801b11-bridge"))
        return qemu_argv_pci_is_pcie(drv) ? on_root_port(c, dev, what)
                                          : on_bridge(c, dev, what);
    /* i440fx, and Q35's DMI-to-PCI bridge (at 0x1e where it is free) */
    slot = c->q35 && !slot_taken(c, 0, 0x1e) ? 0x1e : qemu_argv_root_slot_next(c, what);
    if (slot < 0)
        return -1;
    take_slot(c, 0, slot);
    json_object_set_new(dev, "bus", json_string(c->root_bus));
    json_object_set_new(dev, "addr", json_sprintf("0x%x", slot));
    return 0;
}

/* libvirt's order of placement (qemuDomainAssignDevicePCISlots): PCI
 * controllers, NICs, sound, other controllers, disks, the balloon, RNGs,
 * watchdogs, video, input, the rest. */
static int
rank_of(const char *what)
{
    static const char *const order[] = {
        "controller 'pci'", "interface", "sound", "controller", "disk",
        "memballoon", "rng", "watchdog", "video", "input",
    };

    for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
        if (!strncmp(what, order[i], strlen(order[i])))
            return i;
    return 10;
}

static void
copy_key(json_t *to, json_t *from, const char *key)
{
    json_t *v = json_object_get(from, key);

    if (v)
        json_object_set(to, key, v);
}

/* First pass: record; second pass: the address the plan gave. */
static int
place_auto(struct qemu_argv_ctx *c, json_t *dev, const char *what)
{
    struct pci_plan *p = c->plan;
    struct pci_req *r;

    if (!p)
        return place_now(c, dev, what);
    if (p->collect) {
        p->reqs = lv_realloc(p->reqs, (p->n + 1) * sizeof(*p->reqs));
        r = &p->reqs[p->n++];
        r->rank = rank_of(what);
        r->dev = json_deep_copy(dev);
        snprintf(r->what, sizeof(r->what), "%s", what);
        json_object_set_new(dev, "bus", json_string(c->root_bus));
        json_object_set_new(dev, "addr", json_string("0x1f"));   /* not used */
        return 0;
    }
    if (p->next >= p->n)
        abort();              /* the two passes must place the same devices */
    r = &p->reqs[p->next++];
    copy_key(dev, r->dev, "bus");
    copy_key(dev, r->dev, "addr");
    copy_key(dev, r->dev, "multifunction");
    return 0;
}

int
qemu_argv_pci_allocate(struct qemu_argv_ctx *c)
{
    struct pci_plan *p = c->plan;

    /* a stable order: by rank, then as the devices come */
    for (int rank = 0; rank <= 10; rank++)
        for (size_t i = 0; i < p->n; i++)
            if (p->reqs[i].rank == rank &&
                place_now(c, p->reqs[i].dev, p->reqs[i].what) < 0)
                return -1;
    /* libvirt adds one empty root port for hotplug when it had to add
     * root ports to a Q35 domain that lists none */
    if (c->q35 && c->n_rps_listed == 0 && c->n_rps_added > 0 &&
        new_root_port(c, "hotplug root port") < 0)
        return -1;
    p->extra = c->pci_extra;
    c->pci_extra = NULL;
    c->n_pci_extra = 0;
    return 0;
}

void
qemu_argv_pci_finish(struct qemu_argv_ctx *c)
{
    char **x = c->plan ? c->plan->extra : NULL;
    size_t n = 0;

    while (x && x[n])
        n++;
    if (n == 0)
        return;
    c->argv = lv_realloc(c->argv, (c->n + n + 1) * sizeof(char *));
    memmove(c->argv + c->pci_insert + n, c->argv + c->pci_insert,
            (c->n - c->pci_insert + 1) * sizeof(char *));
    memcpy(c->argv + c->pci_insert, x, n * sizeof(char *));
    c->n += n;
    c->cap = c->n + 1;
    free(x);                             /* the strings now belong to argv */
    c->plan->extra = NULL;
}

void
qemu_argv_pci_plan_free(struct pci_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        json_decref(p->reqs[i].dev);
    free(p->reqs);
    lv_argv_free(p->extra);
    memset(p, 0, sizeof(*p));
}

int
qemu_argv_pci_place(struct qemu_argv_ctx *c, const struct dom_address *a,
                    json_t *dev, const char *what)
{
    long bus, slot, fn;
    const char *mf;

    if (!a->type)
        return place_auto(c, dev, what);
    if (strcmp(a->type, "pci")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED,
                   "%s: unsupported address type '%s'", what, a->type);
        return -1;
    }
    bus = qemu_argv_addr_num(a, "bus", 0);
    slot = qemu_argv_addr_num(a, "slot", 0);
    fn = qemu_argv_addr_num(a, "function", 0);
    if (qemu_argv_addr_num(a, "domain", 0) != 0 || bus < 0 || bus > 255 ||
        slot < 0 || slot > 31 || fn < 0 || fn > 7) {
        lv_err_set(c->err, LV_E_INVALID, "%s: invalid PCI address", what);
        return -1;
    }
    if (bus == 0)
        json_object_set_new(dev, "bus", json_string(c->root_bus));
    else
        json_object_set_new(dev, "bus", json_sprintf("pci.%ld", bus));
    mf = lv_attrs_get(&a->attrs, "multifunction");
    if (mf && !strcmp(mf, "on"))
        json_object_set_new(dev, "multifunction", json_true());
    if (fn)
        json_object_set_new(dev, "addr", json_sprintf("0x%lx.0x%lx", slot, fn));
    else
        json_object_set_new(dev, "addr", json_sprintf("0x%lx", slot));
    return 0;
}
