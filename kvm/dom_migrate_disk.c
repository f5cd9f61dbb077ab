/* dom_migrate_disk.c - the disks of a migration that copies storage, over
 * NBD (see dom_migrate_disk.h). */
#include "dom_migrate_disk.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_disk.h"
#include "dom_session.h"
#include "log.h"
#include "storage/path_policy.h"
#include "qemu_img.h"
#include "strbuf.h"
#include "unix_sock.h"

#define NBD_FDNAME "migrate-nbd"
/* How long the last of a paused guest's writes may take to reach the
 * other host. */
#define MIRROR_END_MS 120000

int
dom_migrate_copy_from_str(const char *s)
{
    if (!s || !strcmp(s, "none"))
        return DOM_MIGRATE_COPY_NONE;
    if (!strcmp(s, "all"))
        return DOM_MIGRATE_COPY_ALL;
    if (!strcmp(s, "inc"))
        return DOM_MIGRATE_COPY_INC;
    return -1;
}

void
dom_migrate_disks_free(struct dom_migrate_disk *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].target);
        free(d[i].path);
        free(d[i].format);
        free(d[i].backing);
        free(d[i].backing_format);
    }
    free(d);
}

int
dom_migrate_disk_moves(const struct dom_disk *k)
{
    return k->device == DOM_DISK_DISK && !k->readonly && !k->shareable && k->source &&
           (k->type == DOM_DISK_FILE || k->type == DOM_DISK_BLOCK);
}

/* ---- source: what moves ---- */

int
dom_migrate_disks_list(struct lv_conn *c, const char *name, enum dom_migrate_copy mode,
                       struct dom_migrate_disk **out, size_t *n, struct lv_err *err)
{
    struct dom_def *def = dom_get_def(c, name, 0, err);
    struct dom_migrate_disk *d = NULL;
    size_t m = 0;

    *out = NULL;
    *n = 0;
    if (!def)
        return -1;
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct qemu_img_info info;
        struct dom_migrate_disk *x;

        if (!dom_migrate_disk_moves(k))
            continue;
        if (qemu_img_info(k->source, &info, err) < 0) {
            lv_err_prefix(err, "domain '%s': disk '%s': ", name, k->target_dev);
            dom_migrate_disks_free(d, m);
            dom_def_free(def);
            return -1;
        }
        d = lv_realloc(d, (m + 1) * sizeof(*d));
        x = &d[m++];
        memset(x, 0, sizeof(*x));
        x->target = lv_strdup(k->target_dev);
        x->path = lv_strdup(k->source);
        x->format = lv_strdup(k->driver_type ? k->driver_type : info.format);
        x->size = info.capacity;
        if (mode == DOM_MIGRATE_COPY_INC && info.backing) {
            x->backing = lv_strdup(info.backing);
            x->backing_format = lv_strdup(info.backing_format);
        }
        qemu_img_info_clear(&info);
    }
    dom_def_free(def);
    *out = d;
    *n = m;
    return 0;
}

/* ---- destination: the images ---- */

static const struct dom_migrate_disk *
described(const struct dom_migrate_disk *d, size_t n, const char *target)
{
    for (size_t i = 0; i < n; i++)
        if (d[i].target && !strcmp(d[i].target, target))
            return &d[i];
    return NULL;
}

/* The image of disk k is there: it must hold what the source's does. */
static int
check_existing(const char *dom, const struct dom_disk *k, const struct dom_migrate_disk *x,
               struct lv_err *err)
{
    struct qemu_img_info info;
    int r = 0;

    if (qemu_img_info(k->source, &info, err) < 0) {
        lv_err_prefix(err, "domain '%s': disk '%s': ", dom, k->target_dev);
        return -1;
    }
    if (info.capacity < x->size) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s': the image '%s' here holds "
                   "%llu bytes, the source's %llu", dom, k->target_dev, k->source,
                   (unsigned long long)info.capacity, (unsigned long long)x->size);
        r = -1;
    }
    qemu_img_info_clear(&info);
    return r;
}

