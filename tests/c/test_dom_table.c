/* test_dom_table.c - domain definitions as Lua tables (core/dom_table.c):
 * reading a table into a dom_def, pushing it back, round trips (also from
 * every libvirt conformance XML file), and each error message. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>

#include "dom_def.h"
#include "dom_table.h"
#include "dom_xml.h"
#include "harness.h"
#include "harness_lua.h"
#include "strbuf.h"

static const char web1[] =
    "return { name = 'web1', uuid = 'C7A5FDBD-EDAF-9455-926A-D65C16DB1809',\n"
    "  type = 'qemu', title = 'Web 1', memory = '512 MiB',\n"
    "  current_memory = 262144, max_memory = '4G', max_memory_slots = 4,\n"
    "  vcpus = 2, current_vcpus = 1, vcpu_placement = 'static',\n"
    "  cpuset = '0-3', vcpupin = {{vcpu = 0, cpuset = 1},\n"
    "  {vcpu = 1, cpuset = '2'}}, emulatorpin = '0',\n"
    "  os = { type = 'hvm', arch = 'x86_64', machine = 'q35',\n"
    "    boot = {'hd', 'cdrom'}, bootmenu = true, kernel = '/boot/vmlinuz',\n"
    "    cmdline = 'console=ttyS0', loader_readonly = false },\n"
    "  features = {'acpi', 'apic', {name = 'hyperv', state = 'on'}},\n"
    "  cpu = { mode = 'custom', model = 'qemu64', sockets = 1, cores = 2,\n"
    "    threads = 1, features = {'vmx', {name = 'svm',\n"
    "    policy = 'disable'}} },\n"
    "  clock = { offset = 'utc', timers = {{name = 'rtc',\n"
    "    tickpolicy = 'catchup'}} },\n"
    "  on_poweroff = 'destroy', on_crash = 'coredump-restart',\n"
    "  pm = { suspend_to_disk = false },\n"
    "  emulator = '/usr/bin/qemu-system-x86_64',\n"
    "  disks = {\n"
    "    { source = '/var/lib/img/web1.qcow2', format = 'qcow2',\n"
    "      cache = 'none', io = 'native', target = 'vda', bus = 'virtio',\n"
    "      boot_order = 1, driver_attrs = { discard_no_unref = 'on' },\n"
    "      address = { type = 'pci', domain = '0x0000', bus = '0x04',\n"
    "        slot = 0, ['function'] = '0x0' } },\n"
    "    { type = 'file', device = 'cdrom', target = 'sda', bus = 'sata',\n"
    "      readonly = true, shareable = false } },\n"
    "  controllers = {{ type = 'usb', index = 0, model = 'qemu-xhci' }},\n"
    "  interfaces = {\n"
    "    { type = 'network', source = 'default', model = 'virtio',\n"
    "      mac = '52:54:00:AB:CD:EF', link_state = 'up' },\n"
    "    { type = 'bridge', source = 'br0' } },\n"
    "  serials = {{ type = 'pty', target_port = 0 }},\n"
    "  consoles = {{ type = 'pty', target_type = 'serial' }},\n"
    "  channels = {{ type = 'unix', target_type = 'virtio',\n"
    "    target_name = 'org.qemu.guest_agent.0' }},\n"
    "  inputs = {{ type = 'tablet', bus = 'usb' }},\n"
    "  graphics = {{ type = 'vnc', port = -1, autoport = true,\n"
    "    listen = '127.0.0.1', passwd = 'secret' }},\n"
    "  videos = {{ model = 'virtio', heads = 1, primary = true }},\n"
    "  sounds = {{ model = 'ich9' }},\n"
    "  memballoon = { model = 'virtio', stats_period = 10 },\n"
    "  rngs = {{ model = 'virtio', backend_model = 'random',\n"
    "    backend_path = '/dev/urandom' }},\n"
    "  watchdogs = {{ model = 'i6300esb', action = 'reset' }},\n"
    "  extra_xml = {'<iothreads>2</iothreads>'},\n"
    "}\n";

static struct dom_def *
def_from_chunk(lua_State *L, const char *chunk, struct lv_err *err)
{
    struct dom_def *def;
    int top = lua_gettop(L);

    if (harness_dostring(L, chunk) < 0)
        return NULL;
    def = dom_table_to_def(L, -1, err);
    CHECK(lua_gettop(L) == top + 1, "to_def changed the stack: %d -> %d",
          top + 1, lua_gettop(L));
    lua_settop(L, top);
    return def;
}

/* The table at the top equals the table pushed for def (pops nothing). */
static int
table_equals_def(lua_State *L, const struct dom_def *def, char *where,
                 size_t n)
{
    int eq;

    dom_table_push(L, def);
    eq = harness_deep_eq(L, lua_gettop(L) - 1, lua_gettop(L), where, n);
    lua_pop(L, 1);
    return eq;
}

