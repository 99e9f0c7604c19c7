/*
 * lib/probe: the outcome classifier and every entry of br_sysprobes[].
 * For each probe and ABI: without a filter its sentinel arguments show
 * "allowed" (the control), and a filter on exactly that call turns it into
 * denied(EPERM), killed(SIGSYS) or trapped. So the sentinel logic tells
 * allowed from denied, on each ABI this kernel has.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "seccomp.h"

/* ---- the classifier ---- */

static long returns(void *v) { return (long)v; }
static long broken(void *v) { (void)v; errno = ENOENT; return BR_PROBE_BROKEN; }
static long hangs(void *v) { (void)v; for (;;) pause(); return 0; }
static long sigkills(void *v) { (void)v; raise(SIGKILL); return 0; }
static long exits(void *v) { (void)v; _exit(3); return 0; }

TEST(classifies_results)
{
	struct br_outcome o;
	char buf[128];

	ASSERT_EQ(BR_ALLOWED, br_probe(&o, returns, (void *)7L, 0, 0));
	ASSERT_EQ(7, o.ret);
	ASSERT_STREQ("allowed", br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_ALLOWED, br_probe(&o, returns, (void *)(long)-EFAULT, EFAULT, 0));
	ASSERT_EQ(BR_DENIED, br_probe(&o, returns, (void *)(long)-EFAULT, 0, 0));
	ASSERT_STREQ("denied(EFAULT)", br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_DENIED, br_probe(&o, returns, (void *)(long)-EPERM, EFAULT, 0));
	ASSERT_STREQ("denied(EPERM)", br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_UNSUPPORTED, br_probe(&o, returns, (void *)(long)-ENOSYS, EFAULT, 0));
	ASSERT_STREQ("unsupported", br_outcome_str(&o, buf, sizeof(buf)));
}

TEST(classifies_deaths_and_breakage)
{
	struct br_outcome o;
	char buf[128];

	ASSERT_EQ(BR_KILLED, br_probe(&o, sigkills, NULL, 0, 0));
	ASSERT_STREQ("killed(SIGKILL)", br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_PROBE_ERROR, br_probe(&o, broken, NULL, 0, 0));
	ASSERT_EQ(BR_PROBE_ERROR, br_probe(&o, exits, NULL, 0, 0));
	ASSERT_EQ(BR_PROBE_ERROR, br_probe(&o, hangs, NULL, 0, 50));
	ASSERT_STREQ("error(timeout after 50 ms)", br_outcome_str(&o, buf, sizeof(buf)));
}

/* A second errno that also means "allowed" is reported as the sentinel. */
TEST(alt_sentinel_maps_to_sentinel)
{
	struct br_sysprobe sp = {"write", {1, 1, 4}, {-1, 0, 0}, EFAULT, false, EBADF};
	struct br_outcome o;

	ASSERT_EQ(-EFAULT, br_sysprobe_call(&sp, BR_ABI_NATIVE)); /* the kernel said EBADF */
	ASSERT_EQ(BR_ALLOWED, br_probe_sys(&o, &sp, BR_ABI_NATIVE, 0));
	sp.alt_sentinel = 0; /* control: without it, EBADF is a denial */
	ASSERT_EQ(-EBADF, br_sysprobe_call(&sp, BR_ABI_NATIVE));
	ASSERT_EQ(BR_DENIED, br_probe_sys(&o, &sp, BR_ABI_NATIVE, 0));
}

TEST(abi_state_facts)
{
	for (enum br_abi a = BR_ABI_NATIVE; a < BR_NABIS; a++)
		br_fact(br_abi_name(a), "%s", br_abi_state_name(br_abi_state(a)));
	ASSERT_EQ(BR_ABI_ENABLED, br_abi_state(BR_ABI_NATIVE));
}

/* ---- every table entry, per ABI ---- */

FIXTURE(sysprobe) {
	int unused;
};

FIXTURE_VARIANT(sysprobe) {
	enum br_abi abi;
};

FIXTURE_VARIANT_ADD(sysprobe, native) { BR_ABI_NATIVE };
FIXTURE_VARIANT_ADD(sysprobe, ia32) { BR_ABI_IA32 };
FIXTURE_VARIANT_ADD(sysprobe, x32) { BR_ABI_X32 };

