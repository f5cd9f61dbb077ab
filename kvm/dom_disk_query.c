/* dom_disk_query.c - a disk's sizes (domblkinfo), I/O counters
 * (domblkstat) and resize (blockresize), from QMP on a running guest and
 * from qemu-img and stat() on an inactive one (see dom_disk.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom.h"
#include "dom_disk_priv.h"
#include "spawn.h"
#include "strbuf.h"
#include "qemu_img.h"


/* Physical size and allocation of the host file or device at path. */
static int
host_sizes(const char *path, struct dom_disk_info *out, struct lv_err *err)
{
    struct stat sb;
    int fd;
    off_t end;

    if (stat(path, &sb) < 0) {
        lv_err_sys(err, "disk image '%s': cannot stat", path);
        return -1;
    }
    if (!S_ISBLK(sb.st_mode)) {
        out->physical = (uint64_t)sb.st_size;
        out->allocation = (uint64_t)sb.st_blocks * 512;
        return 0;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lv_err_sys(err, "block device '%s': cannot open", path);
        return -1;
    }
    end = lseek(fd, 0, SEEK_END);
    close(fd);
    out->physical = out->allocation = end > 0 ? (uint64_t)end : 0;
    return 0;
}

/* The virtual size of an image by qemu-img info (shared, so it also works
 * while a guest has it open). */
static int
image_capacity(const char *path, uint64_t *cap, struct lv_err *err)
{
    struct qemu_img_info info;

    if (qemu_img_info(path, &info, err) < 0) {
        err->code = LV_E_INVALID;
        return -1;
    }
    *cap = info.capacity;
    qemu_img_info_clear(&info);
    return 0;
}

static int
live_capacity(struct dom_edit_op *op, const struct dom_disk *k, uint64_t *cap,
              struct lv_err *err)
{
    char *id = dom_disk_qdev_id(k);
    struct qmp *q = dom_edit_op_qmp(op, err);
    json_t *r = q ? dom_qmp_run(q, "query-block", NULL, err) : NULL, *e;
    size_t i;
    int ret = -1;

    json_array_foreach(r, i, e) {
        json_t *img = json_object_get(json_object_get(e, "inserted"), "image");
        if (!dom_disk_qdev_match(json_string_value(json_object_get(e, "qdev")), id))
            continue;
        if (json_is_integer(json_object_get(img, "virtual-size"))) {
            *cap = (uint64_t)json_integer_value(json_object_get(img, "virtual-size"));
            ret = 0;
        }
    }
    if (r && ret < 0)
        lv_err_set(err, LV_E_QEMU, "domain '%s': disk '%s': QEMU reports no "
                   "image for device '%s'", op->name, k->target_dev, id);
    json_decref(r);
    free(id);
    return ret;
}

/* Begin an op on name over the live definition when running, else the
 * persistent one, and find the disk key in it. */
static const struct dom_disk *
begin_find(struct dom_edit_op *op, struct lv_conn *c, const char *name,
           const char *key, int need_live, struct lv_err *err)
{
    struct dom_scope live = { 1, 0 }, conf = { 0, 1 };
    struct dom_status st;
    const struct dom_def *def;
    const struct dom_disk *k;

    if (dom_status_read(c, name, &st, err) < 0)
        return NULL;
    op->c = c;
    op->name = name;
    if (dom_edit_op_begin(op, need_live || st.state != DOM_STATE_SHUTOFF ?
                          &live : &conf, "query disk", err) < 0)
        return NULL;
    def = op->live_def ? op->live_def : op->conf_def;
    k = dom_disk_find(def, key);
    if (!k)
        lv_err_set(err, LV_E_INVALID, "domain '%s': no disk with target or source "
                   "'%s'", name, key);
    return k;
}

int
dom_disk_block_info(struct lv_conn *c, const char *name, const char *target,
                    struct dom_disk_info *out, struct lv_err *err)
{
    struct dom_edit_op op = { .s.lock_fd = -1 };
    const struct dom_disk *k = begin_find(&op, c, name, target, 0, err);
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (!k)
        goto out;
    if (!k->source || (k->type != DOM_DISK_FILE && k->type != DOM_DISK_BLOCK)) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s' has no %s", name,
                   k->target_dev, k->source ? "local image" : "medium");
        goto out;
    }
    if (host_sizes(k->source, out, err) < 0)
        goto out;
    if (op.live_def ? live_capacity(&op, k, &out->capacity, err) < 0
                    : image_capacity(k->source, &out->capacity, err) < 0)
        goto out;
    ret = 0;
out:
    dom_edit_op_end(&op);
    return ret;
}

static long long
stat_num(json_t *stats, const char *key)
{
    return (long long)json_integer_value(json_object_get(stats, key));
}

int
dom_disk_block_stats(struct lv_conn *c, const char *name, const char *target,
                     struct dom_disk_stats *out, struct lv_err *err)
{
    struct dom_edit_op op = { .s.lock_fd = -1 };
    const struct dom_disk *k = begin_find(&op, c, name, target, 1, err);
    struct qmp *q;
    json_t *r = NULL, *e, *s = NULL;
    char *id = NULL;
    size_t i;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (!k || !(q = dom_edit_op_qmp(&op, err)) ||
        !(r = dom_qmp_run(q, "query-blockstats", NULL, err)))
        goto out;
    id = dom_disk_qdev_id(k);
    json_array_foreach(r, i, e)
        if (dom_disk_qdev_match(json_string_value(json_object_get(e, "qdev")), id))
            s = json_object_get(e, "stats");
    if (!s) {
        lv_err_set(err, LV_E_QEMU, "domain '%s': disk '%s': QEMU has no statistics "
                   "for device '%s'", name, k->target_dev, id);
        goto out;
    }
    out->rd_req = stat_num(s, "rd_operations");
    out->rd_bytes = stat_num(s, "rd_bytes");
    out->wr_req = stat_num(s, "wr_operations");
    out->wr_bytes = stat_num(s, "wr_bytes");
    out->flush_operations = stat_num(s, "flush_operations");
    out->rd_total_times = stat_num(s, "rd_total_time_ns");
    out->wr_total_times = stat_num(s, "wr_total_time_ns");
    out->flush_total_times = stat_num(s, "flush_total_time_ns");
    ret = 0;
out:
    free(id);
    json_decref(r);
    dom_edit_op_end(&op);
    return ret;
}

int
dom_disk_block_resize(struct lv_conn *c, const char *name, const char *target,
                      uint64_t size, struct lv_err *err)
{
    struct dom_edit_op op = { .s.lock_fd = -1 };
    const struct dom_disk *k = begin_find(&op, c, name, target, 1, err);
    struct qmp *q;
    char *id = NULL, *node = NULL;
    json_t *args = NULL, *r = NULL;
    int ret = -1;

    if (!k || !(q = dom_edit_op_qmp(&op, err)))
        goto out;
    id = dom_disk_qdev_id(k);
    if (dom_disk_top_node(q, name, id, &node, err) < 0)
        goto out;
    if (!node) {
        lv_err_set(err, LV_E_INVALID, "domain '%s': disk '%s' has no medium",
                   name, k->target_dev);
        goto out;
    }
    args = json_pack("{s:s, s:I}", "node-name", node, "size", (json_int_t)size);
    r = dom_qmp_run(q, "block_resize", args, err);
    args = NULL;
    if (!r) {
        lv_err_prefix(err, "disk '%s': cannot resize: ", k->target_dev);
        goto out;
    }
    ret = 0;
out:
    json_decref(r);
    json_decref(args);
    free(node);
    free(id);
    dom_edit_op_end(&op);
    return ret;
}
