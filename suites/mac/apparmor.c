/*
 * suites/mac/apparmor: what the blastradius-deny profile denies (files,
 * exec, a capability, network families, unix sockets, mounts, ptrace and
 * signals), each beside the same operation run unconfined (the control,
 * which also runs on hosts without AppArmor) and, where the profile must
 * not be deny-all, an operation it allows; then how a task enters and keeps
 * a profile, AppArmor stacked with Landlock and seccomp, and the
 * unprivileged-userns knob. Loading policy is guest-only. One binary: each
 * static suite binary costs ~1 MB of the guest's 256 MiB, twice (the
 * initramfs and its unpacked copy).
 */
#include <linux/audit.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <time.h>

#include "aa.h"
#include "facts.h"
#include "landlock.h"
#include "profile.h"
#include "sandbox.h"
#include "seccomp.h"

#define GUEST .as = BR_ROOT, .guest_only = 1
#define CONTROL .as = BR_ROOT

struct files {
	char dir[256], noread[300], nowrite[300], open[300];
};

static void files(struct files *f)
{
	aa_scratch_file(f->dir, sizeof(f->dir), f->noread, sizeof(f->noread), "br-aa-noread", 0644);
	snprintf(f->nowrite, sizeof(f->nowrite), "%s/br-aa-nowrite", f->dir);
	snprintf(f->open, sizeof(f->open), "%s/br-aa-open", f->dir);
	ASSERT_EQ(0, br_make_file(f->nowrite, "blastradius\n", 0644));
	ASSERT_EQ(0, br_make_file(f->open, "blastradius\n", 0644));
}

#define OP(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- files ---- */

TEST(read_denied, GUEST)
{
	struct files f;

	aa_require();
	files(&f);
	AA_CONTROL(NULL, NULL, "read", f.noread);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("read", f.noread), NULL));
}

TEST(read_other_file_allowed, GUEST)
{
	struct files f;
	struct aa_res r;

	aa_require();
	files(&f);
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("read", f.open), &r));
	EXPECT_STREQ(aa_enforced(AA_DENY), r.text);
}

TEST(read_unconfined_control, CONTROL)
{
	struct files f;

	files(&f);
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("read", f.noread), NULL));
}

TEST(write_denied_read_allowed, GUEST)
{
	struct files f;

	aa_require();
	files(&f);
	AA_CONTROL(NULL, NULL, "write", f.nowrite);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("write", f.nowrite), NULL));
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("read", f.nowrite), NULL));
}

TEST(write_unconfined_control, CONTROL)
{
	struct files f;

	files(&f);
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("write", f.nowrite), NULL));
}

TEST(exec_denied, GUEST)
{
	struct files f;
	char exe[320];

	aa_require();
	files(&f);
	aa_bind_self(f.dir, "br-aa-noexec", exe, sizeof(exe));
	AA_CONTROL_HOW(AA_ONEXEC, NULL, NULL, "exec", exe);
	EXPECT_EQ(EACCES, aa_op_exec(AA_DENY, NULL, NULL, OP("exec", exe), NULL));
}

/* This binary under that name runs and reports in: the exec path works without AppArmor. */
TEST(exec_unconfined_control, CONTROL)
{
	struct files f;
	struct aa_res r[AA_MAX];
	char exe[320];

	files(&f);
	aa_bind_self(f.dir, "br-aa-noexec", exe, sizeof(exe));
	ASSERT_EQ(1, aa_run_how(AA_ONEXEC, NULL, NULL, NULL, OP("exec", exe), r));
	EXPECT_EQ(0, r[0].err);
}

/* ---- a capability root holds ---- */

/* chroot(2) needs CAP_SYS_CHROOT: still in the cred's effective set, refused
 * by the profile's "deny capability sys_chroot". */
