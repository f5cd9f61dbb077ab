/* dom_start.c - start and create (see dom_start.h). The shell builds the
 * argv and the QMP listening sockets; the supervisor it spawns owns QEMU
 * and reports on a pipe once the guest runs. */
#include "dom_start.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "dom_chr_sock.h"
#include "dom_dac.h"
#include "dom_disk.h"
#include "dom_firmware.h"
#include "dom_jail.h"
#include "dom_net.h"
#include "dom_paths.h"
#include "dom_run.h"
#include "dom_save.h"
#include "dom_store.h"
#include "dom_tpm.h"
#include "deadline.h"
#include "dom_xml.h"
#include "host_mem.h"
#include "log.h"
#include "qemu_argv.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"
#include "supervisor_helper.h"
#include "test_hook.h"
#include "unix_sock.h"

#define START_TIMEOUT_MS 120000

int
dom_start_accel(const struct lv_conn *c, const struct dom_def *def,
                struct lv_err *err)
{
    struct caps *caps = NULL;
    char *cache = NULL;
    int ret = -1;

    if (def->virt_type == DOM_VIRT_QEMU)
        return 0;
    cache = lv_asprintf("%s/cache", c->lib_dir);
    if (lv_store_mkdirs(cache, 0755, err) < 0 || caps_probe(&caps, cache, err) < 0) {
        free(cache);
        return -1;
    }
    free(cache);
    if (caps->kvm_usable) {
        ret = 1;
    } else {
        lv_err_set(err, LV_E_UNSUPPORTED,
                   "domain '%s': cannot start with type='kvm': %s",
                   def->name, caps->kvm_reason[0] ? caps->kvm_reason
                                                  : "KVM is not available");
    }
    caps_free(caps);
    return ret;
}

/* Remove what an earlier run of the same name left in the run dir. */
static void
clean_run_dir(const char *run_dir)
{
    static const char *const stale[] = {
        "status", "id", "live.xml", "def.xml", "qmp.sock", "qmp-sup.sock",
        "console.log", "qemu.log", "supervisor.log", "pid",
        "destroy-requested", "reboot-requested", "migrated", "swtpm.sock", "swtpm.log", NULL
    };
    for (int i = 0; stale[i]; i++) {
        char *p = lv_asprintf("%s/%s", run_dir, stale[i]);
        unlink(p);
        free(p);
    }
}

static int
write_small(const char *run_dir, const char *file, const char *text,
            struct lv_err *err)
{
    char *p = lv_asprintf("%s/%s", run_dir, file);
    int r = lv_store_write_atomic(p, text, strlen(text), 0600, err);
    free(p);
    return r;
}

/* Everything the supervisor needs, in its run dir: status, id, live XML
 * and (for a transient guest) its definition. */
static int
prepare_run_dir(const char *run_dir, struct dom_def *live, int transient,
                struct lv_err *err)
{
    struct dom_status st = { .state = DOM_STATE_PAUSED, .id = live->id,
                             .transient = transient };
    char idbuf[32];

    if (lv_store_mkdir_private(run_dir, err) < 0)
        return -1;
    /* files a QEMU killed with its supervisor still holds go back first */
    dom_dac_restore(run_dir);
    clean_run_dir(run_dir);
    snprintf(st.reason, sizeof(st.reason), "starting up");
    snprintf(idbuf, sizeof(idbuf), "%d\n", live->id);
    if (dom_status_write(run_dir, &st, err) < 0 ||
        write_small(run_dir, "id", idbuf, err) < 0)
        return -1;
    if (transient) {
        char *p = lv_asprintf("%s/def.xml", run_dir);
        int id = live->id, r;
        live->id = -1;
        r = dom_store_save_file(p, live, DOM_FORMAT_INACTIVE | DOM_FORMAT_SECURE, err);
        live->id = id;
        free(p);
        if (r < 0)
            return -1;
    }
    {
        char *p = lv_asprintf("%s/live.xml", run_dir);
        int r = dom_store_save_file(p, live, DOM_FORMAT_SECURE, err);
        free(p);
        if (r < 0)
            return -1;
    }
    return 0;
}

