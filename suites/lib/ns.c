/*
 * lib/ns: the names table, unshare/clone3 into each type, setns by path and
 * by pidfd, and namespace identities. Each primitive applied gives a
 * different identity (or a refused join); not applied, the same one.
 */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"

TEST(names_roundtrip)
{
	int n = 0, flags;
	char buf[128];

	for (const struct br_ns_type *t = br_ns_types; t->name; t++, n++) {
		ASSERT_EQ(t->flag, br_ns_flag(t->name));
		ASSERT_STREQ(t->name, br_ns_name(t->flag));
	}
	ASSERT_EQ(8, n);
	ASSERT_EQ(-EINVAL, br_ns_flag("bogus"));
	ASSERT_EQ(NULL, br_ns_name(CLONE_NEWNS | CLONE_NEWPID));
	ASSERT_EQ(0, br_ns_parse("pid, net user", &flags));
	ASSERT_EQ(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER, flags);
	ASSERT_EQ(-EINVAL, br_ns_parse("pid,nope", &flags));
	ASSERT_EQ(0, br_ns_parse("all", &flags));
	ASSERT_EQ(BR_NS_ALL, flags);
	ASSERT_LT(0, br_ns_format(flags, buf, sizeof(buf)));
	ASSERT_STREQ("user,mnt,uts,ipc,net,pid,cgroup,time", buf);
	ASSERT_EQ(-ENOSPC, br_ns_format(flags, buf, 8));
	ASSERT_EQ(-EINVAL, br_ns_format(SIGCHLD, buf, sizeof(buf)));
}

/* The identity of every type, before and after. */
static struct br_ns_id before[8];

static void read_ids(pid_t pid, struct br_ns_id *ids)
{
	for (int i = 0; br_ns_types[i].name; i++) {
		int ret = br_ns_id(pid, br_ns_types[i].name, &ids[i]);

		if (ret == -ENOENT)
			SKIP("no /proc/self/ns/%s: kernel without CONFIG_%s_NS", br_ns_types[i].name,
			     br_ns_types[i].flag == CLONE_NEWNS ? "MNT" : "matching");
		ASSERT_EQ(0, ret);
	}
}

/* Child: exit with a bit set for each type whose identity is unchanged. */
static int same_bits(void)
{
	struct br_ns_id now[8];
	int bits = 0;

	for (int i = 0; br_ns_types[i].name; i++) {
		/* time: a clone3 child is already in its new time namespace. */
		if (br_ns_id(0, br_ns_types[i].name, &now[i]))
			return 255;
		if (br_ns_id_eq(&now[i], &before[i]))
			bits |= 1 << i;
	}
	return bits;
}

static pid_t clone_child(int flags)
{
	pid_t pid = br_ns_clone3(flags, NULL);

	if (pid == 0)
		_exit(same_bits());
	if (pid < 0 && (flags & CLONE_NEWUSER))
		br_require_userns();
	if (pid < 0)
		SKIP("clone3(%#x): %s", flags, br_errname(-pid));
	return pid;
}

TEST(clone3_all_types_new)
{
	read_ids(0, before);
	ASSERT_EQ(0, br_wait(clone_child(BR_NS_ALL)));
}

TEST(clone3_no_flags_same_control)
{
	read_ids(0, before);
	ASSERT_EQ(0xff, br_wait(clone_child(0)));
}

/* Each type alone (with a user namespace to be permitted): only it changes. */
TEST(clone3_each_type_alone)
{
	read_ids(0, before);
	for (int i = 0; br_ns_types[i].name; i++) {
		int fl = br_ns_types[i].flag, expect = 0xff & ~(1 << i);

		/* As root no userns is needed; unprivileged it changes too. */
		if (!br_is_root() && fl != CLONE_NEWUSER) {
			fl |= CLONE_NEWUSER;
			expect &= ~1; /* bit 0 is user */
		}
		EXPECT_EQ(expect, br_wait(clone_child(fl)));
	}
}

static int unshare_then_report(void *arg)
{
	int ret = br_ns_private(*(int *)arg);

	if (ret)
		return 200;
	return same_bits();
}

