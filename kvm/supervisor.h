/* supervisor.h - the per-guest supervisor (`luavirt __supervise ...`):
 * QEMU's parent, like podman's conmon. It holds the guest's liveness lock,
 * starts QEMU, finishes the start over a private QMP monitor (passwords,
 * cont), follows lifecycle events (on_poweroff/on_reboot/on_crash), keeps
 * the status file right, and cleans up when QEMU exits. */
#ifndef LV_SUPERVISOR_H
#define LV_SUPERVISOR_H

/* Arguments, as built by supervisor_argv():
 *   __supervise RUN_DIR NAME READY_FD FDS FLAGS [--helper ...]... -- QEMU ARGV...
 * (helpers such as swtpm: supervisor_helper.h)
 * FDS: comma-separated fds handed on to QEMU ("-" for none); FLAGS: a
 * comma-separated set of paused, transient, poweroff=ACTION,
 * reboot=ACTION, crash=ACTION. The supervisor double-forks away from the
 * shell, writes "ok\n" or "error: <message>\n" on READY_FD once the guest
 * is running (or paused), and returns an exit status for main(). */
int supervisor_main(int argc, char **argv);

#endif
