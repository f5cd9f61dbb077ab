/* dom_disk_op.c - what every change to a guest's disks shares (see
 * dom_disk_priv.h): the QMP lookups of a disk's block nodes that hotplug,
 * media changes and statistics use, its device id, its format. The frame
 * of the change (lock, scope, definitions) is dom_edit_op.h's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dom.h"
#include "dom_disk_priv.h"
#include "dom_store.h"
#include "dom_xml.h"
#include "log.h"
#include "spawn.h"
#include "store.h"
#include "strbuf.h"
#include "qemu_img.h"

char *
dom_disk_qdev_id(const struct dom_disk *k)
{
    if (k->alias)
        return lv_strdup(k->alias);
    return lv_asprintf("disk-%s", k->target_dev ? k->target_dev : "");
}

int
dom_disk_qdev_match(const char *qdev, const char *id)
{
    static const char prefix[] = "/machine/peripheral/";
    size_t n = strlen(id);

    if (!qdev)
        return 0;
    if (!strcmp(qdev, id))
        return 1;
    if (strncmp(qdev, prefix, sizeof(prefix) - 1))
        return 0;
    qdev += sizeof(prefix) - 1;
    return !strncmp(qdev, id, n) && (qdev[n] == '\0' || qdev[n] == '/');
}

int
dom_disk_top_node(struct qmp *q, const char *name, const char *id, char **node,
                  struct lv_err *err)
{
    json_t *r = dom_qmp_run(q, "query-block", NULL, err);
    json_t *e;
    size_t i;
    int ret = -1;

    *node = NULL;
    if (!r)
        return -1;
    json_array_foreach(r, i, e) {
        const char *qdev = json_string_value(json_object_get(e, "qdev"));
        json_t *ins = json_object_get(e, "inserted");
        const char *nn = json_string_value(json_object_get(ins, "node-name"));
        if (!dom_disk_qdev_match(qdev, id))
            continue;
        if (nn)
            *node = lv_strdup(nn);
        ret = 0;
        break;
    }
    if (ret < 0)
        lv_err_set(err, LV_E_QEMU, "domain '%s': QEMU has no block device '%s'",
                   name, id);
    json_decref(r);
    return ret;
}

int
dom_disk_live_node(struct qmp *q, const char *name, const struct dom_disk *k, char **node,
                   struct lv_err *err)
{
    char *id = dom_disk_qdev_id(k);
    int r = dom_disk_top_node(q, name, id, node, err);

    free(id);
    if (r == 0 && !*node) {
        lv_err_set(err, LV_E_STATE, "domain '%s': disk '%s' holds no medium", name,
                   k->target_dev);
        r = -1;
    }
    return r;
}

static void
del_node(struct qmp *q, const char *name, const char *node)
{
    struct lv_err err = LV_ERR_INIT;
    json_t *r = dom_qmp_run(q, "blockdev-del", json_pack("{s:s}", "node-name", node),
                            &err);

    if (!r)
        lv_log_debug("dom %s: blockdev-del %s: %s", name, node, err.msg);
    json_decref(r);
}

void
dom_disk_del_nodes(struct qmp *q, const char *name, const char *node)
{
    static const char fmt[] = "-format";
    size_t n;
    char *storage;

    if (!node)
        return;
    del_node(q, name, node);
    n = strlen(node);
    if (n <= sizeof(fmt) - 1 || strcmp(node + n - (sizeof(fmt) - 1), fmt))
        return;
    storage = lv_asprintf("%.*s-storage", (int)(n - (sizeof(fmt) - 1)), node);
    del_node(q, name, storage);
    free(storage);
}

char *
dom_disk_probe_format(const char *path, struct lv_err *err)
{
    struct qemu_img_info info;
    char *fmt;

    /* an image qemu-img cannot read is bad input, not a QEMU failure */
    if (qemu_img_info(path, &info, err) < 0) {
        err->code = LV_E_INVALID;
        return NULL;
    }
    if (!info.format)
        lv_err_set(err, LV_E_INVALID, "disk image '%s': qemu-img info gave no "
                   "format", path);
    fmt = info.format;
    info.format = NULL;
    qemu_img_info_clear(&info);
    return fmt;
}

void
dom_disk_remove_at(struct dom_def *def, size_t i)
{
    /* dom_def_free() is the one place that knows a disk's members */
    struct dom_def *tmp = dom_def_new();

    tmp->disks = lv_malloc(sizeof(*tmp->disks));
    tmp->disks[0] = def->disks[i];
    tmp->n_disks = 1;
    memmove(&def->disks[i], &def->disks[i + 1],
            (def->n_disks - i - 1) * sizeof(*def->disks));
    def->n_disks--;
    dom_def_free(tmp);
}

int
dom_disk_same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    if (!a || !b)
        return 0;
    if (!strcmp(a, b))
        return 1;
    if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
        return 0;
    if (S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode))
        return sa.st_rdev == sb.st_rdev;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

struct dom_disk *
dom_disk_find(const struct dom_def *def, const char *key)
{
    for (size_t i = 0; i < def->n_disks; i++)
        if (def->disks[i].target_dev && !strcmp(def->disks[i].target_dev, key))
            return &def->disks[i];
    for (size_t i = 0; i < def->n_disks; i++)
        if (def->disks[i].source && dom_disk_same_file(def->disks[i].source, key))
            return &def->disks[i];
    return NULL;
}
