/* qemu_argv_chr.c - character devices for the QEMU argv: a -chardev
 * backend (pty, file, unix, tcp, udp, pipe, spicevmc, qemu-vdagent, dbus,
 * ...) and its front end (isa-serial, virtserialport, virtconsole,
 * isa-parallel, guestfwd), ids charserialN/serialN etc. like libvirt's
 * qemuBuildChrChardevStr with QEMU 7.2's options. The first serial's pty is
 * always logged to RUN_DIR/console.log so the console can be read back. */
#include <stdio.h>
#include <string.h>

#include "qemu_argv_priv.h"

/* How a chardev is used: its id, the name a spicevmc backend gets
 * ("vdagent", "usbredir"), the device it serves (for errors), and whether
 * it is the console whose output is logged. */
struct chr_use {
    const char *id;
    const char *vmc_name;
    const char *what;
    int log_console;
};

static const char *
src_attr(const struct dom_chr *ch, const char *key)
{
    return lv_attrs_get(&ch->source_attrs, key);
}

static void
add_path(struct strbuf *b, const char *key, const char *path)
{
    strbuf_addf(b, ",%s=", key);
    qemu_argv_kv_escape(b, path);
}

static int
need_path(struct qemu_argv_ctx *c, const struct dom_chr *ch, const char *what)
{
    if (ch->source_path)
        return 0;
    lv_err_set(c->err, LV_E_INVALID, "%s: <source path=> is missing for type '%s'",
               what, ch->type);
    return -1;
}

/* <reconnect enabled='yes' timeout='N'/>: QEMU 7.2's reconnect=N (seconds;
 * QEMU 9.2 renamed it reconnect-ms) */
static void
add_reconnect(struct strbuf *b, const struct dom_chr *ch)
{
    if (ch->reconnect == LV_TRI_ON && ch->reconnect_timeout > 0)
        strbuf_addf(b, ",reconnect=%d", ch->reconnect_timeout);
}

/* a unix socket: listening by default for channels without a path (the
 * guest agent), in the run dir like libvirt's channel/target dir */
static int
backend_unix(struct qemu_argv_ctx *c, const struct dom_chr *ch,
             const struct chr_use *u, struct strbuf *b)
{
    const char *id = u->id, *what = u->what;
    int server = !ch->source_mode || !strcmp(ch->source_mode, "bind");
    int fd = -1;

    if (c->o->chr_fds && ch >= c->def->chrs && ch < c->def->chrs + c->def->n_chrs)
        fd = c->o->chr_fds[ch - c->def->chrs];

    strbuf_addf(b, "socket,id=%s", id);
    if (ch->source_path && server && fd >= 0 && !c->o->for_display) {
        strbuf_addf(b, ",fd=%d", fd);   /* made by luavirt (kvm/dom_chr_sock.c) */
    } else if (ch->source_path) {
        add_path(b, "path", ch->source_path);
    } else if (c->o->run_dir && server) {
        strbuf_adds(b, ",path=");
        qemu_argv_kv_escape(b, c->o->run_dir);
        strbuf_adds(b, "/");
        qemu_argv_kv_escape(b, ch->target_name ? ch->target_name : id);
        strbuf_adds(b, ".sock");
    } else {
        lv_err_set(c->err, LV_E_INVALID, "%s: unix socket needs a path%s", what,
                   server ? " or a run dir" : "");
        return -1;
    }
    if (server)
        strbuf_adds(b, ",server=on,wait=off");
    else
        add_reconnect(b, ch);
    return 0;
}

/* TLS for a tcp chardev (<source tls='yes'>): x509 credentials from
 * libvirt's default chardev_tls_x509_cert_dir, verifying the peer */
