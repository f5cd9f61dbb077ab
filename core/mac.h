/* mac.h - MAC addresses, the one rule for XML and Lua tables, for domains
 * and networks alike. */
#ifndef LV_MAC_H
#define LV_MAC_H

/* Unicast, six colon-separated hex bytes: writes the lower-case form into
 * out and returns 0, or -1 if s is not such an address. */
int lv_mac_normalize(const char *s, char out[18]);
/* A new random 52:54:00:xx:xx:xx (QEMU's OUI, like libvirt); malloc'd. */
char *lv_mac_generate(void);

#endif
