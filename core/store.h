/* store.h - the state store: atomic file writes, reads, directory
 * creation and per-object flocks. */
#ifndef LV_STORE_H
#define LV_STORE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* mkdir -p with mode for the created parts (set with chmod: the umask
 * does not change it). */
int lv_store_mkdirs(const char *path, mode_t mode, struct lv_err *err);

/* A run-time directory only luavirt's user may enter: mkdir -p with 0700
 * for the created parts, and path itself 0700 even when it was there with
 * a looser mode (when we own it). It must be a directory, not a link. */
int lv_store_mkdir_private(const char *path, struct lv_err *err);

/* Write data to path atomically: temp file in the same directory, fsync,
 * rename over path, fsync the directory. Nothing changes on failure. */
int lv_store_write_atomic(const char *path, const void *data, size_t len,
                          mode_t mode, struct lv_err *err);

/* The two halves of lv_store_write_atomic, for callers with a step between
 * them: write_tmp writes and syncs PATH.tmp.PID and returns that name
 * (malloc'd; NULL + err, nothing left, on failure); commit_tmp takes it
 * over, renames it to path and syncs the directory (on failure the temp
 * file is removed). */
char *lv_store_write_tmp(const char *path, const void *data, size_t len,
                         mode_t mode, struct lv_err *err);
int lv_store_commit_tmp(char *tmp, const char *path, struct lv_err *err);

/* Remove the temp files "BASE.tmp.PID" a killed writer left in dir (base
 * NULL: of any base). any_pid: the caller holds the lock every writer of
 * these files takes, so any PID's is a leftover; else only those whose
 * process is gone. Returns how many went; never fails. */
int lv_store_remove_tmp(const char *dir, const char *base, int any_pid);

/* Read a whole file (NUL-terminated; *len may be NULL). NULL + err on
 * failure; err->errnum is ENOENT for a missing file. */
char *lv_store_read(const char *path, size_t *len, struct lv_err *err);

/* Open (creating, 0600) path and take an flock on it, waiting for it.
 * Returns the fd that holds the lock (close it, or lv_store_unlock, to
 * release). When the file was removed while we waited, the lock is taken
 * again on the new file, so a holder may remove it (lv_store_lock_remove). */
int lv_store_lock(const char *path, int exclusive, struct lv_err *err);
void lv_store_unlock(int fd);
/* Remove the lock file path (fd must hold its lock), then release it. */
void lv_store_lock_remove(const char *path, int fd);

/* Is someone holding an flock on path? 1 yes, 0 no (or no such file),
 * -1 on error. Never blocks and never keeps the lock. */
int lv_store_is_locked(const char *path, struct lv_err *err);

/* The sorted entries of dir whose names end in suffix (which is cut off),
 * skipping dot files; dirs_only keeps directories only. A missing dir is
 * an empty list. Free with lv_store_names_free. */
int lv_store_list_dir(const char *dir, const char *suffix, int dirs_only,
                      char ***names, size_t *n, struct lv_err *err);
void lv_store_names_free(char **names, size_t n);

/* Autostart marks, as libvirt keeps them: a link DIR/autostart/NAME.xml
 * -> ../NAME.xml beside the definition DIR/NAME.xml (DIR is e.g.
 * <lib>/qemu or <lib>/network). kind names the object in errors
 * ("domain", "network", "pool"). Setting an existing mark, or clearing a
 * missing one, is not an error. */
int lv_store_autostart_get(const char *dir, const char *name);
int lv_store_autostart_set(const char *dir, const char *kind, const char *name,
                           int on, struct lv_err *err);

/* Remove a file; a missing file is not an error. */
int lv_store_remove(const char *path, struct lv_err *err);

#endif
