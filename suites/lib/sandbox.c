/*
 * lib/sandbox: each layer is seen from inside the payload, and a layer that
 * cannot be applied stops the payload from ever running (fail closed).
 * Payloads answer with their exit status: 0 when what they check holds.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "ns.h"
#include "proc.h"
#include "sandbox.h"
#include "scratch.h"

/* A sandbox with just a user namespace: works unprivileged and as root. */
static void base(struct br_sandbox *sb)
{
	br_sandbox_init(sb);
	sb->userns = true;
}

/* base() plus a tmpfs root holding one read-only bind. */
static void tmpfs_root(struct br_sandbox *sb, const char *bind)
{
	base(sb);
	sb->ns = CLONE_NEWNS;
	sb->tmpfs_root = true;
	strcpy(sb->binds[sb->nbinds++].src, bind);
}

/* Run fn in sb; SKIP when it needs a user namespace and none can be made. */
static int run(const struct br_sandbox *sb, int (*fn)(void *), void *arg)
{
	enum br_sb_step step;
	int st;

	if (sb->userns)
		br_require_userns();
	st = br_sandbox_run(sb, fn, arg, &step);
	if (st < 0)
		TH_LOG("sandbox failed at step %s: %s", br_sb_step_name(step), br_errname(-st));
	return st;
}

static int is_root_inside(void *arg)
{
	(void)arg;
	return geteuid() == 0 && getegid() == 0 ? 0 : 1;
}

TEST(userns_maps_caller_to_root)
{
	struct br_sandbox sb;

	base(&sb);
	ASSERT_EQ(0, run(&sb, is_root_inside, NULL));
}

/* Control: without a user namespace, an unprivileged payload is not root. */
TEST(no_userns_control, .as = BR_UNPRIV)
{
	struct br_sandbox sb;

	br_sandbox_init(&sb);
	ASSERT_EQ(1, run(&sb, is_root_inside, NULL));
}

static int net_differs(void *ref)
{
	return br_ns_is(0, "net", ref) == 0 ? 0 : 1;
}

TEST(namespaces_are_new)
{
	struct br_sandbox sb;
	struct br_ns_id mine;

	ASSERT_EQ(0, br_ns_id(0, "net", &mine));
	base(&sb);
	ASSERT_EQ(1, run(&sb, net_differs, &mine)); /* control: shared */
	sb.ns = CLONE_NEWNET;
	ASSERT_EQ(0, run(&sb, net_differs, &mine));
}

/* "/" holds exactly the one bind, read-only. */
static int sees_only_binds(void *arg)
{
	DIR *d = opendir("/");
	struct dirent *e;
	int n = 0;

	(void)arg;
	if (!d)
		return 10;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	if (n != 1 || access("/data/file", F_OK))
		return 1;
	return mkdir("/data/br-sandbox-test", 0700) == 0 || errno != EROFS ? 2 : 0;
}

/* The bound directory is one the case made on its own tmpfs: were the bind
 * not read-only, the mkdir would land there, never in the host's tree. */
TEST(tmpfs_root_holds_only_binds)
{
	struct br_sandbox sb;
	char dir[64], path[128];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret == -EPERM || ret == -ENOSPC)
		br_require_userns();
	ASSERT_EQ(0, ret);
	snprintf(path, sizeof(path), "%s/data", dir);
	ASSERT_OK(mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/data/file", dir);
	ASSERT_EQ(0, br_make_file(path, "", 0644));
	snprintf(path, sizeof(path), "%s/data", dir);
	tmpfs_root(&sb, path);
	strcpy(sb.binds[0].dst, "/data");
	ASSERT_EQ(0, run(&sb, sees_only_binds, NULL));
	snprintf(path, sizeof(path), "%s/data/br-sandbox-test", dir);
	ASSERT_ERRNO(ENOENT, access(path, F_OK));
}

/* In a new pid namespace with its own /proc the payload is pid 1 and the
 * only process listed. */
static int alone_in_proc(void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pids = 0;

	(void)arg;
	if (!d)
		return 10;
	while ((e = readdir(d)))
		pids += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return getpid() == 1 && pids == 1 ? 0 : 1;
}

TEST(pid_ns_with_fresh_proc)
{
	struct br_sandbox sb;

	base(&sb);
	sb.ns = CLONE_NEWNS | CLONE_NEWPID;
	sb.proc = true;
	ASSERT_EQ(0, run(&sb, alone_in_proc, NULL));
}

static int proc_has_hidepid(void *arg)
{
	char buf[8192];

	(void)arg;
	if (br_read_file("/proc/self/mountinfo", buf, sizeof(buf)) < 0)
		return 10;
	return strstr(buf, "hidepid=invisible") || strstr(buf, "hidepid=2") ? 0 : 1;
}

