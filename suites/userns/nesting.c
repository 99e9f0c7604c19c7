/*
 * User namespace creation limits: nesting depth, the per-namespace
 * max_user_namespaces count, who may create one (mapped, not chrooted),
 * and how far NS_GET_PARENT lets a namespace look up.
 */
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

/* unshare a user namespace and map ourselves to root in it: 0 or -errno. */
static int nest(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER))
		return -errno;
	return br_idmap_map_root(0, uid, gid);
}

/* True in the initial user namespace: only it maps all 2^32 - 1 ids. (A
 * nested namespace cannot learn its depth: NS_GET_PARENT stops at it.) */
static bool in_initial_userns(void)
{
	struct br_idmap m;

	return br_idmap_read(0, "uid_map", &m, 1) == 1 && m.count == 4294967295u;
}

static int nest_fn(void *arg)
{
	(void)arg;
	return -nest();
}

static int wait_forever(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

/* The kernel refuses a child of a namespace at level > 32 (the initial one
 * is level 0), so 33 levels stack below it; user_namespaces(7) says 32. */
TEST(depth_limit_enospc)
{
	bool initial = in_initial_userns();
	int made = 0, ret = 0;

	br_require_userns();
	while (made < 64 && !(ret = nest()))
		made++;
	if (initial)
		br_fact("userns.max_depth", "%d", made);
	else
		br_fact("userns.max_depth_from_here", "%d", made);
	ASSERT_EQ(-ENOSPC, ret);
	ASSERT_LE(made, 33);
}

/* user.max_user_namespaces is per user namespace (ucounts, 4.9): setting it
 * in our own namespace limits only our children; the host's stays. */
static int limit_and_try(void *arg)
{
	int *p = arg;
	char c = 0;
	int ret;

	close(p[0]);
	if (nest())
		return 100;
	if (br_write_file("/proc/sys/user/max_user_namespaces", "0"))
		return 101;
	ret = unshare(CLONE_NEWUSER) ? errno : 0;
	if (write(p[1], &c, 1) != 1)
		return 102;
	return ret;
}

TEST(max_user_namespaces_zero_in_own_ns)
{
	char before[32], after[32];
	int p[2];
	pid_t pid;
	char c;

	if (br_read_file("/proc/sys/user/max_user_namespaces", before, sizeof(before)) <= 0)
		SKIP("no /proc/sys/user/max_user_namespaces (before 4.9)");
	br_require_userns();
	ASSERT_OK(pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(limit_and_try(p));
	close(p[1]);
	/* While the child holds its limit at 0, the host's is unchanged. */
	if (read(p[0], &c, 1) == 1) {
		ASSERT_LT(0, br_read_file("/proc/sys/user/max_user_namespaces", after, sizeof(after)));
		ASSERT_STREQ(before, after);
	}
	ASSERT_EQ(ENOSPC, br_wait(pid));
}

static int limit_one(void *arg)
{
	(void)arg;
	if (nest())
		return 100;
	if (br_write_file("/proc/sys/user/max_user_namespaces", "1"))
		return 101;
	if (br_child(nest_fn, NULL))
		return 1; /* the first one, within the limit */
	return 0;
}

TEST(max_user_namespaces_one_allows_one_control)
{
	br_require_userns();
	ASSERT_EQ(0, br_child(limit_one, NULL));
}

/* The global limit itself: only in a throwaway guest. Booted with it at 0
 * already (sysctl.user.max_user_namespaces=0), the control raises it for a
 * moment; either way it ends as it was. */
TEST(max_user_namespaces_zero_global, .guest_only = 1, .as = BR_ROOT)
{
	const char *path = "/proc/sys/user/max_user_namespaces";
	char before[32];
	int err, ctl;

	ASSERT_LT(0, br_read_file(path, before, sizeof(before)));
	ASSERT_EQ(0, br_write_file(path, "0"));
	err = br_child(nest_fn, NULL);
	ASSERT_EQ(0, br_write_file(path, atol(before) ? before : "64"));
	ctl = br_child(nest_fn, NULL);
	ASSERT_EQ(0, br_write_file(path, before));
	ASSERT_EQ(ENOSPC, err);
	ASSERT_EQ(0, ctl); /* control: a nonzero limit allows one */
}

/* The creator's ids must be mapped in the parent namespace. */
static int unmapped_nest(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUSER))
		return 100;
	return unshare(CLONE_NEWUSER) ? errno : 0;
}

