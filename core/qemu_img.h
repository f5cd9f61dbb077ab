/* qemu_img.h - running qemu-img for storage/ and kvm/: an argv run whose failure
 * carries qemu-img's own last stderr line, `qemu-img info --output=json`
 * read into a struct, and runs that report progress (convert -p). */
#ifndef LV_QEMU_IMG_H
#define LV_QEMU_IMG_H

#include <stdint.h>

#include "err.h"

struct qemu_img_info {
    char *format;          /* "raw", "qcow2", ... */
    uint64_t capacity;     /* virtual-size, bytes */
    uint64_t allocation;   /* actual-size, bytes */
    char *backing;         /* backing-filename or NULL */
    char *backing_format;  /* backing-filename-format or NULL */
};

/* Progress in percent (0..100); return non-zero to cancel the run. */
typedef int (*qemu_img_progress_fn)(double percent, void *arg);

/* Run argv (argv[0] = "qemu-img") to completion. what names the object for
 * the message ("volume 'a.qcow2'"). On failure -1 with LV_E_QEMU and
 * "<what>: qemu-img <sub> failed: <last stderr line>". */
int qemu_img_run(char *const argv[], const char *what, struct lv_err *err);
/* Like qemu_img_run, keeping what qemu-img wrote to stdout in
 * *stdout_text (malloc'd) on success. */
int qemu_img_capture(char *const argv[], char **stdout_text, const char *what,
                     struct lv_err *err);

/* Like qemu_img_run for an argv with -p: the progress lines qemu-img
 * writes ("(42.00/100%)") are passed to fn (may be NULL). */
int qemu_img_run_progress(char *const argv[], const char *what,
                          qemu_img_progress_fn fn, void *arg,
                          struct lv_err *err);

/* `qemu-img info --output=json -U path` into *info (cleared first; free
 * with qemu_img_info_clear). -1 with err naming path on failure. */
int qemu_img_info(const char *path, struct qemu_img_info *info,
                  struct lv_err *err);
void qemu_img_info_clear(struct qemu_img_info *info);

#endif
