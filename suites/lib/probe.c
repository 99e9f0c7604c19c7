/*
 * lib/probe: the outcome classifier and every entry of br_sysprobes[].
 * For each probe and ABI: without a filter its sentinel arguments show
 * "allowed" (the control), and a filter on exactly that call turns it into
 * denied(EPERM), killed(SIGSYS) or trapped. So the sentinel logic tells
 * allowed from denied, on each ABI this kernel has.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
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
	ASSERT_EQ(BR_PROBE_ERROR, br_probe(&o, hangs, NULL, 0, 10));
	ASSERT_STREQ("error(timeout after 10 ms)", br_outcome_str(&o, buf, sizeof(buf)));
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

/* ---- the table against independent sources ---- */

/* Every number in br_sysprobes[] is the one libseccomp's own tables give
 * for that name and arch (-1 where the arch has no such call). */
TEST(table_numbers_match_libseccomp)
{
	static const uint32_t arch[BR_NABIS] = {SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86};
	int checked = 0;

	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++)
		for (enum br_abi a = BR_ABI_NATIVE; a < BR_NABIS; a++) {
			int nr = seccomp_syscall_resolve_name_arch(arch[a], sp->name);
			long want = nr < 0 ? -1 : nr & ~0x40000000L; /* x32 numbers carry the bit */

			if (nr == __NR_SCMP_ERROR && sp->nr[a] >= 0) {
				TH_LOG("%s on %s: libseccomp does not know it", sp->name, br_abi_name(a));
				continue;
			}
			/* A negative pseudo number: libseccomp files it under a
			 * multiplexer (socket under socketcall on i386) though the
			 * kernel has a direct entry too. */
			if (nr < 0 && nr != __NR_SCMP_ERROR && sp->nr[a] >= 0) {
				TH_LOG("%s on %s: libseccomp maps it to a multiplexer (%d)", sp->name,
				       br_abi_name(a), nr);
				continue;
			}
			EXPECT_EQ(want, sp->nr[a]);
			if (want != sp->nr[a])
				TH_LOG("%s on %s: table %ld, libseccomp %ld", sp->name, br_abi_name(a),
				       sp->nr[a], want);
			checked++;
		}
	ASSERT_LT(90, checked);
}

/* Does /proc/kallsyms name a symbol starting with one of prefixes? 1 yes,
 * 0 no, -1 cannot tell. Read here, not through lib/probe, to stay independent. */
static int has_symbol(const char *const *prefixes)
{
	char line[512];
	int seen = 0, found = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, ' ');

		seen = 1;
		for (const char *const *p = prefixes; name && *p && !found; p++)
			found = !strncmp(name + 1, *p, strlen(*p));
	}
	fclose(f);
	return seen ? found : -1;
}

/* Is word (a whole "key=value") on the kernel command line? */
static bool on_cmdline(const char *word)
{
	char buf[4096];
	ssize_t n = br_read_file("/proc/cmdline", buf, sizeof(buf));

	if (n <= 0)
		return false;
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		if (!strcmp(t, word))
			return true;
	return false;
}

/* A config file readable here that sets name=y: 1, sets it otherwise: 0, none: -1. */
static int config_says(const char *name)
{
	char path[300], line[256];
	struct utsname u;
	int ret = -1;
	FILE *f;

	if (uname(&u))
		return -1;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (!(f = fopen(path, "re")))
		return -1;
	ret = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)) && !strcmp(line + strlen(name), "=y\n"))
			ret = 1;
	fclose(f);
	return ret;
}

/*
 * An ABI the kernel has must be live: its calls must run through br_sys().
 * "Has" comes from the kernel itself (its entry symbols in kallsyms, its
 * command line, its config where readable), never from lib/probe, so a
 * broken ia32 or x32 entry in lib/probe is a failure here, not a SKIP in
 * every ia32 case.
 */
TEST(ia32_live_where_the_kernel_has_it)
{
	static const char *const syms[] = {"ia32_sys_call", "__ia32_sys_", NULL};
	int built = has_symbol(syms);
	bool off = on_cmdline("ia32_emulation=0") || on_cmdline("ia32_emulation=false") ||
		   on_cmdline("ia32_emulation=n") || on_cmdline("ia32_emulation=off");
	bool on = on_cmdline("ia32_emulation=1") || on_cmdline("ia32_emulation=true") ||
		  on_cmdline("ia32_emulation=y") || on_cmdline("ia32_emulation=on");

	if (built < 0)
		SKIP("cannot read /proc/kallsyms: cannot tell whether ia32 is built");
	if (!built)
		SKIP("ia32 not built (no ia32 entry symbols in /proc/kallsyms)");
	if (off || (!on && config_says("CONFIG_IA32_EMULATION_DEFAULT_DISABLED") == 1))
		SKIP("ia32 built but switched off (ia32_emulation on the command line or by default)");
	br_fact("probe.ia32_expected", "live");
	ASSERT_TRUE(br_abi_live(BR_ABI_IA32));
	ASSERT_EQ(BR_ABI_ENABLED, br_abi_state(BR_ABI_IA32));
	ASSERT_EQ(getpid(), br_sys(BR_ABI_IA32, 20, 0, 0, 0, 0, 0, 0));
}