TEST(capability_denied_to_root, GUEST)
{
	struct files f;
	struct aa_res r;

	aa_require();
	files(&f);
	AA_CONTROL(NULL, NULL, "chroot", f.dir);
	EXPECT_EQ(EPERM, aa_op(AA_DENY, NULL, NULL, OP("chroot", f.dir), &r));
	EXPECT_TRUE(!strncmp(r.text, "eff=1 ", 6));
	/* capget(2) answers through the profile: a fact of the kernel's AppArmor */
	br_fact("mac.apparmor.capget_shows_denied_cap", "%s", strstr(r.text, "capget=1") ? "yes" : "no");
}

TEST(capability_unconfined_control, CONTROL)
{
	struct files f;
	struct aa_res r;

	files(&f);
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("chroot", f.dir), &r));
	EXPECT_STREQ("eff=1 capget=1", r.text);
}

/* ---- network families ---- */

/* Arguments are text; the numbers are checked against the headers. */
_Static_assert(AF_UNIX == 1 && AF_INET == 2 && AF_INET6 == 10 && AF_NETLINK == 16, "AF_*");
_Static_assert(SOCK_STREAM == 1 && SOCK_DGRAM == 2 && SOCK_RAW == 3 && NETLINK_ROUTE == 0, "SOCK_*");
_Static_assert(SIGURG == 23, "SIGURG");
#define SIGURG_S "23"
#define INET OP("socket", "2", "1", "0")     /* AF_INET, SOCK_STREAM */
#define INET6 OP("socket", "10", "2", "0")   /* AF_INET6, SOCK_DGRAM */
#define NL_RAW OP("socket", "16", "3", "0")  /* AF_NETLINK, SOCK_RAW, NETLINK_ROUTE */
#define NL_DGRAM OP("socket", "16", "2", "0") /* AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE */
#define UNIX OP("socket", "1", "1", "0")     /* AF_UNIX, SOCK_STREAM */

static void net_case(const char *const *op)
{
	aa_require();
	if (aa_op(NULL, NULL, NULL, op, NULL))
		SKIP("unconfined control: socket(%s, %s) fails here", op[1], op[2]);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, op, NULL));
}

TEST(inet_denied, GUEST) { net_case(INET); }
TEST(inet6_denied, GUEST) { net_case(INET6); }
/* "deny network raw": SOCK_RAW in any family, here netlink's ... */
TEST(raw_denied, GUEST) { net_case(NL_RAW); }

/* ... while the same family's SOCK_DGRAM is allowed. */
TEST(network_other_allowed, GUEST)
{
	aa_require();
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, NL_DGRAM, NULL));
}

TEST(network_unconfined_control, CONTROL)
{
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, INET, NULL));
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, NL_RAW, NULL));
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, UNIX, NULL));
}

/* ---- unix sockets ---- */

struct listener {
	char dir[256], path[300];
	int fd;
};

static void listener(struct listener *l)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	ASSERT_EQ(0, br_scratch(0, l->dir, sizeof(l->dir)));
	snprintf(l->path, sizeof(l->path), "%s/sock", l->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", l->path);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(l->fd, 0);
	ASSERT_OK(bind(l->fd, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_OK(listen(l->fd, 8));
}

TEST(unix_create_denied, GUEST) { net_case(UNIX); }

struct connect_arg {
	const char *profile, *path;
};

/* The socket is made unconfined; change_profile applies at once (no exec, so
 * no revalidation of open fds): connect(2) itself meets the profile. */
static int connect_after_change(void *arg)
{
	struct connect_arg *c = arg;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0)
		return 200;
	if (c->profile && br_mac_aa_change_profile(c->profile))
		return 201;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->path);
	return connect(s, (struct sockaddr *)&sun, sizeof(sun)) ? errno : 0;
}

TEST(unix_connect_denied, GUEST)
{
	struct listener l;
	struct connect_arg c = {NULL, NULL};

	aa_require();
	listener(&l);
	c.path = l.path;
	if (br_child(connect_after_change, &c))
		SKIP("unconfined control: connect to our own listener fails");
	c.profile = AA_DENY;
	EXPECT_EQ(EACCES, br_child(connect_after_change, &c));
}

