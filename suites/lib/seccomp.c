/*
 * lib/seccomp: each built-in profile applied denies its probes (with the
 * right errno or signal) and kills foreign ABIs; not applied, the same
 * probes are allowed. Also: profile checks, export, and the BPF text parser
 * on good and bad input.
 */
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"
#include "probe.h"
#include "seccomp.h"

struct applied {
	const char *profile; /* NULL: no filter (the control) */
	const struct br_sysprobe *sp;
	enum br_abi abi;
};

static long call_applied(void *arg)
{
	const struct applied *a = arg;
	long r = a->profile ? br_seccomp_apply(br_seccomp_builtin(a->profile)) : 0;

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sysprobe_call(a->sp, a->abi);
}

static struct br_outcome run(const char *profile, const char *call, enum br_abi abi)
{
	struct applied a = {profile, br_sysprobe_find(call), abi};
	struct br_outcome o;

	br_probe(&o, call_applied, &a, a.sp->sentinel, 0);
	return o;
}

FIXTURE(profile) {
	const struct br_seccomp_profile *p;
};

FIXTURE_VARIANT(profile) {
	const char *name;
};

FIXTURE_VARIANT_ADD(profile, deny_escapes) { "deny-escapes" };
FIXTURE_VARIANT_ADD(profile, allow_minimal) { "allow-minimal" };
FIXTURE_VARIANT_ADD(profile, allow_stdio) { "allow-stdio" };

FIXTURE_SETUP(profile)
{
	self->p = br_seccomp_builtin(variant->name);
	ASSERT_TRUE(self->p != NULL);
}

FIXTURE_TEARDOWN(profile) {}

/* The profile for br_probe_chain: the first child applies it as sandboxes
 * do (libseccomp builds and loads it); a child after a kill loads the same
 * program, exported once, since libseccomp's build is most of a child's
 * cost under TCG. */
struct profile_arm {
	const struct br_seccomp_profile *p;
	struct sock_filter *prog;
	size_t len;
};

static long arm_profile(void *ctx, size_t i, bool fresh)
{
	const struct profile_arm *a = ctx;

	if (!fresh)
		return 0; /* on already, from this child's first step */
	return i == 0 ? br_seccomp_apply(a->p) : br_seccomp_load(a->prog, a->len, BR_SECCOMP_NNP);
}

/*
 * Every probe the profile must stop: denied(EPERM) on a deny-list,
 * killed(SIGSYS) on an allow-list; each against its unfiltered control.
 * One child takes the deny-list's calls in turn (a denied call does
 * nothing, so the next one meets the same process); a kill ends each
 * child, so an allow-list's calls get one each.
 */
TEST_F(profile, denies_its_probes_control_allowed)
{
	bool deny = self->p->mode == BR_SECCOMP_DENY_LIST;
	struct br_chain_step steps[128];
	struct profile_arm a = {self->p, NULL, 0};
	size_t n = 0;
	char buf[128];

	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		struct br_outcome o;
		bool stopped = deny ? br_seccomp_lists(self->p, sp->name) ||
					      !strncmp(sp->name, "io_uring", 8)
				    : !br_seccomp_lists(self->p, sp->name);

		if (sp->nr[BR_ABI_NATIVE] < 0 || !stopped)
			continue;
		br_probe_sys_control(&o, sp, BR_ABI_NATIVE); /* the same for every profile */
		if (o.kind != BR_ALLOWED)
			continue; /* ENOSYS here, or a capability check first: no control */
		ASSERT_GT(sizeof(steps) / sizeof(steps[0]), n);
		steps[n++] = (struct br_chain_step){.sp = sp, .abi = BR_ABI_NATIVE};
	}
	ASSERT_EQ(0, br_seccomp_bpf(self->p, &a.prog, &a.len));
	br_probe_chain(steps, n, arm_profile, &a, false, 0);
	for (size_t i = 0; i < n; i++) {
		br_outcome_str(&steps[i].after, buf, sizeof(buf));
		if (strcmp(buf, deny ? "denied(EPERM)" : "killed(SIGSYS)"))
			br_fail(__FILE__, __LINE__, "%s: %s under %s (allowed without it)",
				steps[i].sp->name, buf, variant->name);
	}
	free(a.prog);
	ASSERT_LT(5, n);
}

