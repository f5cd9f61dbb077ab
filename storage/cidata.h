/* cidata.h - cloud-init NoCloud seeds: an ISO 9660 volume labelled
 * `cidata` (Rock Ridge and Joliet names) holding user-data, meta-data and,
 * when given, network-config, as cloud-init's NoCloud datasource reads it
 * and as `genisoimage -V cidata -J -r` writes it. Built with libisofs. */
#ifndef LV_CIDATA_H
#define LV_CIDATA_H

#include <stddef.h>

#include "err.h"

/* The seed's files: user_data and meta_data are required (either may be
 * empty text), network_config may be NULL (no such file in the seed). */
struct cidata_files {
    const char *user_data;
    size_t user_data_len;
    const char *meta_data;
    size_t meta_data_len;
    const char *network_config;
    size_t network_config_len;
};

/* The seed image in memory: *iso (malloc'd, the caller frees) and *len.
 * Returns 0, or -1 with err (nothing allocated). */
int cidata_build(const struct cidata_files *f, char **iso, size_t *len,
                 struct lv_err *err);

/* Write the seed to path, which must not exist (O_EXCL), mode 0600: the
 * user-data may hold password hashes and keys. Returns 0, or -1 with err
 * and no file left behind. */
int cidata_write(const char *path, const struct cidata_files *f,
                 struct lv_err *err);

#endif
