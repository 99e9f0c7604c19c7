/*
 * SECCOMP_FILTER_FLAG_TSYNC: install a filter on every thread at once.
 * A sibling whose filter stack has diverged cannot be synchronised; the call
 * then returns that sibling's TID, a *positive* number that is not success.
 * TSYNC_ESRCH (5.7) turns that into -ESRCH, which NEW_LISTENER requires.
 * A synchronised sibling gets the caller's whole filter stack and its NNP,
 * also when the thread-group leader has already exited.
 * A thread held in a ptrace syscall-entry stop while a sibling synchronises a
 * filter onto it must meet that filter when it resumes into the call.
 */
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#define DENY_GETPPID "ld nr\njeq getppid 0 1\nret ERRNO(18)\nret ALLOW\n" /* EXDEV */
#define DENY_GETPGRP "ld nr\njeq getpgrp 0 1\nret ERRNO(1)\nret ALLOW\n"

struct sibling {
	bool diverge;       /* install a filter of its own first */
	int ready[2], go[2];
	volatile pid_t tid;
	volatile long ret;  /* its getppid after "go" */
};

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;
	char c = 0;

	s->tid = (pid_t)syscall(SYS_gettid);
	if (s->diverge && br_seccomp_load_text(DENY_GETPGRP, 0))
		s->tid = -1;
	if (write(s->ready[1], &c, 1) != 1 || read(s->go[0], &c, 1) != 1)
		return NULL;
	s->ret = br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
	return NULL;
}

/* Start the sibling, load DENY_GETPPID with flags, let the sibling call.
 * Returns the load's result; *sib_ret gets the sibling's getppid. */
static long with_sibling(bool diverge, unsigned flags, long *sib_ret, pid_t *sib_tid)
{
	struct sibling s = {.diverge = diverge};
	pthread_t th;
	char c = 0;
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || pipe(s.ready) || pipe(s.go))
		br_fail_now();
	ASSERT_EQ(0, pthread_create(&th, NULL, sibling_main, &s));
	ASSERT_EQ(1, read(s.ready[0], &c, 1));
	ASSERT_LT(0, s.tid);
	r = br_seccomp_load_text(DENY_GETPPID, flags);
	ASSERT_EQ(1, write(s.go[1], &c, 1));
	pthread_join(th, NULL);
	*sib_ret = s.ret;
	*sib_tid = s.tid;
	return r;
}

TEST(tsync_filters_the_sibling)
{
	long sib;
	pid_t tid;

	ASSERT_EQ(0, with_sibling(false, SECCOMP_FILTER_FLAG_TSYNC, &sib, &tid));
	ASSERT_EQ(-EXDEV, sib);
}

TEST(without_tsync_sibling_unfiltered_control)
{
	pid_t ppid = getppid(), tid;
	long sib;

	ASSERT_EQ(0, with_sibling(false, 0, &sib, &tid));
	ASSERT_EQ(ppid, sib);
}

TEST(tsync_diverged_sibling_returns_its_tid)
{
	long sib, r;
	pid_t tid;

	r = with_sibling(true, SECCOMP_FILTER_FLAG_TSYNC, &sib, &tid);
	ASSERT_EQ(tid, r); /* positive: a failure, naming the thread */
	ASSERT_EQ(getppid(), sib); /* nothing was installed anywhere */
	ASSERT_EQ(getppid(), br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0));
}

TEST(tsync_esrch_turns_tid_into_esrch)
{
	long sib, r;
	pid_t tid;

	r = with_sibling(true, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH, &sib,
			 &tid);
	if (r == -EINVAL)
		SKIP("SECCOMP_FILTER_FLAG_TSYNC_ESRCH needs Linux 5.7");
	ASSERT_EQ(-ESRCH, r);
}

/* A listener fd cannot be returned alongside a TID, so 5.7+ demand ESRCH. */
TEST(tsync_with_listener_needs_tsync_esrch)
{
	long sib, r;
	pid_t tid;

	r = with_sibling(false, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER, &sib,
			 &tid);
	ASSERT_EQ(-EINVAL, r);
	/* control: with ESRCH the same pair is accepted (5.7+) */
	r = with_sibling(false,
			 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
				 SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
			 &sib, &tid);
	if (r == -EINVAL)
		SKIP("SECCOMP_FILTER_FLAG_TSYNC_ESRCH needs Linux 5.7");
	ASSERT_LE(0, r); /* a listener fd */
}

