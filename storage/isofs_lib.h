/* isofs_lib.h - libisofs, loaded when a cloud-init seed is first made
 * (core/lazy_lib.h): every other command would pay for mapping it and the
 * libjte, libacl and libbz2 behind it. */
#ifndef LV_ISOFS_LIB_H
#define LV_ISOFS_LIB_H

#include <stdint.h>
#include <sys/types.h>

/* the struct burn_source of libisofs.h: we read the image ourselves, with
 * no libburn */
#define LIBISOFS_WITHOUT_LIBBURN 1
/* libisofs.h declares iso_init() and others without (void) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <libisofs.h>
#pragma GCC diagnostic pop

#include "err.h"

/* The libisofs functions cidata.c calls, with libisofs's own types. */
struct lv_isofs {
    __typeof__(iso_init) *iso_init;
    __typeof__(iso_error_to_msg) *iso_error_to_msg;
    __typeof__(iso_set_msgs_severities) *iso_set_msgs_severities;
    __typeof__(iso_memory_stream_new) *iso_memory_stream_new;
    __typeof__(iso_stream_unref) *iso_stream_unref;
    __typeof__(iso_image_new) *iso_image_new;
    __typeof__(iso_image_unref) *iso_image_unref;
    __typeof__(iso_image_get_root) *iso_image_get_root;
    __typeof__(iso_image_add_new_file) *iso_image_add_new_file;
    __typeof__(iso_image_set_volume_id) *iso_image_set_volume_id;
    __typeof__(iso_image_create_burn_source) *iso_image_create_burn_source;
    __typeof__(iso_node_set_permissions) *iso_node_set_permissions;
    __typeof__(iso_write_opts_new) *iso_write_opts_new;
    __typeof__(iso_write_opts_free) *iso_write_opts_free;
    __typeof__(iso_write_opts_set_rockridge) *iso_write_opts_set_rockridge;
    __typeof__(iso_write_opts_set_joliet) *iso_write_opts_set_joliet;
    __typeof__(iso_write_opts_set_iso_level) *iso_write_opts_set_iso_level;
    __typeof__(iso_write_opts_set_relaxed_vol_atts) *iso_write_opts_set_relaxed_vol_atts;
};

/* libisofs (libisofs.so.6), loaded once; NULL with err naming the library
 * and dlopen's reason when it cannot be. */
const struct lv_isofs *lv_isofs(struct lv_err *err);

#endif
