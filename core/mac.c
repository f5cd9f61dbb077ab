/* mac.c - MAC addresses: the check and normal form, and new random ones
 * (see mac.h). */
#include "mac.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <uuid/uuid.h>

#include "strbuf.h"

int
lv_mac_normalize(const char *s, char out[18])
{
    unsigned b[6];
    char tail;

    if (!s || strlen(s) != 17 ||
        sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        if (!isxdigit((unsigned char)s[i * 3]) ||
            !isxdigit((unsigned char)s[i * 3 + 1]) ||
            (i < 5 && s[i * 3 + 2] != ':'))
            return -1;
    if (b[0] & 1)
        return -1;   /* multicast */
    for (int i = 0; i < 17; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[17] = '\0';
    return 0;
}

char *
lv_mac_generate(void)
{
    uuid_t r;

    uuid_generate_random(r);
    return lv_asprintf("52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
}
