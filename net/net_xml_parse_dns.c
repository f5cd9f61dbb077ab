/* net_xml_parse_dns.c - <dns> of network XML (forwarders, txt, host and
 * srv records) and the <dnsmasq:options> passed through to dnsmasq. */
#include "net_xml_priv.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- <dns> ---- */

static int
dns_host(struct nx *c, xmlNode *n, struct net_dns *d)
{
    struct net_dns_host *h = nx_push(&d->hosts, &d->n_hosts, sizeof(*h));

    if (nx_take_addr(c, n, "ip", 0, 1, &h->ip) < 0)
        return -1;
    for (xmlNode *ch = n->children, *next; ch; ch = next) {
        next = ch->next;
        if (!IS(ch, "hostname"))
            continue;
        nx_push_str(&h->hostnames, &h->n_hostnames, nx_text_of(ch));
        if (!*h->hostnames[h->n_hostnames - 1] &&
            nx_fail(c, ch, "empty <hostname> for %s", h->ip) < 0)
            return -1;
        nx_consumed(ch);
    }
    if (!h->n_hostnames && nx_fail(c, n, "dns <host ip='%s'> has no "
                                   "<hostname>", h->ip ? h->ip : "") < 0)
        return -1;
    return nx_finish(c, n, NULL);
}

static int
dns_srv(struct nx *c, xmlNode *n, struct net_dns *d)
{
    struct net_dns_srv *s = nx_push(&d->srvs, &d->n_srvs, sizeof(*s));

    s->port = s->priority = s->weight = -1;
    s->service = nx_take(n, "service");
    s->protocol = nx_take(n, "protocol");
    s->domain = nx_take(n, "domain");
    s->target = nx_take(n, "target");
    if (nx_take_int(c, n, "port", 0, 65535, &s->port) < 0 ||
        nx_take_int(c, n, "priority", 0, 65535, &s->priority) < 0 ||
        nx_take_int(c, n, "weight", 0, 65535, &s->weight) < 0)
        return -1;
    if (!s->service || !s->protocol)
        return nx_fail(c, n, "dns <srv> needs service= and protocol=");
    if (strcmp(s->protocol, "tcp") && strcmp(s->protocol, "udp"))
        return nx_fail(c, n, "invalid srv protocol '%s': expected tcp or udp",
                       s->protocol);
    return nx_finish(c, n, NULL);
}

static int
dns_child(struct nx *c, xmlNode *ch, void *obj)
{
    struct net_dns *d = obj;

    if (IS(ch, "forwarder")) {
        struct net_dns_forwarder *f = nx_push(&d->forwarders, &d->n_forwarders,
                                              sizeof(*f));
        f->domain = nx_take(ch, "domain");
        if (nx_take_addr(c, ch, "addr", 0, 0, &f->addr) < 0)
            return -1;
        if (!f->addr && !f->domain)
            return nx_fail(c, ch, "dns <forwarder> needs addr= or domain=");
        return nx_finish(c, ch, NULL) < 0 ? -1 : 0;
    }
    if (IS(ch, "txt")) {
        struct net_dns_txt *t = nx_push(&d->txts, &d->n_txts, sizeof(*t));
        t->name = nx_take(ch, "name");
        t->value = nx_take(ch, "value");
        if (!t->name || !t->value || strchr(t->name, ' '))
            return nx_fail(c, ch, "dns <txt> needs a name= without spaces and "
                           "a value=");
        return nx_finish(c, ch, NULL) < 0 ? -1 : 0;
    }
    if (IS(ch, "host"))
        return dns_host(c, ch, d) < 0 ? -1 : 0;
    if (IS(ch, "srv"))
        return dns_srv(c, ch, d) < 0 ? -1 : 0;
    return 1;
}

int
nx_parse_dns(struct nx *c, xmlNode *n, struct net_def *def)
{
    struct net_dns *d = &def->dns;

    def->has_dns = true;
    if (nx_take_tri(c, n, "enable", &d->enable) < 0 ||
        nx_take_tri(c, n, "forwardPlainNames", &d->forward_plain_names) < 0 ||
        nx_children(c, n, dns_child, d) < 0 || nx_finish(c, n, NULL) < 0)
        return -1;
    if (d->enable == LV_TRI_OFF &&
        (d->n_forwarders || d->n_txts || d->n_hosts || d->n_srvs ||
         d->forward_plain_names != LV_TRI_ABSENT))
        return nx_fail(c, n, "<dns enable='no'> must not have other dns "
                       "settings");
    return 0;
}

/* ---- <dnsmasq:options> ---- */

int
nx_parse_dnsmasq(struct nx *c, xmlNode *n, struct net_def *def)
{
    for (xmlNode *ch = n->children, *next; ch; ch = next) {
        char *v;
        next = ch->next;
        if (!IS(ch, "option") || !ch->ns ||
            strcmp((const char *)ch->ns->href, DNSMASQ_NS))
            continue;
        if (!(v = nx_take(ch, "value")))
            return nx_fail(c, ch, "<dnsmasq:option> has no value=");
        nx_push_str(&def->dnsmasq_options, &def->n_dnsmasq_options, v);
        if (nx_finish(c, ch, NULL) < 0)
            return -1;
        nx_consumed(ch);
    }
    return nx_finish(c, n, NULL);
}
