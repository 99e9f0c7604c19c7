/*
 * Cgroup namespace: after unshare(CLONE_NEWCGROUP), /proc/self/cgroup shows
 * the caller's cgroups as the roots ("0::/" on cgroup2), and cgroups outside
 * them as paths climbing up with "/..". Nothing here creates, moves or
 * writes a cgroup: the host's hierarchies are only read.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"

/* Lines of a /proc/PID/cgroup file: "id:controllers:path". */
static bool any_path(const char *file, bool (*pred)(const char *path))
{
	char buf[4096];

	ASSERT_LT(0, br_read_file(file, buf, sizeof(buf)));
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *path = strchr(line, ':');

		path = path ? strchr(path + 1, ':') : NULL;
		if (path && pred(path + 1))
			return true;
	}
	return false;
}

static bool not_root(const char *path)
{
	return strcmp(path, "/") != 0;
}

static bool climbs(const char *path)
{
	return !strncmp(path, "/..", 3);
}

static void need_non_root_cgroup(void)
{
	if (!any_path("/proc/self/cgroup", not_root))
		SKIP("this process sits in the root cgroup of every hierarchy: a namespace "
		     "root would look the same");
}

static void enter(void)
{
	int ret = br_ns_private(CLONE_NEWCGROUP);

	if (ret == -EINVAL)
		SKIP("no cgroup namespaces (CONFIG_CGROUPS, Linux 4.6)");
	if (ret)
		SKIP("cannot create a cgroup namespace: %s", br_errname(-ret));
}

static void cgroup_fact(void)
{
	char buf[4096];
	bool v2 = false, v1 = false;

	ASSERT_LT(0, br_read_file("/proc/self/cgroup", buf, sizeof(buf)));
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "0::", 3))
			v2 = true;
		else
			v1 = true;
	br_fact("ns.cgroup", "%s", v1 && v2 ? "hybrid" : v2 ? "v2" : "v1");
}

TEST(own_cgroups_are_roots_after_unshare)
{
	char buf[4096];

	cgroup_fact();
	need_non_root_cgroup();
	enter();
	ASSERT_FALSE(any_path("/proc/self/cgroup", not_root));
	ASSERT_LT(0, br_read_file("/proc/self/cgroup", buf, sizeof(buf)));
	if (strstr(buf, "0::"))
		ASSERT_TRUE(strstr(buf, "0::/\n") != NULL);
}

TEST(own_cgroups_full_paths_control)
{
	need_non_root_cgroup();
	ASSERT_TRUE(any_path("/proc/self/cgroup", not_root));
}

/* pid 1 sits above us in some hierarchy (we are not at its root): seen from
 * the namespace, its path climbs out with "/..". */
TEST(outside_cgroup_climbs_up)
{
	need_non_root_cgroup();
	enter();
	ASSERT_TRUE(any_path("/proc/1/cgroup", climbs));
}

TEST(outside_cgroup_plain_control)
{
	need_non_root_cgroup();
	ASSERT_FALSE(any_path("/proc/1/cgroup", climbs));
}

TEST(unshare_needs_cap, .as = BR_UNPRIV)
{
	ASSERT_ERRNO(EPERM, unshare(CLONE_NEWCGROUP));
}

TEST_HARNESS_MAIN
