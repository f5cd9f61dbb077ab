/* dom_dac.c - ownership handed to the confined QEMU and given back (see
 * dom_dac.h). The record is a line "UID GID PATH" per file. */
#include "dom_dac.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom_run.h"
#include "host_mem.h"
#include "log.h"
#include "storage/path_policy.h"
#include "store.h"
#include "strbuf.h"

#define DAC_FILE "dac-owners"

/* Append "UID GID PATH" to the record, atomically (temp + rename). */
static int
record(const char *run_dir, const struct stat *st, const char *path,
       struct lv_err *err)
{
    char *file = lv_asprintf("%s/" DAC_FILE, run_dir);
    char *old = lv_store_read(file, NULL, NULL);
    struct strbuf b = STRBUF_INIT;
    int r;

    if (old)
        strbuf_adds(&b, old);
    strbuf_addf(&b, "%u %u %s\n", (unsigned)st->st_uid, (unsigned)st->st_gid, path);
    r = lv_store_write_atomic(file, b.s, b.len, 0600, err);
    strbuf_free(&b);
    free(old);
    free(file);
    return r;
}

/* Could j's user read st without a change of owner? */
static int
user_can_read(const struct stat *st, const struct dom_jail *j)
{
    if (st->st_uid == j->uid)
        return (st->st_mode & S_IRUSR) != 0;
    if (st->st_gid == j->gid)
        return (st->st_mode & S_IRGRP) != 0;
    return (st->st_mode & S_IROTH) != 0;
}

int
dom_dac_grant(const char *run_dir, const struct dom_jail *j, const char *path,
              int readonly, const char *what, struct lv_err *err)
{
    struct stat st;

    if (!j->on || !path)
        return 0;
    if (stat(path, &st) < 0) {
        lv_err_sys(err, "%s: cannot use '%s'", what, path);
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISSOCK(st.st_mode) &&
        !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
        return 0;    /* a directory source (vvfat) is QEMU's to read */
    if (st.st_uid != j->uid && !(readonly && user_can_read(&st, j))) {
        if (record(run_dir, &st, path, err) < 0) {
            lv_err_prefix(err, "%s: ", what);
            return -1;
        }
        if (chown(path, j->uid, j->gid) < 0) {
            lv_err_sys(err, "%s: cannot hand '%s' to user '%s'", what, path,
                       DOM_JAIL_USER);
            return -1;
        }
        lv_log_debug("dac: '%s' handed to %s (was %u:%u)", path, DOM_JAIL_USER,
                     (unsigned)st.st_uid, (unsigned)st.st_gid);
    }
    if (dom_jail_check(j, path, readonly ? R_OK : R_OK | W_OK, err) < 0) {
        lv_err_prefix(err, "%s: ", what);
        return -1;
    }
    return 0;
}

/* The unix sockets of a network disk's hosts (nbd+unix): QEMU connects. */
static int
grant_hosts(const char *run_dir, const struct dom_jail *j,
            const struct dom_disk_host *h, size_t n, const char *what,
            struct lv_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].socket && dom_dac_grant(run_dir, j, h[i].socket, 0, what, err) < 0)
            return -1;
    return 0;
}

static int
grant_disk(const char *run_dir, const struct dom_jail *j,
           const struct dom_disk *k, struct lv_err *err)
{
    char what[96];
    int ro = k->readonly || k->device == DOM_DISK_CDROM;

    snprintf(what, sizeof(what), "disk '%s'", k->target_dev ? k->target_dev : "?");
    if (grant_hosts(run_dir, j, k->hosts, k->n_hosts, what, err) < 0)
        return -1;
    for (size_t i = 0; i < k->n_chain; i++)
        if (grant_hosts(run_dir, j, k->chain[i].hosts, k->chain[i].n_hosts, what,
                        err) < 0)
            return -1;
    if (k->type == DOM_DISK_NETWORK || k->type == DOM_DISK_DIR || !k->source)
        return 0;
    if (dom_dac_grant(run_dir, j, k->source, ro, what, err) < 0)
        return -1;
    for (size_t i = 0; i < k->n_chain; i++) {
        const struct dom_disk_layer *l = &k->chain[i];
        if (l->type == DOM_DISK_NETWORK || l->type == DOM_DISK_DIR || !l->source)
            continue;
        if (dom_dac_grant(run_dir, j, l->source, 1, what, err) < 0)
            return -1;
    }
    return 0;
}