TEST(proc_hidepid_option)
{
	struct br_sandbox sb;

	base(&sb);
	sb.ns = CLONE_NEWNS | CLONE_NEWPID;
	sb.proc = true;
	sb.hidepid = 2;
	ASSERT_EQ(0, run(&sb, proc_has_hidepid, NULL));
}

static int hostname_is(void *want)
{
	char name[65];

	return !gethostname(name, sizeof(name)) && !strcmp(name, want) ? 0 : 1;
}

TEST(hostname_in_uts_ns)
{
	struct br_sandbox sb;

	base(&sb);
	sb.ns = CLONE_NEWUTS;
	strcpy(sb.hostname, "br-sandbox");
	ASSERT_EQ(0, run(&sb, hostname_is, "br-sandbox"));
}

static int own_session(void *arg)
{
	(void)arg;
	return getsid(0) == getpid() ? 0 : 1;
}

TEST(new_session)
{
	struct br_sandbox sb;

	base(&sb);
	ASSERT_EQ(1, run(&sb, own_session, NULL)); /* control */
	sb.new_session = true;
	ASSERT_EQ(0, run(&sb, own_session, NULL));
}

static int caps_and_nnp(void *arg)
{
	struct br_caps c;

	(void)arg;
	if (br_caps_get(&c))
		return 10;
	return (c.eff || c.prm || c.bnd ? 1 : 0) | (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2);
}

TEST(caps_dropped_and_nnp)
{
	struct br_sandbox sb;

	base(&sb);
	ASSERT_EQ(3, run(&sb, caps_and_nnp, NULL)); /* control: all caps in the userns */
	sb.caps = 0;
	sb.nnp = true;
	ASSERT_EQ(0, run(&sb, caps_and_nnp, NULL));
}

static int read_etc(void *arg)
{
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

	(void)arg;
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EACCES ? 1 : 2;
}

TEST(landlock_denies_unlisted)
{
	struct br_sandbox sb;

	if (access("/etc/hostname", R_OK))
		SKIP("no readable /etc/hostname to probe with");
	base(&sb);
	sb.nnp = true;
	sb.landlock = BR_SB_LANDLOCK_REQUIRED;
	sb.ll_handle.fs = LANDLOCK_ACCESS_FS_READ_FILE;
	if (br_landlock_abi() <= 0)
		SKIP("%s", br_landlock_missing(1));
	ASSERT_EQ(1, run(&sb, read_etc, NULL));
	strcpy(sb.ll_rules[0].path, "/etc");
	sb.ll_rules[sb.nll_rules++].fs = LANDLOCK_ACCESS_FS_READ_FILE;
	ASSERT_EQ(0, run(&sb, read_etc, NULL)); /* control: allowed by a rule */
}

static int ran(void *marker)
{
	return write(*(int *)marker, "x", 1) == 1 ? 0 : 1;
}

/* The payload must never run when a layer fails. */
static void expect_fail_closed(const struct br_sandbox *sb, enum br_sb_step step, int err)
{
	struct br_sb_child c;
	int p[2];
	char x;

	if (sb->userns)
		br_require_userns();
	ASSERT_OK(pipe2(p, O_CLOEXEC | O_NONBLOCK));
	ASSERT_EQ(-err, br_sandbox_spawn(sb, ran, &p[1], &c));
	EXPECT_STREQ(br_sb_step_name(step), br_sb_step_name(c.failed));
	close(p[1]);
	ASSERT_EQ(0, read(p[0], &x, 1)); /* EOF: nothing written */
}

TEST(landlock_required_rights_missing_fails_closed)
{
	struct br_sandbox sb;

	base(&sb);
	sb.nnp = true;
	sb.landlock = BR_SB_LANDLOCK_REQUIRED;
	sb.ll_handle.fs = LANDLOCK_ACCESS_FS_TRUNCATE; /* ABI 3 */
	br_landlock_force_abi(2);
	expect_fail_closed(&sb, BR_SB_STEP_LANDLOCK, EOPNOTSUPP);
	/* best-effort goes on without it */
	sb.landlock = BR_SB_LANDLOCK_BEST_EFFORT;
	br_landlock_force_abi(-ENOSYS);
	ASSERT_EQ(0, run(&sb, is_root_inside, NULL));
}

