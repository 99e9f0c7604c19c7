/*
 * File handles inside a user + mount namespace (root drops to uid 65534
 * first, so the namespace is never capable in the initial one).
 *
 * Since 6.10 a namespace that owns a filesystem (its own tmpfs) may decode a
 * *directory* handle opened with O_DIRECTORY; older kernels refuse. That is
 * the fact fhandle.userns_dir. A regular-file handle, and a handle on a mount
 * the namespace does not own (the host's root, whose copied tree holds
 * locked mounts), must stay EPERM on every kernel: verdicts.
 *
 * Each target's control hands the same handle and mount fd to real root
 * outside the namespace, who must be able to open it: the handle is good,
 * only the namespace's privilege is missing.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fhandle.h"
#include "harness.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

FIXTURE(userns) {
	int unused;
};

FIXTURE_VARIANT(userns) {
	bool owned, dir;
};

FIXTURE_VARIANT_ADD(userns, owned_dir) { .owned = true, .dir = true };
FIXTURE_VARIANT_ADD(userns, owned_file) { .owned = true };
FIXTURE_VARIANT_ADD(userns, unowned_dir) { .dir = true };
FIXTURE_VARIANT_ADD(userns, unowned_file) { 0 };

FIXTURE_SETUP(userns) {}
FIXTURE_TEARDOWN(userns) {}

struct target {
	struct file_handle *fh;
	int mount_fd, flags;
};

/* Enter a user+mount namespace with its own tmpfs and take the handle. */
static void prepare(const FIXTURE_VARIANT(userns) *v, struct target *t)
{
	char dir[64], path[96];
	int mid, ret;

	br_require_userns();
	ret = br_scratch(BR_SCRATCH_USERNS, dir, sizeof(dir));
	if (ret)
		SKIP("cannot create a user+mount namespace with a tmpfs: %s", br_errname(-ret));
	t->flags = v->dir ? O_RDONLY | O_DIRECTORY : O_RDONLY;
	if (v->owned) {
		snprintf(path, sizeof(path), "%s/t", dir);
		if (v->dir)
			ASSERT_OK(mkdir(path, 0755));
		else
			ASSERT_EQ(0, br_make_file(path, "x", 0644));
		ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &t->fh, NULL));
		t->mount_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		char exe[256] = "/";
		const char *p = exe;

		/* /proc/self/exe names the mount it was exec'd from, in the
		 * namespace we left: resolve the path in ours instead. */
		if (!v->dir)
			ASSERT_LT(0, readlink("/proc/self/exe", exe, sizeof(exe) - 1));
		ret = br_fh_encode(AT_FDCWD, p, AT_SYMLINK_FOLLOW, &t->fh, &mid);
		if (ret == -EOPNOTSUPP)
			SKIP("the filesystem holding %s cannot export file handles", p);
		ASSERT_EQ(0, ret);
		t->mount_fd = br_fh_mount_fd(mid);
	}
	ASSERT_LE(0, t->mount_fd);
}

TEST_F(userns, in_userns)
{
	struct target t;
	int fd;

	prepare(variant, &t);
	fd = br_fh_open(t.mount_fd, t.fh, t.flags);
	if (variant->owned && variant->dir) {
		if (fd >= 0 || fd == -EPERM)
			br_fact("fhandle.userns_dir", "%s", fd >= 0 ? "allowed" : "denied");
		else
			ASSERT_EQ(-EPERM, fd);
		return;
	}
	ASSERT_EQ(-EPERM, fd);
}

/* O_DIRECTORY is what the relaxed check keys on: a regular file's handle
 * with O_DIRECTORY still never opens (EPERM, or ESTALE/ENOTDIR once the
 * decoder sees it is not a directory). */
TEST(owned_file_o_directory_never_opens)
{
	const FIXTURE_VARIANT(userns) v = {.owned = true};
	struct target t;
	int fd;

	prepare(&v, &t);
	fd = br_fh_open(t.mount_fd, t.fh, O_RDONLY | O_DIRECTORY);
	TH_LOG("regular-file handle with O_DIRECTORY: %s", fd >= 0 ? "opened" : br_errname(-fd));
	if (fd != -ENOTDIR && fd != -ESTALE)
		ASSERT_EQ(-EPERM, fd);
}

/* The child builds the target in its namespace and passes handle and mount
 * fd back over a socket. */
static int hand_over(void *arg)
{
	const FIXTURE_VARIANT(userns) *v = ((const void **)arg)[0];
	int sock = *(int *)((void **)arg)[1];
	struct target t;

	prepare(v, &t);
	if (write(sock, t.fh, sizeof(*t.fh) + t.fh->handle_bytes) < 0 ||
	    br_send_fd(sock, t.mount_fd))
		return 1;
	return 0;
}

TEST_F(userns, with_init_cap_control, .as = BR_ROOT)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h;
	const void *arg[2];
	int sv[2], mfd, fd;

	br_require_userns();
	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	arg[0] = variant;
	arg[1] = &sv[1];
	ASSERT_EQ(0, br_child(hand_over, arg));
	ASSERT_LT(0, read(sv[0], &h, sizeof(h.fh)));
	ASSERT_GE(MAX_HANDLE_SZ, h.fh.handle_bytes);
	ASSERT_EQ((ssize_t)h.fh.handle_bytes, read(sv[0], h.fh.f_handle, h.fh.handle_bytes));
	mfd = br_recv_fd(sv[0]);
	ASSERT_LE(0, mfd);
	fd = br_fh_open(mfd, &h.fh, variant->dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