/* ---- what a synchronised sibling ends up with ---- */

/* A sibling made before the caller took NNP or its first filter: on "go" it
 * reports its NNP bit, getpgrp and getppid. */
struct late {
	int ready[2], go[2];
	long nnp, pgrp, ppid;
};

static void *late_main(void *arg)
{
	struct late *l = arg;
	char c = 0;

	if (write(l->ready[1], &c, 1) != 1 || read(l->go[0], &c, 1) != 1)
		return NULL;
	l->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	l->pgrp = br_sys(BR_ABI_NATIVE, SYS_getpgrp, 0, 0, 0, 0, 0, 0);
	l->ppid = br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
	return NULL;
}

/* Start the sibling, then (this thread only) NNP, DENY_GETPGRP without TSYNC
 * when first, and DENY_GETPPID with flags; the sibling reports. */
static void late_sibling(bool first, unsigned flags, struct late *l)
{
	pthread_t th;
	char c = 0;

	ASSERT_OK(pipe(l->ready));
	ASSERT_OK(pipe(l->go));
	ASSERT_EQ(0, pthread_create(&th, NULL, late_main, l));
	ASSERT_EQ(1, read(l->ready[0], &c, 1));
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (first)
		ASSERT_EQ(0, br_seccomp_load_text(DENY_GETPGRP, 0));
	ASSERT_EQ(0, br_seccomp_load_text(DENY_GETPPID, flags));
	ASSERT_EQ(1, write(l->go[1], &c, 1));
	pthread_join(th, NULL);
}

/* TSYNC sets NNP on the threads it filters, as the caller has it: a
 * synchronised thread cannot shed the filter's premise by exec'ing setuid. */
TEST(tsync_gives_the_sibling_nnp)
{
	struct late l;

	late_sibling(false, SECCOMP_FILTER_FLAG_TSYNC, &l);
	ASSERT_EQ(1, l.nnp);
	ASSERT_EQ(-EXDEV, l.ppid);
}

TEST(without_tsync_sibling_keeps_no_nnp_control)
{
	pid_t ppid = getppid(); /* before this thread's filter */
	struct late l;

	late_sibling(false, 0, &l);
	ASSERT_EQ(0, l.nnp);
	ASSERT_EQ(ppid, l.ppid);
}

/* An unfiltered sibling is synchronised to the caller's whole stack,
 * including the filter the caller loaded for itself alone before. */
TEST(tsync_installs_the_callers_whole_stack)
{
	struct late l;

	late_sibling(true, SECCOMP_FILTER_FLAG_TSYNC, &l);
	ASSERT_EQ(-EPERM, l.pgrp);
	ASSERT_EQ(-EXDEV, l.ppid);
}

TEST(without_tsync_callers_own_filter_stays_its_own_control)
{
	pid_t ppid = getppid(), pgrp = getpgrp(); /* before this thread's filters */
	struct late l;

	late_sibling(true, 0, &l);
	ASSERT_EQ(pgrp, l.pgrp);
	ASSERT_EQ(ppid, l.ppid);
}

/* ---- TSYNC after the thread-group leader has exited ---- */

struct orphaned {
	pthread_t leader;
	struct late l;
	unsigned flags;
};

/* Runs once the leader is gone: start a sibling, TSYNC, exit the group with
 * 0 when the sibling met the filter, 1 when it ran getppid, 2 when the load
 * failed (3 and up: setup). */
static void *after_leader(void *arg)
{
	struct orphaned *o = arg;
	pthread_t th;
	char c = 0;
	long r;

	if (pthread_join(o->leader, NULL))
		_exit(3);
	if (pipe(o->l.ready) || pipe(o->l.go) || pthread_create(&th, NULL, late_main, &o->l) ||
	    read(o->l.ready[0], &c, 1) != 1)
		_exit(4);
	r = br_seccomp_load_text(DENY_GETPPID, o->flags);
	if (write(o->l.go[1], &c, 1) != 1 || pthread_join(th, NULL))
		_exit(5);
	_exit(r ? 2 : o->l.ppid == -EXDEV ? 0 : 1);
}

