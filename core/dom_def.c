/* dom_def.c - life cycle of struct dom_def (new, free, deep copy), the
 * name check, and the string tables of the domain model's enums
 * (dom_def.h). */
#include "dom_def.h"
#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "strbuf.h"

/* ---- string tables: one table per enum, both directions from it ---- */

static const char *const virt_type_names[] = { "kvm", "qemu", NULL };
static const char *const life_names[] = {
    "", "destroy", "restart", "preserve", "rename-restart",
    "coredump-destroy", "coredump-restart", NULL
};
static const char *const disk_type_names[] = {
    "file", "block", "dir", "network", "volume", NULL
};
static const char *const disk_device_names[] = {
    "disk", "cdrom", "floppy", "lun", NULL
};
static const char *const net_type_names[] = {
    "network", "bridge", "user", "direct", "ethernet",
    "mcast", "client", "server", "udp", NULL
};
static const char *const chr_kind_names[] = {
    "serial", "console", "channel", "parallel", NULL
};

static const char *
table_to_str(const char *const *t, size_t n, unsigned v)
{
    return v < n ? t[v] : NULL;
}

static int
table_from_str(const char *const *t, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; t[i]; i++)
        if (strcmp(t[i], s) == 0)
            return i;
    return -1;
}

#define TABLE_N(t) (sizeof(t) / sizeof((t)[0]) - 1)

const char *
dom_virt_type_to_str(enum dom_virt_type t)
{
    return table_to_str(virt_type_names, TABLE_N(virt_type_names), t);
}

int
dom_virt_type_from_str(const char *s)
{
    return table_from_str(virt_type_names, s);
}

/* DOM_LIFE_DEFAULT maps to NULL: "not given" has no spelling. */
const char *
dom_lifecycle_action_to_str(enum dom_lifecycle_action a)
{
    if (a == DOM_LIFE_DEFAULT)
        return NULL;
    return table_to_str(life_names, TABLE_N(life_names), a);
}

void
dom_def_lifecycle_defaults(struct dom_def *def)
{
    if (def->on_poweroff == DOM_LIFE_DEFAULT)
        def->on_poweroff = DOM_LIFE_DESTROY;
    if (def->on_reboot == DOM_LIFE_DEFAULT)
        def->on_reboot = DOM_LIFE_RESTART;
    if (def->on_crash == DOM_LIFE_DEFAULT)
        def->on_crash = DOM_LIFE_DESTROY;
}

static int
ctrl_index_used(const struct dom_def *def, const char *type, int idx)
{
    for (size_t i = 0; i < def->n_controllers; i++)
        if (def->controllers[i].type && !strcmp(def->controllers[i].type, type) &&
            def->controllers[i].index == idx)
            return 1;
    return 0;
}

void
dom_def_controller_indexes(struct dom_def *def)
{
    for (size_t i = 0; i < def->n_controllers; i++) {
        struct dom_controller *k = &def->controllers[i];
        const char *m = k->model ? k->model : "";
        int idx;

        if (k->index >= 0 || !k->type)
            continue;
        if (!strcmp(k->type, "usb") ||
            (!strcmp(k->type, "pci") && (!strcmp(m, "pci-root") || !strcmp(m, "pcie-root")))) {
            k->index = 0;   /* USB companions share their master's bus */
            continue;
        }
        idx = !strcmp(k->type, "pci") ? 1 : 0;
        while (ctrl_index_used(def, k->type, idx))
            idx++;
        k->index = idx;
    }
}

int
dom_machine_is_q35(const char *machine)
{
    return machine && (!strncmp(machine, "q35", 3) || !strncmp(machine, "pc-q35", 6));
}

void
dom_def_post_parse(struct dom_def *def)
{
    static const unsigned char zero[16];

    if (!def->vcpus)
        def->vcpus = 1;
    dom_def_lifecycle_defaults(def);
    dom_def_controller_indexes(def);
    if (!memcmp(def->uuid, zero, sizeof(zero)))
        uuid_generate_random(def->uuid);
}

