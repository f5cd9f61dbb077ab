/* qemu_argv.c - the QEMU argv of a domain: machine, accel, CPU, memory,
 * SMP, boot, clock, lifecycle and the monitors, then the device classes
 * (qemu_argv_disk.c, _net.c, _chr.c, _misc.c). Follows the choices of
 * libvirt's qemu_command.c where QEMU 7.2 allows, see qemu_argv.h. */
#include "qemu_argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <uuid/uuid.h>

#include "qemu_argv_priv.h"
#include "spawn.h"

#define DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

void
qemu_argv_add(struct qemu_argv_ctx *c, const char *arg)
{
    if (c->n + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->argv = lv_realloc(c->argv, c->cap * sizeof(char *));
    }
    c->argv[c->n++] = lv_strdup(arg);
    c->argv[c->n] = NULL;
}

void
qemu_argv_addf(struct qemu_argv_ctx *c, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    qemu_argv_add(c, s);
    free(s);
}

void
qemu_argv_add_json(struct qemu_argv_ctx *c, const char *opt, json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);

    if (!s)
        abort();
    qemu_argv_add(c, opt);
    qemu_argv_add(c, s);
    free(s);
    json_decref(obj);
}

void
qemu_argv_kv_escape(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ',')
            strbuf_addc(b, ',');
        strbuf_addc(b, *s);
    }
}

long
qemu_argv_addr_num(const struct dom_address *a, const char *key, long dflt)
{
    const char *v = lv_attrs_get(&a->attrs, key);
    char *end;
    long n;

    if (!v)
        return dflt;
    n = strtol(v, &end, 0);
    if (end == v || *end || n < 0)
        return -1;
    return n;
}

unsigned long long
qemu_argv_mem_mib(unsigned long long kib)
{
    return (kib + 1023) / 1024;
}

/* --- boot order ----------------------------------------------------------- */

static int
any_device_boot_order(const struct dom_def *d)
{
    for (size_t i = 0; i < d->n_disks; i++)
        if (d->disks[i].boot_order > 0)
            return 1;
    for (size_t i = 0; i < d->n_interfaces; i++)
        if (d->interfaces[i].boot_order > 0)
            return 1;
    return 0;
}

/* Position (1-based) of dev in <os><boot dev=...>, 0 if absent. With no
 * <boot> at all and no direct kernel boot, libvirt boots from "hd". */
static int
os_boot_pos(const struct dom_def *d, const char *dev)
{
    for (size_t i = 0; i < d->os.n_boot_devs; i++)
        if (!strcmp(d->os.boot_devs[i], dev))
            return (int)i + 1;
    if (d->os.n_boot_devs == 0 && !d->os.kernel && !strcmp(dev, "hd"))
        return 1;
    return 0;
}

static const char *
disk_boot_kind(const struct dom_disk *k)
{
    switch (k->device) {
    case DOM_DISK_CDROM: return "cdrom";
    case DOM_DISK_FLOPPY: return "fd";
    default: return "hd";
    }
}

int
qemu_argv_disk_bootindex(const struct qemu_argv_ctx *c, size_t i)
{
    const struct dom_def *d = c->def;
    const char *kind = disk_boot_kind(&d->disks[i]);

    if (c->boot_per_device)
        return d->disks[i].boot_order;
    for (size_t j = 0; j < i; j++)
        if (!strcmp(disk_boot_kind(&d->disks[j]), kind))
            return 0;          /* only the first disk of a kind boots */
    return os_boot_pos(d, kind);
}

int
qemu_argv_net_bootindex(const struct qemu_argv_ctx *c, size_t i)
{
    if (c->boot_per_device)
        return c->def->interfaces[i].boot_order;
    return i == 0 ? os_boot_pos(c->def, "network") : 0;
}

/* --- machine, cpu, memory ------------------------------------------------ */

static const struct dom_feature *
feature_get(const struct dom_def *d, const char *name)
{
    for (size_t i = 0; i < d->n_features; i++)
        if (!strcmp(d->features[i].name, name))
            return &d->features[i];
    return NULL;
}

