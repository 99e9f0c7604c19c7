/*
 * Stacked filters: every filter runs, and the most restrictive action wins,
 * whatever order they were installed in:
 *   KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW
 * Each pair of actions is stacked both ways (stricter installed first, and
 * last). The call is made from a sibling thread so every action leaves a
 * distinct trace:
 *   KILL_PROCESS  the process dies of SIGSYS
 *   KILL_THREAD   the calling thread is gone, the main thread goes on
 *   TRAP          SIGSYS is caught (br_probe's handler)
 *   ERRNO(18)     the call fails with EXDEV
 *   USER_NOTIF    our listener thread answers 4242
 *   TRACE         no tracer: ENOSYS
 *   LOG, ALLOW    the call runs: the real parent pid
 * (LOG and ALLOW differ only in an audit record, which is not observed here.)
 */
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "seccomp.h"

#define NOTIF_VAL 4242
#define THREAD_GONE 777777

enum act { KP, KT, TRAP, ERRNO_, NOTIF, TRACE, LOG, ALLOW };

static const uint32_t values[] = {
	[KP] = SECCOMP_RET_KILL_PROCESS, [KT] = SECCOMP_RET_KILL_THREAD,
	[TRAP] = SECCOMP_RET_TRAP,       [ERRNO_] = SECCOMP_RET_ERRNO | EXDEV,
	[NOTIF] = SECCOMP_RET_USER_NOTIF, [TRACE] = SECCOMP_RET_TRACE,
	[LOG] = SECCOMP_RET_LOG,         [ALLOW] = SECCOMP_RET_ALLOW,
};

struct stack {
	uint32_t ret[3];
	int n;
};

struct call {
	volatile long ret;
	volatile int finished;
};

static void *caller(void *arg)
{
	struct call *c = arg;

	c->ret = br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
	c->finished = 1;
	return NULL;
}

/* Answer one notification with NOTIF_VAL. */
static void *responder(void *arg)
{
	int fd = (int)(long)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return NULL;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = NOTIF_VAL;
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return NULL;
}

static long stacked(void *arg)
{
	const struct stack *s = arg;
	struct call c = {0};
	pthread_t th;
	int listener = -1;

	for (int i = 0; i < s->n; i++) {
		char text[128];
		bool notif = s->ret[i] == SECCOMP_RET_USER_NOTIF;
		long r;

		snprintf(text, sizeof(text), "ld nr\njeq getppid 0 1\nret %#x\nret ALLOW\n",
			 s->ret[i]);
		r = br_seccomp_load_text(text, BR_SECCOMP_NNP |
						   (notif ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0));
		if (r < 0)
			return errno = (int)-r, BR_PROBE_BROKEN;
		if (notif)
			listener = (int)r;
	}
	if (listener >= 0 && pthread_create(&th, NULL, responder, (void *)(long)listener))
		return BR_PROBE_BROKEN;
	if (pthread_create(&th, NULL, caller, &c))
		return BR_PROBE_BROKEN;
	pthread_join(th, NULL);
	return c.finished ? c.ret : THREAD_GONE;
}

/* Which action acted, from the probe's outcome. -1: none recognised. */
static int observed(const struct br_outcome *o)
{
	switch (o->kind) {
	case BR_KILLED:
		return o->sig == SIGSYS ? KP : -1;
	case BR_TRAPPED:
		return TRAP;
	case BR_DENIED:
		return o->err == EXDEV ? ERRNO_ : -1;
	case BR_UNSUPPORTED:
		return TRACE;
	case BR_ALLOWED:
		if (o->ret == THREAD_GONE)
			return KT;
		if (o->ret == NOTIF_VAL)
			return NOTIF;
		return o->ret == getpid() ? ALLOW : -1;
	default:
		return -1;
	}
}

static const char *const act_names[] = {"KILL_PROCESS", "KILL_THREAD", "TRAP", "ERRNO",
					 "USER_NOTIF", "TRACE", "LOG", "ALLOW"};

static void expect_winner(int want, const struct stack *s)
{
	struct br_outcome o;
	char buf[160];
	int got;

	br_probe(&o, stacked, (void *)s, 0, 0);
	got = observed(&o);
	/* LOG has no trace of its own: it runs the call like ALLOW. */
	if (want == LOG)
		want = ALLOW;
	if (got != want)
		br_fail(__FILE__, __LINE__, "expected %s to win, saw %s (%s)", act_names[want],
			got < 0 ? "nothing recognisable" : act_names[got],
			br_outcome_str(&o, buf, sizeof(buf)));
}

