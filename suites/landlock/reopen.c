/*
 * Reopening through /proc/self/fd (ABI 1): the magic link is a path like
 * any other, so reopening an fd for more than the domain grants on the
 * file is denied, whether the fd was opened for reading, with O_PATH (no
 * access checked at all), or its file was unlinked since. The domain
 * handles READ_FILE and WRITE_FILE and grants READ_FILE on granted/file:
 *   denied   reopen for writing: EACCES;
 *   granted  reopen for reading: allowed;
 *   control  no Landlock: reopen for writing works.
 * Pipes are not files of the tree: reopening them is never restricted.
 */
#include "common.h"

static const uint64_t rw = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;

static int reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return outcome(open(p, flags | O_CLOEXEC));
}

FIXTURE(reopen) {
	int fd;
};

FIXTURE_VARIANT(reopen) {
	int open_flags;
	bool unlinked;
};

FIXTURE_VARIANT_ADD(reopen, read_fd) { .open_flags = O_RDONLY };
FIXTURE_VARIANT_ADD(reopen, o_path_fd) { .open_flags = O_PATH };
FIXTURE_VARIANT_ADD(reopen, unlinked_file) { .open_flags = O_RDONLY, .unlinked = true };

/* The fd is opened under the domain (mode != control), as a sandboxed
 * process would: reading granted/file is allowed, O_PATH checks nothing. */
static void setup_fd(FIXTURE(reopen) *self, const FIXTURE_VARIANT(reopen) *v, bool restricted)
{
	struct br_landlock_rule rules[] = {{.path = "granted/file", .fs = LANDLOCK_ACCESS_FS_READ_FILE},
					   {0}};
	int e;

	if (access("/proc/self/fd", X_OK))
		SKIP("no /proc here");
	if (restricted)
		enforce((struct br_landlock_access){.fs = rw}, rules);
	self->fd = open("granted/file", v->open_flags | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	if (v->unlinked)
		ASSERT_OK(unlink("granted/file"));
	e = outcome(open("granted/file", O_WRONLY | O_CLOEXEC));
	ASSERT_OUTCOME(v->unlinked ? ENOENT : restricted ? EACCES : 0, e);
}

FIXTURE_SETUP(reopen)
{
	NEED_ABI(1);
	scratch();
}

FIXTURE_TEARDOWN(reopen) {}

TEST_F(reopen, denied)
{
	setup_fd(self, variant, true);
	ASSERT_OUTCOME(EACCES, reopen(self->fd, O_WRONLY));
	ASSERT_OUTCOME(EACCES, reopen(self->fd, O_RDWR));
}

TEST_F(reopen, granted)
{
	setup_fd(self, variant, true);
	ASSERT_OUTCOME(0, reopen(self->fd, O_RDONLY));
}

TEST_F(reopen, control)
{
	setup_fd(self, variant, false);
	ASSERT_OUTCOME(0, reopen(self->fd, O_WRONLY));
}

/* Both ends of a pipe reopen under a domain that grants no file access. */
TEST(pipe_not_restricted)
{
	int p[2];
	char c;

	NEED_ABI(1);
	if (access("/proc/self/fd", X_OK))
		SKIP("no /proc here");
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	enforce((struct br_landlock_access){.fs = rw}, NULL);
	{
		char path[64];
		int w, r;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
		w = open(path, O_WRONLY | O_CLOEXEC);
		ASSERT_LE(0, w);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
		r = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, r);
		ASSERT_EQ(1, write(w, ".", 1));
		ASSERT_EQ(1, read(r, &c, 1));
	}
}

TEST_HARNESS_MAIN
