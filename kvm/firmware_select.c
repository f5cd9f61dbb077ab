/* firmware_select.c - libvirt's firmware selection (qemu_firmware.c:
 * qemuFirmwareFillDomain, qemuFirmwareMatchDomain, qemuFirmwareEnsureNVRAM)
 * over parsed descriptors; see firmware_select.h. One difference: with no
 * loader format asked for, only raw images are chosen (libvirt 11's
 * choice; libvirt 9.0 could not use qcow2 images at all). */
#include "firmware_select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const struct dom_feature *
feature_get(const struct dom_def *d, const char *name)
{
    for (size_t i = 0; i < d->n_features; i++)
        if (!strcmp(d->features[i].name, name))
            return &d->features[i];
    return NULL;
}

/* <features><NAME state=...>: LV_TRI_ON/OFF, or ABSENT */
static enum lv_tristate
feature_state(const struct dom_def *d, const char *name)
{
    const struct dom_feature *f = feature_get(d, name);
    const char *st = f ? lv_attrs_get(&f->attrs, "state") : NULL;

    if (!st)
        return f ? LV_TRI_ON : LV_TRI_ABSENT;
    return !strcmp(st, "off") ? LV_TRI_OFF : LV_TRI_ON;
}

static void
feature_set_on(struct dom_def *d, const char *name)
{
    struct dom_feature *f = (struct dom_feature *)feature_get(d, name);

    if (!f) {
        d->features = lv_realloc(d->features, (d->n_features + 1) * sizeof(*f));
        f = &d->features[d->n_features++];
        memset(f, 0, sizeof(*f));
        f->name = lv_strdup(name);
    }
    lv_attrs_set(&f->attrs, "state", "on");
}

/* <firmware><feature name=NAME enabled=yes|no>: LV_TRI_* */
static enum lv_tristate
fw_feature(const struct dom_def *d, const char *name)
{
    const char *v = lv_attrs_get(&d->os.firmware_features, name);

    if (!v)
        return LV_TRI_ABSENT;
    return !strcmp(v, "yes") ? LV_TRI_ON : LV_TRI_OFF;
}

static int
is_fw(const struct dom_def *d, const char *which)
{
    return d->os.firmware && !strcmp(d->os.firmware, which);
}

static int
is_type(const char *loader_type, const char *which)
{
    return loader_type && !strcmp(loader_type, which);
}

static int
format_ok(const char *f)
{
    return !f || !strcmp(f, "raw") || !strcmp(f, "qcow2");
}

int
firmware_select_check(const struct dom_def *def, struct lv_err *err)
{
    const struct dom_os *os = &def->os;
    int uefi = is_fw(def, "efi") || is_type(os->loader_type, "pflash");

    if (os->firmware && !is_fw(def, "efi") && !is_fw(def, "bios")) {
        lv_err_set(err, LV_E_INVALID, "unsupported firmware '%s': expected "
                   "efi or bios", os->firmware);
        return -1;
    }
    if (uefi && !feature_get(def, "acpi")) {
        lv_err_set(err, LV_E_UNSUPPORTED,
                   "UEFI requires ACPI on this architecture: add <acpi/> to <features>");
        return -1;
    }
    if ((os->loader_secure == LV_TRI_ON ||
         fw_feature(def, "secure-boot") == LV_TRI_ON) &&
        !dom_machine_is_q35(os->machine)) {
        lv_err_set(err, LV_E_UNSUPPORTED, "secure boot is supported with q35 "
                   "machine types only (machine '%s')",
                   os->machine ? os->machine : "pc");
        return -1;
    }
    if (!format_ok(os->loader_format) || !format_ok(os->nvram_format)) {
        lv_err_set(err, LV_E_UNSUPPORTED, "unsupported %s format '%s': "
                   "expected raw or qcow2",
                   format_ok(os->loader_format) ? "nvram" : "loader",
                   format_ok(os->loader_format) ? os->nvram_format
                                                : os->loader_format);
        return -1;
    }
    return 0;
}

/* ---- matching ---------------------------------------------------------- */

static unsigned
wanted_interface(const struct dom_def *def)
{
    if (is_fw(def, "efi"))
        return FIRMWARE_IFACE_UEFI;
    if (is_fw(def, "bios"))
        return FIRMWARE_IFACE_BIOS;
    if (is_type(def->os.loader_type, "pflash"))
        return FIRMWARE_IFACE_UEFI;
    if (is_type(def->os.loader_type, "rom"))
        return FIRMWARE_IFACE_BIOS;
    return 0;
}

