/*
 * The filters in fixtures/seccomp/ (BPF text, see lib/seccomp.h), each
 * loaded as is: which crossings each stops, and which get through. A case
 * whose id starts with gap_ demonstrates a weakness: it passes when the
 * weakness is there, and its description says what gets through.
 *
 *   seed_allowlist   the seed questionnaire's vendor filter, completed
 *   arch_no_x32      checks the arch, not x32 numbers
 *   nr_only_deny     a deny-list of numbers without an arch check
 *   allow_io_uring   denies opening files, permits io_uring
 *
 * The files are embedded at build time (.incbin), so the binary needs no
 * fixtures directory at run time (QEMU guests have none).
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

#include "embed.h"
#include "harness.h"
#include "probe.h"
#include "seccomp.h"

BR_INCBIN(seed_allowlist_bpf, "fixtures/seccomp/seed-allowlist.bpf");
BR_INCBIN(arch_no_x32_bpf, "fixtures/seccomp/arch-no-x32.bpf");
BR_INCBIN(nr_only_deny_bpf, "fixtures/seccomp/nr-only-deny.bpf");
BR_INCBIN(allow_io_uring_bpf, "fixtures/seccomp/allow-io-uring.bpf");

struct crossing {
	const char *fixture; /* BPF text */
	const char *call;    /* br_sysprobes[] name */
	enum br_abi abi;
};

static long cross(void *arg)
{
	const struct crossing *c = arg;
	long r = br_seccomp_load_text(c->fixture, BR_SECCOMP_NNP);

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sysprobe_call(br_sysprobe_find(c->call), c->abi);
}

static struct br_outcome outcome(const char *fixture, const char *call, enum br_abi abi)
{
	struct crossing c = {fixture, call, abi};
	struct br_outcome o;
	char buf[128];

	br_probe(&o, cross, &c, br_sysprobe_find(call)->sentinel, 0);
	TH_LOG("%s on %s: %s", call, br_abi_name(abi), br_outcome_str(&o, buf, sizeof(buf)));
	if (o.kind == BR_PROBE_ERROR)
		br_fail(__FILE__, __LINE__, "probe broke: %s", o.detail);
	return o;
}

#define ASSERT_KIND(k, o) ASSERT_STREQ(br_outcome_kind_name(k), br_outcome_kind_name((o).kind))

static void need_abi(enum br_abi abi, const char *fixture, const char *call)
{
	struct br_outcome o;
	char buf[128];

	if (!br_abi_missing(abi))
		return;
	o = outcome(fixture, call, abi);
	SKIP("the gap cannot be used here: %s; under this filter the %s call gave %s",
	     br_abi_missing(abi), br_abi_name(abi), br_outcome_str(&o, buf, sizeof(buf)));
}

/* ---- the seed's filter ---- */

TEST(seed_allowlist_roundtrips_through_bpf_text)
{
	struct sock_filter *a, *b;
	size_t na, nb;
	char err[256], *text = NULL;
	size_t size = 0;
	FILE *m;

	ASSERT_EQ(0, br_bpf_parse(seed_allowlist_bpf, "seed-allowlist.bpf", &a, &na, err, sizeof(err)));
	ASSERT_EQ(14, na); /* arch check (3), ld nr, 8 allowed calls, TRAP, ALLOW */
	m = open_memstream(&text, &size);
	br_bpf_print(m, a, na);
	fclose(m);
	ASSERT_EQ(0, br_bpf_parse(text, "printed", &b, &nb, err, sizeof(err)));
	ASSERT_EQ(na, nb);
	ASSERT_EQ(0, memcmp(a, b, na * sizeof(*a)));
	free(a), free(b), free(text);
}

TEST(seed_allowlist_listed_call_runs_control)
{
	ASSERT_KIND(BR_ALLOWED, outcome(seed_allowlist_bpf, "write", BR_ABI_NATIVE));
}

TEST(seed_allowlist_unlisted_call_trapped)
{
	struct br_outcome o = outcome(seed_allowlist_bpf, "getpid", BR_ABI_NATIVE);

	ASSERT_KIND(BR_TRAPPED, o);
	ASSERT_EQ(39, o.trap_nr);
}

TEST(seed_allowlist_ia32_killed_by_arch_check)
{
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	o = outcome(seed_allowlist_bpf, "getpid", BR_ABI_IA32);
	ASSERT_KIND(BR_KILLED, o);
	ASSERT_EQ(SIGSYS, o.sig);
}

static volatile sig_atomic_t emulated;

static void emulate(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si;
	emulated++;
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_RAX] = 4242;
}

/* A hostile process installs its own SIGSYS handler and carries on. */
static long trap_and_continue(void *arg)
{
	struct sigaction sa = {.sa_sigaction = emulate, .sa_flags = SA_SIGINFO};
	long r;

	(void)arg;
	sigaction(SIGSYS, &sa, NULL);
	r = br_seccomp_load_text(seed_allowlist_bpf, BR_SECCOMP_NNP);
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	for (int i = 0; i < 3; i++)
		if (br_sys(BR_ABI_NATIVE, 39, 0, 0, 0, 0, 0, 0) != 4242) /* getpid */
			return -EBADE;
	/* io_uring_setup and openat are trapped too, and we are still here */
	br_sys(BR_ABI_NATIVE, 425, 1, 0, 0, 0, 0, 0);
	br_sys(BR_ABI_NATIVE, 257, AT_FDCWD, (long)"/", O_RDONLY, 0, 0, 0);
	return emulated;
}

/* The gap: default TRAP does not contain a process; it can catch every
 * trap, fake the results and go on running. */
