/*
 * The second layer: a seccomp filter denying open_by_handle_at holds even
 * for real root with CAP_DAC_READ_SEARCH, because the filter runs at syscall
 * entry, before any capability check. The filter's errno, ECANCELED, is one
 * open_by_handle_at never returns by itself, so a denial cannot be mistaken
 * for the capability check's EPERM.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fhandle.h"
#include "harness.h"
#include "scratch.h"
#include "seccomp.h"

#define FILTER_ERRNO ECANCELED

FIXTURE(seccomp) {
	struct file_handle *fh;
	int mount_fd;
	char path[96];
};

FIXTURE_VARIANT(seccomp) {
	int unused;
};

FIXTURE_SETUP(seccomp)
{
	char dir[64];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	snprintf(self->path, sizeof(self->path), "%s/f", dir);
	ASSERT_EQ(0, br_make_file(self->path, "x", 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, self->path, 0, &self->fh, NULL));
	self->mount_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->mount_fd);
}

FIXTURE_TEARDOWN(seccomp)
{
	free(self->fh);
}

/* A deny-list of one call (lib/seccomp: native-only, io_uring denied too). */
static void deny_open_by_handle(int err)
{
	static const char *const calls[] = {"open_by_handle_at", NULL};
	const struct br_seccomp_profile p = {
		.name = "deny-open-by-handle", .mode = BR_SECCOMP_DENY_LIST,
		.syscalls = calls, .deny_errno = err};

	ASSERT_EQ(0, br_seccomp_apply(&p));
}

TEST_F(seccomp, no_filter_control, .as = BR_ROOT)
{
	int fd = br_fh_open(self->mount_fd, self->fh, O_RDONLY);

	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(seccomp, errno_even_for_root, .as = BR_ROOT)
{
	deny_open_by_handle(FILTER_ERRNO);
	ASSERT_EQ(-FILTER_ERRNO, br_fh_open(self->mount_fd, self->fh, O_RDONLY));
}

/* Without the capability too, the filter answers first: not EPERM. */
TEST_F(seccomp, errno_before_cap_check)
{
	deny_open_by_handle(FILTER_ERRNO);
	ASSERT_EQ(-FILTER_ERRNO, br_fh_open(self->mount_fd, self->fh, O_RDONLY));
}

/* The filter names one syscall: encoding, a normal open and the same
 * handle's inode by path all still work. */
TEST_F(seccomp, name_to_handle_still_allowed)
{
	struct file_handle *fh;
	int fd;

	deny_open_by_handle(FILTER_ERRNO);
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, self->path, 0, &fh, NULL));
	EXPECT_EQ(self->fh->handle_bytes, fh->handle_bytes);
	fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	close(fd);
	free(fh);
}

/* A KILL_PROCESS rule (deny_errno 0) stops root dead at the call. */
TEST_F(seccomp, kill_even_for_root, .as = BR_ROOT, .signal = SIGSYS)
{
	deny_open_by_handle(0);
	br_fh_open(self->mount_fd, self->fh, O_RDONLY);
	TH_LOG("open_by_handle_at returned under a KILL_PROCESS filter");
}

TEST_HARNESS_MAIN
