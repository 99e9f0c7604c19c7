/*
 * Arch and ABI: a 64-bit process can still enter the i386 syscall table
 * (int $0x80) and, where x32 is live, the x32 numbers (bit 30 set, still
 * reported as AUDIT_ARCH_X86_64). A filter keyed on numbers alone is
 * bypassed through both; the library's native-only filter kills both.
 * Facts: ia32 and x32 state (enabled / disabled / absent / unavailable).
 */
#include <linux/audit.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "seccomp.h"

/* Deny keyctl by its x86_64 number alone (no arch check, no x32 check). */
#define NR_ONLY_DENY_KEYCTL "ld nr\njeq keyctl 0 1\nret ERRNO(1)\nret ALLOW\n"

struct under {
	const char *filter;     /* BPF text, or NULL */
	const char *profile;    /* built-in profile, or NULL */
	const char *call;       /* br_sysprobes[] name */
	enum br_abi abi;
};

static long call_under(void *arg)
{
	const struct under *u = arg;
	long r = 0;

	if (u->filter)
		r = br_seccomp_load_text(u->filter, BR_SECCOMP_NNP);
	else if (u->profile)
		r = br_seccomp_apply(br_seccomp_builtin(u->profile));
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sysprobe_call(br_sysprobe_find(u->call), u->abi);
}

static struct br_outcome outcome(const struct under *u)
{
	struct br_outcome o;
	char buf[160];

	br_probe(&o, call_under, (void *)u, br_sysprobe_find(u->call)->sentinel, 0);
	TH_LOG("%s on %s under %s: %s", u->call, br_abi_name(u->abi),
	       u->profile ? u->profile : u->filter ? "filter" : "nothing",
	       br_outcome_str(&o, buf, sizeof(buf)));
	if (o.kind == BR_PROBE_ERROR)
		br_fail(__FILE__, __LINE__, "probe broke: %s", o.detail);
	return o;
}

#define EXPECT_KIND(k, o) EXPECT_STREQ(br_outcome_kind_name(k), br_outcome_kind_name((o).kind))

TEST(abi_facts)
{
	for (enum br_abi a = BR_ABI_X32; a < BR_NABIS; a++)
		br_fact(br_abi_name(a), "%s", br_abi_state_name(br_abi_state(a)));
	ASSERT_EQ(BR_ABI_ENABLED, br_abi_state(BR_ABI_NATIVE));
}

/* ---- ia32 ---- */

TEST(ia32_getpid_runs_control)
{
	struct under u = {.call = "getpid", .abi = BR_ABI_IA32};

	br_require_abi(BR_ABI_IA32);
	EXPECT_KIND(BR_ALLOWED, outcome(&u));
}

TEST(ia32_library_filter_kills)
{
	struct under u = {.profile = "deny-escapes", .call = "getpid", .abi = BR_ABI_IA32};
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	o = outcome(&u);
	EXPECT_KIND(BR_KILLED, o);
	EXPECT_EQ(SIGSYS, o.sig);
	/* control: the same filter lets native getpid run */
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_ALLOWED, outcome(&u));
}

/* keyctl is 250 on x86_64 and 288 on i386: a number-only deny misses it. */
TEST(ia32_nr_only_deny_bypassed)
{
	struct under u = {.filter = NR_ONLY_DENY_KEYCTL, .call = "keyctl", .abi = BR_ABI_IA32};

	br_require_abi(BR_ABI_IA32);
	EXPECT_KIND(BR_ALLOWED, outcome(&u));
	/* control: the filter works on the number it knows */
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_DENIED, outcome(&u));
}

/* The filter sees arch=AUDIT_ARCH_I386 and the i386 number (getpid=20). */
TEST(ia32_filter_sees_i386_arch_and_numbers)
{
	struct under u = {.filter = "ld arch\njeq AUDIT_ARCH_I386 0 3\nld nr\njeq i386:getpid 0 1\n"
				    "ret TRAP(7)\nret ALLOW\n",
			  .call = "getpid", .abi = BR_ABI_IA32};
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	o = outcome(&u);
	ASSERT_EQ(BR_TRAPPED, o.kind);
	EXPECT_EQ(20, o.trap_nr);
	EXPECT_EQ(AUDIT_ARCH_I386, o.trap_arch);
	EXPECT_EQ(7, o.err);
	/* control: native getpid (39, x86_64) does not match */
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_ALLOWED, outcome(&u));
}

