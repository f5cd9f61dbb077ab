/* dom_check.c - the definition check shared by define, validate, create
 * and start (dom_check.h): nothing define accepts may fail at start for a
 * reason define could have known. */
#include "dom_check.h"
#include "dom_firmware.h"
#include "qemu_argv.h"
#include "spawn.h"

int
dom_check(struct lv_conn *c, const struct dom_def *def, struct lv_err *err)
{
    struct qemu_argv_opts o = { .run_dir = "/run/luavirt/check", .qmp_fd = -1,
                                .qmp_sup_fd = -1, .for_display = 1 };
    char **argv;

    if (dom_def_check_name(def->name, err) < 0 || dom_firmware_check(c, def, err) < 0)
        return -1;
    o.accel_kvm = def->virt_type == DOM_VIRT_KVM;
    if (!(argv = qemu_argv_build(def, &o, err)))
        return -1;
    lv_argv_free(argv);
    return 0;
}
