/* dom_pci_live.h - where a PCI device hotplugged into a running guest goes. */
#ifndef LV_DOM_PCI_LIVE_H
#define LV_DOM_PCI_LIVE_H

#include <jansson.h>

#include "dom_def.h"
#include "err.h"
#include "qmp.h"

/* Give dev (a device_add argument without a "bus") the bus it must go to:
 * on Q35 an empty pcie-root-port found with query-pci; nothing to do on
 * other machines or when dev has a bus. 0, or -1 with err (no free root
 * port, or QMP failed). */
int dom_pci_hotplug_bus(struct qmp *q, const struct dom_def *live, json_t *dev,
                        struct lv_err *err);

#endif
