/* pool_netfs.c - the netfs pool type: an NFS (or other network file
 * system) export host:path mounted on the target directory on start
 * (libvirt's storage_backend_fs.c "netfs"). Build only makes the target
 * directory; volumes are files (pool_dir.c). */
#include "pool_backend.h"

#include <stdlib.h>
#include <string.h>

#include "pool_mount.h"
#include "strbuf.h"

static int
netfs_build(const struct pool_def *def, unsigned flags, struct lv_err *err)
{
    (void)flags;
    return pool_dir_make_target(def, err);
}

static int
netfs_start(const struct pool_def *def, struct lv_err *err)
{
    const char *fmt = def->source.format;
    char *src;
    int r;

    if (def->source.n_hosts == 0 || !def->source.hosts[0].name ||
        !def->source.dir) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': netfs needs a source host "
                   "and path", def->name);
        return -1;
    }
    if (pool_dir_check_target(def, err) < 0)
        return -1;
    if (!fmt || strcmp(fmt, "auto") == 0)
        fmt = "nfs";
    src = lv_asprintf("%s:%s", def->source.hosts[0].name, def->source.dir);
    r = pool_mount(def, src, fmt, err);
    free(src);
    return r;
}

static int
netfs_stop(const struct pool_def *def, struct lv_err *err)
{
    return pool_umount(def, err);
}

static int
netfs_remove(const struct pool_def *def, char **removed, struct lv_err *err)
{
    return pool_mount_remove_target(def, removed, err);
}

const struct pool_backend pool_netfs_backend = {
    .build = netfs_build,
    .start = netfs_start,
    .stop = netfs_stop,
    .remove = netfs_remove,
    .info = pool_dir_info,
    .vol_names = pool_dir_vol_names,
    .vol_load = pool_dir_vol_load,
    .vol_create = pool_dir_vol_create,
    .vol_delete = pool_dir_vol_delete,
    .vol_resize = pool_dir_vol_resize,
};