static void
test_fields(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_chunk(L, web1, &err);
    const struct dom_interface *ifc;

    CHECK(def != NULL, "web1: %s", err.msg);
    if (!def)
        return;
    CHECK(!strcmp(def->name, "web1") && !strcmp(def->title, "Web 1"),
          "name/title");
    CHECK(def->uuid[0] == 0xc7 && def->uuid[15] == 0x09, "uuid");
    CHECK(def->virt_type == DOM_VIRT_QEMU, "type");
    CHECK(def->memory_kib == 524288 && def->current_memory_kib == 262144 &&
          def->max_memory_kib == 4194304 && def->max_memory_slots == 4,
          "memory %llu", (unsigned long long)def->memory_kib);
    CHECK(def->vcpus == 2 && def->vcpus_current == 1, "vcpus");
    CHECK(def->n_vcpupins == 2 && def->vcpupins[0].vcpu == 0 &&
          !strcmp(def->vcpupins[0].cpuset, "1") &&
          def->vcpupins[1].vcpu == 1, "vcpupin");
    CHECK(!strcmp(def->emulatorpin_cpuset, "0"), "emulatorpin");
    CHECK(def->os.n_boot_devs == 2 && !strcmp(def->os.boot_devs[1], "cdrom")
          && def->os.bootmenu == LV_TRI_ON &&
          def->os.loader_readonly == LV_TRI_OFF &&
          def->os.bootmenu_timeout == -1 &&
          !strcmp(def->os.machine, "q35"), "os");
    CHECK(def->n_features == 3 && !strcmp(def->features[2].name, "hyperv") &&
          def->features[2].attrs.n == 1 &&
          !strcmp(lv_attrs_get(&def->features[2].attrs, "state"), "on") &&
          def->features[0].attrs.n == 0, "features");
    CHECK(def->cpu.present && def->cpu.cores == 2 &&
          def->cpu.n_features == 2 && !def->cpu.features[0].policy &&
          !strcmp(def->cpu.features[1].policy, "disable"), "cpu");
    CHECK(def->clock.n_timers == 1 &&
          !strcmp(lv_attrs_get(&def->clock.timers[0].attrs, "tickpolicy"),
                  "catchup"), "clock");
    CHECK(def->on_poweroff == DOM_LIFE_DESTROY &&
          def->on_reboot == DOM_LIFE_RESTART /* libvirt's default */ &&
          def->on_crash == DOM_LIFE_COREDUMP_RESTART, "lifecycle");
    CHECK(def->pm_suspend_to_disk == LV_TRI_OFF &&
          def->pm_suspend_to_mem == LV_TRI_ABSENT, "pm");
    CHECK(def->n_disks == 2 && def->disks[0].type == DOM_DISK_FILE &&
          def->disks[0].device == DOM_DISK_DISK &&
          !strcmp(def->disks[0].driver_type, "qcow2") &&
          !strcmp(def->disks[0].target_dev, "vda") &&
          def->disks[0].boot_order == 1 &&
          !strcmp(def->disks[0].address.type, "pci") &&
          def->disks[0].address.attrs.n == 4 &&
          !strcmp(def->disks[0].address.attrs.keys[0], "bus") &&
          !strcmp(lv_attrs_get(&def->disks[0].address.attrs, "slot"), "0"),
          "disk 1");
    CHECK(def->disks[1].device == DOM_DISK_CDROM && def->disks[1].readonly &&
          !def->disks[1].shareable && !def->disks[1].source, "disk 2");
    CHECK(def->n_controllers == 1 && def->controllers[0].index == 0,
          "controllers");
    ifc = def->interfaces;
    CHECK(def->n_interfaces == 2 && !strcmp(ifc[0].mac, "52:54:00:ab:cd:ef")
          && ifc[1].type == DOM_NET_BRIDGE && ifc[1].mac &&
          !strncmp(ifc[1].mac, "52:54:00:", 9) && strlen(ifc[1].mac) == 17,
          "interfaces");
    CHECK(def->n_chrs == 3 && def->chrs[0].kind == DOM_CHR_SERIAL &&
          def->chrs[0].target_port == 0 &&
          def->chrs[1].kind == DOM_CHR_CONSOLE &&
          def->chrs[1].target_port == -1 &&
          def->chrs[2].kind == DOM_CHR_CHANNEL, "chrs");
    CHECK(def->n_graphics == 1 && def->graphics[0].port == -1 &&
          def->graphics[0].autoport == LV_TRI_ON &&
          def->graphics[0].tls_port == -1 &&
          !strcmp(def->graphics[0].passwd, "secret"), "graphics");
    CHECK(def->memballoon.present && def->memballoon.stats_period == 10,
          "memballoon");
    CHECK(def->n_rngs == 1 && def->n_watchdogs == 1 && def->n_videos == 1 &&
          def->videos[0].primary == LV_TRI_ON && def->n_sounds == 1 &&
          def->n_inputs == 1 && def->keep.n == 1, "other devices");
    dom_def_free(def);
}

