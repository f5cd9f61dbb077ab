/* dom_tpm.c - a guest's swtpm, on the shell's side (see dom_tpm.h). The
 * command lines follow libvirt's (qemu_tpm.c): swtpm_setup --tpm-state
 * DIR --vmid NAME:UUID --createek --create-ek-cert --create-platform-cert
 * --lock-nvram --not-overwrite, and swtpm socket --ctrl ... --tpmstate
 * dir=DIR,mode=0600 --log file=... --terminate. The control socket is made
 * here and handed to swtpm as a listening fd, so QEMU can connect as soon
 * as it starts, with no wait for swtpm to bind. */
#include "dom_tpm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "log.h"
#include "qemu_argv.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"
#include "unix_sock.h"

#define SETUP_TIMEOUT_MS 60000

const char *
dom_tpm_model(const struct dom_tpm *t)
{
    return t->model ? t->model : "tpm-tis";
}

const char *
dom_tpm_version(const struct dom_tpm *t)
{
    if (t->backend_version)
        return t->backend_version;
    return !strcmp(dom_tpm_model(t), "tpm-crb") ? "2.0" : "1.2";
}

static int
is_tpm2(const struct dom_tpm *t)
{
    return !strcmp(dom_tpm_version(t), "2.0");
}

char *
dom_tpm_state_root(const struct lv_conn *c, const unsigned char uuid[16])
{
    char u[37];

    uuid_unparse_lower(uuid, u);
    return lv_asprintf("%s/swtpm/%s", c->lib_dir, u);
}

static char *
state_dir(const struct lv_conn *c, const struct dom_def *def)
{
    char *root = dom_tpm_state_root(c, def->uuid);
    char *dir = lv_asprintf("%s/%s", root, is_tpm2(&def->tpms[0]) ? "tpm2" : "tpm1.2");

    free(root);
    return dir;
}

static char **
argv_new(size_t cap)
{
    return lv_calloc(cap + 1, sizeof(char *));
}

char **
dom_tpm_setup_argv(const struct dom_def *def, const char *dir, const char *config)
{
    const struct dom_tpm *t = &def->tpms[0];
    char **a = argv_new(18);
    char u[37];
    size_t n = 0;

    uuid_unparse_lower(def->uuid, u);
    a[n++] = lv_strdup("swtpm_setup");
    if (is_tpm2(t))
        a[n++] = lv_strdup("--tpm2");
    a[n++] = lv_strdup("--tpm-state");
    a[n++] = lv_strdup(dir);
    a[n++] = lv_strdup("--vmid");
    a[n++] = lv_asprintf("%s:%s", def->name, u);
    a[n++] = lv_strdup("--createek");
    a[n++] = lv_strdup("--create-ek-cert");
    a[n++] = lv_strdup("--create-platform-cert");
    a[n++] = lv_strdup("--lock-nvram");
    a[n++] = lv_strdup("--not-overwrite");
    if (config) {
        a[n++] = lv_strdup("--config");
        a[n++] = lv_strdup(config);
    }
    if (t->pcr_banks && is_tpm2(t)) {
        a[n++] = lv_strdup("--pcr-banks");
        a[n++] = lv_strdup(t->pcr_banks);
    }
    return a;
}

char **
dom_tpm_swtpm_argv(const struct dom_def *def, const char *dir, int ctrl_fd,
                   const char *log_path)
{
    char **a = argv_new(12);
    size_t n = 0;

    a[n++] = lv_strdup("swtpm");
    a[n++] = lv_strdup("socket");
    a[n++] = lv_strdup("--ctrl");
    a[n++] = lv_asprintf("type=unixio,fd=%d", ctrl_fd);
    a[n++] = lv_strdup("--tpmstate");
    a[n++] = lv_asprintf("dir=%s,mode=0600", dir);
    a[n++] = lv_strdup("--log");
    a[n++] = lv_asprintf("file=%s", log_path);
    a[n++] = lv_strdup("--terminate");
    if (is_tpm2(&def->tpms[0]))
        a[n++] = lv_strdup("--tpm2");
    return a;
}