/* Make the image of disk k at its path (which is not there). */
static int
make_image(const char *dom, const struct dom_disk *k, const struct dom_migrate_disk *x,
           enum dom_migrate_copy mode, struct lv_err *err)
{
    char *dir = lv_strdup(k->source), *slash = strrchr(dir, '/');
    char resolved[PATH_MAX], size[32], what[160];
    const char *fmt = x->format && *x->format ? x->format : "raw";
    char *argv[12];
    int a = 0, r = -1;

    snprintf(what, sizeof(what), "domain '%s': disk '%s'", dom, k->target_dev);
    if (k->type != DOM_DISK_FILE) {
        lv_err_set(err, LV_E_INVALID, "%s: block device '%s' is not here", what, k->source);
        goto out;
    }
    if (!slash || slash == dir) {
        lv_err_set(err, LV_E_INVALID, "%s: cannot make '%s' here: not an absolute path "
                   "below a directory", what, k->source);
        goto out;
    }
    *slash = '\0';
    if (!realpath(dir, resolved)) {
        lv_err_sys(err, "%s: cannot make '%s' here: directory '%s'", what, k->source, dir);
        goto out;
    }
    free(dir);
    dir = lv_asprintf("%s/%s", resolved, strrchr(k->source, '/') + 1);
    if (path_policy_check(dir, S_IFREG, PATH_USE_IMAGE, what, err) < 0)
        goto out;
    if (strpbrk(fmt, ",=") || (x->backing_format && strpbrk(x->backing_format, ",="))) {
        lv_err_set(err, LV_E_INVALID, "%s: bad image format '%s'", what, fmt);
        goto out;
    }
    snprintf(size, sizeof(size), "%llu", (unsigned long long)x->size);
    argv[a++] = (char *)"qemu-img";
    argv[a++] = (char *)"create";
    argv[a++] = (char *)"-q";
    argv[a++] = (char *)"-f";
    argv[a++] = (char *)fmt;
    if (mode == DOM_MIGRATE_COPY_INC && x->backing) {
        argv[a++] = (char *)"-b";
        argv[a++] = x->backing;
        if (x->backing_format) {
            argv[a++] = (char *)"-F";
            argv[a++] = x->backing_format;
        }
    }
    argv[a++] = k->source;
    argv[a++] = size;
    argv[a] = NULL;
    if (qemu_img_run(argv, what, err) < 0)
        goto out;
    /* the guest's QEMU gets it (dom_dac) at start; nobody else reads it */
    if (chmod(k->source, 0600) < 0) {
        lv_err_sys(err, "%s: chmod '%s'", what, k->source);
        unlink(k->source);
        goto out;
    }
    lv_log_info("dom %s: made %s (%s, %s bytes) for the incoming disk %s", dom, k->source,
                fmt, size, k->target_dev);
    r = 0;
out:
    free(dir);
    return r;
}

int
dom_migrate_disks_create(struct dom_def *def, enum dom_migrate_copy mode,
                         const struct dom_migrate_disk *d, size_t n, char ***created,
                         struct lv_err *err)
{
    char **made = NULL;
    size_t m = 0;

    *created = NULL;
    for (size_t i = 0; i < def->n_disks; i++) {
        struct dom_disk *k = &def->disks[i];
        const struct dom_migrate_disk *x;
        struct stat sb;

        if (!dom_migrate_disk_moves(k))
            continue;
        if (!(x = described(d, n, k->target_dev))) {
            lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s': the source did not "
                       "describe its image", def->name, k->target_dev);
            goto fail;
        }
        if (mode == DOM_MIGRATE_COPY_ALL) {
            /* a full copy stands alone */
            dom_def_disk_drop_chain(k);
            k->chain_end = 1;
        }
        if (stat(k->source, &sb) == 0) {
            if (check_existing(def->name, k, x, err) < 0)
                goto fail;
            continue;
        }
        if (errno != ENOENT) {
            lv_err_sys(err, "domain '%s': disk '%s': '%s'", def->name, k->target_dev,
                       k->source);
            goto fail;
        }
        if (make_image(def->name, k, x, mode, err) < 0)
            goto fail;
        made = lv_realloc(made, (m + 2) * sizeof(*made));
        made[m++] = lv_strdup(k->source);
        made[m] = NULL;
    }
    *created = made;
    return 0;
