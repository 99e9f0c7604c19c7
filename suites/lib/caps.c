/*
 * lib/caps: each primitive applied makes its probe fail; not applied, the
 * same probe works. Every case works in a private UTS namespace (inside a
 * user namespace when not root), so the sethostname probe changes nothing
 * outside: with CAP_SYS_ADMIN it is allowed, without it EPERM.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "ns.h"

static void outside(void)
{
	int ret = br_ns_private(CLONE_NEWUTS);

	if (ret)
		br_require_userns();
	ASSERT_EQ(0, ret);
}

/* Same name again: allowed only with CAP_SYS_ADMIN over this UTS ns. */
static int probe_sethostname(void)
{
	char name[256];

	if (gethostname(name, sizeof(name)))
		return -1;
	return sethostname(name, strlen(name));
}

static void expect_state(br_capmask m, int nnp)
{
	struct br_caps c;
	char text[1024];

	ASSERT_EQ(0, br_caps_get(&c));
	ASSERT_LE(0, br_caps_format(&c, text, sizeof(text)));
	TH_LOG("state: %s", text);
	EXPECT_EQ(m, c.eff);
	EXPECT_EQ(m, c.prm);
	EXPECT_EQ(m, c.inh);
	EXPECT_EQ(m, c.bnd);
	EXPECT_EQ(m, c.amb);
	EXPECT_EQ(nnp, c.nnp);
}

TEST(drop_all_denies)
{
	outside();
	ASSERT_EQ(0, br_caps_drop_all());
	expect_state(0, 0);
	ASSERT_ERRNO(EPERM, probe_sethostname());
}

TEST(drop_all_not_applied_control)
{
	outside();
	ASSERT_OK(probe_sethostname());
}

TEST(keep_names_keeps_only_those)
{
	outside();
	ASSERT_EQ(0, br_caps_keep_names("sys_admin,CAP_NET_RAW"));
	expect_state(BR_CAP(CAP_SYS_ADMIN) | BR_CAP(CAP_NET_RAW), 0);
	ASSERT_OK(probe_sethostname());
}

TEST(keep_only_other_cap_denies)
{
	const cap_value_t keep[] = {CAP_NET_RAW, CAP_CHOWN};

	outside();
	ASSERT_EQ(0, br_caps_keep_only(keep, 2));
	expect_state(BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_CHOWN), 0);
	ASSERT_ERRNO(EPERM, probe_sethostname());
}

/* The bounding set is part of "exact": nothing outside it survives. */
TEST(bounding_dropped)
{
	int last = br_caps_last_cap();

	outside();
	ASSERT_LE(0, last);
	ASSERT_EQ(1, prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0));
	ASSERT_EQ(0, br_caps_keep_names("chown"));
	for (int c = 0; c <= last; c++)
		EXPECT_EQ(c == CAP_CHOWN, prctl(PR_CAPBSET_READ, c, 0, 0, 0));
}

TEST(set_never_widens)
{
	outside();
	ASSERT_EQ(0, br_caps_keep_names("chown"));
	EXPECT_EQ(-EPERM, br_caps_keep_names("chown,sys_admin"));
	expect_state(BR_CAP(CAP_CHOWN), 0);
}

TEST(set_rejects_inconsistent_sets)
{
	struct br_caps eff_not_prm = {.eff = BR_CAP(CAP_CHOWN)};
	struct br_caps amb_not_inh = {.prm = BR_CAP(CAP_CHOWN), .amb = BR_CAP(CAP_CHOWN)};

	outside();
	EXPECT_EQ(-EINVAL, br_caps_set(&eff_not_prm));
	EXPECT_EQ(-EINVAL, br_caps_set(&amb_not_inh));
}

TEST(securebits_locked_cannot_change)
{
	outside();
	ASSERT_EQ(0, br_caps_lock_securebits(SECBIT_NOROOT));
	EXPECT_EQ(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
		  (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(0));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(SECBIT_NOROOT));
}

