/* supervisor.c - the per-guest supervisor process (see supervisor.h). It
 * never runs Lua; it reads the live XML from the run dir, owns QEMU as its
 * child, and writes every state change of the guest to the status file. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dom_dac.h"
#include "dom_events.h"
#include "dom_def.h"
#include "dom_jail.h"
#include "dom_migrate.h"
#include "dom_run.h"
#include "dom_store.h"
#include "dom_xml.h"
#include "log.h"
#include "qmp.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"
#include "supervisor_helper.h"
#include "supervisor_live.h"
#include "supervisor_proc.h"
#include "test_hook.h"

#define SUP_QMP_TIMEOUT_MS 60000
#define SUP_CMD_TIMEOUT_MS 10000

struct sup {
    const char *run_dir;
    const char *name;
    int ready_fd;
    int paused;
    int transient;
    int jailed;                  /* QEMU runs confined (dom_jail.h) */
    struct dom_jail jail;
    enum dom_lifecycle_action on_poweroff, on_reboot, on_crash;
    int keep_fds[64];
    int n_keep;
    char **qemu_argv;
    struct sup_helpers helpers;  /* swtpm: before QEMU, reaped after it */
    pid_t qemu_pid;
    int pidfd;
    struct qmp *qmp;
    struct dom_status st;
    char last_event_reason[32];
    char pending[32];            /* a guest power-off/reset to act on */  /* from SHUTDOWN: guest-shutdown, host-signal, ... */
    int panicked;
    int guest_shutdown;
    int booted;
    int heard;                   /* 1 + the last state told to the journal */
};

/* Tell the event journal (dom_events.h) of a state listeners hear of,
 * once per change. */
static void
journal_state(struct sup *s)
{
    const char *event, *detail;
    char *path;

    if (s->heard == (int)s->st.state + 1 ||
        !dom_events_of_status(&s->st, &event, &detail))
        return;
    s->heard = (int)s->st.state + 1;
    path = dom_events_path_of(s->run_dir);
    dom_events_append(path, s->name, "lifecycle", event, detail);
    free(path);
}

/* The guest powered itself off: heard before QEMU stops ("Shutdown
 * Finished", then "Stopped Shutdown"), as libvirt tells it. */
static void
journal_shutdown(struct sup *s)
{
    char *path;

    if (s->heard == DOM_STATE_SHUTDOWN + 1)
        return;
    s->heard = DOM_STATE_SHUTDOWN + 1;
    path = dom_events_path_of(s->run_dir);
    dom_events_append(path, s->name, "lifecycle", "Shutdown", "Finished");
    free(path);
}

static void
journal_reboot(struct sup *s)
{
    char *path = dom_events_path_of(s->run_dir);

    dom_events_append(path, s->name, "reboot", NULL, NULL);
    free(path);
}

static void
sup_report(struct sup *s, const char *fmt, ...) LV_PRINTF(2, 3);

static void
sup_report(struct sup *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    size_t n;

    if (s->ready_fd < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    buf[n++] = '\n';
    if (write(s->ready_fd, buf, n) < 0)
        lv_log_warn("dom %s: cannot report to the starting shell", s->name);
    close(s->ready_fd);
    s->ready_fd = -1;
}

static int
parse_action(const char *v, enum dom_lifecycle_action *out)
{
    int a = dom_lifecycle_action_from_str(v);
    if (a < 0)
        return -1;
    *out = (enum dom_lifecycle_action)a;
    return 0;
}

static int
parse_flags(struct sup *s, const char *flags)
{
    char *copy = lv_strdup(flags), *save = NULL;
    int ret = 0;

    for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        if (strcmp(f, "paused") == 0)
            s->paused = 1;
        else if (strcmp(f, "transient") == 0)
            s->transient = 1;
        else if (strcmp(f, "jail") == 0)
            s->jailed = 1;
        else if (strncmp(f, "poweroff=", 9) == 0)
            ret |= parse_action(f + 9, &s->on_poweroff);
        else if (strncmp(f, "reboot=", 7) == 0)
            ret |= parse_action(f + 7, &s->on_reboot);
        else if (strncmp(f, "crash=", 6) == 0)
            ret |= parse_action(f + 6, &s->on_crash);
    }
    free(copy);
    return ret;
}

