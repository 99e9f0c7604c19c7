/*
 * Mandatory access control: the current task's label under each LSM, and
 * the modes AppArmor, SELinux and Yama are in. Readers only; policy loading
 * (AppArmor through securityfs, SELinux through selinuxfs) lives here too.
 */
#ifndef BR_MAC_H
#define BR_MAC_H

#include <stddef.h>

/*
 * The current task's label under lsm ("apparmor", "selinux", "smack"):
 * /proc/self/attr/<lsm>/current (5.1+), else /proc/self/attr/current when
 * fallback is set (older kernels: that file belongs to the one major LSM,
 * so only the caller knows whether it is lsm's). Trailing newline and NULs
 * stripped. 0, or -errno (-ENOENT/-EINVAL: lsm not active for this task).
 */
int br_mac_label(const char *lsm, int fallback, char *buf, size_t size);

/*
 * AppArmor's mode in a label: "unconfined" for the label "unconfined",
 * else the mode in "NAME (MODE)" (enforce, complain, kill, unconfined,
 * prompt...); the profile name goes to name. NULL if the label has no mode.
 */
const char *br_mac_aa_mode(const char *label, char *name, size_t size);

/* SELinux: "enforcing", "permissive", or NULL when selinuxfs is absent
 * (not active, or not mounted). *policyvers gets the policy version or -1. */
const char *br_mac_selinux_mode(int *policyvers);

/* Yama's ptrace_scope (0-3), or -errno (-ENOENT: Yama is not active). */
int br_mac_yama_scope(void);

#endif
