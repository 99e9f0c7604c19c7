/*
 * suites/mac/apparmor: what the blastradius-deny profile denies (files,
 * exec, a capability, network families, unix sockets, mounts, ptrace and
 * signals), each beside the same operation run unconfined (the control,
 * which also runs on hosts without AppArmor) and, where the profile must
 * not be deny-all, an operation it allows. Loading policy is guest-only.
 */
#include <linux/netlink.h>

#include "aa.h"

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
	aa_copy_self(f.dir, "br-aa-noexec", exe, sizeof(exe));
	AA_CONTROL(NULL, NULL, "exec", exe);
	EXPECT_EQ(EACCES, aa_op(AA_DENY, NULL, NULL, OP("exec", exe), NULL));
}

/* The copy runs and reports in: the exec path works without AppArmor. */
TEST(exec_unconfined_control, CONTROL)
{
	struct files f;
	struct aa_res r[AA_MAX];
	char exe[320];

	files(&f);
	aa_copy_self(f.dir, "br-aa-noexec", exe, sizeof(exe));
	ASSERT_EQ(1, aa_run(NULL, NULL, NULL, OP("exec", exe), r));
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
	AA_CONTROL(keep_socket, NULL, "connectfd", "7", l.path);
	e = aa_op(AA_DENY, keep_socket, NULL, OP("connectfd", "7", l.path), NULL);
	TH_LOG("connect on the inherited fd under " AA_DENY ": %s", br_errname(e));
	EXPECT_NE(0, e);
}

TEST(unix_inherited_socket_unconfined_control, CONTROL)
{
	struct listener l;

	listener(&l);
	EXPECT_EQ(0, aa_op(NULL, keep_socket, NULL, OP("connectfd", "7", l.path), NULL));
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

AA_HARNESS_MAIN