static int
parse_fds(struct sup *s, const char *fds)
{
    char *copy, *save = NULL;

    if (strcmp(fds, "-") == 0)
        return 0;
    copy = lv_strdup(fds);
    for (char *f = strtok_r(copy, ",", &save); f && s->n_keep < 64;
         f = strtok_r(NULL, ",", &save))
        s->keep_fds[s->n_keep++] = atoi(f);
    free(copy);
    return 0;
}

static int
write_status(struct sup *s)
{
    struct lv_err err = LV_ERR_INIT;

    /* a shell may have made the guest transient or persistent since */
    sup_read_transient(s->run_dir, &s->st.transient);
    s->transient = s->st.transient;
    /* journaled first: a shell that sees the new state (and acts on it)
     * finds its event already there, in order before its own */
    journal_state(s);
    if (dom_status_write(s->run_dir, &s->st, &err) < 0) {
        lv_log_error("dom %s: %s", s->name, err.msg);
        return -1;
    }
    return 0;
}

/* Ask QEMU for its run state and record it. */
static void
refresh_state(struct sup *s, const char *reason)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = qmp_execute(s->qmp, "query-status", NULL, SUP_CMD_TIMEOUT_MS, &err);
    const char *status;

    if (!r) {
        lv_log_debug("dom %s: query-status: %s", s->name, err.msg);
        return;
    }
    status = json_string_value(json_object_get(r, "status"));
    if (!status)
        status = "";
    if (json_is_true(json_object_get(r, "running"))) {
        s->st.state = DOM_STATE_RUNNING;
        snprintf(s->st.reason, sizeof(s->st.reason), "%s",
                 s->booted ? reason : "booted");
        s->booted = 1;
    } else if (strcmp(status, "guest-panicked") == 0) {
        s->st.state = DOM_STATE_CRASHED;
        snprintf(s->st.reason, sizeof(s->st.reason), "panicked");
    } else if (strcmp(status, "shutdown") == 0) {
        s->st.state = DOM_STATE_SHUTDOWN;
        snprintf(s->st.reason, sizeof(s->st.reason), "user");
    } else if (strcmp(status, "suspended") == 0) {
        s->st.state = DOM_STATE_PMSUSPENDED;
        snprintf(s->st.reason, sizeof(s->st.reason), "unknown");
    } else {
        s->st.state = DOM_STATE_PAUSED;
        snprintf(s->st.reason, sizeof(s->st.reason), "%s",
                 s->booted ? "user" : "starting up");
    }
    json_decref(r);
    write_status(s);
}

static void
run_command(struct sup *s, const char *cmd)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = qmp_execute(s->qmp, cmd, NULL, SUP_CMD_TIMEOUT_MS, &err);
    if (!r)
        lv_log_warn("dom %s: %s", s->name, err.msg);
    json_decref(r);
}

/* Apply a lifecycle action after the guest powered off or crashed while
 * QEMU stays up (-no-shutdown, or a panic that pauses). */
static void
apply_action(struct sup *s, enum dom_lifecycle_action a)
{
    switch (a) {
    case DOM_LIFE_RESTART:
    case DOM_LIFE_RENAME_RESTART:
    case DOM_LIFE_COREDUMP_RESTART:
        run_command(s, "system_reset");
        run_command(s, "cont");
        break;
    case DOM_LIFE_PRESERVE:
        break;
    default:
        run_command(s, "quit");
        break;
    }
}

/* 1 if RUN_DIR/file exists; it is removed (a one-shot request flag). */
static int
take_flag(struct sup *s, const char *file)
{
    char *path = lv_asprintf("%s/%s", s->run_dir, file);
    int r = unlink(path) == 0;
    free(path);
    return r;
}

/* QEMU's run status word ("running", "shutdown", ...); "" if unknown. */
static void
query_status(struct sup *s, char *buf, size_t n)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = qmp_execute(s->qmp, "query-status", NULL, SUP_CMD_TIMEOUT_MS, &err);
    const char *st = r ? json_string_value(json_object_get(r, "status")) : NULL;

    snprintf(buf, n, "%s", st ? st : "");
    json_decref(r);
}

/* QEMU runs with -no-shutdown (like under libvirt): when the guest powers
 * off, or resets under -no-reboot, QEMU stops and the decision is ours.
 * It is taken once QEMU is really stopped in its "shutdown" state: a reset
 * sent between the SHUTDOWN and STOP events is lost in the stop. */