/*
 * i386 socketcall and x86_64 getuid are both 102. An allow-list keyed on
 * numbers alone, written for x86_64 getuid, lets socketcall through.
 */
#define NR_ONLY_ALLOW_GETUID                                                                      \
	"ld nr\njeq getuid 5 0\njeq exit_group 4 0\njeq exit 3 0\njeq rt_sigreturn 2 0\n"            \
	"jeq write 1 0\nret KILL_PROCESS\nret ALLOW\n"
#define ARCH_ALLOW_GETUID "ld arch\njeq AUDIT_ARCH_X86_64 1 0\nret KILL_PROCESS\n" NR_ONLY_ALLOW_GETUID

TEST(ia32_socketcall_collides_with_getuid)
{
	struct under u = {.filter = NR_ONLY_ALLOW_GETUID, .call = "socketcall", .abi = BR_ABI_IA32};

	br_require_abi(BR_ABI_IA32);
	EXPECT_KIND(BR_ALLOWED, outcome(&u)); /* the gap: socketcall(-1) ran, EINVAL */
	u.call = "getuid";
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_ALLOWED, outcome(&u)); /* what the list meant to allow */
}

TEST(ia32_socketcall_stopped_by_arch_check)
{
	struct under u = {.filter = ARCH_ALLOW_GETUID, .call = "socketcall", .abi = BR_ABI_IA32};
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	o = outcome(&u);
	EXPECT_KIND(BR_KILLED, o);
	EXPECT_EQ(SIGSYS, o.sig);
	u.call = "getuid";
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_ALLOWED, outcome(&u)); /* control */
}

/* ---- x32 ---- */

/* seccomp runs before the x32 dispatch, so this holds even where x32 is off. */
TEST(x32_numbers_killed_by_library_filter)
{
	struct under u = {.profile = "deny-escapes", .call = "getpid", .abi = BR_ABI_X32};
	struct br_outcome o;

	o = outcome(&u);
	EXPECT_KIND(BR_KILLED, o);
	EXPECT_EQ(SIGSYS, o.sig);
	/* control: without the filter the bit-30 call reaches the kernel,
	 * which runs it (x32 live) or answers ENOSYS (x32 off) */
	u.profile = NULL;
	o = outcome(&u);
	EXPECT_TRUE(o.kind == BR_ALLOWED || o.kind == BR_UNSUPPORTED);
}

TEST(x32_nr_only_deny_bypassed)
{
	struct under u = {.filter = NR_ONLY_DENY_KEYCTL, .call = "keyctl", .abi = BR_ABI_X32};

	br_require_abi(BR_ABI_X32);
	EXPECT_KIND(BR_ALLOWED, outcome(&u)); /* keyctl | X32_SYSCALL_BIT != 250 */
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_DENIED, outcome(&u)); /* control */
}

TEST(x32_arch_is_x86_64)
{
	struct under u = {.filter = "ld arch\njeq AUDIT_ARCH_X86_64 0 3\nld nr\n"
				    "jge X32_SYSCALL_BIT 0 1\nret TRAP(3)\nret ALLOW\n",
			  .call = "getpid", .abi = BR_ABI_X32};
	struct br_outcome o;

	o = outcome(&u);
	ASSERT_EQ(BR_TRAPPED, o.kind);
	EXPECT_EQ(AUDIT_ARCH_X86_64, o.trap_arch);
	EXPECT_EQ(39 | BR_X32_BIT, (unsigned)o.trap_nr);
	u.abi = BR_ABI_NATIVE;
	EXPECT_KIND(BR_ALLOWED, outcome(&u)); /* control */
}

TEST_HARNESS_MAIN