int
dom_lifecycle_action_from_str(const char *s)
{
    if (s && !*s)
        return -1;
    return table_from_str(life_names, s);
}

const char *
dom_disk_type_to_str(enum dom_disk_type t)
{
    return table_to_str(disk_type_names, TABLE_N(disk_type_names), t);
}

int
dom_disk_type_from_str(const char *s)
{
    return table_from_str(disk_type_names, s);
}

const char *
dom_disk_device_to_str(enum dom_disk_device d)
{
    return table_to_str(disk_device_names, TABLE_N(disk_device_names), d);
}

int
dom_disk_device_from_str(const char *s)
{
    return table_from_str(disk_device_names, s);
}

const char *
dom_net_type_to_str(enum dom_net_type t)
{
    return table_to_str(net_type_names, TABLE_N(net_type_names), t);
}

int
dom_net_type_from_str(const char *s)
{
    return table_from_str(net_type_names, s);
}

const char *
dom_chr_kind_to_str(enum dom_chr_kind k)
{
    return table_to_str(chr_kind_names, TABLE_N(chr_kind_names), k);
}

int
dom_chr_kind_from_str(const char *s)
{
    return table_from_str(chr_kind_names, s);
}

/* the copies used throughout this file (core/attrs.c) */
#define attrs_copy lv_attrs_copy
#define keep_copy lv_xml_keep_copy

static char **
strv_copy(char **v, size_t n)
{
    char **d;
    if (!n)
        return NULL;
    d = lv_calloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        d[i] = lv_strdup(v[i]);
    return d;
}

static void
address_free(struct dom_address *a)
{
    free(a->type);
    lv_attrs_clear(&a->attrs);
}

static void
address_copy(struct dom_address *d, const struct dom_address *s)
{
    d->type = lv_strdup(s->type);
    attrs_copy(&d->attrs, &s->attrs);
}

/* ---- per-device free and copy; a copy starts as a bitwise copy and then
 * replaces every pointer with its own deep copy ---- */

#define DUP(f) (d->f = lv_strdup(s->f))

static void
disk_free(struct dom_disk *x)
{
    free(x->driver_name); free(x->driver_type); free(x->driver_cache);
    free(x->driver_io); free(x->driver_discard);
    lv_attrs_clear(&x->driver_attrs);
    free(x->source); free(x->source_pool); free(x->source_volume);
    free(x->target_dev); free(x->target_bus); free(x->target_tray);
    free(x->serial); free(x->wwn); free(x->alias);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
    lv_attrs_clear(&x->source_attrs);
    lv_xml_keep_clear(&x->source_keep);
    lv_attrs_clear(&x->target_attrs);
    lv_attrs_clear(&x->attrs);
    dom_def_disk_free(x);
}

static void
disk_copy(struct dom_disk *d, const struct dom_disk *s)
{
    *d = *s;
    attrs_copy(&d->attrs, &s->attrs);
    DUP(driver_name); DUP(driver_type); DUP(driver_cache);
    DUP(driver_io); DUP(driver_discard);
    attrs_copy(&d->driver_attrs, &s->driver_attrs);
    DUP(source); DUP(source_pool); DUP(source_volume);
    DUP(target_dev); DUP(target_bus); DUP(target_tray);
    DUP(serial); DUP(wwn); DUP(alias);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
    attrs_copy(&d->source_attrs, &s->source_attrs);
    keep_copy(&d->source_keep, &s->source_keep);
    attrs_copy(&d->target_attrs, &s->target_attrs);
    dom_def_disk_copy(d, s);
}

static void
controller_free(struct dom_controller *x)
{
    free(x->type); free(x->model); free(x->alias);
    lv_attrs_clear(&x->attrs);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
}

static void
controller_copy(struct dom_controller *d, const struct dom_controller *s)
{
    *d = *s;
    DUP(type); DUP(model); DUP(alias);
    attrs_copy(&d->attrs, &s->attrs);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
}

