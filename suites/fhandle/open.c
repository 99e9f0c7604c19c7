/*
 * open_by_handle_at needs CAP_DAC_READ_SEARCH in the initial user namespace:
 * the check that stops the "shocker" escape. The handles here name the
 * running binary and the root directory on the host's own filesystem; they
 * are only ever opened read-only.
 *
 * Since 6.10 (commit 620c266f3949, "fhandle: relax open_by_handle_at()
 * permission checks") a directory handle opened with O_DIRECTORY is also
 * decoded for a caller with CAP_SYS_ADMIN over the filesystem or its mount:
 * so for directories, dropping only CAP_DAC_READ_SEARCH is a fact, not a
 * verdict.
 */
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "fhandle.h"
#include "harness.h"
#include "ns.h"
#include "scratch.h"

FIXTURE(open) {
	struct file_handle *fh;
	int mount_fd;
	struct stat st;
};

FIXTURE_VARIANT(open) {
	const char *path;
	int flags;
	bool dir;
};

FIXTURE_VARIANT_ADD(open, file) { .path = "/proc/self/exe", .flags = O_RDONLY };
FIXTURE_VARIANT_ADD(open, dir) { .path = "/", .flags = O_RDONLY | O_DIRECTORY, .dir = true };

FIXTURE_SETUP(open)
{
	int mid, ret = br_fh_encode(AT_FDCWD, variant->path, AT_SYMLINK_FOLLOW, &self->fh, &mid);

	if (ret == -EOPNOTSUPP)
		SKIP("the filesystem holding %s cannot export file handles", variant->path);
	ASSERT_EQ(0, ret);
	ASSERT_OK(stat(variant->path, &self->st));
	self->mount_fd = br_fh_mount_fd(mid);
	ASSERT_LE(0, self->mount_fd);
}

FIXTURE_TEARDOWN(open)
{
	free(self->fh);
}

static void expect_opened(const struct stat *want, int fd)
{
	struct stat st;

	ASSERT_LE(0, fd);
	ASSERT_OK(fstat(fd, &st));
	EXPECT_EQ(want->st_ino, st.st_ino);
	close(fd);
}

TEST_F(open, with_cap_control, .as = BR_ROOT)
{
	expect_opened(&self->st, br_fh_open(self->mount_fd, self->fh, variant->flags));
}

TEST_F(open, unprivileged, .as = BR_UNPRIV)
{
	ASSERT_EQ(-EPERM, br_fh_open(self->mount_fd, self->fh, variant->flags));
}

TEST_F(open, all_caps_dropped, .as = BR_ROOT)
{
	ASSERT_EQ(0, br_caps_drop_all());
	ASSERT_EQ(-EPERM, br_fh_open(self->mount_fd, self->fh, variant->flags));
}

TEST_F(open, dac_read_search_dropped, .as = BR_ROOT)
{
	struct br_caps c;
	int fd;

	ASSERT_EQ(0, br_caps_get(&c));
	c.eff = c.prm = c.bnd = c.prm & ~BR_CAP(CAP_DAC_READ_SEARCH);
	ASSERT_EQ(0, br_caps_set(&c));
	fd = br_fh_open(self->mount_fd, self->fh, variant->flags);
	if (!variant->dir) {
		ASSERT_EQ(-EPERM, fd);
		return;
	}
	/* Root keeps CAP_SYS_ADMIN over the host's filesystem. */
	br_fact("fhandle.dir_with_sys_admin", "%s",
		fd >= 0 ? "allowed" : br_errname(-fd));
	if (fd != -EPERM)
		expect_opened(&self->st, fd);
}

/* Every capability, but in a user namespace: not the initial one. */
TEST_F(open, userns_root)
{
	br_require_userns();
	ASSERT_OK(unshare(CLONE_NEWUSER));
	ASSERT_EQ(-EPERM, br_fh_open(self->mount_fd, self->fh, variant->flags));
}

/* A handle outlives its name only as long as the inode: once unlinked and
 * closed, decoding it gives ESTALE, even with the capability. */
TEST(stale_after_unlink, .as = BR_ROOT)
{
	struct file_handle *fh;
	char dir[64], path[96];
	int mid, mfd;

	ASSERT_EQ(0, br_scratch(0, dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/gone", dir);
	ASSERT_EQ(0, br_make_file(path, "x", 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &fh, &mid));
	mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_OK(unlink(path));
	ASSERT_EQ(-ESTALE, br_fh_open(mfd, fh, O_RDONLY));
	free(fh);
}

TEST_HARNESS_MAIN
