/* unix_sock.c - listening unix sockets with an explicit mode, and
 * connections to them (see unix_sock.h). */
#include "unix_sock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
lv_unix_listen(const char *path, mode_t mode, int backlog, struct lv_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        lv_err_set(err, LV_E_INVALID,
                   "socket path '%s' is too long (%zu bytes, at most %zu)",
                   path, strlen(path), sizeof(sa.sun_path) - 1);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            lv_err_set(err, LV_E_EXISTS, "cannot listen on '%s': a file that "
                       "is not a socket is in the way", path);
            return -1;
        }
        unlink(path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        lv_err_sys(err, "cannot create socket '%s'", path);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        chmod(path, mode) < 0 || listen(fd, backlog) < 0) {
        lv_err_sys(err, "cannot listen on '%s'", path);
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

int
lv_unix_connect(const char *path, const char *what, struct lv_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, r;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        lv_err_set(err, LV_E_INVALID, "%s: socket path '%s' is too long", what, path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        lv_err_sys(err, "%s: cannot create a socket", what);
        return -1;
    }
    do
        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        lv_err_sys(err, "%s: cannot connect to '%s'", what, path);
        close(fd);
        return -1;
    }
    return fd;
}
