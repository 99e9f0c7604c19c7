/*
 * The mount tree under a domain: a domain that handles any filesystem
 * right may not change it (EPERM), even as root of its own user and mount
 * namespace; one that handles only network rights (ABI 4) may. Each
 * topology change, three ways:
 *   denied    a domain handling EXECUTE: EPERM;
 *   net_only  a domain handling BIND_TCP only: allowed;
 *   control   no Landlock: allowed.
 * Everything happens in the case's private mount namespace, on the scratch
 * tmpfs: m1/ is a tmpfs mounted there, m2/ an empty directory.
 */
#include <sys/syscall.h>

#include "common.h"

#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

static int op_mount(void) { return outcome(mount("br-t", "m2", "tmpfs", 0, NULL)); }
static int op_bind(void) { return outcome(mount("granted", "m2", NULL, MS_BIND, NULL)); }
static int op_umount(void) { return outcome(umount2("m1", 0)); }

static int op_remount_ro(void)
{
	return outcome(mount(NULL, "m1", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
}

static int op_propagation(void)
{
	return outcome(mount(NULL, "m1", NULL, MS_SHARED, NULL));
}

static int op_move_mount(void)
{
	return outcome(syscall(__NR_move_mount, AT_FDCWD, "m1", AT_FDCWD, "m2", 0));
}

/* A detached clone of granted/ is made (not a change of the tree) and then
 * attached: the attach is the change. */
static int op_open_tree_attach(void)
{
	int fd = syscall(__NR_open_tree, AT_FDCWD, "granted", OPEN_TREE_CLONE | O_CLOEXEC);

	if (fd < 0)
		return errno;
	return outcome(syscall(__NR_move_mount, fd, "", AT_FDCWD, "m2", MOVE_MOUNT_F_EMPTY_PATH));
}

static int op_pivot_root(void)
{
	int e = outcome(syscall(__NR_pivot_root, "m1", "m1/old"));

	if (!e)
		ASSERT_OK(chdir("/"));
	return e;
}

FIXTURE(mounts) {
	int unused;
};

FIXTURE_VARIANT(mounts) {
	int (*op)(void);
};

FIXTURE_VARIANT_ADD(mounts, mount) { .op = op_mount };
FIXTURE_VARIANT_ADD(mounts, bind) { .op = op_bind };
FIXTURE_VARIANT_ADD(mounts, remount_ro) { .op = op_remount_ro };
FIXTURE_VARIANT_ADD(mounts, propagation) { .op = op_propagation };
FIXTURE_VARIANT_ADD(mounts, umount) { .op = op_umount };
FIXTURE_VARIANT_ADD(mounts, move_mount) { .op = op_move_mount };
FIXTURE_VARIANT_ADD(mounts, open_tree_attach) { .op = op_open_tree_attach };
FIXTURE_VARIANT_ADD(mounts, pivot_root) { .op = op_pivot_root };

static void tree(void)
{
	scratch();
	ASSERT_OK(mkdir("m1", 0755));
	ASSERT_OK(mount("br-m1", "m1", "tmpfs", 0, NULL));
	ASSERT_OK(mkdir("m1/old", 0755));
	ASSERT_OK(mkdir("m2", 0755));
}

FIXTURE_SETUP(mounts)
{
	NEED_ABI(1);
	tree();
}

FIXTURE_TEARDOWN(mounts) {}

TEST_F(mounts, denied)
{
	enforce((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_EXECUTE}, NULL);
	ASSERT_OUTCOME(EPERM, variant->op());
}

TEST_F(mounts, net_only)
{
	NEED_ABI(4);
	enforce((struct br_landlock_access){.net = LANDLOCK_ACCESS_NET_BIND_TCP}, NULL);
	ASSERT_OUTCOME(0, variant->op());
}

TEST_F(mounts, control)
{
	ASSERT_OUTCOME(0, variant->op());
}

/* Not topology: chroot(2) stays allowed (documented), and mount_setattr(2)
 * has no Landlock hook here: both facts, each with a check that the call
 * did what it says (the domain still denies a mount). */
TEST(chroot_and_mount_setattr)
{
	struct {
		__u64 attr_set, attr_clr, propagation, userns_fd;
	} attr = {.attr_set = MOUNT_ATTR_RDONLY};
	int e;

	NEED_ABI(1);
	tree();
	enforce((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_EXECUTE}, NULL);
	ASSERT_OUTCOME(EPERM, op_mount());
	e = outcome(syscall(__NR_mount_setattr, AT_FDCWD, "m1", 0, &attr, sizeof(attr)));
	br_fact("landlock.fs.mount_setattr", "%s", e ? br_errname(e) : "allowed");
	if (!e)
		ASSERT_OUTCOME(EROFS, outcome(mkdir("m1/new", 0755)));
	e = outcome(chroot("m1"));
	br_fact("landlock.fs.chroot", "%s", e ? br_errname(e) : "allowed");
	ASSERT_OUTCOME(0, e);
}

TEST_HARNESS_MAIN
