/*
 * Signal scoping (ABI 6) beyond kill(2): the asynchronous SIGIO path and
 * threads. SIGIO is raised by a write to a pipe whose read end has O_ASYNC,
 * F_SETSIG SIGURG and an owner set with F_SETOWN; Landlock decides with
 * the domain of whoever called F_SETOWN, recorded at that moment. The
 * receivers block SIGURG, so a delivered signal stays pending and is read
 * with sigpending(): the write queues it before it returns, no waiting.
 */
#include <sys/wait.h>

#include "common.h"
#include "proc.h"

#define SIGIO_FIX "mic/next 4b80320ca7ed landlock: Fix LANDLOCK_SCOPE_SIGNAL bypass on the SIGIO path"

static void scope_signal(void)
{
	enforce((struct br_landlock_access){.scoped = LANDLOCK_SCOPE_SIGNAL}, NULL);
}

static void block_sigurg(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGURG);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &s, NULL));
}

static bool sigurg_pending(void)
{
	sigset_t s;

	ASSERT_EQ(0, sigpending(&s));
	return sigismember(&s, SIGURG) == 1;
}

/* A pipe whose read end sends SIGURG to owner (a pid, or -pgrp) on input. */
static void sigio_pipe(int p[2], pid_t owner)
{
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	ASSERT_OK(fcntl(p[0], F_SETSIG, SIGURG));
	ASSERT_OK(fcntl(p[0], F_SETOWN, owner));
	ASSERT_OK(fcntl(p[0], F_SETFL, O_ASYNC));
}

/* ---- F_SETOWN to another process ---- */

enum when { NONE, BEFORE_FORK, BEFORE_SETOWN, AFTER_SETOWN };

FIXTURE(fown) {
	int unused;
};

FIXTURE_VARIANT(fown) {
	enum when sandbox;
};

FIXTURE_VARIANT_ADD(fown, no_domain) { .sandbox = NONE };
FIXTURE_VARIANT_ADD(fown, domain_before_fork) { .sandbox = BEFORE_FORK };
FIXTURE_VARIANT_ADD(fown, domain_before_setown) { .sandbox = BEFORE_SETOWN };
FIXTURE_VARIANT_ADD(fown, domain_after_setown) { .sandbox = AFTER_SETOWN };

FIXTURE_SETUP(fown)
{
	NEED_ABI(6);
}

FIXTURE_TEARDOWN(fown) {}

/* The case process owns the pipe and names its child as the SIGIO owner;
 * the child is reached unless the case was in a domain (that the child is
 * not in) when it called F_SETOWN. */
TEST_F(fown, sigio_to_owner)
{
	int go[2], res[2], io[2];
	bool got = false;
	pid_t child;
	char c;

	block_sigurg();
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(pipe2(res, O_CLOEXEC));
	if (variant->sandbox == BEFORE_FORK)
		scope_signal();
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		bool b;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		b = sigurg_pending();
		_exit(write(res[1], &b, 1) == 1 ? 0 : 1);
	}
	close(res[1]);
	if (variant->sandbox == BEFORE_SETOWN)
		scope_signal();
	sigio_pipe(io, child);
	if (variant->sandbox == AFTER_SETOWN)
		scope_signal();
	ASSERT_EQ(1, write(io[1], "x", 1));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(res[0], &got, 1));
	ASSERT_EQ(0, br_wait(child));
	ASSERT_EQ(variant->sandbox != BEFORE_SETOWN, got);
}

/* ---- F_SETOWN to a process group ---- */

/*
 * The case process leads its own process group and stays outside any
 * domain; its child enters one, makes the whole group the owner and
 * writes. The child itself (in the domain) must get the signal: the SIGIO
 * did fire. The case process (outside) must not.
 */