static int leader_exits(void *flags)
{
	static struct orphaned o;
	pthread_t th;

	o.leader = pthread_self();
	o.flags = (unsigned)(long)flags;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || pthread_create(&th, NULL, after_leader, &o))
		return 6;
	pthread_exit(NULL);
}

TEST(tsync_with_exited_leader_filters_live_sibling)
{
	ASSERT_EQ(0, br_child(leader_exits, (void *)(long)SECCOMP_FILTER_FLAG_TSYNC));
}

TEST(tsync_with_exited_leader_without_tsync_control)
{
	ASSERT_EQ(1, br_child(leader_exits, (void *)0L));
}

/* ---- TSYNC onto a thread stopped at its syscall entry by a tracer ---- */

struct installer {
	int go[2], done[2];
	bool deny_getppid; /* else a filter that denies getpgrp (control) */
};

/* The tracee's sibling: on "go", TSYNC a filter onto every thread. */
static void *installer_main(void *arg)
{
	struct installer *in = arg;
	char c = 0;

	if (read(in->go[0], &c, 1) != 1)
		return NULL;
	c = br_seccomp_load_text(in->deny_getppid ? DENY_GETPPID : DENY_GETPGRP,
				 SECCOMP_FILTER_FLAG_TSYNC) ? 'e' : 'k';
	if (write(in->done[1], &c, 1) != 1)
		return NULL;
	return NULL;
}

/* The tracee: NNP, the sibling waiting, stop for the tracer, then getppid.
 * Exit 0: the call ran; else its errno; 20+: setup failed. */
static _Noreturn void tsync_tracee(struct installer *in)
{
	pthread_t th;
	long r;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(20);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || pthread_create(&th, NULL, installer_main, in))
		_exit(21);
	raise(SIGSTOP);
	r = br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
	_exit(r < 0 ? (int)-r : 0);
}

/*
 * Hold the tracee at getppid's syscall-entry stop (PTRACE_SYSCALL; on x86-64
 * rax is -ENOSYS at entry), let its sibling TSYNC a filter, resume. Returns
 * the tracee's exit status, 100+ when tracing went wrong, 110 when the
 * sibling's load failed.
 */
static int tsync_at_entry_stop(void *deny_getppid)
{
	struct installer in = {.deny_getppid = deny_getppid != NULL};
	struct user_regs_struct regs;
	int st;
	char c;
	pid_t pid;

	if (pipe(in.go) || pipe(in.done))
		return 100;
	pid = fork();
	if (pid == 0)
		tsync_tracee(&in);
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))
		return 102;
	for (int sig = 0;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) || waitpid(pid, &st, 0) != pid)
			return 103;
		if (!WIFSTOPPED(st))
			return WIFEXITED(st) ? WEXITSTATUS(st) : 104;
		sig = WSTOPSIG(st) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(st);
		if (sig || ptrace(PTRACE_GETREGS, pid, 0, &regs))
			continue;
		if (regs.orig_rax == SYS_getppid && (long)regs.rax == -ENOSYS)
			break;
	}
	if (write(in.go[1], "g", 1) != 1 || read(in.done[0], &c, 1) != 1)
		return 105;
	if (c != 'k')
		return 110;
	if (ptrace(PTRACE_CONT, pid, 0, 0))
		return 106;
	return br_wait(pid);
}

/* The sha is linux-6.12.y's (in 6.12.110; the mainline sha was not found);
 * the kernel re-reads its syscall work flags after the ptrace stop. */
TEST(tsync_reaches_thread_in_syscall_entry_stop,
     .fixed_by = "linux-6.12.y 80b43fb457aa entry: Fix seccomp bypass after ptrace with TSYNC")
{
	int r = br_child(tsync_at_entry_stop, (void *)1);

	if (r == 20)
		SKIP("PTRACE_TRACEME refused (kernel.yama.ptrace_scope=3?)");
	if (r == 0)
		br_fail(__FILE__, __LINE__, "getppid ran: the filter a sibling synchronised during the "
					    "syscall-entry stop was not applied to the resumed call");
	ASSERT_EQ(EXDEV, r);
}

TEST(tsync_at_syscall_entry_stop_other_call_runs_control)
{
	int r = br_child(tsync_at_entry_stop, NULL);

	if (r == 20)
		SKIP("PTRACE_TRACEME refused (kernel.yama.ptrace_scope=3?)");
	ASSERT_EQ(0, r);
}

TEST_HARNESS_MAIN
