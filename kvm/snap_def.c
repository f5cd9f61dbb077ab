/* snap_def.c - the snapshot definition's life cycle and its small tables
 * (see snap_def.h); the XML side is in snap_xml.c. */
#include "snap_def.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "strbuf.h"

static const char *const loc_names[] = {
    [SNAP_LOC_DEFAULT] = NULL, [SNAP_LOC_NO] = "no",
    [SNAP_LOC_INTERNAL] = "internal", [SNAP_LOC_EXTERNAL] = "external",
    [SNAP_LOC_MANUAL] = "manual",
};

const char *
snap_loc_to_str(enum snap_loc l)
{
    if ((size_t)l >= sizeof(loc_names) / sizeof(loc_names[0]))
        return NULL;
    return loc_names[l];
}

int
snap_loc_from_str(const char *s)
{
    for (size_t i = 1; i < sizeof(loc_names) / sizeof(loc_names[0]); i++)
        if (strcmp(s, loc_names[i]) == 0)
            return (int)i;
    return -1;
}

int
snap_state_valid(const char *s)
{
    /* virDomainSnapshotState: the domain states plus disk-snapshot */
    static const char *const states[] = {
        "nostate", "running", "blocked", "paused", "shutdown", "shutoff",
        "crashed", "pmsuspended", "disk-snapshot", NULL
    };
    for (int i = 0; states[i]; i++)
        if (strcmp(s, states[i]) == 0)
            return 1;
    return 0;
}

int
snap_def_check_name(const char *name, struct lv_err *err)
{
    return lv_name_check("snapshot", name, err);
}

struct snap_def *
snap_def_new(void)
{
    return lv_calloc(1, sizeof(struct snap_def));
}

static void
disk_clear(struct snap_disk *d)
{
    free(d->name);
    free(d->type);
    lv_attrs_clear(&d->driver_attrs);
    lv_xml_keep_clear(&d->driver_keep);
    lv_attrs_clear(&d->source_attrs);
    lv_xml_keep_clear(&d->source_keep);
}

void
snap_def_free(struct snap_def *def)
{
    if (!def)
        return;
    free(def->name);
    free(def->description);
    free(def->state);
    free(def->parent);
    free(def->memory_file);
    for (size_t i = 0; i < def->n_disks; i++)
        disk_clear(&def->disks[i]);
    free(def->disks);
    dom_def_free(def->dom);
    free(def->dom_uuid);
    free(def->inactive_dom_xml);
    free(def->cookie_xml);
    free(def);
}

void
snap_def_assign_defaults(struct snap_def *def, long long now)
{
    if (!def->creation_time)
        def->creation_time = now;
    if (!def->name)
        def->name = lv_asprintf("%lld", def->creation_time);
}
