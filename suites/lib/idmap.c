/*
 * lib/idmap: maps written by the parent while the child waits, read back;
 * setgroups denied; errors from the kernel passed through as -errno.
 */
#include <grp.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"

static pid_t spawn(int (*maps)(pid_t, void *), int (*fn)(void *), void *arg)
{
	br_require_userns();
	return br_idmap_spawn(0, maps, fn, arg, NULL);
}

/* Child: 0 if it is root inside and its uid_map reads back "0 <uid> 1". */
static int check_root(void *arg)
{
	struct br_idmap m[4];
	uid_t outside = *(uid_t *)arg;

	if (getuid() != 0 || getgid() != 0)
		return 1;
	if (br_idmap_read(0, "uid_map", m, 4) != 1)
		return 2;
	return m[0].inside == 0 && m[0].outside == outside && m[0].count == 1 ? 0 : 3;
}

TEST(map_root_applied)
{
	uid_t uid = geteuid();
	pid_t pid = spawn(NULL, check_root, &uid);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

static int no_maps(pid_t child, void *arg)
{
	(void)child, (void)arg;
	return 0;
}

static int report_uid(void *arg)
{
	struct br_idmap m[1];

	(void)arg;
	/* Unmapped: the overflow id, and an empty map. */
	return getuid() == 65534 && br_idmap_read(0, "uid_map", m, 1) == 0 ? 0 : 1;
}

TEST(unmapped_control)
{
	pid_t pid = spawn(no_maps, report_uid, NULL);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

/* Two ranges at once, read back in order (only root may map several). */
static int two_lines(pid_t child, void *arg)
{
	struct br_idmap m[2] = {{0, 0, 1}, {1000, 100000, 10}};

	(void)arg;
	return br_idmap_write(child, "uid_map", m, 2);
}

static int check_two(void *arg)
{
	struct br_idmap m[4];

	(void)arg;
	if (br_idmap_read(0, "uid_map", m, 4) != 2)
		return 1;
	return m[1].inside == 1000 && m[1].outside == 100000 && m[1].count == 10 ? 0 : 2;
}

TEST(multi_line_map, .as = BR_ROOT)
{
	pid_t pid = spawn(two_lines, check_two, NULL);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

/* A writer's error comes back as -errno, and the waiting child is reaped. */
static int zero_count(pid_t child, void *arg)
{
	struct br_idmap m = {0, 0, 0};

	(void)arg;
	return br_idmap_write(child, "uid_map", &m, 1);
}

static int never(void *arg)
{
	(void)arg;
	return 99;
}

TEST(map_error_returned_and_child_reaped)
{
	br_require_userns();
	ASSERT_EQ(-EINVAL, br_idmap_spawn(0, zero_count, never, NULL, NULL));
	ASSERT_ERRNO(ECHILD, waitpid(-1, NULL, WNOHANG));
}

/* setgroups denied: setgroups() in the child gives EPERM. */
static int try_setgroups(void *arg)
{
	(void)arg;
	return setgroups(0, NULL) ? (errno == EPERM ? 1 : 2) : 0;
}

static int root_maps_allow(pid_t child, void *arg)
{
	struct br_idmap u = {0, 0, 1}, g = {0, 0, 1};
	int ret;

	if (*(bool *)arg)
		ret = br_idmap_deny_setgroups(child);
	else
		ret = 0;
	if (!ret)
		ret = br_idmap_write(child, "uid_map", &u, 1);
	return ret ? ret : br_idmap_write(child, "gid_map", &g, 1);
}

TEST(setgroups_denied_applied)
{
	pid_t pid = spawn(NULL, try_setgroups, NULL);

	ASSERT_LT(0, pid);
	ASSERT_EQ(1, br_wait(pid));
}

/* The control needs a gid_map written with setgroups allowed: only a writer
 * with CAP_SETGID in the parent namespace may do that. */
TEST(setgroups_allowed_control, .as = BR_ROOT)
{
	bool deny = false;
	pid_t pid;

	br_require_userns();
	pid = br_idmap_spawn(0, root_maps_allow, try_setgroups, &deny, NULL);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

TEST(write_text_and_read_file_missing)
{
	struct br_idmap m[1];

	ASSERT_EQ(-ENOENT, br_idmap_read(0, "no_such_map", m, 1));
	/* Our own initial map is "0 0 4294967295" and was written long ago. */
	ASSERT_EQ(1, br_idmap_read(0, "uid_map", m, 1));
	ASSERT_EQ(4294967295u, m[0].count);
	ASSERT_EQ(-EPERM, br_idmap_write_text(0, "uid_map", "0 0 1\n"));
}

TEST_HARNESS_MAIN
