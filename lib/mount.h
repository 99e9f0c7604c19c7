/*
 * Mount primitives. They only ever change the caller's own mount namespace:
 * br_mount_private() creates it (unshare + make every mount private, so no
 * event propagates back to the host), and every other call here refuses with
 * -EPERM unless the caller is in a namespace made private that way.
 *
 * Return convention: 0 on success, -errno on failure.
 */
#ifndef BR_MOUNT_H
#define BR_MOUNT_H

#include <stdbool.h>

#include "ns.h"

/* unshare(CLONE_NEWNS), then make the whole tree private (MS_REC|MS_PRIVATE).
 * Run after the user namespace (if any) exists. */
int br_mount_private(void);

/* For a process created with CLONE_NEWNS (br_ns_clone3): make its tree
 * private. `before` is the parent's mount namespace, read (br_ns_id) before
 * the clone; refuses with -EBUSY if the caller is still in it. */
int br_mount_private_here(const struct br_ns_id *before);

/* True if the caller is in a mount namespace made private above. */
bool br_mount_is_private(void);

/* A bind mount into a new root; the tree `src` appears at root/dst. */
struct br_bind {
	const char *src;
	const char *dst; /* path inside the new root; NULL: same as src */
	bool rw;         /* default read-only (recursively, where the kernel can) */
};

/*
 * Mount a tmpfs on dir (an existing directory) and bind the listed trees
 * into it (array ending in {0}), creating the mount points. Read-only binds
 * keep the source's nosuid/nodev/noexec, which a user namespace cannot clear.
 * The tmpfs itself is left writable; 0 or -errno (the first failure).
 */
int br_mount_tmpfs_root(const char *dir, const struct br_bind *binds);

/* Make newroot (a mount point) the root: pivot_root, detach the old root,
 * chdir("/"). 0 or -errno. */
int br_mount_pivot(const char *newroot);

/* Mount a fresh proc on target (e.g. "/proc"), nosuid/nodev/noexec, so it
 * shows the caller's pid namespace. Needs to run in that pid namespace (the
 * init or a child of br_ns_clone3(CLONE_NEWPID | CLONE_NEWNS)). 0 or -errno. */
int br_mount_proc(const char *target);

#endif