/* Write path with text unless it exists. */
static int
write_once(const char *path, const char *text, struct lv_err *err)
{
    if (access(path, F_OK) == 0)
        return 0;
    return lv_store_write_atomic(path, text, strlen(text), 0600, err);
}

/* The configuration swtpm_setup runs with: luavirt's own local CA under
 * <lib>/swtpm/localca signs the EK and platform certificates, so nothing
 * is written to the host's /var/lib/swtpm-localca (which libvirt uses as
 * user tss) and a state root (LUAVIRT_ROOT) keeps everything. Returns the
 * swtpm_setup.conf path (malloc'd) or NULL with err. */
static char *
local_ca(struct lv_conn *c, struct lv_err *err)
{
    char *top = lv_asprintf("%s/swtpm", c->lib_dir);
    char *ca = lv_asprintf("%s/localca", top);
    char *conf = lv_asprintf("%s/swtpm_setup.conf", top);
    char *caconf = lv_asprintf("%s/swtpm-localca.conf", top);
    char *opts = lv_asprintf("%s/swtpm-localca.options", top);
    char *t1 = lv_asprintf("# luavirt's: TPM certificates from its own local CA\n"
                           "create_certs_tool = /usr/bin/swtpm_localca\n"
                           "create_certs_tool_config = %s\n"
                           "create_certs_tool_options = %s\n"
                           "active_pcr_banks = sha256\n", caconf, opts);
    char *t2 = lv_asprintf("statedir = %s\nsigningkey = %s/signkey.pem\n"
                           "issuercert = %s/issuercert.pem\n"
                           "certserial = %s/certserial\n", ca, ca, ca, ca);
    const char *t3 = "--platform-manufacturer luavirt\n--platform-version 2.1\n"
                     "--platform-model QEMU\n";

    if (lv_store_mkdirs(ca, 0700, err) < 0 || write_once(conf, t1, err) < 0 ||
        write_once(caconf, t2, err) < 0 || write_once(opts, t3, err) < 0) {
        free(conf);
        conf = NULL;
    }
    free(t1);
    free(t2);
    free(top);
    free(ca);
    free(caconf);
    free(opts);
    return conf;
}

/* swtpm_setup on first start: the state file is tpm2-00.permall (TPM 2)
 * or tpm-00.permall (1.2). */
static int
make_state(struct lv_conn *c, const struct dom_def *def, const char *dir,
           struct lv_err *err)
{
    char *perm = lv_asprintf("%s/%s", dir, is_tpm2(&def->tpms[0])
                             ? "tpm2-00.permall" : "tpm-00.permall");
    char **argv = NULL, *out = NULL, *errout = NULL, *conf = NULL;
    int st, ret = -1;

    if (access(perm, F_OK) == 0) {
        ret = 0;
        goto out;
    }
    if (lv_store_mkdirs(dir, 0700, err) < 0)
        goto out;
    conf = local_ca(c, err);
    if (!conf)
        goto out;
    argv = dom_tpm_setup_argv(def, dir, conf);
    lv_log_debug("dom %s: running swtpm_setup for %s", def->name, dir);
    st = lv_spawn_capture(argv, &out, &errout, SETUP_TIMEOUT_MS, err);
    if (st < 0) {
        lv_err_prefix(err, "swtpm_setup: ");
        goto out;
    }
    lv_log_debug("dom %s: swtpm_setup: %s%s", def->name, out ? out : "",
                 errout ? errout : "");
    if (st != 0 || access(perm, F_OK) < 0) {
        char *last = errout && *errout ? errout : out ? out : NULL, *nl;
        while (last && (nl = strrchr(last, '\n')) && nl[1] == '\0')
            *nl = '\0';
        if (last && (nl = strrchr(last, '\n')))
            last = nl + 1;
        lv_err_set(err, LV_E_SYSTEM, "swtpm_setup failed (status %d): %s",
                   st, last && *last ? last : "no message");
        goto out;
    }
    ret = 0;
out:
    lv_argv_free(argv);
    free(out);
    free(errout);
    free(conf);
    free(perm);
    return ret;
}

