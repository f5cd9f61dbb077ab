/* qemu_argv_netdisk.c - the -blockdev protocol node of a network disk
 * source, as libvirt's qemuBlockStorageSourceGetBackendProps builds it for
 * QEMU 7.2: nbd (inet or unix socket), http/https/ftp/ftps (curl), iscsi,
 * rbd, gluster, ssh and nfs. Sources that need a secret (<auth>) are
 * refused: luavirt keeps no secrets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_argv_priv.h"

static json_t *
inet_server(const struct dom_disk_host *h, const char *dflt_port)
{
    return json_pack("{s:s, s:s, s:s}", "type", "inet", "host", h->name ? h->name : "",
                     "port", h->port ? h->port : dflt_port);
}

/* server of a single-host protocol; a unix socket where transport='unix' */
static json_t *
one_server(const struct qemu_netdisk *s, const char *dflt_port, int inet_only,
           struct lv_err *err)
{
    const struct dom_disk_host *h = s->n_hosts ? &s->hosts[0] : NULL;

    if (!h || (!h->name && !h->socket)) {
        lv_err_set(err, LV_E_INVALID, "%s: protocol '%s' needs <host name=>",
                   s->what, s->protocol);
        return NULL;
    }
    if (h->transport && !strcmp(h->transport, "unix")) {
        if (inet_only || !h->socket) {
            lv_err_set(err, LV_E_INVALID, "%s: %s", s->what, inet_only ?
                       "transport 'unix' is not possible for this protocol" :
                       "transport 'unix' needs <host socket=>");
            return NULL;
        }
        return json_pack("{s:s, s:s}", "type", "unix", "path", h->socket);
    }
    if (h->transport && strcmp(h->transport, "tcp")) {
        lv_err_set(err, LV_E_UNSUPPORTED, "%s: unsupported host transport '%s'",
                   s->what, h->transport);
        return NULL;
    }
    return inet_server(h, dflt_port);
}

static json_t *
server_list(const struct qemu_netdisk *s, const char *dflt_port, int typed)
{
    json_t *a = json_array();

    for (size_t i = 0; i < s->n_hosts; i++) {
        const struct dom_disk_host *h = &s->hosts[i];
        json_t *o;
        if (h->transport && !strcmp(h->transport, "unix") && typed)
            o = json_pack("{s:s, s:s}", "type", "unix", "path", h->socket ? h->socket : "");
        else if (typed)
            o = inet_server(h, dflt_port);
        else
            o = json_pack("{s:s, s:s}", "host", h->name ? h->name : "", "port",
                          h->port ? h->port : dflt_port);
        json_array_append_new(a, o);
    }
    return a;
}

/* "pool/image@snap" -> pool, image, snapshot */
static json_t *
rbd_node(const struct qemu_netdisk *s, struct lv_err *err)
{
    const char *slash = s->name ? strchr(s->name, '/') : NULL;
    const char *at = slash ? strchr(slash, '@') : NULL;
    char *pool, *image;
    json_t *n;

    if (!slash || !slash[1]) {
        lv_err_set(err, LV_E_INVALID, "%s: rbd source name '%s' is not "
                   "'pool/image'", s->what, s->name ? s->name : "");
        return NULL;
    }
    pool = lv_strndup(s->name, (size_t)(slash - s->name));
    image = at ? lv_strndup(slash + 1, (size_t)(at - slash - 1)) : lv_strdup(slash + 1);
    n = json_pack("{s:s, s:s, s:s}", "driver", "rbd", "pool", pool, "image", image);
    if (at)
        json_object_set_new(n, "snapshot", json_string(at + 1));
    if (s->n_hosts)
        json_object_set_new(n, "server", server_list(s, "6789", 0));
    free(pool);
    free(image);
    return n;
}

