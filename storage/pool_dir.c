/* pool_dir.c - the dir pool type (a host directory, like libvirt's
 * storage_backend_fs.c "dir") and the file volume operations it shares with
 * fs and netfs pools: files in the target directory are the volumes, their
 * format and sizes come from qemu-img info, new ones are made with the
 * qemu-img argv of vol_argv.h (raw without preallocation: a sparse
 * ftruncate, as fast as it gets). */
#include "pool_backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "spawn.h"
#include "store.h"
#include "strbuf.h"
#include "test_hook.h"
#include "vol_argv.h"

int
pool_dir_check_target(const struct pool_def *def, struct lv_err *err)
{
    struct stat st;

    if (!def->target.path) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': no target path", def->name);
        return -1;
    }
    if (stat(def->target.path, &st) < 0) {
        lv_err_sys(err, "pool '%s': cannot open directory '%s'", def->name,
                   def->target.path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': target '%s' is not a "
                   "directory", def->name, def->target.path);
        return -1;
    }
    return 0;
}

int
pool_dir_make_target(const struct pool_def *def, struct lv_err *err)
{
    mode_t mode = def->target.perms.mode >= 0
                  ? (mode_t)def->target.perms.mode : 0755;
    struct stat st;

    if (!def->target.path) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': no target path", def->name);
        return -1;
    }
    if (stat(def->target.path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        lv_err_set(err, LV_E_INVALID, "pool '%s': cannot build: target '%s' "
                   "exists and is not a directory", def->name,
                   def->target.path);
        return -1;
    }
    if (lv_store_mkdirs(def->target.path, mode, err) < 0) {
        lv_err_prefix(err, "pool '%s': cannot build: ", def->name);
        return -1;
    }
    if (def->target.perms.mode >= 0 &&
        chmod(def->target.path, (mode_t)def->target.perms.mode) < 0) {
        lv_err_sys(err, "pool '%s': cannot set mode of '%s'", def->name,
                   def->target.path);
        return -1;
    }
    return 0;
}

static int
dir_build(const struct pool_def *def, unsigned flags, struct lv_err *err)
{
    (void)flags;
    return pool_dir_make_target(def, err);
}

static int
dir_start(const struct pool_def *def, struct lv_err *err)
{
    return pool_dir_check_target(def, err);
}

static int
dir_remove(const struct pool_def *def, char **removed, struct lv_err *err)
{
    if (rmdir(def->target.path) < 0 && errno != ENOENT) {
        lv_err_sys(err, "pool '%s': cannot remove directory '%s'", def->name,
                   def->target.path);
        return -1;
    }
    *removed = lv_asprintf("directory %s", def->target.path);
    return 0;
}

