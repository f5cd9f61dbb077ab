/* test_caps.c - the capability probe's pure parts: the KVM decision on
 * fake hosts, and parsing QEMU's --version and -machine help output. */
#include <string.h>

#include "harness.h"
#include "kvm/caps.h"
#include "strbuf.h"

static const char machine_help[] =
    "Supported machines are:\n"
    "microvm              microvm (i386)\n"
    "pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n"
    "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n"
    "pc-i440fx-1.4        Standard PC (i440FX + PIIX, 1996) (deprecated)\n"
    "q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)\n"
    "pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)\n"
    "none                 empty machine\n";

static void
test_kvm_decide(void)
{
    const char *pvm[] = { "kvm", "kvm_pvm" };
    const char *intel[] = { "kvm", "kvm_intel" };
    struct caps c;
    struct caps_kvm_input in = { .modules = intel, .n_modules = 2,
                                 .cpu_flags = "flags\t\t: fpu vme de vmx sse2",
                                 .dev_present = 1, .dev_errno = 0 };

    memset(&c, 0, sizeof(c));
    caps_kvm_decide(&in, &c);
    CHECK(c.kvm_usable && c.kvm_hw && !c.kvm_reason[0], "hw kvm usable");
    CHECK(!strcmp(c.kvm_module, "kvm_intel"), "module %s", c.kvm_module);

    in.modules = pvm;
    in.cpu_flags = "flags : fpu sse2 hypervisor";
    caps_kvm_decide(&in, &c);
    CHECK(!c.kvm_usable && !strcmp(c.kvm_reason, "/dev/kvm is provided by kvm_pvm "
          "(software-only); guests would run very slowly: use type='qemu'"),
          "kvm_pvm: %s", c.kvm_reason);
    CHECK(!strcmp(c.kvm_module, "kvm_pvm") && c.kvm_openable, "kvm_pvm fields");

    in.modules = intel;
    caps_kvm_decide(&in, &c);
    CHECK(!c.kvm_usable && strstr(c.kvm_reason, "no vmx/svm") &&
          strstr(c.kvm_reason, "use type='qemu'"), "no vmx: %s", c.kvm_reason);

    in.cpu_flags = "flags : fpu svm";
    in.dev_errno = 13;
    caps_kvm_decide(&in, &c);
    CHECK(!c.kvm_usable && c.kvm_hw && strstr(c.kvm_reason, "cannot open") &&
          !c.kvm_openable, "eacces: %s", c.kvm_reason);

    in.cpu_flags = "flags : fpu vmxnet";       /* a flag that merely starts "vmx" */
    in.dev_errno = 0;
    caps_kvm_decide(&in, &c);
    CHECK(!c.kvm_hw, "vmxnet is not vmx");

    in.dev_present = 0;
    caps_kvm_decide(&in, &c);
    CHECK(!c.kvm_usable && !c.kvm_present && strstr(c.kvm_reason, "does not exist"),
          "no /dev/kvm: %s", c.kvm_reason);
}

static void
test_parse(void)
{
    struct caps *c = lv_calloc(1, sizeof(*c));
    struct lv_err err = LV_ERR_INIT;
    const struct caps_machine *m;

    CHECK(caps_parse_version("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"
                             "Copyright (c) 2003-2022 Fabrice Bellard\n", c, &err) == 0,
          "version: %s", err.msg);
    CHECK(c->qemu_version == 7002022 && !strcmp(c->qemu_version_str, "7.2.22"),
          "version %u %s", c->qemu_version, c->qemu_version_str);
    CHECK(c->qemu_package && !strcmp(c->qemu_package, "Debian 1:7.2+dfsg-7+deb12u18+b3"),
          "package %s", c->qemu_package ? c->qemu_package : "(null)");
    CHECK(caps_parse_version("QEMU emulator version 8.0\n", c, &err) == 0 &&
          c->qemu_version == 8000000 && !c->qemu_package, "short version");
    CHECK(caps_parse_version("garbage", c, &err) < 0 && err.code == LV_E_QEMU,
          "no version rejected");

    CHECK(caps_parse_machines(machine_help, c, &err) == 0, "machines: %s", err.msg);
    CHECK(c->n_machines == 7, "%zu machines", c->n_machines);
    CHECK(c->default_machine && !strcmp(c->default_machine, "pc-i440fx-7.2"), "default");
    m = caps_machine_find(c, "q35");
    CHECK(m && m->alias_of && !strcmp(m->alias_of, "pc-q35-7.2"), "q35 alias");
    m = caps_machine_find(c, "pc-i440fx-1.4");
    CHECK(m && m->deprecated && !m->is_default, "deprecated");
    CHECK(!caps_machine_find(c, "virt"), "unknown machine");
    CHECK(caps_parse_machines("Supported machines are:\n", c, &err) < 0, "empty list");
    caps_free(c);
}

int
main(void)
{
    test_kvm_decide();
    test_parse();
    return TEST_DONE();
}
