/*
 * seccomp modes and their lifetime: strict mode, filter mode with and
 * without no_new_privs, inheritance across fork and exec, and the rule that
 * a filter, once installed, can only ever be added to.
 * The enforcement filter gives getppid EXDEV; controls run the same call
 * without it.
 */
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#define DENY_GETPPID "ld nr\njeq getppid 0 1\nret ERRNO(18)\nret ALLOW\n" /* EXDEV */
#define ALLOW_ALL "ret ALLOW\n"
#define EXEC_HOOK "BR_SECCOMP_EXEC_HOOK"

static long raw_getppid(void)
{
	return br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
}

/*
 * After an exec of this binary, report from the new image (before the
 * harness starts): "getppid" exits with the call's errno (0 if it ran),
 * "nnp" with PR_GET_NO_NEW_PRIVS.
 */
__attribute__((constructor)) static void exec_hook(void)
{
	const char *what = getenv(EXEC_HOOK);
	long r;

	if (!what)
		return;
	if (!strcmp(what, "getppid")) {
		r = raw_getppid();
		_exit(r < 0 ? (int)-r : 0);
	}
	if (!strcmp(what, "nnp"))
		_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	_exit(99);
}

static int exec_self(void *what)
{
	char *argv[] = {"seccomp-exec-hook", NULL};

	setenv(EXEC_HOOK, what, 1);
	execv("/proc/self/exe", argv);
	return 98;
}

/* ---- strict mode ---- */

/* Strict mode allows read, write, _exit (not exit_group) and sigreturn. */
static int strict_then(void *call_getpid)
{
	int p[2];
	char c = 'x';

	if (pipe(p))
		return 10;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
		return 11;
	if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
		syscall(SYS_exit, 12);
	if (call_getpid)
		syscall(SYS_getpid);
	syscall(SYS_exit, 0);
	return 13;
}

TEST(strict_allows_read_write_exit_control)
{
	ASSERT_EQ(0, br_child(strict_then, NULL));
}

TEST(strict_kills_other_calls_with_sigkill)
{
	ASSERT_EQ(128 + SIGKILL, br_child(strict_then, (void *)1));
}

/* ---- no_new_privs ---- */

static int load_without_nnp(void *arg)
{
	long r = br_seccomp_load_text(DENY_GETPPID, 0);

	(void)arg;
	return r < 0 ? (int)-r : 0;
}

/* Without NNP, an unprivileged filter could fool a setuid program. */
TEST(filter_without_nnp_unprivileged_eacces, .as = BR_UNPRIV)
{
	ASSERT_EQ(EACCES, br_child(load_without_nnp, NULL));
}

/* CAP_SYS_ADMIN (in the current user ns) replaces NNP. */
TEST(filter_without_nnp_root_allowed_control, .as = BR_ROOT)
{
	ASSERT_EQ(0, br_child(load_without_nnp, NULL));
}

static int load_with_nnp(void *arg)
{
	long r = br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return 10;
	r = raw_getppid();
	return r < 0 ? (int)-r : 0;
}

TEST(filter_with_nnp_unprivileged_enforced, .as = BR_UNPRIV)
{
	ASSERT_EQ(EXDEV, br_child(load_with_nnp, NULL));
}

static int clear_nnp(void *arg)
{
	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	if (prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) != -1 || errno != EINVAL)
		return 11;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 12;
}

TEST(nnp_cannot_be_cleared)
{
	ASSERT_EQ(0, br_child(clear_nnp, NULL));
}

static int nnp_then_exec(void *arg)
{
	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	return exec_self("nnp");
}

TEST(nnp_inherited_across_exec)
{
	ASSERT_EQ(1, br_child(nnp_then_exec, NULL));
	/* control: a fresh exec without it reports 0 */
	ASSERT_EQ(0, br_child(exec_self, "nnp"));
}

/* ---- inheritance ---- */

static int getppid_errno(void *arg)
{
	long r = raw_getppid();

	(void)arg;
	return r < 0 ? (int)-r : 0;
}

static int filter_then_fork(void *arg)
{
	(void)arg;
	if (br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP))
		return 10;
	return br_child(getppid_errno, NULL);
}

TEST(filter_inherited_across_fork)
{
	ASSERT_EQ(EXDEV, br_child(filter_then_fork, NULL));
	ASSERT_EQ(0, br_child(getppid_errno, NULL)); /* control */
}

static int filter_then_exec(void *arg)
{
	(void)arg;
	if (br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP))
		return 10;
	return exec_self("getppid");
}

TEST(filter_inherited_across_exec)
{
	ASSERT_EQ(EXDEV, br_child(filter_then_exec, NULL));
	ASSERT_EQ(0, br_child(exec_self, "getppid")); /* control */
}

/* ---- no way back ---- */

static int allow_on_top(void *arg)
{
	(void)arg;
	if (br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP))
		return 10;
	if (br_seccomp_load_text(ALLOW_ALL, 0))
		return 11;
	return getppid_errno(NULL);
}

/* A later permissive filter runs too, but the stricter answer wins. */
TEST(filter_cannot_be_removed_by_allow_all)
{
	ASSERT_EQ(EXDEV, br_child(allow_on_top, NULL));
}

static int strict_after_filter(void *arg)
{
	(void)arg;
	if (br_seccomp_load_text(ALLOW_ALL, BR_SECCOMP_NNP))
		return 10;
	if (prctl(PR_GET_SECCOMP) != SECCOMP_MODE_FILTER)
		return 11;
	/* Changing mode is refused; filter mode stays. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != -1)
		return 12;
	return errno;
}

TEST(mode_cannot_change_after_filter)
{
	ASSERT_EQ(EINVAL, br_child(strict_after_filter, NULL));
}

static int status_counts(void *arg)
{
	char buf[4096], *mode, *count;

	(void)arg;
	for (int i = 0; i < 3; i++)
		if (br_seccomp_load_text(ALLOW_ALL, BR_SECCOMP_NNP))
			return 10;
	if (br_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return 11;
	mode = strstr(buf, "\nSeccomp:");
	count = strstr(buf, "\nSeccomp_filters:");
	if (!mode || atoi(mode + 9) != SECCOMP_MODE_FILTER)
		return 12;
	/* Seccomp_filters appeared in 5.9. */
	if (count && atoi(count + 17) != 3)
		return 13;
	return 0;
}

TEST(proc_status_shows_mode_and_filter_count)
{
	char buf[4096];

	if (br_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		SKIP("no /proc/self/status (proc not mounted)");
	ASSERT_TRUE(strstr(buf, "\nSeccomp:\t0") != NULL); /* control: the case has none */
	ASSERT_EQ(0, br_child(status_counts, NULL));
}

TEST_HARNESS_MAIN
