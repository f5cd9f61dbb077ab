/* names.c - the name rule for every kind of object (see names.h). libvirt
 * refuses '/' and a leading '.' in file-backed names and newlines in
 * domain and snapshot names; luavirt refuses every control character for
 * every kind, so a name prints on one line and is a plain file name. */
#include "names.h"

#include <stdio.h>
#include <string.h>

/* name for a message: control characters as \xNN, cut at 60 bytes */
static void
printable(const char *name, char *out, size_t size)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (o + 8 >= size) {
            snprintf(out + o, size - o, "...");
            return;
        }
        if (*p < 0x20 || *p == 0x7f)
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
}

static const char *
why_bad(const char *name, char *why, size_t size)
{
    size_t len;

    if (!name || !*name)
        return "it is empty";
    len = strlen(name);
    if (len > LV_NAME_MAX) {
        snprintf(why, size, "it is %zu bytes long, at most %d", len, LV_NAME_MAX);
        return why;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, size, "it contains the control character 0x%02x", *p);
            return why;
        }
    }
    if (strchr(name, '/'))
        return "it contains '/'";
    if (name[0] == '.')
        return "it starts with '.'";
    return NULL;
}

int
lv_name_check(const char *kind, const char *name, struct lv_err *err)
{
    char why[80], shown[64];
    const char *reason = why_bad(name, why, sizeof(why));

    if (!reason)
        return 0;
    printable(name ? name : "", shown, sizeof(shown));
    lv_err_set(err, LV_E_INVALID, "%s '%s': invalid name: %s", kind, shown, reason);
    return -1;
}
