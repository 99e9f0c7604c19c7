/*
 * User namespace: root inside, with every capability, over what the
 * namespace owns only; outside, the same process keeps its own ids.
 * (The map rules are in suites/userns.)
 */
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "caps.h"
#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"

static int in_userns(int (*fn)(void *), void *arg)
{
	pid_t pid = br_idmap_spawn(0, NULL, fn, arg, NULL);

	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	return br_wait(pid);
}

static int all_caps(void *arg)
{
	struct br_caps c;

	(void)arg;
	if (br_caps_get(&c))
		return 100;
	return c.eff == br_caps_all() && getuid() == 0 ? 0 : 1;
}

TEST(root_with_all_caps_inside)
{
	ASSERT_EQ(0, in_userns(all_caps, NULL));
}

TEST(no_caps_outside_control, .as = BR_UNPRIV)
{
	struct br_caps c;

	ASSERT_EQ(0, br_caps_get(&c));
	ASSERT_EQ(0, c.eff);
}

static int wait_eof(void *arg)
{
	int *p = arg;
	char c;

	close(p[1]);
	return read(p[0], &c, 1) < 0;
}

/* A child in a new user namespace that waits until pipefd[1] is closed. */
static pid_t parked_in_userns(int pipefd[2])
{
	pid_t pid;

	ASSERT_OK(pipe(pipefd));
	pid = br_idmap_spawn(0, NULL, wait_eof, pipefd, NULL);
	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	return pid;
}

/* Seen from outside, the process keeps its own uid. */
TEST(outside_view_keeps_real_uid)
{
	char path[64], buf[2048], *p;
	unsigned uid;
	int pipefd[2];
	pid_t pid;

	pid = parked_in_userns(pipefd);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ASSERT_LT(0, br_read_file(path, buf, sizeof(buf)));
	p = strstr(buf, "\nUid:");
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(1, sscanf(p, "\nUid:\t%u", &uid));
	ASSERT_EQ(geteuid(), uid);
	close(pipefd[1]);
	ASSERT_EQ(0, br_wait(pid));
}

/* Its capabilities do not reach the host's UTS namespace (owned by the
 * initial user namespace): sethostname with the current name is EPERM. */
static int rename_host(void *own_uts)
{
	char name[256];

	if (own_uts && unshare(CLONE_NEWUTS))
		return 100;
	if (gethostname(name, sizeof(name)))
		return 101;
	return sethostname(name, strlen(name)) ? errno : 0;
}

TEST(caps_do_not_reach_parent_uts)
{
	ASSERT_EQ(EPERM, in_userns(rename_host, NULL));
}

TEST(caps_reach_own_uts_control)
{
	ASSERT_EQ(0, in_userns(rename_host, (void *)1));
}

/* NS_GET_OWNER_UID: the namespace belongs to its creator's euid. */
TEST(owner_is_creator)
{
	char path[64];
	int pipefd[2], fd;
	uid_t owner = (uid_t)-1;
	pid_t pid;

	pid = parked_in_userns(pipefd);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(ioctl(fd, NS_GET_OWNER_UID, &owner));
	ASSERT_EQ(geteuid(), owner);
	close(pipefd[1]);
	ASSERT_EQ(0, br_wait(pid));
}

TEST_HARNESS_MAIN