/* state='on|off' of a feature, NULL when absent or without state. */
static const char *
feature_state(const struct dom_def *d, const char *name)
{
    const struct dom_feature *f = feature_get(d, name);

    return f ? lv_attrs_get(&f->attrs, "state") : NULL;
}

static const char *
timer_attr(const struct dom_def *d, const char *timer, const char *key)
{
    for (size_t i = 0; i < d->clock.n_timers; i++) {
        const struct lv_attrs *a = &d->clock.timers[i].attrs;
        const char *n = lv_attrs_get(a, "name");
        if (n && !strcmp(n, timer))
            return lv_attrs_get(a, key);
    }
    return NULL;
}

static int
add_machine(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    struct strbuf b = STRBUF_INIT;
    const char *m = d->os.machine ? d->os.machine : "pc";
    const char *st, *hpet = timer_attr(d, "hpet", "present");

    if (d->os.arch && strcmp(d->os.arch, "x86_64") && strcmp(d->os.arch, "i686")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "unsupported arch '%s'", d->os.arch);
        return -1;
    }
    strbuf_adds(&b, m);
    strbuf_adds(&b, ",usb=off");
    if ((st = feature_state(d, "vmport")))
        strbuf_addf(&b, ",vmport=%s", st);
    if ((st = feature_state(d, "smm")))
        strbuf_addf(&b, ",smm=%s", st);
    else if (d->os.loader_secure == LV_TRI_ON)
        strbuf_adds(&b, ",smm=on");
    strbuf_adds(&b, ",dump-guest-core=off");
    if (hpet)
        strbuf_addf(&b, ",hpet=%s", !strcmp(hpet, "yes") ? "on" : "off");
    qemu_argv_firmware_machine(c, &b);
    qemu_argv_mem_machine(c, &b);
    if (!feature_get(d, "acpi"))
        strbuf_adds(&b, ",acpi=off");
    qemu_argv_add(c, "-machine");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    qemu_argv_add(c, "-accel");
    qemu_argv_add(c, c->o->accel_kvm ? "kvm" : "tcg");
    return 0;
}

/* <feature policy=...> in QEMU's name=on|off syntax */
static void
add_cpu_features(struct strbuf *b, const struct dom_cpu *cpu)
{
    for (size_t i = 0; i < cpu->n_features; i++) {
        const char *p = cpu->features[i].policy;
        int off = p && (!strcmp(p, "disable") || !strcmp(p, "forbid"));
        strbuf_addf(b, ",%s=%s", cpu->features[i].name, off ? "off" : "on");
    }
}

static int
add_cpu(struct qemu_argv_ctx *c)
{
    const struct dom_cpu *cpu = &c->def->cpu;
    struct strbuf b = STRBUF_INIT;
    const char *mode = cpu->present && cpu->mode ? cpu->mode : "custom";
    if (!strcmp(mode, "host-passthrough") || !strcmp(mode, "host-model"))
        strbuf_adds(&b, c->o->accel_kvm ? "host" : "max");
    else if (!strcmp(mode, "maximum"))
        strbuf_adds(&b, "max");
    else if (!strcmp(mode, "custom"))
        strbuf_adds(&b, cpu->present && cpu->model ? cpu->model : "qemu64");
    else {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "unsupported cpu mode '%s'", mode);
        return -1;
    }
    if (cpu->present)
        add_cpu_features(&b, cpu);
    qemu_argv_add(c, "-cpu");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    return 0;
}

