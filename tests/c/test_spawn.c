/* test_spawn.c - running programs (core/spawn.c): PATH lookup done before
 * the fork, a clear error for a missing program, standard fds that are
 * each other's sources, only the kept fds inherited, capture and deadlines. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

static void
test_path_lookup(void)
{
    char *argv[] = { (char *)"echo", (char *)"hello", NULL };
    struct lv_err err = LV_ERR_INIT;
    char *out = NULL;
    int rc = lv_spawn_capture(argv, &out, NULL, 5000, &err);

    CHECK(rc == 0 && out && strcmp(out, "hello\n") == 0,
          "echo through PATH: rc %d out '%s' (%s)", rc, out ? out : "", err.msg);
    free(out);
}

static void
test_missing_program(void)
{
    char *argv[] = { (char *)"luavirt-no-such-program", NULL };
    char *abs[] = { (char *)"/nonexistent/prog", NULL };
    struct lv_err err = LV_ERR_INIT;
    pid_t pid = lv_spawn(argv, NULL, &err);

    CHECK(pid == -1, "missing program: no pid");
    CHECK(strstr(err.msg, "cannot run 'luavirt-no-such-program'") != NULL &&
          strstr(err.msg, "No such file") != NULL, "message names it: %s", err.msg);
    lv_err_clear(&err);
    pid = lv_spawn(abs, NULL, &err);
    CHECK(pid == -1 && strstr(err.msg, "'/nonexistent/prog'") != NULL,
          "missing absolute path: %s", err.msg);
}

/* The write end of a pipe sits at fd 0 and becomes the child's stdout while
 * its stdin is /dev/null: a dup2 onto 0 first would lose the output. */
static void
test_std_fds_swap(void)
{
    int saved = dup(0);
    int p[2];
    struct lv_err err = LV_ERR_INIT;
    char *argv[] = { (char *)"echo", (char *)"through-fd0", NULL };
    struct lv_spawn_opts o = { -1, -1, -1, NULL, 0, 0, 0, NULL, NULL, NULL };
    char buf[64] = "";
    ssize_t n;
    pid_t pid;

    close(0);
    if (pipe(p) < 0) {
        CHECK(0, "pipe");
        return;
    }
    if (p[0] == 0) {                  /* the read end took 0: swap them */
        int w = dup(p[1]);
        close(p[1]);
        int r = fcntl(p[0], F_DUPFD, 3);
        close(p[0]);
        dup2(w, 0);
        close(w);
        p[0] = r;
        p[1] = 0;
    }
    o.stdout_fd = p[1];
    pid = lv_spawn(argv, &o, &err);
    CHECK(pid > 0, "spawn: %s", err.msg);
    if (pid > 0)
        CHECK(lv_spawn_wait(pid, 5000, &err) == 0, "exit 0");
    dup2(saved, 0);
    close(saved);
    n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    buf[n > 0 ? n : 0] = 0;
    CHECK(strcmp(buf, "through-fd0\n") == 0, "output through the fd at 0: '%s'", buf);
}

/* Only 0..2 and the kept fds reach the child: ls lists its own fds (plus
 * the one it reads /proc/self/fd with). */
static void
test_only_kept_fds(void)
{
    /* high numbers, apart from the fd ls opens the directory with */
    int src = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int leaked = fcntl(src, F_DUPFD, 50);            /* no CLOEXEC */
    int kept = fcntl(src, F_DUPFD_CLOEXEC, 60);
    char *argv[] = { (char *)"ls", (char *)"/proc/self/fd", NULL };
    struct lv_spawn_opts o = { -1, -1, -1, &kept, 1, 0, 0, NULL, NULL, NULL };
    int po[2];
    struct lv_err err = LV_ERR_INIT;
    char buf[256] = "", want[32], bad[32];
    ssize_t n, got = 0;
    pid_t pid;

    if (pipe2(po, O_CLOEXEC) < 0)
        return;
    o.stdout_fd = po[1];
    pid = lv_spawn(argv, &o, &err);
    close(po[1]);
    CHECK(pid > 0, "spawn ls: %s", err.msg);
    while ((n = read(po[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
        got += n;
    buf[got] = 0;
    close(po[0]);
    if (pid > 0)
        lv_spawn_wait(pid, 5000, &err);
    snprintf(want, sizeof(want), "\n%d\n", kept);
    snprintf(bad, sizeof(bad), "\n%d\n", leaked);
    CHECK(strstr(buf, want) != NULL, "kept fd %d inherited: %s", kept, buf);
    CHECK(strstr(buf, bad) == NULL, "fd %d without CLOEXEC not inherited: %s", leaked, buf);
    close(leaked);
    close(kept);
    close(src);
}

static void
test_deadline(void)
{
    char *argv[] = { (char *)"sleep", (char *)"5", NULL };
    struct lv_err err = LV_ERR_INIT;
    char *out = NULL;
    int rc = lv_spawn_capture(argv, &out, NULL, 200, &err);

    CHECK(rc == -1 && err.code == LV_E_TIMEOUT, "sleep 5 stopped after 200 ms: %s", err.msg);
    CHECK(out == NULL, "no output on timeout");
}

int
main(void)
{
    test_path_lookup();
    test_missing_program();
    test_std_fds_swap();
    test_only_kept_fds();
    test_deadline();
    return TEST_DONE();
}
