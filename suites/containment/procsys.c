/*
 * Global kernel knobs a compromised process would like to set: sysctls such
 * as kernel.core_pattern (a "|program" there runs as root on the next crash)
 * and the cgroup v1 release_agent (CVE-2022-0492: run as root when a cgroup
 * empties). Neither may be writable from a user namespace.
 *
 * Never harm the host: every probe only opens the file for writing, which
 * is where the permission check sits, and closes it without writing a byte.
 * The verdicts run unprivileged (root inside a user namespace that maps it
 * to uid 65534); a user namespace mapping real root to itself would not be
 * a boundary for these files at all. The controls are real root.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "harness.h"
#include "sandboxed.h"
#include "scratch.h"

#define USERNS "userns = on\n"
#define USERNS_FRESH_PROC "userns = on\nns = mnt,pid\nproc = on\n"
#define USERNS_CGROUP "userns = on\nns = mnt,cgroup\n"

FIXTURE(sysctl) {
	int unused;
};

FIXTURE_VARIANT(sysctl) {
	const char *path;
};

FIXTURE_VARIANT_ADD(sysctl, core_pattern) { "/proc/sys/kernel/core_pattern" };
FIXTURE_VARIANT_ADD(sysctl, suid_dumpable) { "/proc/sys/fs/suid_dumpable" };
FIXTURE_VARIANT_ADD(sysctl, kptr_restrict) { "/proc/sys/kernel/kptr_restrict" };
FIXTURE_VARIANT_ADD(sysctl, randomize_va_space) { "/proc/sys/kernel/randomize_va_space" };
FIXTURE_VARIANT_ADD(sysctl, panic_on_oops) { "/proc/sys/kernel/panic_on_oops" };

FIXTURE_SETUP(sysctl)
{
	if (access(variant->path, F_OK))
		SKIP("%s does not exist on this kernel", variant->path);
}

FIXTURE_TEARDOWN(sysctl) {}

TEST_F(sysctl, host_root_control, .as = BR_ROOT)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, open_for_write, (void *)variant->path));
}

TEST_F(sysctl, from_userns, .as = BR_UNPRIV)
{
	ASSERT_EQ(EACCES, sandboxed(USERNS, open_for_write, (void *)variant->path));
}

/* The same through a proc the user namespace mounted itself. */
TEST_F(sysctl, from_userns_own_proc, .as = BR_UNPRIV)
{
	ASSERT_EQ(EACCES, sandboxed(USERNS_FRESH_PROC, open_for_write, (void *)variant->path));
}

/* ---- cgroup v1 release_agent ---- */

struct v1 {
	char root[256]; /* mount point of a v1 hierarchy */
	char opts[128]; /* its super options, e.g. "rw,cpu" */
	char agent[300];
};

/* The first cgroup v1 hierarchy mounted here; SKIP when there is none. */
static void find_v1(struct v1 *h)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];

	ASSERT_TRUE(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		char point[256], type[32], opts[128], *tail = strstr(line, " - ");

		/* "ID PARENT DEV ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPER" */
		if (tail && sscanf(line, "%*d %*d %*s %*s %255s", point) == 1 &&
		    sscanf(tail, " - %31s %*s %127s", type, opts) == 2 && !strcmp(type, "cgroup")) {
			snprintf(h->root, sizeof(h->root), "%s", point);
			snprintf(h->opts, sizeof(h->opts), "%s", opts);
			snprintf(h->agent, sizeof(h->agent), "%s/release_agent", point);
			fclose(f);
			return;
		}
	}
	fclose(f);
	SKIP("no cgroup v1 hierarchy is mounted (cgroup v2 only has no release_agent)");
}

TEST(release_agent_host_root_control, .as = BR_ROOT)
{
	struct v1 h;

	find_v1(&h);
	ASSERT_EQ(0, sandboxed(NO_PROFILE, open_for_write, h.agent));
}

TEST(release_agent_from_userns, .as = BR_UNPRIV)
{
	struct v1 h;
	int e;

	find_v1(&h);
	e = sandboxed(USERNS, open_for_write, h.agent);
	TH_LOG("open(%s, O_WRONLY) from a user namespace: %s", h.agent, br_errname(e));
	if (e != EACCES)
		ASSERT_EQ(EPERM, e);
}

/* CVE-2022-0492's path: mount the hierarchy again from inside a user,
 * mount and cgroup namespace, then its release_agent. Either the mount or
 * the open must be refused. */
static int mount_v1_and_open(void *arg)
{
	const struct v1 *h = arg;
	const char *point = br_scratch_point(NULL);
	char agent[300], *opts = strchr(h->opts, ',');
	int e;

	if (!point)
		return 101;
	if (mount("cgroup", point, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts ? opts + 1 : NULL))
		return errno;
	snprintf(agent, sizeof(agent), "%s/release_agent", point);
	e = open_for_write(agent);
	return e ? e : 102;
}

TEST(release_agent_userns_remount, .as = BR_UNPRIV)
{
	struct v1 h;
	int e;

	find_v1(&h);
	e = sandboxed(USERNS_CGROUP, mount_v1_and_open, &h);
	TH_LOG("mount of %s's hierarchy and open of its release_agent: %s", h.root,
	       e == 102 ? "writable" : br_errname(e));
	if (e != EACCES)
		ASSERT_EQ(EPERM, e);
}

TEST_HARNESS_MAIN
