/* dom_chr_sock.c - chardev files and sockets made for a confined QEMU
 * (see dom_chr_sock.h). */
#include "dom_chr_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "dom_dac.h"
#include "storage/path_policy.h"
#include "strbuf.h"

/* path may be made by QEMU's user: not under a directory the policy
 * keeps from guests (its directory resolved, as the file may not exist). */
static int
check_place(const char *path, const char *what, struct lv_err *err)
{
    char *dir = lv_strdup(path), *rdir;
    int r = -1;

    rdir = realpath(dirname(dir), NULL);
    if (!rdir)
        lv_err_sys(err, "%s: cannot use '%s'", what, path);
    else
        r = path_policy_check(rdir, S_IFREG, PATH_USE_FIRMWARE, what, err);
    free(rdir);
    free(dir);
    return r;
}

/* A file QEMU writes (a file chardev, a log): made if absent, never
 * through a link, then handed over. */
static int
prepare_file(const char *run_dir, const struct dom_jail *j, const char *path,
             const char *what, struct lv_err *err)
{
    int fd;

    if (check_place(path, what, err) < 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0) {
        lv_err_sys(err, "%s: cannot create '%s'", what, path);
        return -1;
    }
    close(fd);
    return dom_dac_grant(run_dir, j, path, 0, what, err);
}

/* The fifos of a pipe chardev: PATH.in and PATH.out, else PATH. */
static int
prepare_pipe(const char *run_dir, const struct dom_jail *j, const char *path,
             const char *what, struct lv_err *err)
{
    char *in = lv_asprintf("%s.in", path), *out = lv_asprintf("%s.out", path);
    int r;

    if (check_place(path, what, err) < 0)
        r = -1;
    else if (access(in, F_OK) == 0 && access(out, F_OK) == 0)
        r = dom_dac_grant(run_dir, j, in, 0, what, err) < 0 ? -1 :
            dom_dac_grant(run_dir, j, out, 0, what, err);
    else
        r = dom_dac_grant(run_dir, j, path, 0, what, err);
    free(in);
    free(out);
    return r;
}

static int
listen_at(const char *run_dir, const struct dom_jail *j, const char *path,
          const char *what, struct lv_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (check_place(path, what, err) < 0)
        return -1;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        lv_err_set(err, LV_E_INVALID, "%s: socket path '%s' is too long", what, path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    /* a socket left by an earlier run is ours to replace, nothing else */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 8) < 0) {
        lv_err_sys(err, "%s: cannot listen on '%s'", what, path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (chmod(path, 0660) < 0 || dom_dac_grant(run_dir, j, path, 0, what, err) < 0) {
        if (err->code == LV_E_OK)
            lv_err_sys(err, "%s: cannot set the mode of '%s'", what, path);
        close(fd);
        return -1;
    }
    return fd;
}

void
dom_chr_sock_close(int *fds, size_t n)
{
    for (size_t i = 0; fds && i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}

int
dom_chr_sock_prepare(const char *run_dir, const struct dom_jail *j,
                     const struct dom_def *def, int **fds, struct lv_err *err)
{
    int *f = NULL, any = 0;
    char what[96];

    *fds = NULL;
    if (!j->on || def->n_chrs == 0)
        return 0;
    f = lv_calloc(def->n_chrs, sizeof(int));
    for (size_t i = 0; i < def->n_chrs; i++)
        f[i] = -1;
    for (size_t i = 0; i < def->n_chrs; i++) {
        const struct dom_chr *ch = &def->chrs[i];
        const char *t = ch->type ? ch->type : "pty";
        int r = 0;
        snprintf(what, sizeof(what), "domain '%s': chardev %zu", def->name, i);
        if (ch->log_file)
            r = prepare_file(run_dir, j, ch->log_file, what, err);
        if (r == 0 && ch->source_path && !strcmp(t, "file"))
            r = prepare_file(run_dir, j, ch->source_path, what, err);
        else if (r == 0 && ch->source_path && !strcmp(t, "pipe"))
            r = prepare_pipe(run_dir, j, ch->source_path, what, err);
        else if (r == 0 && ch->source_path && !strcmp(t, "unix") &&
                 (!ch->source_mode || !strcmp(ch->source_mode, "bind"))) {
            f[i] = listen_at(run_dir, j, ch->source_path, what, err);
            r = f[i] < 0 ? -1 : 0;
            any = 1;
        }
        if (r < 0) {
            dom_chr_sock_close(f, def->n_chrs);
            return -1;
        }
    }
    if (!any) {
        free(f);
        return 0;
    }
    *fds = f;
    return 0;
}
