/* dom_xml_tpm.c - the <tpm> device of libvirt domain XML, parsed and
 * formatted. luavirt emulates a TPM with swtpm, so only the emulator
 * backend is accepted; a passthrough of the host's TPM (or libvirt's
 * external backend) is refused here, at define time, with the element's
 * line. One TPM per guest, as on x86 under libvirt. */
#include "dom_xml_priv.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The PCR banks swtpm_setup can activate (libvirt's <active_pcr_banks>). */
static const char *const pcr_bank_names[] = {
    "sha1", "sha256", "sha384", "sha512", NULL
};

static int
known_bank(const char *name)
{
    for (size_t i = 0; pcr_bank_names[i]; i++)
        if (!strcmp(pcr_bank_names[i], name))
            return 1;
    return 0;
}

static int
parse_pcr_banks(struct xk_ctx *c, xmlNode *n, struct dom_tpm *x)
{
    struct strbuf b = STRBUF_INIT;
    xmlNode *ch, *next;

    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        if (!known_bank(XK_NAME(ch))) {
            if (xk_fail(c, ch, "unsupported PCR bank <%s> in <active_pcr_banks>: "
                        "expected sha1, sha256, sha384 or sha512",
                        XK_NAME(ch)) < 0) {
                strbuf_free(&b);
                return -1;
            }
        } else {
            strbuf_addf(&b, "%s%s", b.len ? "," : "", XK_NAME(ch));
            if (xk_finish(c, ch, NULL, NULL) < 0) {
                strbuf_free(&b);
                return -1;
            }
        }
        xk_consumed(ch);
    }
    free(x->pcr_banks);
    x->pcr_banks = b.len ? strbuf_steal(&b) : NULL;
    strbuf_free(&b);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_backend_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    if (!XK_IS(ch, "active_pcr_banks"))
        return 1;   /* <encryption>, <source>, <profile>: refused by xk_finish */
    return parse_pcr_banks(c, ch, obj);
}

static int
parse_backend(struct xk_ctx *c, xmlNode *n, struct dom_tpm *x)
{
    xk_str(n, "type", &x->backend_type);
    xk_str(n, "version", &x->backend_version);
    if (xk_tri(c, n, "persistent_state", &x->persistent_state) < 0)
        return -1;
    if (!x->backend_type)
        return xk_fail(c, n, "<tpm><backend> needs type='emulator'");
    if (strcmp(x->backend_type, "emulator") != 0 &&
        xk_fail(c, n, "unsupported TPM backend type '%s': luavirt emulates "
                "the TPM with swtpm (type='emulator'); passing the host's "
                "TPM through is not supported", x->backend_type) < 0)
        return -1;
    if (x->backend_version && strcmp(x->backend_version, "1.2") != 0 &&
        strcmp(x->backend_version, "2.0") != 0 &&
        xk_fail(c, n, "unsupported TPM version '%s': expected 1.2 or 2.0",
                x->backend_version) < 0)
        return -1;
    if (xk_children(c, n, parse_backend_child, x) < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_tpm_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_tpm *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (XK_IS(ch, "backend"))
        return parse_backend(c, ch, x);
    return 1;
}

int
dx_parse_tpm(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_tpm *x;

    if (def->n_tpms > 0 &&
        xk_fail(c, n, "more than one <tpm>: a guest has one TPM") < 0)
        return -1;
    x = xk_push(&def->tpms, &def->n_tpms, sizeof(*x));
    xk_str(n, "model", &x->model);
    if (x->model && strcmp(x->model, "tpm-tis") != 0 &&
        strcmp(x->model, "tpm-crb") != 0 &&
        xk_fail(c, n, "unsupported TPM model '%s': expected tpm-tis or "
                "tpm-crb", x->model) < 0)
        return -1;
    if (xk_children(c, n, parse_tpm_child, x) < 0)
        return -1;
    if (!x->backend_type &&
        xk_fail(c, n, "<tpm> needs <backend type='emulator'/>") < 0)
        return -1;
    if (x->model && x->backend_version && !strcmp(x->model, "tpm-crb") &&
        !strcmp(x->backend_version, "1.2") &&
        xk_fail(c, n, "TPM model 'tpm-crb' needs version='2.0'") < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static void
format_pcr_banks(xmlNode *backend, const char *banks)
{
    xmlNode *n = fx_elem(backend, "active_pcr_banks");
    const char *p = banks;

    while (*p) {
        size_t len = strcspn(p, ",");
        char name[16];
        if (len > 0 && len < sizeof(name)) {
            memcpy(name, p, len);
            name[len] = '\0';
            fx_elem(n, name);
        }
        p += len;
        if (*p == ',')
            p++;
    }
}

void
fx_tpm(xmlNode *parent, const struct dom_tpm *x)
{
    xmlNode *n = fx_elem(parent, "tpm"), *b;

    fx_attr(n, "model", x->model);
    b = fx_elem(n, "backend");
    fx_attr(b, "type", x->backend_type);
    fx_attr(b, "version", x->backend_version);
    fx_tri(b, "persistent_state", x->persistent_state, 1);
    if (x->pcr_banks)
        format_pcr_banks(b, x->pcr_banks);
    fx_alias(n, x->alias);
    fx_address(n, &x->address);
}
