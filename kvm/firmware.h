/* firmware.h - QEMU firmware descriptors (QEMU's docs/interop/firmware.json:
 * one JSON file per firmware image, shipped by e.g. Debian's ovmf in
 * /usr/share/qemu/firmware) read the way libvirt reads them: from the user's
 * ~/.config/qemu/firmware (not for root), /etc/qemu/firmware and
 * /usr/share/qemu/firmware, a file name in a higher-priority directory
 * hiding the same name in a lower one, an empty file hiding and then
 * dropping it, all sorted by file name. */
#ifndef LV_FIRMWARE_H
#define LV_FIRMWARE_H

#include <stddef.h>

#include "err.h"

enum {
    FIRMWARE_IFACE_BIOS = 1 << 0,
    FIRMWARE_IFACE_UEFI = 1 << 1,
    FIRMWARE_IFACE_OTHER = 1 << 2,   /* openfirmware, uboot */
};

enum firmware_device { FIRMWARE_DEV_FLASH = 0, FIRMWARE_DEV_MEMORY,
                       FIRMWARE_DEV_KERNEL };
enum firmware_mode { FIRMWARE_MODE_SPLIT = 0, FIRMWARE_MODE_COMBINED,
                     FIRMWARE_MODE_STATELESS };

/* Features that steer the choice (others are ignored, as by libvirt). */
enum {
    FIRMWARE_F_ACPI_S3 = 1 << 0,
    FIRMWARE_F_ACPI_S4 = 1 << 1,
    FIRMWARE_F_SECURE_BOOT = 1 << 2,
    FIRMWARE_F_ENROLLED_KEYS = 1 << 3,
    FIRMWARE_F_REQUIRES_SMM = 1 << 4,
    FIRMWARE_F_AMD_SEV = 1 << 5,
    FIRMWARE_F_INTEL_TDX = 1 << 6,
};

struct firmware_target {
    char *arch;            /* "x86_64", "i386", ... */
    char **machines;       /* glob patterns: "pc-q35-*" */
    size_t n_machines;
};

struct firmware_desc {
    char *path;            /* the descriptor file */
    unsigned interfaces;   /* FIRMWARE_IFACE_* */
    enum firmware_device device;
    enum firmware_mode mode;           /* flash only; default split */
    char *executable;                  /* flash: the code image */
    char *executable_format;           /* raw, qcow2 */
    char *nvram_template;              /* split flash: the varstore */
    char *nvram_template_format;
    char *filename;                    /* memory (a ROM) or kernel */
    struct firmware_target *targets;
    size_t n_targets;
    unsigned features;                 /* FIRMWARE_F_* */
};

struct firmware_list {
    struct firmware_desc *items;
    size_t n;
};

/* Parse one descriptor (JSON text) read from path into *out (zeroed
 * first). -1 with err ("firmware descriptor '/p': missing 'mapping'") if
 * it does not follow the schema; out is then cleared. */
int firmware_desc_parse(const char *text, const char *path,
                        struct firmware_desc *out, struct lv_err *err);
void firmware_desc_clear(struct firmware_desc *d);

/* Load the descriptors of dirs (highest priority first; a missing dir is
 * empty) into *out, sorted by file name. A descriptor that does not parse
 * is skipped with a warning in the debug log, like a masked one. Returns
 * 0, or -1 with err if a directory or file cannot be read. */
int firmware_list_load(const char *const *dirs, size_t n_dirs,
                       struct firmware_list *out, struct lv_err *err);
/* The directories of this host, highest priority first: the
 * colon-separated $LUAVIRT_FIRMWARE_DIRS when set (tests), else
 * [$XDG_CONFIG_HOME|~/.config]/qemu/firmware (only when not root),
 * /etc/qemu/firmware, /usr/share/qemu/firmware. Returns a malloc'd
 * NULL-terminated list (lv_argv_free) and its length in *n. */
char **firmware_dirs(size_t *n);
/* firmware_list_load() of firmware_dirs(). */
int firmware_list_load_host(struct firmware_list *out, struct lv_err *err);
void firmware_list_free(struct firmware_list *l);

#endif
