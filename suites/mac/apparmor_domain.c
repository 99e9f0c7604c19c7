/*
 * suites/mac/apparmor_domain: how a task enters and keeps an AppArmor
 * profile: change_onexec applies at the exec and not before, an unknown
 * profile never leaves the task running unconfined, the profile is kept
 * across exec and fork, a profile's exec rule moves the task to another
 * one (and that one enforces), complain mode allows and logs (a fact), and
 * lib/facts reports the label and mode from inside. Guest-only where policy
 * is loaded; the unconfined controls run everywhere.
 */
#include <poll.h>

#include "aa.h"
#include "profile.h"
#include "sandbox.h"

#define GUEST .as = BR_ROOT, .guest_only = 1
#define CONTROL .as = BR_ROOT
#define OP(...) ((const char *const[]){__VA_ARGS__, NULL})

TEST(onexec_label_after_exec, GUEST)
{
	struct aa_res r;

	aa_require();
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("label"), &r));
	EXPECT_STREQ(aa_enforced(AA_DENY), r.text);
}

/* After the write the task is still unconfined: the profile waits for exec. */
static int onexec_then_label(void *arg)
{
	char label[256];

	(void)arg;
	if (br_mac_aa_change_onexec(AA_DENY))
		return 2;
	if (br_mac_label("apparmor", 0, label, sizeof(label)))
		return 3;
	return strcmp(label, "unconfined") ? 1 : 0;
}

TEST(onexec_not_before_exec, GUEST)
{
	aa_require();
	EXPECT_EQ(0, br_child(onexec_then_label, NULL));
}

/* change_onexec to a profile that is not loaded: either the write is refused
 * or the exec fails; the payload never runs, confined or not. */
TEST(onexec_unknown_profile_fails_closed, GUEST)
{
	char buf[256] = "";
	int p[2], r;
	pid_t pid;

	aa_require();
	ASSERT_EQ(0, br_mac_aa_loaded("blastradius-not-loaded"));
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char fds[16], *argv[] = {"/proc/self/exe", AA_OP, fds, "label", NULL};
		int w = dup(p[1]);

		snprintf(fds, sizeof(fds), "%d", w);
		if ((r = br_mac_aa_change_onexec("blastradius-not-loaded")))
			_exit(10);
		execv("/proc/self/exe", argv);
		_exit(11);
	}
	close(p[1]);
	r = (int)read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (r > 0)
		TH_LOG("the payload ran: \"%.*s\"", r, buf);
	EXPECT_LE(r, 0);
	r = br_wait(pid);
	TH_LOG("%s", r == 10 ? "the change_onexec write was refused" : "the exec failed");
	EXPECT_TRUE(r == 10 || r == 11);
}

TEST(label_unconfined_control, CONTROL)
{
	struct aa_res r;
	const char *why;

	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("label"), &r));
	if (!br_mac_aa_active(&why))
		EXPECT_STREQ("unconfined", r.text);
}

/* A copy of this binary run from inside the profile (its "ix" rule). */
TEST(inherited_across_exec, GUEST)
{
	char dir[256], exe[320];
	struct aa_res r;

	aa_require();
	ASSERT_EQ(0, br_scratch(0, dir, sizeof(dir)));
	aa_copy_self(dir, "br-aa-same", exe, sizeof(exe));
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("exec", exe), &r));
	EXPECT_STREQ(aa_enforced(AA_DENY), r.text);
}

TEST(inherited_across_fork, GUEST)
{
	struct aa_res r[AA_MAX];

	aa_require();
	ASSERT_EQ(2, aa_run(AA_DENY, NULL, NULL, OP("fork"), r));
	EXPECT_EQ(0, r[0].err);
	EXPECT_STREQ(aa_enforced(AA_DENY), r[0].text); /* the child */
	EXPECT_EQ(0, r[1].err);
	EXPECT_STREQ(aa_enforced(AA_DENY), r[1].text);
}

TEST(inherited_unconfined_control, CONTROL)
{
	struct aa_res r[AA_MAX];

	ASSERT_EQ(2, aa_run(NULL, NULL, NULL, OP("fork"), r));
	EXPECT_EQ(0, r[0].err);
	EXPECT_STREQ(r[1].text, r[0].text);
}

