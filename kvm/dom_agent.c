/* dom_agent.c - the guest agent client (see dom_agent.h). */
#include "dom_agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "dom.h"
#include "dom_net.h"
#include "dom_run.h"
#include "fdio.h"
#include "strbuf.h"
#include "unix_sock.h"

#define AGENT_CHANNEL "org.qemu.guest_agent.0"

struct agent {
    const char *name;
    int fd;
    long long deadline;
    int timeout_ms;
    struct strbuf in;          /* bytes read, not yet a whole line */
};

/* The agent socket of the running guest name (malloc'd), or NULL + err. */
static char *
agent_path(struct lv_conn *c, const char *name, struct lv_err *err)
{
    struct dom_status st;
    struct dom_def *def;
    char *path = NULL;

    if (dom_status_read(c, name, &st, err) < 0)
        return NULL;
    if (st.state == DOM_STATE_SHUTOFF) {
        lv_err_set(err, LV_E_STATE, "domain '%s': is not running", name);
        return NULL;
    }
    if (!(def = dom_get_def(c, name, 0, err)))
        return NULL;
    for (size_t i = 0; i < def->n_chrs && !path; i++) {
        const struct dom_chr *ch = &def->chrs[i];
        if (ch->kind != DOM_CHR_CHANNEL || !ch->target_name ||
            strcmp(ch->target_name, AGENT_CHANNEL) != 0)
            continue;
        if (!ch->type || strcmp(ch->type, "unix") != 0)
            break;
        if (ch->source_path) {
            path = lv_strdup(ch->source_path);
        } else {   /* where the argv builder has QEMU listen */
            char *dir = dom_run_dir(c, name);
            path = lv_asprintf("%s/%s.sock", dir, AGENT_CHANNEL);
            free(dir);
        }
    }
    dom_def_free(def);
    if (!path)
        lv_err_set(err, LV_E_UNSUPPORTED, "domain '%s': no guest agent: add <channel "
                   "type='unix'><target type='virtio' name='" AGENT_CHANNEL
                   "'/></channel>", name);
    return path;
}

static int
agent_connect(struct agent *a, const char *path, struct lv_err *err)
{
    char what[160];

    snprintf(what, sizeof(what), "domain '%s': the guest agent channel", a->name);
    a->fd = lv_unix_connect(path, what, err);
    return a->fd < 0 ? -1 : 0;
}

static int
send_json(struct agent *a, json_t *cmd, struct lv_err *err)
{
    char *text = json_dumps(cmd, JSON_COMPACT);
    int r = -1;

    if (text) {
        r = lv_write_all(a->fd, text, strlen(text)) < 0 ||
            lv_write_all(a->fd, "\n", 1) < 0 ? -1 : 0;
        free(text);
    }
    if (r < 0)
        lv_err_sys(err, "domain '%s': cannot write to the guest agent", a->name);
    return r;
}

static void
timed_out(struct agent *a, const char *what, struct lv_err *err)
{
    lv_err_set(err, LV_E_TIMEOUT, "domain '%s': the guest agent did not answer %s "
               "within %d s (is it running in the guest?)", a->name, what,
               a->timeout_ms / 1000);
}

/* The next JSON line from the agent (a leading 0xff of a delimited sync
 * skipped), or NULL + err on timeout, EOF or garbage. */
static json_t *
read_json(struct agent *a, const char *what, struct lv_err *err)
{
    for (;;) {
        char *nl = memchr(a->in.s ? a->in.s : "", '\n', a->in.len), buf[4096];
        struct pollfd p = { a->fd, POLLIN, 0 };
        ssize_t n;
        if (nl) {
            size_t len = (size_t)(nl - a->in.s);
            const char *line = a->in.s;
            json_t *j;
            while (len > 0 && (unsigned char)*line == 0xff) {
                line++;
                len--;
            }
            j = len ? json_loadb(line, len, 0, NULL) : NULL;
            memmove(a->in.s, nl + 1, a->in.len - (size_t)(nl - a->in.s) - 1);
            a->in.len -= (size_t)(nl - a->in.s) + 1;
            a->in.s[a->in.len] = '\0';
            if (j)
                return j;
            continue;      /* an empty or broken line: the next one */
        }
        if (lv_poll(&p, 1, a->deadline) <= 0) {
            timed_out(a, what, err);
            return NULL;
        }
        n = read(a->fd, buf, sizeof(buf));
        if (n <= 0) {
            lv_err_set(err, LV_E_STATE, "domain '%s': the guest agent channel closed "
                       "(%s)", a->name, what);
            return NULL;
        }
        strbuf_add(&a->in, buf, (size_t)n);
    }
}

/* guest-sync with a fresh id: answers to anyone before us are skipped. A
 * sync the guest missed (its agent was not listening yet: what QEMU got
 * for a closed port is gone) is sent again, a second later, with a new id,
 * until the deadline. */
