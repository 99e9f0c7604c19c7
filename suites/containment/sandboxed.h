/*
 * Shared by the containment suites: run a payload inside a profile given
 * as text (the same format as fixtures/profiles). An empty profile changes
 * nothing, which makes it the control: the same payload, same path, no
 * boundary.
 */
#ifndef BR_CONTAINMENT_SANDBOXED_H
#define BR_CONTAINMENT_SANDBOXED_H

#include <fcntl.h>
#include <unistd.h>

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

/* A payload: 0 if the file at path opens for writing, else the errno. The
 * permission checks happen at open; it is closed at once, nothing written. */
static inline int open_for_write(void *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

#endif
