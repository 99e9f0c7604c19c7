/*
 * Namespaces: the eight types by name, unshare and clone3 with any set of
 * them, setns by path or pidfd, and namespace identities (dev + inode of
 * /proc/PID/ns/NAME) to tell "same namespace" from "different".
 *
 * Return convention: 0 (or a pid) on success, -errno on failure; errno is
 * not meaningful afterwards. Nothing here allocates.
 */
#ifndef BR_NS_H
#define BR_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/sched.h> /* CLONE_NEW*, including CLONE_NEWTIME */

/* Every namespace type this library knows. */
#define BR_NS_ALL (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | \
		   CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* One row of the names <-> flags table; the /proc/PID/ns/ file name. */
struct br_ns_type {
	const char *name; /* "mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time" */
	int flag;         /* CLONE_NEW* */
};

/* The 8 types, user first (the order setns needs), ending in {0}. */
extern const struct br_ns_type br_ns_types[];

/* The flag for a name ("mnt" or "mount" both work); -EINVAL if unknown. */
int br_ns_flag(const char *name);
/* The name of exactly one flag; NULL if flag is not one known type. */
const char *br_ns_name(int flag);
/* Parse "user,pid,net" (commas or spaces) into *flags; "all" means every type.
 * 0 or -EINVAL (unknown name). */
int br_ns_parse(const char *list, int *flags);
/* Format flags as "user,pid,net" into buf (always NUL-terminated).
 * Returns the length, or -ENOSPC if truncated, -EINVAL for unknown bits. */
int br_ns_format(int flags, char *buf, size_t size);

/* unshare(flags) exactly as asked: 0 or -errno. */
int br_ns_unshare(int flags);

/* unshare(flags) in the calling process. When not root, a user namespace
 * mapping the caller to root comes first (setgroups denied), so the other
 * types are permitted. 0 or -errno. */
int br_ns_private(int flags);

/*
 * Whether this process can create a user namespace: 0 if it can, else the
 * errno of a probe unshare(CLONE_NEWUSER) in a forked child (ENOSPC when
 * user.max_user_namespaces is 0, EPERM when unprivileged ones are disabled,
 * EUSERS at the nesting limit). Probed once per process, then cached.
 * 0 too if the probe cannot fork: the case then fails on its own.
 */
int br_userns_unavailable(void);

/*
 * For cases that use a user namespace as a tool, not as the boundary under
 * test: SKIP (harness.h) with one wording naming the cause, e.g.
 * "needs user namespaces: unshare(CLONE_NEWUSER) gives ENOSPC
 * (user.max_user_namespaces=0)", unless br_userns_unavailable() is 0.
 * Call it first, before the case changes its credentials or root.
 */
void br_require_userns(void);

/*
 * Fork-like clone3 with CLONE_NEW* flags (any set, CLONE_NEWTIME included):
 * returns 0 in the child, the child's pid in the parent (reap it with
 * br_wait), or -errno. SIGCHLD is the exit signal. If pidfd is not NULL it
 * receives a pidfd for the child (-1 if the kernel has none).
 * Without clone3 (before 5.3) it falls back to clone(), which cannot take
 * CLONE_NEWTIME (-ENOSYS then).
 * The child shares glibc's state with a forked process but glibc does not
 * know about it: it must not create threads or call raise()/abort(); it
 * should end with _exit().
 */
pid_t br_ns_clone3(int flags, int *pidfd);

/* setns into the namespace file at path (e.g. "/proc/123/ns/net").
 * nstype is a CLONE_NEW* flag the file must match, or 0 for any. 0 or -errno. */
int br_ns_setns_path(const char *path, int nstype);

/*
 * setns into several namespaces of the process behind pidfd at once
 * (setns(pidfd, flags), atomic, Linux 5.8+). Where the kernel has no pidfd
 * setns it falls back to one setns per /proc/PID/ns/ file, user first, which
 * is not atomic: on an error some may already be joined.
 * Returns 0 (atomic), 1 (fell back) or -errno.
 */
int br_ns_setns_pidfd(int pidfd, int flags);

/* Identity of one namespace. */
struct br_ns_id {
	dev_t dev;
	ino_t ino;
};

/* Identity of namespace `name` ("net", "pid_for_children", ...) of pid
 * (0: the caller). 0 or -errno. */
int br_ns_id(pid_t pid, const char *name, struct br_ns_id *id);
/* Identity of an open namespace file. 0 or -errno. */
int br_ns_id_fd(int fd, struct br_ns_id *id);
bool br_ns_id_eq(const struct br_ns_id *a, const struct br_ns_id *b);
/* 1 if pid's namespace `name` is ref, 0 if it differs, -errno. */
int br_ns_is(pid_t pid, const char *name, const struct br_ns_id *ref);

#endif
