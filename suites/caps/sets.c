/*
 * Capability set semantics: bounding, ambient, securebits, setuid, NNP and
 * namespaced file caps.
 *
 * Exec cases run a helper: this binary itself, copied into a private tmpfs
 * (br_scratch without nosuid, in a private mount namespace; it is the case's
 * working directory) and made setuid-root or given file caps there. Run with
 * REPORT_ARG it prints its ids and sets as one line, which the case reads
 * through a pipe:
 *
 *   ./plain    0755, no privilege
 *   ./suid     04755 root:root
 *   ./fcaps    0755 with file caps (cap_chown,cap_net_raw+p, or +ep)
 *   ./f        a file for security.capability (namespaced file caps)
 *
 * Cases that need no other uid run in a user namespace when not root.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

#define REPORT_ARG "--caps-report"
#define NOBODY 65534
#define NS_ROOTID 100000 /* outside uid of root in the namespaced-caps userns */
#define X CAP_NET_RAW     /* the cap whose fate is followed */
#define Y CAP_CHOWN       /* a cap that stays, to show the exec did grant */

struct report {
	unsigned euid, egid;
	unsigned long long eff, prm, inh, amb, bnd;
	int ok;
};

/* The helper side: print "euid egid eff prm inh amb bnd" (hex masks). */
static int report_main(void)
{
	struct br_caps c;

	if (br_caps_get(&c))
		return 1;
	printf("%u %u %llx %llx %llx %llx %llx\n", (unsigned)geteuid(), (unsigned)getegid(),
	       (unsigned long long)c.eff,
	       (unsigned long long)c.prm, (unsigned long long)c.inh,
	       (unsigned long long)c.amb, (unsigned long long)c.bnd);
	/* _exit: under make sanitize, LeakSanitizer's exit-time scan cannot run in a
	 * process that a setgid exec made non-dumpable, and fails the helper. */
	fflush(stdout);
	_exit(ferror(stdout) ? 1 : 0);
}

/* ---- case side ---- */

static void copy_self(const char *path, mode_t mode)
{
	ASSERT_EQ(0, br_copy_file("/proc/self/exe", path, mode));
}

static void set_file_caps(const char *path, const char *text)
{
	cap_t c = cap_from_text(text);

	ASSERT_TRUE(c);
	ASSERT_OK(cap_set_file(path, c));
	cap_free(c);
}

/* Root of a user namespace with a one-line map has no uid 65534 to go to. */
static void need_uid(unsigned uid)
{
	struct br_idmap m[340];
	int n = br_idmap_read(0, "uid_map", m, 340);

	ASSERT_LE(0, n);
	for (int i = 0; i < n; i++)
		if (uid >= m[i].inside && uid - m[i].inside < m[i].count)
			return;
	SKIP("uid %u is not mapped in this user namespace: the case needs it", uid);
}

/* A private mount namespace with a suid-capable tmpfs as cwd. Helpers are
 * copied in by the case that runs them, one copy each: under TCG a copy of
 * this binary costs about as much as the exec itself. */