TEST(gap_seed_allowlist_trap_default_is_catchable)
{
	struct br_outcome o;

	br_probe(&o, trap_and_continue, NULL, 0, 0);
	ASSERT_KIND(BR_ALLOWED, o);
	ASSERT_EQ(5, o.ret); /* five trapped calls, five handled, still alive */
	br_fact("seccomp.fixture.seed_allowlist.trap", "catchable");
}

/* The gap: the arch check passes x32 numbers (nr | X32_SYSCALL_BIT, still
 * AUDIT_ARCH_X86_64) to the syscall checks, where they are trapped,
 * catchably, instead of killed. seccomp runs before the x32 dispatch, so
 * this is visible even where x32 is off. */
TEST(gap_seed_allowlist_x32_passes_arch_check_to_trap)
{
	struct br_outcome o = outcome(seed_allowlist_bpf, "getpid", BR_ABI_X32);

	ASSERT_KIND(BR_TRAPPED, o);
	ASSERT_EQ(39 | BR_X32_BIT, (unsigned)o.trap_nr);
	br_fact("seccomp.fixture.seed_allowlist.x32", "passes-arch-check");
}

TEST(seed_allowlist_io_uring_setup_trapped)
{
	ASSERT_KIND(BR_TRAPPED, outcome(seed_allowlist_bpf, "io_uring_setup", BR_ABI_NATIVE));
}

TEST(seed_allowlist_open_by_handle_at_trapped)
{
	ASSERT_KIND(BR_TRAPPED, outcome(seed_allowlist_bpf, "open_by_handle_at", BR_ABI_NATIVE));
}

/* ---- arch checked, x32 not ---- */

TEST(arch_no_x32_native_keyctl_denied_control)
{
	struct br_outcome o = outcome(arch_no_x32_bpf, "keyctl", BR_ABI_NATIVE);

	ASSERT_KIND(BR_DENIED, o);
	ASSERT_EQ(EPERM, o.err);
}

TEST(arch_no_x32_ia32_killed)
{
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	o = outcome(arch_no_x32_bpf, "keyctl", BR_ABI_IA32);
	ASSERT_KIND(BR_KILLED, o);
	ASSERT_EQ(SIGSYS, o.sig);
}

/* The gap: x32 keyctl (250 | bit 30) matches no denied number. */
TEST(gap_arch_no_x32_x32_keyctl_gets_through)
{
	need_abi(BR_ABI_X32, arch_no_x32_bpf, "keyctl");
	ASSERT_KIND(BR_ALLOWED, outcome(arch_no_x32_bpf, "keyctl", BR_ABI_X32));
}

/* ---- numbers only ---- */

TEST(nr_only_deny_native_keyctl_denied_control)
{
	struct br_outcome o = outcome(nr_only_deny_bpf, "keyctl", BR_ABI_NATIVE);

	ASSERT_KIND(BR_DENIED, o);
	ASSERT_EQ(EPERM, o.err);
}

/* The gap: i386 keyctl is 288, which the x86_64 list does not name. */
TEST(gap_nr_only_deny_ia32_keyctl_gets_through)
{
	br_require_abi(BR_ABI_IA32);
	ASSERT_KIND(BR_ALLOWED, outcome(nr_only_deny_bpf, "keyctl", BR_ABI_IA32));
}

TEST(gap_nr_only_deny_ia32_unshare_gets_through)
{
	br_require_abi(BR_ABI_IA32);
	ASSERT_KIND(BR_ALLOWED, outcome(nr_only_deny_bpf, "unshare", BR_ABI_IA32));
	ASSERT_KIND(BR_DENIED, outcome(nr_only_deny_bpf, "unshare", BR_ABI_NATIVE)); /* control */
}

TEST(gap_nr_only_deny_x32_keyctl_gets_through)
{
	need_abi(BR_ABI_X32, nr_only_deny_bpf, "keyctl");
	ASSERT_KIND(BR_ALLOWED, outcome(nr_only_deny_bpf, "keyctl", BR_ABI_X32));
}

/* ---- io_uring permitted ---- */

TEST(allow_io_uring_openat_denied_control)
{
	struct br_outcome o = outcome(allow_io_uring_bpf, "openat", BR_ABI_NATIVE);

	ASSERT_KIND(BR_DENIED, o);
	ASSERT_EQ(EACCES, o.err);
}

TEST(allow_io_uring_unlisted_call_denied)
{
	struct br_outcome o = outcome(allow_io_uring_bpf, "getpid", BR_ABI_NATIVE);

	ASSERT_KIND(BR_DENIED, o);
	ASSERT_EQ(EPERM, o.err);
}

static long uring_open(void *arg)
{
	long r = br_seccomp_load_text(allow_io_uring_bpf, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_uring_open_root();
}

/* The gap: IORING_OP_OPENAT opens "/" with no syscall for the filter to see. */
TEST(gap_allow_io_uring_openat_through_the_ring)
{
	long r = br_uring_open_root();
	struct br_outcome o;

	if (r == -ENOSYS || r == -EPERM || r == -EINVAL)
		SKIP("control: io_uring cannot open files here even without a filter (%s: "
		     "CONFIG_IO_URING, kernel.io_uring_disabled, or no IORING_OP_OPENAT before 5.6)",
		     br_errname((int)-r));
	ASSERT_EQ(1, r);
	br_probe(&o, uring_open, NULL, 0, 0);
	ASSERT_KIND(BR_ALLOWED, o);
	ASSERT_EQ(1, o.ret);
	br_fact("seccomp.fixture.allow_io_uring.openat", "bypassed");
}

TEST_HARNESS_MAIN
