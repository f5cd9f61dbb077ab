/* dom_xml_parse.c - libvirt domain XML -> struct dom_def: reading the
 * document with libxml2, the shared parse helpers, <domain> and its
 * top-level children; <os>/<cpu>/<clock>/... are in dom_xml_parse_platform.c,
 * devices in dom_xml_parse_devices.c. Parsing is
 * destructive (see dom_xml_priv.h): what is left over is unsupported. */
#include "dom_xml.h"
#include "dom_xml_priv.h"
#include "units.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <uuid/uuid.h>

_Static_assert(DOM_PARSE_KEEP_UNKNOWN == XK_KEEP_UNKNOWN,
               "the kit reads the parser's keep flag");

/* ---- helpers (dom_xml_priv.h) ---- */

int
dx_common_child(struct xk_ctx *c, xmlNode *ch, struct dom_address *addr,
                char **alias, int *rc)
{
    *rc = 0;
    if (addr && XK_IS(ch, "address")) {
        xk_str(ch, "type", &addr->type);
        xk_attrs_rest(ch, &addr->attrs);
        *rc = xk_finish(c, ch, NULL, NULL);
        return 1;
    }
    if (alias && XK_IS(ch, "alias")) {
        xk_str(ch, "name", alias);
        *rc = xk_finish(c, ch, NULL, NULL);
        return 1;
    }
    return 0;
}

/* ---- <domain> and its non-device children ---- */

/* Top-level elements kept verbatim by design: host-side tuning and
 * labels that luavirt passes through in the definition but does not apply
 * itself (memtune, blkiotune, resource, sysinfo, seclabel, iothreads,
 * perf). Every other unknown top-level element
 * (bootloader, idmap, launchSecurity, vcpus, genid, qemu:commandline, ...)
 * is an error unless DOM_PARSE_KEEP_UNKNOWN, because its meaning would
 * silently not be honoured. */
static const char *const domain_keep[] = {
    "memtune", "blkiotune", "resource", "sysinfo", "seclabel", "iothreads",
    "perf", NULL
};

/* libvirt's units, case-insensitive ("kib" works); none means KiB. */
static int
unit_bytes(const char *u, uint64_t *out)
{
    *out = lv_units_scale(u ? u : "", u ? strlen(u) : 0, 1024);
    return *out ? 0 : -1;
}

/* <memory unit='GiB'>4</memory> -> KiB, rounded up like libvirt. */
static int
parse_memory(struct xk_ctx *c, xmlNode *n, uint64_t *kib)
{
    char *unit = NULL, *text = NULL, *end;
    uint64_t mult, v;
    int rc = 0;

    xk_str(n, "unit", &unit);
    xk_text(n, &text);
    if (unit_bytes(unit, &mult) < 0) {
        rc = xk_fail(c, n, "invalid unit '%s' in <%s>", unit, XK_NAME(n));
        goto out;
    }
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' ||
        v > (UINT64_MAX - 1023) / mult) {
        rc = xk_fail(c, n, "invalid size '%s' in <%s>", text, XK_NAME(n));
        goto out;
    }
    *kib = (v * mult + 1023) / 1024;
    rc = xk_finish(c, n, NULL, NULL);
out:
    free(unit);
    free(text);
    return rc;
}

static int
parse_max_memory(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    if (xk_uint(c, n, "slots", &def->max_memory_slots) < 0)
        return -1;
    return parse_memory(c, n, &def->max_memory_kib);
}

static int
parse_uuid(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    char *text = NULL, compact[40];
    size_t j = 0;
    int rc = 0;

    xk_text(n, &text);
    /* libvirt also accepts the 32 hex digits without dashes */
    for (const char *p = text; *p && j < 32; p++)
        if (*p != '-' && *p != ' ')
            compact[j++] = *p;
    compact[j] = 0;
    if (j == 32) {
        char dashed[37];
        snprintf(dashed, sizeof(dashed), "%.8s-%.4s-%.4s-%.4s-%.12s",
                 compact, compact + 8, compact + 12, compact + 16,
                 compact + 20);
        if (uuid_parse(dashed, def->uuid) == 0 &&
            strlen(text) <= 36 + 4)
            goto done;
    }
    rc = xk_fail(c, n, "invalid uuid '%s'", text);
    goto out;
done:
    rc = xk_finish(c, n, NULL, NULL);
out:
    free(text);
    return rc;
}