TEST(unix_connect_unconfined_control, CONTROL)
{
	struct listener l;

	listener(&l);
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("connect", l.path), NULL));
}

/* A unix socket made before the exec is revalidated against the new profile
 * at exec and replaced: the confined image cannot use it. */
static int keep_socket(void *arg)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0); /* inherited by the exec */

	(void)arg;
	return s < 0 ? -errno : (s == 7 ? 0 : (dup2(s, 7) < 0 ? -errno : 0));
}

TEST(unix_inherited_socket_revoked_at_exec, GUEST)
{
	struct listener l;
	int e;

	aa_require();
	listener(&l);
	AA_CONTROL_HOW(AA_ONEXEC, keep_socket, NULL, "connectfd", "7", l.path);
	e = aa_op_exec(AA_DENY, keep_socket, NULL, OP("connectfd", "7", l.path), NULL);
	TH_LOG("connect on the inherited fd under " AA_DENY ": %s", br_errname(e));
	EXPECT_NE(0, e);
}

TEST(unix_inherited_socket_unconfined_control, CONTROL)
{
	struct listener l;

	listener(&l);
	EXPECT_EQ(0, aa_op_exec(NULL, keep_socket, NULL, OP("connectfd", "7", l.path), NULL));
}

/* ---- mounts (all inside the case's own mount namespace) ---- */

struct mnt {
	char dir[256], m[300], u[300], p[300], old[320];
};

static void mnt(struct mnt *m)
{
	ASSERT_EQ(0, br_scratch(0, m->dir, sizeof(m->dir)));
	snprintf(m->m, sizeof(m->m), "%s/m", m->dir);
	snprintf(m->u, sizeof(m->u), "%s/u", m->dir);
	snprintf(m->p, sizeof(m->p), "%s/p", m->dir);
	snprintf(m->old, sizeof(m->old), "%s/old", m->p);
	ASSERT_OK(mkdir(m->m, 0755));
	ASSERT_OK(mkdir(m->u, 0755));
	ASSERT_OK(mkdir(m->p, 0755));
}

/* The pivot's setup, in the payload's child: a mount namespace of its own
 * with a fresh tmpfs to pivot into. */
static int pivot_setup(void *arg)
{
	struct mnt *m = arg;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("br-aa", m->p, "tmpfs", 0, "size=64k") || mkdir(m->old, 0755))
		return -errno;
	return 0;
}

TEST(mount_denied, GUEST)
{
	struct mnt m;

	aa_require();
	mnt(&m);
	AA_CONTROL(NULL, NULL, "mount", m.m);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("mount", m.m), NULL));
}

TEST(umount_denied, GUEST)
{
	struct mnt m;

	aa_require();
	mnt(&m);
	ASSERT_OK(mount("br-aa", m.u, "tmpfs", 0, "size=64k"));
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("umount", m.u), NULL));
	AA_CONTROL(NULL, NULL, "umount", m.u);
}

TEST(pivot_root_denied, GUEST)
{
	struct mnt m;

	aa_require();
	mnt(&m);
	AA_CONTROL(pivot_setup, &m, "pivot", m.p, m.old);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, pivot_setup, &m, OP("pivot", m.p, m.old), NULL));
}

TEST(mount_unconfined_control, CONTROL)
{
	struct mnt m;

	mnt(&m);
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("mount", m.m), NULL));
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("umount", m.m), NULL));
}

TEST(pivot_root_unconfined_control, CONTROL)
{
	struct mnt m;

	mnt(&m);
	EXPECT_EQ(0, aa_op(NULL, pivot_setup, &m, OP("pivot", m.p, m.old), NULL));
}

/* ---- ptrace and signals to an unconfined process ---- */

