/* nft.c - nftables rules of a network (see nft.h): the ruleset text and
 * loading/deleting it with the nft program through lv_spawn. The table is
 * family inet and replaced atomically ("add, delete, define" in one nft -f
 * transaction), so a table left by a crash is simply overwritten. */
#include "nft.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"

#define NFT_TIMEOUT_MS 10000

static const char *const proto_names[] = { [NFT_TCP] = "tcp",
                                           [NFT_UDP] = "udp" };

const char *
nft_proto_to_str(enum nft_proto p)
{
    return (unsigned)p < 2 ? proto_names[p] : "?";
}

int
nft_proto_from_str(const char *s)
{
    for (int i = 0; s && i < 2; i++)
        if (strcmp(s, proto_names[i]) == 0)
            return i;
    return -1;
}

int
nft_table_name(const char *root, const char *name, const char *uuid_hex, char *out,
               size_t n, struct lv_err *err)
{
    const char *use = name;
    uint32_t h = 2166136261u;   /* FNV-1a of the state root */
    int w;

    for (const char *p = root; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            use = uuid_hex;
    w = snprintf(out, n, "luavirt_%08x_%s", (unsigned)h, use);
    if (w < 0 || (size_t)w >= n || w > 200) {
        lv_err_set(err, LV_E_INVALID,
                   "network '%s': name too long for an nftables table", name);
        return -1;
    }
    return 0;
}

static void
add_forward(struct strbuf *b, const struct nft_net *n)
{
    const char *est = n->mode == NFT_NAT ? "ct state related,established " : "";
    char in_dev[64] = "", out_dev[64] = "";

    if (n->dev) {
        snprintf(in_dev, sizeof(in_dev), "iifname \"%s\" ", n->dev);
        snprintf(out_dev, sizeof(out_dev), "oifname \"%s\" ", n->dev);
    }
    strbuf_adds(b, "  chain forward {\n"
                   "    type filter hook forward priority filter; policy accept;\n");
    strbuf_addf(b, "    iifname \"%s\" oifname \"%s\" accept\n", n->bridge,
                n->bridge);
    strbuf_addf(b, "    iifname \"%s\" %sip saddr %s/%d accept\n", n->bridge,
                out_dev, n->subnet, n->prefix);
    strbuf_addf(b, "    oifname \"%s\" %sip daddr %s/%d %saccept\n", n->bridge,
                in_dev, n->subnet, n->prefix, est);
    if (n->subnet6) {
        strbuf_addf(b, "    iifname \"%s\" %sip6 saddr %s/%d accept\n",
                    n->bridge, out_dev, n->subnet6, n->prefix6);
        strbuf_addf(b, "    oifname \"%s\" %sip6 daddr %s/%d accept\n",
                    n->bridge, in_dev, n->subnet6, n->prefix6);
    }
    /* port forwards: new connections DNATed to a guest (prerouting) */
    for (size_t i = 0; i < n->n_fwds; i++) {
        const struct nft_portfwd *f = &n->fwds[i];
        strbuf_addf(b, "    oifname \"%s\" ip daddr %s %s dport %d "
                    "ct status dnat accept\n", n->bridge, f->guest_ip,
                    nft_proto_to_str(f->proto), f->guest_port);
    }
    /* anything else in or out of the bridge is refused, like libvirt */
    strbuf_addf(b, "    iifname \"%s\" reject\n", n->bridge);
    strbuf_addf(b, "    oifname \"%s\" reject\n", n->bridge);
    strbuf_adds(b, "  }\n");
}

static void
add_nat(struct strbuf *b, const struct nft_net *n)
{
    char out_dev[64] = "";
    const char *s = n->subnet;
    int p = n->prefix;

    if (n->dev)
        snprintf(out_dev, sizeof(out_dev), "oifname \"%s\" ", n->dev);
    strbuf_adds(b, "  chain postrouting {\n"
                   "    type nat hook postrouting priority srcnat; policy accept;\n");
    strbuf_addf(b, "    %sip saddr %s/%d ip daddr 224.0.0.0/24 return\n",
                out_dev, s, p);
    strbuf_addf(b, "    %sip saddr %s/%d ip daddr 255.255.255.255 return\n",
                out_dev, s, p);
    strbuf_addf(b, "    %sip saddr %s/%d ip daddr != %s/%d "
                "meta l4proto { tcp, udp } masquerade to :1024-65535\n",
                out_dev, s, p, s, p);
    strbuf_addf(b, "    %sip saddr %s/%d ip daddr != %s/%d masquerade\n",
                out_dev, s, p, s, p);
    strbuf_adds(b, "  }\n");
}

/* One DNAT chain per hook: prerouting for packets from outside, output for
 * connections the host itself makes; only to the host's own addresses, so
 * traffic routed through the host is never captured. */
static void
add_dnat(struct strbuf *b, const struct nft_net *n, const char *hook)
{
    /* nft 1.0 knows "dstnat" only in prerouting; it is -100 */
    strbuf_addf(b, "  chain %s {\n"
                   "    type nat hook %s priority -100; policy accept;\n",
                hook, hook);
    for (size_t i = 0; i < n->n_fwds; i++) {
        const struct nft_portfwd *f = &n->fwds[i];
        strbuf_addf(b, "    fib daddr type local %s dport %d "
                    "dnat ip to %s:%d\n", nft_proto_to_str(f->proto),
                    f->host_port, f->guest_ip, f->guest_port);
    }
    strbuf_adds(b, "  }\n");
}

char *
nft_ruleset(const struct nft_net *n)
{
    struct strbuf b = STRBUF_INIT;

    strbuf_addf(&b, "table inet %s\ndelete table inet %s\n", n->table,
                n->table);
    strbuf_addf(&b, "table inet %s {\n", n->table);
    add_forward(&b, n);
    if (n->mode == NFT_NAT)
        add_nat(&b, n);
    if (n->n_fwds > 0) {
        add_dnat(&b, n, "prerouting");
        add_dnat(&b, n, "output");
    }
    strbuf_adds(&b, "}\n");
    return strbuf_steal(&b);
}

/* nft's message for error messages: from its "Error:" line when there is
 * one (the lines after it quote the rule and point at it), else the last
 * non-empty line of s. */
static const char *
nft_message(char *s)
{
    char *end, *start;

    if (!s)
        return "";
    if ((start = strstr(s, "Error: "))) {
        start += 7;
        if ((end = strchr(start, '\n')))
            *end = '\0';
        return start;
    }
    return lv_last_line(s, NULL, "");
}

static int
run_nft(char *const argv[], char **errout, struct lv_err *err)
{
    char *out = NULL;
    int st = lv_spawn_capture(argv, &out, errout, NFT_TIMEOUT_MS, err);

    free(out);
    return st;
}

int
nft_apply(const char *path, const char *ruleset, struct lv_err *err)
{
    char *argv[] = { (char *)"nft", (char *)"-f", (char *)path, NULL };
    char *errout = NULL;
    int st, r = -1;

    if (lv_store_write_atomic(path, ruleset, strlen(ruleset), 0600, err) < 0)
        return -1;
    lv_log_debug("net: nft -f %s:\n%s", path, ruleset);
    if ((st = run_nft(argv, &errout, err)) < 0)
        goto out;
    if (st != 0) {
        lv_err_set(err, LV_E_SYSTEM, "nft: cannot load rules: %s",
                   nft_message(errout));
        goto out;
    }
    r = 0;
out:
    free(errout);
    return r;
}

int
nft_table_exists(const char *table, struct lv_err *err)
{
    char *argv[] = { (char *)"nft", (char *)"list", (char *)"table",
                     (char *)"inet", (char *)table, NULL };
    char *errout = NULL;
    int st = run_nft(argv, &errout, err);

    free(errout);
    if (st < 0)
        return -1;
    return st == 0;
}

int
nft_remove(const char *table, struct lv_err *err)
{
    char *argv[] = { (char *)"nft", (char *)"delete", (char *)"table",
                     (char *)"inet", (char *)table, NULL };
    char *errout = NULL;
    int st, r = -1;

    if ((st = run_nft(argv, &errout, err)) < 0)
        goto out;
    if (st != 0 && !strstr(errout ? errout : "", "No such file")) {
        lv_err_set(err, LV_E_SYSTEM, "nft: cannot delete table '%s': %s",
                   table, nft_message(errout));
        goto out;
    }
    r = 0;
out:
    free(errout);
    return r;
}
