/* dnsmasq.c - one dnsmasq per active network (see dnsmasq.h). dnsmasq
 * daemonizes itself, so it is not our child: liveness comes from /proc
 * (a zombie left to a PID 1 that does not reap counts as dead), and the
 * wait for its exit uses a pidfd, which works for any process. */
#include "dnsmasq.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

#define DNSMASQ_START_MS 15000
#define DNSMASQ_STOP_MS 5000

static const char *
dnsmasq_message(char *s)
{
    char *line = (char *)lv_last_line(s, "dnsmasq: ", "no message");
    size_t n = strlen(line);

    if (n && line[n - 1] == '.')   /* dnsmasq ends its messages with one */
        line[n - 1] = '\0';
    return line;
}

/* dnsmasq drops to user nobody and then writes its pid file, and re-reads
 * the hosts files on SIGHUP: can nobody reach path's directory? A private
 * LUAVIRT_ROOT (mode 0700) is not reachable; then dnsmasq keeps root. */
static int
reachable_by_others(const char *path)
{
    char *dir = lv_strdup(path), *slash;
    int ok = 1;
    struct stat st;

    while ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        if (stat(dir, &st) == 0 && !(st.st_mode & S_IXOTH))
            ok = 0;
    }
    free(dir);
    return ok;
}

int
dnsmasq_start(const char *network, const char *conf_path,
              const char *pid_path, struct lv_err *err)
{
    char *conf_arg = lv_asprintf("--conf-file=%s", conf_path);
    char *argv[] = { (char *)"dnsmasq", conf_arg, NULL, NULL };
    char *out = NULL, *errout = NULL;
    int st, r = -1;

    (void)lv_store_remove(pid_path, NULL);
    if (!reachable_by_others(pid_path)) {
        lv_log_debug("net %s: run dir not reachable by user nobody; "
                     "dnsmasq keeps root", network);
        argv[2] = (char *)"--user=root";
    }
    st = lv_spawn_capture(argv, &out, &errout, DNSMASQ_START_MS, err);
    if (st < 0) {
        lv_err_prefix(err, "network '%s': cannot start dnsmasq: ", network);
        goto out;
    }
    if (st != 0) {
        lv_err_set(err, LV_E_SYSTEM, "network '%s': cannot start dnsmasq: %s",
                   network, dnsmasq_message(errout && *errout ? errout : out));
        (void)dnsmasq_stop(network, pid_path, conf_path, NULL);
        goto out;
    }
    if (dnsmasq_pid(pid_path, conf_path) <= 0) {
        lv_err_set(err, LV_E_SYSTEM,
                   "network '%s': dnsmasq exited right after starting",
                   network);
        goto out;
    }
    lv_log_debug("net %s: dnsmasq started (%s)", network, conf_path);
    r = 0;
out:
    free(errout);
    free(out);
    free(conf_arg);
    return r;
}

/* Is pid alive (not a zombie) and a dnsmasq started with conf_path? */
static int
proc_matches(pid_t pid, const char *conf_path)
{
    char path[64], buf[4096];
    char *want = NULL;
    int fd, ok = 0;
    ssize_t n;
    char *rp;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    rp = strrchr(buf, ')');
    if (!rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X')
        return 0;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    want = lv_asprintf("--conf-file=%s", conf_path);
    for (char *p = buf; p < buf + n; p += strlen(p) + 1)
        if (strcmp(p, want) == 0)
            ok = 1;
    free(want);
    return ok;
}

/* A dnsmasq of conf_path found by its command line, when the pid file
 * is missing or wrong (it could not be written): 0 if none. */
static pid_t
scan_proc(const char *conf_path)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    pid_t found = 0;

    if (!d)
        return 0;
    while (!found && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (pid > 0 && !*end && proc_matches((pid_t)pid, conf_path))
            found = (pid_t)pid;
    }
    closedir(d);
    return found;
}

pid_t
dnsmasq_pid(const char *pid_path, const char *conf_path)
{
    char *text = lv_store_read(pid_path, NULL, NULL);
    long pid = 0;
    char *end = NULL;
    int whole = 0;

    if (text) {
        pid = strtol(text, &end, 10);
        whole = end != text && (!*end || *end == '\n');   /* read before free */
    }
    free(text);
    if (pid > 0 && whole && proc_matches((pid_t)pid, conf_path))
        return (pid_t)pid;
    lv_log_debug("net: no live dnsmasq pid in %s; looking in /proc", pid_path);
    return scan_proc(conf_path);
}

int
dnsmasq_reload(const char *network, const char *pid_path,
               const char *conf_path, struct lv_err *err)
{
    pid_t pid = dnsmasq_pid(pid_path, conf_path);

    if (pid <= 0) {
        lv_err_set(err, LV_E_STATE, "network '%s': dnsmasq is not running",
                   network);
        return -1;
    }
    if (kill(pid, SIGHUP) < 0) {
        lv_err_sys(err, "network '%s': cannot signal dnsmasq (pid %d)",
                   network, (int)pid);
        return -1;
    }
    return 0;
}

/* Wait for pid to exit; 1 if it did within ms, else 0. */
static int
wait_exit(int pfd, pid_t pid, const char *conf_path, int ms)
{
    if (pfd < 0)                /* no pidfd: trust /proc once */
        return !proc_matches(pid, conf_path);
    return lv_pidfd_wait(pfd, lv_deadline(ms)) == 1;
}

int
dnsmasq_stop(const char *network, const char *pid_path,
             const char *conf_path, struct lv_err *err)
{
    pid_t pid = dnsmasq_pid(pid_path, conf_path);
    int pfd = -1, r = -1;

    if (pid <= 0) {
        r = lv_store_remove(pid_path, err);
        goto out;
    }
    pfd = lv_pidfd_open(pid);
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        lv_err_sys(err, "network '%s': cannot stop dnsmasq (pid %d)", network,
                   (int)pid);
        goto out;
    }
    if (!wait_exit(pfd, pid, conf_path, DNSMASQ_STOP_MS)) {
        lv_log_warn("net %s: dnsmasq (pid %d) ignored SIGTERM; killing it",
                    network, (int)pid);
        (void)kill(pid, SIGKILL);
        (void)wait_exit(pfd, pid, conf_path, DNSMASQ_STOP_MS);
    }
    r = lv_store_remove(pid_path, err);
out:
    if (pfd >= 0)
        close(pfd);
    return r;
}
