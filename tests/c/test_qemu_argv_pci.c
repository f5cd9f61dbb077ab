/* test_qemu_argv_pci.c - where the argv builder puts PCI devices without an
 * address (qemu_argv_pci.c), against what libvirt 9.0's domxml-to-native
 * gives for the same XML on Debian 12: on Q35 a root port per PCI Express
 * device (listed index-less ones first, then added ones and one spare),
 * conventional devices behind a pcie-to-pci-bridge, the primary video at
 * 0x1, ICH9 audio at 0x1b, a listed USB controller without a model is
 * piix3-uhci; on pc the next free slot of pci.0. Also: define refuses
 * what the builder refuses (dom_check). */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
#include "dom_xml.h"
#include "harness.h"
#include "kvm/qemu_argv.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

static char **
argv_of(const char *xml, struct lv_err *err)
{
    struct qemu_argv_opts o = { .run_dir = "/tmp/rd", .qmp_fd = -1, .qmp_sup_fd = -1,
                                .for_display = 1 };
    struct dom_def *d = dom_def_parse_xml(xml, strlen(xml), "t.xml", 0, err);
    char **a = d ? qemu_argv_build(d, &o, err) : NULL;

    dom_def_free(d);
    return a;
}

/* The -device whose key has value val (the first), and its position. */
static json_t *
device(char **a, const char *key, const char *val, int *pos)
{
    for (int i = 0; a && a[i]; i++) {
        json_t *j;
        const char *v;
        if (strcmp(a[i], "-device") || !a[i + 1] || a[i + 1][0] != '{')
            continue;
        j = json_loads(a[i + 1], 0, NULL);
        v = json_string_value(json_object_get(j, key));
        if (v && !strcmp(v, val)) {
            if (pos)
                *pos = i;
            return j;
        }
        json_decref(j);
    }
    return NULL;
}

static int
count_driver(char **a, const char *drv)
{
    int n = 0;
    char pat[96];

    snprintf(pat, sizeof(pat), "\"driver\":\"%s\"", drv);
    for (int i = 0; a && a[i]; i++)
        n += strstr(a[i], pat) != NULL;
    return n;
}

/* Is the device with key=val on bus at addr? */
static int
placed(char **a, const char *key, const char *val, const char *bus, const char *addr)
{
    json_t *j = device(a, key, val, NULL);
    int ok = j && !strcmp(json_string_value(json_object_get(j, "bus")), bus) &&
             !strcmp(json_string_value(json_object_get(j, "addr")), addr);

    if (!ok)
        printf("  %s=%s: bus %s addr %s\n", key, val,
               j ? json_string_value(json_object_get(j, "bus")) : "-",
               j ? json_string_value(json_object_get(j, "addr")) : "-");
    json_decref(j);
    return ok;
}

#define Q35 "<domain type='qemu'><name>q</name><memory>262144</memory>" \
    "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
#define PC "<domain type='qemu'><name>p</name><memory>262144</memory>" \
    "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
#define DEVS "<disk type='file' device='disk'><source file='/d.qcow2'/>" \
    "<target dev='vda' bus='virtio'/></disk>" \
    "<graphics type='vnc'/><video><model type='vga'/></video>" \
    "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>" \
    "<sound model='ich9'/>"
#define TAIL "</devices></domain>"
#define RP "<controller type='pci' model='pcie-root-port'/>"

/* virt-install's q35: index-less root ports take 1..3 and fill slot 1's
 * functions (0x1 holds none: the video has it), devices take them in turn,
 * more are added when they run out. */
