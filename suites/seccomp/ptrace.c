/*
 * seccomp and ptrace:
 *  - PTRACE_O_SUSPEND_SECCOMP (for checkpoint/restore) lifts a tracee's
 *    filters, so it needs CAP_SYS_ADMIN in the initial user namespace: root
 *    inside a user namespace is refused with EPERM.
 *  - RET_TRACE stops the tracee for its tracer (PTRACE_EVENT_SECCOMP, the
 *    filter's data as event message). If the tracer changes the syscall
 *    number, the filters run again on the new number (4.8+), so a tracer
 *    cannot be used to smuggle a denied call past them. The same holds on
 *    the other ptrace path: a rewrite at a PTRACE_SYSCALL entry stop happens
 *    before seccomp runs, so the filters see the new number. A tracer can
 *    skip a call (number -1) and choose its return value. The recheck
 *    applies every action (a rewrite onto a KILL call kills), and a skip at
 *    the entry stop still meets the filters (they see number -1).
 *  - An interrupted sleep resumes through restart_syscall, which the
 *    filters see like any call.
 *  - PTRACE_SECCOMP_GET_METADATA (4.16) reads a tracee's filter flags (LOG
 *    here); like GET_FILTER it needs CAP_SYS_ADMIN in the initial user
 *    namespace, so root of a user namespace cannot read them (EACCES).
 */
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#define DENY_GETPPID "ld nr\njeq getppid 0 1\nret ERRNO(18)\nret ALLOW\n" /* EXDEV */

static long raw(long nr)
{
	return br_sys(BR_ABI_NATIVE, nr, 0, 0, 0, 0, 0, 0);
}

static void yama_fact(void)
{
	char v[8];

	if (br_read_file("/proc/sys/kernel/yama/ptrace_scope", v, sizeof(v)) > 0) {
		v[strcspn(v, "\n")] = 0;
		br_fact("sysctl.kernel.yama.ptrace_scope", "%s", v);
	}
}

/* ---- PTRACE_O_SUSPEND_SECCOMP ---- */

struct pipes {
	int ready[2], go[2];
};

/* Tracee: filter on, tell the tracer, wait, call; exit with the errno. */
static _Noreturn void filtered_tracee(struct pipes *p)
{
	char c = 0;
	long r;

	if (br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP))
		_exit(10);
	if (write(p->ready[1], &c, 1) != 1 || read(p->go[0], &c, 1) != 1)
		_exit(11);
	r = raw(SYS_getppid);
	_exit(r < 0 ? (int)-r : 0);
}

/* Seize a filtered tracee with SUSPEND_SECCOMP. Returns SEIZE_* for the
 * seize plus CALL_* for the tracee's getppid. */
enum { SEIZE_OK = 0, SEIZE_EPERM = 100, SEIZE_EINVAL = 110, SEIZE_OTHER = 120 };
enum { CALL_RAN = 0, CALL_EXDEV = 1, CALL_OTHER = 2 };

static int seize_suspend(void *new_userns)
{
	struct pipes p;
	char c = 0;
	int seize_err = 0, st;
	pid_t pid;

	if (new_userns) {
		int r = unshare(CLONE_NEWUSER);

		if (r)
			return 250; /* no user namespace */
	}
	if (pipe(p.ready) || pipe(p.go))
		return 251;
	pid = fork();
	if (pid == 0)
		filtered_tracee(&p);
	if (read(p.ready[0], &c, 1) != 1)
		return 252;
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_SUSPEND_SECCOMP))
		seize_err = errno;
	if (write(p.go[1], &c, 1) != 1)
		return 253;
	while (waitpid(pid, &st, __WALL) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
		ptrace(PTRACE_CONT, pid, 0, 0);
	return (seize_err == 0 ? SEIZE_OK : seize_err == EPERM ? SEIZE_EPERM
		: seize_err == EINVAL ? SEIZE_EINVAL : SEIZE_OTHER) +
	       (!WIFEXITED(st) ? CALL_OTHER : WEXITSTATUS(st) == 0 ? CALL_RAN
		: WEXITSTATUS(st) == EXDEV ? CALL_EXDEV : CALL_OTHER);
}

TEST(suspend_seccomp_refused_in_user_ns)
{
	int r = br_child(seize_suspend, (void *)1);

	if (r == 250)
		br_require_userns();
	/* EPERM, and the filter stayed on (EXDEV) */
	ASSERT_EQ(SEIZE_EPERM + CALL_EXDEV, r);
}

TEST(suspend_seccomp_refused_unprivileged, .as = BR_UNPRIV)
{
	yama_fact();
	ASSERT_EQ(SEIZE_EPERM + CALL_EXDEV, br_child(seize_suspend, NULL));
}

