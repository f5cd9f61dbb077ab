/* test_qemu_argv.c - the QEMU argv builder: libvirt's conformance domains
 * (same -m, -smp, device kinds for disks/NICs/consoles/video, -vnc/-spice
 * as libvirt's own argv) and hand-built cases (accel, secrets, errors). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dom_def.h"
#include "dom_xml.h"
#include "harness.h"
#include "kvm/host_mem.h"
#include "kvm/qemu_argv.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

static const char *const conformance[] = {
    "disk-cdrom", "disk-floppy", "disk-sata-device", "disk-usb-device",
    "disk-scsi-device-auto", "disk-cache", "disk-order", "boot-floppy",
    "boot-cdrom", "boot-order", "boot-menu-enable-with-timeout", "net-user",
    "net-virtio-network-portgroup", "net-many-models", "net-mcast",
    "net-client", "serial-many-chardev", "serial-pty-chardev",
    "serial-file-chardev", "serial-unix-chardev", "serial-tcp-telnet-chardev",
    "console-virtio-many", "console-compat-chardev", "channel-virtio-default",
    "channel-virtio-unix", "graphics-vnc", "graphics-vnc-socket",
    "graphics-spice", "graphics-vnc-websocket", "video-qxl-heads",
    "video-virtio-gpu-device", "video-vga-device", "balloon-device",
    "virtio-rng-builtin", "watchdog", "watchdog-injectnmi",
    "watchdog-q35-multiple", "cpu-host-passthrough", "cpu-topology3",
    "input-usbtablet", "virtio-input", "misc-no-reboot", "clock-localtime-basis-localtime",
    "q35-default-devices-only", "controller-virtio-scsi",
};

/* Drivers compared with libvirt: disks, NICs, consoles, video. */
static const char *const compared[] = {
    "virtio-blk-pci", "ide-hd", "ide-cd", "scsi-hd", "scsi-cd", "usb-storage",
    "floppy", "virtio-net-pci", "e1000", "e1000e", "rtl8139", "vmxnet3",
    "ne2k_pci", "pcnet", "usb-net", "netfront", "idontexist", "isa-serial",
    "virtserialport", "virtconsole", "pci-serial", "usb-serial", "isa-parallel",
    "VGA", "cirrus-vga", "qxl-vga", "qxl", "virtio-vga", "virtio-gpu-pci",
    "bochs-display", "ramfb", "secondary-vga",
};

struct summary {
    unsigned long long mem_mib;
    unsigned smp;
    char devices[1024];   /* sorted compared drivers, space separated */
    int vnc, spice;
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_compared(const char *drv)
{
    for (size_t i = 0; i < sizeof(compared) / sizeof(compared[0]); i++)
        if (!strcmp(drv, compared[i]))
            return 1;
    return 0;
}

/* Fold one option/value pair into s; drivers collected in drv[]. */
static void
summarize_opt(struct summary *s, const char *opt, const char *val,
              char **drv, size_t *nd)
{
    if (!strcmp(opt, "-m")) {
        unsigned long long n = strtoull(val + 5, NULL, 10);
        const char *u = val + 5 + strspn(val + 5, "0123456789");
        s->mem_mib = *u == 'k' ? (n + 1023) / 1024 : n;
    } else if (!strcmp(opt, "-smp")) {
        s->smp = (unsigned)strtoul(val, NULL, 10);
    } else if (!strcmp(opt, "-vnc")) {
        s->vnc = 1;
    } else if (!strcmp(opt, "-spice")) {
        s->spice = 1;
    } else if (!strcmp(opt, "-device") && val[0] == '{' && *nd < 64) {
        json_t *j = json_loads(val, 0, NULL);
        const char *d = j ? json_string_value(json_object_get(j, "driver")) : NULL;
        if (d && is_compared(d))
            drv[(*nd)++] = strdup(d);
        json_decref(j);
    }
}

static void
summary_finish(struct summary *s, char **drv, size_t nd)
{
    qsort(drv, nd, sizeof(char *), cmp_str);
    s->devices[0] = '\0';
    for (size_t i = 0; i < nd; i++) {
        strncat(s->devices, drv[i], sizeof(s->devices) - strlen(s->devices) - 2);
        strcat(s->devices, " ");
        free(drv[i]);
    }
}

static void
summarize_argv(char **argv, struct summary *s)
{
    char *drv[64];
    size_t nd = 0;

    memset(s, 0, sizeof(*s));
    for (size_t i = 1; argv[i]; i++)
        if (argv[i][0] == '-' && argv[i + 1])
            summarize_opt(s, argv[i], argv[i + 1], drv, &nd);
    summary_finish(s, drv, nd);
}

/* libvirt's .args: one "-opt value \" per line, value maybe '...' quoted */
static int
summarize_args_file(const char *path, struct summary *s)
{
    char *text = lv_store_read(path, NULL, NULL), *line, *save = NULL;
    char *drv[64];
    size_t nd = 0;

    memset(s, 0, sizeof(*s));
    if (!text)
        return -1;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        char *sp;
        if (len >= 2 && !strcmp(line + len - 2, " \\"))
            line[len -= 2] = '\0';
        if (line[0] != '-' || !(sp = strchr(line, ' ')))
            continue;
        *sp++ = '\0';
        if (*sp == '\'') {
            sp++;
            if (sp[strlen(sp) - 1] == '\'')
                sp[strlen(sp) - 1] = '\0';
        }
        summarize_opt(s, line, sp, drv, &nd);
    }
    summary_finish(s, drv, nd);
    free(text);
    return 0;
}

