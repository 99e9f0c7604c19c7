/*
 * suites/mac/assess: the probe blastradius assess runs in a sandbox must
 * report the MAC label and mode it runs under. Its code (runners/probe/
 * probe.c, whose main becomes probe_main) is linked into this binary: a
 * second static binary in the initramfs would not fit the guest's memory.
 * A case runs `blastradius-probe --section mac` and reads its records; the
 * control runs it unprepared.
 *
 * AppArmor (suites/mac's policy, aa.h): entered with change_profile into
 * blastradius-allow (enforce, denies nothing) or blastradius-complain, the
 * probe's code, run in that forked child (what a profile lets the probe see
 * needs no exec), must say so, and unconfined without. SELinux enters its
 * domain at an exec: the case copies this binary into a private scratch
 * tmpfs, labels it and runs it. SELinux (our policy, loaded by
 * the guest's init in the selinux cell): executed from a br_exec_t file the
 * probe enters br_trans_t, which reads neither securityfs nor selinuxfs; it
 * must still name its context and never call SELinux disabled; from a plain
 * file it is br_unconfined_t, enforcing. Elsewhere the cases SKIP.
 */
#include "aa.h"

int probe_main(int argc, char **argv);
#define main probe_main
#include "../../runners/probe/probe.c"
#undef main

#define AS_PROBE "--as-blastradius-probe"

/* In the child, before the exec: 0 or -errno. */
typedef int (*probe_pre_fn)(const char *path, void *arg);

/*
 * Write the probe as NAME in a scratch tmpfs mounted with flags
 * (BR_SCRATCH_*), run pre (unless NULL), exec it with --section mac and
 * collect its stdout in out; name NULL: no copy and no exec, pre(NULL, arg)
 * then the probe's code in the forked child. A failed step fails the case.
 */
static __attribute__((unused)) void run_probe(unsigned flags, const char *name, probe_pre_fn pre,
					      void *arg, char *out, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int p[2], st;
	pid_t pid;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char dir[256], path[300], fd[16];
		const char *step = "scratch";
		int r = name ? br_scratch(flags, dir, sizeof(dir)) : 0;

		if (!name) {
			if (pre)
				step = "prepare", r = pre(NULL, arg);
			snprintf(fd, sizeof(fd), "%d", p[1]);
			optind = 0; /* getopt starts over */
			if (!r)
				_exit(probe_main(5, (char *[]){"blastradius-probe", "--fd", fd, "--section",
							     "mac", NULL}));
			dprintf(p[1], "setup %s: %s\n", step, br_errname(-r));
			_exit(125);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (!r)
			step = "copy", r = br_copy_file("/proc/self/exe", path, 0755);
		if (!r && pre)
			step = "prepare", r = pre(path, arg);
		if (!r && dup2(p[1], 1) < 0)
			step = "dup2", r = -errno;
		if (!r) {
			step = "execv";
			execv(path, (char *[]){path, AS_PROBE, "--section", "mac", NULL});
			r = -errno;
		}
		dprintf(p[1], "setup %s: %s\n", step, br_errname(-r));
		_exit(125);
	}
	close(p[1]);
	while (len < size - 1 && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = 0;
	close(p[0]);
	st = br_wait(pid);
	if (!strncmp(out, "setup ", 6) || st) {
		TH_LOG("the probe (exit %d): %s", st, out);
		br_fail_now();
	}
	ASSERT_TRUE(strstr(out, "\nS\tmac\n") != NULL); /* the section ran to its end */
}

/* The value of the probe's observation key, or NULL. */
static __attribute__((unused)) const char *probe_rec(const char *out, const char *key, char *buf,
						     size_t size)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\nO\t%s\t", key);
	if (!(p = strstr(out, pat)))
		return NULL;
	p += strlen(pat);
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\t\n"), p);
	return buf;
}

/* ---- AppArmor ---- */

static int enter(const char *path, void *profile)
{
	(void)path;
	return br_mac_aa_change_profile(profile);
}