/* Checks on the pushed table, in Lua; returns "" or the failures. */
static const char push_checks[] =
    "local t = ...\n"
    "local bad = {}\n"
    "local function want(ok, what)\n"
    "  if not ok then bad[#bad + 1] = what end\n"
    "end\n"
    "want(t.name == 'web1', 'name')\n"
    "want(t.uuid == 'c7a5fdbd-edaf-9455-926a-d65c16db1809', 'uuid')\n"
    "want(math.type(t.memory) == 'integer' and t.memory == 524288, 'memory')\n"
    "want(t.max_memory == 4194304, 'max_memory')\n"
    "want(t.type == 'qemu' and t.id == nil, 'type/id')\n"
    "want(t.on_reboot == 'restart' and t.on_crash == 'coredump-restart', 'life')\n"
    "want(t.features[1] == 'acpi' and t.features[3].name == 'hyperv' and\n"
    "     t.features[3].state == 'on', 'features')\n"
    "want(t.cpu.features[1] == 'vmx' and t.cpu.features[2].policy ==\n"
    "     'disable', 'cpu features')\n"
    "want(t.os.boot[2] == 'cdrom' and t.os.bootmenu == true and\n"
    "     t.os.loader_readonly == false and t.os.bootmenu_timeout == nil,\n"
    "     'os')\n"
    "want(t.pm.suspend_to_disk == false, 'pm')\n"
    "local d = t.disks[1]\n"
    "want(d.type == 'file' and d.device == 'disk' and d.format == 'qcow2'\n"
    "     and d.readonly == nil and d.address.slot == '0' and\n"
    "     d.address['function'] == '0x0', 'disk 1')\n"
    "want(t.disks[2].readonly == true and t.disks[2].shareable == nil,\n"
    "     'disk 2')\n"
    "want(t.interfaces[1].mac == '52:54:00:ab:cd:ef', 'mac')\n"
    "want(#t.serials == 1 and #t.consoles == 1 and #t.channels == 1 and\n"
    "     t.parallels == nil and t.serials[1].target_port == 0 and\n"
    "     t.consoles[1].target_port == nil, 'chrs')\n"
    "want(t.graphics[1].port == nil and t.graphics[1].autoport == true,\n"
    "     'graphics')\n"
    "want(t.memballoon.model == 'virtio', 'memballoon')\n"
    "want(t.audios == nil and t.devices_extra_xml == nil, 'absent lists')\n"
    "want(t.extra_xml[1] == '<iothreads>2</iothreads>', 'extra_xml')\n"
    "return table.concat(bad, ', ')\n";

