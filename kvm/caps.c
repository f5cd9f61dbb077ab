/* caps.c - the host capability probe (see caps.h): find QEMU, ask it its
 * version and machine types (cached by the binary's mtime and size as
 * JSON), and decide whether /dev/kvm is worth using. Hosts with a
 * software-only KVM (kvm_pvm) or nested KVM without vmx/svm expose a
 * /dev/kvm on which guests crawl: those get type='qemu'. */
#include "caps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

#define CACHE_FILE "qemu-caps.json"
#define CACHE_FORMAT 1

static void
machines_clear(struct caps *c)
{
    for (size_t i = 0; i < c->n_machines; i++) {
        free(c->machines[i].name);
        free(c->machines[i].alias_of);
    }
    free(c->machines);
    free(c->default_machine);
    c->machines = NULL;
    c->n_machines = 0;
    c->default_machine = NULL;
}

void
caps_free(struct caps *c)
{
    if (!c)
        return;
    machines_clear(c);
    free(c->qemu_path);
    free(c->qemu_package);
    free(c);
}

const struct caps_machine *
caps_machine_find(const struct caps *c, const char *name)
{
    for (size_t i = 0; i < c->n_machines; i++)
        if (!strcmp(c->machines[i].name, name))
            return &c->machines[i];
    return NULL;
}

/* --- parsing QEMU's answers -------------------------------------------- */

int
caps_parse_version(const char *out, struct caps *c, struct lv_err *err)
{
    const char *p = strstr(out, "version ");
    unsigned ma, mi, mc = 0;
    const char *pk;
    int n = 0;

    if (!p || sscanf(p + 8, "%u.%u%n.%u%n", &ma, &mi, &n, &mc, &n) < 2) {
        lv_err_set(err, LV_E_QEMU, "qemu --version: no version in \"%.60s\"", out);
        return -1;
    }
    c->qemu_version = ma * 1000000 + mi * 1000 + mc;
    snprintf(c->qemu_version_str, sizeof(c->qemu_version_str), "%u.%u.%u",
             ma, mi, mc);
    free(c->qemu_package);
    c->qemu_package = NULL;
    pk = p + 8 + n;
    if (pk[0] == ' ' && pk[1] == '(') {
        const char *e = strchr(pk + 2, ')');
        const char *nl = strchr(pk + 2, '\n');
        if (e && (!nl || e < nl) && e > pk + 2)
            c->qemu_package = lv_strndup(pk + 2, (size_t)(e - pk - 2));
    }
    return 0;
}

/* One line "name   description [(alias of X)] [(default)]..." */
static void
parse_machine_line(const char *line, size_t len, struct caps *c)
{
    size_t nl = strcspn(line, " \t\n");
    char *rest = lv_strndup(line, len);
    const char *a;
    struct caps_machine *m;

    if (nl == 0 || nl >= len) {
        free(rest);
        return;
    }
    c->machines = lv_realloc(c->machines, (c->n_machines + 1) * sizeof(*m));
    m = &c->machines[c->n_machines++];
    memset(m, 0, sizeof(*m));
    m->name = lv_strndup(line, nl);
    if ((a = strstr(rest, "(alias of "))) {
        a += strlen("(alias of ");
        m->alias_of = lv_strndup(a, strcspn(a, ")"));
    }
    m->is_default = strstr(rest, "(default)") != NULL;
    m->deprecated = strstr(rest, "(deprecated)") != NULL;
    if (m->is_default && !c->default_machine)
        c->default_machine = lv_strdup(m->name);
    free(rest);
}

int
caps_parse_machines(const char *out, struct caps *c, struct lv_err *err)
{
    const char *p = out;

    machines_clear(c);
    while (*p) {
        size_t len = strcspn(p, "\n");
        if (strncmp(p, "Supported machines", 18) && len > 0 && p[0] != ' ')
            parse_machine_line(p, len, c);
        p += len + (p[len] == '\n');
    }
    if (c->n_machines == 0) {
        lv_err_set(err, LV_E_QEMU, "qemu -machine help: no machine types listed");
        return -1;
    }
    return 0;
}

/* --- the KVM decision ---------------------------------------------------- */

static int
has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);

    for (const char *p = flags; p && (p = strstr(p, flag)); p += n)
        if ((p == flags || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':') &&
            (p[n] == '\0' || p[n] == ' ' || p[n] == '\n' || p[n] == '\t'))
            return 1;
    return 0;
}

