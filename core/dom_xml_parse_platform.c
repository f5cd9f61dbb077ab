/* dom_xml_parse_platform.c - the platform part of libvirt domain XML:
 * <os> (boot, firmware, direct kernel), <features>, <cpu>, <clock> and
 * <pm>, parsed destructively like the rest (dom_xml_priv.h). */
#include "dom_xml_priv.h"

#include <stdlib.h>
#include <string.h>

static int
parse_os_loader(struct xk_ctx *c, xmlNode *n, struct dom_os *os)
{
    if (xk_tri(c, n, "readonly", &os->loader_readonly) < 0 ||
        xk_tri(c, n, "secure", &os->loader_secure) < 0 ||
        xk_tri(c, n, "stateless", &os->loader_stateless) < 0)
        return -1;
    xk_str(n, "type", &os->loader_type);
    xk_str(n, "format", &os->loader_format);
    xk_text(n, &os->loader);
    if (!*os->loader) {
        free(os->loader);
        os->loader = NULL;
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_os_nvram(struct xk_ctx *c, xmlNode *n, struct dom_os *os)
{
    xmlNode *src = NULL;

    xk_str(n, "template", &os->nvram_template);
    xk_str(n, "templateFormat", &os->nvram_template_format);
    xk_str(n, "format", &os->nvram_format);
    xk_str(n, "type", &os->nvram_type);
    /* libvirt's types are file, block and network; QEMU here is given
     * only a file, so the others are refused now rather than at start */
    if (os->nvram_type && strcmp(os->nvram_type, "file") != 0)
        return xk_fail(c, n, "<nvram type='%s'> is not supported (only 'file')",
                       os->nvram_type);
    for (xmlNode *ch = n->children; ch; ch = ch->next)
        if (XK_IS(ch, "source"))
            src = ch;
    if (os->nvram_type) {
        if (src)
            xk_str(src, "file", &os->nvram);
        if (!os->nvram && xk_fail(c, n, "<nvram type='file'> needs <source file='...'/>") < 0)
            return -1;
        if (src) {
            if (xk_finish(c, src, NULL, NULL) < 0)
                return -1;
            xk_consumed(src);
        }
    } else {
        xk_text(n, &os->nvram);
        if (!*os->nvram) {
            free(os->nvram);
            os->nvram = NULL;
        }
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_os_firmware(struct xk_ctx *c, xmlNode *n, struct dom_os *os)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        char *name = NULL, *enabled = NULL;
        int rc;
        next = ch->next;
        if (!XK_IS(ch, "feature"))
            continue;
        xk_str(ch, "name", &name);
        xk_str(ch, "enabled", &enabled);
        if (name && enabled)
            lv_attrs_set(&os->firmware_features, name, enabled);
        rc = name && enabled ? xk_finish(c, ch, NULL, NULL)
            : xk_fail(c, ch, "<feature> in <firmware> needs name= and "
                      "enabled=");
        free(name);
        free(enabled);
        xk_consumed(ch);
        if (rc < 0)
            return -1;
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_os_child(struct xk_ctx *c, xmlNode *ch, struct dom_os *os)
{
    if (XK_IS(ch, "type")) {
        xk_str(ch, "arch", &os->arch);
        xk_str(ch, "machine", &os->machine);
        xk_text(ch, &os->type);
    } else if (XK_IS(ch, "boot")) {
        char *dev = NULL;
        xk_str(ch, "dev", &dev);
        if (!dev)
            return xk_fail(c, ch, "<boot> needs dev=");
        os->boot_devs = lv_realloc(os->boot_devs,
                                   (os->n_boot_devs + 1) * sizeof(char *));
        os->boot_devs[os->n_boot_devs++] = dev;
    } else if (XK_IS(ch, "bootmenu")) {
        if (xk_tri(c, ch, "enable", &os->bootmenu) < 0 ||
            xk_int(c, ch, "timeout", &os->bootmenu_timeout) < 0)
            return -1;
    } else if (XK_IS(ch, "bios")) {
        if (xk_tri(c, ch, "useserial", &os->bios_useserial) < 0 ||
            xk_int(c, ch, "rebootTimeout", &os->bios_reboot_timeout) < 0)
            return -1;
    } else if (XK_IS(ch, "smbios")) {
        xk_str(ch, "mode", &os->smbios_mode);
        if (os->smbios_mode && !strcmp(os->smbios_mode, "sysinfo"))
            os->smbios_sysinfo = LV_TRI_ON;
    } else if (XK_IS(ch, "loader")) {
        return parse_os_loader(c, ch, os);
    } else if (XK_IS(ch, "nvram")) {
        return parse_os_nvram(c, ch, os);
    } else if (XK_IS(ch, "firmware")) {
        return parse_os_firmware(c, ch, os);
    } else if (XK_IS(ch, "kernel")) {
        xk_text(ch, &os->kernel);
    } else if (XK_IS(ch, "initrd")) {
        xk_text(ch, &os->initrd);
    } else if (XK_IS(ch, "cmdline")) {
        xk_text(ch, &os->cmdline);
    } else if (XK_IS(ch, "dtb")) {
        xk_text(ch, &os->dtb);
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

int
dx_parse_os(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    xk_str(n, "firmware", &def->os.firmware);
    for (ch = n->children; ch; ch = next) {
        int rc;
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        rc = parse_os_child(c, ch, &def->os);
        if (rc < 0)
            return -1;
        if (rc == 0)
            xk_consumed(ch);
    }
    return xk_finish(c, n, &def->os.keep, NULL);
}

/* libvirt's hypervisor features (virDomainFeature); anything else inside
 * <features> is not a feature and is refused like any unknown element. */
static const char *const known_features[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic", "smm", "ioapic",
    "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen",
    "cfpc", "sbbc", "ibs", "tcg", "async-teardown", "ras", "ps2", "aia",
    NULL
};

static int
feature_known(const char *name)
{
    for (int i = 0; known_features[i]; i++)
        if (strcmp(known_features[i], name) == 0)
            return 1;
    return 0;
}

/* Features are modeled generically (name, attributes, inner XML): which
 * of them QEMU gets is the argv builder's decision. */
int
dx_parse_features(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        struct dom_feature *f;
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE || !feature_known(XK_NAME(ch)))
            continue;   /* an unknown one is left for xk_finish to report */
        f = xk_push(&def->features, &def->n_features, sizeof(*f));
        f->name = lv_strdup(XK_NAME(ch));
        xk_attrs_rest(ch, &f->attrs);
        if (ch->children)
            f->inner_xml = xk_dump_children(ch);
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_cpu_child(struct xk_ctx *c, xmlNode *ch, struct dom_def *def)
{
    struct dom_cpu *cpu = &def->cpu;

    if (XK_IS(ch, "model")) {
        xk_str(ch, "fallback", &cpu->model_fallback);
        xk_text(ch, &cpu->model);
    } else if (XK_IS(ch, "vendor")) {
        xk_text(ch, &cpu->vendor);
    } else if (XK_IS(ch, "topology")) {
        if (xk_uint(c, ch, "sockets", &cpu->sockets) < 0 ||
            xk_uint(c, ch, "dies", &cpu->dies) < 0 ||
            xk_uint(c, ch, "clusters", &cpu->clusters) < 0 ||
            xk_uint(c, ch, "cores", &cpu->cores) < 0 ||
            xk_uint(c, ch, "threads", &cpu->threads) < 0)
            return -1;
    } else if (XK_IS(ch, "numa")) {
        return dx_parse_numa(c, ch, def);
    } else if (XK_IS(ch, "feature")) {
        struct dom_cpu_feature *f = xk_push(&cpu->features,
                                            &cpu->n_features, sizeof(*f));
        xk_str(ch, "policy", &f->policy);
        xk_str(ch, "name", &f->name);
        if (!f->name)
            return xk_fail(c, ch, "<feature> in <cpu> needs name=");
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

/* <cache>, <maxphysaddr> are kept verbatim by design. */
static const char *const cpu_keep[] = {
    "cache", "maxphysaddr", NULL
};

int
dx_parse_cpu(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_cpu *cpu = &def->cpu;
    xmlNode *ch, *next;

    cpu->present = 1;
    xk_str(n, "mode", &cpu->mode);
    xk_str(n, "match", &cpu->match);
    xk_str(n, "check", &cpu->check);
    xk_str(n, "migratable", &cpu->migratable);
    for (ch = n->children; ch; ch = next) {
        int rc;
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        rc = parse_cpu_child(c, ch, def);
        if (rc < 0)
            return -1;
        if (rc == 0)
            xk_consumed(ch);
    }
    return xk_finish(c, n, &cpu->keep, cpu_keep);
}

/* <catchup> tunes a timer's tick policy: kept by design */
static const char *const timer_keep[] = { "catchup", NULL };

int
dx_parse_clock(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_clock *clk = &def->clock;
    xmlNode *ch, *next;

    xk_str(n, "offset", &clk->offset);
    xk_str(n, "timezone", &clk->timezone);
    xk_str(n, "adjustment", &clk->adjustment);
    xk_str(n, "basis", &clk->basis);
    for (ch = n->children; ch; ch = next) {
        struct dom_clock_timer *t;
        next = ch->next;
        if (!XK_IS(ch, "timer"))
            continue;
        t = xk_push(&clk->timers, &clk->n_timers, sizeof(*t));
        xk_attrs_rest(ch, &t->attrs);
        if (xk_finish(c, ch, &t->keep, timer_keep) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

int
dx_parse_pm(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        enum lv_tristate *t;
        next = ch->next;
        if (XK_IS(ch, "suspend-to-mem"))
            t = &def->pm_suspend_to_mem;
        else if (XK_IS(ch, "suspend-to-disk"))
            t = &def->pm_suspend_to_disk;
        else
            continue;
        if (xk_tri(c, ch, "enabled", t) < 0 ||
            xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}