static void workspace(void)
{
	char dir[64];
	int ret = br_scratch(BR_SCRATCH_SUID, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	ASSERT_OK(chdir(dir));
}

static void helper_plain(void)
{
	copy_self("plain", 0755);
}

static void helper_suid(void)
{
	copy_self("suid", 0755);
	ASSERT_OK(chmod("suid", 04755));
}

/* setgid root (group 0): raises the egid, never capabilities */
static void helper_sgid(void)
{
	copy_self("sgid", 0755);
	ASSERT_OK(chown("sgid", 0, 0));
	ASSERT_OK(chmod("sgid", 02755));
}

static void helper_fcaps(const char *caps)
{
	copy_self("fcaps", 0755);
	set_file_caps("fcaps", caps);
}

/*
 * fork; in the child run before(arg) (which may change ids and caps), then
 * exec path with REPORT_ARG. The exec errno, if it fails, goes back through
 * the same pipe as "!errno".
 */
static struct report run_helper(const char *path, void (*before)(void *), void *arg)
{
	struct report r = {0};
	char buf[256] = "";
	int p[2];
	ssize_t n, total = 0;
	pid_t pid;
	int st;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = {(char *)path, REPORT_ARG, NULL};
		/* Empty, but for the guest's multi-call binary's file selector. */
		char *envp[] = {br_suite_file_env(), NULL};

		close(p[0]);
		dup2(p[1], 1);
		if (before)
			before(arg);
		execve(path, argv, envp);
		dprintf(1, "!%d\n", errno);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	buf[total] = 0;
	if (buf[0] == '!') {
		errno = atoi(buf + 1);
		return r;
	}
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(7, sscanf(buf, "%u %u %llx %llx %llx %llx %llx", &r.euid, &r.egid, &r.eff, &r.prm,
			    &r.inh, &r.amb, &r.bnd));
	r.ok = 1;
	TH_LOG("%s: euid=%u egid=%u eff=%llx prm=%llx inh=%llx amb=%llx bnd=%llx", path, r.euid, r.egid, r.eff,
	       r.prm, r.inh, r.amb, r.bnd);
	return r;
}

/* In the exec child: leave root for uid 65534 with no caps at all. */
static void to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(126);
}

static void before_nobody(void *arg)
{
	(void)arg;
	to_nobody();
}

static void before_drop_x_nobody(void *arg)
{
	(void)arg;
	if (cap_drop_bound(X))
		_exit(125);
	to_nobody();
}

static void before_nnp_nobody(void *arg)
{
	(void)arg;
	to_nobody();
	if (br_caps_set_nnp())
		_exit(125);
}

/* uid 65534 holding X in eff/prm/inh/amb (KEEP_CAPS across the setuid). */
static void before_ambient_nobody(void *arg)
{
	struct br_caps want;

	(void)arg;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		_exit(125);
	to_nobody();
	if (br_caps_get(&want))
		_exit(125);
	want.eff = want.prm = want.inh = want.amb = BR_CAP(X);
	if (br_caps_set(&want))
		_exit(125);
}

/* ---- exec: what a helper ends up with (bounding, NNP, ambient) ---- */

/* Expectations: 0 (the default) is "not checked". */
#define ZERO (-1LL) /* uid 0, or an empty set */
#define BND (-2LL)  /* equal to the helper's bounding set */

struct exec_case {
	const char *helper; /* "plain", "suid", "sgid" or "fcaps" */
	const char *fcaps;  /* file caps of "fcaps", as cap_from_text() takes them */
	void (*before)(void *);
	int exec_errno;     /* execve must fail with this, or 0 */
	long long euid, egid, prm, eff, amb; /* expected, ZERO or BND; 0: any */
	br_capmask has;     /* in prm */
	br_capmask lacks;   /* in none of prm, eff, bnd */
};

static void expect_set(const char *name, long long want, unsigned long long got,
		       unsigned long long bnd)
{
	if (want == 0)
		return;
	if (want == ZERO)
		want = 0;
	else if (want == BND)
		want = (long long)bnd;
	if ((unsigned long long)want != got)
		br_fail(__FILE__, __LINE__, "%s: expected %llx, got %llx", name,
			(unsigned long long)want, got);
}

static void exec_case(const struct exec_case *c)
{
	char path[64];
	struct report r;

	need_uid(NOBODY);
	workspace();
	snprintf(path, sizeof(path), "./%s", c->helper);
	if (!strcmp(c->helper, "plain"))
		helper_plain();
	else if (!strcmp(c->helper, "suid"))
		helper_suid();
	else if (!strcmp(c->helper, "sgid"))
		helper_sgid();
	else if (!strcmp(c->helper, "fcaps"))
		helper_fcaps(c->fcaps);
	r = run_helper(path, c->before, NULL);
	if (c->exec_errno) {
		EXPECT_FALSE(r.ok);
		EXPECT_EQ(c->exec_errno, errno);
		return;
	}
	ASSERT_TRUE(r.ok);
	expect_set("euid", c->euid, r.euid, 0);
	expect_set("egid", c->egid, r.egid, 0);
	expect_set("prm", c->prm, r.prm, r.bnd);
	expect_set("eff", c->eff, r.eff, r.bnd);
	expect_set("amb", c->amb, r.amb, r.bnd);
	EXPECT_EQ(c->has, r.prm & c->has);
	EXPECT_EQ(0, (r.prm | r.eff | r.bnd) & c->lacks);
}

