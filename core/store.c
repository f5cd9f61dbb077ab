/* store.c - atomic writes (temp, fsync, rename, fsync dir), whole-file
 * reads and flocks for the state store (see store.h). */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "strbuf.h"

int
lv_store_mkdirs(const char *path, mode_t mode, struct lv_err *err)
{
    struct stat st;
    char *p;
    int ret = -1;

    /* the common case, a directory that is there already: one system call */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    p = lv_strdup(path);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, mode) == 0) {
                /* the mode asked for, whatever the caller's umask */
                if (chmod(p, mode) < 0) {
                    lv_err_sys(err, "cannot set the mode of directory '%s'", p);
                    goto out;
                }
            } else if (errno != EEXIST) {
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

int
lv_store_mkdir_private(const char *path, struct lv_err *err)
{
    struct stat st;

    if (lv_store_mkdirs(path, 0700, err) < 0)
        return -1;
    if (lstat(path, &st) < 0) {
        lv_err_sys(err, "cannot check directory '%s'", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        lv_err_set(err, LV_E_SYSTEM, "cannot use '%s': not a directory", path);
        return -1;
    }
    /* one made by an older version, or by hand, with a looser mode; 0710
     * is how a confined QEMU's group passes through (kvm/dom_dac.c) */
    if ((st.st_mode & 07777) != 0700 && (st.st_mode & 07777) != 0710 &&
        st.st_uid == geteuid() &&
        chmod(path, 0700) < 0) {
        lv_err_sys(err, "cannot set the mode of directory '%s'", path);
        return -1;
    }
    return 0;
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

char *
lv_store_write_tmp(const char *path, const void *data, size_t len, mode_t mode,
                   struct lv_err *err)
{
    char *tmp = lv_asprintf("%s.tmp.%d", path, (int)getpid());
    int fd = -1, ok = 0;

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
    ok = 1;
out:
    if (fd >= 0)
        close(fd);
    if (!ok) {
        unlink(tmp);
        free(tmp);
        tmp = NULL;
    }
    return tmp;
}

int
lv_store_commit_tmp(char *tmp, const char *path, struct lv_err *err)
{
    int ret = -1;

    if (rename(tmp, path) < 0) {
        lv_err_sys(err, "cannot rename '%s' to '%s'", tmp, path);
        unlink(tmp);
        goto out;
    }
    if (fsync_dir_of(path, err) < 0)
        goto out;
    ret = 0;
out:
    free(tmp);
    return ret;
}

int
lv_store_write_atomic(const char *path, const void *data, size_t len,
                      mode_t mode, struct lv_err *err)
{
    char *tmp = lv_store_write_tmp(path, data, len, mode, err);

    return tmp ? lv_store_commit_tmp(tmp, path, err) : -1;
}

/* "BASE.tmp.PID" -> PID, else 0 (BASE NULL: any base) */
static pid_t
tmp_pid(const char *entry, const char *base)
{
    const char *t = strstr(entry, ".tmp.");
    char *end = NULL;
    long pid;

    if (!t || t == entry || (base && ((size_t)(t - entry) != strlen(base) ||
                                      strncmp(entry, base, strlen(base)) != 0)))
        return 0;
    pid = strtol(t + 5, &end, 10);
    return (*end == '\0' && pid > 0 && pid < 1L << 22) ? (pid_t)pid : 0;
}

int
lv_store_remove_tmp(const char *dir, const char *base, int any_pid)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        pid_t pid = tmp_pid(de->d_name, base);
        if (!pid || pid == getpid())
            continue;
        /* a live writer's file is its own; a dead one left it behind */
        if (!any_pid && !(kill(pid, 0) < 0 && errno == ESRCH))
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
            n++;
            lv_log_debug("store: removed the leftover '%s/%s'", dir, de->d_name);
        }
    }
    closedir(d);
    return n;
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

/* Is fd still the file at path? A lock file is removed only by a holder of
 * its lock (lv_store_lock_remove): one who waited on the removed file must
 * take the new one. */
static int
same_file(int fd, const char *path)
{
    struct stat a, b;

    return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
lv_store_lock(const char *path, int exclusive, struct lv_err *err)
{
    for (;;) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

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
        if (same_file(fd, path))
            return fd;
        close(fd);
    }
}

void
lv_store_lock_remove(const char *path, int fd)
{
    if (fd < 0)
        return;
    if (same_file(fd, path) && unlink(path) < 0 && errno != ENOENT)
        lv_log_debug("store: cannot remove the lock '%s': %s", path,
                     strerror(errno));
    close(fd);
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
