/* isofs_lib.c - libisofs loaded on first use (isofs_lib.h). */
#include "isofs_lib.h"

#include "lazy_lib.h"

#define LIBISOFS "libisofs.so.6"

const struct lv_isofs *
lv_isofs(struct lv_err *err)
{
    static struct lv_isofs iso;
    static int loaded;
    static const struct lv_lazy_sym syms[] = {
#define SYM(f) LV_LAZY_SYM(struct lv_isofs, f)
        SYM(iso_init), SYM(iso_error_to_msg), SYM(iso_set_msgs_severities),
        SYM(iso_memory_stream_new), SYM(iso_stream_unref), SYM(iso_image_new),
        SYM(iso_image_unref), SYM(iso_image_get_root), SYM(iso_image_add_new_file),
        SYM(iso_image_set_volume_id), SYM(iso_image_create_burn_source),
        SYM(iso_node_set_permissions), SYM(iso_write_opts_new),
        SYM(iso_write_opts_free), SYM(iso_write_opts_set_rockridge),
        SYM(iso_write_opts_set_joliet), SYM(iso_write_opts_set_iso_level),
        SYM(iso_write_opts_set_relaxed_vol_atts),
#undef SYM
    };

    if (!loaded && lv_lazy_load(LIBISOFS, "cloud-init seed", syms,
                                sizeof(syms) / sizeof(syms[0]), &iso, err) < 0)
        return NULL;
    loaded = 1;
    return &iso;
}
