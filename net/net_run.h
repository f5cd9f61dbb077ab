/* net_run.h - the lifecycle of virtual networks, as virsh knows it:
 * define/undefine, create/start/destroy, autostart, status and net-update of
 * DHCP hosts. An active network has a run dir <run>/network/NAME/ holding
 * live.xml (the definition it runs with; its presence means "active"),
 * dnsmasq.conf, the hosts files, dnsmasq.pid, the lease file and the nft
 * ruleset. State changes take <run>/locks/net-NAME.lock; start and destroy
 * also take <run>/locks/net.lock, so subnet and bridge checks see a stable
 * set of active networks. */
#ifndef LV_NET_RUN_H
#define LV_NET_RUN_H

#include <stddef.h>
#include <sys/types.h>

#include "conn.h"
#include "err.h"
#include "net_def.h"

enum { NET_LIST_ACTIVE = 1 << 0, NET_LIST_INACTIVE = 1 << 1 };
enum { NET_UPDATE_LIVE = 1 << 0, NET_UPDATE_CONFIG = 1 << 1 };
enum net_update_cmd { NET_UPDATE_ADD = 0, NET_UPDATE_DELETE };

struct net_status {
    int active;
    int persistent;
    int autostart;
    char uuid[37];
    char bridge[64];       /* "" when none is known */
    int has_dnsmasq;       /* an active network that should run dnsmasq */
    pid_t dnsmasq_pid;     /* 0: not running */
};

/* <run>/network/NAME and files in it; malloc'd. */
char *net_run_dir(const struct lv_conn *c, const char *name);
char *net_run_file(const struct lv_conn *c, const char *name,
                   const char *file);
char *net_lock_path(const struct lv_conn *c, const char *name);
/* 1 if name is active, else 0. */
int net_run_active(const struct lv_conn *c, const char *name);

/* The definition of name: the live one when active and !inactive, else
 * the persistent one. Caller frees. LV_E_NO_NETWORK when neither. */
struct net_def *net_get_def(const struct lv_conn *c, const char *name,
                            int inactive, struct lv_err *err);
int net_status_read(const struct lv_conn *c, const char *name,
                    struct net_status *st, struct lv_err *err);
/* Sorted names of defined and/or active networks (lv_store_names_free). */
int net_list(const struct lv_conn *c, unsigned flags, char ***names,
             size_t *n, struct lv_err *err);
/* The name of the network with uuid (text form); malloc'd or NULL with
 * LV_E_NO_NETWORK. */
char *net_lookup_uuid(const struct lv_conn *c, const char *uuid,
                      struct lv_err *err);

/* Define (or redefine, same name and uuid) a network from XML. Assigns a
 * free virbrN when the XML names no bridge. *name gets the network's name
 * (malloc'd). Nothing changes on failure. */
int net_define(const struct lv_conn *c, const char *xml, size_t len,
               char **name, struct lv_err *err);
/* Remove name's persistent definition; an active network keeps running,
 * now transient. */
int net_undefine(const struct lv_conn *c, const char *name,
                 struct lv_err *err);
int net_autostart(const struct lv_conn *c, const char *name, int on,
                  struct lv_err *err);

/* Start a defined network: bridge, addresses, nftables rules, ip_forward,
 * dnsmasq. On failure every step done is undone. */
int net_start(const struct lv_conn *c, const char *name, struct lv_err *err);
/* Start a transient network from XML (*name as net_define). */
int net_create(const struct lv_conn *c, const char *xml, size_t len,
               char **name, struct lv_err *err);
/* Stop name: dnsmasq, rules, bridge, run dir. Refused (LV_E_BUSY, naming
 * the domains) while running domains use it, unless force. */
int net_destroy(const struct lv_conn *c, const char *name, int force,
                struct lv_err *err);

/* net-update add|delete ip-dhcp-host: xml is one <host .../>; flags
 * NET_UPDATE_LIVE and/or _CONFIG (neither: live if active, else config). */
int net_update_dhcp_host(const struct lv_conn *c, const char *name,
                         enum net_update_cmd cmd, const char *xml,
                         unsigned flags, struct lv_err *err);

/* Internal to net/: the global start/destroy lock (start.c, destroy.c). */
int net_run_global_lock(const struct lv_conn *c, struct lv_err *err);
/* Check def against the other networks (a name with another uuid, a uuid
 * with another name, a bridge name in use) and pick a free virbrN when it
 * names no bridge (or a "virbr%d" template). def's bridge may change. */
int net_run_prepare_def(const struct lv_conn *c, struct net_def *def,
                        struct lv_err *err);
/* Write live.xml for an active network. */
int net_run_save_live(const struct lv_conn *c, const struct net_def *def,
                      struct lv_err *err);
/* Paths and options of the dnsmasq files of def (strings malloc'd into o;
 * free with net_run_dnsmasq_opts_free). */
struct dnsmasq_conf_opts;
void net_run_dnsmasq_opts(const struct lv_conn *c, const struct net_def *def,
                          struct dnsmasq_conf_opts *o);
void net_run_dnsmasq_opts_free(struct dnsmasq_conf_opts *o);
/* Write the DHCP hosts and addn-hosts files of def (for start and for a
 * live net-update). */
int net_run_write_hosts(const struct lv_conn *c, const struct net_def *def,
                        struct lv_err *err);

/* Remove an inactive network's run files but its lease file (so guests
 * keep their addresses across a restart, like libvirt); the dir goes when
 * empty. */
void net_run_clean_dir(const struct lv_conn *c, const char *name);
/* ip_forward (net_start.c): enabled while a forwarding network is up; the
 * last one going down restores 0 if luavirt was the one that set it. Call
 * with the global lock held. */
int net_run_forward_enable(const struct lv_conn *c, struct lv_err *err);
void net_run_forward_release(const struct lv_conn *c, const char *leaving);
/* Does def's forward mode need forwarding and rules (nat, route, open)? */
int net_run_forwards(const struct net_def *def);

#endif
