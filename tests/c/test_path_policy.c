/* test_path_policy.c - which resolved host paths a guest may be given
 * (storage/path_policy.c), and resolution through symlinks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "storage/path_policy.h"
#include "strbuf.h"

static int
refused(const char *path, mode_t mode, enum path_use use, const char *cause)
{
    struct lv_err err = LV_ERR_INIT;
    int r = path_policy_check(path, mode, use, "disk 'vda'", &err);

    if (r == 0)
        return 0;
    return err.code == LV_E_INVALID && strstr(err.msg, "disk 'vda'") &&
           strstr(err.msg, path) && strstr(err.msg, cause);
}

static int
allowed(const char *path, mode_t mode, enum path_use use)
{
    struct lv_err err = LV_ERR_INIT;
    return path_policy_check(path, mode, use, "disk 'vda'", &err) == 0;
}

static void
test_check(void)
{
    CHECK(refused("/etc/shadow", S_IFREG, PATH_USE_IMAGE, "under /etc"), "/etc");
    CHECK(refused("/etc", S_IFDIR, PATH_USE_IMAGE, "under /etc"), "/etc itself");
    CHECK(refused("/proc/1/mem", S_IFREG, PATH_USE_IMAGE, "under /proc"), "/proc");
    CHECK(refused("/sys/kernel/x", S_IFREG, PATH_USE_KERNEL, "under /sys"), "/sys");
    CHECK(refused("/dev/mem", S_IFCHR, PATH_USE_IMAGE, "block devices"), "/dev char");
    CHECK(refused("/dev/shm/x.img", S_IFREG, PATH_USE_IMAGE, "block devices"),
          "/dev regular file");
    CHECK(allowed("/dev/vg0/lv1", S_IFBLK, PATH_USE_IMAGE), "block device image");
    CHECK(refused("/dev/sda", S_IFBLK, PATH_USE_KERNEL, "block devices"),
          "block device as kernel");
    CHECK(allowed("/boot/vmlinuz-6.1", S_IFREG, PATH_USE_KERNEL), "/boot kernel");
    CHECK(refused("/boot/vmlinuz-6.1", S_IFREG, PATH_USE_IMAGE, "only as kernel"),
          "/boot image");
    CHECK(refused("/boot/x.fd", S_IFREG, PATH_USE_FIRMWARE, "only as kernel"),
          "/boot loader");
    CHECK(allowed("/etcetera/a.qcow2", S_IFREG, PATH_USE_IMAGE), "/etcetera is not /etc");
    CHECK(allowed("/var/lib/luavirt/images/a.qcow2", S_IFREG, PATH_USE_IMAGE), "image");
    CHECK(refused("/tmp/fifo", S_IFIFO, PATH_USE_IMAGE, "not a regular file"), "fifo");
    CHECK(refused("/tmp/blk", S_IFBLK, PATH_USE_FIRMWARE, "not a regular file"),
          "block device as firmware");
    CHECK(path_policy_under("/a/b/c", "/a/b") && path_policy_under("/a/b", "/a/b/") &&
          !path_policy_under("/a/bc", "/a/b") && path_policy_under("/x", "/"),
          "under");
}

static void
test_resolve(void)
{
    char dir[] = "/tmp/lvpp.XXXXXX", *link, *img, *r = NULL;
    struct lv_err err = LV_ERR_INIT;
    FILE *f;

    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    link = lv_asprintf("%s/evil.img", dir);
    img = lv_asprintf("%s/good.img", dir);
    f = fopen(img, "w");
    if (f)
        fclose(f);
    CHECK(symlink("/etc/passwd", link) == 0, "symlink");
    CHECK(path_policy_resolve(link, PATH_USE_IMAGE, "disk 'vda'", &r, &err) < 0 &&
          r == NULL && strstr(err.msg, link) && strstr(err.msg, "leads to '/etc/passwd'") &&
          strstr(err.msg, "under /etc"), "link to /etc/passwd: %s", err.msg);
    unlink(link);
    CHECK(symlink(img, link) == 0, "symlink 2");
    CHECK(path_policy_resolve(link, PATH_USE_IMAGE, "disk 'vda'", &r, &err) == 0 &&
          r && !strcmp(r, img), "link to a file: resolved to it");
    free(r);
    r = NULL;
    unlink(link);
    CHECK(path_policy_resolve(link, PATH_USE_IMAGE, "disk 'vda'", &r, &err) < 0 &&
          strstr(err.msg, "cannot resolve"), "missing: %s", err.msg);
    unlink(img);
    rmdir(dir);
    free(link);
    free(img);
}

int
main(void)
{
    test_check();
    test_resolve();
    return TEST_DONE();
}
