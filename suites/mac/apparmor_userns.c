/*
 * suites/mac/apparmor_userns: kernel.apparmor_restrict_unprivileged_userns,
 * where the kernel has it (Ubuntu's AppArmor; Debian's kernels so far do
 * not): with it on, unshare(CLONE_NEWUSER) by an unconfined unprivileged
 * process is refused; with it off the same call works (the control). The
 * knob is global, so guest-only; each case puts back the value it found.
 */
#include "aa.h"

#define KNOB "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
#define GUEST .as = BR_ROOT, .guest_only = 1
#define OP(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The payload's child: uid/gid 65534 with no capabilities, still unconfined. */
static int nobody(void *arg)
{
	(void)arg;
	return br_drop_to_nobody();
}

/* The knob's value, or SKIP when this kernel has no such knob. */
static int knob(void)
{
	char v[16];
	const char *why;

	if (br_mac_aa_active(&why))
		SKIP("%s", why);
	if (br_read_file(KNOB, v, sizeof(v)) < 0)
		SKIP("this kernel has no kernel.apparmor_restrict_unprivileged_userns");
	return atoi(v);
}

/* Run unshare(CLONE_NEWUSER) as nobody with the knob at value; put it back. */
static int unshare_with(int value)
{
	int was = knob(), e;

	ASSERT_EQ(0, br_write_file(KNOB, value ? "1" : "0"));
	e = aa_op(NULL, nobody, NULL, OP("unshare-user"), NULL);
	ASSERT_EQ(0, br_write_file(KNOB, was ? "1" : "0"));
	return e;
}

TEST(userns_allowed_with_knob_off, GUEST)
{
	EXPECT_EQ(0, unshare_with(0));
}

TEST(userns_refused_with_knob_on, GUEST)
{
	int e;

	if (unshare_with(0))
		SKIP("control: unshare(CLONE_NEWUSER) as nobody fails with the knob off too");
	e = unshare_with(1);
	TH_LOG("with the knob on: %s", br_errname(e));
	EXPECT_TRUE(e == EPERM || e == EACCES);
}

AA_HARNESS_MAIN