static int
matches_paths(const struct firmware_desc *d, const struct dom_os *os)
{
    switch (d->device) {
    case FIRMWARE_DEV_FLASH:
        if (is_type(os->loader_type, "rom"))
            return 0;
        if (os->loader && strcmp(os->loader, d->executable))
            return 0;
        if (os->nvram_template && (d->mode != FIRMWARE_MODE_SPLIT ||
                                   strcmp(os->nvram_template, d->nvram_template)))
            return 0;
        return 1;
    case FIRMWARE_DEV_MEMORY:
        if (is_type(os->loader_type, "pflash"))
            return 0;
        return !os->loader || !strcmp(os->loader, d->filename);
    case FIRMWARE_DEV_KERNEL:
        return !os->kernel || !strcmp(os->kernel, d->filename);
    }
    return 0;
}

static int
matches_machine(const struct firmware_desc *d, const char *arch,
                const char *machine)
{
    for (size_t i = 0; i < d->n_targets; i++) {
        if (strcmp(d->targets[i].arch, arch))
            continue;
        for (size_t j = 0; j < d->targets[i].n_machines; j++)
            if (fnmatch(d->targets[i].machines[j], machine, 0) == 0)
                return 1;
    }
    return 0;
}

static int
tri_refuses(enum lv_tristate want, int has)
{
    return (want == LV_TRI_ON && !has) || (want == LV_TRI_OFF && has);
}

static int
matches_features(const struct firmware_desc *d, const struct dom_def *def)
{
    unsigned f = d->features;
    int smm = !!(f & FIRMWARE_F_REQUIRES_SMM);

    if (def->pm_suspend_to_mem == LV_TRI_ON && !(f & FIRMWARE_F_ACPI_S3))
        return 0;
    if (def->pm_suspend_to_disk == LV_TRI_ON && !(f & FIRMWARE_F_ACPI_S4))
        return 0;
    if (tri_refuses(fw_feature(def, "secure-boot"), !!(f & FIRMWARE_F_SECURE_BOOT)) ||
        tri_refuses(fw_feature(def, "enrolled-keys"), !!(f & FIRMWARE_F_ENROLLED_KEYS)))
        return 0;
    if (smm && (feature_state(def, "smm") == LV_TRI_OFF ||
                def->os.loader_secure == LV_TRI_OFF))
        return 0;
    if (!smm && def->os.loader_secure == LV_TRI_ON)
        return 0;
    /* confidential-computing images need launch security luavirt lacks */
    return !(f & FIRMWARE_F_INTEL_TDX);
}

static int
matches_flash(const struct firmware_desc *d, const struct dom_os *os)
{
    const char *want = os->loader_format ? os->loader_format : "raw";

    if (os->loader_stateless == LV_TRI_ON ? d->mode != FIRMWARE_MODE_STATELESS
                                          : d->mode != FIRMWARE_MODE_SPLIT)
        return 0;
    if (os->loader_readonly == LV_TRI_OFF && d->mode != FIRMWARE_MODE_COMBINED)
        return 0;
    if (strcmp(d->executable_format, want))
        return 0;
    if (d->mode == FIRMWARE_MODE_SPLIT &&
        (!format_ok(d->nvram_template_format) ||
         (os->nvram_format && strcmp(d->nvram_template_format, os->nvram_format))))
        return 0;
    return 1;
}

const struct firmware_desc *
firmware_select_match(const struct firmware_list *l, const struct dom_def *def,
                      const char *machine)
{
    unsigned want = wanted_interface(def);
    const char *arch = def->os.arch ? def->os.arch : "x86_64";

    if (!machine)
        machine = def->os.machine ? def->os.machine : "pc";
    for (size_t i = 0; want && i < l->n; i++) {
        const struct firmware_desc *d = &l->items[i];
        if (!(d->interfaces & want) || !matches_paths(d, &def->os) ||
            !matches_machine(d, arch, machine) || !matches_features(d, def))
            continue;
        if (d->device == FIRMWARE_DEV_FLASH && !matches_flash(d, &def->os))
            continue;
        return d;
    }
    return NULL;
}

/* ---- filling in ---------------------------------------------------------- */

static void
set_str(char **dst, const char *val)
{
    free(*dst);
    *dst = lv_strdup(val);
}

static void
apply_flash(struct dom_os *os, const struct firmware_desc *d)
{
    set_str(&os->loader, d->executable);
    set_str(&os->loader_type, "pflash");
    set_str(&os->loader_format, d->executable_format);
    os->loader_readonly = LV_TRI_ON;
    /* a template is only for a local NVRAM file luavirt can create */
    if (d->mode == FIRMWARE_MODE_SPLIT &&
        (!os->nvram_type || !strcmp(os->nvram_type, "file"))) {
        set_str(&os->nvram_template, d->nvram_template);
        set_str(&os->nvram_template_format, d->nvram_template_format);
    }
}

