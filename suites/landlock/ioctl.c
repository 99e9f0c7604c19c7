/*
 * IOCTL_DEV (ABI 5) in detail, on the /dev/null binds of the tree
 * (common.h). The domain handles IOCTL_DEV and grants it beneath granted/:
 *   denied   the command on denied/dev: EACCES, except the commands every
 *            fd may use (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC and the VFS's
 *            own FIOQSIZE, FIGETBSZ, FS_IOC_FIEMAP), which get past Landlock;
 *   granted  the command on granted/dev gets past Landlock;
 *   control  no Landlock: the command on denied/dev gets past it.
 * "Past Landlock" is any result but EACCES (the driver may still say
 * ENOTTY). Only commands that read or change the fd itself are used: no
 * FIFREEZE, no SETFLAGS, nothing that reaches the host's /dev/null inode.
 * Fifos, sockets and directories are not devices: never restricted.
 */
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/mman.h>
#include <sys/un.h>

#include "common.h"

static const uint64_t ioctl_dev = LANDLOCK_ACCESS_FS_IOCTL_DEV;

/* EACCES, or 0 for any other outcome; a zeroed buffer as the argument. */
static int ioctl_past(int fd, unsigned long cmd)
{
	char buf[128] = {0};

	return ioctl(fd, cmd, buf) < 0 && errno == EACCES ? EACCES : 0;
}

static int open_dev(const char *side)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "%s/dev", side);
	fd = open(p, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	return fd;
}

static void deny_ioctls(void)
{
	struct br_landlock_rule rules[] = {{.path = "granted", .fs = ioctl_dev}, {0}};

	enforce((struct br_landlock_access){.fs = ioctl_dev}, rules);
}

FIXTURE(ioctl) {
	int unused;
};

FIXTURE_VARIANT(ioctl) {
	unsigned long cmd;
	bool always_allowed;
};

FIXTURE_VARIANT_ADD(ioctl, fioclex) { .cmd = FIOCLEX, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fionclex) { .cmd = FIONCLEX, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fionbio) { .cmd = FIONBIO, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fioasync) { .cmd = FIOASYNC, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fioqsize) { .cmd = FIOQSIZE, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, figetbsz) { .cmd = FIGETBSZ, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fiemap) { .cmd = FS_IOC_FIEMAP, .always_allowed = true };
FIXTURE_VARIANT_ADD(ioctl, fionread) { .cmd = FIONREAD };
FIXTURE_VARIANT_ADD(ioctl, getflags) { .cmd = FS_IOC_GETFLAGS };
FIXTURE_VARIANT_ADD(ioctl, fsgetxattr) { .cmd = FS_IOC_FSGETXATTR };
FIXTURE_VARIANT_ADD(ioctl, unknown) { .cmd = 0xc00ffeee };

FIXTURE_SETUP(ioctl)
{
	NEED_ABI(5);
	scratch();
}

FIXTURE_TEARDOWN(ioctl) {}

TEST_F(ioctl, denied)
{
	deny_ioctls();
	ASSERT_OUTCOME(variant->always_allowed ? 0 : EACCES, ioctl_past(open_dev("denied"), variant->cmd));
}

TEST_F(ioctl, granted)
{
	deny_ioctls();
	ASSERT_OUTCOME(0, ioctl_past(open_dev("granted"), variant->cmd));
}

TEST_F(ioctl, control)
{
	ASSERT_OUTCOME(0, ioctl_past(open_dev("denied"), variant->cmd));
}

/* A rule on the device file itself grants it too (the rule is tied to
 * the inode: granted/dev, a bind of the same /dev/null, is granted by it
 * as well). Its control is ioctl.fionread.denied. */
TEST(rule_on_device_file)
{
	struct br_landlock_rule rules[] = {{.path = "denied/dev", .fs = ioctl_dev}, {0}};

	NEED_ABI(5);
	scratch();
	enforce((struct br_landlock_access){.fs = ioctl_dev}, rules);
	ASSERT_OUTCOME(0, ioctl_past(open_dev("denied"), FIONREAD));
}

/* The right is bound to the fd at open: one opened before the domain
 * keeps it, a fresh open of the same device does not. */
TEST(bound_at_open)
{
	int before;

	NEED_ABI(5);
	scratch();
	before = open_dev("denied");
	deny_ioctls();
	ASSERT_OUTCOME(0, ioctl_past(before, FIONREAD));
	ASSERT_OUTCOME(EACCES, ioctl_past(open_dev("denied"), FIONREAD));
}

/* Not devices: a fifo, a unix socket and a directory beneath denied/
 * answer FIONREAD under the domain, while the device beside them (the
 * check that the domain is live) does not. */
static int open_fifo(void)
{
	ASSERT_OK(mkfifo("denied/fifo", 0600));
	return open("denied/fifo", O_RDWR | O_CLOEXEC); /* O_RDWR: no wait for a writer */
}

static int open_socket(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "denied/sock"};
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_OK(bind(srv, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_OK(listen(srv, 1));
	ASSERT_OK(connect(cli, (struct sockaddr *)&a, sizeof(a)));
	return cli;
}

static int open_directory(void)
{
	return open("denied/dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void not_a_device(int (*make)(void))
{
	int fd;

	NEED_ABI(5);
	scratch();
	deny_ioctls(); /* the domain handles nothing that make() needs */
	fd = make();
	ASSERT_LE(0, fd);
	ASSERT_OUTCOME(0, ioctl_past(fd, FIONREAD));
	ASSERT_OUTCOME(EACCES, ioctl_past(open_dev("denied"), FIONREAD));
}

TEST(fifo_not_restricted)
{
	not_a_device(open_fifo);
}

TEST(unix_socket_not_restricted)
{
	not_a_device(open_socket);
}

TEST(directory_not_restricted)
{
	not_a_device(open_directory);
}

/* A pipe and a memfd are not tied to a path at all. */
TEST(pipe_and_memfd_not_restricted)
{
	int p[2], m;

	NEED_ABI(5);
	scratch();
	deny_ioctls();
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	m = memfd_create("br", MFD_CLOEXEC);
	ASSERT_LE(0, m);
	ASSERT_OUTCOME(0, ioctl_past(p[0], FIONREAD));
	ASSERT_OUTCOME(0, ioctl_past(m, FS_IOC_GETFLAGS));
	ASSERT_OUTCOME(EACCES, ioctl_past(open_dev("denied"), FIONREAD));
}

TEST_HARNESS_MAIN