/* The control: init-ns root may suspend, and the call then runs. */
TEST(suspend_seccomp_init_ns_root_control, .as = BR_ROOT)
{
	int r = br_child(seize_suspend, NULL);

	if (r == SEIZE_EINVAL + CALL_EXDEV)
		SKIP("PTRACE_O_SUSPEND_SECCOMP needs CONFIG_CHECKPOINT_RESTORE");
	ASSERT_EQ(SEIZE_OK + CALL_RAN, r);
}

/* ---- RET_TRACE and the re-check ---- */

/* getppid -> TRACE(77); getpid -> ERRNO(EXDEV); the rest allowed. */
#define TRACE_FILTER                                                                               \
	"ld nr\njeq getppid 0 1\nret TRACE(77)\njeq getpid 0 1\nret ERRNO(18)\nret ALLOW\n"

/* getppid -> TRACE(77); getpid -> KILL_PROCESS: a rewrite onto getpid kills. */
#define TRACE_KILL_FILTER                                                                          \
	"ld nr\njeq getppid 0 1\nret TRACE(77)\njeq getpid 0 1\nret KILL_PROCESS\nret ALLOW\n"

#define SKIP_RET 4545 /* what the tracer makes a skipped call return */

static const char *trace_filter = TRACE_FILTER; /* the seccomp-path tracee's */

static _Noreturn void traced_child(void)
{
	long r;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(20);
	raise(SIGSTOP);
	if (br_seccomp_load_text(trace_filter, BR_SECCOMP_NNP))
		_exit(21);
	r = raw(SYS_getppid);
	/* 0: the rewritten call ran; 45: skipped with the tracer's value; else its errno */
	_exit(r < 0 ? (int)-r : r == SKIP_RET ? 45 : 0);
}

/*
 * Trace one getppid; at the seccomp stop rewrite it to new_nr (-1: skip it,
 * returning SKIP_RET). Returns the
 * child's exit status, or 100 + a step number when tracing went wrong;
 * 150 when the event message was not the filter's data.
 */
static int rewrite_to(void *new_nr)
{
	int st;
	unsigned long msg = 0;
	pid_t pid = fork();

	if (pid == 0)
		traced_child();
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL))
		return 102;
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (;;) {
		if (waitpid(pid, &st, 0) != pid)
			return 103;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 128 + WTERMSIG(st);
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) || msg != 77)
				return 150;
			if (ptrace(PTRACE_POKEUSER, pid, offsetof(struct user_regs_struct, orig_rax),
				   (long)new_nr))
				return 104;
			if ((long)new_nr == -1 &&
			    ptrace(PTRACE_POKEUSER, pid, offsetof(struct user_regs_struct, rax), SKIP_RET))
				return 105;
		}
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
}

/* Run a tracing scenario in a child; its tracee exits 20 when PTRACE_TRACEME
 * is refused, which is a skip. */
static int traced(int (*fn)(void *), void *arg)
{
	int r = br_child(fn, arg);

	if (r == 20)
		SKIP("PTRACE_TRACEME refused (kernel.yama.ptrace_scope=3?)");
	return r;
}

TEST(tracer_rewrite_to_denied_call_rechecked)
{
	int r = traced(rewrite_to, (void *)(long)SYS_getpid);

	yama_fact();
	ASSERT_EQ(EXDEV, r);
}

TEST(tracer_rewrite_to_allowed_call_runs_control)
{
	ASSERT_EQ(0, traced(rewrite_to, (void *)(long)SYS_gettid));
}

/* The recheck after a rewrite applies every action, KILL too: the tracee
 * dies by SIGSYS, it does not run the call nor get an errno. */
TEST(tracer_rewrite_to_killed_call_kills)
{
	trace_filter = TRACE_KILL_FILTER;
	ASSERT_EQ(128 + SIGSYS, traced(rewrite_to, (void *)(long)SYS_getpid));
}

TEST(tracer_rewrite_under_kill_filter_to_allowed_call_runs_control)
{
	trace_filter = TRACE_KILL_FILTER;
	ASSERT_EQ(0, traced(rewrite_to, (void *)(long)SYS_gettid));
}

/* ---- the PTRACE_SYSCALL path ---- */

#define KILL_GETPPID "ld nr\njeq getppid 0 1\nret KILL_PROCESS\nret ALLOW\n"
/* nr -1 (a tracer's skip at the entry stop) -> EXDEV */
#define DENY_MINUS_1 "ld nr\njeq 0xffffffff 0 1\nret ERRNO(18)\nret ALLOW\n"

static const char *syscall_filter = DENY_GETPPID; /* the PTRACE_SYSCALL tracee's */