TEST(private_unshare_changes_identity)
{
	int flags = CLONE_NEWUTS | CLONE_NEWNET;

	read_ids(0, before);
	/* user (bit 0) changes only when not root */
	int seen = br_child(unshare_then_report, &flags);
	int expect = 0xff & ~(1 << 2) & ~(1 << 4);

	if (!br_is_root())
		expect &= ~1;
	ASSERT_EQ(expect, seen);
}

TEST(id_compare)
{
	struct br_ns_id a, b;

	ASSERT_EQ(0, br_ns_id(0, "net", &a));
	ASSERT_EQ(1, br_ns_is(0, "net", &a));
	ASSERT_EQ(1, br_ns_is(getpid(), "net", &a));
	ASSERT_EQ(0, br_ns_private(CLONE_NEWNET));
	ASSERT_EQ(0, br_ns_is(0, "net", &a));
	ASSERT_EQ(0, br_ns_id(0, "net", &b));
	ASSERT_FALSE(br_ns_id_eq(&a, &b));
	ASSERT_EQ(-ENOENT, br_ns_is(0, "nonesuch", &a));
}

/* A target in its own user+uts namespace, holding a hostname until released. */
struct target {
	pid_t pid;
	int pidfd, ready[2], release[2];
};

static int hold(void *arg)
{
	struct target *t = arg;
	char c = 0;

	close(t->release[1]);
	if (sethostname("br-target", 9))
		return 1;
	if (write(t->ready[1], &c, 1) != 1)
		return 2;
	return read(t->release[0], &c, 1) < 0 ? 3 : 0;
}

static void start_target(struct target *t)
{
	char c;

	ASSERT_OK(pipe(t->ready));
	ASSERT_OK(pipe(t->release));
	t->pid = br_idmap_spawn(CLONE_NEWUTS, NULL, hold, t, &t->pidfd);
	if (t->pid < 0)
		br_require_userns();
	ASSERT_LT(0, t->pid);
	close(t->ready[1]);
	close(t->release[0]);
	ASSERT_EQ(1, read(t->ready[0], &c, 1));
	if (t->pidfd < 0)
		SKIP("no pidfd (pidfd_open needs Linux 5.3)");
}

static void stop_target(struct target *t)
{
	close(t->release[1]);
	ASSERT_EQ(0, br_wait(t->pid));
}

static bool host_is_target(void)
{
	char name[64];

	ASSERT_OK(gethostname(name, sizeof(name)));
	return !strcmp(name, "br-target");
}

TEST(setns_pidfd_joins)
{
	struct target t;
	int ret;

	start_target(&t);
	ret = br_ns_setns_pidfd(t.pidfd, CLONE_NEWUSER | CLONE_NEWUTS);
	ASSERT_LE(0, ret);
	br_fact("ns.setns_pidfd", "%s", ret ? "fallback" : "atomic");
	ASSERT_TRUE(host_is_target());
	stop_target(&t);
}

TEST(setns_not_joined_control)
{
	struct target t;

	start_target(&t);
	ASSERT_FALSE(host_is_target());
	stop_target(&t);
}

TEST(setns_path_joins)
{
	struct target t;
	char path[64];

	start_target(&t);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)t.pid);
	ASSERT_EQ(0, br_ns_setns_path(path, CLONE_NEWUSER));
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)t.pid);
	ASSERT_EQ(-EINVAL, br_ns_setns_path(path, CLONE_NEWNET));
	ASSERT_EQ(0, br_ns_setns_path(path, CLONE_NEWUTS));
	ASSERT_TRUE(host_is_target());
	stop_target(&t);
}

/* Without joining its user namespace first, an unprivileged caller has no
 * CAP_SYS_ADMIN over the target's uts namespace. */
TEST(setns_pidfd_without_userns_denied, .as = BR_UNPRIV)
{
	struct target t;

	start_target(&t);
	ASSERT_EQ(-EPERM, br_ns_setns_pidfd(t.pidfd, CLONE_NEWUTS));
	ASSERT_FALSE(host_is_target());
	stop_target(&t);
}

TEST_HARNESS_MAIN
