/* dom_firmware.c - a domain's firmware on this host (see dom_firmware.h):
 * the descriptors of the host, the canonical machine type their globs are
 * matched with (QEMU's "q35" is an alias of "pc-q35-7.2"), and the NVRAM
 * files under <lib>/qemu/nvram. */
#include "dom_firmware.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "firmware.h"
#include "firmware_select.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"

int
dom_firmware_wanted(const struct dom_def *def)
{
    const char *t = def->os.loader_type;

    return def->os.firmware || (def->os.loader && t && !strcmp(t, "pflash"));
}

static char *
nvram_dir(const struct lv_conn *c)
{
    return lv_asprintf("%s/qemu/nvram", c->lib_dir);
}

/* The machine type QEMU would run: an alias resolved through QEMU's own
 * list (cached by caps.c), so a descriptor's "pc-q35-*" matches "q35". */
static char *
canonical_machine(struct lv_conn *c, const struct dom_def *def,
                  struct lv_err *err)
{
    const char *m = def->os.machine ? def->os.machine : "pc";
    const struct caps_machine *cm;
    struct caps *caps = NULL;
    char *cache, *ret = NULL;

    if (!strncmp(m, "pc-", 3))
        return lv_strdup(m);
    cache = lv_asprintf("%s/cache", c->lib_dir);
    if (lv_store_mkdirs(cache, 0755, err) == 0 && caps_probe(&caps, cache, err) == 0) {
        cm = caps_machine_find(caps, m);
        ret = lv_strdup(cm && cm->alias_of ? cm->alias_of : m);
    }
    caps_free(caps);
    free(cache);
    return ret;
}

int
dom_firmware_fill(struct lv_conn *c, struct dom_def *def, struct lv_err *err)
{
    struct firmware_list l = { NULL, 0 };
    char *dir = NULL, *machine = NULL;
    int ret = -1;

    if (!dom_firmware_wanted(def))
        return 0;
    if (firmware_select_check(def, err) < 0)
        goto fail;
    machine = canonical_machine(c, def, err);
    if (!machine || firmware_list_load_host(&l, err) < 0)
        goto fail;
    dir = nvram_dir(c);
    {
        struct firmware_fill_opts o = { .machine = machine, .nvram_dir = dir };
        if (firmware_select_fill(def, &l, &o, err) < 0)
            goto fail;
    }
    lv_log_debug("dom %s: firmware %s, nvram %s", def->name,
                 def->os.loader ? def->os.loader : "(QEMU's default)",
                 def->os.nvram ? def->os.nvram : "(none)");
    ret = 0;
    goto out;
fail:
    lv_err_prefix(err, "domain '%s': ", def->name);
out:
    firmware_list_free(&l);
    free(machine);
    free(dir);
    return ret;
}

int
dom_firmware_check(struct lv_conn *c, const struct dom_def *def,
                   struct lv_err *err)
{
    struct dom_def *copy;
    int r;

    if (!dom_firmware_wanted(def))
        return 0;
    copy = dom_def_copy(def);
    r = dom_firmware_fill(c, copy, err);
    dom_def_free(copy);
    return r;
}

/* Copy the template to path atomically (a temp file renamed into place). */
static int
create_nvram(const struct dom_def *def, struct lv_err *err)
{
    const struct dom_os *os = &def->os;
    size_t len = 0;
    char *data = NULL, *dir = NULL, *slash;
    int ret = -1;

    if (!os->nvram_template) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot start: NVRAM file '%s' "
                   "does not exist and there is no template to make it from",
                   def->name, os->nvram);
        return -1;
    }
    data = lv_store_read(os->nvram_template, &len, err);
    if (!data) {
        lv_err_prefix(err, "domain '%s': cannot start: NVRAM template: ", def->name);
        return -1;
    }
    dir = lv_strdup(os->nvram);
    slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = '\0';
    if ((slash && slash != dir && lv_store_mkdirs(dir, 0755, err) < 0) ||
        lv_store_write_atomic(os->nvram, data, len, 0600, err) < 0) {
        lv_err_prefix(err, "domain '%s': cannot start: ", def->name);
        goto out;
    }
    lv_log_info("dom %s: NVRAM %s made from %s", def->name, os->nvram,
                os->nvram_template);
    ret = 0;
out:
    free(dir);
    free(data);
    return ret;
}

int
dom_firmware_prepare(struct lv_conn *c, const struct dom_def *def,
                     struct lv_err *err)
{
    const struct dom_os *os = &def->os;

    (void)c;
    if (os->loader && access(os->loader, R_OK) < 0) {
        lv_err_sys(err, "domain '%s': cannot start: firmware image '%s'",
                   def->name, os->loader);
        return -1;
    }
    if (!os->nvram || os->loader_stateless == LV_TRI_ON ||
        !os->loader_type || strcmp(os->loader_type, "pflash") != 0)
        return 0;
    if (access(os->nvram, F_OK) == 0)
        return 0;
    return create_nvram(def, err);
}

/* The names luavirt gives a guest's NVRAM: raw, then qcow2. */
static char *
auto_nvram_path(const struct lv_conn *c, const char *name, const char *ext)
{
    char *dir = nvram_dir(c), *p = lv_asprintf("%s/%s_VARS.%s", dir, name, ext);

    free(dir);
    return p;
}

char *
dom_firmware_nvram_path(struct lv_conn *c, const struct dom_def *def)
{
    static const char *const exts[] = { "fd", "qcow2" };

    if (def->os.nvram)
        return lv_strdup(def->os.nvram);
    if (!dom_firmware_wanted(def))
        return NULL;    /* a BIOS guest has none: no lookups */
    for (size_t i = 0; i < 2; i++) {
        char *p = auto_nvram_path(c, def->name, exts[i]);
        if (access(p, F_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

int
dom_firmware_rename_nvram(struct lv_conn *c, const struct dom_def *def,
                          const char *new_name, struct lv_err *err)
{
    static const char *const exts[] = { "fd", "qcow2" };
    int ret = 0;

    if (def->os.nvram || !dom_firmware_wanted(def))
        return 0;
    for (size_t i = 0; i < 2 && ret == 0; i++) {
        char *from = auto_nvram_path(c, def->name, exts[i]);
        char *to = auto_nvram_path(c, new_name, exts[i]);
        if (access(from, F_OK) == 0 && rename(from, to) < 0) {
            lv_err_sys(err, "domain '%s': cannot move NVRAM '%s' to '%s'",
                       def->name, from, to);
            ret = -1;
        }
        free(from);
        free(to);
    }
    return ret;
}