static struct dom_def *
parse_file(const char *path, struct lv_err *err)
{
    size_t len;
    char *xml = lv_store_read(path, &len, err);
    struct dom_def *def = NULL;

    if (xml)
        def = dom_def_parse_xml(xml, len, path, DOM_PARSE_KEEP_UNKNOWN, err);
    free(xml);
    return def;
}

static int
conformance_one(const char *dir, const char *name)
{
    struct lv_err err = LV_ERR_INIT;
    char *xp = lv_asprintf("%s/domain/%s.xml", dir, name);
    char *ap = lv_asprintf("%s/domain/%s.x86_64-latest.args", dir, name);
    int taps[16] = { 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
                     111, 112, 113, 114, 115 };
    struct qemu_argv_opts o = { .run_dir = "/run/luavirt/qemu/test", .qmp_fd = 3,
                                .qmp_sup_fd = 4, .tap_fds = taps };
    struct dom_def *def = parse_file(xp, &err);
    struct summary mine, theirs;
    char **argv = NULL;
    int ok = 0;

    CHECK(def != NULL, "%s: parse: %s", name, err.msg);
    if (!def)
        goto out;
    o.accel_kvm = def->virt_type == DOM_VIRT_KVM;
    argv = qemu_argv_build(def, &o, &err);
    CHECK(argv != NULL, "%s: argv: %s", name, err.msg);
    if (!argv || summarize_args_file(ap, &theirs) < 0)
        goto out;
    summarize_argv(argv, &mine);
    CHECK(mine.mem_mib == theirs.mem_mib, "%s: -m %llu MiB, libvirt %llu MiB",
          name, mine.mem_mib, theirs.mem_mib);
    CHECK(mine.smp == theirs.smp, "%s: -smp %u, libvirt %u", name, mine.smp, theirs.smp);
    CHECK(!strcmp(mine.devices, theirs.devices), "%s: devices [%s], libvirt [%s]",
          name, mine.devices, theirs.devices);
    CHECK(mine.vnc == theirs.vnc && mine.spice == theirs.spice,
          "%s: vnc/spice %d/%d, libvirt %d/%d", name, mine.vnc, mine.spice,
          theirs.vnc, theirs.spice);
    ok = mine.mem_mib == theirs.mem_mib && mine.smp == theirs.smp &&
         !strcmp(mine.devices, theirs.devices) && mine.vnc == theirs.vnc &&
         mine.spice == theirs.spice;
    if (getenv("ARGV_SHOW")) {
        for (size_t i = 0; argv[i]; i++)
            printf("%s%s", argv[i], argv[i + 1] ? " " : "\n");
    }
out:
    lv_argv_free(argv);
    dom_def_free(def);
    free(xp);
    free(ap);
    return ok;
}

static void
test_conformance(void)
{
    const char *dir = harness_conformance_dir("argv conformance");
    size_t n = sizeof(conformance) / sizeof(conformance[0]), good = 0;

    if (!dir)
        return;
    for (size_t i = 0; i < n; i++)
        good += conformance_one(dir, conformance[i]);
    printf("argv: %zu/%zu match libvirt's device list\n", good, n);
}