fail:
    dom_migrate_disks_remove(made);
    return -1;
}

void
dom_migrate_disks_remove(char **created)
{
    if (!created)
        return;
    for (char **p = created; *p; p++) {
        if (unlink(*p) < 0 && errno != ENOENT)
            lv_log_warn("cannot remove '%s' (made for a migration that failed): %s", *p,
                        strerror(errno));
        free(*p);
    }
    free(created);
}

/* ---- destination: the NBD server ---- */

int
dom_migrate_listen_tcp(const char *addr, int *port, struct lv_err *err)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = -1, e = getaddrinfo(addr, "0", &hints, &ai);

    if (e != 0) {
        lv_err_set(err, LV_E_INVALID, "cannot listen on '%s': %s", addr, gai_strerror(e));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        lv_err_sys(err, "cannot listen on '%s'", addr);
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

void
dom_migrate_nbd_stop(struct qmp *q, const char *name)
{
    struct lv_err e2 = LV_ERR_INIT;

    if (dom_qmp_ok(q, "nbd-server-stop", NULL, &e2) < 0)
        lv_log_debug("dom %s: nbd-server-stop: %s", name, e2.msg);
}

int
dom_migrate_nbd_serve(struct qmp *q, const struct dom_def *def, int listen_fd,
                      struct lv_err *err)
{
    json_t *r = dom_qmp_run_fd(q, "getfd", json_pack("{s:s}", "fdname", NBD_FDNAME),
                               listen_fd, err);

    if (!r)
        return -1;
    json_decref(r);
    if (dom_qmp_ok(q, "nbd-server-start",
                   json_pack("{s:{s:s, s:{s:s}}}", "addr", "type", "fd", "data", "str",
                             NBD_FDNAME), err) < 0)
        return -1;
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        char *node = NULL;
        int bad;

        if (!dom_migrate_disk_moves(k))
            continue;
        bad = dom_disk_live_node(q, def->name, k, &node, err) < 0 ||
              dom_qmp_ok(q, "block-export-add",
                         json_pack("{s:s, s:s+, s:s, s:s, s:b}", "type", "nbd", "id",
                                   "migrate-", k->target_dev, "node-name", node, "name",
                                   k->target_dev, "writable", 1), err) < 0;
        free(node);
        if (bad) {
            dom_migrate_nbd_stop(q, def->name);
            return -1;
        }
    }
    return 0;
}

/* ---- source: the mirrors ---- */

static char *
job_id(const struct dom_disk *k)
{
    return lv_asprintf("migrate-%s", k->target_dev);
}

static char *
nbd_node(const struct dom_disk *k)
{
    return lv_asprintf("migrate-nbd-%s", k->target_dev);
}

/* "HOST:PORT" or "[V6]:PORT" into host and port. */
static int
split_hostport(const char *s, char *host, size_t hsz, char *port, size_t psz)
{
    const char *colon = strrchr(s, ':');
    const char *h = s;
    size_t hl;

    if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return -1;
    hl = (size_t)(colon - s);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
        h++, hl -= 2;
    if (hl == 0 || hl >= hsz || strlen(colon + 1) >= psz)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, psz, "%s", colon + 1);
    return strpbrk(host, ", /") ? -1 : 0;
}

/* The "server" of the NBD node of disk k: host and port, or (unix_path)
 * a connection made here and handed to QEMU. NULL with err. */
