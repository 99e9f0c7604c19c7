/*
 * Argument validation of the three syscalls: each bad argument gets its
 * own errno (ENOMSG, EINVAL, E2BIG, EBADF, EBADFD), and the same call with
 * the argument fixed succeeds (the _ok twin), so the errno is about the
 * argument under test and nothing else.
 */
#include "common.h"

static const struct br_landlock_ruleset_attr make_dir = {
	.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_DIR,
};
#define FS_SIZE BR_LANDLOCK_ATTR_SIZE(handled_access_fs)

static int ruleset(void)
{
	int fd = br_landlock_create_ruleset(&make_dir, FS_SIZE, 0);

	ASSERT_LE(0, fd);
	return fd;
}

static int add_dir_rule(int fd, uint64_t access, uint32_t flags)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = access, .parent_fd = open("/", O_PATH | O_CLOEXEC)};

	return outcome(br_landlock_add_rule(fd, BR_LANDLOCK_RULE_PATH_BENEATH, &pb, flags));
}

TEST(create_ok)
{
	NEED_ABI(1);
	ASSERT_LE(0, br_landlock_create_ruleset(&make_dir, FS_SIZE, 0));
}

/* A ruleset that handles nothing. */
TEST(create_empty_enomsg)
{
	struct br_landlock_ruleset_attr none = {0};

	NEED_ABI(1);
	ASSERT_ERRNO(ENOMSG, br_landlock_create_ruleset(&none, FS_SIZE, 0));
}

TEST(create_unknown_right_einval)
{
	struct br_landlock_ruleset_attr bad = {.handled_access_fs = 1ULL << 63};

	NEED_ABI(1);
	ASSERT_ERRNO(EINVAL, br_landlock_create_ruleset(&bad, FS_SIZE, 0));
}

TEST(create_unknown_flag_einval)
{
	NEED_ABI(1);
	ASSERT_ERRNO(EINVAL, br_landlock_create_ruleset(&make_dir, FS_SIZE, 1U << 31));
}

/* The version query takes no attr. */
TEST(version_with_attr_einval)
{
	NEED_ABI(1);
	ASSERT_ERRNO(EINVAL, br_landlock_create_ruleset(&make_dir, FS_SIZE,
							LANDLOCK_CREATE_RULESET_VERSION));
}

/* Smaller than the first field. */
TEST(create_short_attr_einval)
{
	NEED_ABI(1);
	ASSERT_ERRNO(EINVAL, br_landlock_create_ruleset(&make_dir, 4, 0));
}

/* Bigger than the kernel knows, with a non-zero byte it cannot interpret. */
TEST(create_nonzero_tail_e2big)
{
	struct {
		struct br_landlock_ruleset_attr attr;
		__u64 beyond;
	} big = {.attr = make_dir, .beyond = 1};

	NEED_ABI(1);
	ASSERT_ERRNO(E2BIG, br_landlock_create_ruleset(&big, sizeof(big), 0));
}

/* The same size with a zero tail is accepted (forward compatibility). */
TEST(create_zero_tail_ok)
{
	struct {
		struct br_landlock_ruleset_attr attr;
		__u64 beyond;
	} big = {.attr = make_dir};

	NEED_ABI(1);
	ASSERT_LE(0, br_landlock_create_ruleset(&big, sizeof(big), 0));
}

TEST(add_rule_ok)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(0, add_dir_rule(ruleset(), LANDLOCK_ACCESS_FS_MAKE_DIR, 0));
}

TEST(add_rule_empty_access_enomsg)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(ENOMSG, add_dir_rule(ruleset(), 0, 0));
}

/* A right the ruleset does not handle. */
TEST(add_rule_unhandled_right_einval)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(EINVAL, add_dir_rule(ruleset(), LANDLOCK_ACCESS_FS_READ_FILE, 0));
}

TEST(add_rule_unknown_flag_einval)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(EINVAL, add_dir_rule(ruleset(), LANDLOCK_ACCESS_FS_MAKE_DIR, 1U << 31));
}

TEST(add_rule_unknown_type_einval)
{
	struct landlock_path_beneath_attr pb = {.allowed_access = LANDLOCK_ACCESS_FS_MAKE_DIR};

	NEED_ABI(1);
	pb.parent_fd = open("/", O_PATH | O_CLOEXEC);
	ASSERT_ERRNO(EINVAL, br_landlock_add_rule(ruleset(), 99, &pb, 0));
}

/* A directory-only right on a regular file. */
TEST(add_rule_dir_right_on_file_einval)
{
	struct br_landlock_ruleset_attr attr = {.handled_access_fs = LANDLOCK_ACCESS_FS_READ_DIR};
	struct landlock_path_beneath_attr pb = {.allowed_access = LANDLOCK_ACCESS_FS_READ_DIR};
	int fd;

	NEED_ABI(1);
	fd = br_landlock_create_ruleset(&attr, FS_SIZE, 0);
	ASSERT_LE(0, fd);
	pb.parent_fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	ASSERT_ERRNO(EINVAL, br_landlock_add_rule(fd, BR_LANDLOCK_RULE_PATH_BENEATH, &pb, 0));
}

TEST(add_rule_bad_parent_fd_ebadf)
{
	struct landlock_path_beneath_attr pb = {.allowed_access = LANDLOCK_ACCESS_FS_MAKE_DIR,
						.parent_fd = -1};

	NEED_ABI(1);
	ASSERT_ERRNO(EBADF, br_landlock_add_rule(ruleset(), BR_LANDLOCK_RULE_PATH_BENEATH, &pb, 0));
}

/* An fd that is not a ruleset. */
TEST(add_rule_not_a_ruleset_ebadfd)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(EBADFD, add_dir_rule(open("/dev/null", O_RDONLY | O_CLOEXEC),
					   LANDLOCK_ACCESS_FS_MAKE_DIR, 0));
}

TEST(restrict_not_a_ruleset_ebadfd)
{
	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_ERRNO(EBADFD, br_landlock_restrict_self(open("/dev/null", O_RDONLY | O_CLOEXEC), 0));
}

TEST(restrict_bad_fd_ebadf)
{
	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_ERRNO(EBADF, br_landlock_restrict_self(-1, 0));
}

TEST(restrict_unknown_flag_einval)
{
	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_ERRNO(EINVAL, br_landlock_restrict_self(ruleset(), 1U << 31));
}

TEST(restrict_ok)
{
	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_OK(br_landlock_restrict_self(ruleset(), 0));
}

/* The logging flags arrived in ABI 7; below that they are EINVAL, from 7
 * they are accepted. */
TEST(restrict_log_flags_ok)
{
	NEED_ABI(7);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_OK(br_landlock_restrict_self(ruleset(), LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON |
						      LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF));
}

/* TSYNC is new in ABI 8: a kernel below that must refuse it, never ignore
 * it (which would leave sibling threads unrestricted in silence). */
TEST(restrict_tsync_refused_below_abi8)
{
	int abi = br_landlock_abi();

	NEED_ABI(1);
	if (abi >= 8)
		SKIP("running ABI %d has TSYNC (see domain.thread_sibling_restricted_with_tsync)", abi);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_ERRNO(EINVAL, br_landlock_restrict_self(ruleset(), LANDLOCK_RESTRICT_SELF_TSYNC));
}

TEST_HARNESS_MAIN