int
pool_dir_info(struct pool_def *def, struct lv_err *err)
{
    struct statvfs sv;

    if (statvfs(def->target.path, &sv) < 0) {
        lv_err_sys(err, "pool '%s': cannot statvfs '%s'", def->name,
                   def->target.path);
        return -1;
    }
    /* libvirt's virStorageBackendFileSystemRefresh */
    def->capacity = (uint64_t)sv.f_frsize * sv.f_blocks;
    def->available = (uint64_t)sv.f_frsize * sv.f_bavail;
    def->allocation = def->capacity - (uint64_t)sv.f_frsize * sv.f_bfree;
    return 0;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pool_dir_vol_names(const struct pool_def *def, char ***names, size_t *n,
                   struct lv_err *err)
{
    DIR *d = opendir(def->target.path);
    struct dirent *e;
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    if (!d) {
        lv_err_sys(err, "pool '%s': cannot open directory '%s'", def->name,
                   def->target.path);
        return -1;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *names = lv_realloc(*names, cap * sizeof(char *));
        }
        (*names)[(*n)++] = lv_strdup(e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof(char *), cmp_name);
    return 0;
}

static void
set_times(struct vol_def *v, const struct stat *st)
{
    v->target.atime = lv_asprintf("%lld.%09ld", (long long)st->st_atim.tv_sec,
                                  st->st_atim.tv_nsec);
    v->target.mtime = lv_asprintf("%lld.%09ld", (long long)st->st_mtim.tv_sec,
                                  st->st_mtim.tv_nsec);
    v->target.ctime = lv_asprintf("%lld.%09ld", (long long)st->st_ctim.tv_sec,
                                  st->st_ctim.tv_nsec);
}

struct vol_def *
pool_dir_vol_load(const struct pool_def *def, const char *name,
                  struct lv_err *err)
{
    struct qemu_img_info qi;
    struct vol_def *v;
    struct stat st;
    char *path;

    if (!name || !*name || strchr(name, '/') || name[0] == '.') {
        lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': no storage vol with "
                   "matching name in pool '%s'", name ? name : "", def->name);
        return NULL;
    }
    path = lv_asprintf("%s/%s", def->target.path, name);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        lv_err_set(err, LV_E_NO_VOLUME, "volume '%s': no storage vol with "
                   "matching name in pool '%s'", name, def->name);
        free(path);
        return NULL;
    }
    v = vol_def_new();
    v->name = lv_strdup(name);
    v->type = VOL_FILE;
    v->key = lv_strdup(path);
    v->target.path = path;
    v->allocation = (uint64_t)st.st_blocks * 512;
    v->has_allocation = 1;
    v->target.perms.mode = (int)(st.st_mode & 0777);
    v->target.perms.uid = st.st_uid;
    v->target.perms.gid = st.st_gid;
    set_times(v, &st);
    if (qemu_img_info(path, &qi, NULL) < 0) {
        /* not an image qemu-img reads: a raw file of its size */
        v->target.format = lv_strdup("raw");
        v->capacity = (uint64_t)st.st_size;
        return v;
    }
    v->target.format = lv_strdup(qi.format ? qi.format : "raw");
    v->capacity = qi.capacity;
    if (qi.backing) {
        v->backing = lv_calloc(1, sizeof(*v->backing));
        v->backing->path = qi.backing[0] == '/' ? lv_strdup(qi.backing)
            : lv_asprintf("%s/%s", def->target.path, qi.backing);
        v->backing->format = lv_strdup(qi.backing_format);
        v->backing->perms.mode = -1;
        v->backing->perms.uid = v->backing->perms.gid = -1;
    }
    qemu_img_info_clear(&qi);
    return v;
}

/* A raw volume without data to copy: ftruncate (sparse), then allocate
 * what the definition asks for, like libvirt's createRawFile. */
static int
create_raw(const struct vol_def *vol, int fd, struct lv_err *err)
{
    if (ftruncate(fd, (off_t)vol->capacity) < 0) {
        lv_err_sys(err, "volume '%s': cannot create", vol->name);
        return -1;
    }
    if (vol->has_allocation && vol->allocation > 0) {
        uint64_t a = vol->allocation < vol->capacity ? vol->allocation
                                                     : vol->capacity;
        int r = posix_fallocate(fd, 0, (off_t)a);
        if (r != 0) {
            errno = r;
            lv_err_sys(err, "volume '%s': cannot allocate %llu bytes",
                       vol->name, (unsigned long long)a);
            return -1;
        }
    }
    if (fsync(fd) < 0) {
        lv_err_sys(err, "volume '%s': cannot create", vol->name);
        return -1;
    }
    return 0;
}

static int
create_qemu_img(const struct vol_create_req *req, struct lv_err *err)
{
    char **argv = vol_argv_create(req->pool, req->vol, req->frompool,
                                  req->from, 0, err);
    char *what = lv_asprintf("volume '%s'", req->vol->name);
    int r = -1;

    if (!argv) {
        lv_err_prefix(err, "%s: ", what);
        goto out;
    }
    if (req->from)
        r = qemu_img_run_progress(argv, what, req->progress, req->arg, err);
    else
        r = qemu_img_run(argv, what, err);
out:
    lv_argv_free(argv);
    free(what);
    return r;
}

/* The hidden name a volume is built under: DIR/.NAME.tmp.PID (volume
 * listings skip dot files). */
static char *
build_path(const char *final, const char *name)
{
    const char *slash = strrchr(final, '/');
    int dirlen = slash ? (int)(slash - final) : 0;

    return lv_asprintf("%.*s/.%s.tmp.%d", dirlen, final, name, (int)getpid());
}

