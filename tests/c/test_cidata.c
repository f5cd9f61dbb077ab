/* test_cidata.c - NoCloud seed images (storage/cidata.c): an ISO 9660
 * primary volume labelled `cidata` with the three files under their Rock
 * Ridge names and their content; O_EXCL writes that leave nothing behind
 * on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "storage/cidata.h"

#define USER "#cloud-config\nhostname: seeded\n"
#define META "instance-id: iid-42\nlocal-hostname: seeded\n"
#define NETC "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n"

static int
contains(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle)) != NULL;
}

static void
test_build(void)
{
    struct cidata_files f = { USER, strlen(USER), META, strlen(META), NETC,
                              strlen(NETC) };
    struct lv_err err = LV_ERR_INIT;
    char *iso = NULL;
    size_t len = 0;
    int rc = cidata_build(&f, &iso, &len, &err);

    CHECK(rc == 0, "build: %s", err.msg);
    if (rc < 0)
        return;
    CHECK(len % 2048 == 0 && len >= 17 * 2048, "whole sectors: %zu bytes", len);
    /* the primary volume descriptor sits in sector 16 */
    CHECK(len > 32768 + 72 && iso[32768] == 1 && memcmp(iso + 32769, "CD001", 5) == 0,
          "an ISO 9660 primary volume descriptor");
    CHECK(len > 32768 + 72 && memcmp(iso + 32768 + 40, "cidata  ", 8) == 0,
          "volume id is 'cidata': '%.8s'", iso + 32768 + 40);
    CHECK(contains(iso, len, "user-data") && contains(iso, len, "meta-data") &&
          contains(iso, len, "network-config"), "Rock Ridge names of the three files");
    CHECK(contains(iso, len, USER) && contains(iso, len, META) && contains(iso, len, NETC),
          "the files' content");
    free(iso);

    /* no network-config: no such file */
    f.network_config = NULL;
    rc = cidata_build(&f, &iso, &len, &err);
    CHECK(rc == 0 && !contains(iso, len, "network-config"), "no network-config file");
    free(iso);
    f.meta_data = NULL;
    iso = NULL;
    rc = cidata_build(&f, &iso, &len, &err);
    CHECK(rc == -1 && err.code == LV_E_INVALID && iso == NULL &&
          strstr(err.msg, "meta-data"), "meta-data is required: %s", err.msg);
}

static void
test_write(void)
{
    struct cidata_files f = { USER, strlen(USER), META, strlen(META), NULL, 0 };
    struct lv_err err = LV_ERR_INIT;
    char dir[] = "/tmp/test_cidata.XXXXXX";
    char path[256], bad[300];
    struct stat st;

    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    snprintf(path, sizeof(path), "%s/seed.iso", dir);
    CHECK(cidata_write(path, &f, &err) == 0, "write: %s", err.msg);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size > 32768,
          "the seed is there, mode 0600");
    lv_err_clear(&err);
    CHECK(cidata_write(path, &f, &err) == -1 && err.code == LV_E_EXISTS &&
          strstr(err.msg, "seed.iso") && strstr(err.msg, "already exists"),
          "an existing file is refused: %s", err.msg);
    CHECK(stat(path, &st) == 0 && st.st_size > 32768, "and left as it was");
    snprintf(bad, sizeof(bad), "%s/nodir/seed.iso", dir);
    lv_err_clear(&err);
    CHECK(cidata_write(bad, &f, &err) == -1 && err.code == LV_E_SYSTEM &&
          strstr(err.msg, "nodir/seed.iso") && strstr(err.msg, "No such file"),
          "a missing directory: %s", err.msg);
    unlink(path);
    CHECK(rmdir(dir) == 0, "nothing else was left in %s", dir);
}

int
main(void)
{
    test_build();
    test_write();
    return TEST_DONE();
}
