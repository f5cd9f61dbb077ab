/* firmware.c - reading QEMU firmware descriptors with jansson (see
 * firmware.h). The schema is QEMU's docs/interop/firmware.json; the
 * directory rules are libvirt's (qemu_interop_config.c). */
#include "firmware.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

#define DESC_MAX_BYTES (1024 * 1024)

static const struct { const char *name; unsigned bit; } feature_names[] = {
    { "acpi-s3", FIRMWARE_F_ACPI_S3 },
    { "acpi-s4", FIRMWARE_F_ACPI_S4 },
    { "secure-boot", FIRMWARE_F_SECURE_BOOT },
    { "enrolled-keys", FIRMWARE_F_ENROLLED_KEYS },
    { "requires-smm", FIRMWARE_F_REQUIRES_SMM },
    { "amd-sev", FIRMWARE_F_AMD_SEV },
    { "intel-tdx", FIRMWARE_F_INTEL_TDX },
};

void
firmware_desc_clear(struct firmware_desc *d)
{
    free(d->path);
    free(d->executable);
    free(d->executable_format);
    free(d->nvram_template);
    free(d->nvram_template_format);
    free(d->filename);
    for (size_t i = 0; i < d->n_targets; i++) {
        free(d->targets[i].arch);
        for (size_t j = 0; j < d->targets[i].n_machines; j++)
            free(d->targets[i].machines[j]);
        free(d->targets[i].machines);
    }
    free(d->targets);
    memset(d, 0, sizeof(*d));
}

/* The string member key of o, or NULL. */
static const char *
jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int
parse_interfaces(json_t *doc, struct firmware_desc *d, struct lv_err *err)
{
    json_t *a = json_object_get(doc, "interface-types"), *v;
    size_t i;

    if (!json_is_array(a)) {
        lv_err_set(err, LV_E_INVALID, "missing 'interface-types'");
        return -1;
    }
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        if (s && !strcmp(s, "bios"))
            d->interfaces |= FIRMWARE_IFACE_BIOS;
        else if (s && !strcmp(s, "uefi"))
            d->interfaces |= FIRMWARE_IFACE_UEFI;
        else if (s && (!strcmp(s, "openfirmware") || !strcmp(s, "uboot")))
            d->interfaces |= FIRMWARE_IFACE_OTHER;
        else {
            lv_err_set(err, LV_E_INVALID, "unknown interface type '%s'",
                       s ? s : "?");
            return -1;
        }
    }
    return 0;
}

/* {"filename": ..., "format": ...} into *file and *format */
static int
parse_flash_file(json_t *o, const char *what, char **file, char **format,
                 struct lv_err *err)
{
    const char *f = jstr(o, "filename"), *fmt = jstr(o, "format");

    if (!f || !fmt) {
        lv_err_set(err, LV_E_INVALID, "'%s' needs 'filename' and 'format'", what);
        return -1;
    }
    *file = lv_strdup(f);
    *format = lv_strdup(fmt);
    return 0;
}

static int
parse_flash(json_t *m, struct firmware_desc *d, struct lv_err *err)
{
    const char *mode = jstr(m, "mode");

    if (!mode || !strcmp(mode, "split"))   /* the historical default */
        d->mode = FIRMWARE_MODE_SPLIT;
    else if (!strcmp(mode, "combined"))
        d->mode = FIRMWARE_MODE_COMBINED;
    else if (!strcmp(mode, "stateless"))
        d->mode = FIRMWARE_MODE_STATELESS;
    else {
        lv_err_set(err, LV_E_INVALID, "unknown flash mode '%s'", mode);
        return -1;
    }
    if (parse_flash_file(json_object_get(m, "executable"), "executable",
                         &d->executable, &d->executable_format, err) < 0)
        return -1;
    if (d->mode != FIRMWARE_MODE_SPLIT)
        return 0;
    return parse_flash_file(json_object_get(m, "nvram-template"),
                            "nvram-template", &d->nvram_template,
                            &d->nvram_template_format, err);
}