/* --- hand-built definitions ------------------------------------------- */

static struct dom_def *
tiny_def(enum dom_virt_type vt)
{
    struct dom_def *d = dom_def_new();

    d->virt_type = vt;
    d->name = lv_strdup("tiny,vm");
    d->memory_kib = 100000;        /* 97.6 MiB -> 98 */
    d->vcpus = 2;
    d->os.type = lv_strdup("hvm");
    d->os.machine = lv_strdup("pc");
    return d;
}

static int
argv_has(char **argv, const char *s)
{
    for (size_t i = 0; argv && argv[i]; i++)
        if (!strcmp(argv[i], s))
            return 1;
    return 0;
}

static int
argv_contains(char **argv, const char *s)
{
    for (size_t i = 0; argv && argv[i]; i++)
        if (strstr(argv[i], s))
            return 1;
    return 0;
}

static void
test_accel(void)
{
    struct dom_def *d = tiny_def(DOM_VIRT_KVM);
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1,
                                .accel_kvm = 1 };
    struct lv_err err = LV_ERR_INIT;
    char **a;

    d->cpu.present = 1;
    d->cpu.mode = lv_strdup("host-passthrough");
    a = qemu_argv_build(d, &o, &err);
    CHECK(a && argv_has(a, "kvm") && argv_has(a, "host"), "kvm: -accel kvm -cpu host");
    CHECK(argv_has(a, "size=98M"), "memory rounds up to MiB");
    CHECK(argv_has(a, "2,sockets=2,cores=1,threads=1"), "smp default topology");
    CHECK(argv_has(a, "guest=tiny,,vm,debug-threads=on"), "name comma escaped");
    CHECK(argv_contains(a, "acpi=off"), "no <acpi/>: acpi=off");
    CHECK(argv_has(a, "socket,id=charmonitor,path=/tmp/rd/qmp.sock,server=on,wait=off"),
          "monitor path without fd");
    CHECK(argv_has(a, "none"), "no graphics: -display none");
    {
        /* libvirt's seccomp sandbox, right before -msg as in its .args */
        size_t n = 0;
        while (a && a[n])
            n++;
        CHECK(n > 4 && !strcmp(a[n - 4], "-sandbox") &&
              !strcmp(a[n - 3], "on,obsolete=deny,elevateprivileges=deny,"
                                "spawn=deny,resourcecontrol=deny") &&
              !strcmp(a[n - 2], "-msg"), "-sandbox on,... before -msg");
    }
    lv_argv_free(a);
    o.accel_kvm = 0;
    a = qemu_argv_build(d, &o, &err);
    CHECK(a && argv_has(a, "tcg") && argv_has(a, "max") && !argv_has(a, "host"),
          "tcg: -accel tcg -cpu max");
    lv_argv_free(a);
    dom_def_free(d);
}

static void
test_no_secret(void)
{
    struct dom_def *d = tiny_def(DOM_VIRT_QEMU);
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = 5, .qmp_sup_fd = 6 };
    struct lv_err err = LV_ERR_INIT;
    char **a;

    d->n_graphics = 2;
    d->graphics = lv_calloc(2, sizeof(*d->graphics));
    d->graphics[0].type = lv_strdup("vnc");
    d->graphics[0].port = -1;
    d->graphics[0].websocket = -1;
    d->graphics[0].passwd = lv_strdup("s3cr3t-vnc");
    d->graphics[1].type = lv_strdup("spice");
    d->graphics[1].port = 5930;
    d->graphics[1].tls_port = -1;
    d->graphics[1].passwd = lv_strdup("s3cr3t-spice");
    a = qemu_argv_build(d, &o, &err);
    CHECK(a != NULL, "graphics: %s", err.msg);
    CHECK(!argv_contains(a, "s3cr3t"), "a password is in the argv");
    CHECK(argv_contains(a, "password=on"), "vnc password=on");
    CHECK(argv_contains(a, "127.0.0.1:0,to=99"), "vnc autoport");
    CHECK(!argv_contains(a, "disable-ticketing"), "spice keeps ticketing on");
    CHECK(argv_has(a, "socket,id=charmonitor,fd=5,server=on,wait=off"), "monitor fd");
    CHECK(argv_contains(a, "\"cirrus-vga\""), "default video for graphics");
    lv_argv_free(a);
    dom_def_free(d);
}

