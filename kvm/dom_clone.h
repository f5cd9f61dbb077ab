/* dom_clone.h - a new guest from an existing one, as virt-clone makes it:
 * a new name, uuid and MAC addresses, copies of its writable disks (full,
 * or linked: a qcow2 overlay backed by the original) and of its NVRAM. */
#ifndef LV_DOM_CLONE_H
#define LV_DOM_CLONE_H

#include <stddef.h>

#include "conn.h"
#include "dom_def.h"
#include "err.h"
#include "qemu_img.h"

struct dom_clone_opts {
    const char *new_name;
    char *const *files;     /* new paths of the cloned disks, in order (-f) */
    size_t n_files;
    int auto_paths;         /* --auto-clone: derive the paths */
    int linked;             /* overlays backed by the original images */
    int preserve_data;      /* the files are there already: copy nothing */
    char *const *skip;      /* targets to leave shared (--skip-copy) */
    size_t n_skip;
    int dry_run;            /* plan and check, create nothing */
    qemu_img_progress_fn progress; /* per disk: percent of that copy */
    void *progress_arg;
    void (*on_disk)(const char *target, const char *from, const char *to,
                    void *arg);      /* before each copy */
};

/* Clone the shut off (or paused) domain src. Disks that are cdroms,
 * floppies, read-only or shareable stay shared; every other disk must be
 * a file and gets a new path (the next of o->files, else with auto_paths
 * the source's directory and a name where src's name becomes new_name,
 * or "-clone" is added), which must not exist unless preserve_data. On
 * success the new persistent definition (caller frees; with dry_run not
 * defined). On failure NULL with err naming the domain, the disk and the
 * cause, and every file made so far removed. */
struct dom_def *dom_clone(struct lv_conn *c, const char *src,
                          const struct dom_clone_opts *o, struct lv_err *err);

#endif
