/* leases.c - dnsmasq's lease file, read into struct net_dhcp_lease (see
 * net.h). One lease per line: "EXPIRY MAC IP HOSTNAME CLIENT-ID", where
 * "*" means none; after a "duid SERVER-DUID" line come the DHCPv6 leases,
 * whose second field is the IAID, not a MAC. */
#include "net.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mac.h"
#include "strbuf.h"

void
net_leases_free(struct net_dhcp_lease *leases, size_t n)
{
    if (!leases)
        return;
    for (size_t i = 0; i < n; i++) {
        free(leases[i].hostname);
        free(leases[i].client_id);
    }
    free(leases);
}

static char *
star_none(const char *s)
{
    return strcmp(s, "*") == 0 ? NULL : lv_strdup(s);
}

/* Fill l from the five fields of one line; -1 if they do not parse. */
static int
parse_fields(char **f, int v6, struct net_dhcp_lease *l)
{
    unsigned char buf[16];
    char *end;

    memset(l, 0, sizeof(*l));
    l->expiry = strtoll(f[0], &end, 10);
    if (*end || end == f[0])
        return -1;
    if (inet_pton(AF_INET, f[2], buf) == 1)
        l->family = AF_INET;
    else if (inet_pton(AF_INET6, f[2], buf) == 1)
        l->family = AF_INET6;
    else
        return -1;
    if (strlen(f[2]) >= sizeof(l->ip))
        return -1;
    strcpy(l->ip, f[2]);
    if (!v6 && lv_mac_normalize(f[1], l->mac) < 0)
        return -1;
    l->hostname = star_none(f[3]);
    l->client_id = star_none(f[4]);
    return 0;
}

static int
split(char *line, char **f, int max)
{
    int n = 0;
    char *save = NULL;

    for (char *t = strtok_r(line, " \t", &save); t && n < max;
         t = strtok_r(NULL, " \t", &save))
        f[n++] = t;
    return n;
}

int
net_leases_parse(const char *text, long long now,
                 struct net_dhcp_lease **out, size_t *n, struct lv_err *err)
{
    char *copy = lv_strdup(text ? text : ""), *save = NULL;
    struct net_dhcp_lease *v = NULL;
    size_t count = 0, cap = 0;
    int lineno = 0, v6 = 0, r = -1;

    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[6];
        int nf;
        lineno++;
        nf = split(line, f, 6);
        if (nf == 0)
            continue;
        if (strcmp(f[0], "duid") == 0) {
            v6 = 1;
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 8;
            v = lv_realloc(v, cap * sizeof(*v));
        }
        if (nf != 5 || parse_fields(f, v6, &v[count]) < 0) {
            lv_err_set(err, LV_E_INVALID, "lease file line %d: bad lease",
                       lineno);
            goto out;
        }
        if (now > 0 && v[count].expiry != 0 && v[count].expiry <= now) {
            free(v[count].hostname);
            free(v[count].client_id);
            continue;
        }
        count++;
    }
    *out = count ? v : NULL;
    *n = count;
    if (!count)
        free(v);
    v = NULL;
    r = 0;
out:
    if (v)
        net_leases_free(v, count);
    free(copy);
    return r;
}