TEST(sigio_to_group_spares_outside, .fixed_by = SIGIO_FIX)
{
	int done[2], io[2];
	bool got_child = false;
	pid_t child;

	NEED_ABI(6);
	ASSERT_EQ(getpid(), getpgrp());
	block_sigurg();
	ASSERT_OK(pipe2(done, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		bool b;

		scope_signal();
		sigio_pipe(io, -getpgrp());
		if (write(io[1], "x", 1) != 1)
			_exit(1);
		b = sigurg_pending();
		_exit(write(done[1], &b, 1) == 1 ? 0 : 1);
	}
	close(done[1]);
	ASSERT_EQ(1, read(done[0], &got_child, 1));
	ASSERT_EQ(0, br_wait(child));
	ASSERT_TRUE(got_child);
	ASSERT_FALSE(sigurg_pending());
}

/* The same without the domain: the whole group, the case process too. */
TEST(sigio_to_group_control)
{
	int done[2], io[2];
	pid_t child;
	char c;

	NEED_ABI(6);
	block_sigurg();
	ASSERT_OK(pipe2(done, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		sigio_pipe(io, -getpgrp());
		_exit(write(io[1], "x", 1) == 1 && write(done[1], "d", 1) == 1 ? 0 : 1);
	}
	close(done[1]);
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, br_wait(child));
	ASSERT_TRUE(sigurg_pending());
}

/* ---- threads ---- */

/* A thread that runs fn on go and reports its int result. */
struct worker {
	int go[2], done[2];
	int (*fn)(void *arg);
	void *arg;
	pthread_t t;
};

static void *worker_main(void *p)
{
	struct worker *w = p;
	char c;
	int r;

	if (read(w->go[0], &c, 1) != 1)
		return NULL;
	r = w->fn(w->arg);
	if (write(w->done[1], &r, sizeof(r)) != sizeof(r))
		return NULL;
	return NULL;
}

static void worker_start(struct worker *w, int (*fn)(void *), void *arg)
{
	w->fn = fn;
	w->arg = arg;
	ASSERT_OK(pipe2(w->go, O_CLOEXEC));
	ASSERT_OK(pipe2(w->done, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&w->t, NULL, worker_main, w));
}

static int worker_run(struct worker *w)
{
	int r = -1;

	ASSERT_EQ(1, write(w->go[1], "g", 1));
	ASSERT_EQ((long)sizeof(r), read(w->done[0], &r, sizeof(r)));
	ASSERT_EQ(0, pthread_join(w->t, NULL));
	return r;
}

static int noop(void *arg)
{
	(void)arg;
	return 0;
}

/* Threads of one process may always signal each other: from a thread in
 * a domain to one created before it (erratum 2 fixed an EPERM here), and
 * to one created after it (same domain). */
TEST(thread_created_before_domain)
{
	struct worker w;
	long errata;
	int e;

	NEED_ABI(6);
	worker_start(&w, noop, NULL);
	scope_signal();
	e = pthread_kill(w.t, 0); /* an errno, not -1 */
	br_fact("landlock.scope.signal_own_thread", "%s", e ? br_errname(e) : "allowed");
	errata = br_landlock_errata();
	if (errata >= 0 && (errata & (1 << 1)))
		ASSERT_OUTCOME(0, e);
	ASSERT_EQ(0, worker_run(&w));
}

TEST(thread_created_after_domain)
{
	struct worker w;

	NEED_ABI(6);
	scope_signal();
	worker_start(&w, noop, NULL);
	ASSERT_EQ(0, pthread_kill(w.t, 0));
	ASSERT_EQ(0, worker_run(&w));
}

/* A domain is per thread (no TSYNC): a thread that scoped itself may not
 * signal a process outside, while its unscoped sibling still may. */
static int scope_then_kill(void *target)
{
	scope_signal();
	return outcome(kill((pid_t)(long)target, SIGURG));
}

static int just_kill(void *target)
{
	return outcome(kill((pid_t)(long)target, SIGURG));
}

static void thread_kill_case(int (*fn)(void *), int expect)
{
	struct worker w;
	pid_t outside;
	int hold;

	NEED_ABI(6);
	outside = parked(&hold);
	worker_start(&w, fn, (void *)(long)outside);
	ASSERT_OUTCOME(expect, worker_run(&w));
	ASSERT_OUTCOME(0, just_kill((void *)(long)outside)); /* the main thread: no domain */
	close(hold);
	ASSERT_EQ(0, br_wait(outside));
}

TEST(thread_domain_signal_outside_denied)
{
	thread_kill_case(scope_then_kill, EPERM);
}

TEST(thread_domain_signal_outside_control)
{
	thread_kill_case(just_kill, 0);
}

TEST_HARNESS_MAIN
