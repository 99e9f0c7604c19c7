/*
 * name_to_handle_at: encoding a file handle needs no privilege at all (the
 * control for every open_by_handle_at test), and the buffer is sized by
 * asking the kernel first.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fhandle.h"
#include "harness.h"
#include "scratch.h"

static void scratch_file(char *path, size_t size, const char *name)
{
	char dir[64];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	snprintf(path, size, "%s/%s", dir, name);
	ASSERT_EQ(0, br_make_file(path, "fhandle", 0600));
}

/* The control: no capability, no namespace, a file on the host's own fs. */
TEST(host_file_unprivileged, .as = BR_UNPRIV)
{
	struct file_handle *fh;
	int mid, ret = br_fh_encode(AT_FDCWD, "/proc/self/exe", AT_SYMLINK_FOLLOW, &fh, &mid);

	if (ret == -EOPNOTSUPP)
		SKIP("the filesystem holding this binary cannot export file handles");
	ASSERT_EQ(0, ret);
	EXPECT_LT(0, fh->handle_bytes);
	free(fh);
}

TEST(tmpfs_file)
{
	struct file_handle *fh;
	char path[96];
	int mid;

	scratch_file(path, sizeof(path), "f");
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &fh, &mid));
	EXPECT_LT(0, fh->handle_bytes);
	EXPECT_GE(MAX_HANDLE_SZ, fh->handle_bytes);
	free(fh);
}

/* handle_bytes = 0 gives EOVERFLOW and the size needed; one byte short still
 * overflows; the exact size succeeds. */
TEST(buffer_sizing_eoverflow)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h = {.fh.handle_bytes = 0};
	char path[96];
	unsigned need;
	int mid;

	scratch_file(path, sizeof(path), "f");
	ASSERT_ERRNO(EOVERFLOW, name_to_handle_at(AT_FDCWD, path, &h.fh, &mid, 0));
	need = h.fh.handle_bytes;
	ASSERT_LT(0, need);
	h.fh.handle_bytes = need - 1;
	ASSERT_ERRNO(EOVERFLOW, name_to_handle_at(AT_FDCWD, path, &h.fh, &mid, 0));
	EXPECT_EQ(need, h.fh.handle_bytes);
	h.fh.handle_bytes = need;
	ASSERT_OK(name_to_handle_at(AT_FDCWD, path, &h.fh, &mid, 0));
}

/* More than MAX_HANDLE_SZ is refused outright. */
TEST(oversized_buffer_einval)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ + 8];
	} h = {.fh.handle_bytes = MAX_HANDLE_SZ + 1};
	char path[96];
	int mid;

	scratch_file(path, sizeof(path), "f");
	ASSERT_ERRNO(EINVAL, name_to_handle_at(AT_FDCWD, path, &h.fh, &mid, 0));
}

/* A handle names the inode, not the path: AT_EMPTY_PATH on an fd gives the
 * same bytes, and another file gives different ones. */
TEST(handle_names_the_inode)
{
	struct file_handle *a, *b, *c;
	char path[96], other[96];
	int fd, mid;

	scratch_file(path, sizeof(path), "a");
	snprintf(other, sizeof(other), "%.80s.b", path);
	ASSERT_EQ(0, br_make_file(other, "other", 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &a, &mid));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, br_fh_encode(fd, "", AT_EMPTY_PATH, &b, &mid));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, other, 0, &c, &mid));
	ASSERT_EQ(a->handle_bytes, b->handle_bytes);
	EXPECT_EQ(0, memcmp(a->f_handle, b->f_handle, a->handle_bytes));
	EXPECT_TRUE(a->handle_bytes != c->handle_bytes ||
		    memcmp(a->f_handle, c->f_handle, a->handle_bytes));
	free(a), free(b), free(c);
	close(fd);
}

/* procfs has no export operations: handles cannot name /proc files. */
TEST(procfs_unsupported)
{
	struct file_handle *fh;

	ASSERT_EQ(-EOPNOTSUPP, br_fh_encode(AT_FDCWD, "/proc/self/status", 0, &fh, NULL));
}

/* The mount id names a mount we can open again as open_by_handle_at's mount_fd. */
TEST(mount_id_resolves)
{
	struct file_handle *fh;
	struct stat a, b;
	char path[96];
	int mid, mfd;

	scratch_file(path, sizeof(path), "f");
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &fh, &mid));
	mfd = br_fh_mount_fd(mid);
	ASSERT_LE(0, mfd);
	ASSERT_OK(fstat(mfd, &a));
	ASSERT_OK(stat(path, &b));
	EXPECT_EQ(b.st_dev, a.st_dev);
	close(mfd);
	free(fh);
}

TEST_HARNESS_MAIN
