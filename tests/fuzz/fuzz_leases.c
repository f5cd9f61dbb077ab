/* fuzz_leases.c - libFuzzer target for the dnsmasq lease file parser
 * (net/leases.c): the file is written by dnsmasq from what DHCP clients
 * (guests) send, so every byte is the guest's to choose. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lv_err err = LV_ERR_INIT;
    struct net_dhcp_lease *l = NULL;
    size_t n = 0;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (net_leases_parse(text, 1700000000, &l, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (strlen(l[i].mac) >= sizeof(l[i].mac) || strlen(l[i].ip) >= sizeof(l[i].ip))
                abort();
        net_leases_free(l, n);
    }
    free(text);
    return 0;
}