#define EXEC_CASE(name, ...)                                                     \
	TEST(name, .as = BR_ROOT)                                                \
	{                                                                        \
		exec_case(&(const struct exec_case){__VA_ARGS__});               \
	}

#define XY (BR_CAP(X) | BR_CAP(Y))

/* A dropped bounding cap is not regained through a setuid-root exec... */
EXEC_CASE(setuid_exec_grants_control, .helper = "suid", .before = before_nobody,
	  .euid = ZERO, .prm = BND, .has = XY)
EXEC_CASE(setuid_exec_bounding_dropped, .helper = "suid", .before = before_drop_x_nobody,
	  .euid = ZERO, .prm = BND, .has = BR_CAP(Y), .lacks = BR_CAP(X))
EXEC_CASE(setuid_exec_nnp_blocks, .helper = "suid", .before = before_nnp_nobody,
	  .euid = NOBODY, .prm = ZERO, .eff = ZERO)

/* A setgid-root exec raises the egid only, and NNP keeps even that. */
EXEC_CASE(setgid_exec_raises_egid_control, .helper = "sgid", .before = before_nobody,
	  .euid = NOBODY, .egid = ZERO, .prm = ZERO, .eff = ZERO)
EXEC_CASE(setgid_exec_nnp_blocks, .helper = "sgid", .before = before_nnp_nobody,
	  .euid = NOBODY, .egid = NOBODY, .prm = ZERO, .eff = ZERO)

/* ...nor through file caps. With the effective bit, a file whose fP the
 * bounding set cannot cover is not run at all (bprm_caps_from_vfs_caps():
 * "insufficient to execute correctly"). */
EXEC_CASE(file_caps_exec_grants_control, .helper = "fcaps", .fcaps = "cap_chown,cap_net_raw+p",
	  .before = before_nobody, .euid = NOBODY, .prm = XY, .eff = ZERO)
EXEC_CASE(file_caps_exec_bounding_dropped, .helper = "fcaps", .fcaps = "cap_chown,cap_net_raw+p",
	  .before = before_drop_x_nobody, .prm = BR_CAP(Y), .lacks = BR_CAP(X))
EXEC_CASE(file_caps_exec_effective_control, .helper = "fcaps",
	  .fcaps = "cap_chown,cap_net_raw+ep", .before = before_nobody, .prm = XY, .eff = XY)
EXEC_CASE(file_caps_exec_effective_bounding_dropped, .helper = "fcaps",
	  .fcaps = "cap_chown,cap_net_raw+ep", .before = before_drop_x_nobody, .exec_errno = EPERM)
EXEC_CASE(file_caps_exec_nnp_blocks, .helper = "fcaps", .fcaps = "cap_chown,cap_net_raw+p",
	  .before = before_nnp_nobody, .prm = ZERO, .eff = ZERO)

/* Ambient caps survive a plain exec, and a setuid or file-caps exec clears them. */
EXEC_CASE(ambient_plain_exec_kept_control, .helper = "plain", .before = before_ambient_nobody,
	  .euid = NOBODY, .prm = BR_CAP(X), .eff = BR_CAP(X), .amb = BR_CAP(X))
EXEC_CASE(ambient_setuid_exec_cleared, .helper = "suid", .before = before_ambient_nobody,
	  .euid = ZERO, .amb = ZERO)
EXEC_CASE(ambient_setgid_exec_cleared, .helper = "sgid", .before = before_ambient_nobody,
	  .euid = NOBODY, .egid = ZERO, .amb = ZERO, .prm = ZERO)
EXEC_CASE(ambient_file_caps_exec_cleared, .helper = "fcaps", .fcaps = "cap_chown+p",
	  .before = before_ambient_nobody, .prm = BR_CAP(Y), .amb = ZERO)