/* The preview names what best-effort leaves allowed, without a syscall. */
TEST(landlock_preview_reports_dropped_rights)
{
	struct br_landlock_report r;
	struct br_sandbox sb;

	base(&sb);
	EXPECT_TRUE(br_sandbox_landlock_preview(&sb, &r)); /* Landlock off */
	sb.landlock = BR_SB_LANDLOCK_BEST_EFFORT;
	sb.ll_handle.fs = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
	br_landlock_force_abi(2);
	EXPECT_FALSE(br_sandbox_landlock_preview(&sb, &r));
	EXPECT_EQ(LANDLOCK_ACCESS_FS_TRUNCATE, r.dropped.fs);
	br_landlock_force_abi(3);
	EXPECT_TRUE(br_sandbox_landlock_preview(&sb, &r));
	EXPECT_EQ(0, r.dropped.fs);
}

TEST(bad_bind_fails_closed)
{
	struct br_sandbox sb;

	tmpfs_root(&sb, "/nonexistent-br-bind");
	expect_fail_closed(&sb, BR_SB_STEP_MOUNTS, ENOENT);
}

/* Unprivileged without a user namespace, keeping a cap we do not hold. */
TEST(caps_not_held_fails_closed, .as = BR_UNPRIV)
{
	struct br_sandbox sb;

	br_sandbox_init(&sb);
	sb.caps = BR_CAP(CAP_SYS_ADMIN);
	expect_fail_closed(&sb, BR_SB_STEP_CAPS, EPERM);
}

TEST(namespaces_without_userns_unprivileged_fail_closed, .as = BR_UNPRIV)
{
	struct br_sandbox sb;

	br_sandbox_init(&sb);
	sb.ns = CLONE_NEWNET;
	expect_fail_closed(&sb, BR_SB_STEP_CLONE, EPERM);
}

static int getppid_errno(void *arg)
{
	(void)arg;
	return syscall(SYS_getppid) == -1 ? errno : 0;
}

TEST(seccomp_deny_list)
{
	struct br_sandbox sb;

	base(&sb);
	ASSERT_EQ(0, run(&sb, getppid_errno, NULL)); /* control */
	sb.nnp = true;
	strcpy(sb.seccomp_deny[sb.nseccomp_deny++], "getppid");
	sb.seccomp_errno = ECANCELED;
	ASSERT_EQ(ECANCELED, run(&sb, getppid_errno, NULL));
	sb.seccomp_errno = 0; /* KILL_PROCESS */
	ASSERT_EQ(128 + SIGSYS, run(&sb, getppid_errno, NULL));
}

static int keyctl_errno(void *arg)
{
	(void)arg;
	/* KEYCTL_GET_KEYRING_ID of an invalid special id: EINVAL when allowed */
	return syscall(SYS_keyctl, 0, -100, 0) == -1 ? errno : 0;
}

TEST(seccomp_builtin_profile)
{
	struct br_sandbox sb;

	base(&sb);
	ASSERT_EQ(EINVAL, run(&sb, keyctl_errno, NULL)); /* control */
	sb.nnp = true;
	strcpy(sb.seccomp, "deny-escapes");
	ASSERT_EQ(EPERM, run(&sb, keyctl_errno, NULL));
}

TEST(check_rejects_incoherent_layers)
{
	struct br_sandbox sb;
	const char *key, *why;
	struct br_sb_child c;

	base(&sb);
	sb.tmpfs_root = true; /* without a mount namespace */
	ASSERT_EQ(-EINVAL, br_sandbox_check(&sb, &key, &why));
	EXPECT_STREQ("root", key);
	ASSERT_EQ(-EINVAL, br_sandbox_spawn(&sb, is_root_inside, NULL, &c));
	EXPECT_EQ(-1, c.pid);
	EXPECT_STREQ("check", br_sb_step_name(c.failed));
	base(&sb);
	strcpy(sb.seccomp, "deny-escapes"); /* without nnp */
	ASSERT_EQ(-EINVAL, br_sandbox_check(&sb, &key, &why));
	EXPECT_STREQ("seccomp", key);
}

TEST(exec_payload)
{
	struct br_sandbox sb;
	struct br_sb_child c;
	char *ok[] = {"/proc/self/exe", "-l", "-r", "no-such-case", NULL};
	char *missing[] = {"/nonexistent-br-exec", NULL};

	base(&sb);
	br_require_userns();
	ASSERT_EQ(0, br_sandbox_exec(&sb, ok, &c));
	EXPECT_LE(0, c.pidfd);
	ASSERT_EQ(0, br_sandbox_wait(&c));
	ASSERT_EQ(-ENOENT, br_sandbox_exec(&sb, missing, &c));
	EXPECT_STREQ("exec", br_sb_step_name(c.failed));
	/* an allow-list without execve would kill the exec itself */
	sb.nnp = true;
	strcpy(sb.seccomp, "allow-stdio");
	ASSERT_EQ(-EINVAL, br_sandbox_exec(&sb, ok, &c));
	EXPECT_STREQ("check", br_sb_step_name(c.failed));
}

TEST_HARNESS_MAIN