void
caps_kvm_decide(const struct caps_kvm_input *in, struct caps *c)
{
    int pvm = 0;

    c->kvm_present = in->dev_present;
    c->kvm_openable = in->dev_present && in->dev_errno == 0;
    c->kvm_hw = has_flag(in->cpu_flags, "vmx") || has_flag(in->cpu_flags, "svm");
    c->kvm_module[0] = '\0';
    for (size_t i = 0; i < in->n_modules; i++) {
        const char *m = in->modules[i];
        if (!strcmp(m, "kvm_pvm"))
            pvm = 1;
        if (!strcmp(m, "kvm_intel") || !strcmp(m, "kvm_amd") || !strcmp(m, "kvm_pvm"))
            snprintf(c->kvm_module, sizeof(c->kvm_module), "%s", m);
    }
    if (pvm)
        snprintf(c->kvm_module, sizeof(c->kvm_module), "kvm_pvm");
    c->kvm_usable = 0;
    if (!in->dev_present)
        snprintf(c->kvm_reason, sizeof(c->kvm_reason), "/dev/kvm does not exist "
                 "(no KVM module loaded); use type='qemu'");
    else if (pvm)
        snprintf(c->kvm_reason, sizeof(c->kvm_reason), "/dev/kvm is provided by "
                 "kvm_pvm (software-only); guests would run very slowly: use "
                 "type='qemu'");
    else if (!c->kvm_hw)
        snprintf(c->kvm_reason, sizeof(c->kvm_reason), "/dev/kvm is present but "
                 "the CPU has no vmx/svm flag (software-only or nested KVM "
                 "without hardware support); guests would run very slowly: use "
                 "type='qemu'");
    else if (in->dev_errno)
        snprintf(c->kvm_reason, sizeof(c->kvm_reason), "/dev/kvm: cannot open: "
                 "%s (is the user in group 'kvm'?); use type='qemu'",
                 strerror(in->dev_errno));
    else {
        c->kvm_usable = 1;
        c->kvm_reason[0] = '\0';
    }
}

/* the host's inputs: /sys/module/kvm*, /proc/cpuinfo flags, /dev/kvm */
static void
kvm_probe(struct caps *c)
{
    const char *mods[16];
    char names[16][64];
    size_t n = 0;
    struct caps_kvm_input in = { .modules = mods };
    DIR *d = opendir("/sys/module");
    struct dirent *e;
    char *cpuinfo = lv_store_read("/proc/cpuinfo", NULL, NULL);
    char *flags = cpuinfo ? strstr(cpuinfo, "\nflags") : NULL;
    int fd;

    while (d && (e = readdir(d)) && n < 16)
        if (!strncmp(e->d_name, "kvm", 3) && strlen(e->d_name) < sizeof(names[0])) {
            memcpy(names[n], e->d_name, strlen(e->d_name) + 1);
            mods[n] = names[n];
            n++;
        }
    if (d)
        closedir(d);
    in.n_modules = n;
    if (flags)
        flags[strcspn(flags + 1, "\n") + 1] = '\0';
    in.cpu_flags = flags ? flags : "";
    in.dev_present = access("/dev/kvm", F_OK) == 0;
    fd = in.dev_present ? open("/dev/kvm", O_RDWR | O_CLOEXEC) : -1;
    in.dev_errno = fd < 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    caps_kvm_decide(&in, c);
    free(cpuinfo);
}

/* --- finding and asking QEMU ---------------------------------------------- */