/* Ambient rules need no other uid: a user namespace will do. */
static void own_caps(void)
{
	int ret = 0;

	if (!br_is_root() && (ret = br_ns_private(0)))
		br_require_userns();
	ASSERT_EQ(0, ret);
}

static void set_sets(br_capmask prm, br_capmask inh)
{
	struct br_caps want;

	ASSERT_EQ(0, br_caps_get(&want));
	want.eff = want.prm = prm;
	want.inh = inh;
	want.amb = 0;
	ASSERT_EQ(0, br_caps_set(&want));
}

TEST(ambient_raise_control)
{
	own_caps();
	set_sets(BR_CAP(X) | BR_CAP(CAP_SETPCAP), BR_CAP(X));
	ASSERT_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, X, 0, 0));
	EXPECT_EQ(1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, X, 0, 0));
}

TEST(ambient_raise_needs_inheritable)
{
	own_caps();
	set_sets(BR_CAP(X), 0);
	ASSERT_ERRNO(EPERM, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, X, 0, 0));
}

TEST(ambient_raise_needs_permitted)
{
	own_caps();
	set_sets(0, BR_CAP(X));
	ASSERT_ERRNO(EPERM, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, X, 0, 0));
}

TEST(ambient_raise_securebit_blocks)
{
	own_caps();
	set_sets(BR_CAP(X) | BR_CAP(CAP_SETPCAP), BR_CAP(X));
	ASSERT_EQ(0, br_caps_set_securebits(SECBIT_NO_CAP_AMBIENT_RAISE));
	ASSERT_ERRNO(EPERM, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, X, 0, 0));
}

/* Dropping a cap from permitted takes it out of ambient too. */
TEST(ambient_follows_permitted)
{
	own_caps();
	set_sets(BR_CAP(X), BR_CAP(X));
	ASSERT_OK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, X, 0, 0));
	set_sets(0, BR_CAP(X));
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, X, 0, 0));
}

/* ---- setuid from 0 to non-0 ---- */

static void expect_after_setuid(unsigned bits, bool prm_kept, bool eff_kept)
{
	struct br_caps before, after;

	need_uid(NOBODY);
	ASSERT_EQ(0, br_caps_get(&before));
	ASSERT_NE(0, before.prm);
	if (bits)
		ASSERT_EQ(0, br_caps_set_securebits(bits));
	ASSERT_OK(setresuid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, br_caps_get(&after));
	EXPECT_EQ(prm_kept ? before.prm : 0, after.prm);
	EXPECT_EQ(eff_kept ? before.eff : 0, after.eff);
	EXPECT_EQ(0, after.amb);
}

TEST(setuid_nonroot_clears_caps, .as = BR_ROOT)
{
	expect_after_setuid(0, false, false);
}

TEST(setuid_nonroot_keep_caps, .as = BR_ROOT)
{
	expect_after_setuid(SECBIT_KEEP_CAPS, true, false);
}

TEST(setuid_nonroot_no_setuid_fixup, .as = BR_ROOT)
{
	expect_after_setuid(SECBIT_NO_SETUID_FIXUP, true, true);
}

/* ---- securebits: the root rule at exec, and the locks ---- */

static void before_noroot(void *arg)
{
	if (br_caps_set_securebits(*(unsigned *)arg))
		_exit(125);
}

static void exec_as_root(unsigned bits, bool caps_expected)
{
	struct report r;

	if (br_is_root()) {
		workspace();
		helper_plain();
		r = run_helper("./plain", before_noroot, &bits);
	} else {
		own_caps();
		r = run_helper("/proc/self/exe", before_noroot, &bits);
	}
	ASSERT_TRUE(r.ok);
	EXPECT_EQ(0, r.euid);
	if (caps_expected)
		EXPECT_EQ(r.bnd, r.prm);
	else
		EXPECT_EQ(0, r.prm | r.eff);
}

TEST(root_exec_gets_caps_control)
{
	exec_as_root(0, true);
}

TEST(noroot_exec_gets_no_caps)
{
	exec_as_root(SECBIT_NOROOT, false);
}

FIXTURE(securebits) {
	int unused;
};

FIXTURE_VARIANT(securebits) {
	unsigned bit;
};

