/*
 * seccomp actions, one at a time: what each return value does to the
 * calling thread and process, and which actions the kernel offers.
 * Every filter matches only getppid (called raw, so libc cannot cache or
 * divert it) and allows the rest; each case runs it in a probe child.
 * The control is ALLOW (and LOG): the same call under the same kind of
 * filter runs and returns the real parent pid.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (glibc may not name it) */
#endif

static long raw_getppid(void)
{
	return br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
}

/* Filter: getppid -> ret, anything else ALLOW; NNP first. 0 or -errno. */
static long deny_getppid(uint32_t ret)
{
	char text[160];

	snprintf(text, sizeof(text), "ld nr\njeq getppid 0 1\nret %#x\nret ALLOW\n", ret);
	return br_seccomp_load_text(text, BR_SECCOMP_NNP);
}

static long call_under(void *ret)
{
	long r = deny_getppid(*(uint32_t *)ret);

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return raw_getppid();
}

static struct br_outcome under(uint32_t ret)
{
	struct br_outcome o;

	br_probe(&o, call_under, &ret, 0, 0);
	if (o.kind == BR_PROBE_ERROR)
		br_fail(__FILE__, __LINE__, "probe broke: %s", o.detail);
	return o;
}

TEST(kill_process_kills_with_sigsys)
{
	struct br_outcome o = under(SECCOMP_RET_KILL_PROCESS);

	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

TEST(allow_runs_the_call_control)
{
	struct br_outcome o = under(SECCOMP_RET_ALLOW);

	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(getpid(), o.ret);
}

/* LOG only writes an audit record (when auditing is on): the call runs. */
TEST(log_runs_the_call)
{
	struct br_outcome o = under(SECCOMP_RET_LOG);

	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(getpid(), o.ret);
}

TEST(errno_returns_the_data)
{
	struct br_outcome o = under(SECCOMP_RET_ERRNO | EXDEV);

	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EXDEV, o.err);
}

/* The 16-bit data is clamped to MAX_ERRNO so userspace still sees -errno. */
TEST(errno_data_capped_at_4095)
{
	struct br_outcome o = under(SECCOMP_RET_ERRNO | 5000);

	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(4095, o.err);
}

struct closed {
	int fd;
};

static long close_under_errno0(void *arg)
{
	struct closed *c = arg;
	long r = br_seccomp_load_text("ld nr\njeq close 0 1\nret ERRNO(0)\nret ALLOW\n",
				      BR_SECCOMP_NNP);

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	r = br_sys(BR_ABI_NATIVE, SYS_close, c->fd, 0, 0, 0, 0, 0);
	if (r != 0)
		return -1000 + r; /* not the 0 ERRNO(0) promises */
	/* The fd is still open: the call was skipped, not run. */
	return fcntl(c->fd, F_GETFD) >= 0 ? 1 : 2;
}

TEST(errno_zero_returns_0_without_running)
{
	struct closed c = {.fd = dup(1)};
	struct br_outcome o;

	ASSERT_LE(0, c.fd);
	br_probe(&o, close_under_errno0, &c, 0, 0);
	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(1, o.ret);
}

/* Without a tracer, TRACE fails the call with ENOSYS and skips it. */
TEST(trace_without_tracer_gives_enosys)
{
	struct br_outcome o = under(SECCOMP_RET_TRACE | 7);

	ASSERT_EQ(BR_UNSUPPORTED, o.kind);
	ASSERT_EQ(ENOSYS, o.err);
}


/* Syscall number -1 (what a tracer uses to skip a call) still meets the
 * filter: here it matches and gets EXDEV; without a filter it is ENOSYS. */
static long call_nr_minus_1(void *filter)
{
	long r = filter ? br_seccomp_load_text("ld nr\njeq 0xffffffff 0 1\nret ERRNO(18)\nret ALLOW\n",
					       BR_SECCOMP_NNP)
			: 0;

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sys(BR_ABI_NATIVE, -1, 0, 0, 0, 0, 0, 0);
}