static void
test_push_and_round_trip(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_chunk(L, web1, &err), *def2 = NULL;
    char where[256];
    int top = lua_gettop(L);

    if (!def)
        return;
    luaL_loadstring(L, push_checks);
    dom_table_push(L, def);
    CHECK(lua_gettop(L) == top + 2, "push must push exactly one value");
    lua_call(L, 1, 1);
    CHECK(!strcmp(lua_tostring(L, -1), ""), "pushed table: wrong %s",
          lua_tostring(L, -1));
    lua_pop(L, 1);

    /* def -> table -> def -> table */
    dom_table_push(L, def);
    def2 = dom_table_to_def(L, -1, &err);
    CHECK(def2 != NULL, "round trip: %s", err.msg);
    if (def2) {
        CHECK(table_equals_def(L, def2, where, sizeof(where)),
              "round trip differs at %s", where);
        CHECK(!memcmp(def->uuid, def2->uuid, 16) &&
              !strcmp(def->interfaces[1].mac, def2->interfaces[1].mac),
              "round trip keeps generated uuid and MAC");
    }
    lua_settop(L, top);
    dom_def_free(def2);
    dom_def_free(def);
}

/* A minimal table: defaults and generated values. */
static void
test_minimal(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_chunk(L, "return { name = 'm', memory = "
                                         "65536, interfaces = {{}} }", &err);
    static const unsigned char zero[16];

    CHECK(def != NULL, "minimal: %s", err.msg);
    if (!def)
        return;
    CHECK(def->vcpus == 1 && memcmp(def->uuid, zero, 16) != 0 &&
          def->n_interfaces == 1 && def->interfaces[0].mac &&
          def->interfaces[0].type == DOM_NET_NETWORK && !def->cpu.present &&
          !def->memballoon.present && def->id == -1, "minimal defaults");
    dom_table_push(L, def);
    lua_getfield(L, -1, "os");
    CHECK(lua_isnil(L, -1), "empty os must be omitted");
    lua_getfield(L, -2, "cpu");
    CHECK(lua_isnil(L, -1), "absent cpu must be omitted");
    lua_getfield(L, -3, "vcpus");
    CHECK(lua_tointeger(L, -1) == 1, "vcpus pushed");
    lua_pop(L, 4);
    dom_def_free(def);
}

static void
test_units_in_table(lua_State *L)
{
    static const struct { const char *mem; unsigned long long kib; } c[] = {
        { "'512 MiB'", 524288 }, { "'2G'", 2097152 }, { "'1GiB'", 1048576 },
        { "'1000 KB'", 977 }, { "'8192'", 8192 }, { "1048576", 1048576 },
        { "2048.0", 2048 },
    };

    for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
        struct lv_err err = LV_ERR_INIT;
        char chunk[128];
        struct dom_def *def;

        snprintf(chunk, sizeof(chunk), "return { name = 'u', memory = %s }",
                 c[i].mem);
        def = def_from_chunk(L, chunk, &err);
        CHECK(def && def->memory_kib == c[i].kib, "memory = %s: %llu (%s)",
              c[i].mem, def ? (unsigned long long)def->memory_kib : 0ULL,
              err.msg);
        dom_def_free(def);
    }
}