static char *
supervisor_flags(const struct dom_def *given, int paused, int transient,
                 int jail)
{
    struct strbuf b = STRBUF_INIT;
    struct dom_def def = *given;   /* the three actions only, never freed */

    dom_def_lifecycle_defaults(&def);
    strbuf_addf(&b, "poweroff=%s,reboot=%s,crash=%s",
                dom_lifecycle_action_to_str(def.on_poweroff),
                dom_lifecycle_action_to_str(def.on_reboot),
                dom_lifecycle_action_to_str(def.on_crash));
    if (paused)
        strbuf_adds(&b, ",paused");
    if (transient)
        strbuf_adds(&b, ",transient");
    if (jail)
        strbuf_adds(&b, ",jail");
    return strbuf_steal(&b);
}

/* The supervisor's argv: __supervise RUN_DIR NAME READY_FD FDS FLAGS -- QEMU... */
static char **
supervisor_argv(const char *run_dir, const char *name, int ready_fd,
                const int *fds, int n_fds, const char *flags, char **qemu)
{
    size_t nq = 0, i = 0;
    char **argv;
    struct strbuf f = STRBUF_INIT;

    while (qemu[nq])
        nq++;
    argv = lv_calloc(nq + 9, sizeof(char *));
    argv[i++] = lv_strdup("/proc/self/exe");
    argv[i++] = lv_strdup("__supervise");
    argv[i++] = lv_strdup(run_dir);
    argv[i++] = lv_strdup(name);
    argv[i++] = lv_asprintf("%d", ready_fd);
    for (int k = 0; k < n_fds; k++)
        strbuf_addf(&f, "%s%d", k ? "," : "", fds[k]);
    argv[i++] = n_fds ? strbuf_steal(&f) : lv_strdup("-");
    argv[i++] = lv_strdup(flags);
    argv[i++] = lv_strdup("--");
    for (size_t k = 0; k < nq; k++)
        argv[i++] = lv_strdup(qemu[k]);
    strbuf_free(&f);
    return argv;
}

/* QEMU must start stopped (-S) so passwords are set before the guest runs,
 * and with -no-shutdown so a guest power-off is the supervisor's call. */
static char **
argv_add_flags(char **argv)
{
    size_t n = 0;
    int has_s = 0, has_ns = 0;

    while (argv[n]) {
        has_s |= strcmp(argv[n], "-S") == 0;
        has_ns |= strcmp(argv[n], "-no-shutdown") == 0;
        n++;
    }
    argv = lv_realloc(argv, (n + 3) * sizeof(char *));
    if (!has_s)
        argv[n++] = lv_strdup("-S");
    if (!has_ns)
        argv[n++] = lv_strdup("-no-shutdown");
    argv[n] = NULL;
    return argv;
}

/* -incoming defer: QEMU waits, paused, for migrate-incoming (restore). */
static char **
argv_add_incoming(char **argv)
{
    size_t n = 0;

    while (argv[n])
        n++;
    argv = lv_realloc(argv, (n + 3) * sizeof(char *));
    argv[n++] = lv_strdup("-incoming");
    argv[n++] = lv_strdup("defer");
    argv[n] = NULL;
    return argv;
}

/* Wait for the supervisor's "ok" or "error: ..." line. */
static int
wait_ready(int fd, const char *name, int timeout_ms, struct lv_err *err)
{
    struct strbuf b = STRBUF_INIT;
    long long deadline = lv_deadline(timeout_ms);
    char buf[1024];
    int ret = -1;

    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int left = lv_deadline_left(deadline);
        ssize_t n;
        if (left == 0) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "domain '%s': cannot start: QEMU not ready after %d s",
                       name, timeout_ms / 1000);
            goto out;
        }
        if (poll(&p, 1, left) < 0 && errno != EINTR) {
            lv_err_sys(err, "domain '%s': cannot start: poll", name);
            goto out;
        }
        if (!p.revents)
            continue;
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        strbuf_add(&b, buf, (size_t)n);
    }
    if (b.len >= 2 && strncmp(b.s, "ok", 2) == 0) {
        ret = 0;
    } else if (b.len > 7 && strncmp(b.s, "error: ", 7) == 0) {
        char *nl = strchr(b.s, '\n');
        if (nl)
            *nl = '\0';
        lv_err_set(err, LV_E_QEMU, "%s", b.s + 7);
    } else {
        lv_err_set(err, LV_E_INTERNAL,
                   "domain '%s': cannot start: the supervisor died (see its log)", name);
    }
out:
    strbuf_free(&b);
    return ret;
}

struct launch {
    char *run_dir;
    char **qemu;
    char **sargv;
    int qmp_fd, sup_fd;
    int pipe[2];
    int *taps;             /* per interface, -1 where none (dom_net.h) */
    size_t n_taps;
    struct dom_tpm_run tpm;  /* swtpm's socket and argv (dom_tpm.h) */
    struct dom_jail jail;    /* whom QEMU runs as (dom_jail.h) */
    int *chr_fds;            /* chardev sockets made for it (dom_chr_sock.h) */
    size_t n_chrs;
};