static void
test_q35_listed_ports(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(Q35 "<controller type='pci' model='pcie-root'/>" RP RP RP
                       "<controller type='usb' model='qemu-xhci'/>" DEVS TAIL, &err);
    json_t *j;
    int p_rp = -1, p_dev = -1;

    CHECK(a != NULL, "q35 with root ports: %s", err.msg);
    if (!a)
        return;
    /* xhci, disk, balloon, rng: one added, no spare (the domain lists some) */
    CHECK(count_driver(a, "pcie-root-port") == 4, "3 listed root ports and 1 added: %d",
          count_driver(a, "pcie-root-port"));
    j = device(a, "id", "pci.1", NULL);
    CHECK(j && json_is_true(json_object_get(j, "multifunction")) &&
          !strcmp(json_string_value(json_object_get(j, "addr")), "0x2") &&
          json_integer_value(json_object_get(j, "port")) == 16, "pci.1: 0x2, port 16");
    json_decref(j);
    CHECK(placed(a, "id", "pci.3", "pcie.0", "0x2.0x2"), "pci.3 at 0x2.0x2");
    CHECK(placed(a, "driver", "qemu-xhci", "pci.1", "0x0"), "xhci on the first port");
    CHECK(placed(a, "driver", "virtio-blk-pci", "pci.2", "0x0"), "disk on a port");
    CHECK(placed(a, "driver", "VGA", "pcie.0", "0x1"), "primary video at 0x1");
    CHECK(placed(a, "driver", "ich9-intel-hda", "pcie.0", "0x1b"), "ICH9 audio at 0x1b");
    CHECK(placed(a, "id", "pci.4", "pcie.0", "0x2.0x3"), "an added port after the listed");
    json_decref(device(a, "id", "pci.4", &p_rp));
    json_decref(device(a, "bus", "pci.4", &p_dev));
    CHECK(p_rp > 0 && p_rp < p_dev, "an added root port comes before its device");
    lv_argv_free(a);
}

/* None listed: one per PCIe device, plus libvirt's spare for hotplug;
 * conventional devices behind one added pcie-to-pci-bridge. */
static void
test_q35_added(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(Q35 DEVS "<interface type='user'><model type='e1000'/></interface>"
                       "<watchdog model='i6300esb'/>" TAIL, &err);
    json_t *br;

    CHECK(a != NULL, "q35 without root ports: %s", err.msg);
    if (!a)
        return;
    /* xhci, disk, balloon, rng, the bridge, the spare */
    CHECK(count_driver(a, "pcie-root-port") == 6, "root ports: %d",
          count_driver(a, "pcie-root-port"));
    CHECK(count_driver(a, "pcie-pci-bridge") == 1, "one pcie-to-pci-bridge");
    br = device(a, "driver", "pcie-pci-bridge", NULL);
    CHECK(br && !strncmp(json_string_value(json_object_get(br, "bus")), "pci.", 4),
          "the bridge sits on a root port");
    if (br) {
        const char *id = json_string_value(json_object_get(br, "id"));
        CHECK(placed(a, "driver", "e1000", id, "0x1"), "e1000 behind the bridge, slot 1");
        CHECK(placed(a, "driver", "i6300esb", id, "0x2"), "watchdog behind it, slot 2");
    }
    json_decref(br);
    CHECK(count_driver(a, "qemu-xhci") == 1, "the USB controller libvirt adds: qemu-xhci");
    lv_argv_free(a);

    /* nothing needs a port: none added, no spare */
    a = argv_of(Q35 "<controller type='usb' model='none'/><memballoon model='none'/>" TAIL,
                &err);
    CHECK(a && count_driver(a, "pcie-root-port") == 0, "no root ports: %s", err.msg);
    lv_argv_free(a);
}

/* A listed USB controller without a model is piix3-uhci, on q35 too, and
 * goes behind the bridge there. */
static void
test_usb_default(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(Q35 "<controller type='usb' index='0'/>" TAIL, &err);

    CHECK(a && count_driver(a, "piix3-usb-uhci") == 1 && count_driver(a, "qemu-xhci") == 0,
          "listed usb without model on q35: piix3-uhci (%s)", err.msg);
    lv_argv_free(a);
    a = argv_of(PC DEVS TAIL, &err);
    CHECK(a && count_driver(a, "piix3-usb-uhci") == 1, "pc default: piix3-uhci");
    CHECK(placed(a, "driver", "piix3-usb-uhci", "pci.0", "0x1.0x2"), "PIIX3 USB at 1.2");
    CHECK(placed(a, "driver", "VGA", "pci.0", "0x2"), "pc video at 0x2");
    CHECK(count_driver(a, "pcie-root-port") == 0, "no root ports on pc");
    /* libvirt's order: sound before disks */
    CHECK(placed(a, "driver", "ich9-intel-hda", "pci.0", "0x3"), "pc: sound first");
    CHECK(placed(a, "driver", "virtio-blk-pci", "pci.0", "0x4"), "pc: then the disk");
    lv_argv_free(a);
}