static json_t *
nbd_server(struct qmp *q, const struct dom_def *def, const struct dom_disk *k,
           const char *host, const char *port, const char *unix_path, struct lv_err *err)
{
    char what[160], *fdname;
    json_t *r;
    int fd;

    if (!unix_path)
        return json_pack("{s:s, s:s, s:s}", "type", "inet", "host", host, "port", port);
    snprintf(what, sizeof(what), "domain '%s': the copy of disk '%s'", def->name,
             k->target_dev);
    if ((fd = lv_unix_connect(unix_path, what, err)) < 0)
        return NULL;
    fdname = nbd_node(k);
    r = dom_qmp_run_fd(q, "getfd", json_pack("{s:s}", "fdname", fdname), fd, err);
    close(fd);
    json_decref(r);
    r = r ? json_pack("{s:s, s:s}", "type", "fd", "str", fdname) : NULL;
    free(fdname);
    return r;
}

int
dom_migrate_mirror_start(struct qmp *q, const struct dom_def *def, const char *nbd,
                         enum dom_migrate_copy mode, struct lv_err *err)
{
    const char *unix_path = !strncmp(nbd, "unix:", 5) ? nbd + 5 : NULL;
    char host[80] = "", port[8] = "";

    if (unix_path ? unix_path[0] != '/'
                  : split_hostport(nbd, host, sizeof(host), port, sizeof(port)) < 0) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': cannot copy its disks to '%s': not "
                   "a HOST:PORT or unix:PATH address", def->name, nbd);
        return -1;
    }
    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        char *top = NULL, *node, *id;
        json_t *server = NULL;
        int bad;

        if (!dom_migrate_disk_moves(k))
            continue;
        node = nbd_node(k);
        id = job_id(k);
        bad = dom_disk_live_node(q, def->name, k, &top, err) < 0 ||
              !(server = nbd_server(q, def, k, host, port, unix_path, err)) ||
              dom_qmp_ok(q, "blockdev-add",
                         json_pack("{s:s, s:s, s:o, s:s}", "driver", "nbd", "node-name", node,
                                   "server", server, "export", k->target_dev), err) < 0 ||
              dom_qmp_ok(q, "blockdev-mirror",
                         json_pack("{s:s, s:s, s:s, s:s, s:b}", "job-id", id, "device", top,
                                   "target", node, "sync",
                                   mode == DOM_MIGRATE_COPY_INC ? "top" : "full",
                                   "auto-dismiss", 0), err) < 0;
        free(top);
        free(node);
        free(id);
        if (bad) {
            struct lv_err e2 = LV_ERR_INIT;
            lv_err_prefix(err, "domain '%s': cannot copy disk '%s': ", def->name,
                          k->target_dev);
            dom_migrate_mirror_end(q, def, 0, &e2);
            return -1;
        }
    }
    lv_log_info("dom %s: copying its disks to %s", def->name, nbd);
    return 0;
}

/* The entry of query-block-jobs for job id, borrowed from jobs. */
static json_t *
find_job(json_t *jobs, const char *id)
{
    json_t *j;
    size_t i;

    json_array_foreach(jobs, i, j) {
        const char *dev = json_string_value(json_object_get(j, "device"));
        if (dev && !strcmp(dev, id))
            return j;
    }
    return NULL;
}