static int
agent_sync(struct agent *a, struct lv_err *err)
{
    long long deadline = a->deadline;

    for (;;) {
        uint32_t id = 0;
        json_t *j, *sync;
        int sent;

        if (getrandom(&id, sizeof(id), 0) != sizeof(id))
            id = (uint32_t)lv_now_ms();
        id &= 0x7fffffff;
        sync = json_pack("{s:s, s:{s:I}}", "execute", "guest-sync", "arguments", "id",
                         (json_int_t)id);
        sent = send_json(a, sync, err);
        json_decref(sync);
        if (sent < 0)
            return -1;
        a->deadline = lv_now_ms() + 1000 < deadline ? lv_now_ms() + 1000 : deadline;
        while ((j = read_json(a, "guest-sync", err))) {
            json_t *r = json_object_get(j, "return");
            int ok = json_is_integer(r) && json_integer_value(r) == (json_int_t)id;
            json_decref(j);
            if (ok) {
                a->deadline = deadline;
                return 0;
            }
        }
        if (err->code != LV_E_TIMEOUT || lv_now_ms() >= deadline)
            return -1;
        lv_err_clear(err);
    }
}

/* Commands the agent answers with nothing when they work. */
static int
no_reply(const char *execute)
{
    return !strcmp(execute, "guest-shutdown") || !strcmp(execute, "guest-suspend-disk") ||
           !strcmp(execute, "guest-suspend-ram") || !strcmp(execute, "guest-suspend-hybrid");
}

json_t *
dom_agent_command(struct lv_conn *c, const char *name, json_t *cmd, int timeout_ms,
                  struct lv_err *err)
{
    struct agent a = { name, -1, lv_deadline(timeout_ms), timeout_ms, STRBUF_INIT };
    const char *execute = json_string_value(json_object_get(cmd, "execute"));
    char *path = NULL, what[96];
    json_t *reply = NULL, *ret = NULL;

    if (!execute) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': an agent command needs \"execute\"",
                   name);
        goto out;
    }
    snprintf(what, sizeof(what), "%s", execute);
    if (!(path = agent_path(c, name, err)) || agent_connect(&a, path, err) < 0 ||
        agent_sync(&a, err) < 0)
        goto out;
    if (send_json(&a, cmd, err) < 0)
        goto out;
    if (no_reply(execute)) {
        ret = json_null();
        goto out;
    }
    if (!(reply = read_json(&a, what, err)))
        goto out;
    if ((ret = json_object_get(reply, "return"))) {
        json_incref(ret);
    } else {
        const char *desc = json_string_value(json_object_get(json_object_get(reply, "error"),
                                                             "desc"));
        lv_err_set(err, LV_E_QEMU, "domain '%s': guest agent: %s: %s", name, execute,
                   desc ? desc : "error without a description");
    }
out:
    json_decref(cmd);
    json_decref(reply);
    if (a.fd >= 0)
        close(a.fd);
    strbuf_free(&a.in);
    free(path);
    return ret;
}

int
dom_agent_shutdown(struct lv_conn *c, const char *name, struct lv_err *err)
{
    json_t *r = dom_agent_command(c, name, json_pack("{s:s, s:{s:s}}", "execute",
                                                     "guest-shutdown", "arguments",
                                                     "mode", "powerdown"),
                                  DOM_AGENT_TIMEOUT_MS, err);

    json_decref(r);
    return r ? 0 : -1;
}

static void
add_addr(struct dom_net_addr **out, size_t *n, const char *ifname, const char *mac,
         json_t *ip)
{
    const char *type = json_string_value(json_object_get(ip, "ip-address-type"));
    const char *addr = json_string_value(json_object_get(ip, "ip-address"));
    struct dom_net_addr *a;

    if (!type || !addr)
        return;
    *out = lv_realloc(*out, (*n + 1) * sizeof(**out));
    a = &(*out)[(*n)++];
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", ifname);
    snprintf(a->mac, sizeof(a->mac), "%s", mac ? mac : "");
    a->family = !strcmp(type, "ipv6") ? AF_INET6 : AF_INET;
    snprintf(a->ip, sizeof(a->ip), "%s", addr);
    a->prefix = (int)json_integer_value(json_object_get(ip, "prefix"));
}

int
dom_agent_addresses(struct lv_conn *c, const char *name, struct dom_net_addr **out,
                    size_t *n, struct lv_err *err)
{
    json_t *r = dom_agent_command(c, name, json_pack("{s:s}", "execute",
                                                     "guest-network-get-interfaces"),
                                  DOM_AGENT_TIMEOUT_MS, err), *itf;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!r)
        return -1;
    json_array_foreach(r, i, itf) {
        const char *ifname = json_string_value(json_object_get(itf, "name"));
        const char *mac = json_string_value(json_object_get(itf, "hardware-address"));
        json_t *ips = json_object_get(itf, "ip-addresses"), *ip;
        size_t k;
        if (!ifname || !strcmp(ifname, "lo"))
            continue;
        json_array_foreach(ips, k, ip)
            add_addr(out, n, ifname, mac, ip);
    }
    json_decref(r);
    return 0;
}
