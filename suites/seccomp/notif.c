/*
 * SECCOMP_RET_USER_NOTIF: a supervisor holding the listener fd answers the
 * filtered call. One listener per filter stack (EBUSY), ENOSYS once nobody
 * listens, pids translated into the listener's pid namespace (0 when not
 * visible there), ADDFD to install an fd in the target, and CONTINUE, which
 * runs the call but is documented as unsafe for security decisions: the
 * target's memory can change between the check and the use.
 */
#include <linux/seccomp.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#define NOTIF_GETPPID "ld nr\njeq getppid 0 1\nret USER_NOTIF\nret ALLOW\n"

static long raw_getppid(void)
{
	return br_sys(BR_ABI_NATIVE, SYS_getppid, 0, 0, 0, 0, 0, 0);
}

static int listen_getppid(void)
{
	long fd = br_seccomp_load_text(NOTIF_GETPPID,
				       BR_SECCOMP_NNP | SECCOMP_FILTER_FLAG_NEW_LISTENER);

	if (fd < 0)
		br_fail(__FILE__, __LINE__, "NEW_LISTENER: %s", br_errname((int)-fd));
	ASSERT_LE(0, fd);
	return (int)fd;
}

enum answer { ANSWER_PID_PLUS_1000, ANSWER_CONTINUE, ANSWER_ADDFD };

/* Supervisor: receive one notification and answer it. Exit status: 0 ok. */
static int supervise(int fd, enum answer how)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req))
		return 10;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id))
		return 11;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (how == ANSWER_PID_PLUS_1000) {
		resp.val = 1000 + req.pid; /* tells the target what we saw */
	} else if (how == ANSWER_CONTINUE) {
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		struct seccomp_notif_addfd add = {.id = req.id, .srcfd = 0};
		int p[2], got;

		if (pipe(p))
			return 12;
		add.srcfd = (unsigned)p[0];
		got = ioctl(fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		if (got < 0)
			return errno == EINVAL || errno == ENOTTY ? 13 : 14;
		resp.val = got; /* the new fd's number in the target */
	}
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) ? 15 : 0;
}

/* Fork a supervisor (optionally in a new pid namespace) holding fd. */
static pid_t start_supervisor(int fd, enum answer how, bool new_pidns)
{
	pid_t pid;

	if (new_pidns) {
		int r = br_ns_private(CLONE_NEWPID);

		if (r)
			SKIP("cannot create a pid namespace: %s", br_errname(-r));
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(supervise(fd, how));
	return pid;
}

TEST(listener_answers_the_call)
{
	int fd = listen_getppid();
	pid_t sup = start_supervisor(fd, ANSWER_PID_PLUS_1000, false);

	/* control for the pid namespace case: same namespace, our own pid */
	ASSERT_EQ(1000 + getpid(), raw_getppid());
	ASSERT_EQ(0, br_wait(sup));
}

/* The supervisor lives in a child pid namespace: we are not visible there. */
TEST(pid_not_visible_to_listener_reads_0)
{
	int fd = listen_getppid();
	pid_t sup = start_supervisor(fd, ANSWER_PID_PLUS_1000, true);

	ASSERT_EQ(1000 + 0, raw_getppid());
	ASSERT_EQ(0, br_wait(sup));
}

static int second_listener(void *arg)
{
	long r;

	(void)arg;
	if (br_seccomp_load_text(NOTIF_GETPPID, BR_SECCOMP_NNP | SECCOMP_FILTER_FLAG_NEW_LISTENER) < 0)
		return 10;
	r = br_seccomp_load_text(NOTIF_GETPPID, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	return r < 0 ? (int)-r : 0;
}

TEST(second_listener_ebusy)
{
	ASSERT_EQ(EBUSY, br_child(second_listener, NULL));
}

static int closed_listener(void *arg)
{
	int fd = (int)br_seccomp_load_text(NOTIF_GETPPID,
					   BR_SECCOMP_NNP | SECCOMP_FILTER_FLAG_NEW_LISTENER);
	long r;

	(void)arg;
	if (fd < 0)
		return 10;
	close(fd);
	r = raw_getppid();
	return r < 0 ? (int)-r : 0;
}

TEST(no_listener_enosys)
{
	ASSERT_EQ(ENOSYS, br_child(closed_listener, NULL));
}

/* CONTINUE (5.5): the kernel runs the call as if allowed. */
TEST(continue_runs_the_call)
{
	pid_t ppid = getppid();
	int fd = listen_getppid();
	pid_t sup = start_supervisor(fd, ANSWER_CONTINUE, false);
	long r = raw_getppid();
	int st = br_wait(sup);

	if (st == 15 && r == -EINVAL)
		SKIP("SECCOMP_USER_NOTIF_FLAG_CONTINUE needs Linux 5.5");
	br_fact("seccomp.user_notif.continue", "runs the call; unsafe for security decisions "
						"(the target's memory can change after the check)");
	ASSERT_EQ(0, st);
	ASSERT_EQ(ppid, r);
}

/* ADDFD (5.9): the supervisor installs an fd in the target. */
TEST(addfd_installs_fd_in_target)
{
	int fd = listen_getppid();
	pid_t sup = start_supervisor(fd, ANSWER_ADDFD, false);
	long r = raw_getppid();
	int st = br_wait(sup);
	struct stat sb;

	if (st == 13)
		SKIP("SECCOMP_IOCTL_NOTIF_ADDFD needs Linux 5.9");
	ASSERT_EQ(0, st);
	ASSERT_LE(0, r);
	ASSERT_OK(fstat((int)r, &sb));
	ASSERT_TRUE(S_ISFIFO(sb.st_mode));
}

TEST_HARNESS_MAIN