/* Tracee: syscall_filter, stop, gettid. Exit 0: the call ran; else its errno. */
static _Noreturn void syscall_traced_child(void)
{
	long r;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(20);
	if (br_seccomp_load_text(syscall_filter, BR_SECCOMP_NNP))
		_exit(21);
	raise(SIGSTOP);
	r = raw(SYS_gettid);
	_exit(r < 0 ? (int)-r : 0);
}

/* At gettid's syscall-entry stop (rax is -ENOSYS there on x86-64), rewrite
 * it to new_nr. Returns the tracee's exit status, or 100+ on a tracing error. */
static int syscall_stop_rewrite(void *new_nr)
{
	struct user_regs_struct regs;
	int st, sig = 0;
	pid_t pid = fork();

	if (pid == 0)
		syscall_traced_child();
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))
		return 102;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) || waitpid(pid, &st, 0) != pid)
			return 103;
		if (!WIFSTOPPED(st))
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		sig = WSTOPSIG(st) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(st);
		if (sig || ptrace(PTRACE_GETREGS, pid, 0, &regs))
			continue;
		if (regs.orig_rax == SYS_gettid && (long)regs.rax == -ENOSYS)
			break;
	}
	regs.orig_rax = (unsigned long)(long)new_nr;
	if (ptrace(PTRACE_SETREGS, pid, 0, &regs) || ptrace(PTRACE_CONT, pid, 0, 0))
		return 104;
	return br_wait(pid);
}

TEST(syscall_stop_rewrite_to_denied_call_filtered)
{
	ASSERT_EQ(EXDEV, traced(syscall_stop_rewrite, (void *)(long)SYS_getppid));
}

TEST(syscall_stop_rewrite_to_allowed_call_runs_control)
{
	ASSERT_EQ(0, traced(syscall_stop_rewrite, (void *)(long)SYS_getpid));
}

TEST(syscall_stop_rewrite_to_killed_call_kills)
{
	syscall_filter = KILL_GETPPID;
	ASSERT_EQ(128 + SIGSYS, traced(syscall_stop_rewrite, (void *)(long)SYS_getppid));
}

TEST(syscall_stop_rewrite_under_kill_filter_to_allowed_call_runs_control)
{
	syscall_filter = KILL_GETPPID;
	ASSERT_EQ(0, traced(syscall_stop_rewrite, (void *)(long)SYS_getpid));
}

/* A skip at the entry stop (number -1) comes before seccomp, so the filters
 * see -1 and their answer stands; without a rule on -1 it is ENOSYS. */
TEST(syscall_stop_skip_meets_the_filter)
{
	syscall_filter = DENY_MINUS_1;
	ASSERT_EQ(EXDEV, traced(syscall_stop_rewrite, (void *)-1L));
}

TEST(syscall_stop_skip_without_rule_enosys_control)
{
	ASSERT_EQ(ENOSYS, traced(syscall_stop_rewrite, (void *)-1L));
}

/* ---- skip: at the seccomp stop, number -1 and a return value ---- */

TEST(trace_skip_returns_the_tracers_value)
{
	ASSERT_EQ(45, traced(rewrite_to, (void *)-1L));
}

/* ---- a restarted call meets the filter again (restart_syscall) ---- */

/* nanosleep -> TRACE(1), so the tracer can make a signal pending before the
 * sleep starts; restart_syscall -> the action under test. */
#define RESTART_FILTER(act) "ld nr\njeq nanosleep 0 1\nret TRACE(1)\njeq restart_syscall 0 1\nret " act "\nret ALLOW\n"

static const char *restart_filter;

/* Tracee: stop, filter, a 1 ms nanosleep. Exit 0 when it slept, else its errno. */
static _Noreturn void restart_tracee(void)
{
	struct timespec ts = {0, 1000000};
	long r;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(20);
	raise(SIGSTOP);
	if (br_seccomp_load_text(restart_filter, BR_SECCOMP_NNP))
		_exit(21);
	r = br_sys(BR_ABI_NATIVE, SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	_exit(r < 0 ? (int)-r : 0);
}

/*
 * At nanosleep's seccomp stop, queue SIGSTOP: the sleep sees it pending at
 * once and returns -ERESTART_RESTARTBLOCK. The tracer suppresses the stop;
 * with no handler run the kernel restarts through restart_syscall. Returns
 * the tracee's exit status (128+signal if killed); 60 when the restart was
 * never seen (the signal did not interrupt: nothing measured), 100+ on a
 * tracing error. *saw_restart: a TRACE(2) stop with restart_syscall's number.
 */
static int restart_scenario(void *saw_restart)
{
	unsigned long msg;
	int st;
	pid_t pid = fork();

	if (pid == 0)
		restart_tracee();
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) ||
	    ptrace(PTRACE_CONT, pid, 0, 0) || waitpid(pid, &st, 0) != pid)
		return 102;
	if (st >> 8 != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) ||
	    ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) || msg != 1)
		return WIFEXITED(st) ? WEXITSTATUS(st) : 103;
	if (kill(pid, SIGSTOP) || ptrace(PTRACE_CONT, pid, 0, 0) || waitpid(pid, &st, 0) != pid)
		return 104;
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		return WIFEXITED(st) ? 60 : 105; /* slept through: no restart */
	if (ptrace(PTRACE_CONT, pid, 0, 0)) /* drop the SIGSTOP: restart */
		return 106;
	for (;;) {
		if (waitpid(pid, &st, 0) != pid)
			return 107;
		if (WIFEXITED(st))
			return saw_restart && !*(bool *)saw_restart ? 60 : WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 128 + WTERMSIG(st);
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) && saw_restart &&
		    !ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) && msg == 2 &&
		    ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, orig_rax), 0) ==
			    SYS_restart_syscall)
			*(bool *)saw_restart = true;
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
}

