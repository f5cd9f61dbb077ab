/* dom_chr_sock.c - chardev files and sockets made for a confined QEMU
 * (see dom_chr_sock.h). */
#include "dom_chr_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom_dac.h"
#include "storage/path_policy.h"
#include "strbuf.h"
#include "unix_sock.h"

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
    int fd;

    if (check_place(path, what, err) < 0)
        return -1;
    fd = lv_unix_listen(path, 0660, 8, err);
    if (fd < 0) {
        lv_err_prefix(err, "%s: ", what);
        return -1;
    }
    if (dom_dac_grant(run_dir, j, path, 0, what, err) < 0) {
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
