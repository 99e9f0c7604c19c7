/*
 * SECCOMP_FILTER_FLAG_TSYNC: install a filter on every thread at once.
 * A sibling whose filter stack has diverged cannot be synchronised; the call
 * then returns that sibling's TID, a *positive* number that is not success.
 * TSYNC_ESRCH (5.7) turns that into -ESRCH, which NEW_LISTENER requires.
 */
#include <linux/seccomp.h>
#include <pthread.h>
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

TEST_HARNESS_MAIN
