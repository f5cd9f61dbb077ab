/* caps.h - what the host offers for guests: the QEMU binary (path,
 * version, machine types) and whether /dev/kvm gives hardware-assisted
 * acceleration. The QEMU part is cached in a file keyed by the binary's
 * mtime and size; the KVM part is re-checked on every probe (cheap). */
#ifndef LV_CAPS_H
#define LV_CAPS_H

#include <stddef.h>

#include "err.h"

struct caps_machine {
    char *name;            /* "pc-i440fx-7.2", "q35", ... */
    char *alias_of;        /* "pc" is an alias of "pc-i440fx-7.2"; NULL */
    int is_default;        /* QEMU's default machine ("(default)") */
    int deprecated;
};

/* Everything is owned by the struct; caps_free() releases it. Strings
 * are never NULL unless said so; the Lua binding can read every field. */
struct caps {
    char *qemu_path;           /* absolute path of qemu-system-x86_64 */
    unsigned qemu_version;     /* major * 1000000 + minor * 1000 + micro */
    char qemu_version_str[32]; /* "7.2.22" */
    char *qemu_package;        /* "Debian 1:7.2+dfsg-7+deb12u18+b3"; NULL */
    struct caps_machine *machines; /* in `-machine help` order */
    size_t n_machines;
    char *default_machine;     /* the "(default)" name; NULL if none */

    int kvm_present;           /* /dev/kvm exists */
    int kvm_openable;          /* /dev/kvm opens read-write for us */
    int kvm_hw;                /* the CPU has vmx or svm */
    char kvm_module[32];       /* kvm_intel, kvm_amd, kvm_pvm or "" */
    int kvm_usable;            /* type='kvm' guests will run at speed */
    char kvm_reason[256];      /* why not usable, one line; "" if usable */
};

/* Probe the host. cache_dir (may be NULL: no cache) holds the file
 * "qemu-caps.json"; a stale or unreadable cache is redone silently. The
 * binary is $LUAVIRT_QEMU, else /usr/bin/qemu-system-x86_64, else found in
 * PATH. Returns 0 and a new *out (free with caps_free), or -1 with err
 * (no QEMU binary, or it did not answer --version). */
int caps_probe(struct caps **out, const char *cache_dir, struct lv_err *err);
void caps_free(struct caps *c);

/* The find of the machine named name (or an alias of it), borrowed; NULL
 * if QEMU does not know it. */
const struct caps_machine *caps_machine_find(const struct caps *c,
                                             const char *name);

/* The inputs of the KVM decision, so it can be tested without a host. */
struct caps_kvm_input {
    const char *const *modules; /* loaded modules whose name starts "kvm" */
    size_t n_modules;
    const char *cpu_flags;      /* the "flags" line of /proc/cpuinfo */
    int dev_present;            /* /dev/kvm exists */
    int dev_errno;              /* 0: opened read-write, else its errno */
};

/* Decide whether type='kvm' is usable: fills kvm_hw, kvm_module,
 * kvm_usable and kvm_reason of c (which says what to do instead, e.g.
 * "/dev/kvm is provided by kvm_pvm (software-only); guests would run very
 * slowly: use type='qemu'"). Pure: reads nothing but in. */
void caps_kvm_decide(const struct caps_kvm_input *in, struct caps *c);

/* Parse `qemu-system-x86_64 --version` output into c's version fields;
 * -1 with err if it has no version. */
int caps_parse_version(const char *out, struct caps *c, struct lv_err *err);
/* Parse `-machine help` output into c's machine list (replacing it);
 * -1 with err if no machine was found. */
int caps_parse_machines(const char *out, struct caps *c, struct lv_err *err);

#endif