void
dom_tpm_fill_live(struct dom_def *def)
{
    struct dom_tpm *t;

    if (def->n_tpms == 0)
        return;
    t = &def->tpms[0];
    if (!t->model)
        t->model = lv_strdup(dom_tpm_model(t));
    if (!t->backend_version)
        t->backend_version = lv_strdup(dom_tpm_version(t));
    if (!t->alias)
        t->alias = lv_strdup("tpm0");
}

int
dom_tpm_prepare(struct lv_conn *c, struct dom_def *def, const char *run_dir,
                struct dom_tpm_run *out, struct lv_err *err)
{
    struct dom_tpm *t;
    char *dir = NULL, *sock = NULL, *log = NULL;
    int ret = -1;

    *out = (struct dom_tpm_run)DOM_TPM_RUN_INIT;
    if (def->n_tpms == 0)
        return 0;
    t = &def->tpms[0];
    dir = state_dir(c, def);
    if (make_state(c, def, dir, err) < 0)
        goto out;
    sock = lv_asprintf("%s/%s", run_dir, QEMU_ARGV_SWTPM_SOCK);
    out->ctrl_fd = lv_unix_listen(sock, 0600, 2, err);
    if (out->ctrl_fd < 0)
        goto out;
    log = lv_asprintf("%s/swtpm.log", run_dir);
    out->argv = dom_tpm_swtpm_argv(def, dir, out->ctrl_fd, log);
    /* removed if the guest ends transient (virsh create, or undefined
     * while running), unless persistent_state='yes' */
    if (t->persistent_state != LV_TRI_ON)
        out->transient_dir = dom_tpm_state_root(c, def->uuid);
    ret = 0;
out:
    if (ret < 0) {
        lv_err_prefix(err, "domain '%s': cannot start: TPM: ", def->name);
        dom_tpm_run_clear(out);
    }
    free(dir);
    free(sock);
    free(log);
    return ret;
}

void
dom_tpm_run_clear(struct dom_tpm_run *r)
{
    if (r->ctrl_fd >= 0)
        close(r->ctrl_fd);
    lv_argv_free(r->argv);
    free(r->transient_dir);
    *r = (struct dom_tpm_run)DOM_TPM_RUN_INIT;
}

/* rm -r of a state tree luavirt made: directories and files, never
 * following a link out of it. */
static int
remove_tree(int at, const char *name, const char *path, struct lv_err *err)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d;
    struct dirent *de;
    int ret = 0;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno == ENOTDIR || errno == ELOOP)
            goto unlink_it;
        lv_err_sys(err, "cannot open '%s'", path);
        return -1;
    }
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        lv_err_sys(err, "cannot list '%s'", path);
        return -1;
    }
    while (ret == 0 && (de = readdir(d))) {
        char *sub;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        sub = lv_asprintf("%s/%s", path, de->d_name);
        ret = remove_tree(dirfd(d), de->d_name, sub, err);
        free(sub);
    }
    closedir(d);
    if (ret == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
        lv_err_sys(err, "cannot remove '%s'", path);
        return -1;
    }
    return ret;
unlink_it:
    if (unlinkat(at, name, 0) < 0 && errno != ENOENT) {
        lv_err_sys(err, "cannot remove '%s'", path);
        return -1;
    }
    return 0;
}

int
dom_tpm_remove_dir(const char *dir, struct lv_err *err)
{
    if (remove_tree(AT_FDCWD, dir, dir, err) < 0) {
        lv_err_prefix(err, "TPM state: ");
        return -1;
    }
    return 0;
}

int
dom_tpm_remove_state(const struct lv_conn *c, const unsigned char uuid[16],
                     struct lv_err *err)
{
    char *root = dom_tpm_state_root(c, uuid);
    int r = dom_tpm_remove_dir(root, err);

    free(root);
    return r;
}
