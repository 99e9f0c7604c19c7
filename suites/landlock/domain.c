/*
 * Domain semantics: inheritance across fork and exec, no undo, the 16-layer
 * limit, the NNP requirement, pre-opened fds, and thread scope before and
 * with TSYNC. The probe throughout is writing denied/file (tree: common.h)
 * with WRITE_FILE handled and granted nowhere.
 */
#include <sys/mount.h>
#include <sys/wait.h>

#include "common.h"
#include "proc.h"

static const struct br_landlock_access write_file = {.fs = LANDLOCK_ACCESS_FS_WRITE_FILE};

static void deny_writes(void)
{
	enforce(write_file, NULL);
}

static int child_write(void *expect)
{
	ASSERT_OUTCOME((int)(long)expect, try_write());
	return 0;
}

TEST(inherited_across_fork)
{
	NEED_ABI(1);
	scratch();
	deny_writes();
	ASSERT_EQ(0, br_child(child_write, (void *)(long)EACCES));
}

TEST(inherited_across_fork_control)
{
	NEED_ABI(1);
	scratch();
	ASSERT_EQ(0, br_child(child_write, (void *)0L));
}

/*
 * After exec: the child re-executes this very binary (static, present in
 * every guest) to run sixteen_layers_then_e2big, which stacks 16 layers
 * and expects the 17th to fail. With one layer inherited across exec the
 * 16th already fails, so the exec'd harness exits 1; without, it exits 0.
 * (A domain may not mount, so the exec'd case must need no scratch tree.)
 */
static int exec_control_case(void *devnull)
{
	char *const argv[] = {"landlock-domain", "-r", "landlock.domain.sixteen_layers_then_e2big",
			      NULL};

	dup2((int)(long)devnull, 1);
	dup2((int)(long)devnull, 2);
	execv("/proc/self/exe", argv);
	return 127;
}

static void exec_case(bool restricted)
{
	int devnull;

	NEED_ABI(1);
	/* Opened before enforcement: the domain would deny opening it to write. */
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, devnull);
	if (restricted)
		deny_writes();
	ASSERT_EQ(restricted ? BR_EXIT_FAIL : BR_EXIT_PASS,
		  br_child(exec_control_case, (void *)(long)devnull));
}

TEST(inherited_across_exec)
{
	exec_case(true);
}

TEST(inherited_across_exec_control)
{
	exec_case(false);
}

/* A second ruleset that grants everything cannot widen the first: layers
 * only ever add restrictions. */
TEST(cannot_be_undone)
{
	struct br_landlock_rule all[] = {{.path = "/", .fs = LANDLOCK_ACCESS_FS_WRITE_FILE}, {0}};

	NEED_ABI(1);
	scratch();
	deny_writes();
	enforce(write_file, all);
	ASSERT_OUTCOME(EACCES, try_write());
}

/* The same granting ruleset alone does allow the write: the grant is real. */
TEST(cannot_be_undone_control)
{
	struct br_landlock_rule all[] = {{.path = "/", .fs = LANDLOCK_ACCESS_FS_WRITE_FILE}, {0}};

	NEED_ABI(1);
	scratch();
	enforce(write_file, all);
	ASSERT_OUTCOME(0, try_write());
}

/* LANDLOCK_MAX_NUM_LAYERS is 16: the 17th restrict_self is E2BIG. */
TEST(sixteen_layers_then_e2big)
{
	int fd;

	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	fd = br_landlock_create_ruleset(&(struct br_landlock_ruleset_attr){
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_DIR}, BR_LANDLOCK_ATTR_SIZE(handled_access_fs), 0);
	ASSERT_LE(0, fd);
	for (int i = 1; i <= 16; i++)
		ASSERT_OK(br_landlock_restrict_self(fd, 0));
	ASSERT_ERRNO(E2BIG, br_landlock_restrict_self(fd, 0));
}

/* Without no_new_privs and without CAP_SYS_ADMIN: EPERM. */
static int restrict_plain(void)
{
	int fd = br_landlock_create_ruleset(&(struct br_landlock_ruleset_attr){
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_DIR}, BR_LANDLOCK_ATTR_SIZE(handled_access_fs), 0);

	ASSERT_LE(0, fd);
	return outcome(br_landlock_restrict_self(fd, 0));
}

TEST(restrict_without_nnp_eperm, .as = BR_UNPRIV)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(EPERM, restrict_plain());
}

TEST(restrict_without_nnp_eperm_control, .as = BR_UNPRIV)
{
	NEED_ABI(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_OUTCOME(0, restrict_plain());
}

/* CAP_SYS_ADMIN (here: root) stands in for NNP. */
TEST(restrict_with_cap_sys_admin_without_nnp, .as = BR_ROOT)
{
	NEED_ABI(1);
	ASSERT_OUTCOME(0, restrict_plain());
}

/* An fd opened before enforcement keeps its rights; a new open is denied. */
TEST(preopened_fd_keeps_rights)
{
	int before;

	NEED_ABI(1);
	scratch();
	before = open("denied/file", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, before);
	deny_writes();
	ASSERT_OUTCOME(EACCES, try_write());
	ASSERT_EQ(1, write(before, "y", 1));
}

/* Threads (sibling helpers: common.h). Before TSYNC (ABI 8) restrict_self
 * binds the calling thread only, so a sibling stays unrestricted. */
TEST(thread_sibling_unrestricted_without_tsync)
{
	struct sibling s;

	NEED_ABI(1);
	scratch();
	sibling_start(&s);
	deny_writes();
	ASSERT_OUTCOME(EACCES, try_write());
	ASSERT_OUTCOME(0, sibling_try(&s));
}

TEST(thread_sibling_restricted_with_tsync)
{
	struct sibling s;

	NEED_ABI(8);
	scratch();
	sibling_start(&s);
	enforce_flags(write_file, NULL, LANDLOCK_RESTRICT_SELF_TSYNC);
	ASSERT_OUTCOME(EACCES, try_write());
	ASSERT_OUTCOME(EACCES, sibling_try(&s));
}

/* A thread created after enforcement inherits the domain. */
TEST(thread_created_after_inherits)
{
	struct sibling s;

	NEED_ABI(1);
	scratch();
	deny_writes();
	sibling_start(&s);
	ASSERT_OUTCOME(EACCES, sibling_try(&s));
}

/* A domain that handles any filesystem right may not change the mount
 * tree at all (mount, umount, pivot_root): EPERM, even with CAP_SYS_ADMIN
 * over its own mount namespace. */
static int mount_in_tree(void)
{
	return outcome(mount("tmpfs", "granted/dir", "tmpfs", 0, NULL));
}

TEST(domain_cannot_mount)
{
	NEED_ABI(1);
	scratch();
	deny_writes();
	ASSERT_OUTCOME(EPERM, mount_in_tree());
}

TEST(domain_cannot_mount_control)
{
	NEED_ABI(1);
	scratch();
	ASSERT_OUTCOME(0, mount_in_tree());
}

TEST_HARNESS_MAIN