static void
add_nic(struct dom_def *d, enum dom_net_type t)
{
    d->interfaces = lv_realloc(d->interfaces, (d->n_interfaces + 1) * sizeof(*d->interfaces));
    memset(&d->interfaces[d->n_interfaces], 0, sizeof(*d->interfaces));
    d->interfaces[d->n_interfaces].type = t;
    d->interfaces[d->n_interfaces].mac = lv_strdup("52:54:00:12:34:56");
    d->interfaces[d->n_interfaces].model = lv_strdup("virtio");
    d->interfaces[d->n_interfaces].source = lv_strdup("default");
    d->n_interfaces++;
}

static void
test_network_errors(void)
{
    struct dom_def *d = tiny_def(DOM_VIRT_QEMU);
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1 };
    struct lv_err err = LV_ERR_INIT;
    int fds[1] = { 42 };
    char **a;

    add_nic(d, DOM_NET_NETWORK);
    a = qemu_argv_build(d, &o, &err);
    CHECK(a == NULL && !strcmp(err.msg, "domain 'tiny,vm': interface '52:54:00:12:34:56': "
          "network interfaces need the network driver (not available yet)"),
          "no tap fd: %s", err.msg);
    lv_argv_free(a);
    o.tap_fds = fds;
    a = qemu_argv_build(d, &o, &err);
    CHECK(a && argv_has(a, "{\"type\":\"tap\",\"fd\":\"42\",\"id\":\"hostnet0\"}"),
          "tap by fd");
    lv_argv_free(a);
    o.tap_fds = NULL;
    o.for_display = 1;
    a = qemu_argv_build(d, &o, &err);
    CHECK(a && argv_contains(a, "\"fd\":\"-1\""), "for_display placeholder fd");
    lv_argv_free(a);
    dom_def_free(d);
}

static void
test_disk_errors_and_console(void)
{
    struct dom_def *d = tiny_def(DOM_VIRT_QEMU);
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1 };
    struct lv_err err = LV_ERR_INIT;
    char **a;

    d->n_disks = 1;
    d->disks = lv_calloc(1, sizeof(*d->disks));
    d->disks[0].source = lv_strdup("/tmp/x.qcow2");
    d->disks[0].driver_type = lv_strdup("qcow2");
    d->disks[0].target_dev = lv_strdup("vda");
    d->disks[0].target_bus = lv_strdup("foo");
    a = qemu_argv_build(d, &o, &err);
    CHECK(!a && !strcmp(err.msg, "domain 'tiny,vm': disk 'vda': unsupported disk bus 'foo'"),
          "bad bus: %s", err.msg);
    free(d->disks[0].target_bus);
    d->disks[0].target_bus = lv_strdup("virtio");
    d->n_chrs = 1;
    d->chrs = lv_calloc(1, sizeof(*d->chrs));
    d->chrs[0].kind = DOM_CHR_SERIAL;
    d->chrs[0].type = lv_strdup("pty");
    d->chrs[0].target_port = -1;
    d->on_reboot = DOM_LIFE_DESTROY;
    a = qemu_argv_build(d, &o, &err);
    CHECK(a != NULL, "disk+serial: %s", err.msg);
    CHECK(argv_has(a, "pty,id=charserial0,logfile=/tmp/rd/console.log,logappend=on"),
          "first serial pty is logged");
    CHECK(argv_contains(a, "\"driver\":\"qcow2\""), "qcow2 format node");
    CHECK(argv_contains(a, "\"bootindex\":1"), "default boot from hd");
    CHECK(argv_has(a, "-no-reboot") && !argv_has(a, "-no-shutdown"), "lifecycle");
    lv_argv_free(a);
    dom_def_free(d);
}

/* --- from XML ----------------------------------------------------------- */

static char **
argv_of(const char *xml, struct lv_err *err)
{
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1 };
    struct dom_def *d = dom_def_parse_xml(xml, strlen(xml), "t.xml", 0, err);
    char **a = d ? qemu_argv_build(d, &o, err) : NULL;

    dom_def_free(d);
    return a;
}

#define DOM_HEAD "<domain type='qemu'><name>c</name><memory>65536</memory>" \
    "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
