/* dom_table_devices.c - the table shape of each device of a domain (disks,
 * interfaces, serials, ...) as field lists for dom_table.c, plus what a
 * device needs after reading: interface MACs checked or generated. */
#include "dom_table_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <uuid/uuid.h>

#include "dom_def.h"
#include "mac.h"
#include "strbuf.h"

/* ---- enums ---- */

static const char *
disk_type_str(int v)
{
    return dom_disk_type_to_str((enum dom_disk_type)v);
}

static const char *
disk_device_str(int v)
{
    return dom_disk_device_to_str((enum dom_disk_device)v);
}

static const char *
net_type_str(int v)
{
    return dom_net_type_to_str((enum dom_net_type)v);
}

static const struct dt_enum en_disk_type = {
    disk_type_str, dom_disk_type_from_str
};
static const struct dt_enum en_disk_device = {
    disk_device_str, dom_disk_device_from_str
};
static const struct dt_enum en_net_type = {
    net_type_str, dom_net_type_from_str
};

/* ---- address: {type="pci", domain="0x0000", bus="0x00", ...} ---- */

#define T struct dom_address
static const struct dt_field address_fields[] = {
    F_STR("type", type),
    F_REST(attrs),
    F_END
};
#undef T
const struct dt_struct dt_address = { .fields = address_fields };

/* ---- disks ---- */

#define T struct dom_disk_host
static const struct dt_field disk_host_fields[] = {
    F_STR("name", name),
    F_STR("port", port),
    F_STR("transport", transport),
    F_STR("socket", socket),
    F_END
};
#undef T
static const struct dt_struct disk_host_st = { .fields = disk_host_fields };
static const struct dt_array disk_host_arr = {
    .size = sizeof(struct dom_disk_host), .st = &disk_host_st, .kind = -1,
};