static void
launch_free(struct launch *l)
{
    if (l->qmp_fd >= 0)
        close(l->qmp_fd);
    if (l->sup_fd >= 0)
        close(l->sup_fd);
    for (int i = 0; i < 2; i++)
        if (l->pipe[i] >= 0)
            close(l->pipe[i]);
    dom_net_close_fds(l->taps, l->n_taps);
    dom_tpm_run_clear(&l->tpm);
    dom_chr_sock_close(l->chr_fds, l->n_chrs);
    lv_argv_free(l->qemu);
    lv_argv_free(l->sargv);
    free(l->run_dir);
}

/* The start proper, under the domain's lock; def is the live definition. */
static int
launch(struct lv_conn *c, struct dom_def *def, int transient,
       const struct dom_start_opts *o, struct lv_err *err)
{
    struct launch l = { NULL, NULL, NULL, -1, -1, { -1, -1 }, NULL, 0,
                        DOM_TPM_RUN_INIT, { 0 }, NULL, 0 };
    struct lv_spawn_opts so = { -1, -1, -1, NULL, 0, 1, 0, NULL, NULL, NULL };
    char *path = NULL, *flags = NULL;
    int *keep = NULL, nk = 0, accel, ret = -1;
    pid_t pid;

    accel = dom_start_accel(c, def, err);
    if (accel < 0 || dom_jail_get(c, &l.jail, err) < 0)
        goto out;
    /* issue 3: no two guests open one writable image (dom_disk.h) */
    if (dom_disk_check_conflicts(c, def, err) < 0)
        goto out;
    /* the firmware the descriptors choose, and the guest's NVRAM file */
    if (dom_firmware_fill(c, def, err) < 0 || dom_firmware_prepare(c, def, err) < 0)
        goto out;
    /* every path QEMU opens, resolved once and checked (dom_paths.h) */
    if (dom_paths_resolve(c, def, err) < 0)
        goto out;
    dom_tpm_fill_live(def);
    def->id = dom_run_next_id(c, err);
    if (def->id < 0)
        goto out;
    /* the guest NICs' taps; their names go into the live XML */
    if (dom_net_prepare(c, def, &l.taps, err) < 0)
        goto out;
    l.n_taps = def->n_interfaces;
    l.run_dir = dom_run_dir(c, def->name);
    if (prepare_run_dir(l.run_dir, def, transient, err) < 0)
        goto out;
    if (dom_tpm_prepare(c, def, l.run_dir, &l.tpm, err) < 0)
        goto fail;
    /* a confined QEMU: what it opens by path becomes its user's */
    if (dom_dac_grant_def(l.run_dir, &l.jail, def, err) < 0)
        goto fail;
    l.n_chrs = def->n_chrs;
    if (dom_chr_sock_prepare(l.run_dir, &l.jail, def, &l.chr_fds, err) < 0)
        goto fail;
    path = lv_asprintf("%s/qmp.sock", l.run_dir);
    l.qmp_fd = lv_unix_listen(path, 0600, 4, err);
    free(path);
    path = lv_asprintf("%s/qmp-sup.sock", l.run_dir);
    l.sup_fd = l.qmp_fd < 0 ? -1 : lv_unix_listen(path, 0600, 4, err);
    if (l.sup_fd < 0)
        goto fail;
    {
        struct host_mem hm;
        struct qemu_argv_opts qo = { .run_dir = l.run_dir, .qmp_fd = l.qmp_fd,
                                     .qmp_sup_fd = l.sup_fd, .accel_kvm = accel,
                                     .tap_fds = l.taps, .chr_fds = l.chr_fds,
                                     .host_mem = &hm };
        host_mem_probe(&hm);
        if (def->mem_backing.hugepages &&
            dom_dac_hugepages(&l.jail, def->name, &hm, err) < 0)
            goto fail;
        l.qemu = qemu_argv_build(def, &qo, err);
    }
    if (!l.qemu)
        goto fail;
    l.qemu = argv_add_flags(l.qemu);
    if (o && o->incoming)   /* restore: dom_save.c feeds migrate-incoming */
        l.qemu = argv_add_incoming(l.qemu);
    if (pipe2(l.pipe, O_CLOEXEC) < 0) {
        lv_err_sys(err, "domain '%s': cannot start: pipe", def->name);
        goto fail;
    }
    /* QEMU's fds (QMP listeners first, then taps), the ready pipe, then
     * swtpm's socket, which only the supervisor's helper gets */
    keep = lv_calloc(4 + l.n_taps + l.n_chrs, sizeof(int));
    keep[nk++] = l.qmp_fd;
    keep[nk++] = l.sup_fd;
    nk += (int)dom_net_fds_collect(l.taps, l.n_taps, keep + nk);
    for (size_t i = 0; l.chr_fds && i < l.n_chrs; i++)
        if (l.chr_fds[i] >= 0)
            keep[nk++] = l.chr_fds[i];
    keep[nk] = l.pipe[1];
    keep[nk + 1] = l.tpm.ctrl_fd;
    flags = supervisor_flags(def, o && o->paused, transient, l.jail.on);
    l.sargv = supervisor_argv(l.run_dir, def->name, l.pipe[1], keep, nk, flags, l.qemu);
    if (l.tpm.argv)
        l.sargv = sup_helpers_insert(l.sargv, l.tpm.ctrl_fd, l.tpm.transient_dir,
                                     l.tpm.argv);
    so.keep_fds = keep;
    so.n_keep_fds = nk + (l.tpm.ctrl_fd >= 0 ? 2 : 1);
    lv_log_debug("dom %s: starting supervisor", def->name);
    pid = lv_spawn(l.sargv, &so, err);
    if (pid < 0)
        goto fail;
    close(l.pipe[1]);
    l.pipe[1] = -1;
    /* the first child only forks the supervisor away and exits */
    if (lv_spawn_wait(pid, 10000, err) < 0)
        goto fail;
    lv_test_stop_at("start-after-spawn");
    if (wait_ready(l.pipe[0], def->name,
                   o && o->timeout_ms > 0 ? o->timeout_ms : START_TIMEOUT_MS, err) < 0)
        goto out;  /* the supervisor has cleaned up after itself */
    ret = 0;
    goto out;
fail:
    if (l.run_dir) {
        dom_dac_restore(l.run_dir);
        clean_run_dir(l.run_dir);
        if (transient)
            rmdir(l.run_dir);
    }
out:
    free(keep);
    free(flags);
    free(path);
    launch_free(&l);
    return ret;
}