static void
add_tls_object(struct qemu_argv_ctx *c, const char *id, int server)
{
    qemu_argv_add_json(c, "-object", json_pack("{s:s, s:o, s:s, s:s, s:b}",
                       "qom-type", "tls-creds-x509", "id",
                       json_sprintf("obj%s_tls0", id), "dir",
                       "/etc/pki/libvirt-chardev", "endpoint",
                       server ? "server" : "client", "verify-peer", 1));
}

static int
backend_tcp(struct qemu_argv_ctx *c, const struct dom_chr *ch,
            const struct chr_use *u, struct strbuf *b)
{
    const char *id = u->id, *what = u->what;
    int server = ch->source_mode && !strcmp(ch->source_mode, "bind");
    const char *tls = src_attr(ch, "tls");

    if (!ch->source_service) {
        lv_err_set(c->err, LV_E_INVALID, "%s: <source service=> is missing", what);
        return -1;
    }
    if (tls && strcmp(tls, "yes") && strcmp(tls, "no")) {
        lv_err_set(c->err, LV_E_INVALID, "%s: invalid tls='%s'", what, tls);
        return -1;
    }
    strbuf_addf(b, "socket,id=%s,host=", id);
    qemu_argv_kv_escape(b, ch->source_host ? ch->source_host : "");
    strbuf_adds(b, ",port=");
    qemu_argv_kv_escape(b, ch->source_service);
    if (ch->protocol && !strcmp(ch->protocol, "telnet"))
        strbuf_adds(b, ",telnet=on");
    if (server)
        strbuf_adds(b, ",server=on,wait=off");
    else
        add_reconnect(b, ch);
    if (tls && !strcmp(tls, "yes")) {
        add_tls_object(c, id, server);
        strbuf_addf(b, ",tls-creds=obj%s_tls0", id);
    }
    return 0;
}

/* udp: the connect end is host/port, the bind end localaddr/localport;
 * either <source> may be the bind one */
static int
backend_udp(struct qemu_argv_ctx *c, const struct dom_chr *ch,
            const struct chr_use *u, struct strbuf *b)
{
    const char *id = u->id, *what = u->what;
    const char *h = NULL, *p = NULL, *lh = NULL, *lp = NULL;

    if (ch->source_mode && !strcmp(ch->source_mode, "bind"))
        lh = ch->source_host, lp = ch->source_service;
    else
        h = ch->source_host, p = ch->source_service;
    if (ch->source2_mode && !strcmp(ch->source2_mode, "bind"))
        lh = ch->source2_host, lp = ch->source2_service;
    else if (ch->source2_mode || ch->source2_host || ch->source2_service)
        h = ch->source2_host, p = ch->source2_service;
    if (!p) {
        lv_err_set(c->err, LV_E_INVALID, "%s: udp needs <source mode='connect' "
                   "service=>", what);
        return -1;
    }
    strbuf_addf(b, "udp,id=%s,host=", id);
    qemu_argv_kv_escape(b, h ? h : "");
    strbuf_adds(b, ",port=");
    qemu_argv_kv_escape(b, p);
    strbuf_adds(b, ",localaddr=");
    qemu_argv_kv_escape(b, lh ? lh : "");
    strbuf_adds(b, ",localport=");
    qemu_argv_kv_escape(b, lp ? lp : "0");
    return 0;
}

static int
has_spice(const struct qemu_argv_ctx *c)
{
    for (size_t i = 0; i < c->def->n_graphics; i++)
        if (!strcmp(c->def->graphics[i].type, "spice"))
            return 1;
    return 0;
}

/* backends carried by SPICE, QEMU's own agent or D-Bus: spicevmc,
 * spiceport, qemu-vdagent, dbus */