static void
apply_pending(struct sup *s)
{
    char status[32];
    int reset;

    if (!s->pending[0])
        return;
    query_status(s, status, sizeof(status));
    if (strcmp(status, "shutdown") != 0)
        return;   /* the STOP event will bring us back */
    reset = strcmp(s->pending, "guest-reset") == 0;
    s->pending[0] = '\0';
    if (!reset && take_flag(s, "reboot-requested")) {
        /* virsh reboot: the ACPI power-off is answered by a reset */
        run_command(s, "system_reset");
        run_command(s, "cont");
        return;
    }
    s->guest_shutdown = 1;
    apply_action(s, reset ? DOM_LIFE_DESTROY : s->on_poweroff);
    if (!reset && s->on_poweroff == DOM_LIFE_PRESERVE)
        refresh_state(s, "shutdown");
}

static void
handle_event(struct sup *s, json_t *ev)
{
    const char *name = json_string_value(json_object_get(ev, "event"));
    json_t *data = json_object_get(ev, "data");

    if (!name)
        return;
    lv_log_debug("dom %s: event %s", s->name, name);
    if (strcmp(name, "SHUTDOWN") == 0) {
        const char *r = json_string_value(json_object_get(data, "reason"));
        if (!r)
            r = "";
        snprintf(s->last_event_reason, sizeof(s->last_event_reason), "%s", r);
        if (strncmp(r, "guest-", 6) == 0 && strcmp(r, "guest-panic") != 0) {
            if (strcmp(r, "guest-reset") != 0)
                journal_shutdown(s);
            snprintf(s->pending, sizeof(s->pending), "%s", r);
            apply_pending(s);
        }
    } else if (strcmp(name, "GUEST_PANICKED") == 0) {
        s->panicked = 1;
        refresh_state(s, "crashed");
        apply_action(s, s->on_crash == DOM_LIFE_DEFAULT ? DOM_LIFE_DESTROY
                                                       : s->on_crash);
        if (s->on_crash == DOM_LIFE_RESTART)
            s->panicked = 0;
    } else if (strcmp(name, "STOP") == 0 && s->pending[0]) {
        apply_pending(s);
    } else if (strcmp(name, "RESET") == 0) {
        journal_reboot(s);
        refresh_state(s, "unpaused");
    } else if (strcmp(name, "STOP") == 0 || strcmp(name, "RESUME") == 0 ||
               strcmp(name, "RESET") == 0 || strcmp(name, "SUSPEND") == 0 ||
               strcmp(name, "WAKEUP") == 0) {
        refresh_state(s, "unpaused");
    }
}

static const char *
exit_reason(struct sup *s, int status)
{
    if (take_flag(s, "destroy-requested"))
        return "destroyed";
    if (take_flag(s, "migrated"))
        return "migrated";
    if (s->panicked)
        return "crashed";
    if (s->guest_shutdown)
        return "shutdown";
    if (strncmp(s->last_event_reason, "host-", 5) == 0)
        return "destroyed";
    return status == 0 ? "shutdown" : "crashed";
}

/* Follow events until QEMU exits; returns its exit status. */
static int
follow(struct sup *s)
{
    struct lv_err err = LV_ERR_INIT;
    int qmp_open = 1;

    for (;;) {
        struct pollfd p[2] = { { s->pidfd, POLLIN, 0 },
                               { qmp_open ? qmp_fd(s->qmp) : -1, POLLIN, 0 } };
        json_t *ev;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            lv_log_error("dom %s: poll: %s", s->name, strerror(errno));
            break;
        }
        if (p[1].revents) {
            if (qmp_read_available(s->qmp, &err) < 0)
                qmp_open = 0;   /* QEMU is going away: wait for its exit */
            while (qmp_has_events(s->qmp) &&
                   (ev = qmp_next_event(s->qmp, 0, &err))) {
                handle_event(s, ev);
                json_decref(ev);
            }
        }
        if (p[0].revents)
            break;
    }
    return lv_spawn_wait(s->qemu_pid, -1, &err);
}

