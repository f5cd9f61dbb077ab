/* path_policy.c - the host files a guest may use by path (see
 * path_policy.h). */
#include "path_policy.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strbuf.h"

int
path_policy_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 1 && dir[0] == '/')
        return path[0] == '/';
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static const char *
use_to_str(enum path_use use)
{
    switch (use) {
    case PATH_USE_KERNEL:
        return "a kernel";
    case PATH_USE_FIRMWARE:
        return "firmware";
    default:
        return "a disk image";
    }
}

int
path_policy_check(const char *resolved, mode_t mode, enum path_use use,
                  const char *what, struct lv_err *err)
{
    static const char *const never[] = { "/etc", "/proc", "/sys", NULL };

    for (int i = 0; never[i]; i++)
        if (path_policy_under(resolved, never[i])) {
            lv_err_set(err, LV_E_INVALID, "%s: '%s': files under %s are not "
                       "given to guests", what, resolved, never[i]);
            return -1;
        }
    if (path_policy_under(resolved, "/dev") &&
        !(use == PATH_USE_IMAGE && S_ISBLK(mode))) {
        lv_err_set(err, LV_E_INVALID, "%s: '%s': only block devices under /dev "
                   "are given to guests, as disk images", what, resolved);
        return -1;
    }
    if (path_policy_under(resolved, "/boot") && use != PATH_USE_KERNEL) {
        lv_err_set(err, LV_E_INVALID, "%s: '%s': files under /boot are given to "
                   "guests only as kernel, initrd or dtb", what, resolved);
        return -1;
    }
    if (!S_ISREG(mode) && !(use == PATH_USE_IMAGE && S_ISBLK(mode))) {
        lv_err_set(err, LV_E_INVALID, "%s: '%s': not a regular file%s; cannot "
                   "use it as %s", what, resolved,
                   use == PATH_USE_IMAGE ? " or block device" : "",
                   use_to_str(use));
        return -1;
    }
    return 0;
}

int
path_policy_resolve(const char *path, enum path_use use, const char *what,
                    char **resolved, struct lv_err *err)
{
    char *r = realpath(path, NULL);
    struct stat st;

    *resolved = NULL;
    if (!r) {
        lv_err_sys(err, "%s: cannot resolve '%s'", what, path);
        return -1;
    }
    if (stat(r, &st) < 0) {
        lv_err_sys(err, "%s: cannot use '%s'", what, r);
        free(r);
        return -1;
    }
    if (strcmp(r, path) == 0) {
        if (path_policy_check(r, st.st_mode, use, what, err) < 0) {
            free(r);
            return -1;
        }
    } else {
        /* say both names: the one in the XML and the file it reaches */
        struct lv_err e2 = LV_ERR_INIT;
        if (path_policy_check(r, st.st_mode, use, "", &e2) < 0) {
            lv_err_set(err, e2.code, "%s: '%s' leads to %s", what, path,
                       e2.msg + 2);
            free(r);
            return -1;
        }
    }
    *resolved = r;
    return 0;
}