static int
add_memory_smp(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    const struct dom_cpu *cpu = &d->cpu;
    unsigned max = d->vcpus ? d->vcpus : 1;
    unsigned cur = d->vcpus_current ? d->vcpus_current : max;
    unsigned s = cpu->sockets, co = cpu->cores, t = cpu->threads;
    unsigned dies = cpu->dies ? cpu->dies : 1;

    uint64_t mem = dom_def_mem_total_kib(d);

    if (mem == 0) {
        lv_err_set(c->err, LV_E_INVALID, "memory size is 0");
        return -1;
    }
    qemu_argv_add(c, "-m");
    if (d->max_memory_kib)
        qemu_argv_addf(c, "size=%lluM,slots=%u,maxmem=%lluM",
                       qemu_argv_mem_mib(mem), d->max_memory_slots,
                       qemu_argv_mem_mib(d->max_memory_kib));
    else
        qemu_argv_addf(c, "size=%lluM", qemu_argv_mem_mib(mem));
    if (!s && !co && !t) {
        s = max;
        co = t = 1;
    }
    s = s ? s : 1;
    co = co ? co : 1;
    t = t ? t : 1;
    if ((unsigned long long)s * dies * co * t != max) {
        lv_err_set(c->err, LV_E_INVALID,
                   "cpu topology %u sockets x %u dies x %u cores x %u threads "
                   "does not match %u vcpus", s, dies, co, t, max);
        return -1;
    }
    qemu_argv_add(c, "-smp");
    if (cpu->dies)   /* given: written, as libvirt does with QEMU >= 4.1 */
        qemu_argv_addf(c, "%u,maxcpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u",
                       cur, max, s, dies, co, t);
    else if (cur != max)
        qemu_argv_addf(c, "%u,maxcpus=%u,sockets=%u,cores=%u,threads=%u",
                       cur, max, s, co, t);
    else
        qemu_argv_addf(c, "%u,sockets=%u,cores=%u,threads=%u", cur, s, co, t);
    return qemu_argv_memory(c);
}

/* --- monitors, clock, lifecycle, boot --------------------------------- */

static int
add_monitor(struct qemu_argv_ctx *c, const char *id, int fd, const char *sock)
{
    struct strbuf b = STRBUF_INIT;

    strbuf_addf(&b, "socket,id=char%s,", id);
    if (fd >= 0 && !c->o->for_display) {
        strbuf_addf(&b, "fd=%d", fd);
    } else {
        if (!c->o->run_dir) {
            strbuf_free(&b);
            lv_err_set(c->err, LV_E_INVALID,
                       "monitor '%s': needs a run dir or a socket fd", id);
            return -1;
        }
        strbuf_adds(&b, "path=");
        qemu_argv_kv_escape(&b, c->o->run_dir);
        strbuf_addf(&b, "/%s", sock);
    }
    strbuf_adds(&b, ",server=on,wait=off");
    qemu_argv_add(c, "-chardev");
    qemu_argv_add(c, strbuf_cstr(&b));
    qemu_argv_add(c, "-mon");
    qemu_argv_addf(c, "chardev=char%s,id=%s,mode=control", id, id);
    strbuf_free(&b);
    return 0;
}

