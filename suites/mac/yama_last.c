/*
 * Yama's ptrace_scope 3 (no attach): not even root's, and it cannot be
 * lowered until reboot. So this file runs after every other suite (the
 * guest's init runs *_last files last) and its cases leave the scope at 3.
 * The controls run at scope 2 first, where the scope still allows them.
 */
#include <fcntl.h>
#include <stdio.h>

#include "yama.h"

static void need_scope_below_3(void)
{
	int s = yama_need();

	if (s == 3)
		SKIP("ptrace_scope is already 3 (locked until reboot): the control at scope 2 "
		     "cannot run");
	ASSERT_EQ(0, br_mac_yama_set_scope(2));
}

static int traceme(void *unused)
{
	(void)unused;
	return ptrace(PTRACE_TRACEME, 0, 0, 0) ? errno : 0;
}

TEST(scope3_refuses_every_attach, .guest_only = 1, .as = BR_ROOT)
{
	need_scope_below_3();
	ASSERT_EQ(0, yama_attach(ROOT, OWN_CHILD, ROOT));
	ASSERT_EQ(0, br_child(traceme, NULL));
	ASSERT_EQ(0, br_mac_yama_set_scope(3));
	EXPECT_EQ(EPERM, yama_attach(ROOT, OWN_CHILD, ROOT));
	EXPECT_EQ(EPERM, yama_attach(ROOT, SIBLING, NOBODY));
	EXPECT_EQ(EPERM, br_child(traceme, NULL));
}

/* What scope 3 leaves: ptrace-read access (here /proc/PID/environ), which
 * Yama does not judge. */
static int read_environ(void *pid)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", *(pid_t *)pid);
	return br_read_file(path, buf, sizeof(buf)) < 0 ? errno : 0;
}

TEST(scope3_leaves_read_access, .guest_only = 1, .as = BR_ROOT)
{
	int hold;
	pid_t pid;

	if (yama_need() != 3)
		ASSERT_EQ(0, br_mac_yama_set_scope(3));
	pid = yama_park(ROOT, false, &hold);
	EXPECT_EQ(EPERM, ptrace(PTRACE_SEIZE, pid, 0, 0) ? errno : 0);
	EXPECT_EQ(0, br_child(read_environ, &pid));
	close(hold);
	br_wait(pid);
}

TEST(scope3_cannot_be_lowered, .guest_only = 1, .as = BR_ROOT)
{
	if (yama_need() != 3)
		ASSERT_EQ(0, br_mac_yama_set_scope(3));
	/* The control: writing 3 again works. */
	EXPECT_EQ(0, br_mac_yama_set_scope(3));
	for (int s = 0; s < 3; s++)
		EXPECT_EQ(-EINVAL, br_mac_yama_set_scope(s));
	EXPECT_EQ(3, br_mac_yama_scope());
}

TEST_HARNESS_MAIN