static int
backend_channel(struct qemu_argv_ctx *c, const struct dom_chr *ch,
                const struct chr_use *u, struct strbuf *b)
{
    const char *t = ch->type, *chan = src_attr(ch, "channel");
    const char *id = u->id, *what = u->what;

    if (!strncmp(t, "spice", 5) && !has_spice(c)) {
        lv_err_set(c->err, LV_E_INVALID, "%s: type '%s' needs <graphics "
                   "type='spice'>", what, t);
        return -1;
    }
    if (!strcmp(t, "spicevmc")) {
        strbuf_addf(b, "spicevmc,id=%s,name=%s", id, u->vmc_name);
    } else if (!strcmp(t, "qemu-vdagent")) {
        strbuf_addf(b, "qemu-vdagent,id=%s,name=vdagent", id);
        if (ch->clipboard != LV_TRI_ABSENT)
            strbuf_addf(b, ",clipboard=%s", ch->clipboard == LV_TRI_ON ? "on" : "off");
        if (ch->mouse_mode)
            strbuf_addf(b, ",mouse=%s", !strcmp(ch->mouse_mode, "client") ? "on" : "off");
    } else if (!chan) {
        lv_err_set(c->err, LV_E_INVALID, "%s: type '%s' needs <source channel=>",
                   what, t);
        return -1;
    } else {
        strbuf_addf(b, "%s,id=%s,name=", t, id);
        qemu_argv_kv_escape(b, chan);
    }
    return 0;
}

/* The -chardev value of ch; log_console: add the console log. */
static int
chr_backend(struct qemu_argv_ctx *c, const struct dom_chr *ch,
            const struct chr_use *u, struct strbuf *b)
{
    const char *t = ch->type ? ch->type : "pty", *id = u->id, *what = u->what;
    int rc = 0;

    if (!strcmp(t, "pty") || !strcmp(t, "null") || !strcmp(t, "vc") ||
        !strcmp(t, "stdio")) {
        strbuf_addf(b, "%s,id=%s", t, id);
    } else if (!strcmp(t, "file") || !strcmp(t, "pipe") || !strcmp(t, "dev")) {
        if (need_path(c, ch, what) < 0)
            return -1;
        strbuf_addf(b, "%s,id=%s", !strcmp(t, "dev") ? (ch->kind ==
                    DOM_CHR_PARALLEL ? "parallel" : "serial") : t, id);
        add_path(b, "path", ch->source_path);
        if (!strcmp(t, "file") && src_attr(ch, "append"))
            strbuf_addf(b, ",append=%s", src_attr(ch, "append"));
    } else if (!strcmp(t, "unix")) {
        rc = backend_unix(c, ch, u, b);
    } else if (!strcmp(t, "tcp")) {
        rc = backend_tcp(c, ch, u, b);
    } else if (!strcmp(t, "udp")) {
        rc = backend_udp(c, ch, u, b);
    } else if (!strcmp(t, "spicevmc") || !strcmp(t, "spiceport") ||
               !strcmp(t, "qemu-vdagent") || !strcmp(t, "dbus")) {
        rc = backend_channel(c, ch, u, b);
    } else {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported type '%s'", what, t);
        return -1;
    }
    if (rc < 0)
        return -1;
    if (ch->log_file) {
        add_path(b, "logfile", ch->log_file);
        strbuf_addf(b, ",logappend=%s", ch->log_append ? ch->log_append : "on");
    } else if (u->log_console && c->o->run_dir) {
        strbuf_adds(b, ",logfile=");
        qemu_argv_kv_escape(b, c->o->run_dir);
        strbuf_adds(b, "/console.log,logappend=on");
    }
    return 0;
}

static int
add_chardev(struct qemu_argv_ctx *c, const struct dom_chr *ch,
            const struct chr_use *u)
{
    struct strbuf b = STRBUF_INIT;

    if (chr_backend(c, ch, u, &b) < 0) {
        strbuf_free(&b);
        return -1;
    }
    qemu_argv_add(c, "-chardev");
    qemu_argv_add(c, strbuf_cstr(&b));
    strbuf_free(&b);
    return 0;
}

int
qemu_argv_chardev(struct qemu_argv_ctx *c, const struct dom_chr *ch,
                  const char *id, const char *vmc_name, const char *what)
{
    struct chr_use u = { .id = id, .vmc_name = vmc_name, .what = what };

    return add_chardev(c, ch, &u);
}