static void
interface_free(struct dom_interface *x)
{
    free(x->mac); free(x->source); free(x->source_mode); free(x->model);
    free(x->target_dev); free(x->link_state); free(x->driver_name);
    free(x->alias); free(x->target_managed);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
    lv_attrs_clear(&x->attrs);
    lv_attrs_clear(&x->source_attrs);
    lv_xml_keep_clear(&x->source_keep);
    lv_attrs_clear(&x->driver_attrs);
    lv_xml_keep_clear(&x->driver_keep);
}

static void
interface_copy(struct dom_interface *d, const struct dom_interface *s)
{
    *d = *s;
    DUP(mac); DUP(source); DUP(source_mode); DUP(model);
    DUP(target_dev); DUP(link_state); DUP(driver_name);
    DUP(alias); DUP(target_managed);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
    attrs_copy(&d->attrs, &s->attrs);
    attrs_copy(&d->source_attrs, &s->source_attrs);
    keep_copy(&d->source_keep, &s->source_keep);
    attrs_copy(&d->driver_attrs, &s->driver_attrs);
    keep_copy(&d->driver_keep, &s->driver_keep);
}

static void
chr_free(struct dom_chr *x)
{
    free(x->type); free(x->source_path); free(x->source_mode);
    free(x->source_host); free(x->source_service); free(x->protocol);
    free(x->target_type); free(x->target_name); free(x->target_model);
    free(x->log_file); free(x->alias); free(x->log_append);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
    lv_attrs_clear(&x->source_attrs);
    lv_xml_keep_clear(&x->source_keep);
    lv_attrs_clear(&x->target_attrs);
    free(x->source2_mode); free(x->source2_host); free(x->source2_service);
    free(x->mouse_mode);
}

static void
chr_copy(struct dom_chr *d, const struct dom_chr *s)
{
    *d = *s;
    DUP(type); DUP(source_path); DUP(source_mode);
    DUP(source_host); DUP(source_service); DUP(protocol);
    DUP(target_type); DUP(target_name); DUP(target_model);
    DUP(log_file); DUP(alias); DUP(log_append);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
    attrs_copy(&d->source_attrs, &s->source_attrs);
    keep_copy(&d->source_keep, &s->source_keep);
    attrs_copy(&d->target_attrs, &s->target_attrs);
    DUP(source2_mode); DUP(source2_host); DUP(source2_service);
    DUP(mouse_mode);
}

static void
input_free(struct dom_input *x)
{
    free(x->type); free(x->bus); free(x->alias);
    address_free(&x->address);
}

static void
input_copy(struct dom_input *d, const struct dom_input *s)
{
    *d = *s;
    DUP(type); DUP(bus); DUP(alias);
    address_copy(&d->address, &s->address);
}

static void
graphics_free(struct dom_graphics *x)
{
    free(x->type); free(x->listen); free(x->listen_type);
    free(x->listen_network); free(x->listen_socket); free(x->passwd);
    free(x->passwd_valid_to); free(x->keymap);
    lv_attrs_clear(&x->attrs);
    lv_xml_keep_clear(&x->keep);
}

static void
graphics_copy(struct dom_graphics *d, const struct dom_graphics *s)
{
    *d = *s;
    DUP(type); DUP(listen); DUP(listen_type);
    DUP(listen_network); DUP(listen_socket); DUP(passwd);
    DUP(passwd_valid_to); DUP(keymap);
    attrs_copy(&d->attrs, &s->attrs);
    keep_copy(&d->keep, &s->keep);
}

static void
video_free(struct dom_video *x)
{
    free(x->model); free(x->alias);
    lv_attrs_clear(&x->model_attrs);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
}

static void
video_copy(struct dom_video *d, const struct dom_video *s)
{
    *d = *s;
    DUP(model); DUP(alias);
    attrs_copy(&d->model_attrs, &s->model_attrs);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
}

static void
sound_free(struct dom_sound *x)
{
    free(x->model); free(x->alias);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
}

static void
sound_copy(struct dom_sound *d, const struct dom_sound *s)
{
    *d = *s;
    DUP(model); DUP(alias);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
}

