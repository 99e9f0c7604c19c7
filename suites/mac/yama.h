/*
 * Yama's ptrace_scope cases (yama.c for scopes 0-2, yama_last.c for 3, which
 * cannot be lowered until reboot and so runs after every other suite). The
 * scope is a global sysctl: guest-only, one case at a time, and each case
 * puts the scope back before it asserts anything.
 *
 * An attach is PTRACE_SEIZE (no stop; the tracer's exit detaches), from a
 * forked tracer, as root or as nobody (uid 65534, no capabilities), to a
 * parked tracee: a sibling (not a descendant of the tracer) or the tracer's
 * own child. The tracee stays dumpable, so only uid, capabilities and Yama
 * decide.
 */
#ifndef BR_SUITES_MAC_YAMA_H
#define BR_SUITES_MAC_YAMA_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "harness.h"
#include "mac.h"
#include "proc.h"
#include "scratch.h"

enum who { ROOT, NOBODY };
enum target { SIBLING, SIBLING_PTRACER_ANY, OWN_CHILD };

struct attach {
	enum who tracer, tracee;
	enum target target;
	pid_t sibling;
};

/* A process that waits until *hold is closed; as nobody if asked, and
 * declaring any process its tracer (PR_SET_PTRACER_ANY) if asked. */
static pid_t yama_park(enum who who, bool ptracer_any, int *hold)
{
	int ready[2], h[2];
	pid_t pid;
	char c;

	ASSERT_OK(pipe2(ready, O_CLOEXEC));
	ASSERT_OK(pipe2(h, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(h[1]);
		if (who == NOBODY && br_drop_to_nobody())
			_exit(1);
		if (ptracer_any && prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		while (read(h[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(h[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	*hold = h[1];
	return pid;
}

static int yama_attach_child(void *arg)
{
	const struct attach *a = arg;
	pid_t target = a->sibling;
	int hold = -1, e;

	if (a->tracer == NOBODY && br_drop_to_nobody())
		return 200;
	if (a->target == OWN_CHILD)
		target = yama_park(a->tracer, false, &hold);
	e = ptrace(PTRACE_SEIZE, target, 0, 0) ? errno : 0;
	if (hold >= 0) {
		kill(target, SIGKILL);
		close(hold);
		br_wait(target);
	}
	return e;
}

/* One attach: 0 when it works, else its errno. */
static int yama_attach(enum who tracer, enum target target, enum who tracee)
{
	struct attach a = {tracer, tracee, target, 0};
	int hold = -1, r;

	if (target != OWN_CHILD)
		a.sibling = yama_park(tracee, target == SIBLING_PTRACER_ANY, &hold);
	r = br_child(yama_attach_child, &a);
	if (hold >= 0) {
		close(hold);
		br_wait(a.sibling);
	}
	ASSERT_NE(200, r); /* could not drop to nobody */
	return r;
}

/* Yama active, the scope settable (3 is not left from an earlier case): the
 * scope to restore. */
static int yama_need(void)
{
	int scope = br_mac_yama_scope();

	if (scope == -ENOENT)
		SKIP("Yama is not active (no kernel.yama.ptrace_scope)");
	ASSERT_LE(0, scope);
	return scope;
}

#endif
