/* pool_mount.c - mount and umount of fs/netfs pool targets (see
 * pool_mount.h), with mount(8)'s last stderr line in errors. */
#include "pool_mount.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool_backend.h"
#include "strbuf.h"

int
pool_mount_is_mounted(const struct pool_def *def)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], *canon;
    int found = 0;

    if (!f || !def->target.path) {
        if (f)
            fclose(f);
        return 0;
    }
    canon = realpath(def->target.path, NULL);
    while (!found && fgets(line, sizeof(line), f)) {
        char mnt[PATH_MAX];
        /* id parent major:minor root MOUNTPOINT ... */
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
            found = strcmp(mnt, canon ? canon : def->target.path) == 0;
    }
    free(canon);
    fclose(f);
    return found;
}

static char *
mount_opts(const struct pool_def *def)
{
    struct strbuf b = STRBUF_INIT;

    for (size_t i = 0; i < def->n_mount_opts; i++) {
        if (i)
            strbuf_addc(&b, ',');
        strbuf_adds(&b, def->mount_opts[i]);
    }
    return b.len ? strbuf_steal(&b) : NULL;
}

int
pool_mount(const struct pool_def *def, const char *src, const char *type,
           struct lv_err *err)
{
    char *opts = mount_opts(def);
    char *argv[9];
    int i = 0, r;

    if (pool_mount_is_mounted(def)) {
        free(opts);
        return 0;
    }
    argv[i++] = (char *)"mount";
    if (type) {
        argv[i++] = (char *)"-t";
        argv[i++] = (char *)type;
    }
    if (opts) {
        argv[i++] = (char *)"-o";
        argv[i++] = opts;
    }
    argv[i++] = (char *)src;
    argv[i++] = def->target.path;
    argv[i] = NULL;
    r = pool_backend_run(def, argv, err);
    free(opts);
    return r;
}

int
pool_umount(const struct pool_def *def, struct lv_err *err)
{
    char *argv[] = { (char *)"umount", def->target.path, NULL };

    if (!pool_mount_is_mounted(def))
        return 0;
    return pool_backend_run(def, argv, err);
}

int
pool_mount_remove_target(const struct pool_def *def, char **removed,
                         struct lv_err *err)
{
    if (pool_mount_is_mounted(def)) {
        lv_err_set(err, LV_E_BUSY, "pool '%s': cannot delete: '%s' is still "
                   "mounted", def->name, def->target.path);
        return -1;
    }
    if (rmdir(def->target.path) < 0 && errno != ENOENT) {
        lv_err_sys(err, "pool '%s': cannot remove directory '%s'", def->name,
                   def->target.path);
        return -1;
    }
    *removed = lv_asprintf("directory %s", def->target.path);
    return 0;
}