#define T struct dom_disk_layer
static const struct dt_field disk_layer_fields[] = {
    F_ENUM("type", type, &en_disk_type),
    F_STR("index", index),
    F_STR("format", format),
    F_STR("source", source),
    F_ATTRS("source_attrs", source_attrs),
    F_ARRAY("hosts", hosts, n_hosts, &disk_host_arr),
    F_KEEP("source_extra_xml", source_keep),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct disk_layer_st = { .fields = disk_layer_fields };
static const struct dt_array disk_layer_arr = {
    .size = sizeof(struct dom_disk_layer), .st = &disk_layer_st, .kind = -1,
};

#define T struct dom_disk
static const struct dt_field disk_fields[] = {
    F_ENUM("type", type, &en_disk_type),
    F_ENUM("device", device, &en_disk_device),
    F_ATTRS("attrs", attrs),
    F_STR("driver", driver_name),
    F_STR("format", driver_type),
    F_STR("cache", driver_cache),
    F_STR("io", driver_io),
    F_STR("discard", driver_discard),
    F_ATTRS("driver_attrs", driver_attrs),
    F_STR("source", source),
    F_STR("pool", source_pool),
    F_STR("volume", source_volume),
    F_ATTRS("source_attrs", source_attrs),
    F_KEEP("source_extra_xml", source_keep),
    F_ARRAY("hosts", hosts, n_hosts, &disk_host_arr),
    F_ARRAY("backing", chain, n_chain, &disk_layer_arr),
    F_BOOL("backing_end", chain_end),
    F_STR("target", target_dev),
    F_STR("bus", target_bus),
    F_STR("tray", target_tray),
    F_ATTRS("target_attrs", target_attrs),
    F_BOOL("readonly", readonly),
    F_BOOL("shareable", shareable),
    F_BOOL("transient", transient),
    F_INT("boot_order", boot_order, 0),
    F_STR("serial", serial),
    F_STR("wwn", wwn),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct disk_st = { .fields = disk_fields };
const struct dt_array dt_disks = {
    .size = sizeof(struct dom_disk), .st = &disk_st, .kind = -1,
};

/* ---- controllers ---- */

static void
controller_init(void *elem)
{
    ((struct dom_controller *)elem)->index = -1;
}

#define T struct dom_controller
static const struct dt_field controller_fields[] = {
    F_STR("type", type),
    F_INT("index", index, -1),
    F_STR("model", model),
    F_ATTRS("attrs", attrs),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct controller_st = { .fields = controller_fields };
const struct dt_array dt_controllers = {
    .size = sizeof(struct dom_controller), .st = &controller_st, .kind = -1,
    .init = controller_init,
};

/* ---- interfaces ---- */

/* A generated MAC when none was given; else the one rule of dom_def.c. */
static int
interface_post(void *elem, const char *path, struct lv_err *err)
{
    struct dom_interface *x = elem;
    char norm[18];

    if (!x->mac) {
        x->mac = lv_mac_generate();
        return 0;
    }
    if (lv_mac_normalize(x->mac, norm) < 0) {
        lv_err_set(err, LV_E_INVALID, "domain table: '%s.mac': invalid MAC "
                   "address '%s': expected a unicast address like "
                   "52:54:00:12:34:56", path, x->mac);
        return -1;
    }
    memcpy(x->mac, norm, sizeof(norm));
    return 0;
}

#define T struct dom_interface
static const struct dt_field interface_fields[] = {
    F_ENUM("type", type, &en_net_type),
    F_STR("mac", mac),
    F_STR("source", source),
    F_STR("source_mode", source_mode),
    F_ATTRS("source_attrs", source_attrs),
    F_KEEP("source_extra_xml", source_keep),
    F_STR("model", model),
    F_STR("target", target_dev),
    F_STR("target_managed", target_managed),
    F_STR("link_state", link_state),
    F_INT("mtu", mtu, 0),
    F_INT("boot_order", boot_order, 0),
    F_STR("driver", driver_name),
    F_INT("queues", driver_queues, 0),
    F_ATTRS("driver_attrs", driver_attrs),
    F_KEEP("driver_extra_xml", driver_keep),
    F_ATTRS("attrs", attrs),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct interface_st = { .fields = interface_fields };
const struct dt_array dt_interfaces = {
    .size = sizeof(struct dom_interface), .st = &interface_st, .kind = -1,
    .post = interface_post,
};

/* ---- serials, parallels, consoles, channels: one def->chrs array ---- */

static void
chr_init(void *elem)
{
    ((struct dom_chr *)elem)->target_port = -1;
    ((struct dom_chr *)elem)->reconnect_timeout = -1;
}

#define T struct dom_chr
static const struct dt_field chr_fields[] = {
    F_STR("type", type),
    F_STR("source", source_path),
    F_STR("source_mode", source_mode),
    F_STR("source_host", source_host),
    F_STR("source_service", source_service),
    F_ATTRS("source_attrs", source_attrs),
    F_KEEP("source_extra_xml", source_keep),
    F_STR("source2_mode", source2_mode),
    F_STR("source2_host", source2_host),
    F_STR("source2_service", source2_service),
    F_TRI("reconnect", reconnect),
    F_INT("reconnect_timeout", reconnect_timeout, -1),
    F_TRI("clipboard", clipboard),
    F_STR("mouse_mode", mouse_mode),
    F_STR("protocol", protocol),
    F_STR("target_type", target_type),
    F_INT("target_port", target_port, -1),
    F_STR("target_name", target_name),
    F_STR("target_model", target_model),
    F_ATTRS("target_attrs", target_attrs),
    F_STR("log_file", log_file),
    F_STR("log_append", log_append),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct chr_st = { .fields = chr_fields };

#define CHR_ARRAY(k) {                                                  \
        .size = sizeof(struct dom_chr), .st = &chr_st, .kind = (k),     \
        .kind_off = offsetof(struct dom_chr, kind), .init = chr_init,   \
    }
const struct dt_array dt_serials = CHR_ARRAY(DOM_CHR_SERIAL);
const struct dt_array dt_parallels = CHR_ARRAY(DOM_CHR_PARALLEL);
const struct dt_array dt_consoles = CHR_ARRAY(DOM_CHR_CONSOLE);
const struct dt_array dt_channels = CHR_ARRAY(DOM_CHR_CHANNEL);

/* ---- inputs ---- */

#define T struct dom_input
static const struct dt_field input_fields[] = {
    F_STR("type", type),
    F_STR("bus", bus),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_END
};
#undef T
static const struct dt_struct input_st = { .fields = input_fields };
const struct dt_array dt_inputs = {
    .size = sizeof(struct dom_input), .st = &input_st, .kind = -1,
};

/* ---- graphics ---- */

static void
graphics_init(void *elem)
{
    struct dom_graphics *x = elem;

    x->port = -1;
    x->tls_port = -1;
    x->websocket = -1;
}

#define T struct dom_graphics
static const struct dt_field graphics_fields[] = {
    F_STR("type", type),
    F_INT("port", port, -1),
    F_TRI("autoport", autoport),
    F_INT("tls_port", tls_port, -1),
    F_INT("websocket", websocket, -1),
    F_STR("listen", listen),
    F_STR("listen_type", listen_type),
    F_STR("listen_network", listen_network),
    F_STR("listen_socket", listen_socket),
    F_STR("passwd", passwd),
    F_STR("passwd_valid_to", passwd_valid_to),
    F_STR("keymap", keymap),
    F_ATTRS("attrs", attrs),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct graphics_st = { .fields = graphics_fields };
const struct dt_array dt_graphics = {
    .size = sizeof(struct dom_graphics), .st = &graphics_st, .kind = -1,
    .init = graphics_init,
};

/* ---- videos, sounds ---- */

#define T struct dom_video
static const struct dt_field video_fields[] = {
    F_STR("model", model),
    F_INT("vram", vram, 0),
    F_INT("heads", heads, 0),
    F_TRI("primary", primary),
    F_ATTRS("model_attrs", model_attrs),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct video_st = { .fields = video_fields };
const struct dt_array dt_videos = {
    .size = sizeof(struct dom_video), .st = &video_st, .kind = -1,
};

#define T struct dom_sound
static const struct dt_field sound_fields[] = {
    F_STR("model", model),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct sound_st = { .fields = sound_fields };
const struct dt_array dt_sounds = {
    .size = sizeof(struct dom_sound), .st = &sound_st, .kind = -1,
};

/* ---- memballoon (one, not a list) ---- */

#define T struct dom_memballoon
static const struct dt_field memballoon_fields[] = {
    F_STR("model", model),
    F_TRI("autodeflate", autodeflate),
    F_TRI("free_page_reporting", free_page_reporting),
    F_INT("stats_period", stats_period, -1),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_END
};
#undef T
const struct dt_struct dt_memballoon = { .fields = memballoon_fields };

/* ---- rngs, watchdogs, audios ---- */

#define T struct dom_rng
static const struct dt_field rng_fields[] = {
    F_STR("model", model),
    F_STR("backend_model", backend_model),
    F_STR("backend_path", backend_path),
    F_INT("rate_bytes", rate_bytes, 0),
    F_INT("rate_period", rate_period, 0),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct rng_st = { .fields = rng_fields };
const struct dt_array dt_rngs = {
    .size = sizeof(struct dom_rng), .st = &rng_st, .kind = -1,
};

#define T struct dom_watchdog
static const struct dt_field watchdog_fields[] = {
    F_STR("model", model),
    F_STR("action", action),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_END
};
#undef T
static const struct dt_struct watchdog_st = { .fields = watchdog_fields };
const struct dt_array dt_watchdogs = {
    .size = sizeof(struct dom_watchdog), .st = &watchdog_st, .kind = -1,
};

#define T struct dom_tpm
static const struct dt_field tpm_fields[] = {
    F_STR("model", model),
    F_STR("backend_type", backend_type),
    F_STR("backend_version", backend_version),
    F_TRI("persistent_state", persistent_state),
    F_STR("pcr_banks", pcr_banks),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_END
};
#undef T
static const struct dt_struct tpm_st = { .fields = tpm_fields };
const struct dt_array dt_tpms = {
    .size = sizeof(struct dom_tpm), .st = &tpm_st, .kind = -1,
};

#define T struct dom_audio
static const struct dt_field audio_fields[] = {
    F_INT("id", id, 0),
    F_STR("type", type),
    F_ATTRS("attrs", attrs),
    F_KEEP("extra_xml", keep),
    F_END
};
#undef T
static const struct dt_struct audio_st = { .fields = audio_fields };
const struct dt_array dt_audios = {
    .size = sizeof(struct dom_audio), .st = &audio_st, .kind = -1,
};

/* ---- redirdevs, panics ---- */

static void
redirdev_init(void *elem)
{
    struct dom_redirdev *x = elem;

    x->chr.target_port = -1;
    x->chr.reconnect_timeout = -1;
}

#define T struct dom_redirdev
static const struct dt_field redirdev_fields[] = {
    F_STR("bus", bus),
    F_STR("type", chr.type),
    F_STR("source", chr.source_path),
    F_STR("source_mode", chr.source_mode),
    F_STR("source_host", chr.source_host),
    F_STR("source_service", chr.source_service),
    F_ATTRS("source_attrs", chr.source_attrs),
    F_KEEP("source_extra_xml", chr.source_keep),
    F_TRI("reconnect", chr.reconnect),
    F_INT("reconnect_timeout", chr.reconnect_timeout, -1),
    F_STR("protocol", chr.protocol),
    F_INT("boot_order", boot_order, 0),
    F_STR("alias", chr.alias),
    F_ADDRESS(chr.address),
    F_KEEP("extra_xml", chr.keep),
    F_END
};
#undef T
static const struct dt_struct redirdev_st = { .fields = redirdev_fields };
const struct dt_array dt_redirdevs = {
    .size = sizeof(struct dom_redirdev), .st = &redirdev_st, .kind = -1,
    .init = redirdev_init,
};

#define T struct dom_panic
static const struct dt_field panic_fields[] = {
    F_STR("model", model),
    F_STR("alias", alias),
    F_ADDRESS(address),
    F_END
};
#undef T
static const struct dt_struct panic_st = { .fields = panic_fields };
const struct dt_array dt_panics = {
    .size = sizeof(struct dom_panic), .st = &panic_st, .kind = -1,
};