/* A parked child of the case: unconfined, and ptrace-able by root under Yama 0-2. */
static pid_t target(int *hold, char *pid, size_t size)
{
	pid_t t = br_parked(hold);

	ASSERT_GT(t, 0);
	snprintf(pid, size, "%d", (int)t);
	return t;
}

static void yama_allows_root(void)
{
	if (br_mac_yama_scope() == 3)
		SKIP("Yama ptrace_scope is 3: no attach at all, AppArmor's check is never reached");
}

TEST(ptrace_unconfined_denied, GUEST)
{
	char pid[16];
	int hold;

	aa_require();
	yama_allows_root();
	target(&hold, pid, sizeof(pid));
	AA_CONTROL(NULL, NULL, "ptrace", pid);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("ptrace", pid), NULL));
	close(hold);
}

TEST(ptrace_unconfined_control, CONTROL)
{
	char pid[16];
	int hold;

	yama_allows_root();
	target(&hold, pid, sizeof(pid));
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("ptrace", pid), NULL));
	close(hold);
}

/* SIGURG: ignored by default, so the target is unchanged either way. */
TEST(signal_unconfined_denied, GUEST)
{
	char pid[16];
	int hold;

	aa_require();
	target(&hold, pid, sizeof(pid));
	AA_CONTROL(NULL, NULL, "kill", pid, SIGURG_S);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("kill", pid, SIGURG_S), NULL));
	close(hold);
}

/* The profile still lets the payload signal its own label (itself). */
TEST(signal_own_label_allowed, GUEST)
{
	aa_require();
	EXPECT_EQ(0, aa_op(AA_DENY, NULL, NULL, OP("killself"), NULL));
}

TEST(signal_unconfined_control, CONTROL)
{
	char pid[16];
	int hold;

	target(&hold, pid, sizeof(pid));
	EXPECT_EQ(0, aa_op(NULL, NULL, NULL, OP("kill", pid, SIGURG_S), NULL));
	close(hold);
}

/* ---- entering and keeping a profile ----
 *
 * how a task enters and keeps an AppArmor profile: change_onexec applies at
 * the exec and not before, an unknown profile never leaves the task running
 * unconfined, the profile is kept across exec and fork, a profile's exec rule
 * moves the task to another one (and that one enforces), complain mode allows
 * and logs (a fact), and lib/facts reports the label and mode from inside.
 * Guest-only where policy is loaded; the unconfined controls run everywhere.
 */

TEST(onexec_label_after_exec, GUEST)
{
	struct aa_res r;

	aa_require();
	EXPECT_EQ(0, aa_op_exec(AA_DENY, NULL, NULL, OP("label"), &r));
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

	EXPECT_EQ(0, aa_op_exec(NULL, NULL, NULL, OP("label"), &r));
	if (!br_mac_aa_active(&why))
		EXPECT_STREQ("unconfined", r.text);
}

/* This binary under another name, run from inside the profile (its "ix" rule). */
TEST(inherited_across_exec, GUEST)
{
	char dir[256], exe[320];
	struct aa_res r;

	aa_require();
	ASSERT_EQ(0, br_scratch(0, dir, sizeof(dir)));
	aa_bind_self(dir, "br-aa-same", exe, sizeof(exe));
	EXPECT_EQ(0, aa_op_exec(AA_DENY, NULL, NULL, OP("exec", exe), &r));
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
	aa_bind_self(t->dir, "br-aa-child", t->child, sizeof(t->child));
	aa_bind_self(t->dir, "br-aa-same", t->same, sizeof(t->same));
}

/* blastradius-parent's "br-aa-child* Px -> blastradius-child". */
TEST(transition_on_exec, GUEST)
{
	struct tree t;
	struct aa_res r;

	aa_require();
	tree(&t);
	EXPECT_EQ(0, aa_op_exec(AA_PARENT, NULL, NULL, OP("exec", t.child), &r));
	EXPECT_STREQ(aa_enforced(AA_CHILD), r.text);
}

