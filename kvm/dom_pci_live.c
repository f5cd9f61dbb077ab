/* dom_pci_live.c - the bus a hotplugged PCI device goes to (dom_pci_live.h).
 * Q35's pcie.0 takes no hotplug: as libvirt does, a device goes into an
 * empty PCIe root port (the spare one start adds, or any listed one left
 * free). On i440fx, QEMU's own choice of a free slot of pci.0 is right. */
#include <string.h>

#include "dom_pci_live.h"
#include "dom_session.h"

/* Is the device on bus 0 an empty pcie-root-port? */
static int
empty_root_port(struct qmp *q, json_t *d)
{
    json_t *br = json_object_get(d, "pci_bridge");
    const char *id = json_string_value(json_object_get(d, "qdev_id"));
    json_t *r;
    char path[96];
    int ok;

    if (!br || !id || !*id || json_array_size(json_object_get(br, "devices")) > 0)
        return 0;
    snprintf(path, sizeof(path), "/machine/peripheral/%s", id);
    r = dom_qmp_run(q, "qom-get", json_pack("{s:s, s:s}", "path", path,
                                             "property", "type"), NULL);
    ok = json_is_string(r) && !strcmp(json_string_value(r), "pcie-root-port");
    json_decref(r);
    return ok;
}

int
dom_pci_hotplug_bus(struct qmp *q, const struct dom_def *live, json_t *dev,
                    struct lv_err *err)
{
    json_t *r, *bus0 = NULL;
    const char *found = NULL;
    size_t i;
    json_t *d;

    if (!dom_machine_is_q35(live->os.machine) || json_object_get(dev, "bus"))
        return 0;
    if (!(r = dom_qmp_run(q, "query-pci", json_object(), err)))
        return -1;
    json_array_foreach(r, i, d)
        if (json_integer_value(json_object_get(d, "bus")) == 0)
            bus0 = json_object_get(d, "devices");
    json_array_foreach(bus0, i, d)
        if (!found && empty_root_port(q, d))
            found = json_string_value(json_object_get(d, "qdev_id"));
    if (found) {
        json_object_set_new(dev, "bus", json_string(found));
        json_object_set_new(dev, "addr", json_string("0x0"));
    } else {
        lv_err_set(err, LV_E_BUSY, "domain '%s': no free PCIe root port to plug "
                   "the device into (Q35's pcie.0 takes no hotplug; define one "
                   "more <controller type='pci' model='pcie-root-port'/>)", live->name);
    }
    json_decref(r);
    return found ? 0 : -1;
}