static void
check_error(lua_State *L, const char *chunk, const char *want)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_chunk(L, chunk, &err);

    CHECK(def == NULL && err.code == LV_E_INVALID, "should fail: %s", chunk);
    CHECK(!strcmp(err.msg, want), "message\n  got:  %s\n  want: %s", err.msg,
          want);
    dom_def_free(def);
}

#define OK_ "name = 'e', memory = 1024, "

static void
test_errors(lua_State *L)
{
    check_error(L, "return { " OK_ "disks = {{target = 'vda'}, {bsu = 1}} }",
                "domain table: unknown key 'disks[2].bsu'");
    check_error(L, "return { " OK_ "vcpus = '2' }",
                "domain table: 'vcpus' must be a number, got string");
    check_error(L, "return { " OK_ "vcpus = 2.5 }",
                "domain table: 'vcpus' must be an integer, got 2.5");
    check_error(L, "return { " OK_ "vcpus = -1 }",
                "domain table: 'vcpus' must not be negative, got -1");
    check_error(L, "return { memory = 1024 }",
                "domain table: missing required key 'name'");
    check_error(L, "return { name = 'e' }",
                "domain table: missing required key 'memory'");
    check_error(L, "return { name = 'e', memory = 0 }",
                "domain table: 'memory' must not be 0");
    check_error(L, "return { name = 'a/b', memory = 1 }",
                "domain table: domain 'a/b': invalid name: it contains '/'");
    check_error(L, "return { name = 'e', memory = '512 XB' }",
                "domain table: 'memory': invalid size '512 XB': unknown unit "
                "'XB' (use b, KB, KiB, MB, MiB, GB, GiB, TB, TiB)");
    check_error(L, "return { name = 'e', memory = true }",
                "domain table: 'memory' must be a number (KiB) or a string "
                "like '512 MiB', got boolean");
    check_error(L, "return { " OK_ "frobnicate = 1 }",
                "domain table: unknown key 'frobnicate'");
    check_error(L, "return { " OK_ "os = { boot = {'hd', 3, {}} } }",
                "domain table: 'os.boot[3]' must be a string, got table");
    check_error(L, "return { " OK_ "disks = { target = 'vda' } }",
                "domain table: 'disks' must be a list, got key 'target' "
                "(write disks = {{...}})");
    check_error(L, "return { " OK_ "disks = {{ type = 'floppy' }} }",
                "domain table: 'disks[1].type' must be one of file, block, "
                "dir, network, volume; got 'floppy'");
    check_error(L, "return { " OK_ "on_crash = 'explode' }",
                "domain table: 'on_crash' must be one of destroy, restart, "
                "preserve, rename-restart, coredump-destroy, "
                "coredump-restart; got 'explode'");
    check_error(L, "return { " OK_ "disks = {{ readonly = 'yes' }} }",
                "domain table: 'disks[1].readonly' must be a boolean, got "
                "string");
    check_error(L, "return { " OK_ "interfaces = {{ mac = '01:00:5e:00:00:01'"
                " }} }", "domain table: 'interfaces[1].mac': invalid MAC "
                "address '01:00:5e:00:00:01': expected a unicast address "
                "like 52:54:00:12:34:56");
    check_error(L, "return { " OK_ "uuid = 'xyz' }",
                "domain table: 'uuid': invalid uuid 'xyz'");
    check_error(L, "return { " OK_ "vcpupin = {{ cpuset = '1' }} }",
                "domain table: missing required key 'vcpupin[1].vcpu'");
    check_error(L, "return { " OK_ "features = {'acpi', {state = 'on'}} }",
                "domain table: missing required key 'features[2].name'");
    check_error(L, "return { " OK_ "features = {'acpi', true} }",
                "domain table: 'features[2]' must be a string or a table, "
                "got boolean");
    check_error(L, "return { " OK_ "cpu = {'host-model'} }",
                "domain table: 'cpu' must have string keys, got a number key "
                "(a list where a table was expected?)");
    check_error(L, "return { " OK_ "disks = {{ address = { type = 'pci',"
                " slot = {} } }} }", "domain table: 'disks[1].address.slot'"
                " must be a string or a number, got table");
    check_error(L, "return { " OK_ "graphics = {{ port = 1e12 }} }",
                "domain table: 'graphics[1].port' is out of range, got "
                "1000000000000");
    check_error(L, "return 'web1'",
                "domain table: expected a table, got string");
}

