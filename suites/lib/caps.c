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
#include <seccomp.h>
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

/* The bounding set alone cannot grow back either: -EPERM, not a failed
 * read-back. */
TEST(set_never_widens_bounding)
{
	struct br_caps want;

	outside();
	ASSERT_EQ(0, br_caps_get(&want));
	want.amb = 0;
	want.bnd &= ~BR_CAP(CAP_KILL);
	ASSERT_EQ(0, br_caps_set(&want));
	want.bnd |= BR_CAP(CAP_KILL);
	EXPECT_EQ(-EPERM, br_caps_set(&want));
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

/* Only the ambient set shrinks: the cap stays permitted and inheritable,
 * so nothing but the ambient step itself can take it out. */
TEST(set_shrinks_only_ambient)
{
	const br_capmask xy = BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_CHOWN);
	struct br_caps want = {.eff = xy, .prm = xy, .inh = xy, .bnd = xy, .amb = xy};
	struct br_caps got;

	outside();
	ASSERT_EQ(0, br_caps_set(&want));
	ASSERT_EQ(1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0));
	want.amb = BR_CAP(CAP_CHOWN);
	ASSERT_EQ(0, br_caps_set(&want));
	ASSERT_EQ(0, br_caps_get(&got));
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0));
	EXPECT_EQ(1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0));
	EXPECT_EQ(xy, got.prm);
	EXPECT_EQ(xy, got.inh);
	EXPECT_EQ(BR_CAP(CAP_CHOWN), got.amb);
}

/*
 * "A partial apply is -EIO, never silent": a seccomp filter makes one step
 * of br_caps_set() return 0 without doing anything (SECCOMP_RET_ERRNO with
 * errno 0 skips the call), so every call succeeds and only the read-back can
 * tell. The control variant makes the same step fail with EPERM, which
 * br_caps_set() must pass on as it is.
 */
FIXTURE(partial) {};
FIXTURE_VARIANT(partial) {
	int nr;       /* the syscall whose step is skipped */
	long a0, a1;  /* its first two arguments, or -1 for any */
	int err;      /* the errno it then returns: 0 = silent */
	int want;     /* what br_caps_set() must return */
};
FIXTURE_VARIANT_ADD(partial, capset_silent) {SCMP_SYS(capset), -1, -1, 0, -EIO};
FIXTURE_VARIANT_ADD(partial, bounding_drop_silent) {SCMP_SYS(prctl), PR_CAPBSET_DROP, -1, 0, -EIO};
FIXTURE_VARIANT_ADD(partial, ambient_raise_silent) {SCMP_SYS(prctl), PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 0, -EIO};
FIXTURE_VARIANT_ADD(partial, ambient_clear_silent) {SCMP_SYS(prctl), PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, -EIO};
FIXTURE_VARIANT_ADD(partial, capset_refused_control) {SCMP_SYS(capset), -1, -1, EPERM, -EPERM};
FIXTURE_SETUP(partial) {}
FIXTURE_TEARDOWN(partial) {}

TEST_F(partial, set)
{
	const br_capmask xy = BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_CHOWN);
	/* Every step has work: bounding, permitted, inheritable and ambient all
	 * change, and the ambient set both loses (CHOWN) and gains (NET_RAW). */
	struct br_caps first = {.eff = xy | BR_CAP(CAP_SETPCAP), .prm = xy | BR_CAP(CAP_KILL) | BR_CAP(CAP_SETPCAP),
				.inh = xy,
				.bnd = xy | BR_CAP(CAP_KILL) | BR_CAP(CAP_SETPCAP), .amb = BR_CAP(CAP_CHOWN)};
	struct br_caps want = {.eff = xy, .prm = xy, .inh = xy, .bnd = xy, .amb = BR_CAP(CAP_NET_RAW)};
	struct scmp_arg_cmp cmp[2];
	unsigned n = 0;
	scmp_filter_ctx ctx;

	outside();
	ASSERT_EQ(0, br_caps_set(&first));
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	ASSERT_TRUE(ctx != NULL);
	if (variant->a0 >= 0)
		cmp[n++] = SCMP_A0(SCMP_CMP_EQ, variant->a0, 0); /* datum_b: unused by EQ */
	if (variant->a1 >= 0)
		cmp[n++] = SCMP_A1(SCMP_CMP_EQ, variant->a1, 0);
	ASSERT_EQ(0, seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(variant->err), variant->nr, n, cmp));
	ASSERT_EQ(0, seccomp_load(ctx));
	seccomp_release(ctx);
	EXPECT_EQ(variant->want, br_caps_set(&want));
}

/* The same request with no filter is applied exactly. */
TEST(partial_no_filter_control)
{
	const br_capmask xy = BR_CAP(CAP_NET_RAW) | BR_CAP(CAP_CHOWN);
	struct br_caps first = {.eff = xy | BR_CAP(CAP_SETPCAP), .prm = xy | BR_CAP(CAP_KILL) | BR_CAP(CAP_SETPCAP),
				.inh = xy,
				.bnd = xy | BR_CAP(CAP_KILL) | BR_CAP(CAP_SETPCAP), .amb = BR_CAP(CAP_CHOWN)};
	struct br_caps want = {.eff = xy, .prm = xy, .inh = xy, .bnd = xy, .amb = BR_CAP(CAP_NET_RAW)};

	outside();
	ASSERT_EQ(0, br_caps_set(&first));
	EXPECT_EQ(0, br_caps_set(&want));
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
