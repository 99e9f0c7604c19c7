/*
 * nsfs file handles (/proc/self/ns/<type>), added in 6.18: a handle names a
 * namespace, and open_by_handle_at(FD_NSFS_ROOT, ...) reopens it. Where the
 * kernel has them (fact fhandle.nsfs), a handle of a namespace taken before
 * entering a new user namespace must not reopen it from inside.
 */
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "fhandle.h"
#include "harness.h"
#include "ns.h"

FIXTURE(nsfs) {
	struct file_handle *fh;
	struct stat st;
};

FIXTURE_VARIANT(nsfs) {
	const char *type;
	int flag;
};

FIXTURE_VARIANT_ADD(nsfs, net) { "net", CLONE_NEWNET };
FIXTURE_VARIANT_ADD(nsfs, mnt) { "mnt", CLONE_NEWNS };
FIXTURE_VARIANT_ADD(nsfs, uts) { "uts", CLONE_NEWUTS };
FIXTURE_VARIANT_ADD(nsfs, ipc) { "ipc", CLONE_NEWIPC };
FIXTURE_VARIANT_ADD(nsfs, cgroup) { "cgroup", CLONE_NEWCGROUP };
FIXTURE_VARIANT_ADD(nsfs, user) { "user", CLONE_NEWUSER };

/* Encode our own namespace of this type; SKIP where nsfs cannot. */
FIXTURE_SETUP(nsfs)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", variant->type);
	if (stat(path, &self->st))
		SKIP("no %s namespace: CONFIG_%s_NS", variant->type, variant->type);
	ret = br_fh_encode(AT_FDCWD, path, AT_SYMLINK_FOLLOW, &self->fh, NULL);
	if (ret == -EOPNOTSUPP)
		SKIP("nsfs cannot export file handles (added in 6.18)");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(nsfs)
{
	free(self->fh);
}

static void expect_same_ns(const struct stat *want, int fd)
{
	struct stat st;

	ASSERT_LE(0, fd);
	ASSERT_OK(fstat(fd, &st));
	EXPECT_EQ(want->st_ino, st.st_ino);
	close(fd);
}

TEST(supported)
{
	struct file_handle *fh;
	int ret = br_fh_encode(AT_FDCWD, "/proc/self/ns/net", AT_SYMLINK_FOLLOW, &fh, NULL);

	if (ret && ret != -EOPNOTSUPP)
		ASSERT_EQ(0, ret);
	br_fact("fhandle.nsfs", "%s", ret ? "unsupported" : "supported");
	if (!ret)
		free(fh);
}

/* Our own namespace reopens from its handle, unprivileged too. */
TEST_F(nsfs, own_roundtrip)
{
	expect_same_ns(&self->st, br_fh_open(FD_NSFS_ROOT, self->fh, O_RDONLY));
}

/* Control: leaving the namespace without a new user namespace (root), the
 * old one still reopens: the handle itself is good. */
TEST_F(nsfs, outer_without_userns_control, .as = BR_ROOT)
{
	if (variant->flag != CLONE_NEWUSER)
		ASSERT_OK(unshare(variant->flag));
	expect_same_ns(&self->st, br_fh_open(FD_NSFS_ROOT, self->fh, O_RDONLY));
}

/* From inside a new user namespace (plus a new namespace of the type), the
 * outer namespace is hidden: ESTALE on 6.18, as if it did not exist. */
TEST_F(nsfs, outer_hidden_in_userns)
{
	int fd;

	br_require_userns();
	ASSERT_OK(unshare(CLONE_NEWUSER | variant->flag));
	fd = br_fh_open(FD_NSFS_ROOT, self->fh, O_RDONLY);
	if (fd >= 0)
		close(fd);
	if (fd != -EPERM)
		ASSERT_EQ(-ESTALE, fd);
}

TEST_HARNESS_MAIN