static void
cleanup_run_dir(struct sup *s, const char *reason)
{
    static const char *const files[] = {
        "qmp.sock", "qmp-sup.sock", "live.xml", "pid", "swtpm.sock",
        "migrate.sock", "migrate-nbd.sock", NULL
    };
    static const char *const transient_files[] = {
        "status", "console.log", "qemu.log", "supervisor.log", "def.xml",
        "sup.lock", "swtpm.log", "id", "console.lock", NULL
    };

    /* images made for an incoming migration that did not finish go */
    dom_migrate_images_drop(s->run_dir);
    /* the images QEMU was handed go back to their owners, unless the guest
     * went on to another host's QEMU, which uses them now (shared storage;
     * libvirt keeps the labels of a migrated guest the same way) */
    if (strcmp(reason, "migrated") != 0)
        dom_dac_restore(s->run_dir);
    else
        sup_unlink(s->run_dir, "dac-owners");
    for (int i = 0; files[i]; i++)
        sup_unlink(s->run_dir, files[i]);
    s->st.state = DOM_STATE_SHUTOFF;
    snprintf(s->st.reason, sizeof(s->st.reason), "%s", reason);
    s->st.id = -1;
    s->st.qemu_pid = 0;
    s->st.pty[0] = '\0';
    /* an undefine while running makes the guest transient: ask the status */
    sup_read_transient(s->run_dir, &s->st.transient);
    s->transient = s->st.transient;
    if (!s->transient) {
        write_status(s);
        return;
    }
    journal_state(s);
    for (int i = 0; transient_files[i]; i++)
        sup_unlink(s->run_dir, transient_files[i]);
    if (rmdir(s->run_dir) < 0)
        lv_log_debug("dom %s: cannot remove %s: %s", s->name, s->run_dir,
                     strerror(errno));
}

/* The device nodes of QEMU's private /dev, from the live definition. */
static int
jail_devices(struct sup *s, struct lv_err *err)
{
    char *path = lv_asprintf("%s/live.xml", s->run_dir);
    struct dom_def *def = dom_store_load_file(path, s->name, err);
    int r = def ? dom_jail_ns_prepare(&s->jail, def, err) : -1;

    dom_def_free(def);
    free(path);
    return r;
}