FIXTURE(precedence) {
	int unused;
};

FIXTURE_VARIANT(precedence) {
	int stricter, laxer;
};

FIXTURE_VARIANT_ADD(precedence, kill_process_over_kill_thread) { KP, KT };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_trap) { KP, TRAP };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_errno) { KP, ERRNO_ };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_user_notif) { KP, NOTIF };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_trace) { KP, TRACE };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_log) { KP, LOG };
FIXTURE_VARIANT_ADD(precedence, kill_process_over_allow) { KP, ALLOW };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_trap) { KT, TRAP };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_errno) { KT, ERRNO_ };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_user_notif) { KT, NOTIF };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_trace) { KT, TRACE };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_log) { KT, LOG };
FIXTURE_VARIANT_ADD(precedence, kill_thread_over_allow) { KT, ALLOW };
FIXTURE_VARIANT_ADD(precedence, trap_over_errno) { TRAP, ERRNO_ };
FIXTURE_VARIANT_ADD(precedence, trap_over_user_notif) { TRAP, NOTIF };
FIXTURE_VARIANT_ADD(precedence, trap_over_trace) { TRAP, TRACE };
FIXTURE_VARIANT_ADD(precedence, trap_over_log) { TRAP, LOG };
FIXTURE_VARIANT_ADD(precedence, trap_over_allow) { TRAP, ALLOW };
FIXTURE_VARIANT_ADD(precedence, errno_over_user_notif) { ERRNO_, NOTIF };
FIXTURE_VARIANT_ADD(precedence, errno_over_trace) { ERRNO_, TRACE };
FIXTURE_VARIANT_ADD(precedence, errno_over_log) { ERRNO_, LOG };
FIXTURE_VARIANT_ADD(precedence, errno_over_allow) { ERRNO_, ALLOW };
FIXTURE_VARIANT_ADD(precedence, user_notif_over_trace) { NOTIF, TRACE };
FIXTURE_VARIANT_ADD(precedence, user_notif_over_log) { NOTIF, LOG };
FIXTURE_VARIANT_ADD(precedence, user_notif_over_allow) { NOTIF, ALLOW };
FIXTURE_VARIANT_ADD(precedence, trace_over_log) { TRACE, LOG };
FIXTURE_VARIANT_ADD(precedence, trace_over_allow) { TRACE, ALLOW };
FIXTURE_VARIANT_ADD(precedence, log_over_allow) { LOG, ALLOW };

FIXTURE_SETUP(precedence) {}
FIXTURE_TEARDOWN(precedence) {}

TEST_F(precedence, stricter_installed_first)
{
	struct stack s = {{values[variant->stricter], values[variant->laxer]}, 2};

	expect_winner(variant->stricter, &s);
}

TEST_F(precedence, stricter_installed_last)
{
	struct stack s = {{values[variant->laxer], values[variant->stricter]}, 2};

	expect_winner(variant->stricter, &s);
}

/* Controls: each action alone shows the trace the pairs are judged by. */
TEST(each_action_alone_control)
{
	for (int a = KP; a <= ALLOW; a++) {
		struct stack s = {{values[a]}, 1};

		expect_winner(a, &s);
	}
}

/* Equal actions: the data of the newest filter wins. */
TEST(equal_errno_newest_data_wins)
{
	struct stack s = {{SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ERRNO | EXDEV}, 2};
	struct br_outcome o;

	br_probe(&o, stacked, &s, 0, 0);
	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EXDEV, o.err);
}

TEST(equal_trap_newest_data_wins)
{
	struct stack s = {{SECCOMP_RET_TRAP | 1, SECCOMP_RET_TRAP | 2}, 2};
	struct br_outcome o;

	br_probe(&o, stacked, &s, 0, 0);
	ASSERT_EQ(BR_TRAPPED, o.kind);
	ASSERT_EQ(2, o.err); /* si_errno carries the data */
}

/* Three filters, the strictest in the middle: order does not matter. */
TEST(three_filters_strictest_in_the_middle)
{
	struct stack s = {{SECCOMP_RET_ALLOW, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO | EXDEV}, 3};

	expect_winner(TRAP, &s);
}

TEST_HARNESS_MAIN
