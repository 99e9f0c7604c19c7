/*
 * Mount namespace: mounts made in one namespace stay there unless
 * propagation carries them (shared, slave, private, unbindable), and a
 * copy made for a less privileged user namespace locks what it inherited.
 * mount_setattr changes only mounts of the caller's own mount namespace:
 * an fd kept from another namespace is EINVAL. Idmapped mounts (tmpfs: 6.3)
 * need a detached mount (open_tree CLONE; an attached one is EINVAL) of a
 * filesystem whose superblock's user namespace the caller controls: root of
 * a user namespace cannot idmap a tmpfs the host mounted (EPERM).
 *
 *   <scratch>/            tmpfs of the case's own mount namespace
 *   <scratch>/sub/        mount point used by the children
 *   <scratch>/a/, t/      bind source and target (unbindable)
 *
 * Every case works below a private tmpfs (lib/scratch) in a mount
 * namespace of its own; children unshare further.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

static char dir[64], sub[96];

static void outside(unsigned long propagation)
{
	char path[96];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot make a private mount namespace and tmpfs: %s", br_errname(-ret));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	ASSERT_OK(mkdir(sub, 0755));
	snprintf(path, sizeof(path), "%s/a", dir);
	ASSERT_OK(mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/t", dir);
	ASSERT_OK(mkdir(path, 0755));
	if (propagation)
		ASSERT_OK(mount(NULL, dir, NULL, propagation, NULL));
}

/* Is sub a mount point of its own here? */
static bool sub_mounted(void)
{
	struct stat a, b;

	if (stat(dir, &a) || stat(sub, &b))
		return false;
	return a.st_dev != b.st_dev;
}

static int mount_sub(void)
{
	return mount("tmpfs", sub, "tmpfs", 0, "size=16k") ? errno : 0;
}

/* Child: a new mount namespace (when asked), then a mount on sub. */
static int child_mounts(void *new_ns)
{
	if (new_ns && unshare(CLONE_NEWNS))
		return 100;
	return mount_sub();
}

TEST(mount_invisible_outside)
{
	outside(0);
	ASSERT_EQ(0, br_child(child_mounts, (void *)1));
	ASSERT_FALSE(sub_mounted());
}

TEST(mount_visible_same_ns_control)
{
	outside(0);
	ASSERT_EQ(0, br_child(child_mounts, NULL));
	ASSERT_TRUE(sub_mounted());
}

static int child_umounts(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS))
		return 100;
	return umount2(sub, 0) ? errno : 0;
}

TEST(umount_invisible_outside)
{
	outside(0);
	ASSERT_EQ(0, mount_sub());
	ASSERT_EQ(0, br_child(child_umounts, NULL));
	ASSERT_TRUE(sub_mounted());
}

/* ---- propagation ---- */

TEST(shared_propagates_to_peer)
{
	outside(MS_SHARED);
	ASSERT_EQ(0, br_child(child_mounts, (void *)1));
	ASSERT_TRUE(sub_mounted());
}

/* A slave child: told to look after the parent mounted (pipe sync). */
struct slave {
	int ready[2], go[2];
};

static int slave_sees(void *arg)
{
	struct slave *s = arg;
	char c = 0;

	if (unshare(CLONE_NEWNS) || mount(NULL, dir, NULL, MS_SLAVE, NULL))
		return 100;
	if (write(s->ready[1], &c, 1) != 1 || read(s->go[0], &c, 1) != 1)
		return 101;
	return sub_mounted() ? 0 : 1;
}

TEST(slave_receives_from_master)
{
	struct slave s;
	pid_t pid;
	char c = 0;

	outside(MS_SHARED);
	ASSERT_OK(pipe(s.ready));
	ASSERT_OK(pipe(s.go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(slave_sees(&s));
	ASSERT_EQ(1, read(s.ready[0], &c, 1));
	ASSERT_EQ(0, mount_sub());
	ASSERT_EQ(1, write(s.go[1], &c, 1));
	ASSERT_EQ(0, br_wait(pid));
}

static int slave_mounts(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, dir, NULL, MS_SLAVE, NULL))
		return 100;
	return mount_sub();
}

TEST(slave_does_not_propagate_back)
{
	outside(MS_SHARED);
	ASSERT_EQ(0, br_child(slave_mounts, NULL));
	ASSERT_FALSE(sub_mounted());
}

static int bind_a(void)
{
	char a[96], t[96];

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(t, sizeof(t), "%s/t", dir);
	return mount(a, t, NULL, MS_BIND, NULL) ? errno : 0;
}

TEST(unbindable_bind_einval)
{
	outside(MS_UNBINDABLE);
	ASSERT_EQ(EINVAL, bind_a());
}

TEST(private_bind_control)
{
	outside(MS_PRIVATE);
	ASSERT_EQ(0, bind_a());
}

/* ---- locked mounts ---- */

/* The copy for a new user namespace (less privileged than the one owning
 * the parent's mount namespace) locks every inherited mount: they cannot be
 * unmounted (EINVAL) to reveal what is below, nor have ro/nosuid/nodev/
 * noexec cleared (EPERM). A copy in the same user namespace is not locked. */
static int into_copy(bool new_userns)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (!new_userns)
		return unshare(CLONE_NEWNS) ? -errno : 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -errno;
	return br_idmap_map_root(0, uid, gid);
}

