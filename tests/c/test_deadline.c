/* test_deadline.c - waits bounded by deadlines (core/deadline.c): a signal
 * arriving more often than the timeout must not restart it; pidfd waits see
 * a process exit and time out on one that does not. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "fdio.h"
#include "harness.h"

static void
on_alarm(int sig)
{
    (void)sig;
}

/* SIGALRM every 20 ms, without SA_RESTART: poll gets EINTR again and again */
static void
test_poll_interrupted(void)
{
    struct sigaction sa;
    struct itimerval tv = { { 0, 20000 }, { 0, 20000 } }, off;
    int p[2];
    long long t0, took;
    int r;

    memset(&sa, 0, sizeof(sa));
    memset(&off, 0, sizeof(off));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    if (pipe(p) < 0)
        return;
    setitimer(ITIMER_REAL, &tv, NULL);
    t0 = lv_now_ms();
    {
        struct pollfd pf = { p[0], POLLIN, 0 };
        r = lv_poll(&pf, 1, lv_deadline(200));
    }
    took = lv_now_ms() - t0;
    setitimer(ITIMER_REAL, &off, NULL);
    CHECK(r == 0, "deadline passed: %d", r);
    CHECK(took >= 195 && took < 1000, "200 ms wait took %lld ms under signals", took);
    CHECK(lv_write_all(p[1], "x", 1) == 0, "write_all");
    {
        struct pollfd pf = { p[0], POLLIN, 0 };
        CHECK(lv_poll(&pf, 1, lv_deadline(1000)) == 1, "readable at once");
    }
    close(p[0]);
    close(p[1]);
}

static void
test_pidfd(void)
{
    pid_t pid = fork();
    int pfd;

    if (pid == 0) {
        usleep(100000);
        _exit(0);
    }
    pfd = lv_pidfd_open(pid);
    if (pfd < 0 && errno == ENOSYS) {   /* valgrind does not know the call */
        SKIP("pidfd", "pidfd_open is not available here (ENOSYS; under valgrind?)");
        waitpid(pid, NULL, 0);
        return;
    }
    CHECK(pfd >= 0, "pidfd_open");
    CHECK(lv_pidfd_wait(pfd, lv_deadline(10)) == 0, "still running after 10 ms");
    CHECK(lv_pidfd_wait(pfd, lv_deadline(5000)) == 1, "exit seen");
    close(pfd);
    waitpid(pid, NULL, 0);
    CHECK(lv_pidfd_open(-1) == -1, "no pidfd for pid -1");
}

int
main(void)
{
    test_poll_interrupted();
    test_pidfd();
    return TEST_DONE();
}
