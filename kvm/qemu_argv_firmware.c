/* qemu_argv_firmware.c - the guest's firmware and TPM on the QEMU command
 * line, in libvirt's form: a ROM loader as -bios; pflash code and NVRAM as
 * -blockdev nodes named libvirt-pflash0/1 that -machine pflash0=/pflash1=
 * take; SMM-only flash writes for secure boot; a TPM as a socket chardev
 * to the guest's swtpm, -tpmdev emulator and the tpm-tis/tpm-crb device.
 * The definition is used as given: firmware selection (firmware_select.h)
 * has already filled in the loader when one was to be chosen. */
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"

static int
is_pflash(const struct dom_os *os)
{
    return os->loader && os->loader_type && !strcmp(os->loader_type, "pflash");
}

static int
has_nvram(const struct dom_os *os)
{
    return os->nvram && os->loader_stateless != LV_TRI_ON;
}

static const char *
fmt_or_raw(const char *f)
{
    return f ? f : "raw";
}

/* The node -machine pflash1= names: the format node of a qcow2 NVRAM,
 * else the file itself (libvirt 11's choice for raw). */
static int
nvram_qcow2(const struct dom_os *os)
{
    return os->nvram_format && !strcmp(os->nvram_format, "qcow2");
}

void
qemu_argv_firmware_machine(struct qemu_argv_ctx *c, struct strbuf *b)
{
    const struct dom_os *os = &c->def->os;

    if (!is_pflash(os))
        return;
    strbuf_adds(b, ",pflash0=libvirt-pflash0-format");
    if (has_nvram(os))
        strbuf_addf(b, ",pflash1=libvirt-pflash1-%s",
                    nvram_qcow2(os) ? "format" : "storage");
}

static void
add_pflash(struct qemu_argv_ctx *c)
{
    const struct dom_os *os = &c->def->os;
    int ro = os->loader_readonly != LV_TRI_OFF;

    qemu_argv_add_json(c, "-blockdev", json_pack(
        "{s:s, s:s, s:s, s:b, s:s}", "driver", "file", "filename", os->loader,
        "node-name", "libvirt-pflash0-storage", "auto-read-only", 1,
        "discard", "unmap"));
    qemu_argv_add_json(c, "-blockdev", json_pack(
        "{s:s, s:b, s:s, s:s}", "node-name", "libvirt-pflash0-format",
        "read-only", ro, "driver", fmt_or_raw(os->loader_format),
        "file", "libvirt-pflash0-storage"));
    if (!has_nvram(os))
        return;
    if (!nvram_qcow2(os)) {
        qemu_argv_add_json(c, "-blockdev", json_pack(
            "{s:s, s:s, s:s, s:b}", "driver", "file", "filename", os->nvram,
            "node-name", "libvirt-pflash1-storage", "read-only", 0));
        return;
    }
    qemu_argv_add_json(c, "-blockdev", json_pack(
        "{s:s, s:s, s:s, s:b, s:s}", "driver", "file", "filename", os->nvram,
        "node-name", "libvirt-pflash1-storage", "auto-read-only", 1,
        "discard", "unmap"));
    qemu_argv_add_json(c, "-blockdev", json_pack(
        "{s:s, s:b, s:s, s:s}", "node-name", "libvirt-pflash1-format",
        "read-only", 0, "driver", "qcow2", "file", "libvirt-pflash1-storage"));
}

int
qemu_argv_firmware(struct qemu_argv_ctx *c)
{
    const struct dom_os *os = &c->def->os;

    if (!os->loader) {
        /* start chooses the firmware first (dom_firmware.h), so QEMU never
         * gets a UEFI guest without it; a check for people (define's)
         * judges the rest of the argv */
        if (os->firmware && !strcmp(os->firmware, "efi") && !c->o->for_display) {
            lv_err_set(c->err, LV_E_INVALID,
                       "<os firmware='efi'>: no firmware was chosen");
            return -1;
        }
        return 0;
    }
    if (!is_pflash(os)) {
        qemu_argv_add(c, "-bios");
        qemu_argv_add(c, os->loader);
        return 0;
    }
    add_pflash(c);
    if (os->loader_secure == LV_TRI_ON) {
        qemu_argv_add(c, "-global");
        qemu_argv_add(c, "driver=cfi.pflash01,property=secure,value=on");
    }
    return 0;
}

/* ---- TPM ---------------------------------------------------------------- */

int
qemu_argv_tpms(struct qemu_argv_ctx *c)
{
    struct strbuf b = STRBUF_INIT;
    const struct dom_tpm *t;

    if (c->def->n_tpms == 0)
        return 0;
    t = &c->def->tpms[0];
    if (c->def->n_tpms > 1 || !t->backend_type ||
        strcmp(t->backend_type, "emulator") != 0) {
        lv_err_set(c->err, LV_E_UNSUPPORTED,
                   "tpm: only one TPM with backend type='emulator' is supported");
        return -1;
    }
    if (t->address.type) {
        lv_err_set(c->err, LV_E_UNSUPPORTED,
                   "tpm: unsupported <address type='%s'>", t->address.type);
        return -1;
    }
    if (!c->o->run_dir) {
        lv_err_set(c->err, LV_E_INVALID, "tpm: needs the guest's run dir");
        return -1;
    }
    strbuf_adds(&b, "socket,id=chrtpm,path=");
    qemu_argv_kv_escape(&b, c->o->run_dir);
    strbuf_addf(&b, "/%s", QEMU_ARGV_SWTPM_SOCK);
    qemu_argv_add(c, "-chardev");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    qemu_argv_add(c, "-tpmdev");
    qemu_argv_add(c, "emulator,id=tpm-tpm0,chardev=chrtpm");
    qemu_argv_add_json(c, "-device", json_pack(
        "{s:s, s:s, s:s}", "driver", t->model ? t->model : "tpm-tis",
        "tpmdev", "tpm-tpm0", "id", "tpm0"));
    return 0;
}