#define DOM_TAIL "</devices></domain>"

/* Every chardev backend gets libvirt's QEMU 7.2 options. */
static void
test_chardev_backends(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(DOM_HEAD
        "<channel type='unix'><source mode='connect' path='/s'><reconnect "
        "enabled='yes' timeout='2'/></source><target type='virtio' name='u'/></channel>"
        "<channel type='tcp'><source mode='connect' host='h' service='7' tls='yes'/>"
        "<protocol type='telnet'/><target type='virtio' name='t'/></channel>"
        "<channel type='udp'><source mode='bind' host='127.0.0.1' service='1111'/>"
        "<source mode='connect' host='127.0.0.1' service='2222'/>"
        "<target type='virtio' name='d'/></channel>"
        "<channel type='qemu-vdagent'><source><clipboard copypaste='yes'/>"
        "<mouse mode='client'/></source><target type='virtio' name='v'/></channel>"
        "<channel type='dbus'><source channel='org.x'/><target type='virtio' "
        "name='b'/></channel>"
        "<channel type='pipe'><source path='/p'/><target type='guestfwd' "
        "address='10.0.2.1' port='4600'/></channel>"
        DOM_TAIL, &err);

    CHECK(a != NULL, "chardevs: %s", err.msg);
    CHECK(argv_has(a, "socket,id=charchannel0,path=/s,reconnect=2"), "unix reconnect");
    CHECK(argv_has(a, "socket,id=charchannel1,host=h,port=7,telnet=on,"
                   "tls-creds=objcharchannel1_tls0"), "tcp tls");
    CHECK(argv_contains(a, "\"endpoint\":\"client\""), "tls object");
    CHECK(argv_has(a, "udp,id=charchannel2,host=127.0.0.1,port=2222,"
                   "localaddr=127.0.0.1,localport=1111"), "udp bind+connect");
    CHECK(argv_has(a, "qemu-vdagent,id=charchannel3,name=vdagent,clipboard=on,mouse=on"),
          "vdagent options");
    CHECK(argv_has(a, "dbus,id=charchannel4,name=org.x"), "dbus");
    CHECK(argv_has(a, "{\"type\":\"user\",\"guestfwd\":[{\"str\":"
                   "\"tcp:10.0.2.1:4600-chardev:charchannel5\"}],\"id\":\"channel5\"}"),
          "guestfwd netdev");
    lv_argv_free(a);
    a = argv_of(DOM_HEAD "<channel type='spicevmc'><target type='virtio'/></channel>"
                DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "channel 'charchannel0': type 'spicevmc' needs "
                       "<graphics type='spice'>"), "spicevmc without spice: %s", err.msg);
    lv_argv_free(a);
}

/* A confined QEMU gets its listening unix chardev sockets as fds made by
 * luavirt (kvm/dom_chr_sock.c); a connecting one and a display keep the path. */
static void
test_chardev_fds(void)
{
    const char *xml = DOM_HEAD
        "<channel type='unix'><source mode='connect' path='/s'/>"
        "<target type='virtio' name='u'/></channel>"
        "<channel type='unix'><source mode='bind' path='/l.sock'/>"
        "<target type='virtio' name='l'/></channel>" DOM_TAIL;
    struct lv_err err = LV_ERR_INIT;
    int fds[2] = { 7, 9 };
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1,
                                .chr_fds = fds };
    struct dom_def *d = dom_def_parse_xml(xml, strlen(xml), "t.xml", 0, &err);
    char **a = d ? qemu_argv_build(d, &o, &err) : NULL;

    CHECK(a != NULL, "chardev fds: %s", err.msg);
    CHECK(argv_has(a, "socket,id=charchannel1,fd=9,server=on,wait=off"),
          "listening socket passed as fd");
    CHECK(argv_has(a, "socket,id=charchannel0,path=/s"), "connecting socket by path");
    lv_argv_free(a);
    o.for_display = 1;
    a = d ? qemu_argv_build(d, &o, &err) : NULL;
    CHECK(argv_has(a, "socket,id=charchannel1,path=/l.sock,server=on,wait=off"),
          "for display: the path");
    lv_argv_free(a);
    dom_def_free(d);
}

/* virtio-serial ports as libvirt assigns them: from 1, on the controller
 * the address names, a new controller when the ports run out. */