static int
parse_vcpu(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    char *text = NULL;
    long long v;
    int rc;

    xk_str(n, "placement", &def->vcpu_placement);
    xk_str(n, "cpuset", &def->vcpu_cpuset);
    if (xk_uint(c, n, "current", &def->vcpus_current) < 0)
        return -1;
    xk_text(n, &text);
    if (xk_parse_long(text, 1, 65535, &v) < 0)
        rc = xk_fail(c, n, "invalid vcpu count '%s'", text);
    else {
        def->vcpus = (unsigned)v;
        rc = xk_finish(c, n, NULL, NULL);
    }
    free(text);
    return rc;
}

static int
parse_cputune(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;
    int rc;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (XK_IS(ch, "vcpupin")) {
            struct dom_vcpupin *p = xk_push(&def->vcpupins, &def->n_vcpupins,
                                            sizeof(*p));
            if (xk_uint(c, ch, "vcpu", &p->vcpu) < 0)
                return -1;
            xk_str(ch, "cpuset", &p->cpuset);
        } else if (XK_IS(ch, "emulatorpin")) {
            xk_str(ch, "cpuset", &def->emulatorpin_cpuset);
        } else {
            continue;
        }
        rc = xk_finish(c, ch, NULL, NULL);
        xk_consumed(ch);
        if (rc < 0)
            return -1;
    }
    /* shares, period, quota, iothreadpin, *sched, cachetune: host-side
     * scheduling passed through verbatim */
    static const char *const all[] = { "*", NULL };
    return xk_finish(c, n, &def->cputune_keep, all);
}

static int
parse_lifecycle(struct xk_ctx *c, xmlNode *n,
                enum dom_lifecycle_action *dst)
{
    char *text = NULL;
    int v, rc;

    xk_text(n, &text);
    v = dom_lifecycle_action_from_str(text);
    if (v < 0)
        rc = xk_fail(c, n, "invalid action '%s' in <%s>", text, XK_NAME(n));
    else {
        *dst = (enum dom_lifecycle_action)v;
        rc = xk_finish(c, n, NULL, NULL);
    }
    free(text);
    return rc;
}

static int
parse_text_elem(struct xk_ctx *c, xmlNode *n, char **dst)
{
    xk_text(n, dst);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_metadata(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    xmlNode *ch, *next;

    free(def->metadata_xml);
    def->metadata_xml = NULL;
    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        char *s = xk_dump(ch);
        char *joined = lv_asprintf("%s%s", def->metadata_xml ?
                                   def->metadata_xml : "", s);
        free(s);
        free(def->metadata_xml);
        def->metadata_xml = joined;
        xk_consumed(ch);
    }
    if (!def->metadata_xml)
        def->metadata_xml = lv_strdup("");
    return xk_finish(c, n, NULL, NULL);
}

/* One child of <domain>: 0 consumed, 1 not ours, -1 error. */
static int
parse_domain_child(struct xk_ctx *c, xmlNode *ch, struct dom_def *def)
{
    const char *n = XK_NAME(ch);

    if (!strcmp(n, "name"))
        return parse_text_elem(c, ch, &def->name);
    if (!strcmp(n, "uuid"))
        return parse_uuid(c, ch, def);
    if (!strcmp(n, "title"))
        return parse_text_elem(c, ch, &def->title);
    if (!strcmp(n, "description"))
        return parse_text_elem(c, ch, &def->description);
    if (!strcmp(n, "metadata"))
        return parse_metadata(c, ch, def);
    if (!strcmp(n, "memory"))
        return parse_memory(c, ch, &def->memory_kib);
    if (!strcmp(n, "currentMemory"))
        return parse_memory(c, ch, &def->current_memory_kib);
    if (!strcmp(n, "maxMemory"))
        return parse_max_memory(c, ch, def);
    if (!strcmp(n, "vcpu"))
        return parse_vcpu(c, ch, def);
    if (!strcmp(n, "cputune"))
        return parse_cputune(c, ch, def);
    if (!strcmp(n, "memoryBacking"))
        return dx_parse_memory_backing(c, ch, def);
    if (!strcmp(n, "numatune"))
        return dx_parse_numatune(c, ch, def);
    if (!strcmp(n, "os"))
        return dx_parse_os(c, ch, def);
    if (!strcmp(n, "features"))
        return dx_parse_features(c, ch, def);
    if (!strcmp(n, "cpu"))
        return dx_parse_cpu(c, ch, def);
    if (!strcmp(n, "clock"))
        return dx_parse_clock(c, ch, def);
    if (!strcmp(n, "pm"))
        return dx_parse_pm(c, ch, def);
    if (!strcmp(n, "on_poweroff"))
        return parse_lifecycle(c, ch, &def->on_poweroff);
    if (!strcmp(n, "on_reboot"))
        return parse_lifecycle(c, ch, &def->on_reboot);
    if (!strcmp(n, "on_crash"))
        return parse_lifecycle(c, ch, &def->on_crash);
    if (!strcmp(n, "devices"))
        return dx_parse_devices(c, ch, def);
    return 1;
}