static void
rng_free(struct dom_rng *x)
{
    free(x->model); free(x->backend_model); free(x->backend_path);
    free(x->alias);
    address_free(&x->address);
    lv_xml_keep_clear(&x->keep);
}

static void
rng_copy(struct dom_rng *d, const struct dom_rng *s)
{
    *d = *s;
    DUP(model); DUP(backend_model); DUP(backend_path); DUP(alias);
    address_copy(&d->address, &s->address);
    keep_copy(&d->keep, &s->keep);
}

static void
watchdog_free(struct dom_watchdog *x)
{
    free(x->model); free(x->action); free(x->alias);
    address_free(&x->address);
}

static void
watchdog_copy(struct dom_watchdog *d, const struct dom_watchdog *s)
{
    *d = *s;
    DUP(model); DUP(action); DUP(alias);
    address_copy(&d->address, &s->address);
}

static void
tpm_free(struct dom_tpm *x)
{
    free(x->model); free(x->backend_type); free(x->backend_version);
    free(x->pcr_banks); free(x->alias);
    address_free(&x->address);
}

static void
tpm_copy(struct dom_tpm *d, const struct dom_tpm *s)
{
    *d = *s;
    DUP(model); DUP(backend_type); DUP(backend_version); DUP(pcr_banks);
    DUP(alias);
    address_copy(&d->address, &s->address);
}

static void
audio_free(struct dom_audio *x)
{
    free(x->type);
    lv_attrs_clear(&x->attrs);
    lv_xml_keep_clear(&x->keep);
}

static void
audio_copy(struct dom_audio *d, const struct dom_audio *s)
{
    *d = *s;
    DUP(type);
    attrs_copy(&d->attrs, &s->attrs);
    keep_copy(&d->keep, &s->keep);
}

static void
memballoon_free(struct dom_memballoon *x)
{
    free(x->model); free(x->alias);
    address_free(&x->address);
}

static void
memballoon_copy(struct dom_memballoon *d, const struct dom_memballoon *s)
{
    *d = *s;
    DUP(model); DUP(alias);
    address_copy(&d->address, &s->address);
}

static void
os_free(struct dom_os *x)
{
    free(x->type); free(x->arch); free(x->machine); free(x->firmware);
    for (size_t i = 0; i < x->n_boot_devs; i++)
        free(x->boot_devs[i]);
    free(x->boot_devs);
    free(x->loader); free(x->loader_type); free(x->loader_format);
    free(x->nvram); free(x->nvram_template); free(x->nvram_format);
    free(x->kernel); free(x->initrd); free(x->cmdline); free(x->dtb);
    free(x->smbios_mode);
    lv_xml_keep_clear(&x->keep);
    free(x->nvram_template_format); free(x->nvram_type);
    lv_attrs_clear(&x->firmware_features);
}

static void
os_copy(struct dom_os *d, const struct dom_os *s)
{
    *d = *s;
    DUP(type); DUP(arch); DUP(machine); DUP(firmware);
    d->boot_devs = strv_copy(s->boot_devs, s->n_boot_devs);
    DUP(loader); DUP(loader_type); DUP(loader_format);
    DUP(nvram); DUP(nvram_template); DUP(nvram_format);
    DUP(kernel); DUP(initrd); DUP(cmdline); DUP(dtb);
    DUP(smbios_mode);
    keep_copy(&d->keep, &s->keep);
    DUP(nvram_template_format); DUP(nvram_type);
    attrs_copy(&d->firmware_features, &s->firmware_features);
}

static void
cpu_free(struct dom_cpu *x)
{
    free(x->mode); free(x->match); free(x->check); free(x->migratable);
    free(x->model); free(x->model_fallback); free(x->vendor);
    for (size_t i = 0; i < x->n_features; i++) {
        free(x->features[i].policy);
        free(x->features[i].name);
    }
    free(x->features);
    lv_xml_keep_clear(&x->keep);
}

