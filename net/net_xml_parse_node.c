/* net_xml_parse_node.c - the network parser's own node helpers
 * (net_xml_priv.h): string arrays and address attributes; the generic ones
 * are core/xml_kit.h's. */
#include "net_xml_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
nx_push_str(char ***v, size_t *n, char *s)
{
    char **slot = xk_push(v, n, sizeof(**v));
    *slot = s;
}

/* ---- addresses ---- */

/* family of address text: AF_INET, AF_INET6, or -1 */
int
nx_addr_family(const char *s, unsigned char out[16])
{
    unsigned char tmp[16];

    if (!out)
        out = tmp;
    memset(out, 0, 16);
    if (s && inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    if (s && inet_pton(AF_INET6, s, out) == 1)
        return AF_INET6;
    return -1;
}

int
nx_want_af(enum net_family f)
{
    return f == NET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

/* Take a required or optional address attribute of the family af (0:
 * either); bad text is reported with the value. */
int
nx_take_addr(struct xk_ctx *c, xmlNode *node, const char *name, int af,
             int required, char **dst)
{
    char *s = xk_take(node, name);
    int got;

    if (!s)
        return required ? xk_fail(c, node, "<%s> has no %s=", NAME(node),
                                  name) : 0;
    got = nx_addr_family(s, NULL);
    if (got < 0 || (af && got != af)) {
        int rc = xk_fail(c, node, "invalid %s address '%s' in %s= of <%s>",
                         af == AF_INET6 ? "IPv6" : af ? "IPv4" : "IP", s, name,
                         NAME(node));
        free(s);
        return rc;
    }
    free(*dst);
    *dst = s;
    return 0;
}