int
dom_migrate_mirror_ready(struct qmp *q, const struct dom_def *def, uint64_t *done,
                         uint64_t *total, struct lv_err *err)
{
    json_t *jobs = dom_qmp_run(q, "query-block-jobs", NULL, err);
    int ready = 1;

    *done = *total = 0;
    if (!jobs)
        return -1;
    for (size_t i = 0; i < def->n_disks && ready >= 0; i++) {
        const struct dom_disk *k = &def->disks[i];
        char *id;
        json_t *j;
        const char *st, *e;

        if (!dom_migrate_disk_moves(k))
            continue;
        id = job_id(k);
        j = find_job(jobs, id);
        free(id);
        st = json_string_value(json_object_get(j, "status"));
        e = json_string_value(json_object_get(j, "error"));
        if (!j || e || (st && !strcmp(st, "concluded"))) {
            lv_err_set(err, LV_E_QEMU, "domain '%s': the copy of disk '%s' stopped%s%s",
                       def->name, k->target_dev, e ? ": " : "", e ? e : "");
            ready = -1;
            break;
        }
        *done += (uint64_t)json_integer_value(json_object_get(j, "offset"));
        *total += (uint64_t)json_integer_value(json_object_get(j, "len"));
        if (!json_is_true(json_object_get(j, "ready")))
            ready = 0;
    }
    json_decref(jobs);
    return ready;
}

/* Wait for job id to conclude; its error (malloc'd) into *why, if any.
 * 0, or -1 when it did not conclude in time. */
static int
wait_concluded(struct qmp *q, const char *id, long long deadline, char **why)
{
    *why = NULL;
    for (;;) {
        struct lv_err e2 = LV_ERR_INIT;
        json_t *jobs = dom_qmp_run(q, "query-block-jobs", NULL, &e2);
        json_t *j = find_job(jobs, id);
        const char *st = json_string_value(json_object_get(j, "status"));

        if (!jobs || !j || (st && !strcmp(st, "concluded"))) {
            const char *e = json_string_value(json_object_get(j, "error"));
            *why = e ? lv_strdup(e) : !jobs ? lv_strdup(e2.msg) : NULL;
            json_decref(jobs);
            return 0;
        }
        json_decref(jobs);
        if (lv_deadline_left(deadline) == 0)
            return -1;
        json_decref(qmp_next_event(q, 50, &e2));
    }
}

int
dom_migrate_mirror_end(struct qmp *q, const struct dom_def *def, int complete,
                       struct lv_err *err)
{
    long long deadline = lv_deadline(MIRROR_END_MS);
    int ret = 0;

    for (size_t i = 0; i < def->n_disks; i++) {
        const struct dom_disk *k = &def->disks[i];
        struct lv_err e2 = LV_ERR_INIT;
        char *id, *node, *why = NULL;

        if (!dom_migrate_disk_moves(k))
            continue;
        id = job_id(k);
        node = nbd_node(k);
        /* a mirror in step that is cancelled gently first copies what is
         * left and ends as complete; force abandons it */
        if (dom_qmp_ok(q, "block-job-cancel",
                       json_pack("{s:s, s:b}", "device", id, "force", !complete), &e2) < 0)
            lv_log_debug("dom %s: block-job-cancel %s: %s", def->name, id, e2.msg);
        if (wait_concluded(q, id, deadline, &why) < 0) {
            if (complete && ret == 0)
                lv_err_set(err, LV_E_TIMEOUT, "domain '%s': the copy of disk '%s' did not "
                           "end in time", def->name, k->target_dev);
            ret = -1;
        } else if (why && complete && ret == 0) {
            lv_err_set(err, LV_E_QEMU, "domain '%s': the copy of disk '%s' failed: %s",
                       def->name, k->target_dev, why);
            ret = -1;
        }
        free(why);
        e2 = (struct lv_err)LV_ERR_INIT;
        if (dom_qmp_ok(q, "job-dismiss", json_pack("{s:s}", "id", id), &e2) < 0)
            lv_log_debug("dom %s: job-dismiss %s: %s", def->name, id, e2.msg);
        e2 = (struct lv_err)LV_ERR_INIT;
        if (dom_qmp_ok(q, "blockdev-del", json_pack("{s:s}", "node-name", node), &e2) < 0)
            lv_log_debug("dom %s: blockdev-del %s: %s", def->name, node, e2.msg);
        free(id);
        free(node);
    }
    return complete ? ret : 0;
}