/* Metamethods are never called: a hostile metatable cannot raise. */
static void
test_raw_access(lua_State *L)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *def = def_from_chunk(L,
        "local mt = { __index = function() error('index') end,\n"
        "  __pairs = function() error('pairs') end,\n"
        "  __len = function() error('len') end }\n"
        "return setmetatable({ name = 'raw', memory = 1024,\n"
        "  disks = setmetatable({{ target = 'vda' }}, mt) }, mt)", &err);

    CHECK(def && def->n_disks == 1, "raw access: %s", err.msg);
    dom_def_free(def);
}

/* libvirt conformance XML -> def -> table -> def: the same XML again
 * (compared in C14N form, as attribute order within a Lua table is lost). */
static char *
c14n(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlChar *out = NULL;
    char *s;

    if (!doc)
        return NULL;
    xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &out);
    xmlFreeDoc(doc);
    s = lv_strdup((char *)out);
    xmlFree(out);
    return s;
}

static int
conformance_one(lua_State *L, const char *path, int *tried)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_def *d1 = NULL, *d2 = NULL;
    char *xml = NULL, *x1 = NULL, *x2 = NULL, *c1 = NULL, *c2 = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "re");
    int ok = 1;

    if (!f)
        return 1;
    xml = lv_malloc(1 << 20);
    len = fread(xml, 1, (1 << 20) - 1, f);
    xml[len] = 0;
    fclose(f);
    d1 = dom_def_parse_xml(xml, len, path, DOM_PARSE_KEEP_UNKNOWN, &err);
    if (!d1 || !(x1 = dom_def_format_xml(d1, DOM_FORMAT_SECURE, &err)))
        goto out;               /* not ours to judge */
    (*tried)++;
    dom_table_push(L, d1);
    d2 = dom_table_to_def(L, -1, &err);
    lua_pop(L, 1);
    ok = d2 && (x2 = dom_def_format_xml(d2, DOM_FORMAT_SECURE, &err)) &&
         (c1 = c14n(x1)) && (c2 = c14n(x2)) && !strcmp(c1, c2);
    if (!ok)
        fprintf(stderr, "%s: %s\n", path, d2 ? "XML differs" : err.msg);
out:
    free(c1); free(c2); free(x1); free(x2); free(xml);
    dom_def_free(d1);
    dom_def_free(d2);
    return ok;
}

static void
test_conformance(lua_State *L)
{
    const char *dir = harness_conformance_dir("domain table conformance");
    char path[1024];
    struct dirent *e;
    DIR *d;
    int tried = 0, bad = 0;

    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/domain", dir);
    d = opendir(path);
    if (!d) {
        fprintf(stderr, "test_dom_table: no conformance data at %s\n", path);
        return;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char file[1400];
        if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        bad += !conformance_one(L, file, &tried);
    }
    closedir(d);
    CHECK(tried > 100, "conformance: only %d files parsed", tried);
    CHECK(bad == 0, "conformance: %d of %d files differ after a table round "
          "trip", bad, tried);
}

int
main(void)
{
    lua_State *L = harness_lua_new();

    if (!L)
        return 1;
    test_fields(L);
    test_push_and_round_trip(L);
    test_minimal(L);
    test_units_in_table(L);
    test_errors(L);
    test_raw_access(L);
    test_conformance(L);
    CHECK(lua_gettop(L) == 0, "stack not balanced: %d", lua_gettop(L));
    lua_close(L);
    xmlCleanupParser();
    return TEST_DONE();
}