static void
test_vserial_ports(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(DOM_HEAD
        "<controller type='virtio-serial' index='0' ports='3'/>"
        "<channel type='pty'><target type='virtio' name='a'/></channel>"
        "<channel type='pty'><target type='virtio' name='b'/></channel>"
        "<channel type='pty'><target type='virtio' name='c'/></channel>"
        "<channel type='pty'><target type='virtio' name='d'/>"
        "<address type='virtio-serial' controller='0' bus='0' port='2'/></channel>"
        DOM_TAIL, &err);

    CHECK(a != NULL, "vserial: %s", err.msg);
    CHECK(argv_contains(a, "\"bus\":\"virtio-serial0.0\",\"nr\":1,\"chardev\":\"charchannel0\""),
          "first free port 1");
    CHECK(argv_contains(a, "\"bus\":\"virtio-serial1.0\",\"nr\":1,\"chardev\":\"charchannel1\""),
          "ports=3 full: a new controller 1");
    CHECK(argv_contains(a, "\"bus\":\"virtio-serial1.0\",\"nr\":2,\"chardev\":\"charchannel2\""),
          "then port 2 there");
    CHECK(argv_contains(a, "\"bus\":\"virtio-serial0.0\",\"nr\":2,\"chardev\":\"charchannel3\""),
          "explicit address");
    CHECK(argv_contains(a, "\"id\":\"virtio-serial1\"") &&
          argv_contains(a, "\"max_ports\":3"), "implicit controller 1, max_ports");
    lv_argv_free(a);
    a = argv_of(DOM_HEAD
        "<channel type='pty'><target type='virtio' name='a'/>"
        "<address type='virtio-serial' controller='0' bus='0' port='1'/></channel>"
        "<channel type='pty'><target type='virtio' name='b'/>"
        "<address type='virtio-serial' controller='0' bus='0' port='1'/></channel>"
        DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "channel 'b': virtio-serial port 1 of controller 0 "
                       "is taken twice"), "port twice: %s", err.msg);
    lv_argv_free(a);
    a = argv_of(DOM_HEAD
        "<channel type='pty'><target type='virtio' name='a'/></channel>"
        "<channel type='null'><target type='virtio' name='a'/></channel>"
        DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "channel 'a': the name is used by two virtio channels"),
          "name twice: %s", err.msg);
    lv_argv_free(a);
}

/* <redirdev> and <panic> give libvirt's devices. */
static void
test_redirdev_panic(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(DOM_HEAD
        "<graphics type='spice' port='5901'/>"
        "<redirdev bus='usb' type='spicevmc'><boot order='2'/></redirdev>"
        "<redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='4'/>"
        "<address type='usb' bus='0' port='5'/></redirdev>"
        "<panic/><panic model='pvpanic'/>"
        DOM_TAIL, &err);

    CHECK(a != NULL, "redirdev: %s", err.msg);
    CHECK(argv_has(a, "spicevmc,id=charredir0,name=usbredir"), "spicevmc usbredir");
    CHECK(argv_has(a, "{\"driver\":\"usb-redir\",\"chardev\":\"charredir0\",\"id\":"
                   "\"redir0\",\"bus\":\"usb.0\",\"port\":\"1\",\"bootindex\":2}"),
          "usb-redir with boot index");
    CHECK(argv_has(a, "socket,id=charredir1,host=h,port=4"), "tcp backend");
    CHECK(argv_contains(a, "\"id\":\"redir1\",\"bus\":\"usb.0\",\"port\":\"5\""),
          "usb address");
    CHECK(argv_has(a, "{\"driver\":\"pvpanic\"}"), "isa pvpanic");
    CHECK(argv_contains(a, "{\"driver\":\"pvpanic-pci\",\"id\":\"panic1\""), "pvpanic-pci");
    lv_argv_free(a);
    a = argv_of(DOM_HEAD "<panic model='hyperv'/>" DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "panic 'hyperv': unsupported model"), "hyperv: %s", err.msg);
    lv_argv_free(a);
}