/* The control: another name under the same profile stays in it ("ix"). */
TEST(transition_other_exec_stays, GUEST)
{
	struct tree t;
	struct aa_res r;

	aa_require();
	tree(&t);
	EXPECT_EQ(0, aa_op_exec(AA_PARENT, NULL, NULL, OP("exec", t.same), &r));
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
	EXPECT_EQ(EACCES, aa_op_exec(AA_PARENT, NULL, NULL, OP("exec", t.child, "read", t.noread), NULL));
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

/* The length of audit's queue (AUDIT_GET's backlog): 0 once kauditd has
 * taken every record queued so far, printed or dropped; -errno when audit
 * cannot be asked. */
static int audit_backlog(void)
{
	struct nlmsghdr req = {.nlmsg_len = NLMSG_LENGTH(0), .nlmsg_type = AUDIT_GET,
			       .nlmsg_flags = NLM_F_REQUEST};
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r = -EPROTO;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		r = -errno;
	else if ((n = recv(fd, buf, sizeof(buf), 0)) < 0)
		r = -errno;
	else
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == AUDIT_GET &&
			    h->nlmsg_len >= NLMSG_LENGTH(offsetof(struct audit_status, backlog) + 4)) {
				r = (int)((struct audit_status *)NLMSG_DATA(h))->backlog;
				break;
			}
	close(fd);
	return r;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* /dev/kmsg past its last record, opened before the call whose record is
 * wanted: a full cell's log holds thousands of records. fd or -errno. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd < 0 ? -errno : fd;
}

/* Does a kernel log record read from fd (kmsg_open; closed here) hold both
 * a and b? Records as they come (audit reaches printk through the kauditd
 * thread, after the call returned) until audit's queue has stayed empty for
 * 20 ms (kauditd took the record: printed, or dropped by printk's rate
 * limit), at most timeout_ms: 1, 0, or -errno. */
