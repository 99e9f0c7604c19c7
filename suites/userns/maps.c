/*
 * uid_map / gid_map / setgroups rules. Each case makes its own user
 * namespaces: a "holder" child waits in a fresh one while the case writes
 * its maps, so every write is the first chance the kernel gets (the maps are
 * write-once) and a failed write leaves the map still unwritten.
 */
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"

struct holder {
	pid_t pid;
	int release;
};

/* A child in a new user namespace (unmapped), waiting until released. */
static void hold(struct holder *h)
{
	int p[2];
	char c;

	ASSERT_OK(pipe(p));
	h->pid = br_ns_clone3(CLONE_NEWUSER, NULL);
	if (h->pid == 0) {
		/* Hold no other holder's release end, or none would see EOF. */
		close_range(3, p[0] - 1, 0);
		close_range(p[0] + 1, ~0U, 0);
		_exit(read(p[0], &c, 1) < 0);
	}
	if (h->pid < 0)
		br_require_userns();
	ASSERT_LT(0, h->pid);
	close(p[0]);
	h->release = p[1];
}

static void release(struct holder *h)
{
	close(h->release);
	ASSERT_EQ(0, br_wait(h->pid));
}

static int put(struct holder *h, const char *file, const char *text)
{
	return br_idmap_write_text(h->pid, file, text);
}

/* "0 <euid> 1": the one line anyone may write for their own id. */
static const char *own(const char *file)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "0 %u 1\n",
		 strcmp(file, "uid_map") ? (unsigned)getegid() : (unsigned)geteuid());
	return buf;
}

TEST(uid_map_write_once)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	ASSERT_EQ(-EPERM, put(&h, "uid_map", own("uid_map")));
	release(&h);
}

TEST(gid_map_write_once)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(0, br_idmap_deny_setgroups(h.pid));
	ASSERT_EQ(0, put(&h, "gid_map", own("gid_map")));
	ASSERT_EQ(-EPERM, put(&h, "gid_map", own("gid_map")));
	release(&h);
}

/* A rejected write does not use up the one write: the good one after works. */
TEST(zero_count_einval)
{
	struct holder h;
	char line[64];

	hold(&h);
	snprintf(line, sizeof(line), "0 %u 0\n", (unsigned)geteuid());
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", line));
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	release(&h);
}

TEST(range_wrapping_einval)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", "4294967295 0 2\n"));
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	release(&h);
}

TEST(malformed_line_einval)
{
	struct holder h;
	char line[64];

	hold(&h);
	snprintf(line, sizeof(line), "0 %u\n", (unsigned)geteuid());
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", line));
	snprintf(line, sizeof(line), "0 %u 1 x\n", (unsigned)geteuid());
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", line));
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	release(&h);
}

/* Several lines need CAP_SETUID over the parent namespace: root here. */
TEST(overlap_inside_einval, .as = BR_ROOT)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", "0 1000 10\n5 2000 10\n"));
	release(&h);
}

TEST(overlap_outside_einval, .as = BR_ROOT)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(-EINVAL, put(&h, "uid_map", "0 1000 10\n100 1005 10\n"));
	release(&h);
}

TEST(disjoint_lines_accepted_control, .as = BR_ROOT)
{
	struct holder h;
	struct br_idmap m[4];

	hold(&h);
	ASSERT_EQ(0, put(&h, "uid_map", "0 1000 10\n100 2000 10\n"));
	ASSERT_EQ(2, br_idmap_read(h.pid, "uid_map", m, 4));
	ASSERT_EQ(100, m[1].inside);
	ASSERT_EQ(2000, m[1].outside);
	release(&h);
}

/* The kernel's line limit (5 before 4.15, 340 since): try from above; every
 * refused write leaves the map unwritten, the first accepted one is the max. */
