/* store.c - atomic writes (temp, fsync, rename, fsync dir), whole-file
 * reads and flocks for the state store (see store.h). */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "strbuf.h"

int
lv_store_mkdirs(const char *path, mode_t mode, struct lv_err *err)
{
    char *p = lv_strdup(path);
    int ret = -1;

    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, mode) < 0 && errno != EEXIST) {
                lv_err_sys(err, "cannot create directory '%s'", p);
                goto out;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    ret = 0;
out:
    free(p);
    return ret;
}

static int
fsync_dir_of(const char *path, struct lv_err *err)
{
    char *copy = lv_strdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ret = -1;

    if (fd < 0) {
        lv_err_sys(err, "cannot open the directory of '%s'", path);
        goto out;
    }
    if (fsync(fd) < 0) {
        lv_err_sys(err, "cannot sync the directory of '%s'", path);
        goto out;
    }
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    free(copy);
    return ret;
}

int
lv_store_write_atomic(const char *path, const void *data, size_t len,
                      mode_t mode, struct lv_err *err)
{
    char *tmp = lv_asprintf("%s.tmp.%d", path, (int)getpid());
    int fd = -1, ret = -1;

    /* a fresh file, never one found there: a run dir is writable by the
     * confined QEMU's group (kvm/dom_dac.h), which could plant a link */
    if (unlink(tmp) < 0 && errno != ENOENT) {
        lv_err_sys(err, "cannot write '%s': cannot remove '%s'", path, tmp);
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        lv_err_sys(err, "cannot write '%s'", path);
        goto out;
    }
    if (lv_write_all(fd, data, len) < 0) {
        lv_err_sys(err, "cannot write '%s'", path);
        goto out;
    }
    if (fsync(fd) < 0) {
        lv_err_sys(err, "cannot sync '%s'", path);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        lv_err_sys(err, "cannot write '%s'", path);
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        lv_err_sys(err, "cannot rename '%s' to '%s'", tmp, path);
        goto out;
    }
    if (fsync_dir_of(path, err) < 0)
        goto out;
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    if (ret < 0)
        unlink(tmp);
    free(tmp);
    return ret;
}

char *
lv_store_read(const char *path, size_t *len, struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;
    char tmp[8192];
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        lv_err_sys(err, "cannot read '%s'", path);
        return NULL;
    }
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof(tmp));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            lv_err_sys(err, "cannot read '%s'", path);
            close(fd);
            strbuf_free(&b);
            return NULL;
        }
        if (n == 0)
            break;
        strbuf_add(&b, tmp, (size_t)n);
    }
    close(fd);
    if (len)
        *len = b.len;
    return strbuf_steal(&b);
}

int
lv_store_lock(const char *path, int exclusive, struct lv_err *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

    if (fd < 0) {
        lv_err_sys(err, "cannot open lock '%s'", path);
        return -1;
    }
    while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
        if (errno != EINTR) {
            lv_err_sys(err, "cannot lock '%s'", path);
            close(fd);
            return -1;
        }
    }
    return fd;
}

void
lv_store_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

int
lv_store_is_locked(const char *path, struct lv_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ret;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        lv_err_sys(err, "cannot open lock '%s'", path);
        return -1;
    }
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ret = 0;
    } else if (errno == EWOULDBLOCK) {
        ret = 1;
    } else {
        lv_err_sys(err, "cannot test lock '%s'", path);
        ret = -1;
    }
    close(fd);
    return ret;
}

int
lv_store_remove(const char *path, struct lv_err *err)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        lv_err_sys(err, "cannot remove '%s'", path);
        return -1;
    }
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
lv_store_list_dir(const char *dir, const char *suffix, int dirs_only,
                  char ***names, size_t *n, struct lv_err *err)
{
    DIR *d = opendir(dir);
    size_t sl = strlen(suffix);
    struct dirent *de;

    *names = NULL;
    *n = 0;
    if (!d) {
        if (errno == ENOENT)
            return 0;
        lv_err_sys(err, "cannot list '%s'", dir);
        return -1;
    }
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= sl ||
            strcmp(de->d_name + len - sl, suffix) != 0 ||
            (dirs_only && de->d_type != DT_DIR))
            continue;
        *names = lv_realloc(*names, (*n + 1) * sizeof(char *));
        (*names)[(*n)++] = lv_strndup(de->d_name, len - sl);
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof(char *), cmp_str);
    return 0;
}

void
lv_store_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int
lv_store_autostart_get(const char *dir, const char *name)
{
    char *a = lv_asprintf("%s/autostart/%s.xml", dir, name);
    int r = access(a, F_OK) == 0;
    free(a);
    return r;
}

int
lv_store_autostart_set(const char *dir, const char *kind, const char *name,
                       int on, struct lv_err *err)
{
    char *adir = lv_asprintf("%s/autostart", dir);
    char *a = lv_asprintf("%s/%s.xml", adir, name);
    char *target = lv_asprintf("../%s.xml", name);
    int r = -1;

    if (!on) {
        r = lv_store_remove(a, err);
    } else if (lv_store_mkdirs(adir, 0755, err) < 0) {
        lv_err_prefix(err, "%s '%s': ", kind, name);
    } else if (symlink(target, a) < 0 && errno != EEXIST) {
        lv_err_sys(err, "%s '%s': cannot mark as autostarted", kind, name);
    } else {
        r = 0;
    }
    free(target);
    free(a);
    free(adir);
    return r;
}
