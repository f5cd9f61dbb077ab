/* test_device_xml.c - one device element parsed alone
 * (dom_def_parse_device_xml), as update-device and attach-device take it:
 * the device, the element asked for, unsupported devices and bad XML named. */
#include <string.h>

#include "dom_xml.h"
#include "harness.h"

static struct dom_def *
parse(const char *xml, const char *want, struct lv_err *err)
{
    lv_err_clear(err);
    return dom_def_parse_device_xml(xml, xml ? strlen(xml) : 0, want, err);
}

int
main(void)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d;

    d = parse("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
              "<source file='/tmp/a.iso'/><target dev='sda' bus='sata'/>"
              "<readonly/></disk>", "disk", &err);
    CHECK(d && d->n_disks == 1 && !strcmp(d->disks[0].target_dev, "sda") &&
          d->disks[0].device == DOM_DISK_CDROM && !strcmp(d->disks[0].source, "/tmp/a.iso"),
          "a cdrom <disk>: %s", err.msg);
    dom_def_free(d);
    d = parse("<interface type='network'><source network='default'/></interface>",
              NULL, &err);
    CHECK(d && d->n_interfaces == 1, "any device: an <interface>: %s", err.msg);
    dom_def_free(d);
    d = parse("<interface type='network'><source network='default'/></interface>",
              "disk", &err);
    CHECK(!d && err.code == LV_E_XML &&
          strstr(err.msg, "expected a <disk> element, got <interface>"), "%s", err.msg);
    d = parse("<hostdev mode='subsystem' type='pci'/>", NULL, &err);
    CHECK(!d && strstr(err.msg, "unsupported device <hostdev>"), "%s", err.msg);
    d = parse("<disk type='file'><target dev='vda'/>", "disk", &err);
    CHECK(!d && err.code == LV_E_XML && strstr(err.msg, "malformed XML"), "%s", err.msg);
    d = parse("<disk type='file' bogus='1'><target dev='vda'/></disk>", "disk", &err);
    CHECK(!d && strstr(err.msg, "unsupported attribute 'bogus' in <disk>"), "%s", err.msg);
    d = parse(NULL, "disk", &err);
    CHECK(!d && strstr(err.msg, "no XML"), "no XML: %s", err.msg);
    return TEST_DONE();
}