TEST(line_limit, .as = BR_ROOT)
{
	static struct br_idmap lines[400];
	struct holder h;
	int n, ret = -EINVAL;

	for (int i = 0; i < 400; i++)
		lines[i] = (struct br_idmap){i, i, 1};
	hold(&h);
	for (n = 400; n > 0; n--) {
		ret = br_idmap_write(h.pid, "uid_map", lines, n);
		if (ret != -EINVAL)
			break;
	}
	ASSERT_EQ(0, ret);
	br_fact("userns.max_map_lines", "%d", n);
	/* 400 short lines fit one page: the refusals above were the limit. */
	ASSERT_LT(n, 400);
	ASSERT_LE(5, n);
	release(&h);
}

/* ---- what an unprivileged writer may write ---- */

TEST(unpriv_own_id_one_line_control, .as = BR_UNPRIV)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	release(&h);
}

TEST(unpriv_other_id_eperm, .as = BR_UNPRIV)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(-EPERM, put(&h, "uid_map", "0 0 1\n"));
	release(&h);
}

TEST(unpriv_two_lines_eperm, .as = BR_UNPRIV)
{
	struct holder h;
	char text[64];

	hold(&h);
	snprintf(text, sizeof(text), "0 %u 1\n1 %u 1\n", (unsigned)geteuid(), (unsigned)geteuid() - 1);
	ASSERT_EQ(-EPERM, put(&h, "uid_map", text));
	release(&h);
}

TEST(unpriv_range_eperm, .as = BR_UNPRIV)
{
	struct holder h;
	char text[64];

	hold(&h);
	snprintf(text, sizeof(text), "0 %u 2\n", (unsigned)geteuid());
	ASSERT_EQ(-EPERM, put(&h, "uid_map", text));
	release(&h);
}

/* gid_map from an unprivileged writer needs setgroups "deny" first
 * (CVE-2014-8989: setgroups could drop a group that denied access). */
TEST(unpriv_gid_map_needs_setgroups_deny, .as = BR_UNPRIV)
{
	struct holder h;

	hold(&h);
	ASSERT_EQ(-EPERM, put(&h, "gid_map", own("gid_map")));
	ASSERT_EQ(0, br_idmap_deny_setgroups(h.pid));
	ASSERT_EQ(0, put(&h, "gid_map", own("gid_map")));
	release(&h);
}

/* ---- setgroups ---- */

static int try_setgroups(void *arg)
{
	(void)arg;
	return setgroups(0, NULL) ? errno : 0;
}

static int deny_and_map(pid_t child, void *arg)
{
	(void)arg;
	return br_idmap_map_root(child, geteuid(), getegid());
}

static int map_allowing_setgroups(pid_t child, void *arg)
{
	int ret = br_idmap_write_text(child, "uid_map", "0 0 1\n");

	(void)arg;
	return ret ? ret : br_idmap_write_text(child, "gid_map", "0 0 1\n");
}

static int spawn_status(int (*maps)(pid_t, void *), int (*fn)(void *))
{
	pid_t pid = br_idmap_spawn(0, maps, fn, NULL, NULL);

	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	return br_wait(pid);
}

TEST(setgroups_call_denied)
{
	ASSERT_EQ(EPERM, spawn_status(deny_and_map, try_setgroups));
}

/* setgroups left "allow" needs a gid_map written with CAP_SETGID outside. */
TEST(setgroups_call_allowed_control, .as = BR_ROOT)
{
	ASSERT_EQ(0, spawn_status(map_allowing_setgroups, try_setgroups));
}

TEST(setgroups_deny_after_gid_map_eperm, .as = BR_ROOT)
{
	struct holder h;
	char path[64], buf[16];

	hold(&h);
	ASSERT_EQ(0, put(&h, "gid_map", "0 0 1\n"));
	ASSERT_EQ(-EPERM, br_idmap_deny_setgroups(h.pid));
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)h.pid);
	ASSERT_LT(0, br_read_file(path, buf, sizeof(buf)));
	ASSERT_STREQ("allow\n", buf);
	release(&h);
}