static int
add_serial(struct qemu_argv_ctx *c, const struct dom_chr *ch, unsigned idx,
           int first)
{
    const char *tt = ch->target_type ? ch->target_type : "isa-serial";
    int port = ch->target_port >= 0 ? ch->target_port : (int)idx;
    char id[32], what[48];
    json_t *dev;

    snprintf(id, sizeof(id), "charserial%u", idx);
    snprintf(what, sizeof(what), "serial %u", idx);
    if (!strcmp(tt, "serial"))       /* console-style spelling */
        tt = "isa-serial";
    if (strcmp(tt, "isa-serial") && strcmp(tt, "usb-serial") &&
        strcmp(tt, "pci-serial")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported target type '%s'",
                   what, tt);
        return -1;
    }
    struct chr_use u = { .id = id, .vmc_name = "vdagent", .what = what,
                         .log_console = first && (!ch->type || !strcmp(ch->type, "pty")) };

    if (add_chardev(c, ch, &u) < 0)
        return -1;
    dev = json_pack("{s:s, s:s, s:o}", "driver", tt, "chardev", id, "id",
                    ch->alias ? json_string(ch->alias) : json_sprintf("serial%u", idx));
    if (!strcmp(tt, "isa-serial")) {
        json_object_set_new(dev, "index", json_integer(port));
    } else if (!strcmp(tt, "usb-serial")) {
        json_object_set_new(dev, "bus", json_string("usb.0"));
        json_object_set_new(dev, "port", json_sprintf("%d", c->usb_port++));
    } else if (qemu_argv_pci_place(c, &ch->address, dev, what) < 0) {
        json_decref(dev);
        return -1;
    }
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

static int
add_parallel(struct qemu_argv_ctx *c, const struct dom_chr *ch, unsigned idx)
{
    char id[32], what[48];

    snprintf(id, sizeof(id), "charparallel%u", idx);
    snprintf(what, sizeof(what), "parallel %u", idx);
    if (qemu_argv_chardev(c, ch, id, "vdagent", what) < 0)
        return -1;
    qemu_argv_add_json(c, "-device", json_pack("{s:s, s:s, s:o}", "driver",
                       "isa-parallel", "chardev", id, "id",
                       json_sprintf("parallel%u", idx)));
    return 0;
}

/* guestfwd: a user-mode netdev forwarding ADDR:PORT to the chardev */
static int
add_guestfwd(struct qemu_argv_ctx *c, const struct dom_chr *ch, unsigned idx,
             const char *id, const char *what)
{
    const char *a = lv_attrs_get(&ch->target_attrs, "address");
    json_t *fwd;

    if (!a || ch->target_port < 0) {
        lv_err_set(c->err, LV_E_INVALID, "%s: guestfwd needs <target address= "
                   "port=>", what);
        return -1;
    }
    fwd = json_pack("[{s:o}]", "str", json_sprintf("tcp:%s:%d-chardev:%s", a,
                    ch->target_port, id));
    qemu_argv_add_json(c, "-netdev", json_pack("{s:s, s:o, s:o}", "type", "user",
                       "guestfwd", fwd, "id", ch->alias ? json_string(ch->alias)
                       : json_sprintf("channel%u", idx)));
    return 0;
}

