/* net_xml_parse_dns.c - <dns> of network XML (forwarders, txt, host and
 * srv records) and the <dnsmasq:options> passed through to dnsmasq. */
#include "net_xml_priv.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- <dns> ---- */

static int
dns_host(struct xk_ctx *c, xmlNode *n, struct net_dns *d)
{
    struct net_dns_host *h = xk_push(&d->hosts, &d->n_hosts, sizeof(*h));

    if (nx_take_addr(c, n, "ip", 0, 1, &h->ip) < 0)
        return -1;
    for (xmlNode *ch = n->children, *next; ch; ch = next) {
        next = ch->next;
        if (!IS(ch, "hostname"))
            continue;
        nx_push_str(&h->hostnames, &h->n_hostnames, xk_text_of(ch));
        if (!*h->hostnames[h->n_hostnames - 1] &&
            xk_fail(c, ch, "empty <hostname> for %s", h->ip) < 0)
            return -1;
        xk_consumed(ch);
    }
    if (!h->n_hostnames && xk_fail(c, n, "dns <host ip='%s'> has no "
                                   "<hostname>", h->ip ? h->ip : "") < 0)
        return -1;
    return xk_finish(c, n, NULL, NULL);
}

static int
dns_srv(struct xk_ctx *c, xmlNode *n, struct net_dns *d)
{
    struct net_dns_srv *s = xk_push(&d->srvs, &d->n_srvs, sizeof(*s));

    s->port = s->priority = s->weight = -1;
    xk_set(&s->service, xk_take(n, "service"));
    xk_set(&s->protocol, xk_take(n, "protocol"));
    xk_set(&s->domain, xk_take(n, "domain"));
    xk_set(&s->target, xk_take(n, "target"));
    if (xk_num_int(c, n, "port", 0, 65535, &s->port) < 0 ||
        xk_num_int(c, n, "priority", 0, 65535, &s->priority) < 0 ||
        xk_num_int(c, n, "weight", 0, 65535, &s->weight) < 0)
        return -1;
    if (!s->service || !s->protocol)
        return xk_fail(c, n, "dns <srv> needs service= and protocol=");
    if (strcmp(s->protocol, "tcp") && strcmp(s->protocol, "udp"))
        return xk_fail(c, n, "invalid srv protocol '%s': expected tcp or udp",
                       s->protocol);
    return xk_finish(c, n, NULL, NULL);
}

static int
dns_child(struct xk_ctx *c, xmlNode *ch, void *obj)
{
    struct net_dns *d = obj;

    if (IS(ch, "forwarder")) {
        struct net_dns_forwarder *f = xk_push(&d->forwarders, &d->n_forwarders,
                                              sizeof(*f));
        xk_set(&f->domain, xk_take(ch, "domain"));
        if (nx_take_addr(c, ch, "addr", 0, 0, &f->addr) < 0)
            return -1;
        if (!f->addr && !f->domain)
            return xk_fail(c, ch, "dns <forwarder> needs addr= or domain=");
        return xk_finish(c, ch, NULL, NULL) < 0 ? -1 : 0;
    }
    if (IS(ch, "txt")) {
        struct net_dns_txt *t = xk_push(&d->txts, &d->n_txts, sizeof(*t));
        xk_set(&t->name, xk_take(ch, "name"));
        xk_set(&t->value, xk_take(ch, "value"));
        if (!t->name || !t->value || strchr(t->name, ' '))
            return xk_fail(c, ch, "dns <txt> needs a name= without spaces and "
                           "a value=");
        return xk_finish(c, ch, NULL, NULL) < 0 ? -1 : 0;
    }
    if (IS(ch, "host"))
        return dns_host(c, ch, d) < 0 ? -1 : 0;
    if (IS(ch, "srv"))
        return dns_srv(c, ch, d) < 0 ? -1 : 0;
    return 1;
}

int
nx_parse_dns(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    struct net_dns *d = &def->dns;

    def->has_dns = true;
    if (xk_tri(c, n, "enable", &d->enable) < 0 ||
        xk_tri(c, n, "forwardPlainNames", &d->forward_plain_names) < 0 ||
        xk_children(c, n, dns_child, d) < 0 || xk_finish(c, n, NULL, NULL) < 0)
        return -1;
    if (d->enable == LV_TRI_OFF &&
        (d->n_forwarders || d->n_txts || d->n_hosts || d->n_srvs ||
         d->forward_plain_names != LV_TRI_ABSENT))
        return xk_fail(c, n, "<dns enable='no'> must not have other dns "
                       "settings");
    return 0;
}

/* ---- <dnsmasq:options> ---- */

int
nx_parse_dnsmasq(struct xk_ctx *c, xmlNode *n, struct net_def *def)
{
    for (xmlNode *ch = n->children, *next; ch; ch = next) {
        char *v;
        next = ch->next;
        if (!IS(ch, "option") || !ch->ns ||
            strcmp((const char *)ch->ns->href, DNSMASQ_NS))
            continue;
        if (!(v = xk_take(ch, "value")))
            return xk_fail(c, ch, "<dnsmasq:option> has no value=");
        nx_push_str(&def->dnsmasq_options, &def->n_dnsmasq_options, v);
        if (xk_finish(c, ch, NULL, NULL) < 0)
            return -1;
        xk_consumed(ch);
    }
    return xk_finish(c, n, NULL, NULL);
}
