/* dom_agent.h - the QEMU guest agent of a running guest: its
 * org.qemu.guest_agent.0 virtio-serial channel (a unix socket QEMU
 * listens on, in the run dir unless the XML names one), spoken to as
 * libvirt does: a guest-sync with a fresh id flushes what an earlier
 * client left, then the command, each answer one JSON line, every wait
 * with a deadline. */
#ifndef LV_DOM_AGENT_H
#define LV_DOM_AGENT_H

#include <jansson.h>
#include <stddef.h>

#include "conn.h"
#include "err.h"

#define DOM_AGENT_TIMEOUT_MS 10000

/* Run cmd ({"execute": ..., "arguments": ...}; taken over) on name's
 * agent; the "return" value (new reference; json null for a command that
 * answers nothing, such as guest-shutdown), or NULL with err: no agent
 * channel (LV_E_UNSUPPORTED), not running (LV_E_STATE), no answer in
 * timeout_ms (LV_E_TIMEOUT), the agent's error (LV_E_QEMU). */
json_t *dom_agent_command(struct lv_conn *c, const char *name, json_t *cmd,
                          int timeout_ms, struct lv_err *err);

/* guest-shutdown (powerdown): the guest powers itself off. */
int dom_agent_shutdown(struct lv_conn *c, const char *name, struct lv_err *err);

struct dom_net_addr;
/* The guest's addresses from guest-network-get-interfaces, in
 * dom_net_addr rows (loopback left out); *out malloc'd. */
int dom_agent_addresses(struct lv_conn *c, const char *name,
                        struct dom_net_addr **out, size_t *n, struct lv_err *err);

#endif