TEST(nr_minus_1_meets_the_filter)
{
	struct br_outcome o;

	br_probe(&o, call_nr_minus_1, (void *)1, 0, 0);
	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EXDEV, o.err);
}

TEST(nr_minus_1_without_filter_enosys_control)
{
	struct br_outcome o;

	br_probe(&o, call_nr_minus_1, NULL, 0, 0);
	ASSERT_EQ(BR_UNSUPPORTED, o.kind);
	ASSERT_EQ(ENOSYS, o.err);
}

/* ---- TRAP ---- */

static volatile sig_atomic_t trap_code, trap_nr, trap_errno, trap_arch, trap_addr_ok;

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *ctx = uc;

	(void)sig;
	trap_code = si->si_code;
	trap_nr = si->si_syscall;
	trap_errno = si->si_errno;
	trap_arch = (sig_atomic_t)si->si_arch;
	trap_addr_ok = si->si_call_addr != NULL;
	/* Emulate the call: the handler chooses its return value. */
	ctx->uc_mcontext.gregs[REG_RAX] = 4242;
}

static int trap_and_go_on(void *arg)
{
	struct sigaction sa = {.sa_sigaction = on_trap, .sa_flags = SA_SIGINFO};
	long r;

	(void)arg;
	sigaction(SIGSYS, &sa, NULL);
	if (deny_getppid(SECCOMP_RET_TRAP | 42))
		return 10;
	r = raw_getppid();
	/* Still running after the trap: TRAP does not contain the process. */
	if (r != 4242)
		return 11;
	if (trap_code != SYS_SECCOMP)
		return 12;
	if (trap_nr != SYS_getppid)
		return 13;
	if (trap_errno != 42)
		return 14;
	if ((unsigned)trap_arch != AUDIT_ARCH_X86_64)
		return 15;
	if (!trap_addr_ok)
		return 16;
	return 0;
}

TEST(trap_siginfo_fields_and_handler_goes_on)
{
	int st = br_child(trap_and_go_on, NULL);

	if (st >= 10 && st <= 16)
		TH_LOG("check %d failed (11 return, 12 si_code, 13 si_syscall, 14 si_errno, "
		       "15 si_arch, 16 si_call_addr)", st);
	ASSERT_EQ(0, st);
}