/* NUMA cells, huge pages and numatune give libvirt's memory backends. */
static void
test_memory(void)
{
    struct host_mem hm = { .n_hugetlbfs = 2, .default_hugepage_kib = 2048,
                           .numa_online = "0-1" };
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1,
                                .host_mem = &hm };
    struct lv_err err = LV_ERR_INIT;
    const char *xml = "<domain type='qemu'><name>m</name>"
        "<memoryBacking><hugepages><page size='1' unit='GiB' nodeset='1'/>"
        "</hugepages><locked/><nosharepages/></memoryBacking>"
        "<vcpu>2</vcpu><numatune><memory mode='interleave' nodeset='0-1'/>"
        "<memnode cellid='0' mode='strict' nodeset='1'/></numatune>"
        "<os><type machine='pc'>hvm</type></os><cpu><numa>"
        "<cell id='1' cpus='1' memory='1' unit='GiB'/>"
        "<cell id='0' cpus='0' memory='1000' unit='KiB'><distances>"
        "<sibling id='1' value='20'/></distances></cell>"
        "</numa></cpu></domain>";
    struct dom_def *d;
    char **a = NULL;

    strcpy(hm.hugetlbfs[0].path, "/hp2M");
    hm.hugetlbfs[0].page_kib = 2048;
    strcpy(hm.hugetlbfs[1].path, "/hp1G");
    hm.hugetlbfs[1].page_kib = 1048576;
    d = dom_def_parse_xml(xml, strlen(xml), "m.xml", 0, &err);
    CHECK(d != NULL, "parse: %s", err.msg);
    CHECK(d && d->memory_kib == 1049576, "no <memory>: the cells' sum");
    if (getenv("ARGV_SHOW") && d && (a = qemu_argv_build(d, &o, &err)))
        for (size_t i = 0; a[i]; i++)
            printf("%s\n", a[i]);
    lv_argv_free(a);
    if (d)
        a = qemu_argv_build(d, &o, &err);
    CHECK(a != NULL, "argv: %s", err.msg);
    CHECK(argv_has(a, "size=1025M"), "-m: cells rounded up to MiB, summed");
    CHECK(argv_contains(a, "mem-merge=off") && argv_has(a, "mem-lock=on"),
          "nosharepages, locked");
    CHECK(argv_has(a, "{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\","
                   "\"size\":1048576,\"host-nodes\":[1],\"policy\":\"bind\"}"),
          "cell 0: plain RAM bound by its memnode");
    CHECK(argv_has(a, "{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node1\","
                   "\"mem-path\":\"/hp1G\",\"prealloc\":true,\"size\":1073741824,"
                   "\"host-nodes\":[0,1],\"policy\":\"interleave\"}"),
          "cell 1: 1 GiB pages, the <memory> policy");
    CHECK(argv_has(a, "node,nodeid=0,cpus=0,memdev=ram-node0") &&
          argv_has(a, "node,nodeid=1,cpus=1,memdev=ram-node1"), "nodes in id order");
    CHECK(argv_has(a, "dist,src=0,dst=1,val=20") && argv_has(a, "dist,src=1,dst=0,val=20")
          && argv_has(a, "dist,src=1,dst=1,val=10"), "distances mirrored");
    lv_argv_free(a);
    hm.n_hugetlbfs = 1;
    a = d ? qemu_argv_build(d, &o, &err) : NULL;
    CHECK(!a && strstr(err.msg, "no hugetlbfs is mounted for 1048576 KiB pages"),
          "missing mount: %s", err.msg);
    lv_argv_free(a);
    dom_def_free(d);
    a = argv_of("<domain type='qemu'><name>m</name><memory>65536</memory><vcpu>2</vcpu>"
                "<os><type>hvm</type></os><cpu><numa><cell id='0' cpus='0' memory='1'/>"
                "<cell id='0' cpus='1' memory='1'/></numa></cpu></domain>", &err);
    CHECK(!a && strstr(err.msg, "cell ids must be 0..1, each once (id 0 is given twice)"),
          "duplicate cell id: %s", err.msg);
    lv_argv_free(a);
    a = argv_of("<domain type='qemu'><name>m</name><memory>65536</memory><vcpu>2</vcpu>"
                "<os><type>hvm</type></os><cpu><numa><cell id='0' cpus='0-2' memory='1'/>"
                "</numa></cpu></domain>", &err);
    CHECK(!a && strstr(err.msg, "cell 0: cpus='0-2' names a CPU beyond the <vcpu> count"),
          "cpus beyond vcpus: %s", err.msg);
    lv_argv_free(a);
}

