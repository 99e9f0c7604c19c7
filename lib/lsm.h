/* The active Linux Security Modules (the lsm= stack). */
#ifndef BR_LSM_H
#define BR_LSM_H

#include <stddef.h>

/*
 * Fill buf with the active LSMs in stack order, comma-separated
 * ("lockdown,capability,landlock"). Sources, first that works:
 *   1. /sys/kernel/security/lsm;
 *   2. the same file with securityfs mounted in a forked child's private
 *      mount namespace (needs CAP_SYS_ADMIN; the caller's mounts stay as
 *      they are);
 *   3. lsm_list_modules(2) (Linux 6.8), which needs no privilege.
 * *source (may be NULL) names the one used: "securityfs",
 * "securityfs-private-mount" or "lsm_list_modules".
 * 0 or -errno (-ENOENT when no source answered).
 */
int br_lsm_list(char *buf, size_t len, const char **source);

/* 1 if name is in the list, 0 if not, -errno when the list is unknown. */
int br_lsm_active(const char *name);

#endif