/* Nested under a namespace whose setgroups is denied, "allow" is refused. */
static void enter_mapped_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int ret;

	br_require_userns();
	ASSERT_OK(unshare(CLONE_NEWUSER));
	ret = br_idmap_map_root(0, uid, gid);
	ASSERT_EQ(0, ret);
}

TEST(setgroups_allow_under_denied_parent_eperm)
{
	struct holder h;

	enter_mapped_userns();
	hold(&h);
	ASSERT_EQ(-EPERM, put(&h, "setgroups", "allow"));
	ASSERT_EQ(0, put(&h, "setgroups", "deny"));
	release(&h);
}

/* ---- who may write, and what ---- */

/* Outside ids must be mapped in the writer's (parent) namespace. */
TEST(outside_id_unmapped_in_parent_eperm)
{
	struct holder h;

	enter_mapped_userns(); /* only 0 is mapped here */
	hold(&h);
	ASSERT_EQ(-EPERM, put(&h, "uid_map", "0 5 1\n"));
	ASSERT_EQ(0, put(&h, "uid_map", "0 0 1\n"));
	release(&h);
}

/* Only a process in the namespace or its parent may write the map. */
TEST(writer_in_sibling_ns_eperm)
{
	struct holder a, b;

	hold(&a);
	hold(&b);
	ASSERT_EQ(0, put(&a, "uid_map", own("uid_map"))); /* control: from the parent */
	enter_mapped_userns();
	ASSERT_EQ(-EPERM, put(&b, "uid_map", "0 0 1\n"));
	release(&a);
	release(&b);
}

/* A map reads back in the reader's terms: from the parent, field 2 is the
 * parent's id as written. */
TEST(map_read_back_in_parent_terms)
{
	struct holder h;
	struct br_idmap m[2];

	hold(&h);
	ASSERT_EQ(0, put(&h, "uid_map", own("uid_map")));
	ASSERT_EQ(1, br_idmap_read(h.pid, "uid_map", m, 2));
	ASSERT_EQ(0, m[0].inside);
	ASSERT_EQ(geteuid(), m[0].outside);
	ASSERT_EQ(1, m[0].count);
	release(&h);
}

/* ---- mapping the parent's uid 0 needs CAP_SETFCAP (5.12+) ---- */

static int map_parent_root(pid_t child, void *arg)
{
	(void)arg;
	return br_idmap_write_text(child, "uid_map", "0 0 1\n");
}

static int ok(void *arg)
{
	(void)arg;
	return 0;
}

static int drop_setfcap_then_spawn(void *arg)
{
	struct br_caps c;
	pid_t pid;

	(void)arg;
	if (br_caps_get(&c))
		return 101;
	c.eff &= ~BR_CAP(CAP_SETFCAP);
	c.prm &= ~BR_CAP(CAP_SETFCAP);
	c.inh = c.amb = 0;
	if (br_caps_set(&c))
		return 102;
	pid = br_idmap_spawn(0, map_parent_root, ok, NULL, NULL);
	if (pid >= 0)
		return br_wait(pid) ? 103 : 0;
	return -pid;
}

/* Since 5.12 (commit db2e718a4798, "capabilities: require CAP_SETFCAP to
 * map uid 0") both the opener of uid_map and the namespace's creator need
 * CAP_SETFCAP: a root mapping could otherwise set v3 file caps for the parent. */
TEST(map_parent_root_without_setfcap, .as = BR_ROOT)
{
	int status;

	br_require_userns();
	status = br_child(drop_setfcap_then_spawn, NULL);
	if (status == 0) {
		br_fact("userns.map_root_needs_setfcap", "no");
		XFAIL("this kernel lets a writer without CAP_SETFCAP map uid 0 (before 5.12)");
	}
	br_fact("userns.map_root_needs_setfcap", "yes");
	ASSERT_EQ(EPERM, status);
}

TEST(map_parent_root_with_setfcap_control, .as = BR_ROOT)
{
	pid_t pid;

	br_require_userns();
	pid = br_idmap_spawn(0, map_parent_root, ok, NULL, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

TEST_HARNESS_MAIN