static int
vol_exists_error(const struct vol_create_req *req, struct lv_err *err)
{
    lv_err_set(err, LV_E_EXISTS, "volume '%s': storage volume name '%s' "
               "already exists in pool '%s'", req->vol->name, req->vol->name,
               req->pool->name);
    return -1;
}

int
pool_dir_vol_create(const struct vol_create_req *req, struct lv_err *err)
{
    const struct vol_def *vol = req->vol;
    const char *fmt = vol->target.format ? vol->target.format : "raw";
    struct vol_create_req tr = *req;
    struct vol_def *tv = NULL;
    char *dir = NULL, *base = NULL;
    struct stat st;
    int fd = -1, r = -1;

    if (lstat(vol->target.path, &st) == 0)
        return vol_exists_error(req, err);
    /* built under a hidden name and renamed into place when whole, so a
     * killed create leaves no half-made volume; what one left is removed
     * here, under the pool's lock every creator holds */
    tv = vol_def_copy(vol);
    free(tv->target.path);
    tv->target.path = build_path(vol->target.path, vol->name);
    dir = lv_strndup(vol->target.path, (size_t)(strrchr(vol->target.path, '/') -
                                                vol->target.path));
    base = lv_asprintf(".%s", vol->name);
    lv_store_remove_tmp(dir, base, 1);
    tr.vol = tv;
    fd = open(tv->target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
              vol->target.perms.mode >= 0 ? vol->target.perms.mode : 0600);
    if (fd < 0) {
        lv_err_sys(err, "volume '%s': cannot create '%s'", vol->name,
                   tv->target.path);
        goto out;
    }
    lv_test_stop_at("vol-create-after-reserve");
    if (!req->from && !vol->backing && strcmp(fmt, "raw") == 0)
        r = create_raw(tv, fd, err);
    else
        r = create_qemu_img(&tr, err);
    if (r == 0) {
        lv_test_stop_at("vol-create-after-img");
        /* never over a file that appeared meanwhile (not ours: we hold
         * the pool's lock) */
        if (renameat2(AT_FDCWD, tv->target.path, AT_FDCWD, vol->target.path,
                      RENAME_NOREPLACE) < 0) {
            r = errno == EEXIST ? vol_exists_error(req, err)
                                : (lv_err_sys(err, "volume '%s': cannot create '%s'",
                                              vol->name, vol->target.path), -1);
        }
        if (r == 0)
            lv_test_stop_at("vol-create-after-rename");
    }
out:
    if (fd >= 0)
        close(fd);
    if (r < 0 && tv)
        unlink(tv->target.path);
    free(base);
    free(dir);
    vol_def_free(tv);
    return r;
}

int
pool_dir_vol_delete(const struct pool_def *def, const struct vol_def *vol,
                    struct lv_err *err)
{
    (void)def;
    if (unlink(vol->target.path) < 0) {
        lv_err_sys(err, "volume '%s': cannot remove '%s'", vol->name,
                   vol->target.path);
        return -1;
    }
    return 0;
}

int
pool_dir_vol_resize(const struct pool_def *def, const struct vol_def *vol,
                    uint64_t capacity, int shrink, struct lv_err *err)
{
    char size[32], *what = lv_asprintf("volume '%s'", vol->name);
    char *argv[9];
    int i = 0, r;

    (void)def;
    snprintf(size, sizeof(size), "%llu", (unsigned long long)capacity);
    argv[i++] = (char *)"qemu-img";
    argv[i++] = (char *)"resize";
    if (shrink)
        argv[i++] = (char *)"--shrink";
    argv[i++] = (char *)"-f";
    argv[i++] = vol->target.format ? vol->target.format : (char *)"raw";
    argv[i++] = vol->target.path;
    argv[i++] = size;
    argv[i] = NULL;
    r = qemu_img_run(argv, what, err);
    free(what);
    return r;
}

const struct pool_backend pool_dir_backend = {
    .build = dir_build,
    .start = dir_start,
    .stop = NULL,
    .remove = dir_remove,
    .info = pool_dir_info,
    .vol_names = pool_dir_vol_names,
    .vol_load = pool_dir_vol_load,
    .vol_create = pool_dir_vol_create,
    .vol_delete = pool_dir_vol_delete,
    .vol_resize = pool_dir_vol_resize,
};