static int
parse_domain(struct xk_ctx *c, xmlNode *root, struct dom_def *def)
{
    char *type = NULL;
    xmlNode *ch, *next;
    int v, rc = -1;

    if (!XK_IS(root, "domain")) {
        rc = xk_fail(c, root, "expected <domain>, got <%s>", XK_NAME(root));
        goto out;
    }
    xk_str(root, "type", &type);
    v = dom_virt_type_from_str(type);
    if (v < 0) {
        if (xk_fail(c, root, "domain type '%s' is not supported: use "
                    "type='kvm' or type='qemu'", type ? type : "") < 0)
            goto out;
    } else {
        def->virt_type = (enum dom_virt_type)v;
    }
    if (xk_int(c, root, "id", &def->id) < 0)
        goto out;
    for (ch = root->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        v = parse_domain_child(c, ch, def);
        /* report unknown elements in document order */
        if (v == 1)
            v = xk_leftover(c, root, ch, &def->keep, domain_keep);
        if (v < 0)
            goto out;
        xk_consumed(ch);
    }
    rc = xk_finish(c, root, &def->keep, domain_keep);
out:
    free(type);
    return rc;
}

/* ---- entry points ---- */

/* libxml2 reports problems through the context; turn the last one into
 * "<src> line N: <libxml2's message>". */
/* What libvirt checks after parsing: a valid name, a memory size; a uuid
 * is made up when none was given. */
static int
post_parse(struct xk_ctx *c, xmlNode *root, struct dom_def *def)
{
    struct lv_err nerr = LV_ERR_INIT;

    if (!def->name) {
        if (xk_fail(c, root, "missing <name> in <domain>") < 0)
            return -1;
    } else if (dom_def_check_name(def->name, &nerr) < 0) {
        if (xk_fail(c, root, "%s", nerr.msg) < 0)
            return -1;
    }
    if (!def->memory_kib && !def->max_memory_kib &&
        xk_fail(c, root, "missing <memory> in <domain>") < 0)
        return -1;
    dom_def_post_parse(def);
    return 0;
}

static struct dom_def *
parse_common(struct xk_ctx *c, const char *xml, size_t len)
{
    struct dom_def *def = NULL;
    xmlDoc *doc = xk_read_doc(c, xml, len, "domain");
    xmlNode *root;

    if (!doc)
        goto out;
    root = xmlDocGetRootElement(doc);
    def = dom_def_new();
    if (parse_domain(c, root, def) < 0 || post_parse(c, root, def) < 0) {
        dom_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(doc);
    return def;
}

struct dom_def *
dom_def_parse_xml(const char *xml, size_t len, const char *srcname,
                  unsigned flags, struct lv_err *err)
{
    struct xk_ctx c = {
        .src = srcname ? srcname : "domain XML",
        .flags = flags,
        .err = err,
    };

    if (!xml) {
        lv_err_set(err, LV_E_INVALID, "%s: no XML given", c.src);
        return NULL;
    }
    return parse_common(&c, xml, len);
}

struct dom_def *
dom_def_parse_device_xml(const char *xml, size_t len, const char *want,
                         struct lv_err *err)
{
    struct xk_ctx c = { .src = "device XML", .err = err };
    xmlDoc *doc = xk_read_doc(&c, xml, len, "device");
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    struct dom_def *def = NULL;

    if (!root)
        goto out;
    if (want && strcmp(XK_NAME(root), want) != 0) {
        xk_fail(&c, root, "expected a <%s> element, got <%s>", want, XK_NAME(root));
        goto out;
    }
    def = dom_def_new();
    if (dx_parse_one_device(&c, root, def) < 0) {
        dom_def_free(def);
        def = NULL;
    }
out:
    xmlFreeDoc(doc);
    return def;
}

int
dom_def_validate_xml(const char *xml, size_t len, const char *srcname,
                     struct strbuf *problems, struct lv_err *err)
{
    struct xk_ctx c = {
        .src = srcname ? srcname : "domain XML",
        .err = err,
        .problems = problems,
    };

    if (!xml || !problems) {
        lv_err_set(err, LV_E_INVALID, "%s: no XML given", c.src);
        return -1;
    }
    dom_def_free(parse_common(&c, xml, len));
    return c.n_problems;
}
