/*
 * The ruleset fd as an object (ABI 1): it is not a file (read/write are
 * EINVAL), it can be passed to another process over SCM_RIGHTS and
 * enforced there (and only there), and a domain survives credential
 * replacement from outside (KEYCTL_SESSION_TO_PARENT, cred_transfer).
 * The probe is opening denied/ as a directory with READ_DIR handled and
 * granted beneath granted/ (tree: common.h).
 */
#include <linux/keyctl.h>

#include "common.h"
#include "proc.h"

static const uint64_t read_dir = LANDLOCK_ACCESS_FS_READ_DIR;

static int open_dir(const char *p)
{
	return outcome(open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

static int read_dir_ruleset(void)
{
	struct br_landlock ll;
	struct br_landlock_access h = {.fs = read_dir};

	ASSERT_EQ(0, br_landlock_init(&ll, &h));
	ASSERT_EQ(0, br_landlock_allow_path(&ll, "granted", read_dir));
	return ll.fd;
}

TEST(fd_read_write_einval)
{
	char c;
	int fd;

	NEED_ABI(1);
	scratch();
	fd = read_dir_ruleset();
	ASSERT_ERRNO(EINVAL, write(fd, ".", 1));
	ASSERT_ERRNO(EINVAL, read(fd, &c, 1));
	/* Still a ruleset: it enforces. */
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_OK(br_landlock_restrict_self(fd, 0));
	ASSERT_OUTCOME(EACCES, open_dir("denied"));
}

/* The child receives the ruleset over a socketpair and enforces it: it is
 * restricted, and the sender (which never enforced) is not. */
static int receiver(void *sock)
{
	int fd = br_recv_fd((int)(long)sock);

	ASSERT_LE(0, fd);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_OK(br_landlock_restrict_self(fd, 0));
	ASSERT_OUTCOME(EACCES, open_dir("denied"));
	ASSERT_OUTCOME(0, open_dir("granted"));
	return 0;
}

TEST(fd_passed_over_scm_rights)
{
	int sv[2], fd;

	NEED_ABI(1);
	scratch();
	fd = read_dir_ruleset();
	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, br_send_fd(sv[0], fd));
	close(fd);
	ASSERT_EQ(0, br_child(receiver, (void *)(long)sv[1]));
	ASSERT_OUTCOME(0, open_dir("denied"));
}

/* A domain is part of the credentials; KEYCTL_SESSION_TO_PARENT replaces
 * the parent's credentials from a child without the cred_prepare hook.
 * The child shares the domain; after the transfer (seen as the parent's
 * session keyring becoming the child's) the parent is still restricted. */
static long keyring_id(void)
{
	return syscall(__NR_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}

static int to_parent(void *id_pipe)
{
	long id;

	ASSERT_LE(0, syscall(__NR_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	id = keyring_id();
	ASSERT_OK(syscall(__NR_keyctl, KEYCTL_SESSION_TO_PARENT));
	ASSERT_EQ((long)sizeof(id), write((int)(long)id_pipe, &id, sizeof(id)));
	return 0;
}

static void cred_transfer_case(bool restricted)
{
	long child_id = 0;
	int p[2];

	NEED_ABI(1);
	scratch();
	if (syscall(__NR_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		SKIP("no session keyring: %s (CONFIG_KEYS)", br_errname(errno));
	if (restricted)
		enforce((struct br_landlock_access){.fs = read_dir}, NULL);
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, br_child(to_parent, (void *)(long)p[1]));
	ASSERT_EQ((long)sizeof(child_id), read(p[0], &child_id, sizeof(child_id)));
	/* Applied on our way back to user space: by now. */
	ASSERT_EQ(child_id, keyring_id());
	ASSERT_OUTCOME(restricted ? EACCES : 0, open_dir("denied"));
}

TEST(domain_survives_cred_transfer)
{
	cred_transfer_case(true);
}

TEST(domain_survives_cred_transfer_control)
{
	cred_transfer_case(false);
}

TEST_HARNESS_MAIN
