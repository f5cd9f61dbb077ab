/* dom_tpm.h - a guest's emulated TPM (swtpm), on the shell's side: its
 * state under <lib>/swtpm/UUID/tpm2 (or tpm1.2), made by swtpm_setup on the
 * first start as libvirt does (certificates from luavirt's own local CA in
 * <lib>/swtpm/localca), the control socket in the guest's run dir,
 * and the swtpm command line the supervisor runs before QEMU and reaps
 * after it (supervisor_helper.h). State is removed by undefine unless the
 * user keeps it (virsh undefine --keep-tpm). */
#ifndef LV_DOM_TPM_H
#define LV_DOM_TPM_H

#include "conn.h"
#include "dom_def.h"
#include "err.h"

/* libvirt's defaults for what <tpm> leaves out: model tpm-tis; version
 * 2.0 for tpm-crb, else 1.2. */
const char *dom_tpm_model(const struct dom_tpm *t);
const char *dom_tpm_version(const struct dom_tpm *t);

/* <lib>/swtpm/UUID: everything the guest's TPM keeps; malloc'd. */
char *dom_tpm_state_root(const struct lv_conn *c, const unsigned char uuid[16]);

/* The command lines (pure; NULL-terminated, free with lv_argv_free):
 * swtpm_setup making the state of def's TPM in state_dir with the
 * configuration file config (NULL: swtpm_setup's own), and swtpm serving
 * it on the listening unix socket ctrl_fd, logging to log_path, ending
 * when QEMU closes the connection (--terminate). */
char **dom_tpm_setup_argv(const struct dom_def *def, const char *state_dir,
                          const char *config);
char **dom_tpm_swtpm_argv(const struct dom_def *def, const char *state_dir,
                          int ctrl_fd, const char *log_path);

/* What a start needs for the TPM: the listening control socket (CLOEXEC,
 * mode 0600, at RUN_DIR/swtpm.sock), swtpm's argv, and the state root to
 * remove if the guest ends as a transient one (NULL: keep it). */
struct dom_tpm_run {
    int ctrl_fd;
    char **argv;
    char *transient_dir;
};
#define DOM_TPM_RUN_INIT { -1, NULL, NULL }

/* The live definition shows what the guest got, as libvirt's does: the
 * TPM's model, version and alias filled in. */
void dom_tpm_fill_live(struct dom_def *def);

/* Prepare def's TPM for a start: create the state with swtpm_setup if
 * there is none, then the socket in run_dir (which exists). A guest without a TPM leaves *out as
 * DOM_TPM_RUN_INIT. -1 with err ("domain 'x': cannot start: swtpm_setup
 * failed: ...") and nothing listening. */
int dom_tpm_prepare(struct lv_conn *c, struct dom_def *def, const char *run_dir,
                    struct dom_tpm_run *out, struct lv_err *err);
void dom_tpm_run_clear(struct dom_tpm_run *r);

/* Remove the TPM state of the domain with uuid (a missing one is not an
 * error). -1 with err naming the path. */
int dom_tpm_remove_state(const struct lv_conn *c, const unsigned char uuid[16],
                         struct lv_err *err);
/* The same for a state directory dir given by path (an absolute path;
 * links inside are removed, never followed). */
int dom_tpm_remove_dir(const char *dir, struct lv_err *err);

#endif
