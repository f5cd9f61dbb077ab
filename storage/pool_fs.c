/* pool_fs.c - the fs pool type: a block device with a file system, mounted
 * on the target directory on start and unmounted on destroy (libvirt's
 * storage_backend_fs.c "fs"). Build makes the target directory and, like
 * libvirt, puts a file system on the device only with --overwrite or when
 * the device holds none; volumes are files (pool_dir.c). */
#include "pool_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_mount.h"
#include "spawn.h"
#include "strbuf.h"

static const char *
fs_format(const struct pool_def *def)
{
    const char *f = def->source.format;
    return f && strcmp(f, "auto") != 0 ? f : NULL;
}

static const char *
fs_device(const struct pool_def *def, struct lv_err *err)
{
    if (def->source.n_devices == 0 || !def->source.devices[0].path) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': no source device given",
                   def->name);
        return NULL;
    }
    return def->source.devices[0].path;
}

/* The file system type blkid finds on dev, malloc'd; NULL: none. */
static char *
probe_fs(const char *dev)
{
    char *argv[] = { (char *)"blkid", (char *)"-o", (char *)"value",
                     (char *)"-s", (char *)"TYPE", (char *)dev, NULL };
    char *out = NULL;
    int st = lv_spawn_capture(argv, &out, NULL, 30000, NULL);

    if (st != 0 || !out || !*out) {
        free(out);
        return NULL;
    }
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static int
fs_build(const struct pool_def *def, unsigned flags, struct lv_err *err)
{
    const char *dev = fs_device(def, err);
    const char *fmt = fs_format(def) ? fs_format(def) : "ext4";
    char *have = NULL, *prog = NULL;
    int r = -1;

    if (!dev || pool_dir_make_target(def, err) < 0)
        return -1;
    have = probe_fs(dev);
    if (have && !(flags & POOL_BUILD_OVERWRITE)) {
        if (fs_format(def) && strcmp(have, fs_format(def)) != 0)
            lv_err_set(err, LV_E_INVALID, "pool '%s': device '%s' holds a "
                       "%s file system, not %s; use --overwrite to format it",
                       def->name, dev, have, fs_format(def));
        else
            r = 0;          /* already built: keep its data */
        goto out;
    }
    prog = lv_asprintf("mkfs.%s", fmt);
    {
        char *argv[] = { prog, (char *)(strncmp(fmt, "ext", 3) == 0 ? "-qF"
                                                                    : "-f"),
                         (char *)dev, NULL };
        if (strcmp(fmt, "vfat") == 0)
            argv[1] = (char *)"-I";
        r = pool_backend_run(def, argv, err);
    }
out:
    free(prog);
    free(have);
    return r;
}

static int
fs_start(const struct pool_def *def, struct lv_err *err)
{
    const char *dev = fs_device(def, err);

    if (!dev || pool_dir_check_target(def, err) < 0)
        return -1;
    return pool_mount(def, dev, fs_format(def), err);
}

static int
fs_stop(const struct pool_def *def, struct lv_err *err)
{
    return pool_umount(def, err);
}

static int
fs_remove(const struct pool_def *def, char **removed, struct lv_err *err)
{
    return pool_mount_remove_target(def, removed, err);
}

const struct pool_backend pool_fs_backend = {
    .build = fs_build,
    .start = fs_start,
    .stop = fs_stop,
    .remove = fs_remove,
    .info = pool_dir_info,
    .vol_names = pool_dir_vol_names,
    .vol_load = pool_dir_vol_load,
    .vol_create = pool_dir_vol_create,
    .vol_delete = pool_dir_vol_delete,
    .vol_resize = pool_dir_vol_resize,
};
