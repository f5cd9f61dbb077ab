/* cidata.c - cloud-init NoCloud seed images (ISO 9660, volume id
 * `cidata`) built in memory with libisofs and written with O_EXCL, so a
 * failed write leaves nothing behind. */
#include "cidata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "isofs_lib.h"
#include "strbuf.h"

/* libisofs, once loaded (iso_ready) */
static const struct lv_isofs *I;

#define CIDATA_SECTOR 2048

/* libisofs keeps process-wide state: set it up once, quietly (its
 * messages would go to stderr; failures reach us as return codes). */
static int
iso_ready(struct lv_err *err)
{
    static int ready;
    int r;

    if (ready)
        return 0;
    if (!(I = lv_isofs(err)))
        return -1;
    r = I->iso_init();
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "cidata: cannot start libisofs: %s",
                   I->iso_error_to_msg(r));
        return -1;
    }
    I->iso_set_msgs_severities((char *)"NEVER", (char *)"NEVER",
                            (char *)"libisofs");
    ready = 1;
    return 0;
}

/* Add file name with a copy of text to the image's root. */
static int
add_file(IsoImage *image, const char *name, const char *text, size_t len,
         struct lv_err *err)
{
    unsigned char *buf = lv_malloc(len ? len : 1);
    IsoStream *stream = NULL;
    IsoFile *file = NULL;
    int r;

    memcpy(buf, text, len);
    r = I->iso_memory_stream_new(buf, len, &stream);
    if (r < 0) {
        free(buf);
        lv_err_set(err, LV_E_SYSTEM, "cidata: %s: %s", name, I->iso_error_to_msg(r));
        return -1;
    }
    /* the file takes over our reference to the stream */
    r = I->iso_image_add_new_file(image, I->iso_image_get_root(image), name, stream,
                               &file);
    if (r < 0) {
        I->iso_stream_unref(stream);
        lv_err_set(err, LV_E_SYSTEM, "cidata: %s: %s", name, I->iso_error_to_msg(r));
        return -1;
    }
    I->iso_node_set_permissions((IsoNode *)file, 0444);
    return 0;
}

/* Read the whole image out of libisofs's writer (a thread behind a
 * burn_source) into b. */
static int
drain(struct burn_source *src, struct strbuf *b, struct lv_err *err)
{
    unsigned char sector[CIDATA_SECTOR];
    int n;

    for (;;) {
        n = src->read ? src->read(src, sector, sizeof(sector))
                      : src->read_xt(src, sector, sizeof(sector));
        if (n <= 0)
            break;
        strbuf_add(b, (const char *)sector, (size_t)n);
    }
    if (n < 0) {
        lv_err_set(err, LV_E_SYSTEM, "cidata: writing the ISO 9660 image failed");
        return -1;
    }
    return 0;
}

/* Rock Ridge (the names as given, lower case and dashes: what Linux's
 * isofs shows) and Joliet, like genisoimage -J -r. */
static IsoWriteOpts *
write_opts(struct lv_err *err)
{
    IsoWriteOpts *o = NULL;
    int r = I->iso_write_opts_new(&o, 0);

    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "cidata: %s", I->iso_error_to_msg(r));
        return NULL;
    }
    I->iso_write_opts_set_rockridge(o, 1);
    I->iso_write_opts_set_joliet(o, 1);
    I->iso_write_opts_set_iso_level(o, 2);
    /* the label stays `cidata` in lower case, as genisoimage writes it (ISO
     * 9660 would upper-case it; blkid and cloud-init look for cidata) */
    I->iso_write_opts_set_relaxed_vol_atts(o, 1);
    return o;
}

int
cidata_build(const struct cidata_files *f, char **iso, size_t *len,
             struct lv_err *err)
{
    IsoImage *image = NULL;
    IsoWriteOpts *opts = NULL;
    struct burn_source *src = NULL;
    struct strbuf b = STRBUF_INIT;
    int rc = -1, r;

    if (!f->user_data || !f->meta_data) {
        lv_err_set(err, LV_E_INVALID, "cidata: user-data and meta-data are required");
        return -1;
    }
    if (iso_ready(err) < 0)
        return -1;
    r = I->iso_image_new("cidata", &image);
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "cidata: %s", I->iso_error_to_msg(r));
        goto out;
    }
    I->iso_image_set_volume_id(image, "cidata");
    if (add_file(image, "user-data", f->user_data, f->user_data_len, err) < 0 ||
        add_file(image, "meta-data", f->meta_data, f->meta_data_len, err) < 0)
        goto out;
    if (f->network_config &&
        add_file(image, "network-config", f->network_config,
                 f->network_config_len, err) < 0)
        goto out;
    if (!(opts = write_opts(err)))
        goto out;
    r = I->iso_image_create_burn_source(image, opts, &src);
    if (r < 0) {
        lv_err_set(err, LV_E_SYSTEM, "cidata: %s", I->iso_error_to_msg(r));
        goto out;
    }
    if (drain(src, &b, err) < 0)
        goto out;
    *len = b.len;
    *iso = strbuf_steal(&b);
    rc = 0;
out:
    if (src) {
        src->free_data(src);
        free(src);
    }
    if (opts)
        I->iso_write_opts_free(opts);
    if (image)
        I->iso_image_unref(image);
    strbuf_free(&b);
    return rc;
}

int
cidata_write(const char *path, const struct cidata_files *f,
             struct lv_err *err)
{
    char *iso = NULL;
    size_t len = 0;
    int fd = -1, rc = -1, made = 0;

    if (cidata_build(f, &iso, &len, err) < 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            lv_err_set(err, LV_E_EXISTS, "cidata '%s': already exists", path);
        else
            lv_err_sys(err, "cidata '%s': cannot create", path);
        goto out;
    }
    made = 1;
    if (lv_write_all(fd, iso, len) < 0 || fsync(fd) < 0) {
        lv_err_sys(err, "cidata '%s': cannot write", path);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        lv_err_sys(err, "cidata '%s': cannot write", path);
        goto out;
    }
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc < 0 && made)
        unlink(path);
    free(iso);
    return rc;
}