/* A filter that kills restart_syscall kills the restarted sleep: a call
 * cannot finish outside the filter by being interrupted and resumed. */
TEST(restart_syscall_meets_the_filter)
{
	restart_filter = RESTART_FILTER("KILL_PROCESS");
	ASSERT_EQ(128 + SIGSYS, traced(restart_scenario, NULL));
}

/* Control: the filter traces restart_syscall instead; the tracer sees the
 * restart with restart_syscall's number and the sleep completes. */
TEST(restart_syscall_traced_then_sleep_completes_control)
{
	bool saw = false;

	restart_filter = RESTART_FILTER("TRACE(2)");
	ASSERT_EQ(0, traced(restart_scenario, &saw));
}

/* ---- PTRACE_SECCOMP_GET_METADATA ---- */

/* Trace a child that loaded one LOG filter; read its metadata. Returns 0 and
 * fills *flags, or the errno of the request, or 100+ on a setup error. */
static int read_metadata(unsigned long long *flags)
{
	struct __ptrace_seccomp_metadata md = {.filter_off = 0};
	struct pipes p;
	char c = 0;
	int st, e = 0;
	pid_t pid;

	if (pipe(p.ready) || pipe(p.go))
		return 100;
	pid = fork();
	if (pid == 0) {
		if (br_seccomp_load_text(DENY_GETPPID, BR_SECCOMP_NNP | SECCOMP_FILTER_FLAG_LOG))
			_exit(10);
		if (write(p.ready[1], &c, 1) != 1 || read(p.go[0], &c, 1) != 1)
			_exit(11);
		_exit(0);
	}
	if (read(p.ready[0], &c, 1) != 1)
		return 101;
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) || ptrace(PTRACE_INTERRUPT, pid, 0, 0) ||
	    waitpid(pid, &st, 0) != pid)
		return 102;
	if (ptrace(PTRACE_SECCOMP_GET_METADATA, pid, sizeof(md), &md) < 0)
		e = errno;
	*flags = md.flags;
	ptrace(PTRACE_DETACH, pid, 0, 0);
	if (write(p.go[1], &c, 1) != 1 || br_wait(pid))
		return 103;
	return e;
}

static int metadata_in(void *userns)
{
	unsigned long long flags = 0;
	int r;

	if (userns && unshare(CLONE_NEWUSER))
		return 250;
	r = read_metadata(&flags);
	if (r == 0 && !(flags & SECCOMP_FILTER_FLAG_LOG))
		return 200; /* read, but without the LOG flag */
	return r;
}

TEST(get_metadata_root_reads_log_flag_control, .as = BR_ROOT)
{
	int r = br_child(metadata_in, NULL);

	if (r == EIO || r == EINVAL)
		SKIP("PTRACE_SECCOMP_GET_METADATA needs Linux 4.16 and CONFIG_CHECKPOINT_RESTORE (%s)",
		     br_errname(r));
	ASSERT_EQ(0, r);
}

/* EIO: the request does not exist here (no CONFIG_CHECKPOINT_RESTORE) */
static void metadata_refused(void *userns)
{
	int r = br_child(metadata_in, userns);

	if (r == 250)
		br_require_userns();
	if (r == EIO)
		SKIP("no PTRACE_SECCOMP_GET_METADATA here (EIO: needs CONFIG_CHECKPOINT_RESTORE, 4.16)");
	ASSERT_EQ(EACCES, r);
}

TEST(get_metadata_refused_in_user_ns)
{
	metadata_refused((void *)1);
}

TEST(get_metadata_refused_unprivileged, .as = BR_UNPRIV)
{
	metadata_refused(NULL);
}

TEST_HARNESS_MAIN
