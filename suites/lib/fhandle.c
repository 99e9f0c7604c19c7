/* lib/fhandle: handle sizing, mount fd lookup, the encode+decode round trip. */
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fhandle.h"
#include "harness.h"
#include "scratch.h"

static void scratch(char *dir, size_t size)
{
	int ret = br_scratch(0, dir, size);

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
}

TEST(encode_sizes_buffer)
{
	struct file_handle *fh;
	char dir[64], path[96];
	int mid = -1;

	scratch(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_EQ(0, br_make_file(path, "x", 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &fh, &mid));
	EXPECT_LT(0, fh->handle_bytes);
	EXPECT_LE(0, mid);
	free(fh);
}

TEST(encode_errors_pass_through)
{
	struct file_handle *fh = NULL;

	EXPECT_EQ(-ENOENT, br_fh_encode(AT_FDCWD, "/nonexistent-br-path", 0, &fh, NULL));
	EXPECT_EQ(-EBADF, br_fh_encode(-1, "", AT_EMPTY_PATH, &fh, NULL));
	EXPECT_TRUE(fh == NULL);
}

TEST(mount_fd_unknown_id)
{
	EXPECT_EQ(-ENOENT, br_fh_mount_fd(-5));
}

/* mountinfo escapes spaces in mount points as \040. */
TEST(mount_fd_escaped_mount_point)
{
	struct file_handle *fh;
	struct stat a, b;
	char dir[64], mnt[96], path[128];
	int mid, mfd;

	scratch(dir, sizeof(dir));
	snprintf(mnt, sizeof(mnt), "%s/a b\\c", dir);
	ASSERT_OK(mkdir(mnt, 0755));
	ASSERT_OK(mount("br", mnt, "tmpfs", 0, NULL));
	snprintf(path, sizeof(path), "%s/f", mnt);
	ASSERT_EQ(0, br_make_file(path, "x", 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, path, 0, &fh, &mid));
	mfd = br_fh_mount_fd(mid);
	ASSERT_LE(0, mfd);
	ASSERT_OK(fstat(mfd, &a));
	ASSERT_OK(stat(mnt, &b));
	EXPECT_EQ(b.st_dev, a.st_dev);
	EXPECT_EQ(b.st_ino, a.st_ino);
	close(mfd);
	free(fh);
}

TEST(reopen_with_cap, .as = BR_ROOT)
{
	struct stat a, b;
	char dir[64], path[96];
	int fd;

	scratch(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_EQ(0, br_make_file(path, "x", 0600));
	fd = br_fh_reopen(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_OK(fstat(fd, &a));
	ASSERT_OK(stat(path, &b));
	EXPECT_EQ(b.st_ino, a.st_ino);
	close(fd);
}

TEST(reopen_without_cap, .as = BR_UNPRIV)
{
	int ret = br_fh_reopen("/", O_RDONLY | O_DIRECTORY);

	if (ret == -EOPNOTSUPP)
		SKIP("the root filesystem cannot export file handles");
	EXPECT_EQ(-EPERM, ret);
}

/* lib/scratch: the tmpfs is ours alone and the fd passing works. */
TEST(scratch_is_private_tmpfs)
{
	struct stat root, s;
	char dir[64];

	ASSERT_OK(stat("/", &root));
	scratch(dir, sizeof(dir));
	ASSERT_OK(stat(dir, &s));
	EXPECT_NE(root.st_dev, s.st_dev);
}

TEST(send_recv_fd)
{
	struct stat a, b;
	int sv[2], fd;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, br_send_fd(sv[0], 1));
	fd = br_recv_fd(sv[1]);
	ASSERT_LE(0, fd);
	ASSERT_OK(fstat(fd, &a));
	ASSERT_OK(fstat(1, &b));
	EXPECT_EQ(b.st_ino, a.st_ino);
	ASSERT_EQ(1, write(sv[0], "x", 1));
	EXPECT_EQ(-EBADMSG, br_recv_fd(sv[1]));
}

TEST_HARNESS_MAIN
