/*
 * setns rules: joining a namespace needs CAP_SYS_ADMIN over the user
 * namespace that owns it; a user namespace can be joined only by a
 * single-threaded process, never the caller's own and never an ancestor;
 * the type must match; a pid namespace is entered by the children only, and
 * only downwards. A pidfd names a process, not its namespaces: once that
 * process has exited (even unreaped), setns through it is ESRCH.
 * Targets are children in namespaces of their own (br_idmap_spawn).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"

/* A child in new user (+flags) namespaces, waiting until the case ends. */
static int wait_eof(void *arg)
{
	int *p = arg;
	char c;

	close(p[1]);
	return read(p[0], &c, 1) < 0;
}

static pid_t target(int flags)
{
	static int p[2];
	pid_t pid;

	ASSERT_OK(pipe(p));
	pid = br_idmap_spawn(flags, NULL, wait_eof, p, NULL);
	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	close(p[0]);
	return pid; /* p[1] stays open in the case: the target lives as long */
}

static int join(pid_t pid, const char *name, int type)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	return br_ns_setns_path(path, type);
}

TEST(join_without_cap_over_owner_eperm, .as = BR_UNPRIV)
{
	pid_t pid = target(CLONE_NEWUTS);

	ASSERT_EQ(-EPERM, join(pid, "uts", CLONE_NEWUTS));
}

/* Joining the owner first gives its capabilities, so the uts join works. */
TEST(join_owner_first_control)
{
	pid_t pid = target(CLONE_NEWUTS);
	struct br_ns_id want;

	ASSERT_EQ(0, br_ns_id(pid, "uts", &want));
	ASSERT_EQ(0, join(pid, "user", CLONE_NEWUSER));
	ASSERT_EQ(0, join(pid, "uts", CLONE_NEWUTS));
	ASSERT_EQ(1, br_ns_is(0, "uts", &want));
}

/* Real root holds every capability over descendant user namespaces. */
TEST(root_joins_descendant_owned_ns, .as = BR_ROOT)
{
	pid_t pid = target(CLONE_NEWUTS);

	ASSERT_EQ(0, join(pid, "uts", CLONE_NEWUTS));
}

static void *idle(void *arg)
{
	char c;

	return (void *)(long)read(*(int *)arg, &c, 1);
}

TEST(multithreaded_userns_join_einval)
{
	pid_t pid = target(0);
	pthread_t th;
	int p[2];

	ASSERT_OK(pipe(p));
	ASSERT_EQ(0, pthread_create(&th, NULL, idle, &p[0]));
	ASSERT_EQ(-EINVAL, join(pid, "user", CLONE_NEWUSER));
	close(p[1]);
	pthread_join(th, NULL);
}

TEST(single_threaded_userns_join_control)
{
	pid_t pid = target(0);

	ASSERT_EQ(0, join(pid, "user", CLONE_NEWUSER));
}

static void enter_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	br_require_userns();
	ASSERT_OK(unshare(CLONE_NEWUSER));
	ASSERT_EQ(0, br_idmap_map_root(0, uid, gid));
}

/* Going back up would regain the parent's privileges: EPERM. */
TEST(ancestor_userns_join_eperm)
{
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	enter_userns();
	ASSERT_ERRNO(EPERM, setns(fd, CLONE_NEWUSER));
}

TEST(own_userns_join_einval)
{
	int fd;

	enter_userns();
	fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(EINVAL, setns(fd, CLONE_NEWUSER));
}

TEST(type_mismatch_einval)
{
	pid_t pid = target(CLONE_NEWUTS);

	ASSERT_EQ(0, join(pid, "user", CLONE_NEWUSER));
	ASSERT_EQ(-EINVAL, join(pid, "uts", CLONE_NEWNET));
	ASSERT_EQ(0, join(pid, "uts", 0)); /* control: 0 accepts any type */
}

/* ---- pid namespaces ---- */

/* After setns into a child's pid namespace the caller keeps its pid; its
 * next child is born inside (pid 2 there: the target is 1). */
static int report_pid(void *arg)
{
	(void)arg;
	return getpid();
}

