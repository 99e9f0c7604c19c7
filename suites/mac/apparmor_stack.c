/*
 * suites/mac/apparmor_stack: AppArmor stacked with Landlock and seccomp on
 * one crossing, PTRACE_SEIZE of an unconfined process outside the Landlock
 * domain. Each layer alone answers with its own errno (seccomp: the filter's
 * EXDEV, Landlock: EPERM, AppArmor: EACCES); together, seccomp answers
 * first (it runs at syscall entry, before any LSM hook), and of the two
 * LSMs the one earlier in the LSM list (/sys/kernel/security/lsm, lsm=)
 * answers: the kernel calls the hooks in that order and stops at the first
 * denial. The order is also a fact.
 */
#include <linux/landlock.h>
#include <sys/prctl.h>

#include "aa.h"
#include "facts.h"
#include "landlock.h"
#include "seccomp.h"

#define GUEST .as = BR_ROOT, .guest_only = 1
#define CONTROL .as = BR_ROOT
#define OP(...) ((const char *const[]){__VA_ARGS__, NULL})
#define SECCOMP_ERRNO EXDEV /* neither LSM's answer */

enum { L_SECCOMP = 1, L_LANDLOCK = 2 };

/* The layers the payload's child applies before change_onexec. */
static int layers(void *arg)
{
	int which = *(int *)arg, r;

	if (which & L_LANDLOCK) {
		/* Any domain scopes ptrace; the handled right is one nothing here uses. */
		static const struct br_landlock_rule none[] = {{0}};
		struct br_landlock_access h = {.fs = LANDLOCK_ACCESS_FS_MAKE_FIFO};

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			return -errno;
		if ((r = br_landlock_apply(&h, none, 0, NULL)))
			return r;
	}
	if (which & L_SECCOMP) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

		if (!ctx)
			return -ENOMEM;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SECCOMP_ERRNO), SCMP_SYS(ptrace), 0);
		if (!r)
			r = seccomp_load(ctx);
		seccomp_release(ctx);
		if (r)
			return r;
	}
	return 0;
}

struct target {
	char pid[16];
	int hold;
};

static void need(int which, struct target *t)
{
	const char *why;

	if ((which & L_LANDLOCK) && (why = br_landlock_missing(1)))
		SKIP("%s", why);
	if (br_mac_yama_scope() == 3)
		SKIP("Yama ptrace_scope is 3: no attach at all, no layer is reached");
	pid_t p = br_parked(&t->hold);
	ASSERT_GT(p, 0);
	snprintf(t->pid, sizeof(t->pid), "%d", (int)p);
}

/* The errno of PTRACE_SEIZE of the target with these layers (AppArmor when profile). */
static int seize(const char *profile, int which, struct target *t)
{
	return aa_op(profile, which ? layers : NULL, &which, OP("ptrace", t->pid), NULL);
}

TEST(no_layer_control, CONTROL)
{
	struct target t;

	need(0, &t);
	EXPECT_EQ(0, seize(NULL, 0, &t));
}

TEST(apparmor_alone_eacces, GUEST)
{
	struct target t;

	aa_require();
	need(0, &t);
	EXPECT_EQ(EACCES, seize(AA_DENY, 0, &t));
}

TEST(landlock_alone_eperm, CONTROL)
{
	struct target t;

	need(L_LANDLOCK, &t);
	EXPECT_EQ(EPERM, seize(NULL, L_LANDLOCK, &t));
}

TEST(seccomp_alone_errno, CONTROL)
{
	struct target t;

	need(0, &t);
	EXPECT_EQ(SECCOMP_ERRNO, seize(NULL, L_SECCOMP, &t));
}

TEST(seccomp_before_apparmor, GUEST)
{
	struct target t;

	aa_require();
	need(0, &t);
	EXPECT_EQ(SECCOMP_ERRNO, seize(AA_DENY, L_SECCOMP, &t));
}

TEST(all_three_seccomp_first, GUEST)
{
	struct target t;

	aa_require();
	need(L_LANDLOCK, &t);
	EXPECT_EQ(SECCOMP_ERRNO, seize(AA_DENY, L_SECCOMP | L_LANDLOCK, &t));
}

/* Where in the LSM list is name? -1 when absent. */
static int lsm_pos(const char *list, const char *name)
{
	size_t n = strlen(name);
	int i = 0;

	for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL, i++)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return i;
	return -1;
}

TEST(landlock_apparmor_lsm_order, GUEST)
{
	char list[1024];
	struct target t;
	int e, ll, aa;

	aa_require();
	need(L_LANDLOCK, &t);
	if (!br_fact_lsm(list, sizeof(list)))
		SKIP("the LSM list cannot be read: no order to compare with");
	ll = lsm_pos(list, "landlock"), aa = lsm_pos(list, "apparmor");
	ASSERT_GE(ll, 0);
	ASSERT_GE(aa, 0);
	e = seize(AA_DENY, L_LANDLOCK, &t);
	br_fact("mac.stack.ptrace_first", "%s",
		e == EPERM ? "landlock" : e == EACCES ? "apparmor" : br_errname(e));
	EXPECT_EQ(ll < aa ? EPERM : EACCES, e);
}

AA_HARNESS_MAIN