static int
parse_mapping(json_t *doc, struct firmware_desc *d, struct lv_err *err)
{
    json_t *m = json_object_get(doc, "mapping");
    const char *dev = jstr(m, "device");

    if (!json_is_object(m) || !dev) {
        lv_err_set(err, LV_E_INVALID, "missing 'mapping' with a 'device'");
        return -1;
    }
    if (!strcmp(dev, "flash")) {
        d->device = FIRMWARE_DEV_FLASH;
        return parse_flash(m, d, err);
    }
    if (!strcmp(dev, "memory"))
        d->device = FIRMWARE_DEV_MEMORY;
    else if (!strcmp(dev, "kernel"))
        d->device = FIRMWARE_DEV_KERNEL;
    else {
        lv_err_set(err, LV_E_INVALID, "unknown device type '%s'", dev);
        return -1;
    }
    if (!jstr(m, "filename")) {
        lv_err_set(err, LV_E_INVALID, "'mapping' needs 'filename'");
        return -1;
    }
    d->filename = lv_strdup(jstr(m, "filename"));
    return 0;
}

static int
parse_targets(json_t *doc, struct firmware_desc *d, struct lv_err *err)
{
    json_t *a = json_object_get(doc, "targets"), *t;
    size_t i;

    if (!json_is_array(a)) {
        lv_err_set(err, LV_E_INVALID, "missing 'targets'");
        return -1;
    }
    d->targets = lv_calloc(json_array_size(a) + 1, sizeof(*d->targets));
    json_array_foreach(a, i, t) {
        struct firmware_target *x = &d->targets[d->n_targets++];
        json_t *ms = json_object_get(t, "machines"), *m;
        size_t j;
        if (!jstr(t, "architecture") || !json_is_array(ms)) {
            lv_err_set(err, LV_E_INVALID,
                       "a target needs 'architecture' and 'machines'");
            return -1;
        }
        x->arch = lv_strdup(jstr(t, "architecture"));
        x->machines = lv_calloc(json_array_size(ms) + 1, sizeof(char *));
        json_array_foreach(ms, j, m)
            if (json_string_value(m))
                x->machines[x->n_machines++] = lv_strdup(json_string_value(m));
    }
    return 0;
}

/* Unknown features are ignored, as libvirt does. */
static int
parse_features(json_t *doc, struct firmware_desc *d, struct lv_err *err)
{
    json_t *a = json_object_get(doc, "features"), *v;
    size_t i;

    if (!json_is_array(a)) {
        lv_err_set(err, LV_E_INVALID, "missing 'features'");
        return -1;
    }
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        for (size_t k = 0; s && k < sizeof(feature_names) / sizeof(feature_names[0]); k++)
            if (!strcmp(s, feature_names[k].name))
                d->features |= feature_names[k].bit;
    }
    return 0;
}

int
firmware_desc_parse(const char *text, const char *path,
                    struct firmware_desc *out, struct lv_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    int ret = -1;

    memset(out, 0, sizeof(*out));
    out->path = lv_strdup(path);
    if (!doc) {
        lv_err_set(err, LV_E_INVALID, "firmware descriptor '%s' line %d: %s",
                   path, jerr.line, jerr.text);
        goto out;
    }
    if (!json_is_object(doc)) {
        lv_err_set(err, LV_E_INVALID, "not a JSON object");
    } else if (parse_interfaces(doc, out, err) == 0 &&
               parse_mapping(doc, out, err) == 0 &&
               parse_targets(doc, out, err) == 0 &&
               parse_features(doc, out, err) == 0) {
        ret = 0;
    }
    if (ret < 0)
        lv_err_prefix(err, "firmware descriptor '%s': ", path);
out:
    json_decref(doc);
    if (ret < 0)
        firmware_desc_clear(out);
    return ret;
}

/* ---- directories ---------------------------------------------------- */