struct tree {
	char dir[256], child[320], same[320], noread[300];
};

static void tree(struct tree *t)
{
	aa_scratch_file(t->dir, sizeof(t->dir), t->noread, sizeof(t->noread), "br-aa-noread", 0644);
	aa_copy_self(t->dir, "br-aa-child", t->child, sizeof(t->child));
	aa_copy_self(t->dir, "br-aa-same", t->same, sizeof(t->same));
}

/* blastradius-parent's "br-aa-child* Px -> blastradius-child". */
TEST(transition_on_exec, GUEST)
{
	struct tree t;
	struct aa_res r;

	aa_require();
	tree(&t);
	EXPECT_EQ(0, aa_op(AA_PARENT, NULL, NULL, OP("exec", t.child), &r));
	EXPECT_STREQ(aa_enforced(AA_CHILD), r.text);
}

/* The control: another name under the same profile stays in it ("ix"). */
TEST(transition_other_exec_stays, GUEST)
{
	struct tree t;
	struct aa_res r;

	aa_require();
	tree(&t);
	EXPECT_EQ(0, aa_op(AA_PARENT, NULL, NULL, OP("exec", t.same), &r));
	EXPECT_STREQ(aa_enforced(AA_PARENT), r.text);
}

/* The parent may read br-aa-noread; after the transition the child may not. */
TEST(transition_target_enforces, GUEST)
{
	struct tree t;

	aa_require();
	tree(&t);
	if (aa_op(AA_PARENT, NULL, NULL, OP("read", t.noread), NULL))
		SKIP("control: " AA_PARENT " cannot read the file either");
	EXPECT_EQ(EACCES, aa_op(AA_PARENT, NULL, NULL, OP("exec", t.child, "read", t.noread), NULL));
}

/* A confined label that allows everything denies nothing: the denials of
 * blastradius-deny are its rules, not the transition. */
TEST(allow_profile_denies_nothing, GUEST)
{
	char dir[256], path[300];
	struct aa_res r;

	aa_require();
	aa_scratch_file(dir, sizeof(dir), path, sizeof(path), "br-aa-noread", 0644);
	EXPECT_EQ(0, aa_op(AA_ALLOW, NULL, NULL, OP("read", path), &r));
	EXPECT_STREQ(aa_enforced(AA_ALLOW), r.text);
	EXPECT_EQ(0, aa_op(AA_ALLOW, NULL, NULL, OP("socket", "2", "1", "0"), NULL));
	EXPECT_EQ(0, aa_op(AA_ALLOW, NULL, NULL, OP("chroot", dir), NULL));
}

/* Does a kernel log record hold both a and b? /dev/kmsg from the start, then
 * new records as they come (audit reaches printk through the kauditd thread,
 * after the call returned), up to timeout_ms: 1, 0, or -errno. */
static int kmsg_has(const char *a, const char *b, int timeout_ms)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = 0;
	struct pollfd pfd;
	ssize_t n;

	if (fd < 0)
		return -errno;
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten; read on */
		if (n < 0 && errno == EAGAIN) {
			if (poll(&pfd, 1, timeout_ms) <= 0)
				break;
			continue;
		}
		if (n <= 0)
			break;
		rec[n] = 0;
		found = strstr(rec, a) && strstr(rec, b);
	}
	close(fd);
	return found;
}

/* Complain mode is a fact: the read a profile without file rules would deny
 * goes through, and the kernel says so in its log (audit to printk when no
 * audit daemon listens, rate-limited). The verdict: the label says complain. */
TEST(complain_allows_and_logs, GUEST)
{
	char dir[256], path[300], name[64];
	struct aa_res r;
	int e, logged;

	aa_require();
	snprintf(name, sizeof(name), "br-aa-complain-%d", (int)getpid());
	aa_scratch_file(dir, sizeof(dir), path, sizeof(path), name, 0644);
	e = aa_op(AA_COMPLAIN, NULL, NULL, OP("read", path), &r);
	EXPECT_STREQ(AA_COMPLAIN " (complain)", r.text);
	br_fact("mac.apparmor.complain.read", "%s", e ? br_errname(e) : "allowed");
	logged = kmsg_has("apparmor=\"ALLOWED\"", name, 500);
	br_fact("mac.apparmor.complain.logged", "%s",
		logged > 0 ? "yes" : logged == 0 ? "no" : br_errname(-logged));
}