static int kmsg_has(int fd, const char *a, const char *b, int timeout_ms)
{
	char rec[2048];
	int found = 0;
	long end = now_ms() + timeout_ms, empty = 0;
	struct pollfd pfd;
	ssize_t n;

	if (fd < 0)
		return fd;
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten; read on */
		if (n < 0 && errno == EAGAIN) {
			long t = now_ms();

			if (t >= end)
				break;
			if (audit_backlog() != 0)
				empty = 0;
			else if (!empty)
				empty = t;
			else if (t - empty >= 20)
				break;
			if (poll(&pfd, 1, end - t < 5 ? (int)(end - t) : 5) < 0)
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
	int e, logged, kmsg;

	aa_require();
	snprintf(name, sizeof(name), "br-aa-complain-%d", (int)getpid());
	aa_scratch_file(dir, sizeof(dir), path, sizeof(path), name, 0644);
	kmsg = kmsg_open();
	e = aa_op(AA_COMPLAIN, NULL, NULL, OP("read", path), &r);
	EXPECT_STREQ(AA_COMPLAIN " (complain)", r.text);
	br_fact("mac.apparmor.complain.read", "%s", e ? br_errname(e) : "allowed");
	logged = kmsg_has(kmsg, "apparmor=\"ALLOWED\"", name, 500);
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

/* ---- stacking with Landlock and seccomp ----
 *
 * AppArmor stacked with Landlock and seccomp on one crossing, PTRACE_SEIZE of
 * an unconfined process outside the Landlock domain. Each layer alone answers
 * with its own errno (seccomp: the filter's EXDEV, Landlock: EPERM, AppArmor:
 * EACCES); together, seccomp answers first (it runs at syscall entry, before
 * any LSM hook), and of the two LSMs the one earlier in the LSM list
 * (/sys/kernel/security/lsm, lsm=) answers: the kernel calls the hooks in
 * that order and stops at the first denial. The order is also a fact.
 */

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

struct seize_target {
	char pid[16];
	int hold;
};

static void stack_need(int which, struct seize_target *t)
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
static int seize(const char *profile, int which, struct seize_target *t)
{
	return aa_op(profile, which ? layers : NULL, &which, OP("ptrace", t->pid), NULL);
}

TEST(stack_no_layer_control, CONTROL)
{
	struct seize_target t;

	stack_need(0, &t);
	EXPECT_EQ(0, seize(NULL, 0, &t));
}

TEST(stack_apparmor_alone_eacces, GUEST)
{
	struct seize_target t;

	aa_require();
	stack_need(0, &t);
	EXPECT_EQ(EACCES, seize(AA_DENY, 0, &t));
}

TEST(stack_landlock_alone_eperm, CONTROL)
{
	struct seize_target t;

	stack_need(L_LANDLOCK, &t);
	EXPECT_EQ(EPERM, seize(NULL, L_LANDLOCK, &t));
}

TEST(stack_seccomp_alone_errno, CONTROL)
{
	struct seize_target t;

	stack_need(0, &t);
	EXPECT_EQ(SECCOMP_ERRNO, seize(NULL, L_SECCOMP, &t));
}

TEST(stack_seccomp_before_apparmor, GUEST)
{
	struct seize_target t;

	aa_require();
	stack_need(0, &t);
	EXPECT_EQ(SECCOMP_ERRNO, seize(AA_DENY, L_SECCOMP, &t));
}

TEST(stack_all_three_seccomp_first, GUEST)
{
	struct seize_target t;

	aa_require();
	stack_need(L_LANDLOCK, &t);
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

TEST(stack_landlock_apparmor_lsm_order, GUEST)
{
	char list[1024];
	struct seize_target t;
	int e, ll, aa;

	aa_require();
	stack_need(L_LANDLOCK, &t);
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

/* ---- the unprivileged-userns restriction ----
 *
 * kernel.apparmor_restrict_unprivileged_userns, where the kernel has it
 * (Ubuntu's AppArmor; Debian's kernels so far do not): with it on,
 * unshare(CLONE_NEWUSER) by an unconfined unprivileged process is refused;
 * with it off the same call works (the control). The knob is global, so
 * guest-only; each case puts back the value it found.
 */

#define KNOB "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

/* The payload's child: uid/gid 65534 with no capabilities, still unconfined. */
static int nobody(void *arg)
{
	(void)arg;
	return br_drop_to_nobody();
}

/* The knob's value, or SKIP when this kernel has no such knob. */
static int knob(void)
{
	char v[16];
	const char *why;

	if (br_mac_aa_active(&why))
		SKIP("%s", why);
	if (br_read_file(KNOB, v, sizeof(v)) < 0)
		SKIP("this kernel has no kernel.apparmor_restrict_unprivileged_userns");
	return atoi(v);
}

/* Run unshare(CLONE_NEWUSER) as nobody with the knob at value; put it back. */
static int unshare_with(int value)
{
	int was = knob(), e;

	ASSERT_EQ(0, br_write_file(KNOB, value ? "1" : "0"));
	e = aa_op(NULL, nobody, NULL, OP("unshare-user"), NULL);
	ASSERT_EQ(0, br_write_file(KNOB, was ? "1" : "0"));
	return e;
}

TEST(userns_allowed_with_knob_off, GUEST)
{
	EXPECT_EQ(0, unshare_with(0));
}

TEST(userns_refused_with_knob_on, GUEST)
{
	int e;

	if (unshare_with(0))
		SKIP("control: unshare(CLONE_NEWUSER) as nobody fails with the knob off too");
	e = unshare_with(1);
	TH_LOG("with the knob on: %s", br_errname(e));
	EXPECT_TRUE(e == EPERM || e == EACCES);
}

AA_HARNESS_MAIN
