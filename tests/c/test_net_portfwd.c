/* test_net_portfwd.c - port forwards: the forwards file text (format,
 * parse, bad lines) and the DNAT rules nft.c builds from them. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "net/net_portfwd.h"
#include "net/nft.h"

static const struct nft_portfwd fwds[] = {
    { NFT_TCP, 8080, "192.168.122.10", 80 },
    { NFT_UDP, 5353, "192.168.122.11", 53 },
};

static void
test_round_trip(void)
{
    const char *uuid = "0123456789abcdef0123456789abcdef";
    char *text = net_portfwd_format(fwds, 2, uuid), *again;
    struct nft_portfwd *v = NULL;
    size_t n = 0;
    char got_uuid[33];
    struct lv_err err = LV_ERR_INIT;

    CHECK(strstr(text, "uuid 0123456789abcdef0123456789abcdef\n"), "%s", text);
    CHECK(strstr(text, "\ntcp 8080 192.168.122.10 80\n"), "%s", text);
    CHECK(net_portfwd_parse(text, got_uuid, &v, &n, &err) == 0, "%s", err.msg);
    CHECK(n == 2 && strcmp(got_uuid, uuid) == 0, "n %zu uuid %s", n, got_uuid);
    for (size_t i = 0; i < n && n == 2; i++)
        CHECK(v[i].proto == fwds[i].proto &&
              v[i].host_port == fwds[i].host_port &&
              strcmp(v[i].guest_ip, fwds[i].guest_ip) == 0 &&
              v[i].guest_port == fwds[i].guest_port, "forward %zu", i);
    again = net_portfwd_format(v, n, got_uuid);
    CHECK(strcmp(again, text) == 0, "stable: %s", again);
    free(again);
    free(v);
    free(text);
}

static void
test_bad_lines(void)
{
    static const char *const bad[] = {
        "sctp 1 10.0.0.2 1\n", "tcp 0 10.0.0.2 1\n", "tcp 1 10.0.0.2 65536\n",
        "tcp 1 10.0.0 1\n", "tcp 1 10.0.0.2\n", "tcp 1 10.0.0.2 1 extra\n",
        "tcp x 10.0.0.2 1\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct nft_portfwd *v = NULL;
        size_t n = 0;
        char uuid[33];
        struct lv_err err = LV_ERR_INIT;
        int r = net_portfwd_parse(bad[i], uuid, &v, &n, &err);
        CHECK(r < 0 && err.code == LV_E_INVALID &&
              strstr(err.msg, "port forwards line 1: bad forward"),
              "'%s' refused: %d %s", bad[i], r, err.msg);
        free(v);
    }
}

static void
test_rules(void)
{
    struct nft_net n = { .table = "luavirt_default", .bridge = "virbr0",
                         .subnet = "192.168.122.0", .prefix = 24,
                         .mode = NFT_NAT, .fwds = fwds, .n_fwds = 2 };
    char *r = nft_ruleset(&n);

    CHECK(strstr(r, "  chain prerouting {\n    type nat hook prerouting "
                    "priority -100; policy accept;\n    fib daddr type local "
                    "tcp dport 8080 dnat ip to 192.168.122.10:80\n"), "%s", r);
    CHECK(strstr(r, "  chain output {\n    type nat hook output priority "
                    "-100;"), "%s", r);
    CHECK(strstr(r, "udp dport 5353 dnat ip to 192.168.122.11:53\n"), "%s", r);
    CHECK(strstr(r, "oifname \"virbr0\" ip daddr 192.168.122.10 tcp dport 80 "
                    "ct status dnat accept\n    oifname \"virbr0\" ip daddr "
                    "192.168.122.11 udp dport 53 ct status dnat accept\n    "
                    "iifname \"virbr0\" reject\n"),
          "accepted before the rejects: %s", r);
    free(r);
    n.n_fwds = 0;
    r = nft_ruleset(&n);
    CHECK(!strstr(r, "prerouting") && !strstr(r, "dnat"), "none: %s", r);
    free(r);
    CHECK(nft_proto_from_str("udp") == NFT_UDP &&
          nft_proto_from_str("icmp") < 0 &&
          strcmp(nft_proto_to_str(NFT_TCP), "tcp") == 0, "proto names");
}

int
main(void)
{
    test_round_trip();
    test_bad_lines();
    test_rules();
    return TEST_DONE();
}
