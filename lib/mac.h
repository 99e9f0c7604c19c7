/*
 * Mandatory access control: the current task's label under each LSM, and
 * the modes AppArmor, SELinux and Yama are in. Readers only; policy loading
 * (AppArmor through securityfs, SELinux through selinuxfs) lives here too.
 */
#ifndef BR_MAC_H
#define BR_MAC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The current task's label under lsm ("apparmor", "selinux", "smack"):
 * /proc/self/attr/<lsm>/current (5.1+), else /proc/self/attr/current when
 * fallback is set (older kernels: that file belongs to the one major LSM,
 * so only the caller knows whether it is lsm's). Trailing newline and NULs
 * stripped. 0, or -errno (-ENOENT/-EINVAL/-ENODATA: lsm not active for this
 * task; SELinux has no attr/selinux/ directory, only attr/current).
 */
int br_mac_label(const char *lsm, int fallback, char *buf, size_t size);

/* The LSMs that label tasks, each exclusive of the others in the kernel's
 * LSM list: "apparmor", "selinux", "smack", then NULL. */
extern const char *const br_mac_labelling[];

/* lsm ("yama") is a word of lsms, the active LSMs comma-separated
 * ("lockdown,capability,yama,apparmor", the lsm fact). */
bool br_mac_active(const char *lsms, const char *lsm);

/*
 * br_mac_label for lsm, given the active list lsms: -ENOENT when lsm is not
 * in it; /proc/self/attr/current is read only when lsm is the one labelling
 * LSM in lsms (SELinux has no directory of its own there). lsms NULL (the
 * list is unknown): lsm's own directory only.
 */
int br_mac_task_label(const char *lsms, const char *lsm, char *buf, size_t size);

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

/*
 * AppArmor policy and transitions. Policy is apparmor_parser's binary output
 * (-S: one or more profiles), written whole in one write(2) to securityfs.
 */
#define BR_AA_FS "/sys/kernel/security/apparmor"

/* 0 when AppArmor is active for this task and its policy interface is
 * mounted; else -errno with *why saying which (not in lsm=, no securityfs). */
int br_mac_aa_active(const char **why);

/* Load, or replace when loaded, every profile in blob (BR_AA_FS/.replace).
 * 0 or -errno (EACCES: not root or confined; EPROTO/EINVAL: the kernel
 * refused the policy's ABI). */
int br_mac_aa_load(const void *blob, size_t len);

/* Remove a loaded profile by name (BR_AA_FS/.remove). 0 or -errno. */
int br_mac_aa_remove(const char *profile);

/* 1 when a profile of that name is loaded (BR_AA_FS/profiles), 0 if not,
 * -errno when the list cannot be read. */
int br_mac_aa_loaded(const char *profile);
/* 1 when every profile of the NULL-terminated list (at most 16) is loaded, 0 if not, -errno. */
int br_mac_aa_loaded_all(const char *const *profiles);

/* The calling task's next execve(2) enters profile (libapparmor's
 * aa_change_onexec: "exec NAME" to attr/apparmor/exec, else attr/exec). */
int br_mac_aa_change_onexec(const char *profile);

/* Enter profile now, without an exec ("changeprofile NAME" to attr current).
 * Open fds are kept; each later use is checked against the new profile. */
int br_mac_aa_change_profile(const char *profile);

/* ---- SELinux: entering domains, labelling files (suites/mac/selinux.c) ---- */

/* Write ctx to /proc/self/attr/<attr>: "current" switches now (a
 * dyntransition; single-threaded callers only), "exec" sets the domain of the
 * next execve. 0 or -errno (EACCES/EINVAL: the policy refuses or lacks it). */
int br_mac_selinux_set(const char *attr, const char *ctx);

/* Whether the loaded policy has ctx (written to /sys/fs/selinux/context):
 * 1, 0, or -errno (-ENOENT: no selinuxfs). */
int br_mac_selinux_valid(const char *ctx);

/* Label a file (its security.selinux attribute). 0 or -errno. */
int br_mac_selinux_label_file(const char *path, const char *ctx);

/* ---- Yama ---- */

/* Write kernel.yama.ptrace_scope (a global sysctl: guest-only cases).
 * 0 or -errno (-EINVAL: scope 3 is set and cannot be lowered). */
int br_mac_yama_set_scope(int scope);

#endif