TEST(securebits_unlocked_control)
{
	outside();
	ASSERT_EQ(0, br_caps_set_securebits(SECBIT_NOROOT));
	EXPECT_EQ(0, br_caps_set_securebits(0));
	EXPECT_EQ(0, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

TEST(securebits_need_setpcap)
{
	outside();
	ASSERT_EQ(0, br_caps_keep_names("sys_admin"));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(SECBIT_NOROOT));
}

TEST(nnp_set_and_sticky)
{
	ASSERT_EQ(0, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	ASSERT_EQ(0, br_caps_set_nnp());
	EXPECT_EQ(1, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	/* There is no way back: 0 is EINVAL. */
	EXPECT_ERRNO(EINVAL, prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

/* Five different sets at once, read back exactly. */
TEST(set_exact_sets)
{
	struct br_caps want = {.eff = BR_CAP(CAP_CHOWN),
			       .prm = BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW),
			       .inh = BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_KILL),
			       .bnd = BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_KILL),
			       .amb = BR_CAP(CAP_NET_RAW)};
	struct br_caps got;

	outside();
	ASSERT_EQ(0, br_caps_set(&want));
	ASSERT_EQ(0, br_caps_get(&got));
	EXPECT_EQ(want.eff, got.eff);
	EXPECT_EQ(want.prm, got.prm);
	EXPECT_EQ(want.inh, got.inh);
	EXPECT_EQ(want.bnd, got.bnd);
	EXPECT_EQ(want.amb, got.amb);
}

/* Without CAP_SYS_ADMIN, only no_new_privs lets a process install a
 * seccomp filter (EACCES otherwise): the kernel sees the bit we set. */
static int install_allow_all(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {.len = 1, .filter = &allow};

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

TEST(nnp_lets_filter_in)
{
	outside();
	ASSERT_EQ(0, br_caps_drop_all());
	ASSERT_EQ(0, br_caps_set_nnp());
	ASSERT_OK(install_allow_all());
}

TEST(nnp_not_set_control)
{
	outside();
	ASSERT_EQ(0, br_caps_drop_all());
	ASSERT_ERRNO(EACCES, install_allow_all());
}

TEST(state_text)
{
	struct br_caps c = {.eff = BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW),
			    .prm = BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW),
			    .bnd = br_caps_all() & ~BR_CAP(CAP_SYS_RESOURCE),
			    .securebits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
			    .nnp = 1};
	char text[1024];

	ASSERT_LE(0, br_caps_format(&c, text, sizeof(text)));
	EXPECT_STREQ("eff=chown,net_raw prm=chown,net_raw inh=none bnd=all-sys_resource "
		     "amb=none securebits=0x3 nnp=1", text);
	EXPECT_EQ(-ENOSPC, br_caps_format(&c, text, 10));
}

TEST(names)
{
	br_capmask m;

	EXPECT_EQ(CAP_NET_RAW, br_cap_from_name("net_raw"));
	EXPECT_EQ(CAP_NET_RAW, br_cap_from_name("CAP_NET_RAW"));
	EXPECT_EQ(CAP_NET_RAW, br_cap_from_name("13"));
	EXPECT_EQ(-EINVAL, br_cap_from_name("net_rawx"));
	EXPECT_EQ(-EINVAL, br_cap_from_name("cap_"));
	EXPECT_EQ(-EINVAL, br_cap_from_name("64"));
	EXPECT_STREQ("checkpoint_restore", br_cap_name(CAP_CHECKPOINT_RESTORE));
	EXPECT_STREQ("cap_41", br_cap_name(41));
	ASSERT_EQ(0, br_caps_parse("chown, net_raw", &m));
	EXPECT_EQ(BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW), m);
	ASSERT_EQ(0, br_caps_parse("none", &m));
	EXPECT_EQ(0, m);
	EXPECT_EQ(-EINVAL, br_caps_parse("chown,bogus", &m));
}

TEST_HARNESS_MAIN
