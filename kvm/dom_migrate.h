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
#include "dom_migrate_disk.h"
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
    /* copying storage: the disks are mirrored to the destination's NBD
     * server at nbd ("HOST:PORT", from dom_migrate_prepare) first */
    enum dom_migrate_copy copy;
    const char *nbd;
    /* called about every 200 ms while the stream goes; NULL: none */
    void (*progress)(const struct dom_migrate_stats *s, void *arg);
    void *progress_arg;
};

/* What the destination is told besides the definition. */
struct dom_migrate_incoming {
    const char *listen;       /* an address of this host; NULL: 0.0.0.0 */
    enum dom_migrate_copy copy;
    const struct dom_migrate_disk *disks;   /* with copy: the source's */
    size_t n_disks;
    /* through ssh (virsh migrate --tunnelled): QEMU listens on a unix
     * socket in the guest's run dir, the NBD server too; no TCP port */
    int tunnelled;
};

/* Destination: start def (a transient guest of that name must not run
 * here, nor another with its uuid) paused with -incoming defer, and have
 * QEMU listen on in->listen. *uri_out: "tcp:ADDR:PORT" for the source
 * ("unix:PATH" tunnelled: the source reaches it through ssh), malloc'd. With in->copy, the images are made first where missing
 * (dom_migrate_disks_create; def's chains change with COPY_ALL) and
 * *nbd_out gets the "ADDR:PORT" (or "unix:PATH") of the NBD server that
 * takes the disks;
 * images made for a migration go again when the guest stops before
 * dom_migrate_finish (dom_migrate_images_drop). */
int dom_migrate_prepare(struct lv_conn *c, struct dom_def *def,
                        const struct dom_migrate_incoming *in, char **uri_out, char **nbd_out,
                        struct lv_err *err);
/* The guest of run_dir stopped: images made for an incoming migration
 * that did not finish go (the supervisor calls it). */
void dom_migrate_images_drop(const char *run_dir);

/* Source: stream the running (or paused) guest name to uri ("tcp:HOST:PORT",
 * or "unix:PATH": a socket this process connects to for QEMU, the end of an
 * ssh tunnel), wait until
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
