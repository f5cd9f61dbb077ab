/* test_unix_sock.c - lv_unix_listen: the mode whatever the umask, a stale
 * socket replaced, any other file refused, long paths refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "harness.h"
#include "unix_sock.h"

static char dir[] = "/tmp/lv-unix-sock.XXXXXX";

static char *
at(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static int
connects(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0), r;

    if (strlen(path) >= sizeof(sa.sun_path))
        return 0;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    return r == 0;
}

static void
test_mode_under_umask0(void)
{
    struct lv_err err = LV_ERR_INIT;
    mode_t old = umask(0);
    struct stat st;
    int fd = lv_unix_listen(at("a.sock"), 0600, 4, &err);

    umask(old);
    CHECK(fd >= 0, "listens: %s", err.msg);
    CHECK(stat(at("a.sock"), &st) == 0 && S_ISSOCK(st.st_mode), "a socket");
    CHECK((st.st_mode & 07777) == 0600, "mode 0600 under umask 000, not %o",
          (unsigned)(st.st_mode & 07777));
    CHECK(connects(at("a.sock")), "the owner connects");
    close(fd);
    fd = lv_unix_listen(at("a.sock"), 0660, 4, &err);
    CHECK(fd >= 0, "a stale socket is replaced: %s", err.msg);
    CHECK(stat(at("a.sock"), &st) == 0 && (st.st_mode & 07777) == 0660,
          "the new mode 0660");
    close(fd);
}

static void
test_refusals(void)
{
    struct lv_err err = LV_ERR_INIT;
    char longp[200];
    FILE *f = fopen(at("plain"), "w");

    fputs("keep me\n", f);
    fclose(f);
    CHECK(lv_unix_listen(at("plain"), 0600, 4, &err) < 0, "a regular file is refused");
    CHECK(strstr(err.msg, "not a socket") && strstr(err.msg, "plain"),
          "the error names the file: %s", err.msg);
    CHECK(access(at("plain"), F_OK) == 0, "the file is still there");
    lv_err_clear(&err);
    memset(longp, 'x', sizeof(longp) - 1);
    longp[0] = '/';
    longp[sizeof(longp) - 1] = '\0';
    CHECK(lv_unix_listen(longp, 0600, 4, &err) < 0, "a path over 107 bytes is refused");
    CHECK(strstr(err.msg, "too long") != NULL, "says why: %s", err.msg);
    lv_err_clear(&err);
    CHECK(lv_unix_listen("/nonexistent-dir/x.sock", 0600, 4, &err) < 0,
          "a missing directory is an error");
    CHECK(strstr(err.msg, "/nonexistent-dir/x.sock") != NULL, "names the path: %s",
          err.msg);
}

int
main(void)
{
    if (!mkdtemp(dir))
        return 1;
    test_mode_under_umask0();
    test_refusals();
    unlink(at("a.sock"));
    unlink(at("plain"));
    rmdir(dir);
    return TEST_DONE();
}
