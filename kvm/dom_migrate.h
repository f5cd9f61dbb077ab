/* dom_migrate.h - live migration, the steps each host does (QEMU's own
 * migration protocol between the two QEMUs; the orchestration over two
 * connections is lua/recipes/migrate.lua, as libvirt's "peer to peer"
 * steps begin/prepare/perform/finish/confirm):
 *   destination  dom_migrate_prepare: the definition started paused with
 *                -incoming defer, listening on one address for this one
 *                migration (port chosen by QEMU)
 *   source       dom_migrate_send: the stream to that address, waited for
 *   destination  dom_migrate_finish: the guest runs there (or stays paused)
 *   source       dom_migrate_confirm: QEMU here quits ("shut off
 *                (migrated)"), or, when the destination failed, the guest
 *                goes on here.
 * A failure at any step leaves the guest running on the source. */
#ifndef LV_DOM_MIGRATE_H
#define LV_DOM_MIGRATE_H

#include <stdint.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"

/* What QEMU says of a migration in progress (query-migrate). */
struct dom_migrate_stats {
    char status[32];          /* setup, active, completed, failed, ... */
    uint64_t total_ms;        /* total-time */
    uint64_t downtime_ms;     /* downtime (when completed) */
    uint64_t transferred;     /* ram bytes sent */
    uint64_t remaining;       /* ram bytes left */
    uint64_t total;           /* ram bytes in all */
};

struct dom_migrate_opts {
    int live;                 /* 0: the guest is paused for the copy */
    uint64_t bandwidth_mib;   /* MiB/s; 0: no limit */
    uint64_t max_downtime_ms; /* 0: QEMU's default (300 ms) */
    int timeout_ms;           /* 0: 30 minutes */
    /* called about every 200 ms while the stream goes; NULL: none */
    void (*progress)(const struct dom_migrate_stats *s, void *arg);
    void *progress_arg;
};

/* Destination: start def (a transient guest of that name must not run
 * here, nor another with its uuid) paused with -incoming defer, and have
 * QEMU listen on listen_addr (an address of this host; NULL: 0.0.0.0).
 * *uri_out: "tcp:ADDR:PORT" for the source, malloc'd. */
int dom_migrate_prepare(struct lv_conn *c, const struct dom_def *def,
                        const char *listen_addr, char **uri_out, struct lv_err *err);

/* Source: stream the running (or paused) guest name to uri, wait until
 * QEMU says completed; the guest is then paused here (QEMU's postmigrate)
 * until dom_migrate_confirm. On failure the guest runs on as it did. */
int dom_migrate_send(struct lv_conn *c, const char *name, const char *uri,
                     const struct dom_migrate_opts *o, struct dom_migrate_stats *out,
                     struct lv_err *err);

/* Destination: wait for the incoming stream to be complete, then let the
 * guest run (run = 0: it stays paused, virsh migrate --suspend). */
int dom_migrate_finish(struct lv_conn *c, const char *name, int run, int timeout_ms,
                       struct lv_err *err);

/* Source: done = 1: the guest runs elsewhere now: QEMU here quits and the
 * guest reads "shut off (migrated)" (its images keep the owners the
 * destination's QEMU needs); done = 0: the destination failed: the guest
 * runs on here. */
int dom_migrate_confirm(struct lv_conn *c, const char *name, int done, struct lv_err *err);

/* From another command while a migration goes (domjobinfo): what QEMU says
 * of it (status "none" when there is none); -1 with err when the guest
 * does not run. */
int dom_migrate_query(struct lv_conn *c, const char *name, struct dom_migrate_stats *out,
                      struct lv_err *err);
/* migrate-setspeed / migrate-setmaxdowntime: 0 leaves a value as it is. */
int dom_migrate_tune(struct lv_conn *c, const char *name, uint64_t bandwidth_mib,
                     uint64_t max_downtime_ms, struct lv_err *err);

#endif