static char *
find_qemu(struct lv_err *err)
{
    const char *env = getenv("LUAVIRT_QEMU");
    const char *path = getenv("PATH");
    char *cand;

    if (env && *env)
        return lv_strdup(env);
    if (access("/usr/bin/qemu-system-x86_64", X_OK) == 0)
        return lv_strdup("/usr/bin/qemu-system-x86_64");
    for (const char *p = path ? path : ""; *p; ) {
        size_t len = strcspn(p, ":");
        cand = lv_asprintf("%.*s/qemu-system-x86_64", (int)len, p);
        if (len && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        p += len + (p[len] == ':');
    }
    lv_err_set(err, LV_E_UNSUPPORTED, "qemu-system-x86_64: not found in "
               "/usr/bin or PATH (install qemu-system-x86 or set LUAVIRT_QEMU)");
    return NULL;
}

static int
ask_qemu(struct caps *c, struct lv_err *err)
{
    char *argv_v[] = { c->qemu_path, (char *)"--version", NULL };
    char *argv_m[] = { c->qemu_path, (char *)"-machine", (char *)"help", NULL };
    char *out = NULL;
    int rc = -1;

    if (lv_spawn_capture(argv_v, &out, NULL, 10000, err) != 0 ||
        caps_parse_version(out, c, err) < 0)
        goto out;
    free(out);
    out = NULL;
    if (lv_spawn_capture(argv_m, &out, NULL, 10000, err) != 0 ||
        caps_parse_machines(out, c, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && err && err->code == LV_E_OK)
        lv_err_set(err, LV_E_QEMU, "%s: did not answer --version/-machine help",
                   c->qemu_path);
    free(out);
    return rc;
}

/* --- the cache ---------------------------------------------------------- */

static int
cache_load(struct caps *c, const char *file, const struct stat *st)
{
    json_t *j = json_load_file(file, 0, NULL), *ms, *m;
    const char *path = NULL, *ver = NULL, *pkg = NULL;
    json_int_t mtime = 0, size = 0, fmt = 0, vnum = 0;
    size_t i;
    int rc = -1;

    if (!j || json_unpack(j, "{s:I, s:s, s:I, s:I, s:I, s:s, s?s, s:o}",
                          "format", &fmt, "path", &path, "mtime", &mtime,
                          "size", &size, "version", &vnum, "version_str", &ver,
                          "package", &pkg, "machines", &ms) < 0)
        goto out;
    if (fmt != CACHE_FORMAT || strcmp(path, c->qemu_path) ||
        mtime != (json_int_t)st->st_mtime || size != (json_int_t)st->st_size)
        goto out;
    c->qemu_version = (unsigned)vnum;
    snprintf(c->qemu_version_str, sizeof(c->qemu_version_str), "%s", ver);
    c->qemu_package = lv_strdup(pkg);
    json_array_foreach(ms, i, m) {
        const char *name = NULL, *alias = NULL;
        int def = 0, dep = 0;
        struct caps_machine *cm;
        if (json_unpack(m, "{s:s, s?s, s:b, s:b}", "name", &name, "alias_of",
                        &alias, "default", &def, "deprecated", &dep) < 0)
            goto out;
        c->machines = lv_realloc(c->machines, (c->n_machines + 1) * sizeof(*cm));
        cm = &c->machines[c->n_machines++];
        cm->name = lv_strdup(name);
        cm->alias_of = lv_strdup(alias);
        cm->is_default = def;
        cm->deprecated = dep;
        if (def && !c->default_machine)
            c->default_machine = lv_strdup(name);
    }
    rc = c->n_machines ? 0 : -1;
out:
    if (rc < 0) {
        machines_clear(c);
        free(c->qemu_package);
        c->qemu_package = NULL;
    }
    json_decref(j);
    return rc;
}

static void
cache_save(const struct caps *c, const char *dir, const char *file,
           const struct stat *st)
{
    json_t *ms = json_array(), *j;
    struct lv_err err = LV_ERR_INIT;
    char *s;

    for (size_t i = 0; i < c->n_machines; i++) {
        const struct caps_machine *m = &c->machines[i];
        json_array_append_new(ms, json_pack("{s:s, s:s?, s:b, s:b}", "name",
                              m->name, "alias_of", m->alias_of, "default",
                              m->is_default, "deprecated", m->deprecated));
    }
    j = json_pack("{s:i, s:s, s:I, s:I, s:I, s:s, s:s?, s:o}", "format",
                  CACHE_FORMAT, "path", c->qemu_path, "mtime",
                  (json_int_t)st->st_mtime, "size", (json_int_t)st->st_size,
                  "version", (json_int_t)c->qemu_version, "version_str",
                  c->qemu_version_str, "package", c->qemu_package, "machines", ms);
    s = j ? json_dumps(j, JSON_INDENT(1)) : NULL;
    if (!s || lv_store_mkdirs(dir, 0755, &err) < 0 ||
        lv_store_write_atomic(file, s, strlen(s), 0644, &err) < 0)
        lv_log_debug("caps: cannot write cache %s: %s", file, err.msg);
    free(s);
    json_decref(j);
}

int
caps_probe(struct caps **out, const char *cache_dir, struct lv_err *err)
{
    struct caps *c = lv_calloc(1, sizeof(*c));
    char *file = NULL;
    struct stat st;
    int rc = -1;

    *out = NULL;
    if (!(c->qemu_path = find_qemu(err)))
        goto out;
    if (stat(c->qemu_path, &st) < 0) {
        lv_err_sys(err, "qemu binary '%s': cannot stat", c->qemu_path);
        goto out;
    }
    if (cache_dir)
        file = lv_asprintf("%s/%s", cache_dir, CACHE_FILE);
    if (!file || cache_load(c, file, &st) < 0) {
        if (ask_qemu(c, err) < 0)
            goto out;
        if (file)
            cache_save(c, cache_dir, file, &st);
    }
    kvm_probe(c);
    *out = c;
    c = NULL;
    rc = 0;
out:
    free(file);
    caps_free(c);
    return rc;
}