static int umount_in_copy(void *new_userns)
{
	if (into_copy(new_userns))
		return 100;
	return umount2(sub, 0) ? errno : 0;
}

TEST(locked_umount_einval)
{
	br_require_userns();
	outside(0);
	ASSERT_EQ(0, mount_sub());
	ASSERT_EQ(EINVAL, br_child(umount_in_copy, (void *)1));
}

TEST(unlocked_umount_control)
{
	outside(0);
	ASSERT_EQ(0, mount_sub());
	ASSERT_EQ(0, br_child(umount_in_copy, NULL));
}

FIXTURE(locked) {
	int unused;
};

FIXTURE_VARIANT(locked) {
	unsigned long flag;
};

FIXTURE_VARIANT_ADD(locked, ro) { MS_RDONLY };
FIXTURE_VARIANT_ADD(locked, nosuid) { MS_NOSUID };
FIXTURE_VARIANT_ADD(locked, nodev) { MS_NODEV };
FIXTURE_VARIANT_ADD(locked, noexec) { MS_NOEXEC };

FIXTURE_SETUP(locked)
{
	outside(0);
	ASSERT_OK(mount("tmpfs", sub, "tmpfs", variant->flag, "size=16k"));
}

FIXTURE_TEARDOWN(locked) {}

/* Remount keeping everything but the one flag (atime is locked too). */
static int clear_in_copy(void *new_userns)
{
	if (into_copy(new_userns))
		return 100;
	return mount(NULL, sub, NULL, MS_BIND | MS_REMOUNT | MS_RELATIME, NULL) ? errno : 0;
}

TEST_F(locked, clear_flag_eperm)
{
	br_require_userns();
	ASSERT_EQ(EPERM, br_child(clear_in_copy, (void *)1));
}

TEST_F(locked, clear_flag_unlocked_control)
{
	ASSERT_EQ(0, br_child(clear_in_copy, NULL));
}

/* mount_setattr(RDONLY) through an fd to the scratch tmpfs, after moving to
 * a new mount namespace when `leave`: 0 or errno. */
static int setattr_via_fd(bool leave)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	int fd, ret;

	outside(0);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	if (leave)
		ASSERT_OK(unshare(CLONE_NEWNS));
	ret = (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr));
	if (ret && errno == ENOSYS)
		SKIP("mount_setattr needs Linux 5.12");
	return ret ? errno : 0;
}

TEST(mount_setattr_other_mntns_einval)
{
	ASSERT_EQ(EINVAL, setattr_via_fd(true));
}

TEST(mount_setattr_own_mntns_control)
{
	ASSERT_EQ(0, setattr_via_fd(false));
}

/* ---- idmapped mounts, as root of a user namespace of our own ---- */

#define TMPFS_MAGIC_ 0x01021994

static int block_on_pipe(void *arg)
{
	char c;

	close(((int *)arg)[1]);
	return read(((int *)arg)[0], &c, 1) < 0;
}

/* The user namespace of a child of ours (root mapped to us), alive until
 * the case ends: the idmapping to apply. */
static int child_userns_fd(void)
{
	static int p[2];
	char path[64];
	pid_t pid;
	int fd;

	ASSERT_OK(pipe(p));
	pid = br_idmap_spawn(0, NULL, block_on_pipe, p, NULL);
	if (pid < 0)
		br_require_userns();
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	return fd;
}

/* MOUNT_ATTR_IDMAP to a child user namespace on path: detached (an
 * open_tree clone) or attached. 0 or errno. */
static int idmap(const char *path, bool detached)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP};
	int fd, ufd = child_userns_fd(), r;

	attr.userns_fd = (unsigned)ufd;
	fd = detached ? (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | O_CLOEXEC)
		      : open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOSYS)
		SKIP("open_tree needs Linux 5.2");
	ASSERT_LE(0, fd);
	r = (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr));
	if (r && errno == ENOSYS)
		SKIP("mount_setattr needs Linux 5.12");
	r = r ? errno : 0;
	close(fd);
	close(ufd);
	return r;
}

/* Our scratch tmpfs, mounted inside our user namespace; SKIP unless tmpfs
 * takes idmaps here. */
static void idmap_scratch(void)
{
	int ret = br_scratch(BR_SCRATCH_USERNS, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs in a user namespace: %s", br_errname(-ret));
	if (idmap(dir, true) == EINVAL)
		SKIP("no idmapped tmpfs mounts here (Linux 6.3)");
}

TEST(idmap_own_detached_tmpfs_control)
{
	idmap_scratch();
	ASSERT_EQ(0, idmap(dir, true));
}

TEST(idmap_attached_mount_einval)
{
	idmap_scratch();
	ASSERT_EQ(EINVAL, idmap(dir, false));
}

/* /dev/shm: a tmpfs the host mounted (its superblock belongs to the initial
 * user namespace), seen from our own user and mount namespaces. */
TEST(idmap_host_tmpfs_eperm)
{
	struct statfs sf;

	if (statfs("/dev/shm", &sf) || sf.f_type != TMPFS_MAGIC_)
		SKIP("/dev/shm is not a tmpfs here");
	idmap_scratch();
	ASSERT_EQ(EPERM, idmap("/dev/shm", true));
}

TEST_HARNESS_MAIN