static int
grant_os(const char *run_dir, const struct dom_jail *j, const struct dom_def *def,
         struct lv_err *err)
{
    const struct { const char *path; int ro; const char *what; } f[] = {
        { def->os.kernel, 1, "kernel" }, { def->os.initrd, 1, "initrd" },
        { def->os.dtb, 1, "dtb" }, { def->os.loader, 1, "loader" },
        { def->os.nvram_type && strcmp(def->os.nvram_type, "file") &&
          strcmp(def->os.nvram_type, "block") ? NULL : def->os.nvram, 0, "nvram" },
    };
    char what[64];

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (!f[i].path)
            continue;
        snprintf(what, sizeof(what), "domain '%s': %s", def->name, f[i].what);
        if (dom_dac_grant(run_dir, j, f[i].path, f[i].ro, what, err) < 0)
            return -1;
    }
    return 0;
}

/* The state root above RUN (LUAVIRT_ROOT; /run is open already): made
 * searchable by others (o+x, as /var/lib/libvirt is) when it is ours and is
 * not, so that the confined QEMU reaches the run dir and images under it. */
static void
open_state_root(const char *dir)
{
    struct stat st;

    if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
        !(st.st_mode & S_IXOTH)) {
        if (chmod(dir, (st.st_mode & 07777) | S_IXOTH) == 0)
            lv_log_info("state root '%s': made searchable (o+x) for user '%s'",
                        dir, DOM_JAIL_USER);
        else
            lv_log_warn("state root '%s': cannot make it searchable: %s", dir,
                        strerror(errno));
    }
}

/* The run dirs above a guest's (RUN and RUN/qemu) are 0700; the confined
 * QEMU's group may pass through them (0710), never list or write them. */
static int
open_parents(const char *run_dir, const struct dom_jail *j, const char *name,
             struct lv_err *err)
{
    char *dir = lv_strdup(run_dir);
    int ret = 0;

    for (int up = 0; up < 3 && ret == 0; up++) {
        char *slash = strrchr(dir, '/');
        struct stat st;

        if (!slash || slash == dir)
            break;
        *slash = '\0';
        if (up == 2) {
            open_state_root(dir);
        } else if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
                   st.st_uid != geteuid()) {
            lv_err_set(err, LV_E_SYSTEM, "domain '%s': run dir '%s' is not a "
                       "directory of ours", name, dir);
            ret = -1;
        } else if ((st.st_gid != j->gid || (st.st_mode & 07777) != 0710) &&
                   (chown(dir, (uid_t)-1, j->gid) < 0 || chmod(dir, 0710) < 0)) {
            lv_err_sys(err, "domain '%s': cannot let group '%s' through '%s'",
                       name, DOM_JAIL_USER, dir);
            ret = -1;
        }
    }
    free(dir);
    return ret;
}

