/* qemu_argv_misc.c - the smaller device classes of the QEMU argv:
 * controllers (with the implicit ones libvirt adds: USB, SCSI, SATA,
 * virtio-serial), input, graphics (-vnc/-spice), video, sound, watchdog,
 * memory balloon and RNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"

/* --- controllers -------------------------------------------------------- */

static const char *
model_map(const char *const (*map)[2], size_t n, const char *model)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(model, map[i][0]))
            return map[i][1];
    return NULL;
}

static const char *
ctrl_driver(const struct dom_controller *k)
{
    static const char *const usb[][2] = {
        { "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
        { "ich9-ehci1", "ich9-usb-ehci1" }, { "nec-xhci", "nec-usb-xhci" },
        { "qemu-xhci", "qemu-xhci" }, { "ehci", "usb-ehci" },
        { "ich9-uhci1", "ich9-usb-uhci1" }, { "ich9-uhci2", "ich9-usb-uhci2" },
        { "ich9-uhci3", "ich9-usb-uhci3" }, { "vt82c686b-uhci", "vt82c686b-usb-uhci" },
    };
    static const char *const scsi[][2] = {
        { "lsilogic", "lsi" }, { "lsisas1068", "mptsas1068" },
        { "lsisas1078", "megasas" }, { "virtio-scsi", "virtio-scsi-pci" },
        { "vmpvscsi", "pvscsi" },
    };
    static const char *const pci[][2] = {
        { "pcie-root-port", "pcie-root-port" }, { "pci-bridge", "pci-bridge" },
        { "dmi-to-pci-bridge", "i82801b11-bridge" },
        { "pcie-to-pci-bridge", "pcie-pci-bridge" },
    };
    const char *m = k->model;

    if (!strcmp(k->type, "usb"))
        /* a listed USB controller without a model is piix3-uhci on both
         * machines, as in libvirt; the one add_implicit adds says its own */
        return model_map(usb, sizeof(usb) / sizeof(usb[0]), m ? m : "piix3-uhci");
    if (!strcmp(k->type, "scsi"))
        return model_map(scsi, 5, m ? m : "lsilogic");
    if (!strcmp(k->type, "pci") && m)
        return model_map(pci, 4, m);
    if (!strcmp(k->type, "virtio-serial"))
        return "virtio-serial-pci";
    if (!strcmp(k->type, "sata"))
        return "ahci";
    return NULL;
}

/* Is this controller part of the machine already? */
static int
ctrl_builtin(const struct qemu_argv_ctx *c, const struct dom_controller *k)
{
    const char *m = k->model;

    if (!strcmp(k->type, "pci"))
        return !m || !strcmp(m, "pci-root") || !strcmp(m, "pcie-root");
    if (!strcmp(k->type, "ide") || !strcmp(k->type, "fdc"))
        return 1;
    if (!strcmp(k->type, "sata"))
        return c->q35 && k->index <= 0;
    if (!strcmp(k->type, "usb"))
        return m && !strcmp(m, "none");
    return 0;
}

/* <master startport='N'/> of a UHCI companion (kept XML), or -1. */
static long
companion_startport(const struct dom_controller *k)
{
    for (size_t i = 0; i < k->keep.n; i++) {
        const char *s = k->keep.items[i], *p;
        if (strncmp(s, "<master", 7) || !(p = strstr(s, "startport=")))
            continue;
        return strtol(p + 11, NULL, 10);
    }
    return -1;
}

/* The ICH9 USB set (EHCI1 and its UHCI1..3 companions) shares one slot, as
 * libvirt places it: EHCI on function 7, the UHCIs on 0..2; 0x1d on Q35
 * (where the ICH9 has it), else the first free slot. */
static int
ich9_place(struct qemu_argv_ctx *c, const char *model, json_t *dev, const char *what)
{
    int fn = !strcmp(model, "ich9-ehci1") ? 7 : model[9] - '1';

    if (!c->ich9_slot) {
        int slot = 0x1d;
        if (c->q35 && qemu_argv_root_slot_free(c, slot)) {
            qemu_argv_root_slot_take(c, slot);
        } else {
            /* a slot for the set, when libvirt's order comes to it */
            const struct dom_address none = { 0 };
            json_t *set = json_pack("{s:s}", "driver", "ich9-usb-set");
            int r = qemu_argv_pci_place(c, &none, set, what);
            const char *addr = json_string_value(json_object_get(set, "addr"));
            slot = r < 0 || !addr ? -1 : (int)strtol(addr, NULL, 16);
            json_decref(set);
            if (slot < 0)
                return -1;
        }
        c->ich9_slot = slot;
    }
    json_object_set_new(dev, "bus", json_string(c->root_bus));
    if (fn == 0)
        json_object_set_new(dev, "multifunction", json_true());
    json_object_set_new(dev, "addr", fn ? json_sprintf("0x%x.0x%x", c->ich9_slot, fn)
                                        : json_sprintf("0x%x", c->ich9_slot));
    return 0;
}

static int
add_controller(struct qemu_argv_ctx *c, const struct dom_controller *k)
{
    const char *drv = ctrl_driver(k);
    int idx = k->index < 0 ? 0 : k->index;
    char what[64];
    json_t *dev;

    snprintf(what, sizeof(what), "controller '%s' %d", k->type, idx);
    if (ctrl_builtin(c, k))
        return 0;
    if (!drv) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported model '%s'", what,
                   k->model ? k->model : "default");
        return -1;
    }
    dev = json_pack("{s:s}", "driver", drv);
    if (!strcmp(k->type, "usb") && companion_startport(k) >= 0) {
        /* a companion has no bus of its own: its ports are its master's */
        json_object_set_new(dev, "masterbus", idx ? json_sprintf("usb%d.0", idx)
                                                  : json_string("usb.0"));
        json_object_set_new(dev, "firstport", json_integer(companion_startport(k)));
    } else if (!strcmp(k->type, "usb")) {
        json_object_set_new(dev, "id", idx ? json_sprintf("usb%d", idx) : json_string("usb"));
        c->usb_ok = 1;
    } else if (!strcmp(k->type, "pci")) {
        if (!strcmp(drv, "pcie-root-port") && k->address.type)
            /* libvirt's port: the root port's own slot and function */
            json_object_set_new(dev, "port", json_integer(
                qemu_argv_addr_num(&k->address, "slot", 0) * 8 +
                qemu_argv_addr_num(&k->address, "function", 0)));
        if (!strcmp(drv, "pcie-root-port") || !strcmp(drv, "pci-bridge"))
            json_object_set_new(dev, !strcmp(drv, "pci-bridge") ? "chassis_nr" :
                                "chassis", json_integer(idx));
        json_object_set_new(dev, "id", json_sprintf("pci.%d", idx));
    } else {
        json_object_set_new(dev, "id", json_sprintf("%s%d", k->type, idx));
    }
    if (!strcmp(k->type, "virtio-serial")) {
        const char *ports = lv_attrs_get(&k->attrs, "ports");
        const char *vectors = lv_attrs_get(&k->attrs, "vectors");
        if (ports)
            json_object_set_new(dev, "max_ports", json_integer(strtol(ports, NULL, 10)));
        if (vectors)
            json_object_set_new(dev, "vectors", json_integer(strtol(vectors, NULL, 10)));
    }
    if (!k->address.type && !strncmp(drv, "ich9-usb-", 9)) {
        if (ich9_place(c, k->model, dev, what) < 0) {
            json_decref(dev);
            return -1;
        }
    } else if (!k->address.type && !strcmp(drv, "pcie-root-port") && c->q35) {
        if (qemu_argv_pci_rootport_addr(c, dev, what) < 0) {
            json_decref(dev);
            return -1;
        }
    } else if (!k->address.type && !strcmp(drv, "piix3-usb-uhci") && !c->q35) {
        /* libvirt's spot: function 2 of the PIIX3 in slot 1 */
        json_object_set_new(dev, "bus", json_string("pci.0"));
        json_object_set_new(dev, "addr", json_string("0x1.0x2"));
    } else if (qemu_argv_pci_place(c, &k->address, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

static int
has_ctrl(const struct dom_def *d, const char *type, long idx)
{
    for (size_t i = 0; i < d->n_controllers; i++)
        if (!strcmp(d->controllers[i].type, type) &&
            (idx < 0 || d->controllers[i].index == idx ||
             (d->controllers[i].index < 0 && idx == 0)))
            return 1;
    return 0;
}

/* SCSI or SATA controller ci for a disk, unless listed or added already
 * (added: a bit per index, indexes >= 64 must be listed). */
static int
implicit_disk_ctrl(struct qemu_argv_ctx *c, const char *bus, long ci,
                   unsigned long long *added)
{
    struct dom_controller k = { .type = (char *)bus, .index = (int)ci };

    if (has_ctrl(c->def, bus, ci) || (!strcmp(bus, "sata") && c->q35 && ci == 0))
        return 0;
    if (ci >= 64) {
        lv_err_set(c->err, LV_E_INVALID, "controller '%s' %ld: must be listed",
                   bus, ci);
        return -1;
    }
    if (*added & (1ULL << ci))
        return 0;
    *added |= 1ULL << ci;
    return add_controller(c, &k);
}

/* Controllers the devices need but the definition does not list, as
 * libvirt adds them: USB, SCSI (lsi), SATA (ahci), virtio-serial. */
static int
add_implicit(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    struct dom_controller k = { .index = 0 };
    unsigned long long scsi = 0, sata = 0;

    if (!has_ctrl(d, "usb", -1)) {
        k.type = (char *)"usb";
        k.model = (char *)(c->q35 ? "qemu-xhci" : "piix3-uhci");
        if (add_controller(c, &k) < 0)
            return -1;
        k.model = NULL;
    }
    for (size_t i = 0; i < d->n_disks; i++) {
        const char *bus = d->disks[i].target_bus;
        long ci = qemu_argv_disk_ctrl(&d->disks[i]);
        if (!bus || ci < 0 || (strcmp(bus, "scsi") && strcmp(bus, "sata")))
            continue;
        if (implicit_disk_ctrl(c, bus, ci, !strcmp(bus, "scsi") ? &scsi : &sata) < 0)
            return -1;
    }
    for (size_t i = 0; i < c->n_vs_add; i++) {
        k.type = (char *)"virtio-serial";
        k.index = (int)c->vs_add[i];
        if (add_controller(c, &k) < 0)
            return -1;
    }
    return 0;
}

int
qemu_argv_controllers(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    if (qemu_argv_vserial_plan(c) < 0)
        return -1;
    /* pci controllers first: other devices sit on their buses */
    for (size_t i = 0; i < d->n_controllers; i++)
        if (!strcmp(d->controllers[i].type, "pci") &&
            add_controller(c, &d->controllers[i]) < 0)
            return -1;
    c->pci_insert = c->n;
    for (size_t i = 0; i < d->n_controllers; i++)
        if (strcmp(d->controllers[i].type, "pci") &&
            add_controller(c, &d->controllers[i]) < 0)
            return -1;
    return add_implicit(c);
}

/* --- input, graphics ---------------------------------------------------- */

int
qemu_argv_inputs(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_inputs; i++) {
        const struct dom_input *in = &c->def->inputs[i];
        const char *bus = in->bus ? in->bus : "ps2";
        char what[48];
        json_t *dev;

        snprintf(what, sizeof(what), "input '%s'", in->type);
        if (!strcmp(bus, "ps2") && strcmp(in->type, "tablet"))
            continue;                     /* part of the machine */
        if (!strcmp(bus, "usb")) {
            dev = json_pack("{s:o, s:o, s:s, s:o}", "driver", json_sprintf("usb-%s",
                            !strcmp(in->type, "keyboard") ? "kbd" : in->type),
                            "id", json_sprintf("input%zu", i), "bus", "usb.0",
                            "port", json_sprintf("%d", c->usb_port++));
        } else if (!strcmp(bus, "virtio")) {
            dev = json_pack("{s:o, s:o}", "driver",
                            json_sprintf("virtio-%s-pci", in->type),
                            "id", json_sprintf("input%zu", i));
            if (qemu_argv_pci_place(c, &in->address, dev, what) < 0) {
                json_decref(dev);
                return -1;
            }
        } else {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported bus '%s'", what, bus);
            return -1;
        }
        qemu_argv_add_json(c, "-device", dev);
    }
    return 0;
}

static int
add_vnc(struct qemu_argv_ctx *c, const struct dom_graphics *g)
{
    const char *lt = g->listen_type ? g->listen_type : "address";
    const char *addr = g->listen ? g->listen : "127.0.0.1";
    struct strbuf b = STRBUF_INIT;

    if (!strcmp(lt, "socket")) {
        strbuf_adds(&b, "vnc=unix:");
        if (g->listen_socket) {
            qemu_argv_kv_escape(&b, g->listen_socket);
        } else if (c->o->run_dir) {
            qemu_argv_kv_escape(&b, c->o->run_dir);
            strbuf_adds(&b, "/vnc.sock");
        } else {
            lv_err_set(c->err, LV_E_INVALID, "graphics 'vnc': socket needs a path");
            return -1;
        }
    } else if (!strcmp(lt, "none")) {
        strbuf_adds(&b, "none");
    } else if (g->port > 0 && g->autoport != LV_TRI_ON) {
        if (g->port < 5900) {
            lv_err_set(c->err, LV_E_INVALID, "graphics 'vnc': port %d is below 5900",
                       g->port);
            return -1;
        }
        strbuf_addf(&b, strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, g->port - 5900);
    } else {
        /* autoport: QEMU takes the first free display; query-vnc tells */
        strbuf_addf(&b, strchr(addr, ':') ? "[%s]:0,to=99" : "%s:0,to=99", addr);
    }
    if (g->websocket > 0)
        strbuf_addf(&b, ",websocket=%d", g->websocket);
    if (g->passwd)
        strbuf_adds(&b, ",password=on");    /* the value goes over QMP */
    if (c->audiodev)
        strbuf_addf(&b, ",audiodev=%s", c->audiodev);
    qemu_argv_add(c, "-vnc");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    return 0;
}

static int
add_spice(struct qemu_argv_ctx *c, const struct dom_graphics *g)
{
    struct strbuf b = STRBUF_INIT;

    if (g->port > 0) {
        strbuf_addf(&b, "port=%d,", g->port);
        if (g->tls_port > 0)
            strbuf_addf(&b, "tls-port=%d,x509-dir=/etc/pki/libvirt-spice,", g->tls_port);
        strbuf_adds(&b, "addr=");
        qemu_argv_kv_escape(&b, g->listen ? g->listen : "127.0.0.1");
    } else if (c->o->run_dir) {
        /* autoport: a unix socket in the run dir instead of a port race */
        strbuf_adds(&b, "unix=on,addr=");
        qemu_argv_kv_escape(&b, c->o->run_dir);
        strbuf_adds(&b, "/spice.sock");
    } else {
        lv_err_set(c->err, LV_E_INVALID, "graphics 'spice': autoport needs a run dir");
        return -1;
    }
    if (!g->passwd)
        strbuf_adds(&b, ",disable-ticketing=on");
    strbuf_adds(&b, ",seamless-migration=on");
    qemu_argv_add(c, "-spice");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    return 0;
}

int
qemu_argv_graphics(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_graphics; i++) {
        const struct dom_graphics *g = &c->def->graphics[i];
        int rc;
        if (!strcmp(g->type, "vnc"))
            rc = add_vnc(c, g);
        else if (!strcmp(g->type, "spice"))
            rc = add_spice(c, g);
        else {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "unsupported graphics type '%s'",
                       g->type);
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* --- video, sound ------------------------------------------------------- */

static const char *
video_driver(const char *model, int primary)
{
    static const char *const map[][3] = {
        /* model, primary, secondary */
        { "vga", "VGA", "secondary-vga" }, { "cirrus", "cirrus-vga", NULL },
        { "qxl", "qxl-vga", "qxl" }, { "virtio", "virtio-vga", "virtio-gpu-pci" },
        { "bochs", "bochs-display", "bochs-display" }, { "ramfb", "ramfb", NULL },
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(model, map[i][0]))
            return map[i][primary ? 1 : 2];
    return NULL;
}

static void
video_props(const struct dom_video *v, const char *drv, json_t *dev)
{
    const char *ram = lv_attrs_get(&v->model_attrs, "ram");
    const char *vgamem = lv_attrs_get(&v->model_attrs, "vgamem");

    if (!strncmp(drv, "qxl", 3)) {
        if (v->heads > 0)
            json_object_set_new(dev, "max_outputs", json_integer(v->heads));
        if (ram)
            json_object_set_new(dev, "ram_size", json_integer(strtoll(ram, NULL, 10) * 1024));
        if (v->vram > 0)
            json_object_set_new(dev, "vram_size", json_integer((json_int_t)v->vram * 1024));
    } else if (!strncmp(drv, "virtio", 6) && v->heads > 0) {
        json_object_set_new(dev, "max_outputs", json_integer(v->heads));
    }
    if (vgamem && (!strncmp(drv, "qxl", 3) || !strcmp(drv, "VGA")))
        json_object_set_new(dev, "vgamem_mb", json_integer(strtoll(vgamem, NULL, 10) / 1024));
}

static int
add_video(struct qemu_argv_ctx *c, const struct dom_video *v, size_t i)
{
    const char *model = v->model ? v->model : "cirrus";
    const char *drv;
    char what[48];
    json_t *dev;

    if (!strcmp(model, "none"))
        return 0;
    snprintf(what, sizeof(what), "video '%s'", model);
    if (!(drv = video_driver(model, i == 0))) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported%s model", what,
                   i ? " secondary" : "");
        return -1;
    }
    dev = json_pack("{s:s, s:o}", "driver", drv, "id",
                    v->alias ? json_string(v->alias) : json_sprintf("video%zu", i));
    video_props(v, drv, dev);
    if (!strcmp(drv, "ramfb")) {
        ;                                   /* not a PCI device */
    } else if (i == 0 && !v->address.type && c->video_slot >= 0) {
        json_object_set_new(dev, "bus", json_string(c->root_bus));
        json_object_set_new(dev, "addr", json_sprintf("0x%x", c->video_slot));
    } else if (qemu_argv_pci_place(c, &v->address, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

int
qemu_argv_videos(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;

    if (d->n_videos == 0 && d->n_graphics > 0) {
        /* libvirt adds the default video card for graphics */
        struct dom_video v = { .model = (char *)"cirrus" };
        return add_video(c, &v, 0);
    }
    for (size_t i = 0; i < d->n_videos; i++)
        if (add_video(c, &d->videos[i], i) < 0)
            return -1;
    return 0;
}

int
qemu_argv_sounds(struct qemu_argv_ctx *c)
{
    static const char *const map[][2] = {
        { "ich6", "intel-hda" }, { "ich9", "ich9-intel-hda" },
        { "ac97", "AC97" }, { "es1370", "ES1370" }, { "sb16", "sb16" },
        { "usb", "usb-audio" },
    };

    for (size_t i = 0; i < c->def->n_sounds; i++) {
        const struct dom_sound *s = &c->def->sounds[i];
        const char *drv = model_map(map, 6, s->model ? s->model : "");
        int hda = drv && strstr(drv, "intel-hda") != NULL;
        char what[48];
        json_t *dev;

        snprintf(what, sizeof(what), "sound '%s'", s->model ? s->model : "?");
        if (!drv) {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported model", what);
            return -1;
        }
        dev = json_pack("{s:s, s:o}", "driver", drv, "id", json_sprintf("sound%zu", i));
        if (!hda && c->audiodev)
            json_object_set_new(dev, "audiodev", json_string(c->audiodev));
        if (!strcmp(drv, "usb-audio")) {
            json_object_set_new(dev, "bus", json_string("usb.0"));
            json_object_set_new(dev, "port", json_sprintf("%d", c->usb_port++));
        } else if (c->q35 && hda && !s->address.type && !strcmp(drv, "ich9-intel-hda") &&
                   qemu_argv_root_slot_free(c, 0x1b)) {
            qemu_argv_root_slot_take(c, 0x1b);   /* the ICH9's own HD audio slot */
            json_object_set_new(dev, "bus", json_string(c->root_bus));
            json_object_set_new(dev, "addr", json_string("0x1b"));
        } else if (strcmp(drv, "sb16") &&
                   qemu_argv_pci_place(c, &s->address, dev, what) < 0) {
            json_decref(dev);
            return -1;
        }
        qemu_argv_add_json(c, "-device", dev);
        if (hda)
            qemu_argv_add_json(c, "-device", json_pack("{s:s, s:o, s:o, s:i, s:s}",
                "driver", "hda-duplex", "id", json_sprintf("sound%zu-codec0", i),
                "bus", json_sprintf("sound%zu.0", i), "cad", 0, "audiodev",
                c->audiodev ? c->audiodev : "audio1"));
    }
    return 0;
}

/* --- watchdog, balloon, rng -------------------------------------------- */

int
qemu_argv_watchdogs(struct qemu_argv_ctx *c)
{
    const char *action = NULL;

    for (size_t i = 0; i < c->def->n_watchdogs; i++) {
        const struct dom_watchdog *w = &c->def->watchdogs[i];
        const char *m = w->model ? w->model : "i6300esb";
        json_t *dev;

        if (!action)
            action = w->action ? w->action : "reset";
        if (!strcmp(m, "itco") && c->q35)
            continue;                       /* built into ICH9 */
        if (strcmp(m, "i6300esb") && strcmp(m, "ib700")) {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "watchdog '%s': unsupported model", m);
            return -1;
        }
        dev = json_pack("{s:s, s:o}", "driver", m, "id", json_sprintf("watchdog%zu", i));
        if (!strcmp(m, "i6300esb") &&
            qemu_argv_pci_place(c, &w->address, dev, "watchdog 'i6300esb'") < 0) {
            json_decref(dev);
            return -1;
        }
        qemu_argv_add_json(c, "-device", dev);
    }
    if (action) {
        qemu_argv_add(c, "-watchdog-action");
        /* libvirt maps dump to pause: the dump is taken on the event */
        qemu_argv_add(c, !strcmp(action, "dump") ? "pause" : action);
    }
    return 0;
}

int
qemu_argv_balloon(struct qemu_argv_ctx *c)
{
    const struct dom_memballoon *b = &c->def->memballoon;
    json_t *dev;

    /* no <memballoon> at all: libvirt adds a virtio one */
    if (b->present && b->model && !strcmp(b->model, "none"))
        return 0;
    if (b->present && b->model && strcmp(b->model, "virtio")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "memballoon '%s': unsupported model",
                   b->model);
        return -1;
    }
    dev = json_pack("{s:s, s:s}", "driver", "virtio-balloon-pci", "id", "balloon0");
    if (qemu_argv_pci_place(c, &b->address, dev, "memballoon") < 0) {
        json_decref(dev);
        return -1;
    }
    if (b->autodeflate != LV_TRI_ABSENT)
        json_object_set_new(dev, "deflate-on-oom", json_boolean(b->autodeflate == LV_TRI_ON));
    if (b->free_page_reporting != LV_TRI_ABSENT)
        json_object_set_new(dev, "free-page-reporting",
                            json_boolean(b->free_page_reporting == LV_TRI_ON));
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

int
qemu_argv_rngs(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_rngs; i++) {
        const struct dom_rng *r = &c->def->rngs[i];
        const char *bm = r->backend_model ? r->backend_model : "random";
        json_t *obj, *dev;

        if (r->model && strcmp(r->model, "virtio")) {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "rng '%s': unsupported model", r->model);
            return -1;
        }
        if (!strcmp(bm, "random"))
            obj = json_pack("{s:s, s:o, s:s}", "qom-type", "rng-random", "id",
                            json_sprintf("objrng%zu", i), "filename",
                            r->backend_path ? r->backend_path : "/dev/urandom");
        else if (!strcmp(bm, "builtin"))
            obj = json_pack("{s:s, s:o}", "qom-type", "rng-builtin", "id",
                            json_sprintf("objrng%zu", i));
        else {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "rng: unsupported backend '%s'", bm);
            return -1;
        }
        dev = json_pack("{s:s, s:o, s:o}", "driver", "virtio-rng-pci", "rng",
                        json_sprintf("objrng%zu", i), "id", json_sprintf("rng%zu", i));
        if (r->rate_bytes > 0) {
            json_object_set_new(dev, "max-bytes", json_integer(r->rate_bytes));
            json_object_set_new(dev, "period", json_integer(r->rate_period > 0 ?
                                                            r->rate_period : 1000));
        }
        if (qemu_argv_pci_place(c, &r->address, dev, "rng") < 0) {
            json_decref(obj);
            json_decref(dev);
            return -1;
        }
        qemu_argv_add_json(c, "-object", obj);
        qemu_argv_add_json(c, "-device", dev);
    }
    return 0;
}