/* lib/facts inside the profile: what assess and the probe report. */
TEST(facts_report_profile_and_mode, GUEST)
{
	struct aa_res r;
	char want[160];

	aa_require();
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("facts"), &r));
	snprintf(want, sizeof(want), "enforce|%s", aa_enforced(AA_DENY));
	EXPECT_STREQ(want, r.text);
}

TEST(facts_unconfined_control, CONTROL)
{
	struct aa_res r;
	const char *why;

	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("facts"), &r));
	EXPECT_STREQ(br_mac_aa_active(&why) ? "-|-" : "unconfined|unconfined", r.text);
}

/* ---- the sandbox layer: `apparmor = PROFILE` in a blastradius sandbox profile ---- */

static void sandbox(const char *text, struct br_sandbox *sb)
{
	char err[256];

	if (br_profile_parse(text, "case", sb, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, br_profile_parse(text, "case", sb, err, sizeof(err)));
}

/* The payload exec'd by the sandbox (change_onexec at its step). */
static int sandbox_exec(const struct br_sandbox *sb, const char *op, const char *arg,
			struct aa_res *r)
{
	char fds[16], buf[512] = "", *argv[] = {"/proc/self/exe", AA_OP, fds, (char *)op, (char *)arg, NULL};
	struct br_sb_child c;
	int p[2], w, n;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	w = dup(p[1]); /* inherited by the sandbox's payload */
	ASSERT_GE(w, 0);
	snprintf(fds, sizeof(fds), "%d", w);
	ASSERT_EQ(0, br_sandbox_exec(sb, argv, &c));
	close(w);
	close(p[1]);
	n = (int)read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	EXPECT_EQ(0, br_sandbox_wait(&c));
	ASSERT_GT(n, 0);
	r->text[0] = 0;
	ASSERT_GE(sscanf(buf, "%d %255[^\n]", &r->err, r->text), 1);
	return r->err;
}

TEST(sandbox_layer_enters_profile, GUEST)
{
	char dir[256], path[300];
	struct br_sandbox sb;
	struct aa_res r;

	aa_require();
	sandbox("apparmor = " AA_DENY "\n", &sb);
	aa_scratch_file(dir, sizeof(dir), path, sizeof(path), "br-aa-noread", 0644);
	EXPECT_EQ(0, sandbox_exec(&sb, "label", NULL, &r));
	EXPECT_STREQ(aa_enforced(AA_DENY), r.text);
	EXPECT_EQ(EACCES, sandbox_exec(&sb, "read", path, &r));
}

static int label_is_deny(void *arg)
{
	char label[256];

	(void)arg;
	return br_mac_label("apparmor", 0, label, sizeof(label)) ? 2
	       : strcmp(label, aa_enforced(AA_DENY)) ? 1 : 0;
}

/* A function payload has no exec: the layer changes profile at once. */
TEST(sandbox_layer_function_payload, GUEST)
{
	struct br_sandbox sb;
	enum br_sb_step failed = BR_SB_OK;

	aa_require();
	sandbox("apparmor = " AA_DENY "\n", &sb);
	EXPECT_EQ(0, br_sandbox_run(&sb, label_is_deny, NULL, &failed));
}

static int ran(void *arg)
{
	(void)arg;
	return 42;
}

/* Fail closed, here or in a guest: a profile that is not loaded (or no
 * AppArmor at all) stops the sandbox at its apparmor step. */
TEST(sandbox_layer_unloaded_fails_closed, CONTROL)
{
	struct br_sandbox sb;
	enum br_sb_step failed = BR_SB_OK;
	int r;

	sandbox("apparmor = blastradius-not-loaded\n", &sb);
	r = br_sandbox_run(&sb, ran, NULL, &failed);
	EXPECT_LT(r, 0);
	EXPECT_STREQ("apparmor", br_sb_step_name(failed));
}

AA_HARNESS_MAIN
