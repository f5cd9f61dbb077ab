/* supervisor_live.c - passwords and runtime values of a starting guest
 * (see supervisor_live.h). */
#include "supervisor_live.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom_def.h"
#include "dom_mem.h"
#include "dom_vcpu.h"
#include "dom_xml.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"

#define LIVE_CMD_TIMEOUT_MS 10000

static int
set_passwords(struct qmp *q, const struct dom_def *def, struct lv_err *err)
{
    for (size_t i = 0; i < def->n_graphics; i++) {
        const struct dom_graphics *g = &def->graphics[i];
        json_t *args, *r;
        if (!g->passwd || !g->type)
            continue;
        args = json_pack("{s:s, s:s}", "protocol", g->type, "password", g->passwd);
        r = qmp_execute(q, "set_password", args, LIVE_CMD_TIMEOUT_MS, err);
        json_decref(args);
        if (!r)
            return -1;
        json_decref(r);
    }
    return 0;
}

static const char *
chr_label_prefix(enum dom_chr_kind kind)
{
    switch (kind) {
    case DOM_CHR_SERIAL: return "charserial";
    case DOM_CHR_CONSOLE: return "charconsole";
    case DOM_CHR_CHANNEL: return "charchannel";
    default: return "charparallel";
    }
}

/* The pty path QEMU chose for label, from a query-chardev reply. */
static const char *
pty_of(json_t *chardevs, const char *label)
{
    size_t i;
    json_t *c;

    json_array_foreach(chardevs, i, c) {
        const char *l = json_string_value(json_object_get(c, "label"));
        const char *fn = json_string_value(json_object_get(c, "filename"));
        if (l && fn && strcmp(l, label) == 0 && strncmp(fn, "pty:", 4) == 0)
            return fn + 4;
    }
    return NULL;
}

/* Record each pty's path on its serial/console/channel. The argv builder
 * names chardevs after libvirt: charserialN, charconsoleN, charchannelN,
 * N counting that kind of device; a console of target type serial shares
 * the first serial port's chardev. */
static void
record_ptys(struct qmp *q, struct dom_def *def, struct dom_status *st)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = qmp_execute(q, "query-chardev", NULL, LIVE_CMD_TIMEOUT_MS, &err);
    int count[4] = { 0, 0, 0, 0 };
    const char *serial0;

    if (!r) {
        lv_log_warn("dom %s: %s", def->name, err.msg);
        return;
    }
    serial0 = pty_of(r, "charserial0");
    if (serial0)
        snprintf(st->pty, sizeof(st->pty), "%s", serial0);
    for (size_t k = 0; k < def->n_chrs; k++) {
        struct dom_chr *ch = &def->chrs[k];
        char label[64];
        const char *pty;
        snprintf(label, sizeof(label), "%s%d", chr_label_prefix(ch->kind),
                 count[ch->kind]++);
        if (!ch->type || strcmp(ch->type, "pty") != 0)
            continue;
        pty = pty_of(r, label);
        if (!pty && ch->kind == DOM_CHR_CONSOLE)
            pty = serial0;
        if (!pty)
            continue;
        free(ch->source_path);
        ch->source_path = lv_strdup(pty);
    }
    if (!st->pty[0])
        for (size_t k = 0; k < def->n_chrs; k++)
            if (def->chrs[k].source_path && def->chrs[k].type &&
                strcmp(def->chrs[k].type, "pty") == 0) {
                snprintf(st->pty, sizeof(st->pty), "%s", def->chrs[k].source_path);
                break;
            }
    json_decref(r);
}

/* <link state='down'/>: the NIC starts with its link down (set before the
 * guest runs). The device id is the argv builder's: the alias, or netN. */
static int
set_links(struct qmp *q, const struct dom_def *def, struct lv_err *err)
{
    for (size_t i = 0; i < def->n_interfaces; i++) {
        const struct dom_interface *x = &def->interfaces[i];
        char id[64];
        json_t *args, *r;
        if (!x->link_state || strcmp(x->link_state, "down") != 0)
            continue;
        if (x->alias)
            snprintf(id, sizeof(id), "%s", x->alias);
        else
            snprintf(id, sizeof(id), "net%zu", i);
        args = json_pack("{s:s, s:b}", "name", id, "up", 0);
        r = qmp_execute(q, "set_link", args, LIVE_CMD_TIMEOUT_MS, err);
        json_decref(args);
        if (!r)
            return -1;
        json_decref(r);
    }
    return 0;
}

static void
record_vnc_port(struct qmp *q, struct dom_def *def)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r;
    const char *svc;

    for (size_t i = 0; i < def->n_graphics; i++) {
        if (!def->graphics[i].type || strcmp(def->graphics[i].type, "vnc") != 0)
            continue;
        r = qmp_execute(q, "query-vnc", NULL, LIVE_CMD_TIMEOUT_MS, &err);
        if (!r)
            return;
        svc = json_string_value(json_object_get(r, "service"));
        if (svc)
            def->graphics[i].port = atoi(svc);
        json_decref(r);
        return;
    }
}

int
sup_apply_live_settings(struct qmp *q, const char *run_dir, const char *name,
                        struct dom_status *st, struct lv_err *err)
{
    char *path = lv_asprintf("%s/live.xml", run_dir);
    struct dom_def *def = NULL;
    size_t len = 0;
    char *xml = lv_store_read(path, &len, err);
    char *out = NULL;
    int ret = -1;

    if (!xml)
        goto out;
    def = dom_def_parse_xml(xml, len, path, DOM_PARSE_KEEP_UNKNOWN, err);
    if (!def)
        goto out;
    if (set_passwords(q, def, err) < 0 || set_links(q, def, err) < 0 ||
        dom_vcpu_apply_tune(q, def, st->qemu_pid, err) < 0 ||
        dom_mem_apply_period(q, def, err) < 0) {
        lv_err_prefix(err, "domain '%s': ", name);
        goto out;
    }
    record_ptys(q, def, st);
    record_vnc_port(q, def);
    out = dom_def_format_xml(def, DOM_FORMAT_SECURE, err);
    if (!out || lv_store_write_atomic(path, out, strlen(out), 0600, err) < 0)
        goto out;
    ret = 0;
out:
    free(out);
    dom_def_free(def);
    free(xml);
    free(path);
    return ret;
}