static void
cpu_copy(struct dom_cpu *d, const struct dom_cpu *s)
{
    *d = *s;
    DUP(mode); DUP(match); DUP(check); DUP(migratable);
    DUP(model); DUP(model_fallback); DUP(vendor);
    d->features = s->n_features
        ? lv_calloc(s->n_features, sizeof(*d->features)) : NULL;
    for (size_t i = 0; i < s->n_features; i++) {
        d->features[i].policy = lv_strdup(s->features[i].policy);
        d->features[i].name = lv_strdup(s->features[i].name);
    }
    keep_copy(&d->keep, &s->keep);
}

static void
clock_free(struct dom_clock *x)
{
    free(x->offset); free(x->timezone); free(x->adjustment); free(x->basis);
    for (size_t i = 0; i < x->n_timers; i++) {
        lv_attrs_clear(&x->timers[i].attrs);
        lv_xml_keep_clear(&x->timers[i].keep);
    }
    free(x->timers);
}

static void
clock_copy(struct dom_clock *d, const struct dom_clock *s)
{
    *d = *s;
    DUP(offset); DUP(timezone); DUP(adjustment); DUP(basis);
    d->timers = s->n_timers ? lv_calloc(s->n_timers, sizeof(*d->timers))
                            : NULL;
    for (size_t i = 0; i < s->n_timers; i++) {
        attrs_copy(&d->timers[i].attrs, &s->timers[i].attrs);
        keep_copy(&d->timers[i].keep, &s->timers[i].keep);
    }
}

static void
feature_free(struct dom_feature *x)
{
    free(x->name);
    lv_attrs_clear(&x->attrs);
    free(x->inner_xml);
}

static void
feature_copy(struct dom_feature *d, const struct dom_feature *s)
{
    DUP(name);
    attrs_copy(&d->attrs, &s->attrs);
    DUP(inner_xml);
}

static void
redirdev_free(struct dom_redirdev *x)
{
    free(x->bus);
    chr_free(&x->chr);
}

static void
redirdev_copy(struct dom_redirdev *d, const struct dom_redirdev *s)
{
    *d = *s;
    DUP(bus);
    chr_copy(&d->chr, &s->chr);
}

static void
panic_free(struct dom_panic *x)
{
    free(x->model); free(x->alias);
    address_free(&x->address);
}

static void
panic_copy(struct dom_panic *d, const struct dom_panic *s)
{
    *d = *s;
    DUP(model); DUP(alias);
    address_copy(&d->address, &s->address);
}

#undef DUP

/* Free an array of n items of type T with T_free(). */
#define ARRAY_FREE(arr, n, fn)                       \
    do {                                             \
        for (size_t i_ = 0; i_ < (n); i_++)          \
            fn(&(arr)[i_]);                          \
        free(arr);                                   \
    } while (0)

/* d->arr = deep copy of s->arr (s->n items) with fn(dst, src). */
#define ARRAY_COPY(arr, n, fn)                                         \
    do {                                                               \
        d->arr = s->n ? lv_calloc(s->n, sizeof(*d->arr)) : NULL;       \
        for (size_t i_ = 0; i_ < s->n; i_++)                           \
            fn(&d->arr[i_], &s->arr[i_]);                              \
    } while (0)

void
dom_def_free(struct dom_def *def)
{
    if (!def)
        return;
    free(def->name); free(def->title); free(def->description);
    free(def->metadata_xml);
    free(def->vcpu_placement); free(def->vcpu_cpuset);
    for (size_t i = 0; i < def->n_vcpupins; i++)
        free(def->vcpupins[i].cpuset);
    free(def->vcpupins);
    free(def->emulatorpin_cpuset);
    lv_xml_keep_clear(&def->cputune_keep);
    os_free(&def->os);
    ARRAY_FREE(def->features, def->n_features, feature_free);
    dom_def_mem_free(def);
    cpu_free(&def->cpu);
    clock_free(&def->clock);
    free(def->emulator);
    ARRAY_FREE(def->disks, def->n_disks, disk_free);
    ARRAY_FREE(def->controllers, def->n_controllers, controller_free);
    ARRAY_FREE(def->interfaces, def->n_interfaces, interface_free);
    ARRAY_FREE(def->chrs, def->n_chrs, chr_free);
    ARRAY_FREE(def->inputs, def->n_inputs, input_free);
    ARRAY_FREE(def->graphics, def->n_graphics, graphics_free);
    ARRAY_FREE(def->videos, def->n_videos, video_free);
    ARRAY_FREE(def->sounds, def->n_sounds, sound_free);
    ARRAY_FREE(def->rngs, def->n_rngs, rng_free);
    ARRAY_FREE(def->watchdogs, def->n_watchdogs, watchdog_free);
    ARRAY_FREE(def->audios, def->n_audios, audio_free);
    ARRAY_FREE(def->tpms, def->n_tpms, tpm_free);
    ARRAY_FREE(def->redirdevs, def->n_redirdevs, redirdev_free);
    ARRAY_FREE(def->panics, def->n_panics, panic_free);
    memballoon_free(&def->memballoon);
    lv_xml_keep_clear(&def->keep);
    lv_xml_keep_clear(&def->devices_keep);
    free(def);
}

