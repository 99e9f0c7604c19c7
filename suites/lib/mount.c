/*
 * lib/mount: a private mount namespace, a tmpfs root with read-only binds,
 * pivot_root and a fresh proc. Every case works in namespaces of its own.
 *
 *   /mnt            scratch tmpfs holding "file" (private)
 *   /tmp            the new root (tmpfs), with /tmp/mnt bound from /mnt
 */
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "mount.h"
#include "ns.h"
#include "proc.h"

#define TMPFS_MAGIC 0x01021994

static void enter(void)
{
	int ret = 0;

	if (!br_is_root() && (ret = br_ns_private(0)))
		br_require_userns();
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, br_mount_private());
}

static void scratch(void)
{
	int fd;

	ASSERT_OK(mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k"));
	fd = open("/mnt/file", O_WRONLY | O_CREAT, 0644);
	ASSERT_LE(0, fd);
	close(fd);
}

static bool is_tmpfs(const char *path)
{
	struct statfs sf;

	ASSERT_OK(statfs(path, &sf));
	return sf.f_type == TMPFS_MAGIC;
}

/* A mount made after br_mount_private stays in that namespace. */
static int mount_and_tell(void *arg)
{
	int *p = arg;
	char c = 0;

	close(p[0]);
	if (br_is_root() ? 0 : br_ns_private(0))
		return 10;
	if (br_mount_private() || mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k"))
		return 11;
	if (write(p[1], &c, 1) != 1)
		return 12;
	close(p[1]);
	pause(); /* killed by the case */
	return 0;
}

TEST(private_mount_invisible_outside)
{
	int p[2];
	pid_t pid;
	char c;
	struct stat before, after;

	ASSERT_OK(stat("/mnt", &before));
	ASSERT_OK(pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(mount_and_tell(p));
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	ASSERT_OK(stat("/mnt", &after));
	EXPECT_EQ(before.st_dev, after.st_dev);
	kill(pid, SIGKILL);
	br_wait(pid);
}

TEST(private_mount_visible_inside_control)
{
	struct stat before, after;

	enter();
	ASSERT_OK(stat("/mnt", &before));
	ASSERT_OK(mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k"));
	ASSERT_OK(stat("/mnt", &after));
	EXPECT_NE(before.st_dev, after.st_dev);
	ASSERT_TRUE(br_mount_is_private());
}

/* Outside a namespace made by br_mount_private the helpers refuse. The case
 * still unshares (slave, so nothing could propagate out) in case they did not. */
TEST(refuses_unowned_namespace)
{
	struct br_ns_id host;
	int ret = 0;

	ASSERT_EQ(0, br_ns_id(0, "mnt", &host));
	if (!br_is_root() && (ret = br_ns_private(0)))
		br_require_userns();
	ASSERT_EQ(0, ret);
	ASSERT_OK(unshare(CLONE_NEWNS));
	ASSERT_OK(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL));
	ASSERT_FALSE(br_mount_is_private());
	ASSERT_EQ(-EPERM, br_mount_tmpfs_root("/tmp", NULL));
	ASSERT_EQ(-EPERM, br_mount_pivot("/tmp"));
	ASSERT_EQ(-EPERM, br_mount_proc("/proc"));
}

static int open_write(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

TEST(readonly_bind_denies_write)
{
	const struct br_bind binds[] = {{.src = "/mnt"}, {0}};

	enter();
	scratch();
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_TRUE(is_tmpfs("/tmp"));
	ASSERT_EQ(EROFS, open_write("/tmp/mnt/file"));
}

TEST(rw_bind_allows_write_control)
{
	const struct br_bind binds[] = {{.src = "/mnt", .rw = true}, {0}};

	enter();
	scratch();
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_EQ(0, open_write("/tmp/mnt/file"));
}

/* Recursive: a mount below the bound tree is read-only too. */
static void scratch_with_submount(void)
{
	int fd;

	scratch();
	ASSERT_OK(mkdir("/mnt/sub", 0755));
	ASSERT_OK(mount("tmpfs", "/mnt/sub", "tmpfs", 0, "size=64k"));
	fd = open("/mnt/sub/file", O_WRONLY | O_CREAT, 0644);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST(readonly_bind_denies_write_in_submount)
{
	const struct br_bind binds[] = {{.src = "/mnt"}, {0}};

	enter();
	scratch_with_submount();
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_TRUE(is_tmpfs("/tmp/mnt/sub"));
	ASSERT_EQ(EROFS, open_write("/tmp/mnt/file"));
	ASSERT_EQ(EROFS, open_write("/tmp/mnt/sub/file"));
}

/* Before 5.12 (no mount_setattr: ENOSYS, here made so by a filter) the
 * fallback remounts the top mount and every one below it. */
TEST(readonly_bind_fallback_denies_write_in_submount)
{
	const struct br_bind binds[] = {{.src = "/mnt", .dst = "/a//b"}, {0}};
	scmp_filter_ctx ctx;

	enter();
	scratch_with_submount();
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	ASSERT_TRUE(ctx != NULL);
	ASSERT_EQ(0, seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(mount_setattr), 0));
	ASSERT_EQ(0, seccomp_load(ctx));
	seccomp_release(ctx);
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_TRUE(is_tmpfs("/tmp/a/b/sub"));
	ASSERT_EQ(EROFS, open_write("/tmp/a/b/file"));
	ASSERT_EQ(EROFS, open_write("/tmp/a/b/sub/file"));
}

TEST(rw_bind_allows_write_in_submount_control)
{
	const struct br_bind binds[] = {{.src = "/mnt", .rw = true}, {0}};

	enter();
	scratch_with_submount();
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_TRUE(is_tmpfs("/tmp/mnt/sub"));
	ASSERT_EQ(0, open_write("/tmp/mnt/sub/file"));
}

TEST(bind_keeps_locked_flags)
{
	/* A read-only bind keeps the source's nosuid/noexec (inherited
	 * mounts in a user namespace have them locked: clearing is EPERM). */
	const struct br_bind binds[] = {{.src = "/mnt", .dst = "data"}, {0}};
	struct statvfs sv;

	enter();
	ASSERT_OK(mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k"));
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_OK(statvfs("/tmp/data", &sv));
	ASSERT_TRUE(sv.f_flag & ST_RDONLY);
	ASSERT_TRUE(sv.f_flag & ST_NOSUID);
	ASSERT_TRUE(sv.f_flag & ST_NOEXEC);
}

TEST(pivot_hides_old_root)
{
	const struct br_bind binds[] = {{.src = "/mnt", .dst = "data"}, {0}};

	enter();
	scratch();
	ASSERT_OK(access("/etc", F_OK)); /* control: there before */
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_EQ(0, br_mount_pivot("/tmp"));
	ASSERT_ERRNO(ENOENT, access("/etc", F_OK));
	ASSERT_OK(access("/data/file", F_OK));
	ASSERT_EQ(EROFS, open_write("/data/file"));
}

/* No old root stacked on the new one: ".." from a directory of the new root
 * steps onto whatever is mounted on "/", which must be the new root itself
 * (pivot_root(".", ".") without the detach leaves the host's root there). */
TEST(pivot_leaves_nothing_stacked_on_root)
{
	const struct br_bind binds[] = {{.src = "/mnt", .dst = "data"}, {0}};
	struct stat root, up;

	enter();
	scratch();
	ASSERT_EQ(0, br_mount_tmpfs_root("/tmp", binds));
	ASSERT_OK(mkdir("/tmp/sub", 0755));
	ASSERT_EQ(0, br_mount_pivot("/tmp"));
	ASSERT_OK(stat("/", &root));
	ASSERT_OK(stat("/sub/..", &up));
	ASSERT_EQ(root.st_dev, up.st_dev);
	ASSERT_EQ(root.st_ino, up.st_ino);
	ASSERT_ERRNO(ENOENT, access("/sub/../etc", F_OK));
	ASSERT_OK(access("/sub/../data/file", F_OK)); /* control: ".." works */
}

/* A fresh proc in a new pid namespace shows the namespace, not the host. */
static struct br_ns_id mnt_before;

static int fresh_proc(void *remount)
{
	char buf[32];
	ssize_t n;

	if (br_mount_private_here(&mnt_before))
		return 10;
	if (remount && br_mount_proc("/proc"))
		return 11;
	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return 12;
	buf[n] = 0;
	return atoi(buf) == 1 ? 0 : 1;
}

static int proc_case(bool remount)
{
	pid_t pid;

	ASSERT_EQ(0, br_ns_id(0, "mnt", &mnt_before));
	pid = br_idmap_spawn(CLONE_NEWPID | CLONE_NEWNS, NULL, fresh_proc,
			     remount ? (void *)1 : NULL, NULL);
	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	return br_wait(pid);
}

TEST(proc_remount_shows_pid_ns)
{
	ASSERT_EQ(0, proc_case(true));
}

TEST(proc_not_remounted_shows_host_control)
{
	ASSERT_EQ(1, proc_case(false));
}

TEST(private_here_refuses_parent_ns)
{
	struct br_ns_id mine;

	ASSERT_EQ(0, br_ns_id(0, "mnt", &mine));
	ASSERT_EQ(-EBUSY, br_mount_private_here(&mine));
}

TEST_HARNESS_MAIN