TEST_F(profile, allows_what_it_lists)
{
	const char *call = br_seccomp_lists(self->p, "getpid") ? "getpid" : "personality";

	ASSERT_TRUE(self->p->mode == BR_SECCOMP_DENY_LIST || br_seccomp_lists(self->p, call));
	ASSERT_EQ(BR_ALLOWED, run(variant->name, call, BR_ABI_NATIVE).kind);
}

TEST_F(profile, kills_ia32)
{
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	ASSERT_EQ(BR_ALLOWED, run(NULL, "getpid", BR_ABI_IA32).kind); /* control */
	o = run(variant->name, "getpid", BR_ABI_IA32);
	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

/* seccomp runs before the x32 dispatch: testable with x32 off too. */
TEST_F(profile, kills_x32_numbers)
{
	struct br_outcome o = run(variant->name, "getpid", BR_ABI_X32);

	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
	o = run(NULL, "getpid", BR_ABI_X32); /* control: reaches the kernel */
	ASSERT_TRUE(o.kind == BR_ALLOWED || o.kind == BR_UNSUPPORTED);
}

/* The exported BPF, loaded raw, is the same filter; its text round-trips. */
TEST_F(profile, bpf_export_roundtrips_and_loads)
{
	struct sock_filter *prog, *again;
	size_t len, len2, size = 0;
	char err[256], *text = NULL;
	FILE *m;

	ASSERT_EQ(0, br_seccomp_bpf(self->p, &prog, &len));
	ASSERT_LT(4, len);
	m = open_memstream(&text, &size);
	br_bpf_print(m, prog, len);
	fclose(m);
	ASSERT_EQ(0, br_bpf_parse(text, "exported", &again, &len2, err, sizeof(err)));
	ASSERT_EQ(len, len2);
	ASSERT_EQ(0, memcmp(prog, again, len * sizeof(*prog)));
	free(prog), free(again), free(text);
}

TEST_F(profile, pfc_export)
{
	char *text = NULL;
	size_t size = 0;
	FILE *m = tmpfile();

	ASSERT_TRUE(m != NULL);
	ASSERT_EQ(0, br_seccomp_pfc(self->p, m));
	size = (size_t)lseek(fileno(m), 0, SEEK_END);
	text = calloc(1, size + 1);
	ASSERT_EQ((ssize_t)size, pread(fileno(m), text, size, 0));
	ASSERT_TRUE(strstr(text, "pseudo filter code") != NULL);
	ASSERT_TRUE(strstr(text, "invalid architecture action") != NULL);
	free(text);
	fclose(m);
}

/* ---- profile checks ---- */

TEST(allow_list_naming_io_uring_refused)
{
	static const char *const calls[] = {"read", "io_uring_setup", NULL};
	struct br_seccomp_profile p = {"bad", "", BR_SECCOMP_ALLOW_LIST, calls, 0};
	scmp_filter_ctx ctx;

	ASSERT_EQ(-EPERM, br_seccomp_build(&p, &ctx));
}

TEST(unknown_syscall_name_einval)
{
	static const char *const calls[] = {"read", "no_such_call", NULL};
	struct br_seccomp_profile p = {"bad", "", BR_SECCOMP_DENY_LIST, calls, EPERM};
	scmp_filter_ctx ctx;

	ASSERT_EQ(-EINVAL, br_seccomp_build(&p, &ctx));
}

static long kill_list(void *arg)
{
	static const char *const calls[] = {"getpid", NULL};
	struct br_seccomp_profile p = {"kill", "", BR_SECCOMP_DENY_LIST, calls, 0};
	long r = br_seccomp_apply(&p);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sys(BR_ABI_NATIVE, 39, 0, 0, 0, 0, 0, 0);
}

TEST(deny_list_without_errno_kills_process)
{
	struct br_outcome o;

	br_probe(&o, kill_list, NULL, 0, 0);
	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

TEST(action_table_matches_get_action_avail)
{
	int n = 0;

	for (const struct br_seccomp_action *a = br_seccomp_actions; a->name; a++, n++) {
		int r = br_seccomp_action_avail(a->action);

		if (r == -ENOSYS || r == -EINVAL)
			SKIP("SECCOMP_GET_ACTION_AVAIL needs Linux 4.14");
		EXPECT_TRUE(r == 0 || r == -EOPNOTSUPP);
	}
	ASSERT_EQ(8, n);
}

/* ---- BPF text ---- */

TEST(bpf_text_good)
{
	struct sock_filter *p;
	size_t n;
	char err[256];

	ASSERT_EQ(0, br_bpf_parse("# c\n\nld arch  # tail\njeq AUDIT_ARCH_I386 0 1\nld nr\n"
				  "jeq i386:socketcall 1 0\njge X32_SYSCALL_BIT 0 0\nja 0\n"
				  "jset 0x10 0 0\nld arg0_hi\nret ERRNO(4095)\nret 0x7fff0000\n",
				  "good", &p, &n, err, sizeof(err)));
	ASSERT_EQ(10, n);
	ASSERT_EQ(102, p[3].k); /* i386 socketcall */
	ASSERT_EQ(0x40000000, p[4].k);
	ASSERT_EQ(20, p[7].k);  /* arg0_hi */
	ASSERT_EQ(SECCOMP_RET_ERRNO | 4095, p[8].k);
	free(p);
}

TEST(bpf_text_bad_inputs_name_the_line)
{
	static const struct {
		const char *text, *where;
	} bad[] = {
		{"", "bad:1:"},
		{"# only a comment\n", "bad:2:"},
		{"ld\n", "bad:1:"},
		{"ld nr extra\n", "bad:1:"},
		{"ld arg6\n", "bad:1:"},
		{"ld nr\nfoo 1\n", "bad:2:"},
		{"ld nr\njeq read 1\n", "bad:2:"},
		{"ld nr\njeq nosuchcall 0 0\nret ALLOW\n", "bad:2:"},
		{"ld nr\njeq read 256 0\nret ALLOW\n", "bad:2:"},
		{"ld nr\njeq read -1 0\nret ALLOW\n", "bad:2:"},
		{"ld nr\njeq read 5 0\nret ALLOW\n", "bad:2:"},
		{"ja 1\nret ALLOW\n", "bad:1:"},
		{"ja\n", "bad:1:"},
		{"ret\n", "bad:1:"},
		{"ret NOPE\n", "bad:1:"},
		{"ret ERRNO(70000)\n", "bad:1:"},
		{"ret ERRNO(x)\n", "bad:1:"},
		{"ret ALLOW(1)\n", "bad:1:"},
		{"ret 0x1ffffffff\n", "bad:1:"},
		{"\n\n\nld nr\njeq 99999999999 0 0\nret ALLOW\n", "bad:5:"},
		{"ld nr\n\njgt read 0 0 0\nret ALLOW\n", "bad:3:"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sock_filter *p = NULL;
		size_t n;
		char err[256] = "";

		EXPECT_EQ(-EINVAL, br_bpf_parse(bad[i].text, "bad", &p, &n, err, sizeof(err)));
		if (strncmp(err, bad[i].where, strlen(bad[i].where)))
			br_fail(__FILE__, __LINE__, "input %zu: error \"%s\" does not start with %s", i,
				err, bad[i].where);
	}
}

/* clone(2) with namespace flags: the unshare(2) twin a deny-list must cover. */
static long clone_ns(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		return br_wait((pid_t)pid);
	return -1;
}

TEST(deny_escapes_covers_clone_ns_flags)
{
	static const unsigned long ns[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID};

	ASSERT_EQ(0, br_seccomp_apply(br_seccomp_builtin("deny-escapes")));
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		EXPECT_ERRNO(EPERM, clone_ns(ns[i]));
	/* clone3 hides its flags from the filter: ENOSYS makes libc use clone. */
	EXPECT_ERRNO(ENOSYS, syscall(SYS_clone3, NULL, 0));
	EXPECT_EQ(0, clone_ns(0)); /* a plain fork still works */
}

TEST(clone_ns_flags_control)
{
	br_require_userns();
	if (br_ns_private(0))
		SKIP("cannot reach a namespace-capable state");
	if (clone_ns(CLONE_NEWUSER) != 0)
		SKIP("clone(CLONE_NEWUSER) fails without a filter: %s", br_errname(errno));
	EXPECT_EQ(0, clone_ns(0));
}

TEST_HARNESS_MAIN