FIXTURE_SETUP(sysprobe)
{
	br_require_abi(variant->abi);
}

FIXTURE_TEARDOWN(sysprobe) {}

struct filtered {
	const struct br_sysprobe *sp;
	enum br_abi abi;
	uint32_t action;
};

/* A filter that hits exactly this call on this ABI. */
static long call_filtered(void *arg)
{
	const struct filtered *f = arg;
	char text[256];
	long nr = f->sp->nr[f->abi] | (f->abi == BR_ABI_X32 ? BR_X32_BIT : 0), r;

	snprintf(text, sizeof(text), "ld arch\njeq %#x 0 3\nld nr\njeq %#lx 0 1\nret %#x\nret ALLOW\n",
		 f->abi == BR_ABI_IA32 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64, nr, f->action);
	r = br_seccomp_load_text(text, BR_SECCOMP_NNP);
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sysprobe_call(f->sp, f->abi);
}

/*
 * Run every entry the ABI has: the control must be allowed (or the entry
 * is reported and left out: ENOSYS, or a capability check before the
 * sentinel when unprivileged), and the filtered call must show `want`.
 */
static void each_entry(enum br_abi abi, uint32_t action, enum br_outcome_kind want)
{
	int checked = 0;
	char buf[128], why[1024] = "";

	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		struct filtered f = {sp, abi, action};
		struct br_outcome o;

		if (sp->nr[abi] < 0)
			continue;
		br_probe_sys(&o, sp, abi, 0);
		if (o.kind != BR_ALLOWED) {
			/* The table says which entries a capability check guards. */
			if (o.kind == BR_DENIED && o.err == EPERM && sp->cap_first && !br_is_root()) {
			} else if (o.kind != BR_UNSUPPORTED) {
				br_fail(__FILE__, __LINE__, "%s on %s without a filter: %s (sentinel %s)",
					sp->name, br_abi_name(abi), br_outcome_str(&o, buf, sizeof(buf)),
					br_errname(sp->sentinel));
			}
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " %s(%s)", sp->name,
				 br_outcome_str(&o, buf, sizeof(buf)));
			continue;
		}
		br_probe(&o, call_filtered, &f, sp->sentinel, 0);
		if (o.kind != want)
			br_fail(__FILE__, __LINE__, "%s on %s under its filter: %s, expected %s",
				sp->name, br_abi_name(abi), br_outcome_str(&o, buf, sizeof(buf)),
				br_outcome_kind_name(want));
		if (want == BR_DENIED)
			EXPECT_EQ(EPERM, o.err);
		if (want == BR_KILLED)
			EXPECT_EQ(SIGSYS, o.sig);
		checked++;
	}
	if (why[0])
		TH_LOG("left out, control not allowed here:%s", why);
	if (!checked)
		SKIP("no probe's control was allowed on %s here", br_abi_name(abi));
}

TEST_F(sysprobe, control_allowed_errno_filter_denied)
{
	each_entry(variant->abi, SECCOMP_RET_ERRNO | EPERM, BR_DENIED);
}

TEST_F(sysprobe, control_allowed_kill_filter_killed)
{
	each_entry(variant->abi, SECCOMP_RET_KILL_PROCESS, BR_KILLED);
}

TEST_F(sysprobe, control_allowed_trap_filter_trapped)
{
	each_entry(variant->abi, SECCOMP_RET_TRAP, BR_TRAPPED);
}

/* ---- io_uring ---- */

static long uring_under(void *deny)
{
	long r = deny ? br_seccomp_load_text("ld nr\njeq io_uring_setup 0 1\nret ERRNO(1)\nret ALLOW\n",
					     BR_SECCOMP_NNP)
		      : 0;

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_uring_openat("/", O_DIRECTORY);
}

TEST(uring_openat_control_allowed_setup_filter_denied)
{
	struct br_outcome o;
	char buf[128];

	br_probe(&o, uring_under, NULL, 0, 0);
	if (o.kind != BR_ALLOWED)
		SKIP("io_uring cannot open files here: %s (CONFIG_IO_URING, kernel.io_uring_disabled, "
		     "or no IORING_OP_OPENAT before 5.6)", br_outcome_str(&o, buf, sizeof(buf)));
	br_probe(&o, uring_under, (void *)1, 0, 0);
	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EPERM, o.err);
}

TEST_HARNESS_MAIN
