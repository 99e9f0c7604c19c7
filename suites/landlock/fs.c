/*
 * Every filesystem access right, three ways (tree: common.h):
 *   denied   the right handled, granted only beneath granted/; the
 *            operation in denied/ fails with EACCES (refer: EXDEV);
 *   granted  the same ruleset; the operation in granted/ is allowed;
 *   control  no Landlock; the operation in denied/ is allowed.
 * Each ruleset handles the one right under test only, so nothing else
 * can be what denied it. "Allowed" means the operation got past Landlock:
 * it succeeded, or failed later with its sentinel (execve of a non-binary
 * gives ENOEXEC, mknod of a device without CAP_MKNOD gives EPERM, TCGETS on
 * /dev/null gives ENOTTY).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>

#include "common.h"

static char path_buf[256];

static const char *at(const char *side, const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", side, name);
	return path_buf;
}

static int op_execute(const char *side)
{
	char *const argv[] = {"file", NULL}, *const envp[] = {NULL};
	int e = outcome(execve(at(side, "file"), argv, envp));

	return e == ENOEXEC ? 0 : e;
}

static int op_write_file(const char *side)
{
	return outcome(open(at(side, "file"), O_WRONLY | O_CLOEXEC));
}

static int op_read_file(const char *side)
{
	return outcome(open(at(side, "file"), O_RDONLY | O_CLOEXEC));
}

static int op_read_dir(const char *side)
{
	return outcome(open(at(side, "dir"), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

static int op_remove_dir(const char *side)
{
	return outcome(rmdir(at(side, "dir")));
}

static int op_remove_file(const char *side)
{
	return outcome(unlink(at(side, "file")));
}

/* Devices need CAP_MKNOD in the initial namespace; Landlock checks first. */
static int make_node(const char *side, mode_t type, dev_t dev)
{
	int e = outcome(mknod(at(side, "new"), type | 0600, dev));

	return (e == EPERM && (S_ISCHR(type) || S_ISBLK(type))) ? 0 : e;
}

static int op_make_char(const char *side) { return make_node(side, S_IFCHR, makedev(1, 3)); }
static int op_make_reg(const char *side) { return make_node(side, S_IFREG, 0); }
static int op_make_sock(const char *side) { return make_node(side, S_IFSOCK, 0); }
static int op_make_fifo(const char *side) { return make_node(side, S_IFIFO, 0); }
static int op_make_block(const char *side) { return make_node(side, S_IFBLK, makedev(7, 0)); }

static int op_make_dir(const char *side)
{
	return outcome(mkdir(at(side, "new"), 0755));
}

static int op_make_sym(const char *side)
{
	return outcome(symlink("file", at(side, "new")));
}

/* Reparenting: from/moved to to/moved, both beneath the same side. */
static int op_refer(const char *side)
{
	char to[256];

	snprintf(to, sizeof(to), "%s/to/moved", side);
	return outcome(rename(at(side, "from/moved"), to));
}

static int op_truncate(const char *side)
{
	return outcome(truncate(at(side, "file"), 0));
}

/* The truncate right is bound to the fd at open; write_file is unhandled. */
static int op_ftruncate(const char *side)
{
	int fd = open(at(side, "file"), O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	return outcome(ftruncate(fd, 0));
}

static int op_open_trunc(const char *side)
{
	return outcome(open(at(side, "file"), O_WRONLY | O_TRUNC | O_CLOEXEC));
}

/* TCGETS on /dev/null: ENOTTY from the driver once past Landlock. */
static int op_ioctl_dev(const char *side)
{
	struct termios t;
	int fd = open(at(side, "dev"), O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return errno;
	e = outcome(ioctl(fd, TCGETS, &t));
	return e == ENOTTY ? 0 : e;
}

/* A listening pathname socket made before enforcement (setup); connect. */
static int op_resolve_unix(const char *side)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", at(side, "sock"));
	return outcome(connect(s, (struct sockaddr *)&a, sizeof(a)));
}

static void listen_at(const char *side)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", at(side, "sock"));
	ASSERT_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_OK(listen(s, 4));
}

FIXTURE(fs) {
	int unused;
};

FIXTURE_VARIANT(fs) {
	uint64_t right;
	int (*op)(const char *side);
	int denial; /* errno when handled and not granted */
};

#define RIGHT(name, bit, fn, err)                                              \
	FIXTURE_VARIANT_ADD(fs, name) {                                        \
		.right = LANDLOCK_ACCESS_FS_##bit, .op = fn, .denial = err     \
	}

