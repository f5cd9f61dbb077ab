/* dom_table_priv.h - the shapes of a domain's device lists, defined in
 * dom_table_devices.c for dom_table.c (the engine is table_shape.h).
 * Private to core/dom_table*.c. */
#ifndef LV_DOM_TABLE_PRIV_H
#define LV_DOM_TABLE_PRIV_H

#include "table_shape.h"

#define F_ADDRESS(m)       F_STRUCT("address", m, &dt_address)

extern const struct dt_struct dt_address;
extern const struct dt_array dt_disks, dt_controllers, dt_interfaces,
    dt_serials, dt_parallels, dt_consoles, dt_channels, dt_inputs,
    dt_graphics, dt_videos, dt_sounds, dt_rngs, dt_watchdogs, dt_audios,
    dt_tpms, dt_redirdevs, dt_panics;
extern const struct dt_struct dt_memballoon;

#endif
