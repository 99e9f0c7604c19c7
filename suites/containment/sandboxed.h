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
#include "ns.h"
#include "profile.h"

#define NO_PROFILE ""

/* Run fn(arg) in sb: the payload's exit status. SKIP when the host cannot
 * create the sandbox's namespaces (user namespaces disabled); FAIL when
 * any other layer cannot be applied. */
static inline int sandboxed_sb(const struct br_sandbox *sb, int (*fn)(void *), void *arg)
{
	enum br_sb_step step;
	int st = br_sandbox_run(sb, fn, arg, &step);

	if (st < 0 && step == BR_SB_STEP_CLONE && sb->userns)
		br_require_userns();
	if (st < 0 && step == BR_SB_STEP_CLONE)
		SKIP("cannot create the sandbox's namespaces here: %s", br_errname(-st));
	if (st < 0) {
		br_fail(__FILE__, __LINE__, "sandbox not applied at step %s: %s",
			br_sb_step_name(step), br_errname(-st));
		br_fail_now();
	}
	return st;
}

/* The same with the profile given as text. */
static inline int sandboxed(const char *profile, int (*fn)(void *), void *arg)
{
	struct br_sandbox sb;
	char err[256];

	if (br_profile_parse(profile, "profile", &sb, err, sizeof(err))) {
		br_fail(__FILE__, __LINE__, "%s", err);
		br_fail_now();
	}
	return sandboxed_sb(&sb, fn, arg);
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