RIGHT(execute, EXECUTE, op_execute, EACCES);
RIGHT(write_file, WRITE_FILE, op_write_file, EACCES);
RIGHT(read_file, READ_FILE, op_read_file, EACCES);
RIGHT(read_dir, READ_DIR, op_read_dir, EACCES);
RIGHT(remove_dir, REMOVE_DIR, op_remove_dir, EACCES);
RIGHT(remove_file, REMOVE_FILE, op_remove_file, EACCES);
RIGHT(make_char, MAKE_CHAR, op_make_char, EACCES);
RIGHT(make_dir, MAKE_DIR, op_make_dir, EACCES);
RIGHT(make_reg, MAKE_REG, op_make_reg, EACCES);
RIGHT(make_sock, MAKE_SOCK, op_make_sock, EACCES);
RIGHT(make_fifo, MAKE_FIFO, op_make_fifo, EACCES);
RIGHT(make_block, MAKE_BLOCK, op_make_block, EACCES);
RIGHT(make_sym, MAKE_SYM, op_make_sym, EACCES);
RIGHT(refer, REFER, op_refer, EXDEV);
RIGHT(truncate, TRUNCATE, op_truncate, EACCES);
RIGHT(truncate_ftruncate, TRUNCATE, op_ftruncate, EACCES);
RIGHT(truncate_open_trunc, TRUNCATE, op_open_trunc, EACCES);
RIGHT(ioctl_dev, IOCTL_DEV, op_ioctl_dev, EACCES);
RIGHT(resolve_unix, RESOLVE_UNIX, op_resolve_unix, EACCES);

FIXTURE_SETUP(fs)
{
	NEED_ABI(br_landlock_abi_of('f', variant->right));
	scratch();
	if (variant->op == op_resolve_unix) {
		listen_at("granted");
		listen_at("denied");
	}
}

FIXTURE_TEARDOWN(fs) {}

static void enforce_right(uint64_t right)
{
	struct br_landlock_rule rules[] = {{.path = "granted", .fs = right}, {0}};

	enforce((struct br_landlock_access){.fs = right}, rules);
}

TEST_F(fs, denied)
{
	enforce_right(variant->right);
	ASSERT_OUTCOME(variant->denial, variant->op("denied"));
}

TEST_F(fs, granted)
{
	enforce_right(variant->right);
	ASSERT_OUTCOME(0, variant->op("granted"));
}

TEST_F(fs, control)
{
	ASSERT_OUTCOME(0, variant->op("denied"));
}

/* Truncation is decided at open: an fd opened before enforcement keeps the
 * right, one opened after under the same path does not. */
TEST(truncate_bound_at_open)
{
	int before, after;

	NEED_ABI(3);
	scratch();
	before = open("denied/file", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, before);
	enforce_right(LANDLOCK_ACCESS_FS_TRUNCATE);
	after = open("denied/file", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, after);
	ASSERT_OUTCOME(EACCES, outcome(ftruncate(after, 0)));
	ASSERT_OUTCOME(0, outcome(ftruncate(before, 0)));
}

/* Refer granted on both sides by two separate rules: allowed; the same
 * rename out of a granted directory into an ungranted one: EXDEV. */
TEST(refer_needs_both_sides)
{
	struct br_landlock_rule rules[] = {
		{.path = "granted/from", .fs = LANDLOCK_ACCESS_FS_REFER},
		{.path = "granted/to", .fs = LANDLOCK_ACCESS_FS_REFER},
		{0}};

	NEED_ABI(2);
	scratch();
	enforce((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_REFER}, rules);
	ASSERT_OUTCOME(EXDEV, outcome(rename("granted/from/moved", "denied/to/moved")));
	ASSERT_OUTCOME(0, outcome(rename("granted/from/moved", "granted/to/moved")));
}

/* Reparenting is denied by every domain, whatever it handles: refer is the
 * one right that is always implicitly handled. A rename within one
 * directory is not reparenting and stays allowed. */
TEST(refer_implicitly_handled)
{
	NEED_ABI(1);
	scratch();
	enforce((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_WRITE_FILE}, NULL);
	ASSERT_OUTCOME(EXDEV, outcome(rename("granted/from/moved", "granted/to/moved")));
	ASSERT_OUTCOME(0, outcome(rename("granted/from/moved", "granted/from/renamed")));
}

/* A hard link is a creation: make_reg on the destination decides. */
TEST(link_needs_make_reg)
{
	struct br_landlock_rule rules[] = {{.path = "granted", .fs = LANDLOCK_ACCESS_FS_MAKE_REG}, {0}};

	NEED_ABI(1);
	scratch();
	enforce((struct br_landlock_access){.fs = LANDLOCK_ACCESS_FS_MAKE_REG}, rules);
	ASSERT_OUTCOME(EACCES, outcome(link("denied/file", "denied/link")));
	ASSERT_OUTCOME(0, outcome(link("granted/file", "granted/link")));
}

/* Layers intersect: each grants write beneath a different side, so
 * together they grant nothing there; one layer alone grants its side. */
TEST(layers_intersect)
{
	struct br_landlock_rule g[] = {{.path = "granted", .fs = LANDLOCK_ACCESS_FS_WRITE_FILE}, {0}};
	struct br_landlock_rule d[] = {{.path = "denied", .fs = LANDLOCK_ACCESS_FS_WRITE_FILE}, {0}};
	struct br_landlock_access w = {.fs = LANDLOCK_ACCESS_FS_WRITE_FILE};

	NEED_ABI(1);
	scratch();
	enforce(w, g);
	ASSERT_OUTCOME(0, outcome(open("granted/file", O_WRONLY | O_CLOEXEC)));
	enforce(w, d);
	ASSERT_OUTCOME(EACCES, outcome(open("granted/file", O_WRONLY | O_CLOEXEC)));
	ASSERT_OUTCOME(EACCES, outcome(open("denied/file", O_WRONLY | O_CLOEXEC)));
}

TEST_HARNESS_MAIN
