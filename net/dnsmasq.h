/* dnsmasq.h - the dnsmasq process of an active network: started as a
 * daemon (it reports startup errors through its exit status and stderr),
 * found again through its pid file, told to re-read its hosts files, and
 * stopped with a deadline. A pid is believed only if /proc shows a live
 * (not zombie) dnsmasq whose command line names our config file. */
#ifndef LV_DNSMASQ_H
#define LV_DNSMASQ_H

#include <sys/types.h>

#include "err.h"

/* Start `dnsmasq --conf-file=conf_path` (the config must name pid_path as
 * its pid-file). Returns 0 once dnsmasq is serving, or -1 with err holding
 * dnsmasq's own last error line; nothing is left running on failure. */
int dnsmasq_start(const char *network, const char *conf_path,
                  const char *pid_path, struct lv_err *err);

/* The pid of the dnsmasq started with conf_path whose pid is in pid_path,
 * or 0 when it is not running (no pid file, a stale pid, a zombie). */
pid_t dnsmasq_pid(const char *pid_path, const char *conf_path);

/* SIGHUP: re-read the DHCP hosts and addn-hosts files. A dnsmasq that is
 * not running is an LV_E_STATE error naming the network. */
int dnsmasq_reload(const char *network, const char *pid_path,
                   const char *conf_path, struct lv_err *err);

/* Stop it (SIGTERM, then SIGKILL after 5 s) and remove the pid file. Not
 * running is not an error. */
int dnsmasq_stop(const char *network, const char *pid_path,
                 const char *conf_path, struct lv_err *err);

#endif
