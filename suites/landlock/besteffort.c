/*
 * Best effort, the classic fail-open: a sandbox asks for more than the
 * kernel has, or was written for an older ABI than the kernel runs. The
 * library's builder must enforce what it can and say, in its report,
 * exactly what it could not; these cases check both the report and the
 * behaviour it describes.
 */
#include "common.h"

static struct br_landlock_report build(struct br_landlock_access want, uint32_t flags)
{
	struct br_landlock_report r;
	int ret;

	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ret = br_landlock_apply(&want, NULL, flags, &r);
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(r.enforced);
	return r;
}

static void log_report(const struct br_landlock_report *r)
{
	char text[1024];

	br_landlock_report_text(r, text, sizeof(text));
	TH_LOG("report: %s", text);
}

/* Asked for every right the library knows: the kernel's rights are enforced
 * (write and, from ABI 3, truncate are denied) and the rest is reported. */
TEST(above_running_abi_enforces_and_reports)
{
	struct br_landlock_access all = br_landlock_access_for_abi(BR_LANDLOCK_ABI_MAX);
	struct br_landlock_access has;
	struct br_landlock_report r;
	int abi = br_landlock_abi();

	NEED_ABI(1);
	scratch();
	has = br_landlock_access_for_abi(abi);
	all.scoped = 0; /* keep signals to the harness working */
	r = build(all, 0);
	log_report(&r);
	ASSERT_EQ(has.fs, r.handled.fs);
	ASSERT_EQ(all.fs & ~has.fs, r.dropped.fs);
	ASSERT_EQ(all.net & ~has.net, r.dropped.net);
	ASSERT_EQ(abi >= BR_LANDLOCK_ABI_MAX, br_landlock_complete(&r));
	ASSERT_OUTCOME(EACCES, try_write());
	if (abi >= 3)
		ASSERT_OUTCOME(EACCES, outcome(truncate("denied/file", 0)));
}

/* A ruleset written for ABI 2 on a newer kernel: truncate is not handled,
 * so truncate(2) still works although writes are denied, and the report
 * names truncate as left allowed. */
TEST(lower_abi_leaves_truncate_allowed)
{
	struct br_landlock_report r;
	char text[1024];

	NEED_ABI(3);
	scratch();
	r = build(br_landlock_access_for_abi(2), 0);
	ASSERT_OUTCOME(EACCES, try_write());
	ASSERT_OUTCOME(0, outcome(truncate("denied/file", 0)));
	ASSERT_TRUE(r.unhandled.fs & LANDLOCK_ACCESS_FS_TRUNCATE);
	br_landlock_report_text(&r, text, sizeof(text));
	TH_LOG("report: %s", text);
	ASSERT_TRUE(strstr(text, "left allowed") && strstr(text, "truncate"));
}

/* The same policy written for ABI 3 closes the hole: the report was right. */
TEST(lower_abi_leaves_truncate_allowed_control)
{
	struct br_landlock_report r;

	NEED_ABI(3);
	scratch();
	r = build(br_landlock_access_for_abi(3), 0);
	ASSERT_FALSE(r.unhandled.fs & LANDLOCK_ACCESS_FS_TRUNCATE);
	ASSERT_OUTCOME(EACCES, outcome(truncate("denied/file", 0)));
}

/* TSYNC asked of a kernel without it: reported as dropped, and the report
 * is true: a sibling thread can still write. */
TEST(tsync_dropped_leaves_sibling_unrestricted)
{
	struct br_landlock_report r;
	struct sibling s;
	int abi = br_landlock_abi();

	NEED_ABI(1);
	if (abi >= 8)
		SKIP("running ABI %d has TSYNC: nothing to drop", abi);
	scratch();
	sibling_start(&s);
	r = build((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_WRITE_FILE},
		  LANDLOCK_RESTRICT_SELF_TSYNC);
	log_report(&r);
	ASSERT_EQ(LANDLOCK_RESTRICT_SELF_TSYNC, r.flags_dropped);
	ASSERT_FALSE(br_landlock_complete(&r));
	ASSERT_OUTCOME(EACCES, try_write());
	ASSERT_OUTCOME(0, sibling_try(&s));
}

TEST_HARNESS_MAIN
