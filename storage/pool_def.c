/* pool_def.c - struct pool_def: the pool type table, allocation, release
 * and copy. XML lives in pool_xml.c. */
#include "pool_def.h"
#include "pool_xml.h"

#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "strbuf.h"

static const struct {
    const char *name;
    int supported;
} pool_types[POOL_TYPE__COUNT] = {
    [POOL_DIR] = { "dir", 1 },
    [POOL_FS] = { "fs", 1 },
    [POOL_NETFS] = { "netfs", 1 },
    [POOL_LOGICAL] = { "logical", 1 },
    [POOL_DISK] = { "disk", 0 },
    [POOL_ISCSI] = { "iscsi", 0 },
    [POOL_ISCSI_DIRECT] = { "iscsi-direct", 0 },
    [POOL_SCSI] = { "scsi", 0 },
    [POOL_MPATH] = { "mpath", 0 },
    [POOL_RBD] = { "rbd", 0 },
    [POOL_SHEEPDOG] = { "sheepdog", 0 },
    [POOL_GLUSTER] = { "gluster", 0 },
    [POOL_ZFS] = { "zfs", 0 },
    [POOL_VSTORAGE] = { "vstorage", 0 },
};

const char *
pool_type_to_str(enum pool_type t)
{
    if ((unsigned)t >= POOL_TYPE__COUNT)
        return NULL;
    return pool_types[t].name;
}

int
pool_type_from_str(const char *s)
{
    for (int i = 0; s && i < POOL_TYPE__COUNT; i++)
        if (!strcmp(pool_types[i].name, s))
            return i;
    return -1;
}

int
pool_type_is_supported(enum pool_type t)
{
    return (unsigned)t < POOL_TYPE__COUNT && pool_types[t].supported;
}

static void
perms_init(struct pool_perms *p)
{
    p->mode = -1;
    p->uid = -1;
    p->gid = -1;
    p->label = NULL;
}

void
pool_perms_clear(struct pool_perms *p)
{
    free(p->label);
    perms_init(p);
}

struct pool_def *
pool_def_new(void)
{
    struct pool_def *def = lv_calloc(1, sizeof(*def));

    perms_init(&def->target.perms);
    return def;
}

static void
source_clear(struct pool_source *s)
{
    for (size_t i = 0; i < s->n_hosts; i++)
        free(s->hosts[i].name);
    free(s->hosts);
    for (size_t i = 0; i < s->n_devices; i++)
        free(s->devices[i].path);
    free(s->devices);
    free(s->dir);
    free(s->adapter.type);
    lv_attrs_clear(&s->adapter.attrs);
    free(s->adapter.parentaddr_unique_id);
    lv_attrs_clear(&s->adapter.parentaddr);
    free(s->name);
    free(s->initiator_iqn);
    free(s->format);
    if (s->auth) {
        free(s->auth->type);
        free(s->auth->username);
        free(s->auth->secret_uuid);
        free(s->auth->secret_usage);
        free(s->auth);
    }
    free(s->protocol_ver);
    free(s->vendor);
    free(s->product);
}

void
pool_def_free(struct pool_def *def)
{
    if (!def)
        return;
    free(def->name);
    source_clear(&def->source);
    free(def->target.path);
    pool_perms_clear(&def->target.perms);
    free(def->refresh_vol_allocation);
    for (size_t i = 0; i < def->n_mount_opts; i++)
        free(def->mount_opts[i]);
    free(def->mount_opts);
    lv_attrs_clear(&def->rbd_config_opts);
    lv_xml_keep_clear(&def->keep);
    free(def);
}

/* Formatting and parsing back is the one deep copy that cannot fall out of
 * step with the struct: every field goes through the XML. */
struct pool_def *
pool_def_copy(const struct pool_def *def, struct lv_err *err)
{
    struct pool_def *copy = NULL;
    char *xml = pool_def_format_xml(def, 0, err);

    if (!xml)
        return NULL;
    copy = pool_def_parse_xml(xml, strlen(xml), "pool copy",
                              POOL_PARSE_KEEP_UNKNOWN | POOL_PARSE_LIVE, err);
    free(xml);
    return copy;
}

char *
pool_def_uuid_str(const struct pool_def *def, char buf[37])
{
    uuid_unparse_lower(def->uuid, buf);
    return buf;
}