static int trap_with_sigsys(void *how)
{
	sigset_t set;

	if (how) {
		sigemptyset(&set);
		sigaddset(&set, SIGSYS);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else {
		signal(SIGSYS, SIG_IGN);
	}
	if (deny_getppid(SECCOMP_RET_TRAP))
		return 10;
	raw_getppid();
	return 0; /* survived: the trap was lost */
}

/* force_sig_seccomp: a blocked or ignored SIGSYS is forced to its default. */
TEST(trap_with_sigsys_blocked_kills)
{
	ASSERT_EQ(128 + SIGSYS, br_child(trap_with_sigsys, (void *)1));
}

TEST(trap_with_sigsys_ignored_kills)
{
	ASSERT_EQ(128 + SIGSYS, br_child(trap_with_sigsys, NULL));
}

/* ---- threads ---- */

struct threaded {
	volatile int finished;
};

static void *thread_call(void *arg)
{
	struct threaded *t = arg;

	raw_getppid();
	t->finished = 1;
	return NULL;
}

/* A sibling thread makes the call; the main thread reports what happened. */
static long call_in_sibling(void *ret)
{
	struct threaded t = {0};
	pthread_t th;

	if (deny_getppid(*(uint32_t *)ret))
		return BR_PROBE_BROKEN;
	if (pthread_create(&th, NULL, thread_call, &t))
		return BR_PROBE_BROKEN;
	pthread_join(th, NULL);
	return t.finished ? 1 : 0; /* 0: the sibling died, we survived */
}

static struct br_outcome in_sibling(uint32_t ret)
{
	struct br_outcome o;

	br_probe(&o, call_in_sibling, &ret, 0, 0);
	return o;
}

TEST(kill_thread_sibling_survives)
{
	struct br_outcome o = in_sibling(SECCOMP_RET_KILL_THREAD);

	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(0, o.ret);
}

TEST(kill_thread_allow_control)
{
	struct br_outcome o = in_sibling(SECCOMP_RET_ALLOW);

	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(1, o.ret);
}

TEST(kill_process_from_sibling_kills_all_threads)
{
	struct br_outcome o = in_sibling(SECCOMP_RET_KILL_PROCESS);

	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

/* The last thread killed by KILL_THREAD takes the process: status SIGSYS. */
TEST(kill_thread_of_only_thread_ends_process)
{
	struct br_outcome o = under(SECCOMP_RET_KILL_THREAD);

	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

/* An action value the kernel does not know acts as KILL_PROCESS (4.14+):
 * called from a sibling thread, it takes the whole process. */
#define UNKNOWN_ACTION 0x00010000u

TEST(unknown_action_kills_process)
{
	struct br_outcome o = in_sibling(UNKNOWN_ACTION);

	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

/* ---- GET_ACTION_AVAIL ---- */

FIXTURE(avail) {
	int unused;
};

FIXTURE_VARIANT(avail) {
	uint32_t action;
	const char *name;
};

FIXTURE_VARIANT_ADD(avail, kill_process) { SECCOMP_RET_KILL_PROCESS, "kill_process" };
FIXTURE_VARIANT_ADD(avail, kill_thread) { SECCOMP_RET_KILL_THREAD, "kill_thread" };
FIXTURE_VARIANT_ADD(avail, trap) { SECCOMP_RET_TRAP, "trap" };
FIXTURE_VARIANT_ADD(avail, errno) { SECCOMP_RET_ERRNO, "errno" };
FIXTURE_VARIANT_ADD(avail, user_notif) { SECCOMP_RET_USER_NOTIF, "user_notif" };
FIXTURE_VARIANT_ADD(avail, trace) { SECCOMP_RET_TRACE, "trace" };
FIXTURE_VARIANT_ADD(avail, log) { SECCOMP_RET_LOG, "log" };
FIXTURE_VARIANT_ADD(avail, allow) { SECCOMP_RET_ALLOW, "allow" };

FIXTURE_SETUP(avail) {}
FIXTURE_TEARDOWN(avail) {}

/* The syscall's answer must agree with /proc/sys/kernel/seccomp/actions_avail. */
TEST_F(avail, get_action_avail)
{
	char list[512], key[64];
	int r = br_seccomp_action_avail(variant->action);
	bool listed = false;

	if (r == -ENOSYS || r == -EINVAL)
		SKIP("SECCOMP_GET_ACTION_AVAIL needs Linux 4.14 (got %s)", br_errname(-r));
	snprintf(key, sizeof(key), "seccomp.action.%s", variant->name);
	br_fact(key, "%s", r ? "unavailable" : "available");
	if (br_read_file("/proc/sys/kernel/seccomp/actions_avail", list, sizeof(list)) < 0)
		SKIP("no /proc/sys/kernel/seccomp/actions_avail to compare with");
	for (char *t = strtok(list, " \n"); t; t = strtok(NULL, " \n"))
		if (!strcmp(t, variant->name))
			listed = true;
	ASSERT_EQ(listed, r == 0);
}

TEST(get_action_avail_unknown_eopnotsupp)
{
	int r = br_seccomp_action_avail(UNKNOWN_ACTION);
	char list[512];

	if (r == -ENOSYS || r == -EINVAL)
		SKIP("SECCOMP_GET_ACTION_AVAIL needs Linux 4.14 (got %s)", br_errname(-r));
	if (br_read_file("/proc/sys/kernel/seccomp/actions_avail", list, sizeof(list)) >= 0) {
		list[strcspn(list, "\n")] = 0;
		br_fact("seccomp.actions_avail", "%s", list);
	}
	ASSERT_EQ(-EOPNOTSUPP, r);
	/* control: a known action is available */
	ASSERT_EQ(0, br_seccomp_action_avail(SECCOMP_RET_ALLOW));
}

TEST_HARNESS_MAIN