/* --- panic ---------------------------------------------------------------- */

/* <panic>: the ISA pvpanic device (libvirt's x86 default, at the iobase
 * the address gives) or pvpanic-pci; QEMU then reports GUEST_PANICKED and
 * <on_crash> applies. */
int
qemu_argv_panics(struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_panics; i++) {
        const struct dom_panic *p = &c->def->panics[i];
        const char *m = p->model ? p->model : "isa";
        json_t *dev;

        if (!strcmp(m, "isa")) {
            long io = -1;
            if (p->address.type && !strcmp(p->address.type, "isa"))
                io = qemu_argv_addr_num(&p->address, "iobase", -1);
            dev = json_pack("{s:s}", "driver", "pvpanic");
            if (io >= 0)
                json_object_set_new(dev, "ioport", json_integer(io));
        } else if (!strcmp(m, "pvpanic")) {
            dev = json_pack("{s:s, s:o}", "driver", "pvpanic-pci", "id",
                            json_sprintf("panic%zu", i));
            if (qemu_argv_pci_place(c, &p->address, dev, "panic 'pvpanic'") < 0) {
                json_decref(dev);
                return -1;
            }
        } else {
            lv_err_set(c->err, LV_E_UNSUPPORTED, "panic '%s': unsupported model "
                       "(use 'isa' or 'pvpanic')", m);
            return -1;
        }
        qemu_argv_add_json(c, "-device", dev);
    }
    return 0;
}
