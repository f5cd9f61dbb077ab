/* host_lua.c - virt.capabilities(), virt.nodeinfo(), virt.version(): what
 * the host offers (QEMU, machine types, KVM and why not) and its size. */
#include "host_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "caps.h"
#include "procstat.h"
#include "lua_fields.h"
#include "runtime.h"
#include "store.h"
#include "strbuf.h"

/* virt.proc_sample(pid) -> {cpu_ns=, rss_kib=, read_bytes=, write_bytes=}
 * of a process (QEMU), or nil when it is gone: what top samples. */
static int
l_proc_sample(lua_State *L)
{
    pid_t pid = (pid_t)luaL_checkinteger(L, 1);
    struct lv_procstat ps;
    long long rss;
    char path[64], buf[1024];
    FILE *f;

    if (pid <= 0 || lv_procstat_read(pid, 0, &ps, NULL) < 0 ||
        (rss = lv_procstat_rss_kib(pid, NULL)) < 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)(ps.user_ns + ps.system_ns));
    lua_setfield(L, -2, "cpu_ns");
    lua_pushinteger(L, rss);
    lua_setfield(L, -2, "rss_kib");
    snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
    if ((f = fopen(path, "re"))) {
        while (fgets(buf, sizeof(buf), f)) {
            long long v;
            if (sscanf(buf, "read_bytes: %lld", &v) == 1) {
                lua_pushinteger(L, v);
                lua_setfield(L, -2, "read_bytes");
            } else if (sscanf(buf, "write_bytes: %lld", &v) == 1) {
                lua_pushinteger(L, v);
                lua_setfield(L, -2, "write_bytes");
            }
        }
        fclose(f);
    }
    return 1;
}

static struct caps *
probe(lua_State *L)
{
    struct lv_conn *c = lv_lua_conn(L);
    struct lv_err err = LV_ERR_INIT;
    char *cache = lv_asprintf("%s/cache", c->lib_dir);
    struct caps *caps = NULL;
    int r = lv_store_mkdirs(cache, 0755, &err);

    if (r == 0)
        r = caps_probe(&caps, cache, &err);
    free(cache);
    if (r < 0)
        lv_lua_raise(L, &err);
    return caps;
}

/* Host CPU model name, sockets/cores/threads and MHz from /proc/cpuinfo. */
struct cpuinfo {
    char model[128];
    double mhz;
    int sockets, cores_per_socket, threads_per_core;
};

static void
read_cpuinfo(struct cpuinfo *ci)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[512];
    int siblings = 1, cores = 1, max_phys = 0;

    memset(ci, 0, sizeof(*ci));
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        if (!ci->model[0] && strncmp(line, "model name", 10) == 0)
            snprintf(ci->model, sizeof(ci->model), "%s", colon + 2);
        else if (ci->mhz == 0 && strncmp(line, "cpu MHz", 7) == 0)
            ci->mhz = atof(colon + 1);
        else if (strncmp(line, "siblings", 8) == 0)
            siblings = atoi(colon + 1);
        else if (strncmp(line, "cpu cores", 9) == 0)
            cores = atoi(colon + 1);
        else if (strncmp(line, "physical id", 11) == 0 && atoi(colon + 1) + 1 > max_phys)
            max_phys = atoi(colon + 1) + 1;
    }
    fclose(f);
    ci->model[strcspn(ci->model, "\n")] = '\0';
    ci->sockets = max_phys > 0 ? max_phys : 1;
    ci->cores_per_socket = cores > 0 ? cores : 1;
    ci->threads_per_core = cores > 0 && siblings >= cores ? siblings / cores : 1;
}

static int
l_nodeinfo(lua_State *L)
{
    struct cpuinfo ci;
    struct utsname u;
    struct sysinfo si;

    read_cpuinfo(&ci);
    uname(&u);
    sysinfo(&si);
    lua_createtable(L, 0, 8);
    lv_lua_set_str(L, "model", u.machine);
    lv_lua_set_str(L, "cpu_model", ci.model);
    lv_lua_set_int(L, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
    lv_lua_set_int(L, "mhz", (lua_Integer)ci.mhz);
    lv_lua_set_int(L, "nodes", 1);
    lv_lua_set_int(L, "sockets", ci.sockets);
    lv_lua_set_int(L, "cores", ci.cores_per_socket);
    lv_lua_set_int(L, "threads", ci.threads_per_core);
    lv_lua_set_int(L, "memory_kib", (lua_Integer)((unsigned long long)si.totalram * si.mem_unit / 1024));
    return 1;
}

static int
l_capabilities(lua_State *L)
{
    struct caps *c = probe(L);
    struct utsname u;
    int k = 0;

    uname(&u);
    lua_createtable(L, 0, 4);
    lua_createtable(L, 0, 5);                         /* qemu */
    lv_lua_set_str(L, "path", c->qemu_path);
    lv_lua_set_str(L, "version", c->qemu_version_str);
    lv_lua_set_str(L, "package", c->qemu_package);
    lv_lua_set_str(L, "default_machine", c->default_machine);
    lua_createtable(L, (int)c->n_machines, 0);
    for (size_t i = 0; i < c->n_machines; i++) {
        lua_createtable(L, 0, 4);
        lv_lua_set_str(L, "name", c->machines[i].name);
        lv_lua_set_str(L, "alias_of", c->machines[i].alias_of);
        lv_lua_set_bool(L, "default", c->machines[i].is_default);
        lv_lua_set_bool(L, "deprecated", c->machines[i].deprecated);
        lua_rawseti(L, -2, ++k);
    }
    lua_setfield(L, -2, "machines");
    lua_setfield(L, -2, "qemu");
    lua_createtable(L, 0, 6);                         /* kvm */
    lv_lua_set_bool(L, "present", c->kvm_present);
    lv_lua_set_bool(L, "openable", c->kvm_openable);
    lv_lua_set_bool(L, "hardware", c->kvm_hw);
    lv_lua_set_str(L, "module", c->kvm_module);
    lv_lua_set_bool(L, "usable", c->kvm_usable);
    if (c->kvm_reason[0])
        lv_lua_set_str(L, "reason", c->kvm_reason);
    lua_setfield(L, -2, "kvm");
    l_nodeinfo(L);
    lv_lua_set_str(L, "arch", u.machine);
    lua_setfield(L, -2, "host");
    lv_lua_set_str(L, "default_type", c->kvm_usable ? "kvm" : "qemu");
    caps_free(c);
    return 1;
}

static int
l_version(lua_State *L)
{
    struct caps *c = probe(L);

    lua_createtable(L, 0, 3);
    lua_getglobal(L, "virt");
    lua_getfield(L, -1, "VERSION");
    lua_setfield(L, -3, "luavirt");
    lua_pop(L, 1);
    lv_lua_set_str(L, "qemu", c->qemu_version_str);
    lv_lua_set_str(L, "hypervisor", "QEMU");
    caps_free(c);
    return 1;
}

void
host_lua_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "capabilities", l_capabilities },
        { "proc_sample", l_proc_sample },
        { "nodeinfo", l_nodeinfo },
        { "version", l_version },
        { NULL, NULL },
    };
    lv_lua_setfuncs(L, funcs);
}
