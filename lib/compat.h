/*
 * Kernel UAPI newer than the installed (6.1) headers: THE one place for it.
 *
 * Each subsystem has its own section. Every macro sits under #ifndef, so a
 * newer <linux/...> header wins and nothing is defined twice; its comment
 * names the kernel (or Landlock ABI) that added it. Values are copied from
 * the kernel's include/uapi headers, never guessed. Structs that grew
 * cannot be guarded by #ifndef; they get a br_ name of their own here.
 */
#ifndef BR_COMPAT_H
#define BR_COMPAT_H

#include <linux/types.h>
#include <linux/landlock.h>
#include <sys/syscall.h>

/* ---- Landlock (include/uapi/linux/landlock.h) ---- */

/* Syscalls: Linux 5.13, one number on every architecture. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/* landlock_create_ruleset() flags. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0) /* ABI 1 */
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1) /* ABI 7 (6.15) */
#endif

/* enum landlock_rule_type is an enum, not a macro: our own names. */
#define BR_LANDLOCK_RULE_PATH_BENEATH 1 /* ABI 1 */
#define BR_LANDLOCK_RULE_NET_PORT 2     /* ABI 4 (6.7) */

/* landlock_add_rule() flags. */
#ifndef LANDLOCK_ADD_RULE_QUIET
#define LANDLOCK_ADD_RULE_QUIET (1U << 0) /* ABI 10: no audit record */
#endif

/* landlock_restrict_self() flags. */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0) /* ABI 7 (6.15) */
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1) /* ABI 7 (6.15) */
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2) /* ABI 7 (6.15) */
#endif
#ifndef LANDLOCK_RESTRICT_SELF_TSYNC
#define LANDLOCK_RESTRICT_SELF_TSYNC (1U << 3) /* ABI 8 (7.0): all threads */
#endif

/* Filesystem access rights (handled_access_fs, path-beneath rules). */
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_WRITE_FILE
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_FILE
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_DIR
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_DIR
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_FILE
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_CHAR
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_DIR
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_REG
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SOCK
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_FIFO
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_BLOCK
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SYM
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12) /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2 (5.19) */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 (6.2) */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 (6.10) */
#endif
#ifndef LANDLOCK_ACCESS_FS_RESOLVE_UNIX
#define LANDLOCK_ACCESS_FS_RESOLVE_UNIX (1ULL << 16) /* ABI 9 (7.1) */
#endif

/* Network access rights (handled_access_net, net-port rules). */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0) /* ABI 4 (6.7) */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 (6.7) */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_UDP
#define LANDLOCK_ACCESS_NET_BIND_UDP (1ULL << 2) /* ABI 10 (7.2) */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP
#define LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP (1ULL << 3) /* ABI 10 (7.2) */
#endif

/* Scopes (scoped): no rules, the domain boundary itself. */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 (6.12) */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1) /* ABI 6 (6.12) */
#endif

/*
 * struct landlock_ruleset_attr grows with the ABI; the kernel takes any size
 * and requires unknown trailing bytes to be zero. Pass the smallest size that
 * covers the fields in use (BR_LANDLOCK_ATTR_SIZE) so old kernels accept it.
 */
struct br_landlock_ruleset_attr {
	__u64 handled_access_fs;  /* ABI 1 */
	__u64 handled_access_net; /* ABI 4 */
	__u64 scoped;             /* ABI 6 */
	__u64 quiet_access_fs;    /* ABI 10: audit only */
	__u64 quiet_access_net;   /* ABI 10: audit only */
	__u64 quiet_scoped;       /* ABI 10: audit only */
};
#define BR_LANDLOCK_ATTR_SIZE(field)                                             \
	(__builtin_offsetof(struct br_landlock_ruleset_attr, field) +            \
	 sizeof(((struct br_landlock_ruleset_attr *)0)->field))

/* ABI 4 (6.7): argument of a BR_LANDLOCK_RULE_NET_PORT rule. */
struct br_landlock_net_port_attr {
	__u64 allowed_access;
	__u64 port; /* host endianness */
};

/* ---- LSM syscalls (include/uapi/linux/lsm.h) ---- */
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461 /* 6.8, one number on every architecture */
#endif

/* ---- io_uring (include/uapi/linux/io_uring.h): enum io_uring_op values ---- */
#define BR_IORING_OP_BIND 56 /* 6.11 */

/* ---- file handles (fs/nsfs.c) ---- */
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT (-10003) /* 6.18: open_by_handle_at's mount_fd for nsfs handles */
#endif

#endif