TEST(unmapped_creator_eperm)
{
	br_require_userns();
	ASSERT_EQ(EPERM, br_child(unmapped_nest, NULL));
}

static int mapped_nest(void *arg)
{
	(void)arg;
	if (nest())
		return 100;
	return unshare(CLONE_NEWUSER) ? errno : 0;
}

TEST(mapped_creator_control)
{
	br_require_userns();
	ASSERT_EQ(0, br_child(mapped_nest, NULL));
}

/* A chrooted process may not create a user namespace (it could escape the
 * chroot with the new namespace's CAP_SYS_CHROOT; since 3.9). */
static int chrooted(void *want_chroot)
{
	char dir[64];

	if (br_scratch(0, dir, sizeof(dir)))
		return 100;
	if (want_chroot && (chroot(dir) || chdir("/")))
		return 101;
	return unshare(CLONE_NEWUSER) ? errno : 0;
}

TEST(chrooted_creator_eperm)
{
	br_require_userns();
	ASSERT_EQ(EPERM, br_child(chrooted, (void *)1));
}

TEST(unchrooted_creator_control)
{
	br_require_userns();
	ASSERT_EQ(0, br_child(chrooted, NULL));
}

/* NS_GET_PARENT stops at the caller's own user namespace: EPERM beyond. */
static int parent_of_own(void *arg)
{
	int fd;

	(void)arg;
	if (nest())
		return 100;
	fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 101;
	return ioctl(fd, NS_GET_PARENT) < 0 ? errno : 0;
}

TEST(get_parent_beyond_own_ns_eperm)
{
	br_require_userns();
	ASSERT_EQ(EPERM, br_child(parent_of_own, NULL));
}

static int parent_of_child(void *arg)
{
	pid_t pid;
	int fd, parent;
	char path[64];

	(void)arg;
	if (nest())
		return 100;
	/* A child namespace's parent is ours: within reach. */
	pid = br_idmap_spawn(0, NULL, wait_forever, NULL, NULL);
	if (pid < 0)
		return 101;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	parent = fd < 0 ? -1 : ioctl(fd, NS_GET_PARENT);
	kill(pid, SIGKILL);
	br_wait(pid);
	return parent < 0 ? errno : 0;
}

TEST(get_parent_within_reach_control)
{
	br_require_userns();
	ASSERT_EQ(0, br_child(parent_of_child, NULL));
}

/* Whether an unprivileged user may create one here is a fact; the verdict
 * is that the answer agrees with the sysctls that decide it. */
static long sysctl_val(const char *path)
{
	char buf[32];

	return br_read_file(path, buf, sizeof(buf)) > 0 ? atol(buf) : -1;
}

TEST(unprivileged_clone, .as = BR_UNPRIV)
{
	long clone = sysctl_val("/proc/sys/kernel/unprivileged_userns_clone");
	long apparmor = sysctl_val("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	long max = sysctl_val("/proc/sys/user/max_user_namespaces");
	int err = unshare(CLONE_NEWUSER) ? errno : 0;

	if (clone >= 0)
		br_fact("sysctl.kernel.unprivileged_userns_clone", "%ld", clone);
	if (apparmor >= 0)
		br_fact("sysctl.kernel.apparmor_restrict_unprivileged_userns", "%ld", apparmor);
	br_fact("userns.unprivileged_clone", "%s", err ? br_errname(err) : "allowed");
	if (clone == 0 || max == 0)
		ASSERT_NE(0, err);
	if (err && clone != 0 && max != 0 && apparmor <= 0)
		SKIP("unprivileged user namespaces refused (%s) by something other than the known sysctls",
		     br_errname(err));
}

TEST_HARNESS_MAIN
