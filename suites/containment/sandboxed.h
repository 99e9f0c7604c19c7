/*
 * Shared by the containment suites: run a payload inside a profile given
 * as text (the same format as fixtures/profiles). An empty profile changes
 * nothing, which makes it the control: the same payload, same path, no
 * boundary.
 */
#ifndef BR_CONTAINMENT_SANDBOXED_H
#define BR_CONTAINMENT_SANDBOXED_H

#include "harness.h"
#include "profile.h"

#define NO_PROFILE ""

/* The payload's exit status. SKIP when the host cannot create the
 * sandbox's namespaces (user namespaces disabled); FAIL for other errors. */
static inline int sandboxed(const char *profile, int (*fn)(void *), void *arg)
{
	enum br_sb_step step;
	char err[256];
	int st = br_profile_run(profile, fn, arg, &step, err, sizeof(err));

	if (st < 0 && step == BR_SB_STEP_CLONE)
		SKIP("cannot create the sandbox's namespaces here: %s", err);
	if (st < 0) {
		br_fail(__FILE__, __LINE__, "sandbox not applied: %s", err);
		br_fail_now();
	}
	return st;
}

#endif
