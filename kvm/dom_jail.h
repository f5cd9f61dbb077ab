/* dom_jail.h - QEMU confined as libvirt's qemu driver confines it on
 * Debian: a system-scope guest's QEMU runs as the unprivileged user and
 * group luavirt-qemu (made with useradd on first use, like libvirt-qemu),
 * with an empty capability set and bounding set and no new privileges;
 * QEMU adds its own seccomp filter (-sandbox, kvm/qemu_argv.c). What it
 * opens by path is handed over by ownership (kvm/dom_dac.h). */
#ifndef LV_DOM_JAIL_H
#define LV_DOM_JAIL_H

#include <sys/types.h>

#include "conn.h"
#include "err.h"

#define DOM_JAIL_USER "luavirt-qemu"
#define DOM_JAIL_MAX_GROUPS 16
#define DOM_JAIL_MAX_DEVS 32

/* A host device node the guest's QEMU opens by path (a block device disk,
 * an rng), made again in its private /dev (kvm/dom_jail_ns.c). */
struct dom_jail_dev {
    char path[256];
    mode_t mode;           /* type and permissions */
    dev_t rdev;
};

struct dom_jail {
    int on;                /* 0: QEMU runs as the caller (session scope) */
    uid_t uid;
    gid_t gid;
    gid_t groups[DOM_JAIL_MAX_GROUPS];  /* supplementary: the user's, kvm */
    int n_groups;
    /* a private mount namespace with its own /dev, as libvirt's
     * namespaces=mount: only the nodes QEMU needs (dom_jail_ns.c) */
    int memlock;           /* <memoryBacking><locked/>: RLIMIT_MEMLOCK
                            * raised as libvirt does; where the host denies
                            * that, QEMU keeps CAP_IPC_LOCK alone */
    int private_dev;
    struct dom_jail_dev devs[DOM_JAIL_MAX_DEVS];
    int n_devs;
};

/* Whether c's guests are confined (system scope, run by root) and as
 * whom, into *j; the user is created on first use (execve of
 * /usr/sbin/useradd). Returns 0 (j->on 0 for session scope), or -1 with
 * err when the user is missing and cannot be made. */
int dom_jail_get(const struct lv_conn *c, struct dom_jail *j,
                 struct lv_err *err);

/* The same for the supervisor, which has no connection: the user must
 * exist. */
int dom_jail_lookup(struct dom_jail *j, struct lv_err *err);

struct dom_def;

/* Give j a private /dev for def's QEMU: the device nodes it opens by path
 * (block device disks and their backing layers, rng backends), checked
 * here so that the child has nothing to fail on but system calls. 0, or
 * -1 with err naming the device. */
int dom_jail_ns_prepare(struct dom_jail *j, const struct dom_def *def,
                        struct lv_err *err);

/* In the child, as root, before the privilege drop: a new mount namespace
 * (slave of the host's: nothing goes back), a tmpfs on /dev holding
 * null, zero, full, random, urandom, ptmx, pts, shm, kvm, hugepages,
 * net/tun, vhost-net (those the host has) and j's device nodes, owned by
 * j's user. Async-signal-safe; 0, or -1 with errno. */
int dom_jail_ns_enter(const struct dom_jail *j);

/* Make path (a block device being hotplugged) in the private /dev of the
 * running QEMU pid, owned by j's user. 0 (also when QEMU has no private
 * /dev), or -1 with err. */
int dom_jail_ns_add(const struct dom_jail *j, pid_t pid, const char *path,
                    struct lv_err *err);

/* lv_spawn's child_setup (arg: a struct dom_jail *): in the child between
 * fork and exec, drop the bounding set and ambient capabilities, take
 * the jail's groups, gid and uid (which clears the permitted and
 * effective sets), clear what capabilities remain and set no-new-privs.
 * Async-signal-safe; returns 0, or -1 with errno. */
int dom_jail_enter(const void *arg);

/* Can the jail's user reach path with access mode (R_OK, W_OK, X_OK)?
 * Asked of a child that takes the user's credentials. 0 yes; -1 with err
 * naming path and the cause. Always 0 when j is off. */
int dom_jail_check(const struct dom_jail *j, const char *path, int mode,
                   struct lv_err *err);

#endif
