/* spawn.c - fork+execve with an argv array, fd hygiene, capture and waits
 * with deadlines through pidfds (see spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "strbuf.h"

extern char **environ;

/* The file that execve runs for argv[0]: argv[0] itself when it holds a
 * '/', else the first executable PATH entry (or the default path). Done in
 * the parent, so the child makes no allocation and no search. */
static int
resolve_exec(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    size_t len = strlen(name);

    if (strchr(name, '/')) {
        if (len >= n)
            return -1;
        memcpy(out, name, len + 1);
        return 0;
    }
    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path) {
        const char *colon = strchrnul(path, ':');
        size_t dl = (size_t)(colon - path);
        if (dl == 0) {
            path = *colon ? colon + 1 : colon;
            continue;
        }
        if (dl + 1 + len < n) {
            memcpy(out, path, dl);
            out[dl] = '/';
            memcpy(out + dl + 1, name, len + 1);
            if (access(out, X_OK) == 0)
                return 0;
        }
        path = *colon ? colon + 1 : colon;
    }
    errno = ENOENT;
    return -1;
}

static int
clear_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);
    return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
}

/* In the child: only async-signal-safe calls. Reports errno on errpipe. */
static void
child_exec(const char *file, char *const argv[], const struct lv_spawn_opts *o,
           int errpipe)
{
    int fds[3] = { o->stdin_fd, o->stdout_fd, o->stderr_fd };
    int e;

    if (o->new_session)
        setsid();
    /* before the death signal: a change of credentials clears it */
    if (o->child_setup && o->child_setup(o->child_arg) != 0)
        goto fail;
    if (o->pdeathsig)
        prctl(PR_SET_PDEATHSIG, o->pdeathsig);
    /* Move every source out of 0..2 first, so that a dup2 onto one
     * standard fd cannot clobber the source of another. */
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0)
            fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fds[i] >= 0 && fds[i] < 3 && fds[i] != i)
            fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
        if (fds[i] < 0)
            goto fail;
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] == i ? clear_cloexec(i) < 0 : dup2(fds[i], i) < 0)
            goto fail;
    }
    /* everything else inherited is closed at exec, but what is kept */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (int fd = 3; fd < 1024; fd++)
            if (fd != errpipe)
                close(fd);
    }
    for (int i = 0; i < o->n_keep_fds; i++)
        if (clear_cloexec(o->keep_fds[i]) < 0)
            goto fail;
    signal(SIGPIPE, SIG_DFL);
    {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
    }
    execve(file, argv, o->envp ? o->envp : environ);
fail:
    e = errno;
    if (write(errpipe, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

pid_t
lv_spawn(char *const argv[], const struct lv_spawn_opts *opts,
         struct lv_err *err)
{
    struct lv_spawn_opts def = { -1, -1, -1, NULL, 0, 0, 0, NULL, NULL, NULL };
    char file[4096];
    int pfd[2] = { -1, -1 };
    pid_t pid = -1;
    int e = 0;
    ssize_t n;

    if (!opts)
        opts = &def;
    if (resolve_exec(argv[0], file, sizeof(file)) < 0) {
        lv_err_sys(err, "cannot run '%s'", argv[0]);
        return -1;
    }
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        lv_err_sys(err, "cannot run '%s': pipe", argv[0]);
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        lv_err_sys(err, "cannot run '%s': fork", argv[0]);
        goto out;
    }
    if (pid == 0)
        child_exec(file, argv, opts, pfd[1]);
    close(pfd[1]);
    pfd[1] = -1;
    do
        n = read(pfd[0], &e, sizeof(e));
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof(e)) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        errno = e;
        lv_err_sys(err, "cannot run '%s'", argv[0]);
        pid = -1;
    }
out:
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    return pid;
}

static int
decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

int
lv_spawn_wait(pid_t pid, int timeout_ms, struct lv_err *err)
{
    int pfd = lv_pidfd_open(pid);
    int st = 0;

    if (pfd >= 0) {
        int r = lv_pidfd_wait(pfd, lv_deadline(timeout_ms));
        close(pfd);
        if (r == 0) {
            lv_err_set(err, LV_E_TIMEOUT,
                       "process %d did not exit within %d ms", (int)pid, timeout_ms);
            return -1;
        }
    }
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            lv_err_sys(err, "cannot wait for process %d", (int)pid);
            return -1;
        }
    }
    return decode_status(st);
}

/* Drain fds[0..1] into bufs until both hit EOF or the deadline passes. */
static int
drain(int fds[2], struct strbuf bufs[2], int timeout_ms)
{
    long long end = lv_deadline(timeout_ms);
    char tmp[4096];

    for (;;) {
        struct pollfd p[2];
        int np = 0, idx[2];
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0) {
                p[np].fd = fds[i];
                p[np].events = POLLIN;
                idx[np++] = i;
            }
        if (np == 0)
            return 0;
        if (lv_poll(p, (nfds_t)np, end) <= 0)
            return -1;
        for (int j = 0; j < np; j++) {
            if (!p[j].revents)
                continue;
            ssize_t n = read(p[j].fd, tmp, sizeof(tmp));
            if (n > 0) {
                strbuf_add(&bufs[idx[j]], tmp, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[idx[j]]);
                fds[idx[j]] = -1;
            }
        }
    }
}

int
lv_spawn_capture(char *const argv[], char **out, char **err_out,
                 int timeout_ms, struct lv_err *err)
{
    int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
    int rfds[2] = { -1, -1 };
    struct strbuf bufs[2] = { STRBUF_INIT, STRBUF_INIT };
    struct lv_spawn_opts o = { -1, -1, -1, NULL, 0, 0, 0, NULL, NULL, NULL };
    pid_t pid;
    int ret = -1;

    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
        lv_err_sys(err, "cannot run '%s': pipe", argv[0]);
        goto out;
    }
    o.stdout_fd = po[1];
    o.stderr_fd = err_out ? pe[1] : -1;
    pid = lv_spawn(argv, &o, err);
    if (pid < 0)
        goto out;
    close(po[1]);
    po[1] = -1;
    close(pe[1]);
    pe[1] = -1;
    rfds[0] = po[0];
    rfds[1] = pe[0];
    po[0] = pe[0] = -1;
    if (drain(rfds, bufs, timeout_ms) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        lv_err_set(err, LV_E_TIMEOUT, "'%s' did not finish within %d ms",
                   argv[0], timeout_ms);
        goto out;
    }
    ret = lv_spawn_wait(pid, -1, err);
    if (ret >= 0) {
        if (out)
            *out = strbuf_steal(&bufs[0]);
        if (err_out)
            *err_out = strbuf_steal(&bufs[1]);
    }
out:
    for (int i = 0; i < 2; i++) {
        if (rfds[i] >= 0)
            close(rfds[i]);
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
        strbuf_free(&bufs[i]);
    }
    return ret;
}

void
lv_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}