int
dom_dac_grant_def(const char *run_dir, const struct dom_jail *j,
                  const struct dom_def *def, struct lv_err *err)
{
    char *tpm = NULL;
    int ret = -1;

    if (!j->on)
        return 0;
    if (open_parents(run_dir, j, def->name, err) < 0)
        return -1;
    if (chown(run_dir, 0, j->gid) < 0 || chmod(run_dir, 01770) < 0) {
        lv_err_sys(err, "domain '%s': cannot open run dir '%s' to group '%s'",
                   def->name, run_dir, DOM_JAIL_USER);
        return -1;
    }
    if (dom_jail_check(j, run_dir, W_OK | X_OK, err) < 0) {
        lv_err_prefix(err, "domain '%s': run dir: ", def->name);
        goto out;
    }
    for (size_t i = 0; i < def->n_disks; i++)
        if (grant_disk(run_dir, j, &def->disks[i], err) < 0) {
            lv_err_prefix(err, "domain '%s': ", def->name);
            goto out;
        }
    if (grant_os(run_dir, j, def, err) < 0)
        goto out;
    tpm = lv_asprintf("%s/swtpm.sock", run_dir);
    if (access(tpm, F_OK) == 0 &&
        dom_dac_grant(run_dir, j, tpm, 0, "tpm", err) < 0) {
        lv_err_prefix(err, "domain '%s': ", def->name);
        goto out;
    }
    ret = 0;
out:
    if (ret < 0)
        dom_dac_restore(run_dir);
    free(tpm);
    return ret;
}

int
dom_dac_grant_live(const struct lv_conn *c, const char *name, const char *path,
                   int readonly, const char *what, struct lv_err *err)
{
    struct dom_jail j;
    char *run_dir;
    int r;

    if (dom_jail_get(c, &j, err) < 0)
        return -1;
    if (!j.on)
        return 0;
    run_dir = dom_run_dir(c, name);
    r = dom_dac_grant(run_dir, &j, path, readonly, what, err);
    free(run_dir);
    if (r == 0 && path_policy_under(path, "/dev")) {
        /* a device node must also appear in QEMU's private /dev */
        struct dom_status st;
        if (dom_status_read(c, name, &st, err) < 0 ||
            dom_jail_ns_add(&j, st.qemu_pid, path, err) < 0) {
            lv_err_prefix(err, "%s: ", what);
            return -1;
        }
    }
    return r;
}

int
dom_dac_hugepages(const struct dom_jail *j, const char *name,
                  struct host_mem *hm, struct lv_err *err)
{
    for (size_t i = 0; j->on && i < hm->n_hugetlbfs; i++) {
        char *top = lv_asprintf("%s/luavirt", hm->hugetlbfs[i].path);
        char *dir = lv_asprintf("%s/%s", top, name);
        int r = 0;
        if ((mkdir(top, 0755) < 0 && errno != EEXIST) ||
            (mkdir(dir, 0700) < 0 && errno != EEXIST) ||
            chown(dir, j->uid, j->gid) < 0) {
            lv_err_sys(err, "domain '%s': cannot make '%s' for its huge pages",
                       name, dir);
            r = -1;
        } else if (strlen(dir) >= sizeof(hm->hugetlbfs[i].path)) {
            lv_err_set(err, LV_E_INVALID, "domain '%s': '%s' is too long", name, dir);
            r = -1;
        } else {
            memcpy(hm->hugetlbfs[i].path, dir, strlen(dir) + 1);
        }
        free(dir);
        free(top);
        if (r < 0)
            return -1;
    }
    return 0;
}

void
dom_dac_restore(const char *run_dir)
{
    char *file = lv_asprintf("%s/" DAC_FILE, run_dir);
    char *text = lv_store_read(file, NULL, NULL);
    char **lines = NULL, *save = NULL;
    size_t n = 0;

    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
         l = strtok_r(NULL, "\n", &save)) {
        lines = lv_realloc(lines, (n + 1) * sizeof(*lines));
        lines[n++] = l;
    }
    /* last line first: the first record of a path is its real owner */
    while (n-- > 0) {
        unsigned uid, gid;
        int off = 0;
        if (sscanf(lines[n], "%u %u %n", &uid, &gid, &off) != 2 || off == 0)
            continue;
        if (chown(lines[n] + off, uid, gid) < 0 && errno != ENOENT)
            lv_log_warn("dac: cannot give '%s' back to %u:%u: %s", lines[n] + off,
                        uid, gid, strerror(errno));
    }
    if (text && unlink(file) < 0 && errno != ENOENT)
        lv_log_warn("dac: cannot remove '%s': %s", file, strerror(errno));
    free(lines);
    free(text);
    free(file);
}
