/* dom_jail_ns.c - a confined QEMU's private mount namespace with its own
 * /dev (see dom_jail.h), as libvirt's qemu driver builds one: QEMU sees
 * only the device nodes it needs, so a bug in it cannot open /dev/sda or
 * /dev/mem even if their modes allowed it. */
#include "dom_jail.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dom_def.h"
#include "storage/path_policy.h"

/* Host nodes and directories bound in when the host has them. */
static const char *const host_nodes[] = {
    "null", "zero", "full", "random", "urandom", "ptmx", "kvm", "vhost-net",
    "vhost-vsock", "net/tun", NULL
};
static const char *const host_dirs[] = { "pts", "shm", "hugepages", "mqueue", NULL };

static int
add_dev(struct dom_jail *j, const char *path, const char *what, struct lv_err *err)
{
    struct stat st;

    if (!path || !path_policy_under(path, "/dev"))
        return 0;
    for (int i = 0; i < j->n_devs; i++)
        if (!strcmp(j->devs[i].path, path))
            return 0;
    if (stat(path, &st) < 0) {
        lv_err_sys(err, "%s: cannot use '%s'", what, path);
        return -1;
    }
    if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
        return 0;
    if (j->n_devs == DOM_JAIL_MAX_DEVS || strlen(path) >= sizeof(j->devs[0].path)) {
        lv_err_set(err, LV_E_UNSUPPORTED, "%s: '%s': more than %d device nodes or "
                   "too long a path for QEMU's private /dev", what, path,
                   DOM_JAIL_MAX_DEVS);
        return -1;
    }
    snprintf(j->devs[j->n_devs].path, sizeof(j->devs[0].path), "%s", path);
    j->devs[j->n_devs].mode = st.st_mode;
    j->devs[j->n_devs].rdev = st.st_rdev;
    j->n_devs++;
    return 0;
}

int
dom_jail_ns_prepare(struct dom_jail *j, const struct dom_def *def,
                    struct lv_err *err)
{
    char what[96];

    j->n_devs = 0;
    j->memlock = def->mem_backing.locked;
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        snprintf(what, sizeof(what), "disk '%s'", k->target_dev ? k->target_dev : "?");
        if (k->type == DOM_DISK_BLOCK && add_dev(j, k->source, what, err) < 0)
            return -1;
        for (size_t l = 0; l < k->n_chain; l++)
            if (k->chain[l].type == DOM_DISK_BLOCK &&
                add_dev(j, k->chain[l].source, what, err) < 0)
                return -1;
    }
    for (size_t i = 0; i < def->n_rngs; i++)
        if (add_dev(j, def->rngs[i].backend_path, "rng", err) < 0)
            return -1;
    j->private_dev = 1;
    return 0;
}

/* mkdir -p of path's parents below /dev (path absolute). */
static int
make_parents(const char *path)
{
    char buf[256];
    size_t n = strlen(path);

    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 5; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Make host /dev/name (reached through the fd of the old /dev) again in
 * the new /dev: a device node by mknod with the host's numbers, mode and
 * owner (a bind mount of ptmx would not find the pts next to it), a
 * directory by a bind mount; absent on the host: skipped. */
static int
copy_host(int hostdev, const char *name, int dir)
{
    char src[64], dst[64];
    struct stat st;

    if (fstatat(hostdev, name, &st, 0) < 0)
        return 0;
    if (snprintf(src, sizeof(src), "/proc/self/fd/%d/%s", hostdev, name) >= (int)sizeof(src) ||
        snprintf(dst, sizeof(dst), "/dev/%s", name) >= (int)sizeof(dst) ||
        make_parents(dst) < 0)
        return -1;
    if (!dir) {
        if (!S_ISCHR(st.st_mode))
            return 0;
        if (mknod(dst, st.st_mode, st.st_rdev) < 0 ||
            chown(dst, st.st_uid, st.st_gid) < 0)
            return -1;
        return 0;
    }
    if (mkdir(dst, 0755) < 0)
        return -1;
    return mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
}

static int
make_node(const struct dom_jail *j, const struct dom_jail_dev *d)
{
    if (make_parents(d->path) < 0)
        return -1;
    if (mknod(d->path, d->mode, d->rdev) < 0 && errno != EEXIST)
        return -1;
    /* the host's node was handed over as a file (dom_dac.h); this one is
     * QEMU's alone */
    if (chown(d->path, j->uid, j->gid) < 0 || chmod(d->path, d->mode & 0660) < 0)
        return -1;
    return 0;
}

int
dom_jail_ns_enter(const struct dom_jail *j)
{
    int hostdev, e;
    mode_t old;

    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return -1;
    /* opened in the new namespace: a bind source must belong to it */
    hostdev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (hostdev < 0)
        return -1;
    old = umask(0);
    if (mount("luavirt-dev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
              "mode=755,size=1m") < 0)
        goto fail;
    for (int i = 0; host_nodes[i]; i++)
        if (copy_host(hostdev, host_nodes[i], 0) < 0)
            goto fail;
    for (int i = 0; host_dirs[i]; i++)
        if (copy_host(hostdev, host_dirs[i], 1) < 0)
            goto fail;
    for (int i = 0; i < j->n_devs; i++)
        if (make_node(j, &j->devs[i]) < 0)
            goto fail;
    if (symlink("/proc/self/fd", "/dev/fd") < 0)
        goto fail;
    umask(old);
    close(hostdev);
    return 0;
fail:
    e = errno;
    umask(old);
    close(hostdev);
    errno = e;
    return -1;
}

int
dom_jail_ns_add(const struct dom_jail *j, pid_t pid, const char *path,
                struct lv_err *err)
{
    struct dom_jail one = *j;
    char ns[64];
    int fd, st = 0;
    pid_t child;

    one.n_devs = 0;
    if (!j->on || pid <= 0 || add_dev(&one, path, "disk", err) < 0)
        return j->on && pid > 0 ? -1 : 0;
    if (one.n_devs == 0)
        return 0;
    snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)pid);
    fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lv_err_sys(err, "'%s': cannot enter QEMU's /dev (pid %d)", path, (int)pid);
        return -1;
    }
    child = fork();
    if (child == 0)
        _exit(setns(fd, CLONE_NEWNS) < 0 || make_node(&one, &one.devs[0]) < 0
              ? (errno & 0xff) : 0);
    close(fd);
    if (child < 0) {
        lv_err_sys(err, "'%s': cannot enter QEMU's /dev: fork", path);
        return -1;
    }
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        errno = WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
        lv_err_sys(err, "'%s': cannot make it in QEMU's /dev (pid %d)", path,
                   (int)pid);
        return -1;
    }
    return 0;
}
