/*
 * Harness self-test: each case misbehaves in one fault class. tests/harness.t
 * runs this binary and checks that each comes out with the right verdict and
 * reason while the run carries on. Never part of `blastradius run`.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TEST(segfaults)
{
	raise(SIGSEGV);
}

TEST(aborts)
{
	abort();
}

TEST(exit0_before_reporting)
{
	exit(0);
}

TEST(hangs, .timeout_ms = 200)
{
	for (;;)
		pause();
}

/* The orphan holds stdout open: the harness must not wait for it. */
TEST(orphan_outlives_case)
{
	if (fork() == 0) {
		setsid();
		for (;;)
			pause();
	}
}

/* Bounded: 64 children that never exit, each in its own process group. */
TEST(fork_bomb_bounded)
{
	for (int i = 0; i < 64; i++)
		if (fork() == 0) {
			setpgid(0, 0);
			for (;;)
				pause();
		}
}

TEST(closes_stdout)
{
	close(1);
	close(2);
	ASSERT_EQ(1, 1);
}

TEST(prints_ktap)
{
	printf("ok 99 forged\nnot ok 100 forged\n1..5\nKTAP version 1\n# fact forged=1\n"
	       "Subtest: forged\n  TAP version 13\nBail out! forged\nFAIL selftest.faults.fact_and_pass: forged\n");
	fflush(stdout);
	ASSERT_EQ(1, 2);
}

TEST(kills_own_group)
{
	kill(0, SIGKILL);
}

TEST(skip_with_reason)
{
	SKIP("needs CONFIG_BR_NOTHING");
}

TEST(xfail_with_reason)
{
	XFAIL("documented gap");
}

TEST(errno_names)
{
	ASSERT_ERRNO(EPERM, close(-1));
}

TEST(fact_and_pass)
{
	br_fact("selftest.key", "%s", "value");
}

TEST_SIGNAL(dies_as_declared, SIGSYS)
{
	raise(SIGSYS);
}

TEST_SIGNAL(survives_signal_test, SIGSYS) {}

/* Another signal than the declared one is a failure too. */
TEST_SIGNAL(dies_by_other_signal, SIGSYS)
{
	raise(SIGSEGV);
}

TEST(subprocess_assert)
{
	pid_t pid = fork();

	if (pid == 0)
		ASSERT_EQ(3, 4);
	waitpid(pid, NULL, 0);
}

/* In a root run this case runs as 65534 with empty capability sets. */
TEST(unpriv_drop, .as = BR_UNPRIV)
{
	cap_t caps = cap_get_proc();
	cap_t none = cap_init();

	ASSERT_EQ(65534, getuid());
	ASSERT_EQ(65534, getgid());
	ASSERT_EQ(0, cap_compare(caps, none));
}

TEST(root_only, .as = BR_ROOT)
{
	ASSERT_EQ(0, geteuid());
}

TEST(guest_only_case, .guest_only = 1) {}

TEST(streq_message)
{
	EXPECT_STREQ("expected", "seen");
	EXPECT_LT(5, 3);
}

TEST(fails_with_fix_hint, .fixed_by = "linux-git 0123456789ab selftest: the fix")
{
	ASSERT_EQ(1, 2);
}

TEST(passes_with_fix_hint, .fixed_by = "linux-git 0123456789ab selftest: the fix") {}

TEST_HARNESS_MAIN