FIXTURE_VARIANT_ADD(securebits, noroot) {.bit = SECBIT_NOROOT};
FIXTURE_VARIANT_ADD(securebits, no_setuid_fixup) {.bit = SECBIT_NO_SETUID_FIXUP};
FIXTURE_VARIANT_ADD(securebits, keep_caps) {.bit = SECBIT_KEEP_CAPS};
FIXTURE_VARIANT_ADD(securebits, no_cap_ambient_raise) {.bit = SECBIT_NO_CAP_AMBIENT_RAISE};

FIXTURE_SETUP(securebits)
{
	own_caps();
	ASSERT_EQ(0, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

FIXTURE_TEARDOWN(securebits) {}

/* A locked bit cannot be cleared, and the lock cannot be removed. */
TEST_F(securebits, locked)
{
	unsigned locked = variant->bit | variant->bit << 1;

	ASSERT_EQ(0, br_caps_lock_securebits(variant->bit));
	ASSERT_EQ(locked, (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(0));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(variant->bit));
	EXPECT_EQ(-EPERM, br_caps_set_securebits(variant->bit << 1));
	EXPECT_EQ(locked, (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

TEST_F(securebits, unlocked_control)
{
	ASSERT_EQ(0, br_caps_set_securebits(variant->bit));
	ASSERT_EQ(variant->bit, (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	EXPECT_EQ(0, br_caps_set_securebits(0));
	EXPECT_EQ(0, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
}

/* ---- namespaced file caps (4.14+) ---- */

static int map_nsroot(pid_t child, void *arg)
{
	const struct br_idmap m = {0, NS_ROOTID, 1};
	int ret;

	(void)arg;
	ret = br_idmap_write(child, "uid_map", &m, 1);
	return ret ? ret : br_idmap_write(child, "gid_map", &m, 1);
}

static int write_v2_inside(void *arg)
{
	struct vfs_cap_data v = {.magic_etc = VFS_CAP_REVISION_2};
	char back[64];
	ssize_t n;

	(void)arg;
	v.data[0].permitted = 1u << X;
	if (setxattr("f", "security.capability", &v, XATTR_CAPS_SZ_2, 0))
		return 10;
	/* Inside, our own root's caps read back as plain v2. */
	n = getxattr("f", "security.capability", back, sizeof(back));
	return n == XATTR_CAPS_SZ_2 ? 0 : 11;
}

static void make_target(uid_t owner)
{
	int fd = open("f", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);

	ASSERT_LE(0, fd);
	ASSERT_OK(fchown(fd, owner, owner));
	close(fd);
}

TEST(nscaps_v3_from_userns, .as = BR_ROOT)
{
	struct vfs_ns_cap_data v;
	pid_t pid;
	ssize_t n;

	br_require_userns();
	need_uid(NS_ROOTID);
	workspace();
	make_target(NS_ROOTID);
	pid = br_idmap_spawn(0, map_nsroot, write_v2_inside, NULL, NULL);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
	n = getxattr("f", "security.capability", &v, sizeof(v));
	ASSERT_EQ(XATTR_CAPS_SZ_3, n);
	EXPECT_EQ(VFS_CAP_REVISION_3, v.magic_etc & VFS_CAP_REVISION_MASK);
	EXPECT_EQ(NS_ROOTID, v.rootid);
	EXPECT_EQ(1u << X, v.data[0].permitted);
}

TEST(nscaps_v2_from_init_ns_control, .as = BR_ROOT)
{
	struct vfs_ns_cap_data v;
	ssize_t n;

	need_uid(NS_ROOTID);
	workspace();
	make_target(NS_ROOTID);
	ASSERT_OK(cap_set_file("f", cap_from_text("cap_net_raw+p")));
	n = getxattr("f", "security.capability", &v, sizeof(v));
	ASSERT_EQ(XATTR_CAPS_SZ_2, n);
	EXPECT_EQ(VFS_CAP_REVISION_2, v.magic_etc & VFS_CAP_REVISION_MASK);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], REPORT_ARG))
		return report_main();
	return br_main(argc, argv, BR_SUITE "." BR_FILE);
}