TEST(x32_live_where_the_kernel_has_it)
{
	static const char *const syms[] = {"x32_sys_call", "__x32_compat_sys_", NULL};
	int built;

	/* Debian builds it off by default (CONFIG_X86_X32_DISABLED): on only
	 * with syscall.x32=y, and no readable config says otherwise. Asked
	 * first: without it the full kallsyms scan would decide nothing. */
	if (!on_cmdline("syscall.x32=y") && !on_cmdline("syscall.x32=1"))
		SKIP("x32 not switched on by syscall.x32=y (may be off by default; built or not: fact x32)");
	built = has_symbol(syms);
	if (built < 0)
		SKIP("cannot read /proc/kallsyms: cannot tell whether x32 is built");
	if (!built)
		SKIP("x32 not built (no x32 entry symbols in /proc/kallsyms)");
	ASSERT_TRUE(br_abi_live(BR_ABI_X32));
	ASSERT_EQ(BR_ABI_ENABLED, br_abi_state(BR_ABI_X32));
	ASSERT_EQ(getpid(), br_sys(BR_ABI_X32, 39, 0, 0, 0, 0, 0, 0));
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

/* The data an entry's own filter returns (the errno, or si_errno of a
 * trap): one per step, never a sentinel, EPERM or ENOSYS, so the result
 * names the filter that gave it. */
#define STEP_DATA(i) (1000 + (int)(i))

struct filters {
	const struct br_chain_step *steps;
	uint32_t action;
};

static long step_nr(const struct br_chain_step *st)
{
	return st->sp->nr[st->abi] | (st->abi == BR_ABI_X32 ? BR_X32_BIT : 0);
}

/* A filter that hits exactly steps[i]'s call on its ABI. Built as BPF, not
 * parsed from text: each kill's child builds one (the parser has its own cases). */
static long arm_filter(void *ctx, size_t i, bool fresh)
{
	const struct filters *f = ctx;
	const struct br_chain_step *st = &f->steps[i];
	uint32_t data = f->action == SECCOMP_RET_KILL_PROCESS ? 0 : STEP_DATA(i);
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			 st->abi == BR_ABI_IA32 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)step_nr(st), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, (f->action & SECCOMP_RET_ACTION_FULL) | data),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	(void)fresh;
	return br_seccomp_load(prog, sizeof(prog) / sizeof(prog[0]), BR_SECCOMP_NNP);
}

/*
 * Run every entry the ABI has: the control must be allowed (or the entry
 * is reported and left out: ENOSYS, or a capability check before the
 * sentinel when unprivileged), and the call under its own filter must show
 * `want`, with the filter's own data. The entries run as br_probe_chain
 * steps: a kill ends each one's child, an errno or a trap lets one child
 * install every filter in turn, each call tried before its own filter too,
 * so no earlier entry's filter may touch it.
 */
static void each_entry(enum br_abi abi, uint32_t action, enum br_outcome_kind want)
{
	struct br_chain_step steps[128];
	struct filters f = {steps, action};
	size_t n = 0;
	char buf[128], why[1024] = "";

	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		struct br_outcome o;

		if (sp->nr[abi] < 0)
			continue;
		br_probe_sys_control(&o, sp, abi); /* the same for the three actions */
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
		ASSERT_GT(sizeof(steps) / sizeof(steps[0]), n);
		steps[n++] = (struct br_chain_step){.sp = sp, .abi = abi};
	}
	br_probe_chain(steps, n, arm_filter, &f, true, 0);
	for (size_t i = 0; i < n; i++) {
		const struct br_chain_step *st = &steps[i];
		const struct br_outcome *o = &st->after;

		if (st->before.kind != BR_ALLOWED)
			br_fail(__FILE__, __LINE__, "%s on %s under the earlier entries' filters: %s",
				st->sp->name, br_abi_name(abi),
				br_outcome_str(&st->before, buf, sizeof(buf)));
		if (o->kind != want)
			br_fail(__FILE__, __LINE__, "%s on %s under its filter: %s, expected %s",
				st->sp->name, br_abi_name(abi), br_outcome_str(o, buf, sizeof(buf)),
				br_outcome_kind_name(want));
		else if (want == BR_DENIED && o->err != STEP_DATA(i))
			br_fail(__FILE__, __LINE__, "%s on %s: denied(%s), not its filter's E%d",
				st->sp->name, br_abi_name(abi), br_errname(o->err), STEP_DATA(i));
		else if (want == BR_KILLED && o->sig != SIGSYS)
			br_fail(__FILE__, __LINE__, "%s on %s: killed(%s), not SIGSYS", st->sp->name,
				br_abi_name(abi), br_signame(o->sig));
		else if (want == BR_TRAPPED &&
			 (o->err != STEP_DATA(i) || o->trap_nr != (int)step_nr(st) ||
			  o->trap_arch != (abi == BR_ABI_IA32 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64)))
			br_fail(__FILE__, __LINE__, "%s on %s: %s, not its own filter's trap (%s)",
				st->sp->name, br_abi_name(abi), br_outcome_str(o, buf, sizeof(buf)),
				o->detail);
	}
	if (why[0])
		TH_LOG("left out, control not allowed here:%s", why);
	if (!n)
		SKIP("no probe's control was allowed on %s here", br_abi_name(abi));
}

TEST_F(sysprobe, control_allowed_errno_filter_denied)
{
	each_entry(variant->abi, SECCOMP_RET_ERRNO, BR_DENIED);
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