static void
apply(struct dom_def *def, const struct firmware_desc *d)
{
    struct dom_os *os = &def->os;
    int stateful;

    if (d->device == FIRMWARE_DEV_FLASH) {
        apply_flash(os, d);
    } else if (d->device == FIRMWARE_DEV_MEMORY) {
        set_str(&os->loader, d->filename);
        set_str(&os->loader_type, "rom");
    } else {
        set_str(&os->kernel, d->filename);
    }
    if (d->features & FIRMWARE_F_REQUIRES_SMM) {
        feature_set_on(def, "smm");
        os->loader_secure = LV_TRI_ON;
    }
    if (!os->firmware)
        os->firmware = lv_strdup(d->interfaces & FIRMWARE_IFACE_UEFI ? "efi" : "bios");
    lv_attrs_set(&os->firmware_features, "enrolled-keys",
                 d->features & FIRMWARE_F_ENROLLED_KEYS ? "yes" : "no");
    lv_attrs_set(&os->firmware_features, "secure-boot",
                 d->features & FIRMWARE_F_SECURE_BOOT ? "yes" : "no");
    /* an NVRAM file luavirt did not fill: its keys are unknown */
    stateful = is_type(os->loader_type, "pflash") && os->loader_stateless != LV_TRI_ON;
    if (stateful && !os->nvram_template)
        lv_attrs_set(&os->firmware_features, "enrolled-keys", NULL);
}

/* A stateful read-only pflash loader gets an NVRAM file of its own. */
static void
ensure_nvram(struct dom_def *def, const char *nvram_dir)
{
    struct dom_os *os = &def->os;
    const char *fmt;

    if (!is_type(os->loader_type, "pflash") || os->loader_readonly == LV_TRI_OFF ||
        os->loader_stateless == LV_TRI_ON)
        return;
    if (!os->nvram_format && os->loader_format)
        os->nvram_format = lv_strdup(os->loader_format);
    if (os->nvram || !nvram_dir)
        return;
    fmt = os->nvram_format ? os->nvram_format : "raw";
    os->nvram = lv_asprintf("%s/%s_VARS.%s", nvram_dir, def->name,
                            !strcmp(fmt, "qcow2") ? "qcow2" : "fd");
}

static void
describe_request(struct strbuf *b, const struct dom_def *def, const char *machine)
{
    const struct lv_attrs *f = &def->os.firmware_features;

    strbuf_addf(b, "machine '%s'", machine);
    for (size_t i = 0; i < f->n; i++)
        strbuf_addf(b, ", %s=%s", f->keys[i], f->vals[i]);
    if (def->os.loader_secure != LV_TRI_ABSENT)
        strbuf_addf(b, ", loader secure=%s",
                    def->os.loader_secure == LV_TRI_ON ? "yes" : "no");
    if (def->os.loader_stateless == LV_TRI_ON)
        strbuf_adds(b, ", stateless");
    if (def->os.loader_format)
        strbuf_addf(b, ", format=%s", def->os.loader_format);
    if (feature_state(def, "smm") == LV_TRI_OFF)
        strbuf_adds(b, ", smm off");
}

int
firmware_select_fill(struct dom_def *def, const struct firmware_list *l,
                     const struct firmware_fill_opts *o, struct lv_err *err)
{
    const char *machine = o->machine ? o->machine
                        : def->os.machine ? def->os.machine : "pc";
    const struct firmware_desc *d;
    int autosel = def->os.firmware != NULL;

    if (firmware_select_check(def, err) < 0)
        return -1;
    if (!autosel && !is_type(def->os.loader_type, "pflash"))
        return 0;   /* BIOS, a ROM loader: nothing to choose */
    d = firmware_select_match(l, def, machine);
    if (d) {
        apply(def, d);
    } else if (autosel && is_fw(def, "efi")) {
        struct strbuf b = STRBUF_INIT;
        describe_request(&b, def, machine);
        lv_err_set(err, LV_E_UNSUPPORTED, "no UEFI firmware descriptor matches "
                   "<os firmware='efi'> (%s); install ovmf or check "
                   "/usr/share/qemu/firmware", strbuf_cstr(&b));
        strbuf_free(&b);
        return -1;
    } else if (!autosel && !def->os.loader_format) {
        /* a custom image no descriptor knows: libvirt assumes raw */
        def->os.loader_format = lv_strdup("raw");
    }
    ensure_nvram(def, o->nvram_dir);
    return 0;
}
