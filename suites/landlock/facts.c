/*
 * Facts about this kernel's Landlock, each checked for consistency with
 * the other sources, so a fact case can still fail: an ABI whose rights the
 * kernel refuses, an errata query that fails where the ABI has it, an LSM
 * list that disagrees with the ABI query.
 */
#include "common.h"
#include "facts.h"

/* landlock.abi: the number, "none" (ENOSYS) or "disabled" (EOPNOTSUPP).
 * The number is checked: a ruleset handling every right of that ABI must be
 * accepted, or the kernel claims an ABI it does not have. */
TEST(abi)
{
	struct br_landlock ll;
	struct br_landlock_access all;
	char buf[32];
	int abi = br_landlock_abi();

	br_fact("landlock.abi", "%s", br_landlock_abi_str(abi, buf, sizeof(buf)));
	if (abi < 0 && abi != -ENOSYS && abi != -EOPNOTSUPP)
		SKIP("the ABI query fails with %s: a seccomp filter hides Landlock", br_errname(-abi));
	NEED_ABI(1);
	if (abi > BR_LANDLOCK_ABI_MAX)
		TH_LOG("kernel ABI %d is newer than the library's %d: its new rights go untested",
		       abi, BR_LANDLOCK_ABI_MAX);
	all = br_landlock_access_for_abi(abi);
	ASSERT_EQ(0, br_landlock_init(&ll, &all));
	br_landlock_close(&ll);
}

/* landlock.errata: the bitmask of fixed errata, where the query exists
 * (ABI 7, 6.15, or a stable backport). */
TEST(errata)
{
	long errata;
	int abi = br_landlock_abi();

	NEED_ABI(1);
	errata = br_landlock_errata();
	if (errata == -EINVAL && abi < 7)
		SKIP("needs ABI 7 for the errata query (running Landlock ABI %d)", abi);
	ASSERT_LE(0, errata);
	br_fact("landlock.errata", "0x%lx", errata);
}

/* Landlock in the LSM stack (lsm=) agrees with what the ABI query says. */
TEST(in_lsm_list)
{
	char list[512];
	const char *src = br_fact_lsm(list, sizeof(list));
	int abi = br_landlock_abi();
	bool listed = false;

	if (!src)
		SKIP("no source for the LSM list (securityfs unmounted, not root, kernel before 6.8)");
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		listed |= !strcmp(tok, "landlock");
	br_fact("landlock.lsm", "%s", listed ? "listed" : "absent");
	if (abi > 0)
		ASSERT_TRUE(listed);
	/* EOPNOTSUPP comes from the kernel itself: Landlock is not in lsm=. */
	if (abi == -EOPNOTSUPP)
		ASSERT_FALSE(listed);
	/* ENOSYS while the LSM is active: something in front of the kernel
	 * (a seccomp filter, a container runtime) hides the syscalls. */
	if (abi == -ENOSYS && listed)
		br_fact("landlock.syscalls", "hidden (ENOSYS although the LSM is active)");
}

TEST_HARNESS_MAIN