static int
check_not_running(struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct dom_status st;

    if (dom_status_read(c, name, &st, err) < 0)
        return -1;
    if (st.state != DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': cannot start: already %s (pid %d)",
                   name, st.state == DOM_STATE_RUNNING ? "running"
                                                       : dom_state_to_str(st.state),
                   (int)st.qemu_pid);
        return -1;
    }
    return 0;
}

int
dom_start(struct lv_conn *c, const char *name, const struct dom_start_opts *o,
          struct lv_err *err)
{
    struct dom_def *def = NULL;
    int fd = -1, ret = -1;

    /* a managed-saved guest resumes from its image (dom_save.c) */
    if (!(o && o->incoming) && dom_managed_save_exists(c, name))
        return dom_managed_save_start(c, name, o, err);
    fd = dom_lock(c, name, err);
    if (fd < 0)
        goto out;
    def = dom_store_load(c, name, err);
    if (!def || check_not_running(c, name, err) < 0)
        goto out;
    ret = launch(c, def, 0, o, err);
out:
    dom_unlock(c, name, fd);
    dom_def_free(def);
    return ret;
}

int
dom_create(struct lv_conn *c, const struct dom_def *in,
           const struct dom_start_opts *o, struct lv_err *err)
{
    struct dom_def *def = dom_def_copy(in);
    struct dom_def *old = NULL;
    int fd = -1, ret = -1;

    fd = dom_lock(c, in->name, err);
    if (fd < 0)
        goto out;
    if (check_not_running(c, in->name, err) < 0)
        goto out;
    if (dom_store_exists(c, in->name)) {
        old = dom_store_load(c, in->name, err);
        if (!old)
            goto out;
        if (memcmp(old->uuid, in->uuid, 16) != 0) {
            lv_err_set(err, LV_E_EXISTS,
                       "domain '%s': already exists with another uuid", in->name);
            goto out;
        }
    }
    /* a defined guest started from new XML runs it without saving it */
    ret = launch(c, def, old ? 0 : 1, o, err);
out:
    dom_unlock(c, in->name, fd);
    dom_def_free(old);
    dom_def_free(def);
    return ret;
}
