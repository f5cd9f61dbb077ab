/* dom_xml_parse_chr.c - the character devices of libvirt domain XML:
 * <serial>, <console>, <channel>, <parallel> (a backend <source>, maybe a
 * second one for udp, <protocol>, <log>, <target>) and <redirdev>, whose
 * backend is a character device too. */
#include "dom_xml_priv.h"

#include <stdlib.h>
#include <string.h>

static const char *const all[] = { "*", NULL };

/* ---- serial, console, channel, parallel ---- */

/* <reconnect>, qemu-vdagent's <clipboard> and <mouse> inside <source> */
static int
parse_chr_source_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_chr *x = obj;

    if (XK_IS(ch, "reconnect")) {
        if (xk_tri(c, ch, "enabled", &x->reconnect) < 0 ||
            xk_int(c, ch, "timeout", &x->reconnect_timeout) < 0)
            return -1;
    } else if (XK_IS(ch, "clipboard")) {
        if (xk_tri(c, ch, "copypaste", &x->clipboard) < 0)
            return -1;
    } else if (XK_IS(ch, "mouse")) {
        xk_str(ch, "mode", &x->mouse_mode);
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

static int
parse_chr_source(struct xk_ctx *c, xmlNode *n, struct dom_chr *x)
{
    xk_str(n, "path", &x->source_path);
    xk_str(n, "mode", &x->source_mode);
    xk_str(n, "host", &x->source_host);
    xk_str(n, "service", &x->source_service);
    xk_attrs_rest(n, &x->source_attrs);
    if (xk_children(c, n, parse_chr_source_child, x) < 0)
        return -1;
    return xk_finish(c, n, &x->source_keep, all);
}

/* udp's second <source>: the other end (bind or connect) */
static int
parse_chr_source2(struct xk_ctx *c, xmlNode *n, struct dom_chr *x)
{
    if (x->source2_mode || x->source2_host || x->source2_service)
        return xk_fail(c, n, "more than two <source> elements in <%s>",
                       dom_chr_kind_to_str(x->kind));
    xk_str(n, "mode", &x->source2_mode);
    xk_str(n, "host", &x->source2_host);
    xk_str(n, "service", &x->source2_service);
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_chr_target(struct xk_ctx *c, xmlNode *n, struct dom_chr *x)
{
    xmlNode *ch, *next;

    xk_str(n, "type", &x->target_type);
    xk_str(n, "name", &x->target_name);
    if (xk_int(c, n, "port", &x->target_port) < 0)
        return -1;
    xk_attrs_rest(n, &x->target_attrs);
    for (ch = n->children; ch; ch = next) {
        next = ch->next;
        if (!XK_IS(ch, "model"))
            continue;
        xk_str(ch, "name", &x->target_model);
        if (xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}

static int
parse_chr_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_chr *x = obj;
    int rc;

    if (dx_common_child(c, ch, &x->address, &x->alias, &rc))
        return rc;
    if (XK_IS(ch, "source")) {
        if (x->source_path || x->source_mode || x->source_host ||
            x->source_service || x->source_attrs.n)
            return parse_chr_source2(c, ch, x);
        return parse_chr_source(c, ch, x);
    }
    if (XK_IS(ch, "target"))
        return parse_chr_target(c, ch, x);
    if (XK_IS(ch, "protocol")) {
        xk_str(ch, "type", &x->protocol);
    } else if (XK_IS(ch, "log")) {
        xk_str(ch, "file", &x->log_file);
        xk_str(ch, "append", &x->log_append);
    } else {
        return 1;
    }
    return xk_finish(c, ch, NULL, NULL);
}

/* Where libvirt puts the sockets of virtio channels it names itself; a
 * running guest's dumpxml shows them, its inactive definition does not. */
#define LIBVIRT_CHANNEL_DIR "/var/lib/libvirt/qemu/channel/target/"

/* A path libvirt made for a virtio channel: DIR/domain-ID-NAME/TARGET or
 * DIR/NAME.TARGET (qemuDomainChrDefDropDefaultPath's pattern). */
static int
libvirt_channel_path(const struct dom_chr *x)
{
    const char *p = x->source_path, *t = x->target_name, *rest, *slash;
    size_t dl = strlen(LIBVIRT_CHANNEL_DIR), pl, tl;

    if (!p || !t || strncmp(p, LIBVIRT_CHANNEL_DIR, dl))
        return 0;
    rest = p + dl;
    pl = strlen(rest);
    tl = strlen(t);
    if (pl <= tl + 1 || strcmp(rest + pl - tl, t))
        return 0;
    slash = strchr(rest, '/');
    if (!strncmp(rest, "domain-", 7))
        return slash == rest + pl - tl - 1;
    return !slash && rest[pl - tl - 1] == '.';
}

int
dx_parse_chr(struct xk_ctx *c, xmlNode *n, struct dom_def *def,
             enum dom_chr_kind kind)
{
    struct dom_chr *x = xk_push(&def->chrs, &def->n_chrs, sizeof(*x));
    char *tty = NULL;

    x->kind = kind;
    x->target_port = -1;
    x->reconnect_timeout = -1;
    xk_str(n, "type", &x->type);
    xk_str(n, "tty", &tty);      /* live only: the pty, as <source path=> */
    free(tty);
    if (xk_children(c, n, parse_chr_child, x) < 0)
        return -1;
    /* as libvirt's parser does: such a path is made anew at start (ours is
     * in the run dir) */
    if (kind == DOM_CHR_CHANNEL && x->type && !strcmp(x->type, "unix") &&
        (!x->target_type || !strcmp(x->target_type, "virtio")) &&
        libvirt_channel_path(x)) {
        free(x->source_path);
        x->source_path = NULL;
    }
    return xk_finish(c, n, &x->keep, NULL);
}

/* ---- redirdev ---- */

static int
parse_redirdev_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct dom_redirdev *x = obj;

    if (XK_IS(ch, "boot")) {
        if (xk_int(c, ch, "order", &x->boot_order) < 0)
            return -1;
        return xk_finish(c, ch, NULL, NULL);
    }
    if (XK_IS(ch, "target") || XK_IS(ch, "log"))
        return 1;     /* not part of a redirdev */
    return parse_chr_child(c, ch, &x->chr);
}

int
dx_parse_redirdev(struct xk_ctx *c, xmlNode *n, struct dom_def *def)
{
    struct dom_redirdev *x = xk_push(&def->redirdevs, &def->n_redirdevs,
                                     sizeof(*x));

    x->chr.target_port = -1;
    x->chr.reconnect_timeout = -1;
    xk_str(n, "bus", &x->bus);
    xk_str(n, "type", &x->chr.type);
    if (xk_children(c, n, parse_redirdev_child, x) < 0)
        return -1;
    if (!x->chr.type && xk_fail(c, n, "<redirdev> needs type=") < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}
