/*
 * Yama's ptrace_scope 0, 1 and 2, each with an attach it allows and one it
 * refuses (yama.h says how; scope 3 is yama_last.c). Each case sets the
 * scope it needs; the fixture puts the boot's scope back, even when a case
 * stops early.
 */
#include "yama.h"

FIXTURE(yama)
{
	int saved;
};

FIXTURE_VARIANT(yama)
{
	int unused;
};

FIXTURE_SETUP(yama)
{
	self->saved = yama_need();
	if (self->saved == 3)
		SKIP("ptrace_scope is 3, which holds until reboot (a *_last suite ran first)");
}

FIXTURE_TEARDOWN(yama)
{
	if (self->saved >= 0)
		br_mac_yama_set_scope(self->saved);
}

static void scope(int s)
{
	ASSERT_EQ(0, br_mac_yama_set_scope(s));
	ASSERT_EQ(s, br_mac_yama_scope());
}

/* 0 (classic): any process of the same uid; another uid is refused by the
 * ordinary ptrace rules, which Yama leaves in place. */
TEST_F(yama, scope0_allows_same_uid_non_descendant, .guest_only = 1, .as = BR_ROOT)
{
	scope(0);
	EXPECT_EQ(0, yama_attach(NOBODY, SIBLING, NOBODY));
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING, ROOT));
}

/* 1 (restricted): only descendants; the control is scope 0 above. */
TEST_F(yama, scope1_refuses_non_descendant, .guest_only = 1, .as = BR_ROOT)
{
	scope(0);
	EXPECT_EQ(0, yama_attach(NOBODY, SIBLING, NOBODY));
	scope(1);
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING, NOBODY));
}

TEST_F(yama, scope1_allows_descendant, .guest_only = 1, .as = BR_ROOT)
{
	scope(1);
	EXPECT_EQ(0, yama_attach(NOBODY, OWN_CHILD, NOBODY));
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING, NOBODY));
}

/* prctl(PR_SET_PTRACER) names a tracer that is not an ancestor. */
TEST_F(yama, scope1_allows_declared_ptracer, .guest_only = 1, .as = BR_ROOT)
{
	scope(1);
	EXPECT_EQ(0, yama_attach(NOBODY, SIBLING_PTRACER_ANY, NOBODY));
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING, NOBODY));
}

TEST_F(yama, scope1_allows_cap_sys_ptrace, .guest_only = 1, .as = BR_ROOT)
{
	scope(1);
	EXPECT_EQ(0, yama_attach(ROOT, SIBLING, NOBODY));
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING, NOBODY));
}

/* 2 (admin-only): CAP_SYS_PTRACE, even for one's own child. */
TEST_F(yama, scope2_refuses_descendant_without_cap, .guest_only = 1, .as = BR_ROOT)
{
	scope(1);
	EXPECT_EQ(0, yama_attach(NOBODY, OWN_CHILD, NOBODY));
	scope(2);
	EXPECT_EQ(EPERM, yama_attach(NOBODY, OWN_CHILD, NOBODY));
}

TEST_F(yama, scope2_ignores_declared_ptracer, .guest_only = 1, .as = BR_ROOT)
{
	scope(1);
	EXPECT_EQ(0, yama_attach(NOBODY, SIBLING_PTRACER_ANY, NOBODY));
	scope(2);
	EXPECT_EQ(EPERM, yama_attach(NOBODY, SIBLING_PTRACER_ANY, NOBODY));
}

TEST_F(yama, scope2_allows_cap_sys_ptrace, .guest_only = 1, .as = BR_ROOT)
{
	scope(2);
	EXPECT_EQ(0, yama_attach(ROOT, SIBLING, NOBODY));
	EXPECT_EQ(0, yama_attach(ROOT, OWN_CHILD, ROOT));
	EXPECT_EQ(EPERM, yama_attach(NOBODY, OWN_CHILD, NOBODY));
}

/* Only CAP_SYS_PTRACE may change the scope. */
static int write_scope(void *unused)
{
	(void)unused;
	if (br_drop_to_nobody())
		return 200;
	return -br_mac_yama_set_scope(2);
}

TEST_F(yama, scope_change_needs_privilege, .guest_only = 1, .as = BR_ROOT)
{
	int r;

	scope(1);
	r = br_child(write_scope, NULL);
	/* The file is 0644: the open fails before Yama's own CAP_SYS_PTRACE check. */
	EXPECT_EQ(EACCES, r);
	EXPECT_EQ(1, br_mac_yama_scope());
	scope(2); /* the control: root may */
}

TEST_HARNESS_MAIN