/* Explicit addresses are kept; a device on a listed port keeps it busy. */
static void
test_explicit(void)
{
    struct lv_err err = LV_ERR_INIT;
    char **a = argv_of(Q35 "<controller type='pci' index='1' model='pcie-root-port'>"
                       "<address type='pci' domain='0' bus='0' slot='3' function='0'/>"
                       "</controller>"
                       "<controller type='usb' model='qemu-xhci'>"
                       "<address type='pci' domain='0' bus='1' slot='0' function='0'/>"
                       "</controller><memballoon model='virtio'/>" TAIL, &err);

    CHECK(a != NULL, "explicit: %s", err.msg);
    CHECK(placed(a, "id", "pci.1", "pcie.0", "0x3"), "root port where the XML says");
    CHECK(placed(a, "driver", "qemu-xhci", "pci.1", "0x0"), "xhci where the XML says");
    CHECK(placed(a, "driver", "virtio-balloon-pci", "pci.2", "0x0"),
          "balloon on an added port: the listed one is busy");
    lv_argv_free(a);
}

/* "driver bus addr" of every -device on a PCI bus, sorted, one per line,
 * from an argv (ours) or the text of libvirt's .args (-device '{...}'). */
static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_placed(struct strbuf *lines, const char *json)
{
    json_t *j = json_loads(json, 0, NULL);
    const char *bus = json_string_value(json_object_get(j, "bus"));
    const char *addr = json_string_value(json_object_get(j, "addr"));

    if (bus && addr && !strncmp(bus, "pci", 3))
        strbuf_addf(lines, "%s %s %s\n",
                    json_string_value(json_object_get(j, "driver")), bus, addr);
    json_decref(j);
}

static char *
sorted_lines(struct strbuf *in)
{
    char *text = strbuf_steal(in);
    char *v[512], *save = NULL, *out;
    size_t n = 0;
    struct strbuf b = STRBUF_INIT;

    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l && n < 512; l = strtok_r(NULL, "\n", &save))
        v[n++] = l;
    qsort(v, n, sizeof(v[0]), cmp_str);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&b, "%s\n", v[i]);
    out = strbuf_steal(&b);
    free(text);
    return out ? out : lv_strdup("");
}

/* Every client XML of tests/data/clients (virt-install --print-xml and
 * virsh dumpxml) puts each PCI device on the bus and address libvirt's
 * domxml-to-native gave it: the guest sees the same PCI topology (and
 * names its NICs and disks the same). */
static void
test_clients_same_addresses(void)
{
    DIR *d = opendir("tests/data/clients");
    struct dirent *e;
    int n = 0, same = 0;

    if (!d) {
        SKIP("client corpus", "no tests/data/clients here");
        return;
    }
    while ((e = readdir(d))) {
        char path[512], *xml, *args, *p, *ours, *theirs;
        struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        struct lv_err err = LV_ERR_INIT;
        size_t len = strlen(e->d_name);
        char **argv;

        if (len < 5 || strcmp(e->d_name + len - 4, ".xml"))
            continue;
        snprintf(path, sizeof(path), "tests/data/clients/%.*s.args", (int)(len - 4), e->d_name);
        if (!(args = lv_store_read(path, NULL, NULL)))
            continue;
        snprintf(path, sizeof(path), "tests/data/clients/%s", e->d_name);
        xml = lv_store_read(path, NULL, NULL);
        argv = xml ? argv_of(xml, &err) : NULL;
        CHECK(argv != NULL, "%s: %s", e->d_name, err.msg);
        for (int i = 0; argv && argv[i]; i++)
            if (!strcmp(argv[i], "-device") && argv[i + 1] && argv[i + 1][0] == '{')
                add_placed(&a, argv[i + 1]);
        for (p = strstr(args, "-device '{"); p; p = strstr(p + 1, "-device '{")) {
            char *end = strchr(p + 9, '\'');
            if (!end)
                break;
            *end = '\0';
            add_placed(&b, p + 9);
            *end = '\'';
        }
        ours = sorted_lines(&a);
        theirs = sorted_lines(&b);
        n++;
        same += !strcmp(ours, theirs);
        CHECK(!strcmp(ours, theirs), "%s: PCI placement differs from libvirt's:\n"
              "ours:\n%stheirs:\n%s", e->d_name, ours, theirs);
        free(ours);
        free(theirs);
        free(xml);
        free(args);
        lv_argv_free(argv);
    }
    closedir(d);
    printf("  clients: %d of %d on libvirt's PCI bus and address\n", same, n);
}

int
main(void)
{
    test_q35_listed_ports();
    test_q35_added();
    test_usb_default();
    test_explicit();
    test_clients_same_addresses();
    return TEST_DONE();
}