static int
start_qemu(struct sup *s, struct lv_err *err)
{
    char *log = lv_asprintf("%s/qemu.log", s->run_dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct lv_spawn_opts o = { -1, fd, fd, s->keep_fds, s->n_keep, 0,
                               SIGTERM, NULL, dom_jail_enter, &s->jail };
    int ret = -1;

    if (s->jailed && (dom_jail_lookup(&s->jail, err) < 0 ||
                      jail_devices(s, err) < 0)) {
        lv_err_prefix(err, "domain '%s': cannot confine QEMU: ", s->name);
        goto out;
    }
    if (fd < 0) {
        lv_err_sys(err, "domain '%s': cannot open '%s'", s->name, log);
        goto out;
    }
    s->qemu_pid = lv_spawn(s->qemu_argv, &o, err);
    if (s->qemu_pid < 0)
        goto out;
    s->pidfd = (int)syscall(SYS_pidfd_open, s->qemu_pid, 0);
    if (s->pidfd < 0) {
        lv_err_sys(err, "domain '%s': pidfd_open", s->name);
        goto out;
    }
    ret = 0;
out:
    for (int i = 0; i < s->n_keep; i++)
        close(s->keep_fds[i]);
    s->n_keep = 0;
    if (fd >= 0)
        close(fd);
    free(log);
    return ret;
}

/* QEMU failed before it was ready: say why, with its own last words. */
static void
explain_failure(struct sup *s, struct lv_err *err)
{
    struct lv_err e2 = LV_ERR_INIT;
    char *line = sup_last_log_line(s->run_dir, "qemu.log");
    int st = -1;

    if (s->qemu_pid > 0) {
        kill(s->qemu_pid, SIGKILL);
        st = lv_spawn_wait(s->qemu_pid, 5000, &e2);
        s->qemu_pid = 0;
    }
    if (line && *line)
        lv_err_set(err, LV_E_QEMU, "domain '%s': cannot start: %s", s->name, line);
    else if (st >= 0 && err->code == LV_E_OK)
        lv_err_set(err, LV_E_QEMU, "domain '%s': cannot start: QEMU exited with status %d",
                   s->name, st);
    free(line);
}

static int
finish_start(struct sup *s, struct lv_err *err)
{
    char *path = lv_asprintf("%s/qmp-sup.sock", s->run_dir);
    int ret = -1;

    s->qmp = qmp_connect_while(path, s->name, SUP_QMP_TIMEOUT_MS, s->pidfd, err);
    if (!s->qmp)
        goto out;
    s->st.qemu_pid = s->qemu_pid;   /* <cputune> pins its threads */
    if (sup_apply_live_settings(s->qmp, s->run_dir, s->name, &s->st, err) < 0)
        goto out;
    if (!s->paused) {
        json_t *r = qmp_execute(s->qmp, "cont", NULL, SUP_CMD_TIMEOUT_MS, err);
        if (!r)
            goto out;
        json_decref(r);
    }
    refresh_state(s, "booted");
    ret = 0;
out:
    free(path);
    return ret;
}

/* The helpers, QEMU, and QEMU ready (finish_start writes the status). */
static int
start_all(struct sup *s, struct lv_err *err)
{
    if (sup_helpers_start(&s->helpers, s->name, err) < 0 || start_qemu(s, err) < 0)
        return -1;
    lv_test_stop_at("start-sup-after-qemu");
    return finish_start(s, err);
}

static int
supervise(struct sup *s)
{
    struct lv_err err = LV_ERR_INIT;
    int status;
    const char *reason;

    s->st.sup_pid = getpid();
    if (start_all(s, &err) < 0) {
        explain_failure(s, &err);
        lv_log_error("%s", err.msg);
        sup_read_transient(s->run_dir, &s->transient);
        sup_helpers_stop(&s->helpers, s->name, s->transient, 1);
        /* the state says shut off before start hears of the failure */
        cleanup_run_dir(s, "failed");
        sup_report(s, "error: %s", err.msg);
        return 1;
    }
    s->st.qemu_pid = s->qemu_pid;
    write_status(s);
    sup_write_pidfile(s->run_dir, s->qemu_pid);
    sup_report(s, "ok");
    status = follow(s);
    reason = exit_reason(s, status);
    lv_log_info("dom %s: QEMU exited (status %d): %s", s->name, status, reason);
    sup_read_transient(s->run_dir, &s->transient);
    sup_helpers_stop(&s->helpers, s->name, s->transient, 0);
    cleanup_run_dir(s, reason);
    return 0;
}

int
supervisor_main(int argc, char **argv)
{
    struct sup s;
    struct lv_err err = LV_ERR_INIT;
    int lock = -1, ret = 1, qpos = 6;

    memset(&s, 0, sizeof(s));
    s.pidfd = -1;
    /* the starting shell may be gone (kill -9) when we report to it */
    signal(SIGPIPE, SIG_IGN);
    /* what QEMU and the helpers create (console log, VNC and channel
     * sockets) is the owner's only, like libvirtd's umask */
    umask(077);
    if (argc < 8 || sup_helpers_parse(argv, argc, &qpos, &s.helpers) < 0) {
        fprintf(stderr, "luavirt: __supervise is internal to luavirt\n");
        return 2;
    }
    s.run_dir = argv[1];
    s.name = argv[2];
    s.ready_fd = atoi(argv[3]);
    if (parse_fds(&s, argv[4]) < 0 || parse_flags(&s, argv[5]) < 0) {
        sup_report(&s, "error: domain '%s': bad supervisor arguments", s.name);
        sup_helpers_free(&s.helpers);
        return 2;
    }
    s.qemu_argv = argv + qpos + 1;
    /* away from the shell: it reaps the first child at once, and nothing
     * the shell does later (exit, kill -9) reaches the guest */
    if (sup_detach(&err) < 0) {
        sup_report(&s, "error: %s", err.msg);
        sup_helpers_free(&s.helpers);
        return 1;
    }
    sup_open_log(s.run_dir);
    lock = sup_take_lock(s.run_dir, &err);
    if (lock < 0) {
        sup_report(&s, "error: %s", err.msg);
        goto out;
    }
    s.st = (struct dom_status){ .state = DOM_STATE_PAUSED, .id = -1 };
    snprintf(s.st.reason, sizeof(s.st.reason), "starting up");
    s.st.transient = s.transient;
    s.st.started = (long long)time(NULL);
    sup_read_id(s.run_dir, &s.st.id);
    ret = supervise(&s);
out:
    sup_helpers_free(&s.helpers);
    qmp_close(s.qmp);
    if (s.pidfd >= 0)
        close(s.pidfd);
    if (lock >= 0)
        close(lock);
    return ret;
}
