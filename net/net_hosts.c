/* net_hosts.c - the dnsmasq files of a network that change while it runs:
 * where they live (its run dir) and writing the DHCP hosts and addn-hosts
 * files from the definition, for net-start and a live net-update. */
#include <stdlib.h>
#include <string.h>

#include "dnsmasq_conf.h"
#include "net_run.h"
#include "store.h"
#include "strbuf.h"

void
net_run_dnsmasq_opts(const struct lv_conn *c, const struct net_def *def,
                     struct dnsmasq_conf_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->config_dir = net_run_dir(c, def->name);
    o->pid_file = net_run_file(c, def->name, "dnsmasq.pid");
    o->lease_file = net_run_file(c, def->name, "leases");
}

void
net_run_dnsmasq_opts_free(struct dnsmasq_conf_opts *o)
{
    free((char *)o->config_dir);
    free((char *)o->pid_file);
    free((char *)o->lease_file);
    memset(o, 0, sizeof(*o));
}

static int
write_text(const char *path, const char *text, struct lv_err *err)
{
    return lv_store_write_atomic(path, text ? text : "",
                                 text ? strlen(text) : 0, 0644, err);
}

int
net_run_write_hosts(const struct lv_conn *c, const struct net_def *def,
                    struct lv_err *err)
{
    struct dnsmasq_conf_opts o;
    char *hosts = dnsmasq_hostsfile_build(def);
    char *addn = dnsmasq_addnhosts_build(def);
    char *hp, *ap;
    int r = -1;

    net_run_dnsmasq_opts(c, def, &o);
    hp = dnsmasq_conf_path(def, &o, "hostsfile");
    ap = dnsmasq_conf_path(def, &o, "addnhosts");
    if (write_text(hp, hosts, err) < 0 || write_text(ap, addn, err) < 0)
        goto out;
    r = 0;
out:
    free(ap);
    free(hp);
    free(addn);
    free(hosts);
    net_run_dnsmasq_opts_free(&o);
    return r;
}
