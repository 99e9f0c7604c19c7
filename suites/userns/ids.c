/*
 * Ids a user namespace does not map: they read as the overflow ids
 * (/proc/sys/kernel/overflowuid, 65534 by default), and nobody inside may
 * become them or give files to them (EINVAL). The namespace maps its root
 * to a non-root id outside (the caller's, or 100000 when the caller is root).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

#define OUTSIDE_ROOT_MAPPED 100000

static unsigned overflow(const char *which)
{
	char path[64], buf[16];

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", which);
	return br_read_file(path, buf, sizeof(buf)) > 0 ? (unsigned)atoi(buf) : 65534;
}

static int map_root_away(pid_t child, void *arg)
{
	struct br_idmap m = {0, OUTSIDE_ROOT_MAPPED, 1};
	int ret;

	(void)arg;
	if (geteuid())
		return br_idmap_map_root(child, geteuid(), getegid());
	ret = br_idmap_deny_setgroups(child);
	if (!ret)
		ret = br_idmap_write(child, "uid_map", &m, 1);
	return ret ? ret : br_idmap_write(child, "gid_map", &m, 1);
}

static int no_maps(pid_t child, void *arg)
{
	(void)child, (void)arg;
	return 0;
}

/* The kernel ids change only on setresuid/setresgid: until then a child of
 * real root is still kernel uid 0, which the namespace does not map. */
static int become_ns_root(void)
{
	return setresgid(0, 0, 0) || setresuid(0, 0, 0) ? -errno : 0;
}

struct call {
	int (*fn)(void *);
	void *arg;
};

static int as_ns_root(void *arg)
{
	struct call *c = arg;

	return become_ns_root() ? 110 : c->fn(c->arg);
}

static int in_userns(int (*maps)(pid_t, void *), int (*fn)(void *), void *arg)
{
	struct call c = {fn, arg};
	pid_t pid = maps == no_maps ? br_idmap_spawn(0, maps, fn, arg, NULL)
				    : br_idmap_spawn(0, maps, as_ns_root, &c, NULL);

	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	return br_wait(pid);
}

/* "/" belongs to real root, which the namespace does not map. */
static int root_dir_owner(void *arg)
{
	struct stat st;

	(void)arg;
	if (stat("/", &st))
		return 100;
	return st.st_uid == overflow("overflowuid") && st.st_gid == overflow("overflowgid") ? 0 : 1;
}

TEST(unmapped_owner_reads_overflow)
{
	br_fact("userns.overflowuid", "%u", overflow("overflowuid"));
	ASSERT_EQ(0, in_userns(map_root_away, root_dir_owner, NULL));
}

TEST(mapped_owner_reads_real_control)
{
	struct stat st;

	ASSERT_OK(stat("/", &st));
	ASSERT_NE(overflow("overflowuid"), st.st_uid);
}

static int own_ids(void *want_overflow)
{
	uid_t uid = want_overflow ? overflow("overflowuid") : 0;
	gid_t gid = want_overflow ? overflow("overflowgid") : 0;

	return getuid() == uid && getgid() == gid ? 0 : 1;
}

TEST(unmapped_self_reads_overflow)
{
	ASSERT_EQ(0, in_userns(no_maps, own_ids, (void *)1));
}

TEST(mapped_self_reads_root_control)
{
	ASSERT_EQ(0, in_userns(map_root_away, own_ids, NULL));
}

/* In the namespace, on a tmpfs it owns: chown to an unmapped id. */
static int chown_to(void *arg)
{
	uid_t id = (uid_t)(long)arg;
	char dir[64], path[96];

	if (br_scratch(0, dir, sizeof(dir)))
		return 100;
	snprintf(path, sizeof(path), "%s/f", dir);
	if (br_make_file(path, "", 0600))
		return 101;
	return chown(path, id, id) ? errno : 0;
}

TEST(chown_to_unmapped_einval)
{
	ASSERT_EQ(EINVAL, in_userns(map_root_away, chown_to, (void *)5L));
}

TEST(chown_to_mapped_control)
{
	ASSERT_EQ(0, in_userns(map_root_away, chown_to, (void *)0L));
}

static int setuid_to(void *arg)
{
	return setuid((uid_t)(long)arg) ? errno : 0;
}

static int setgid_to(void *arg)
{
	return setgid((gid_t)(long)arg) ? errno : 0;
}

TEST(setuid_to_unmapped_einval)
{
	ASSERT_EQ(EINVAL, in_userns(map_root_away, setuid_to, (void *)5L));
}

TEST(setuid_to_mapped_control)
{
	ASSERT_EQ(0, in_userns(map_root_away, setuid_to, (void *)0L));
}

TEST(setgid_to_unmapped_einval)
{
	ASSERT_EQ(EINVAL, in_userns(map_root_away, setgid_to, (void *)5L));
}

TEST(setgid_to_mapped_control)
{
	ASSERT_EQ(0, in_userns(map_root_away, setgid_to, (void *)0L));
}

/* A file made by the namespace's root belongs, outside, to the id that root
 * maps to: seen from the parent through /proc/PID/root. */
static int make_and_wait(void *arg)
{
	int *p = arg;
	char dir[64], path[96], c = 0;

	close(p[0]);
	if (become_ns_root() || br_scratch(0, dir, sizeof(dir)))
		return 100;
	snprintf(path, sizeof(path), "%s/f", dir);
	if (br_make_file(path, "", 0600))
		return 101;
	if (write(p[1], dir, sizeof(dir)) != sizeof(dir))
		return 102;
	return read(p[1], &c, 1) < 0 ? 103 : 0; /* EOF-free wait: killed by the case */
}

TEST(created_file_owned_by_outside_id)
{
	int p[2];
	char dir[64], path[160];
	struct stat st;
	pid_t pid;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	pid = br_idmap_spawn(0, map_root_away, make_and_wait, p, NULL);
	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	close(p[1]);
	ASSERT_EQ((ssize_t)sizeof(dir), read(p[0], dir, sizeof(dir)));
	snprintf(path, sizeof(path), "/proc/%d/root%s/f", (int)pid, dir);
	ASSERT_OK(stat(path, &st));
	ASSERT_EQ(geteuid() ? geteuid() : OUTSIDE_ROOT_MAPPED, st.st_uid);
	close(p[0]);
	ASSERT_EQ(0, br_wait(pid));
}

TEST_HARNESS_MAIN
