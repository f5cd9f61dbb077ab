/* supervisor_helper.c - a guest's helper processes, started and reaped by
 * its supervisor (see supervisor_helper.h). */
#include "supervisor_helper.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom_tpm.h"
#include "log.h"
#include "spawn.h"
#include "strbuf.h"

#define HELPER_EXIT_MS 3000    /* swtpm ends at once when QEMU has gone */
#define HELPER_TERM_MS 2000

static int
is_mark(const char *s)
{
    return !strcmp(s, "--helper") || !strcmp(s, "--");
}

int
sup_helpers_parse(char **argv, int argc, int *pos, struct sup_helpers *hs)
{
    int i = *pos;

    memset(hs, 0, sizeof(*hs));
    while (i < argc && !strcmp(argv[i], "--helper")) {
        struct sup_helper *h;
        char *end;
        int start, k;
        if (hs->n == SUP_HELPER_MAX || i + 3 >= argc)
            goto bad;
        h = &hs->h[hs->n++];
        h->fd = (int)strtol(argv[i + 1], &end, 10);
        if (*end || h->fd < 3)
            goto bad;
        h->transient_dir = strcmp(argv[i + 2], "-") ? argv[i + 2] : NULL;
        start = i + 3;
        for (i = start; i < argc && !is_mark(argv[i]); i++)
            ;
        if (i == start)
            goto bad;
        h->argv = lv_calloc((size_t)(i - start) + 1, sizeof(char *));
        for (k = start; k < i; k++)
            h->argv[k - start] = argv[k];
    }
    if (i >= argc || strcmp(argv[i], "--"))
        goto bad;
    *pos = i;
    return 0;
bad:
    sup_helpers_free(hs);
    return -1;
}

void
sup_helpers_free(struct sup_helpers *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        free(hs->h[i].argv);
        hs->h[i].argv = NULL;
    }
    hs->n = 0;
}

char **
sup_helpers_insert(char **sargv, int fd, const char *dir, char *const *argv)
{
    size_t n = 0, na = 0, at;
    char **out;

    while (sargv[n])
        n++;
    while (argv[na])
        na++;
    for (at = 0; at < n && strcmp(sargv[at], "--"); at++)
        ;
    out = lv_calloc(n + na + 4, sizeof(char *));
    memcpy(out, sargv, at * sizeof(char *));
    out[at] = lv_strdup("--helper");
    out[at + 1] = lv_asprintf("%d", fd);
    out[at + 2] = lv_strdup(dir ? dir : "-");
    for (size_t k = 0; k < na; k++)
        out[at + 3 + k] = lv_strdup(argv[k]);
    memcpy(out + at + 3 + na, sargv + at, (n - at) * sizeof(char *));
    free(sargv);   /* its strings now belong to out */
    return out;
}

static void
stop_one(struct sup_helper *h, const char *name, int term_first)
{
    struct lv_err err = LV_ERR_INIT;
    int st;

    if (term_first)
        kill(h->pid, SIGTERM);
    st = lv_spawn_wait(h->pid, HELPER_EXIT_MS, &err);

    if (st < 0 && err.code == LV_E_TIMEOUT) {
        lv_log_warn("dom %s: %s (pid %d) still running: SIGTERM", name,
                    h->argv[0], (int)h->pid);
        kill(h->pid, SIGTERM);
        lv_err_clear(&err);
        st = lv_spawn_wait(h->pid, HELPER_TERM_MS, &err);
        if (st < 0 && err.code == LV_E_TIMEOUT) {
            kill(h->pid, SIGKILL);
            lv_err_clear(&err);
            st = lv_spawn_wait(h->pid, -1, &err);
        }
    }
    lv_log_info("dom %s: %s (pid %d) ended with status %d", name, h->argv[0],
                (int)h->pid, st);
    h->pid = 0;
}

int
sup_helpers_start(struct sup_helpers *hs, const char *name, struct lv_err *err)
{
    for (size_t i = 0; i < hs->n; i++) {
        struct sup_helper *h = &hs->h[i];
        struct lv_spawn_opts o = { -1, -1, -1, &h->fd, 1, 0, SIGTERM, NULL, NULL, NULL };
        h->pid = lv_spawn(h->argv, &o, err);
        close(h->fd);   /* the helper has its own copy now */
        h->fd = -1;
        if (h->pid < 0) {
            h->pid = 0;
            lv_err_prefix(err, "domain '%s': cannot start: ", name);
            for (size_t k = 0; k < i; k++)
                stop_one(&hs->h[k], name, 1);
            return -1;
        }
        lv_log_debug("dom %s: started %s (pid %d)", name, h->argv[0], (int)h->pid);
    }
    return 0;
}

void
sup_helpers_stop(struct sup_helpers *hs, const char *name, int transient,
                 int term_first)
{
    for (size_t i = 0; i < hs->n; i++) {
        struct sup_helper *h = &hs->h[i];
        struct lv_err err = LV_ERR_INIT;
        if (h->pid > 0)
            stop_one(h, name, term_first);
        if (h->fd >= 0)
            close(h->fd);
        h->fd = -1;
        if (transient && h->transient_dir &&
            dom_tpm_remove_dir(h->transient_dir, &err) < 0)
            lv_log_warn("dom %s: %s", name, err.msg);
    }
}
