/* dom_jail.c - the unprivileged user of system-scope QEMUs and the
 * privilege drop between fork and exec (see dom_jail.h). */
#include "dom_jail.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define USERADD "/usr/sbin/useradd"

int
dom_jail_lookup(struct dom_jail *j, struct lv_err *err)
{
    struct passwd *pw;
    struct group *kvm;
    int n = DOM_JAIL_MAX_GROUPS - 1;

    memset(j, 0, sizeof(*j));
    errno = 0;
    pw = getpwnam(DOM_JAIL_USER);
    if (!pw) {
        if (errno)
            lv_err_sys(err, "user '%s': cannot look up", DOM_JAIL_USER);
        else
            lv_err_set(err, LV_E_SYSTEM, "user '%s': no such user", DOM_JAIL_USER);
        return -1;
    }
    j->uid = pw->pw_uid;
    j->gid = pw->pw_gid;
    if (j->uid == 0 || j->gid == 0) {
        lv_err_set(err, LV_E_INVALID, "user '%s': has uid or gid 0; QEMU "
                   "must not run as root", DOM_JAIL_USER);
        return -1;
    }
    if (getgrouplist(DOM_JAIL_USER, j->gid, j->groups, &n) < 0)
        n = 0;
    /* /dev/kvm belongs to group kvm, as libvirt-qemu is a member of it */
    kvm = getgrnam("kvm");
    if (kvm && kvm->gr_gid != 0 && n < DOM_JAIL_MAX_GROUPS)
        j->groups[n++] = kvm->gr_gid;
    if (n == 0)
        j->groups[n++] = j->gid;
    j->n_groups = n;
    j->on = 1;
    return 0;
}

/* useradd --system: no home, no login shell, a group of its own. */
static int
make_user(struct lv_err *err)
{
    char *argv[] = { (char *)USERADD, (char *)"--system", (char *)"--no-create-home",
                     (char *)"--home-dir", (char *)"/nonexistent",
                     (char *)"--shell", (char *)"/usr/sbin/nologin",
                     (char *)"--user-group", (char *)DOM_JAIL_USER, NULL };
    char *out = NULL, *errtext = NULL;
    int st = lv_spawn_capture(argv, &out, &errtext, 30000, err);

    /* 9: made meanwhile by a parallel start */
    if (st > 0 && st != 9) {
        size_t l = errtext ? strlen(errtext) : 0;
        while (l > 0 && errtext[l - 1] == '\n')
            errtext[--l] = '\0';
        lv_err_set(err, LV_E_SYSTEM, "user '%s': cannot create: useradd: %s",
                   DOM_JAIL_USER, l ? errtext : "failed");
    }
    free(out);
    free(errtext);
    if (st < 0)
        lv_err_prefix(err, "user '%s': cannot create: ", DOM_JAIL_USER);
    return st == 0 || st == 9 ? 0 : -1;
}

int
dom_jail_get(const struct lv_conn *c, struct dom_jail *j, struct lv_err *err)
{
    struct lv_err e2 = LV_ERR_INIT;

    memset(j, 0, sizeof(*j));
    if (c->session || geteuid() != 0)
        return 0;
    if (dom_jail_lookup(j, &e2) == 0)
        return 0;
    lv_log_info("user '%s': not found, creating it", DOM_JAIL_USER);
    if (make_user(err) < 0)
        return -1;
    return dom_jail_lookup(j, err);
}

/* <locked/> memory: libvirt raises RLIMIT_MEMLOCK for QEMU; a host that
 * denies that (no CAP_SYS_RESOURCE, as in a container) leaves QEMU the
 * one capability mlock needs, CAP_IPC_LOCK, and nothing else. 1 if kept. */
static int
memlock(const struct dom_jail *j)
{
    struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

    if (!j->memlock || setrlimit(RLIMIT_MEMLOCK, &rl) == 0)
        return 0;
    return 1;
}

int
dom_jail_enter(const void *arg)
{
    const struct dom_jail *j = arg;
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    int keep;

    if (!j || !j->on)
        return 0;
    if (j->private_dev && dom_jail_ns_enter(j) < 0)
        return -1;
    keep = memlock(j);
    /* while CAP_SETPCAP is still ours: nothing can be gained back */
    for (int cap = 0; cap < 64; cap++)
        if (!(keep && cap == CAP_IPC_LOCK) &&
            prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return -1;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
        errno != EINVAL)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, keep, 0, 0, 0) < 0 ||
        setgroups((size_t)j->n_groups, j->groups) < 0 ||
        setresgid(j->gid, j->gid, j->gid) < 0 ||
        setresuid(j->uid, j->uid, j->uid) < 0)
        return -1;
    memset(d, 0, sizeof(d));
    if (keep)
        d[0].effective = d[0].permitted = d[0].inheritable = 1u << CAP_IPC_LOCK;
    if (syscall(SYS_capset, &h, d) < 0)
        return -1;
    if (keep && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_IPC_LOCK, 0, 0) < 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return 0;
}

int
dom_jail_check(const struct dom_jail *j, const char *path, int mode,
               struct lv_err *err)
{
    pid_t pid;
    int st = 0;

    if (!j || !j->on)
        return 0;
    pid = fork();
    if (pid < 0) {
        lv_err_sys(err, "'%s': cannot check access as user '%s': fork",
                   path, DOM_JAIL_USER);
        return -1;
    }
    if (pid == 0) {
        struct dom_jail plain = *j;
        plain.private_dev = 0;   /* the host's view of path */
        if (dom_jail_enter(&plain) < 0)
            _exit(255);
        _exit(access(path, mode) == 0 ? 0 : errno & 0xff);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            lv_err_sys(err, "'%s': cannot check access as user '%s': wait",
                       path, DOM_JAIL_USER);
            return -1;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    errno = WIFEXITED(st) && WEXITSTATUS(st) != 255 ? WEXITSTATUS(st) : EPERM;
    if (errno == EACCES)   /* say what to do, as the fix is the user's */
        lv_err_set(err, LV_E_SYSTEM, "'%s' is not %s by user '%s' (%s): it and "
                   "every directory above it must be open to that user (the "
                   "directories at least o+x, as for libvirt-qemu)", path,
                   (mode & W_OK) ? "writable" : "readable", DOM_JAIL_USER,
                   strerror(EACCES));
    else
        lv_err_sys(err, "'%s' is not %s by user '%s'", path,
                   (mode & W_OK) ? "writable" : "readable", DOM_JAIL_USER);
    return -1;
}