TEST(pidns_join_moves_children_only)
{
	pid_t me = getpid(), pid = target(CLONE_NEWPID);

	ASSERT_EQ(0, join(pid, "user", CLONE_NEWUSER));
	ASSERT_EQ(0, join(pid, "pid", CLONE_NEWPID));
	ASSERT_EQ(me, getpid());
	ASSERT_EQ(2, br_child(report_pid, NULL));
}

/* From inside a pid namespace, its parent is out of reach even with the
 * capabilities over it: P1 (owned by our user namespace) holds C, which
 * opens P1 and makes P2 for D; D cannot join P1. Joining down is the control. */
static int join_pidns(int fd)
{
	return setns(fd, CLONE_NEWPID) ? errno : 0;
}

static int two_levels(void *up)
{
	int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), pidfd, ret;
	pid_t pid;

	if (fd < 0)
		return 100;
	pid = br_ns_clone3(CLONE_NEWPID, &pidfd);
	if (pid == 0) {
		if (up)
			_exit(join_pidns(fd));
		pause();
		_exit(0);
	}
	if (pid < 0 || pidfd < 0)
		return 101;
	if (up)
		return br_wait(pid);
	/* Our pids are P1's, not those of the host's /proc: go by pidfd. */
	ret = br_ns_setns_pidfd(pidfd, CLONE_NEWPID);
	kill(pid, SIGKILL);
	br_wait(pid);
	return ret < 0 ? -ret : 0;
}

static int in_own_pidns(void *up)
{
	pid_t pid;
	int ret = br_ns_private(0);

	if (ret)
		return 99;
	pid = br_ns_clone3(CLONE_NEWPID, NULL);
	if (pid == 0)
		_exit(two_levels(up));
	return pid < 0 ? 98 : br_wait(pid);
}

TEST(ancestor_pidns_join_einval)
{
	ASSERT_EQ(EINVAL, br_child(in_own_pidns, (void *)1));
}

TEST(descendant_pidns_join_control)
{
	ASSERT_EQ(0, br_child(in_own_pidns, NULL));
}

/* Joining the mount namespace one already is in still needs the caps. */
TEST(mnt_join_without_cap_eperm, .as = BR_UNPRIV)
{
	ASSERT_EQ(-EPERM, br_ns_setns_path("/proc/self/ns/mnt", CLONE_NEWNS));
}

TEST(mnt_join_with_cap_control)
{
	int ret = br_ns_private(CLONE_NEWNS), fd;

	if (ret)
		SKIP("cannot create namespaces: %s", br_errname(-ret));
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(unshare(CLONE_NEWNS));
	ASSERT_OK(setns(fd, CLONE_NEWNS)); /* back into the first one */
}

/* A child in a new uts namespace (and user namespace when not root): its
 * pidfd. It lives until the case ends. */
static int uts_child_pidfd(pid_t *pid)
{
	int fd;

	*pid = target(CLONE_NEWUTS);
	fd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (fd < 0 && errno == ENOSYS)
		SKIP("pidfd_open needs Linux 5.3");
	ASSERT_LE(0, fd);
	return fd;
}

TEST(pidfd_of_exited_child_esrch)
{
	pid_t pid;
	int fd = uts_child_pidfd(&pid);
	siginfo_t si;

	ASSERT_OK(kill(pid, SIGKILL));
	/* exited but not reaped: WNOWAIT keeps the zombie */
	ASSERT_OK(waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(-ESRCH, br_ns_setns_pidfd(fd, CLONE_NEWUSER | CLONE_NEWUTS));
}

TEST(pidfd_of_live_child_joins_control)
{
	pid_t pid;
	int fd = uts_child_pidfd(&pid);
	struct br_ns_id want;
	int r;

	ASSERT_EQ(0, br_ns_id(pid, "uts", &want));
	r = br_ns_setns_pidfd(fd, CLONE_NEWUSER | CLONE_NEWUTS);
	ASSERT_LE(0, r);
	ASSERT_EQ(1, br_ns_is(0, "uts", &want));
}

TEST_HARNESS_MAIN