/* Network disk protocols and backing chains give libvirt's -blockdev. */
static void
test_network_disks(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(DOM_HEAD
        "<disk type='network'><driver type='raw'/><source protocol='https' "
        "name='img/a.raw' query='x=1'><host name='h' port='8443'/></source>"
        "<target dev='vda'/></disk>"
        "<disk type='network'><source protocol='iscsi' name='iqn.2013-07.org.x:p/2'>"
        "<host name='10.0.0.1'/></source><target dev='vdb'/></disk>"
        "<disk type='network'><source protocol='rbd' name='pool/image@snap'>"
        "<host name='m1' port='6321'/><host name='m2'/></source><target dev='vdc'/></disk>"
        "<disk type='network'><source protocol='gluster' name='vol/dir/f.img'>"
        "<host name='g1'/></source><target dev='vdd'/></disk>"
        "<disk type='file'><driver type='qcow2'/><source file='/t.qcow2'/>"
        "<backingStore type='network'><format type='qcow2'/>"
        "<source protocol='nbd' name='e'><host name='n' port='9'/></source>"
        "<backingStore type='file'><format type='raw'/><source file='/b.raw'/>"
        "</backingStore></backingStore><target dev='vde'/></disk>"
        "<disk type='file'><driver type='qcow2'/><source file='/u.qcow2'/>"
        "<backingStore/><target dev='vdf'/></disk>"
        DOM_TAIL, &err);

    CHECK(a != NULL, "network disks: %s", err.msg);
    CHECK(argv_contains(a, "{\"driver\":\"https\",\"url\":\"https://h:8443/img/a.raw?x=1\""),
          "https url");
    CHECK(argv_contains(a, "{\"driver\":\"iscsi\",\"portal\":\"10.0.0.1:3260\",\"target\":"
                        "\"iqn.2013-07.org.x:p\",\"transport\":\"tcp\",\"lun\":2"), "iscsi");
    CHECK(argv_contains(a, "{\"driver\":\"rbd\",\"pool\":\"pool\",\"image\":\"image\","
                        "\"snapshot\":\"snap\",\"server\":[{\"host\":\"m1\",\"port\":"
                        "\"6321\"},{\"host\":\"m2\",\"port\":\"6789\"}]"), "rbd");
    CHECK(argv_contains(a, "{\"driver\":\"gluster\",\"volume\":\"vol\",\"path\":\"dir/f.img\","
                        "\"server\":[{\"type\":\"inet\",\"host\":\"g1\",\"port\":\"24007\"}]"),
          "gluster");
    CHECK(argv_contains(a, "{\"driver\":\"file\",\"filename\":\"/b.raw\",\"node-name\":"
                        "\"disk4-b1-storage\",\"read-only\":true}"), "bottom layer first");
    CHECK(argv_contains(a, "\"driver\":\"qcow2\",\"file\":\"disk4-b0-storage\",\"backing\":"
                        "\"disk4-b1-storage\""), "nbd layer over the raw one");
    CHECK(argv_contains(a, "\"file\":\"disk4-storage\",\"backing\":\"disk4-b0-format\""),
          "top over the chain");
    CHECK(argv_contains(a, "\"file\":\"disk5-storage\",\"backing\":null"),
          "<backingStore/>: no backing");
    lv_argv_free(a);
    a = argv_of(DOM_HEAD "<disk type='network'><auth username='u'><secret type='ceph' "
                "usage='x'/></auth><source protocol='rbd' name='p/i'><host name='m'/>"
                "</source><target dev='vda'/></disk>" DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "disk 'vda': <auth> needs a secret"), "auth: %s", err.msg);
    lv_argv_free(a);
    a = argv_of(DOM_HEAD "<disk type='network'><source protocol='sheepdog' name='x'>"
                "<host name='m'/></source><target dev='vda'/></disk>" DOM_TAIL, &err);
    CHECK(!a && strstr(err.msg, "unsupported network protocol 'sheepdog'"), "sheepdog: %s",
          err.msg);
    lv_argv_free(a);
}

int
main(void)
{
    test_accel();
    test_no_secret();
    test_network_errors();
    test_disk_errors_and_console();
    test_chardev_backends();
    test_chardev_fds();
    test_vserial_ports();
    test_redirdev_panic();
    test_memory();
    test_network_disks();
    test_conformance();
    return TEST_DONE();
}