static void expect_probe(const char *profile, const char *mode, const char *label)
{
	char out[8192], v[256];

	aa_require();
	run_probe(0, NULL, NULL, NULL, out, sizeof(out));
	ASSERT_STREQ("unconfined", probe_rec(out, "mac.apparmor", v, sizeof(v)));
	ASSERT_STREQ("unconfined", probe_rec(out, "mac.label.apparmor", v, sizeof(v)));
	run_probe(0, NULL, enter, (void *)profile, out, sizeof(out));
	TH_LOG("the probe under %s: %s", profile, out);
	ASSERT_STREQ(mode, probe_rec(out, "mac.apparmor", v, sizeof(v)));
	ASSERT_STREQ(label, probe_rec(out, "mac.label.apparmor", v, sizeof(v)));
	ASSERT_TRUE(probe_rec(out, "mac.lsm", v, sizeof(v)) != NULL);
	ASSERT_TRUE(strstr(v, "apparmor") != NULL);
}

/* assess then says "confined by AppArmor profile blastradius-allow in enforce mode". */
TEST(probe_reports_enforce_profile, .guest_only = 1, .as = BR_ROOT, .timeout_ms = 20000)
{
	expect_probe(AA_ALLOW, "enforce", aa_enforced(AA_ALLOW));
}

/* assess then says mac-logging: the profile logs and denies nothing. */
TEST(probe_reports_complain_profile, .guest_only = 1, .as = BR_ROOT, .timeout_ms = 20000)
{
	expect_probe(AA_COMPLAIN, "complain", AA_COMPLAIN " (complain)");
}

/* ---- SELinux ---- */

#define CTX(type) "br_u:br_r:" type

static void need_policy(void)
{
	int vers, r;

	if (!br_mac_selinux_mode(&vers))
		SKIP("SELinux is not active (no selinuxfs): the matrix's selinux cell runs this");
	r = br_mac_selinux_valid(CTX("br_trans_t"));
	if (r != 1 && !br_in_guest())
		SKIP("SELinux runs another policy here: this needs blastradius's (the matrix guest's)");
	ASSERT_EQ(1, r); /* in a guest, the init loaded our policy */
}

static int label_entry(const char *path, void *arg)
{
	(void)arg;
	return br_mac_selinux_label_file(path, "br_u:object_r:br_exec_t");
}

TEST(probe_reports_selinux_domain, .as = BR_ROOT, .timeout_ms = 20000)
{
	char out[8192], v[256];

	need_policy();
	/* Control: a plain file keeps the caller's domain; selinuxfs readable. */
	run_probe(BR_SCRATCH_SUID, "plain", NULL, NULL, out, sizeof(out));
	ASSERT_STREQ(CTX("br_unconfined_t"), probe_rec(out, "mac.label.selinux", v, sizeof(v)));
	ASSERT_STREQ("enforcing", probe_rec(out, "mac.selinux", v, sizeof(v)));
	ASSERT_STREQ("absent", probe_rec(out, "mac.apparmor", v, sizeof(v)));
	/* type_transition br_unconfined_t br_exec_t : process br_trans_t */
	run_probe(BR_SCRATCH_SUID, "entry", label_entry, NULL, out, sizeof(out));
	TH_LOG("the probe in br_trans_t: %s", out);
	ASSERT_STREQ(CTX("br_trans_t"), probe_rec(out, "mac.label.selinux", v, sizeof(v)));
	/* Its mode: enforcing, or unknown where br_trans_t cannot read selinuxfs
	 * (assess then takes the outside's); never disabled or permissive. */
	ASSERT_TRUE(probe_rec(out, "mac.selinux", v, sizeof(v)) != NULL);
	if (strcmp(v, "enforcing"))
		ASSERT_STREQ("unknown", v);
}

/* As the probe: argv[0], AS_PROBE, then the probe's own options. */
int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], AS_PROBE)) {
		argv[1] = argv[0];
		return probe_main(argc - 1, argv + 1);
	}
	if (argc >= 4 && !strcmp(argv[1], AA_OP))
		return aa_op_main(argc, argv);
	return br_main(argc, argv, BR_SUITE "." BR_FILE);
}