/* "iqn.2013-07.com.example:iscsi-pool/1" -> target and lun */
static json_t *
iscsi_node(const struct qemu_netdisk *s, struct lv_err *err)
{
    const char *slash = s->name ? strrchr(s->name, '/') : NULL;
    const struct dom_disk_host *h = s->n_hosts ? &s->hosts[0] : NULL;
    char *target;
    json_t *n;

    if (!s->name || !h || !h->name) {
        lv_err_set(err, LV_E_INVALID, "%s: iscsi needs name= and <host name=>", s->what);
        return NULL;
    }
    target = slash ? lv_strndup(s->name, (size_t)(slash - s->name)) : lv_strdup(s->name);
    n = json_pack("{s:s, s:o, s:s, s:s, s:i}", "driver", "iscsi", "portal",
                  json_sprintf("%s:%s", h->name, h->port ? h->port : "3260"),
                  "target", target, "transport", "tcp", "lun",
                  slash ? atoi(slash + 1) : 0);
    free(target);
    return n;
}

/* http://host:port/name?query for the curl drivers */
static json_t *
curl_node(const struct qemu_netdisk *s, struct lv_err *err)
{
    const struct dom_disk_host *h = s->n_hosts ? &s->hosts[0] : NULL;
    struct strbuf url = STRBUF_INIT;
    json_t *n;

    if (!h || !h->name) {
        lv_err_set(err, LV_E_INVALID, "%s: protocol '%s' needs <host name=>",
                   s->what, s->protocol);
        return NULL;
    }
    strbuf_addf(&url, "%s://%s", s->protocol, h->name);
    if (h->port)
        strbuf_addf(&url, ":%s", h->port);
    if (s->name)
        strbuf_addf(&url, "%s%s", s->name[0] == '/' ? "" : "/", s->name);
    if (s->query)
        strbuf_addf(&url, "?%s", s->query);
    n = json_pack("{s:s, s:s}", "driver", s->protocol, "url", strbuf_cstr(&url));
    strbuf_free(&url);
    return n;
}

/* gluster: "volume/path" on a list of servers (24007 by default) */
static json_t *
gluster_node(const struct qemu_netdisk *s, struct lv_err *err)
{
    const char *slash = s->name ? strchr(s->name, '/') : NULL;
    char *vol;
    json_t *n;

    if (!slash || !s->n_hosts) {
        lv_err_set(err, LV_E_INVALID, "%s: gluster needs name='volume/path' and "
                   "<host>", s->what);
        return NULL;
    }
    vol = lv_strndup(s->name, (size_t)(slash - s->name));
    n = json_pack("{s:s, s:s, s:s, s:o}", "driver", "gluster", "volume", vol,
                  "path", slash + 1, "server", server_list(s, "24007", 1));
    free(vol);
    return n;
}

json_t *
qemu_argv_netdisk_node(const struct qemu_netdisk *s, struct lv_err *err)
{
    const char *p = s->protocol;
    json_t *srv, *n;

    if (!p) {
        lv_err_set(err, LV_E_INVALID, "%s: network source needs protocol=", s->what);
        return NULL;
    }
    if (s->has_auth) {
        lv_err_set(err, LV_E_UNSUPPORTED, "%s: <auth> needs a secret, and luavirt "
                   "keeps no secrets", s->what);
        return NULL;
    }
    if (!strcmp(p, "nbd")) {
        if (!(srv = one_server(s, "10809", 0, err)))
            return NULL;
        n = json_pack("{s:s, s:o}", "driver", "nbd", "server", srv);
        if (s->name)
            json_object_set_new(n, "export", json_string(s->name));
        return n;
    }
    if (!strcmp(p, "http") || !strcmp(p, "https") || !strcmp(p, "ftp") ||
        !strcmp(p, "ftps"))
        return curl_node(s, err);
    if (!strcmp(p, "iscsi"))
        return iscsi_node(s, err);
    if (!strcmp(p, "rbd"))
        return rbd_node(s, err);
    if (!strcmp(p, "gluster"))
        return gluster_node(s, err);
    if (!strcmp(p, "ssh") || !strcmp(p, "nfs")) {
        if (!s->name || !(srv = one_server(s, !strcmp(p, "ssh") ? "22" : "2049", 1, err))) {
            if (!s->name)
                lv_err_set(err, LV_E_INVALID, "%s: %s needs name= (the path)", s->what, p);
            return NULL;
        }
        if (!strcmp(p, "nfs"))
            json_object_del(srv, "port");
        return json_pack("{s:s, s:o, s:s}", "driver", p, "server", srv, "path", s->name);
    }
    lv_err_set(err, LV_E_UNSUPPORTED, "%s: unsupported network protocol '%s'",
               s->what, p);
    return NULL;
}
