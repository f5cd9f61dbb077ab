/* supervisor_proc.c - detaching, logging, locking and run-dir files for
 * the supervisor (see supervisor_proc.h). */
#include "supervisor_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom_run.h"
#include "log.h"
#include "store.h"
#include "strbuf.h"

int
sup_detach(struct lv_err *err)
{
    pid_t pid = fork();

    if (pid < 0) {
        lv_err_sys(err, "supervisor: fork");
        return -1;
    }
    if (pid > 0)
        _exit(0);
    if (setsid() < 0 && errno != EPERM) {
        lv_err_sys(err, "supervisor: setsid");
        return -1;
    }
    return 0;
}

void
sup_open_log(const char *run_dir)
{
    char *path = lv_asprintf("%s/supervisor.log", run_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd >= 0) {
        lv_log_set_fd(fd);   /* kept for the life of the process */
        /* stderr too: nothing of ours must reach the shell's terminal */
        dup2(fd, 2);
    }
    free(path);
}

int
sup_take_lock(const char *run_dir, struct lv_err *err)
{
    char *path = lv_asprintf("%s/sup.lock", run_dir);
    int fd = lv_store_lock(path, 1, err);
    free(path);
    return fd;
}

void
sup_read_id(const char *run_dir, int *id)
{
    char *path = lv_asprintf("%s/id", run_dir);
    char *text = lv_store_read(path, NULL, NULL);

    if (text)
        *id = atoi(text);
    free(text);
    free(path);
}

void
sup_read_transient(const char *run_dir, int *transient)
{
    char *path = lv_asprintf("%s/status", run_dir);
    char *text = lv_store_read(path, NULL, NULL);
    struct dom_status st;

    if (text) {
        dom_status_parse(text, &st);
        *transient = st.transient;
    }
    free(text);
    free(path);
}

void
sup_write_pidfile(const char *run_dir, pid_t pid)
{
    struct lv_err err = LV_ERR_INIT;
    char *path = lv_asprintf("%s/pid", run_dir);
    char buf[32];

    snprintf(buf, sizeof(buf), "%d\n", (int)pid);
    if (lv_store_write_atomic(path, buf, strlen(buf), 0600, &err) < 0)
        lv_log_warn("%s", err.msg);
    free(path);
}

void
sup_unlink(const char *run_dir, const char *file)
{
    char *path = lv_asprintf("%s/%s", run_dir, file);
    if (unlink(path) < 0 && errno != ENOENT)
        lv_log_debug("supervisor: cannot remove %s: %s", path, strerror(errno));
    free(path);
}

char *
sup_last_log_line(const char *run_dir, const char *file)
{
    char *path = lv_asprintf("%s/%s", run_dir, file);
    char *text = lv_store_read(path, NULL, NULL);
    char *line = NULL, *end, *start;

    free(path);
    if (!text)
        return NULL;
    end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    *end = '\0';
    start = strrchr(text, '\n');
    start = start ? start + 1 : text;
    /* "2026-11-22T05:00:00.000000Z qemu-system-x86_64: msg" -> "qemu-system-x86_64: msg" */
    if (strlen(start) > 28 && start[4] == '-' && start[10] == 'T') {
        char *sp = strchr(start, ' ');
        if (sp)
            start = sp + 1;
    }
    if (*start)
        line = lv_strdup(start);
    free(text);
    return line;
}