struct entry {
    char *name;            /* file name: the sort and override key */
    char *path;
};

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Add the files of dir to es, replacing entries of the same name. */
static int
scan_dir(const char *dir, struct entry **es, size_t *n, struct lv_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        lv_err_sys(err, "cannot list firmware descriptors in '%s'", dir);
        return -1;
    }
    while ((de = readdir(d))) {
        char *path;
        struct stat st;
        size_t i;
        if (de->d_name[0] == '.')
            continue;
        path = lv_asprintf("%s/%s", dir, de->d_name);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(path);   /* a dangling link or a directory: not a descriptor */
            continue;
        }
        for (i = 0; i < *n && strcmp((*es)[i].name, de->d_name); i++)
            ;
        if (i == *n) {
            *es = lv_realloc(*es, (*n + 1) * sizeof(**es));
            (*es)[(*n)++].name = lv_strdup(de->d_name);
        } else {
            free((*es)[i].path);
        }
        (*es)[i].path = path;
    }
    closedir(d);
    return 0;
}

static int
load_one(const char *path, struct firmware_list *out, struct lv_err *err)
{
    struct lv_err perr = LV_ERR_INIT;
    size_t len = 0;
    char *text = lv_store_read(path, &len, err);
    struct firmware_desc d;

    if (!text) {
        lv_err_prefix(err, "firmware descriptor: ");
        return -1;
    }
    if (len == 0) {
        free(text);    /* empty: masks the same name in a lower directory */
        return 0;
    }
    if (len > DESC_MAX_BYTES || firmware_desc_parse(text, path, &d, &perr) < 0) {
        lv_log_debug("firmware: skipping %s: %s", path,
                     perr.msg[0] ? perr.msg : "too large");
    } else {
        out->items = lv_realloc(out->items, (out->n + 1) * sizeof(*out->items));
        out->items[out->n++] = d;
    }
    free(text);
    return 0;
}

int
firmware_list_load(const char *const *dirs, size_t n_dirs,
                   struct firmware_list *out, struct lv_err *err)
{
    struct entry *es = NULL;
    size_t n = 0;
    int ret = -1;

    out->items = NULL;
    out->n = 0;
    /* lowest priority first, so a higher directory replaces a name */
    for (size_t i = n_dirs; i > 0; i--)
        if (scan_dir(dirs[i - 1], &es, &n, err) < 0)
            goto out;
    if (n)
        qsort(es, n, sizeof(*es), cmp_entry);
    for (size_t i = 0; i < n; i++)
        if (load_one(es[i].path, out, err) < 0)
            goto out;
    ret = 0;
out:
    for (size_t i = 0; i < n; i++) {
        free(es[i].name);
        free(es[i].path);
    }
    free(es);
    if (ret < 0)
        firmware_list_free(out);
    return ret;
}

char **
firmware_dirs(size_t *n)
{
    const char *env = getenv("LUAVIRT_FIRMWARE_DIRS");
    char **dirs = lv_calloc(4, sizeof(char *));

    *n = 0;
    if (env) {
        char *copy = lv_strdup(env), *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
            dirs = lv_realloc(dirs, (*n + 2) * sizeof(char *));
            dirs[(*n)++] = lv_strdup(p);
        }
        dirs[*n] = NULL;
        free(copy);
        return dirs;
    }
    /* like libvirt: root's home is not a place for host firmware */
    if (geteuid() != 0) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            dirs[(*n)++] = lv_asprintf("%s/qemu/firmware", xdg);
        else if (home && *home)
            dirs[(*n)++] = lv_asprintf("%s/.config/qemu/firmware", home);
    }
    dirs[(*n)++] = lv_strdup("/etc/qemu/firmware");
    dirs[(*n)++] = lv_strdup("/usr/share/qemu/firmware");
    dirs[*n] = NULL;
    return dirs;
}

int
firmware_list_load_host(struct firmware_list *out, struct lv_err *err)
{
    size_t n;
    char **dirs = firmware_dirs(&n);
    int r = firmware_list_load((const char *const *)dirs, n, out, err);

    lv_argv_free(dirs);
    return r;
}

void
firmware_list_free(struct firmware_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        firmware_desc_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