static int
add_channel(struct qemu_argv_ctx *c, size_t i, unsigned idx)
{
    const struct dom_chr *ch = &c->def->chrs[i];
    const char *name = ch->target_name;
    char id[32], what[64];
    json_t *dev;

    snprintf(id, sizeof(id), "charchannel%u", idx);
    snprintf(what, sizeof(what), "channel '%s'", name ? name : id);
    if (qemu_argv_chardev(c, ch, id, "vdagent", what) < 0)
        return -1;
    if (ch->target_type && !strcmp(ch->target_type, "guestfwd"))
        return add_guestfwd(c, ch, idx, id, what);
    if (ch->target_type && strcmp(ch->target_type, "virtio")) {
        lv_err_set(c->err, LV_E_UNSUPPORTED, "%s: unsupported target type '%s'",
                   what, ch->target_type);
        return -1;
    }
    if (!name && ch->type && !strcmp(ch->type, "spicevmc"))
        name = "com.redhat.spice.0";
    dev = json_pack("{s:s, s:o, s:I}", "driver", "virtserialport", "bus",
                    json_sprintf("virtio-serial%ld.%ld", c->vs[i].ctrl,
                                 qemu_argv_addr_num(&ch->address, "bus", 0)),
                    "nr", (json_int_t)c->vs[i].port);
    json_object_set_new(dev, "chardev", json_string(id));
    json_object_set_new(dev, "id", ch->alias ? json_string(ch->alias) :
                        json_sprintf("channel%u", idx));
    if (name)
        json_object_set_new(dev, "name", json_string(name));
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

/* A virtio console sits on the virtio-serial bus its address names, else
 * QEMU picks bus and port (port 0 for the first), as in libvirt's argv. */
static int
add_console(struct qemu_argv_ctx *c, const struct dom_chr *ch, unsigned idx)
{
    const struct dom_address *a = &ch->address;
    char id[32], what[48];
    json_t *dev;

    snprintf(id, sizeof(id), "charconsole%u", idx);
    snprintf(what, sizeof(what), "console %u", idx);
    if (qemu_argv_chardev(c, ch, id, "vdagent", what) < 0)
        return -1;
    dev = json_pack("{s:s}", "driver", "virtconsole");
    if (a->type && !strcmp(a->type, "virtio-serial")) {
        long port = qemu_argv_addr_num(a, "port", -1);
        json_object_set_new(dev, "bus", json_sprintf("virtio-serial%ld.%ld",
                            qemu_argv_addr_num(a, "controller", 0),
                            qemu_argv_addr_num(a, "bus", 0)));
        if (port >= 0)
            json_object_set_new(dev, "nr", json_integer(port));
    }
    json_object_set_new(dev, "chardev", json_string(id));
    json_object_set_new(dev, "id", json_sprintf("console%u", idx));
    qemu_argv_add_json(c, "-device", dev);
    return 0;
}

static int
is_virtio_console(const struct dom_chr *ch)
{
    return ch->kind == DOM_CHR_CONSOLE && ch->target_type &&
           !strcmp(ch->target_type, "virtio");
}

int
qemu_argv_chrs(struct qemu_argv_ctx *c)
{
    const struct dom_def *d = c->def;
    unsigned ns = 0, np = 0, nch = 0, ncon = 0;
    int rc = 0;

    for (size_t i = 0; i < d->n_chrs && !rc; i++)
        if (d->chrs[i].kind == DOM_CHR_SERIAL) {
            rc = add_serial(c, &d->chrs[i], ns, ns == 0);
            ns++;
        }
    for (size_t i = 0; i < d->n_chrs && !rc; i++) {
        const struct dom_chr *ch = &d->chrs[i];
        if (ch->kind == DOM_CHR_PARALLEL)
            rc = add_parallel(c, ch, np++);
        else if (ch->kind == DOM_CHR_CHANNEL)
            rc = add_channel(c, i, nch++);
    }
    for (size_t i = 0; i < d->n_chrs && !rc; i++) {
        const struct dom_chr *ch = &d->chrs[i];
        if (ch->kind != DOM_CHR_CONSOLE)
            continue;
        if (is_virtio_console(ch))
            rc = add_console(c, ch, ncon);
        else if (ncon == 0 && ns == 0)
            /* a serial console with no <serial>: libvirt adds the serial */
            rc = add_serial(c, ch, 0, 1);
        ncon++;   /* console 0 of type serial is an alias of serial 0 */
    }
    return rc;
}
