/* dom_xml_format.c - struct dom_def -> libvirt domain XML: a libxml2
 * tree is built in libvirt's element order, then written with
 * xmlTextWriter (2-space indent, single quotes like libvirt). Devices are
 * in dom_xml_format_devices.c. */
#include "dom_xml.h"
#include "dom_xml_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <uuid/uuid.h>

/* ---- formatting ---- */

xmlNode *
fx_elem(xmlNode *parent, const char *name)
{
    xmlNode *n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    if (!n)
        abort();
    return n;
}

xmlNode *
fx_text(xmlNode *parent, const char *name, const char *text)
{
    xmlNode *n = xmlNewTextChild(parent, NULL, (const xmlChar *)name,
                                 (const xmlChar *)(text ? text : ""));
    if (!n)
        abort();
    return n;
}

void
fx_attr(xmlNode *node, const char *name, const char *val)
{
    if (val && !xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)val))
        abort();
}

void
fx_attrf(xmlNode *node, const char *name, const char *fmt, ...)
{
    char buf[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fx_attr(node, name, buf);
}

void
fx_attrs(xmlNode *node, const struct lv_attrs *a)
{
    for (size_t i = 0; i < a->n; i++)
        fx_attr(node, a->keys[i], a->vals[i]);
}

void
fx_attrs_sel(xmlNode *node, const struct lv_attrs *a,
             const char *const *names, int in)
{
    for (size_t i = 0; i < a->n; i++) {
        int listed = 0;
        for (size_t j = 0; names[j]; j++)
            listed |= !strcmp(names[j], a->keys[i]);
        if (listed == in)
            fx_attr(node, a->keys[i], a->vals[i]);
    }
}

void
fx_tri(xmlNode *node, const char *name, enum lv_tristate t, int yesno)
{
    if (t == LV_TRI_ON)
        fx_attr(node, name, yesno ? "yes" : "on");
    else if (t == LV_TRI_OFF)
        fx_attr(node, name, yesno ? "no" : "off");
}

/* Parse "<w>" inner "</w>" and move the children under parent. */
int
fx_inner(xmlNode *parent, const char *inner, struct lv_err *err)
{
    char *wrapped = lv_asprintf("<w>%s</w>", inner);
    xmlDoc *doc = xmlReadMemory(wrapped, (int)strlen(wrapped), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int rc = -1;

    if (!doc || !xmlDocGetRootElement(doc)) {
        lv_err_set(err, LV_E_XML, "kept XML in <%s>: not well-formed: %.60s",
                   (const char *)parent->name, inner);
        goto out;
    }
    for (xmlNode *ch = xmlDocGetRootElement(doc)->children; ch;
         ch = ch->next) {
        xmlNode *copy = xmlDocCopyNode(ch, parent->doc, 1);
        if (!copy || !xmlAddChild(parent, copy))
            abort();
    }
    rc = 0;
out:
    xmlFreeDoc(doc);
    free(wrapped);
    return rc;
}

int
fx_keep(xmlNode *parent, const struct lv_xml_keep *k, struct lv_err *err)
{
    for (size_t i = 0; i < k->n; i++)
        if (fx_inner(parent, k->items[i], err) < 0)
            return -1;
    return 0;
}

static size_t
order_rank(const char *const *order, const xmlChar *name)
{
    size_t i;
    for (i = 0; order[i]; i++)
        if (!strcmp(order[i], (const char *)name))
            return i;
    return i;
}

void
fx_order(xmlNode *node, const char *const *order)
{
    size_t n = 0, i = 0;
    xmlNode **v, *ch;

    for (ch = node->children; ch; ch = ch->next)
        n++;
    if (n < 2)
        return;
    v = lv_calloc(n, sizeof(*v));
    for (ch = node->children; ch; ch = ch->next)
        v[i++] = ch;
    /* insertion sort: stable, and n is small */
    for (i = 1; i < n; i++) {
        xmlNode *x = v[i];
        size_t r = order_rank(order, x->name), j = i;
        while (j > 0 && order_rank(order, v[j - 1]->name) > r) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    for (i = 0; i < n; i++)
        xmlUnlinkNode(v[i]);
    for (i = 0; i < n; i++)
        xmlAddChild(node, v[i]);
    free(v);
}

void
fx_address(xmlNode *parent, const struct dom_address *a)
{
    xmlNode *n;
    if (!a->type && !a->attrs.n)
        return;
    n = fx_elem(parent, "address");
    fx_attr(n, "type", a->type);
    fx_attrs(n, &a->attrs);
}

void
fx_alias(xmlNode *parent, const char *alias)
{
    if (alias)
        fx_attr(fx_elem(parent, "alias"), "name", alias);
}

/* ---- libvirt's element order ---- */

static const char *const domain_order[] = {
    "name", "uuid", "genid", "title", "description", "metadata",
    "maxMemory", "memory", "currentMemory", "blkiotune", "memtune",
    "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids",
    "defaultiothread", "cputune", "numatune", "resource", "sysinfo",
    "bootloader", "bootloader_args", "os", "idmap", "features", "cpu",
    "clock", "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm",
    "perf", "devices", "seclabel", "keywrap", "launchSecurity", NULL
};
static const char *const os_order[] = {
    "type", "firmware", "loader", "nvram", "kernel", "initrd", "cmdline",
    "dtb", "acpi", "boot", "bootmenu", "smbios", "bios", NULL
};
static const char *const cpu_order[] = {
    "model", "vendor", "topology", "cache", "maxphysaddr", "feature",
    "numa", NULL
};
static const char *const cputune_order[] = {
    "shares", "global_period", "global_quota", "period", "quota",
    "emulator_period", "emulator_quota", "iothread_period",
    "iothread_quota", "vcpupin", "emulatorpin", "iothreadpin", "vcpusched",
    "iothreadsched", "emulatorsched", "cachetune", "memorytune", NULL
};

/* ---- <domain> children ---- */

static void
format_memory(xmlNode *parent, const char *name, uint64_t kib)
{
    char v[32];
    snprintf(v, sizeof(v), "%llu", (unsigned long long)kib);
    fx_attr(fx_text(parent, name, v), "unit", "KiB");
}

static void
format_vcpu(xmlNode *root, const struct dom_def *def)
{
    char v[16];
    xmlNode *n;

    snprintf(v, sizeof(v), "%u", def->vcpus);
    n = fx_text(root, "vcpu", v);
    fx_attr(n, "placement", def->vcpu_placement);
    fx_attr(n, "cpuset", def->vcpu_cpuset);
    if (def->vcpus_current)
        fx_attrf(n, "current", "%u", def->vcpus_current);
}

static int
format_cputune(xmlNode *root, const struct dom_def *def, struct lv_err *err)
{
    xmlNode *n;

    if (!def->n_vcpupins && !def->emulatorpin_cpuset &&
        !def->cputune_keep.n)
        return 0;
    n = fx_elem(root, "cputune");
    for (size_t i = 0; i < def->n_vcpupins; i++) {
        xmlNode *p = fx_elem(n, "vcpupin");
        fx_attrf(p, "vcpu", "%u", def->vcpupins[i].vcpu);
        fx_attr(p, "cpuset", def->vcpupins[i].cpuset);
    }
    if (def->emulatorpin_cpuset)
        fx_attr(fx_elem(n, "emulatorpin"), "cpuset", def->emulatorpin_cpuset);
    if (fx_keep(n, &def->cputune_keep, err) < 0)
        return -1;
    fx_order(n, cputune_order);
    return 0;
}

static void
format_os_firmware(xmlNode *os_node, const struct dom_os *os)
{
    xmlNode *fw;

    if (!os->firmware_features.n)
        return;
    fw = fx_elem(os_node, "firmware");
    for (size_t i = 0; i < os->firmware_features.n; i++) {
        xmlNode *f = fx_elem(fw, "feature");
        fx_attr(f, "enabled", os->firmware_features.vals[i]);
        fx_attr(f, "name", os->firmware_features.keys[i]);
    }
}

static void
format_os_loader(xmlNode *os_node, const struct dom_os *os)
{
    xmlNode *n;

    if (os->loader || os->loader_type || os->loader_readonly ||
        os->loader_secure || os->loader_format || os->loader_stateless) {
        n = os->loader ? fx_text(os_node, "loader", os->loader)
                       : fx_elem(os_node, "loader");
        fx_tri(n, "readonly", os->loader_readonly, 1);
        fx_tri(n, "secure", os->loader_secure, 1);
        fx_attr(n, "type", os->loader_type);
        fx_tri(n, "stateless", os->loader_stateless, 1);
        fx_attr(n, "format", os->loader_format);
    }
    if (!os->nvram && !os->nvram_template && !os->nvram_format &&
        !os->nvram_type)
        return;
    if (os->nvram_type) {
        n = fx_elem(os_node, "nvram");
        if (os->nvram)
            fx_attr(fx_elem(n, "source"), "file", os->nvram);
    } else {
        n = os->nvram ? fx_text(os_node, "nvram", os->nvram)
                      : fx_elem(os_node, "nvram");
    }
    fx_attr(n, "template", os->nvram_template);
    fx_attr(n, "templateFormat", os->nvram_template_format);
    fx_attr(n, "type", os->nvram_type);
    fx_attr(n, "format", os->nvram_format);
}

static int
format_os(xmlNode *root, const struct dom_os *os, struct lv_err *err)
{
    xmlNode *n = fx_elem(root, "os"), *t;

    fx_attr(n, "firmware", os->firmware);
    t = fx_text(n, "type", os->type ? os->type : "hvm");
    fx_attr(t, "arch", os->arch);
    fx_attr(t, "machine", os->machine);
    format_os_firmware(n, os);
    format_os_loader(n, os);
    if (os->kernel)
        fx_text(n, "kernel", os->kernel);
    if (os->initrd)
        fx_text(n, "initrd", os->initrd);
    if (os->cmdline)
        fx_text(n, "cmdline", os->cmdline);
    if (os->dtb)
        fx_text(n, "dtb", os->dtb);
    for (size_t i = 0; i < os->n_boot_devs; i++)
        fx_attr(fx_elem(n, "boot"), "dev", os->boot_devs[i]);
    if (os->bootmenu || os->bootmenu_timeout >= 0) {
        t = fx_elem(n, "bootmenu");
        fx_tri(t, "enable", os->bootmenu, 1);
        if (os->bootmenu_timeout >= 0)
            fx_attrf(t, "timeout", "%d", os->bootmenu_timeout);
    }
    if (os->smbios_mode)
        fx_attr(fx_elem(n, "smbios"), "mode", os->smbios_mode);
    if (os->bios_useserial || os->bios_reboot_timeout >= 0) {
        t = fx_elem(n, "bios");
        fx_tri(t, "useserial", os->bios_useserial, 1);
        if (os->bios_reboot_timeout >= 0)
            fx_attrf(t, "rebootTimeout", "%d", os->bios_reboot_timeout);
    }
    if (fx_keep(n, &os->keep, err) < 0)
        return -1;
    fx_order(n, os_order);
    return 0;
}

static int
format_features(xmlNode *root, const struct dom_def *def,
                struct lv_err *err)
{
    xmlNode *n;

    if (!def->n_features)
        return 0;
    n = fx_elem(root, "features");
    for (size_t i = 0; i < def->n_features; i++) {
        const struct dom_feature *f = &def->features[i];
        xmlNode *e = fx_elem(n, f->name);
        fx_attrs(e, &f->attrs);
        if (f->inner_xml && fx_inner(e, f->inner_xml, err) < 0)
            return -1;
    }
    return 0;
}

static int
format_cpu(xmlNode *root, const struct dom_cpu *cpu, struct lv_err *err)
{
    xmlNode *n, *m;

    if (!cpu->present)
        return 0;
    n = fx_elem(root, "cpu");
    fx_attr(n, "mode", cpu->mode);
    fx_attr(n, "match", cpu->match);
    fx_attr(n, "check", cpu->check);
    fx_attr(n, "migratable", cpu->migratable);
    if (cpu->model || cpu->model_fallback) {
        m = cpu->model ? fx_text(n, "model", cpu->model)
                       : fx_elem(n, "model");
        fx_attr(m, "fallback", cpu->model_fallback);
    }
    if (cpu->vendor)
        fx_text(n, "vendor", cpu->vendor);
    if (cpu->sockets || cpu->dies || cpu->clusters || cpu->cores ||
        cpu->threads) {
        m = fx_elem(n, "topology");
        if (cpu->sockets) fx_attrf(m, "sockets", "%u", cpu->sockets);
        if (cpu->dies) fx_attrf(m, "dies", "%u", cpu->dies);
        if (cpu->clusters) fx_attrf(m, "clusters", "%u", cpu->clusters);
        if (cpu->cores) fx_attrf(m, "cores", "%u", cpu->cores);
        if (cpu->threads) fx_attrf(m, "threads", "%u", cpu->threads);
    }
    for (size_t i = 0; i < cpu->n_features; i++) {
        m = fx_elem(n, "feature");
        fx_attr(m, "policy", cpu->features[i].policy);
        fx_attr(m, "name", cpu->features[i].name);
    }
    fx_numa(n, cpu);
    if (fx_keep(n, &cpu->keep, err) < 0)
        return -1;
    fx_order(n, cpu_order);
    return 0;
}

static int
format_clock(xmlNode *root, const struct dom_clock *clk, struct lv_err *err)
{
    xmlNode *n;

    if (!clk->offset && !clk->n_timers && !clk->timezone &&
        !clk->adjustment && !clk->basis)
        return 0;
    n = fx_elem(root, "clock");
    fx_attr(n, "offset", clk->offset);
    fx_attr(n, "timezone", clk->timezone);
    fx_attr(n, "adjustment", clk->adjustment);
    fx_attr(n, "basis", clk->basis);
    for (size_t i = 0; i < clk->n_timers; i++) {
        xmlNode *t = fx_elem(n, "timer");
        fx_attrs(t, &clk->timers[i].attrs);
        if (fx_keep(t, &clk->timers[i].keep, err) < 0)
            return -1;
    }
    return 0;
}

static void
format_lifecycle(xmlNode *root, const struct dom_def *def)
{
    const char *s;

    if ((s = dom_lifecycle_action_to_str(def->on_poweroff)))
        fx_text(root, "on_poweroff", s);
    if ((s = dom_lifecycle_action_to_str(def->on_reboot)))
        fx_text(root, "on_reboot", s);
    if ((s = dom_lifecycle_action_to_str(def->on_crash)))
        fx_text(root, "on_crash", s);
    if (def->pm_suspend_to_mem || def->pm_suspend_to_disk) {
        xmlNode *n = fx_elem(root, "pm");
        if (def->pm_suspend_to_mem)
            fx_tri(fx_elem(n, "suspend-to-mem"), "enabled",
                   def->pm_suspend_to_mem, 1);
        if (def->pm_suspend_to_disk)
            fx_tri(fx_elem(n, "suspend-to-disk"), "enabled",
                   def->pm_suspend_to_disk, 1);
    }
}

static int
format_head(xmlNode *root, const struct dom_def *def, struct lv_err *err)
{
    char uuid[37];

    fx_text(root, "name", def->name);
    uuid_unparse_lower(def->uuid, uuid);
    fx_text(root, "uuid", uuid);
    if (def->title)
        fx_text(root, "title", def->title);
    if (def->description)
        fx_text(root, "description", def->description);
    if (def->metadata_xml &&
        fx_inner(fx_elem(root, "metadata"), def->metadata_xml, err) < 0)
        return -1;
    if (def->max_memory_kib) {
        format_memory(root, "maxMemory", def->max_memory_kib);
        if (def->max_memory_slots)
            fx_attrf(root->last, "slots", "%u", def->max_memory_slots);
    }
    if (def->memory_kib)
        format_memory(root, "memory", def->memory_kib);
    if (def->memory_kib || def->current_memory_kib)
        format_memory(root, "currentMemory", def->current_memory_kib
                      ? def->current_memory_kib : def->memory_kib);
    fx_memory_backing(root, &def->mem_backing);
    format_vcpu(root, def);
    fx_numatune(root, &def->numatune);
    return format_cputune(root, def, err);
}

static int
format_domain(xmlNode *root, const struct dom_def *def, unsigned flags,
              struct lv_err *err)
{
    fx_attr(root, "type", dom_virt_type_to_str(def->virt_type));
    if (def->id >= 0 && !(flags & DOM_FORMAT_INACTIVE))
        fx_attrf(root, "id", "%d", def->id);
    if (format_head(root, def, err) < 0 ||
        format_os(root, &def->os, err) < 0 ||
        format_features(root, def, err) < 0 ||
        format_cpu(root, &def->cpu, err) < 0 ||
        format_clock(root, &def->clock, err) < 0)
        return -1;
    format_lifecycle(root, def);
    if (fx_devices(root, def, flags, err) < 0 ||
        fx_keep(root, &def->keep, err) < 0)
        return -1;
    fx_order(root, domain_order);
    return 0;
}

/* ---- writing the tree: xmlTextWriter, for libvirt's single quotes ---- */

static char *
qname(const xmlNode *n)
{
    if (n->ns && n->ns->prefix)
        return lv_asprintf("%s:%s", n->ns->prefix, n->name);
    return lv_strdup((const char *)n->name);
}

/* dq: inside <metadata>, which libvirt dumps with libxml2's own double
 * quotes. */
static void
write_attrs(xmlTextWriter *w, const xmlNode *n, int dq)
{
    for (const xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        char *k = ns->prefix ? lv_asprintf("xmlns:%s", ns->prefix)
                             : lv_strdup("xmlns");
        xmlTextWriterSetQuoteChar(w, dq || strchr((const char *)ns->href,
                                                  '\'') ? '"' : '\'');
        xmlTextWriterWriteAttribute(w, (const xmlChar *)k, ns->href);
        free(k);
    }
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
        char *k = qname((const xmlNode *)a);
        /* the writer does not escape the quote character itself */
        xmlTextWriterSetQuoteChar(w, dq || (v && strchr((const char *)v,
                                                        '\'')) ? '"' : '\'');
        xmlTextWriterWriteAttribute(w, (const xmlChar *)k,
                                    v ? v : (const xmlChar *)"");
        free(k);
        xmlFree(v);
    }
    xmlTextWriterSetQuoteChar(w, '\'');
}

static void
write_node(xmlTextWriter *w, const xmlNode *n, int dq)
{
    char *name = qname(n);
    int top = n->parent && n->parent->parent &&
              n->parent->parent->type == XML_DOCUMENT_NODE;
    int child_dq = dq || (top && !strcmp((const char *)n->name, "metadata"));

    xmlTextWriterStartElement(w, (const xmlChar *)name);
    write_attrs(w, n, dq);
    for (const xmlNode *ch = n->children; ch; ch = ch->next) {
        if (ch->type == XML_ELEMENT_NODE)
            write_node(w, ch, child_dq);
        else if (ch->type == XML_TEXT_NODE ||
                 ch->type == XML_CDATA_SECTION_NODE)
            xmlTextWriterWriteString(w, ch->content);
    }
    xmlTextWriterEndElement(w);
    free(name);
}

static char *
write_doc(const xmlNode *root)
{
    xmlBuffer *buf = xmlBufferCreate();
    xmlTextWriter *w;
    char *out;

    if (!buf || !(w = xmlNewTextWriterMemory(buf, 0)))
        abort();
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
    xmlTextWriterSetQuoteChar(w, '\'');
    write_node(w, root, 0);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    out = lv_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

char *
dom_def_format_xml(const struct dom_def *def, unsigned flags,
                   struct lv_err *err)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"domain");
    char *out = NULL;

    if (!doc || !root)
        abort();
    xmlDocSetRootElement(doc, root);
    if (!def->name) {
        lv_err_set(err, LV_E_INVALID, "domain: cannot format: no name");
        goto out;
    }
    if (format_domain(root, def, flags, err) < 0) {
        lv_err_prefix(err, "domain '%s': cannot format: ", def->name);
        goto out;
    }
    out = write_doc(root);
out:
    xmlFreeDoc(doc);
    return out;
}