struct dom_def *
dom_def_copy(const struct dom_def *s)
{
    struct dom_def *d = lv_malloc(sizeof(*d));
    *d = *s;
    d->name = lv_strdup(s->name);
    d->title = lv_strdup(s->title);
    d->description = lv_strdup(s->description);
    d->metadata_xml = lv_strdup(s->metadata_xml);
    d->vcpu_placement = lv_strdup(s->vcpu_placement);
    d->vcpu_cpuset = lv_strdup(s->vcpu_cpuset);
    d->vcpupins = s->n_vcpupins
        ? lv_calloc(s->n_vcpupins, sizeof(*d->vcpupins)) : NULL;
    for (size_t i = 0; i < s->n_vcpupins; i++) {
        d->vcpupins[i].vcpu = s->vcpupins[i].vcpu;
        d->vcpupins[i].cpuset = lv_strdup(s->vcpupins[i].cpuset);
    }
    d->emulatorpin_cpuset = lv_strdup(s->emulatorpin_cpuset);
    keep_copy(&d->cputune_keep, &s->cputune_keep);
    os_copy(&d->os, &s->os);
    ARRAY_COPY(features, n_features, feature_copy);
    cpu_copy(&d->cpu, &s->cpu);
    dom_def_mem_copy(d, s);
    clock_copy(&d->clock, &s->clock);
    d->emulator = lv_strdup(s->emulator);
    ARRAY_COPY(disks, n_disks, disk_copy);
    ARRAY_COPY(controllers, n_controllers, controller_copy);
    ARRAY_COPY(interfaces, n_interfaces, interface_copy);
    ARRAY_COPY(chrs, n_chrs, chr_copy);
    ARRAY_COPY(inputs, n_inputs, input_copy);
    ARRAY_COPY(graphics, n_graphics, graphics_copy);
    ARRAY_COPY(videos, n_videos, video_copy);
    ARRAY_COPY(sounds, n_sounds, sound_copy);
    ARRAY_COPY(rngs, n_rngs, rng_copy);
    ARRAY_COPY(watchdogs, n_watchdogs, watchdog_copy);
    ARRAY_COPY(audios, n_audios, audio_copy);
    ARRAY_COPY(tpms, n_tpms, tpm_copy);
    ARRAY_COPY(redirdevs, n_redirdevs, redirdev_copy);
    ARRAY_COPY(panics, n_panics, panic_copy);
    memballoon_copy(&d->memballoon, &s->memballoon);
    keep_copy(&d->keep, &s->keep);
    keep_copy(&d->devices_keep, &s->devices_keep);
    return d;
}

/* ---- the definition ---- */

struct dom_def *
dom_def_new(void)
{
    struct dom_def *def = lv_calloc(1, sizeof(*def));
    def->id = -1;
    def->os.bootmenu_timeout = -1;
    def->os.bios_reboot_timeout = -1;
    def->memballoon.stats_period = -1;
    return def;
}

int
dom_def_check_name(const char *name, struct lv_err *err)
{
    return lv_name_check("domain", name, err);
}