static int
add_rtc(struct qemu_argv_ctx *c)
{
    const struct dom_clock *k = &c->def->clock;
    const char *off = k->offset ? k->offset : "utc";
    const char *tp = timer_attr(c->def, "rtc", "tickpolicy");
    const char *clk = timer_attr(c->def, "rtc", "track");
    struct strbuf b = STRBUF_INIT;

    if (!strcmp(off, "utc") || !strcmp(off, "timezone")) {
        strbuf_adds(&b, "base=utc");
    } else if (!strcmp(off, "localtime")) {
        strbuf_adds(&b, "base=localtime");
    } else if (!strcmp(off, "variable")) {
        /* libvirt turns the adjustment into a start date */
        long long adj = k->adjustment ? strtoll(k->adjustment, NULL, 10) : 0;
        time_t t = time(NULL) + (time_t)adj;
        struct tm tm;
        char buf[32];
        if (k->basis && !strcmp(k->basis, "localtime"))
            localtime_r(&t, &tm);
        else
            gmtime_r(&t, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        strbuf_addf(&b, "base=%s", buf);
    } else {
        strbuf_free(&b);
        lv_err_set(c->err, LV_E_UNSUPPORTED,
                   "unsupported clock offset '%s'", off);
        return -1;
    }
    if (clk && !strcmp(clk, "guest"))
        strbuf_adds(&b, ",clock=vm");
    if (tp && !strcmp(tp, "catchup"))
        strbuf_adds(&b, ",driftfix=slew");
    qemu_argv_add(c, "-rtc");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    tp = timer_attr(c->def, "pit", "tickpolicy");
    if (tp && !strcmp(tp, "delay") && c->o->accel_kvm) {
        qemu_argv_add(c, "-global");
        qemu_argv_add(c, "kvm-pit.lost_tick_policy=delay");
    }
    return 0;
}

static void
add_lifecycle_pm(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    const char *lpc = c->q35 ? "ICH9-LPC" : "PIIX4_PM";

    if (d->on_reboot == DOM_LIFE_DESTROY)
        qemu_argv_add(c, "-no-reboot");
    if (d->on_poweroff == DOM_LIFE_PRESERVE ||
        d->on_poweroff == DOM_LIFE_RESTART)
        qemu_argv_add(c, "-no-shutdown");
    if (d->pm_suspend_to_mem != LV_TRI_ABSENT) {
        qemu_argv_add(c, "-global");
        qemu_argv_addf(c, "%s.disable_s3=%d", lpc,
                       d->pm_suspend_to_mem == LV_TRI_OFF);
    }
    if (d->pm_suspend_to_disk != LV_TRI_ABSENT) {
        qemu_argv_add(c, "-global");
        qemu_argv_addf(c, "%s.disable_s4=%d", lpc,
                       d->pm_suspend_to_disk == LV_TRI_OFF);
    }
}

static void
add_boot(struct qemu_argv_ctx *c)
{
    const struct dom_os *os = &c->def->os;
    struct strbuf b = STRBUF_INIT;

    if (os->bootmenu != LV_TRI_ABSENT)
        strbuf_addf(&b, "menu=%s,", os->bootmenu == LV_TRI_ON ? "on" : "off");
    if (os->bootmenu == LV_TRI_ON && os->bootmenu_timeout >= 0)
        strbuf_addf(&b, "splash-time=%d,", os->bootmenu_timeout);
    if (os->bios_reboot_timeout >= 0)
        strbuf_addf(&b, "reboot-timeout=%d,", os->bios_reboot_timeout);
    strbuf_adds(&b, "strict=on");
    qemu_argv_add(c, "-boot");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    if (os->kernel) {
        qemu_argv_add(c, "-kernel");
        qemu_argv_add(c, os->kernel);
    }
    if (os->initrd) {
        qemu_argv_add(c, "-initrd");
        qemu_argv_add(c, os->initrd);
    }
    if (os->cmdline) {
        qemu_argv_add(c, "-append");
        qemu_argv_add(c, os->cmdline);
    }
    if (os->dtb) {
        qemu_argv_add(c, "-dtb");
        qemu_argv_add(c, os->dtb);
    }
}

/* --- the whole argv --------------------------------------------------- */

static int
add_head(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    struct strbuf b = STRBUF_INIT;
    char uuid[37];

    strbuf_adds(&b, "guest=");
    qemu_argv_kv_escape(&b, d->name);
    strbuf_adds(&b, ",debug-threads=on");
    qemu_argv_add(c, "-name");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    if (add_machine(c) < 0 || add_cpu(c) < 0 || add_memory_smp(c) < 0)
        return -1;
    uuid_unparse_lower(d->uuid, uuid);
    qemu_argv_add(c, "-uuid");
    qemu_argv_add(c, uuid);
    if (d->n_graphics == 0) {
        qemu_argv_add(c, "-display");
        qemu_argv_add(c, "none");
    }
    qemu_argv_add(c, "-no-user-config");
    qemu_argv_add(c, "-nodefaults");
    if (add_monitor(c, "monitor", c->o->qmp_fd, "qmp.sock") < 0 ||
        add_monitor(c, "monitor-sup", c->o->qmp_sup_fd, "qmp-sup.sock") < 0)
        return -1;
    if (add_rtc(c) < 0)
        return -1;
    add_lifecycle_pm(c);
    if (qemu_argv_firmware(c) < 0)
        return -1;
    add_boot(c);
    return 0;
}

static int
add_devices(struct qemu_argv_ctx *c)
{
    if (qemu_argv_controllers(c) < 0 || qemu_argv_disks(c) < 0 ||
        qemu_argv_nets(c) < 0 || qemu_argv_chrs(c) < 0 ||
        qemu_argv_inputs(c) < 0 || qemu_argv_tpms(c) < 0)
        return -1;
    if (c->def->n_sounds > 0 || c->def->n_graphics > 0) {
        const char *drv = "none";
        for (size_t i = 0; i < c->def->n_graphics; i++)
            if (!strcmp(c->def->graphics[i].type, "spice"))
                drv = "spice";
        qemu_argv_add_json(c, "-audiodev", json_pack("{s:s, s:s}", "id",
                                                     "audio1", "driver", drv));
        c->audiodev = "audio1";
    }
    if (qemu_argv_graphics(c) < 0 || qemu_argv_videos(c) < 0 ||
        qemu_argv_sounds(c) < 0 || qemu_argv_watchdogs(c) < 0 ||
        qemu_argv_redirdevs(c) < 0 || qemu_argv_balloon(c) < 0 ||
        qemu_argv_rngs(c) < 0 || qemu_argv_panics(c) < 0)
        return -1;
    /* QEMU's seccomp filter, as libvirt's qemu driver asks for it on every
     * QEMU that has one (kvm/dom_jail.h does the rest of the confinement) */
    qemu_argv_add(c, "-sandbox");
    qemu_argv_add(c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                     "resourcecontrol=deny");
    qemu_argv_add(c, "-msg");
    qemu_argv_add(c, "timestamp=on");
    return 0;
}

static void
ctx_init(struct qemu_argv_ctx *c, const struct dom_def *def,
         const struct qemu_argv_opts *o, struct lv_err *err, struct pci_plan *plan)
{
    memset(c, 0, sizeof(*c));
    c->def = def;
    c->o = o;
    c->err = err;
    c->plan = plan;
    c->q35 = dom_machine_is_q35(def->os.machine);
    c->root_bus = c->q35 ? "pcie.0" : "pci.0";
    c->boot_per_device = any_device_boot_order(def);
    c->usb_port = 1;
}

static void
ctx_free(struct qemu_argv_ctx *c)
{
    lv_argv_free(c->argv);
    lv_argv_free(c->pci_extra);
    free(c->vs);
    free(c->vs_add);
    c->argv = c->pci_extra = NULL;
    c->vs = NULL;
    c->vs_add = NULL;
}

static int
build_pass(struct qemu_argv_ctx *c)
{
    const struct dom_def *def = c->def;
    const char *emu = c->o->emulator ? c->o->emulator :
                      def->emulator ? def->emulator : DEFAULT_EMULATOR;

    qemu_argv_pci_reserve(c);
    qemu_argv_add(c, emu);
    if (add_head(c) < 0 || add_devices(c) < 0) {
        lv_err_prefix(c->err, "domain '%s': ", def->name ? def->name : "?");
        return -1;
    }
    return 0;
}

char **
qemu_argv_build(const struct dom_def *def, const struct qemu_argv_opts *o,
                struct lv_err *err)
{
    struct pci_plan plan = { .collect = 1 };
    struct qemu_argv_ctx c;
    char **ret = NULL;

    if (def->devices_keep.n > 0) {
        /* a device kept verbatim would silently be missing in the guest */
        const char *k = def->devices_keep.items[0];
        int len = (int)strcspn(k, "\n>");
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': unsupported device %.*s>",
                   def->name ? def->name : "?", len > 60 ? 60 : len, k);
        return NULL;
    }
    /* first pass: which devices need a PCI address; then libvirt's order
     * of placing them; second pass: the argv with those addresses */
    ctx_init(&c, def, o, err, &plan);
    if (build_pass(&c) < 0)
        goto out;
    if (qemu_argv_pci_allocate(&c) < 0) {
        lv_err_prefix(err, "domain '%s': ", def->name ? def->name : "?");
        goto out;
    }
    ctx_free(&c);
    plan.collect = 0;
    ctx_init(&c, def, o, err, &plan);
    if (build_pass(&c) < 0)
        goto out;
    qemu_argv_pci_finish(&c);
    ret = c.argv;
    c.argv = NULL;
out:
    ctx_free(&c);
    qemu_argv_pci_plan_free(&plan);
    return ret;
}
