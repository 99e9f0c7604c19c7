/*
 * SECCOMP_RET_USER_NOTIF: a supervisor holding the listener fd answers the
 * filtered call. One listener per filter stack (EBUSY), ENOSYS once nobody
 * listens, pids translated into the listener's pid namespace (0 when not
 * visible there), ADDFD to install an fd in the target, and CONTINUE, which
 * runs the call but is documented as unsafe for security decisions: the
 * target's memory can change between the check and the use. ADDFD with SEND
 * answers the call with the new fd, and must still answer it after a signal
 * interrupted the supervisor's first attempt. ADDFD is bound by the target's
 * RLIMIT_NOFILE, and a target killed while it waits takes its notification
 * with it (ENOENT for every later answer). A listener closed while the target
 * waits fails the call with ENOSYS. With WAIT_KILLABLE_RECV (6.0) a target
 * whose notification was received waits killable only: a signal cannot pull
 * it out of the call (it sleeps in D), where without the flag the handler runs.
 */
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
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

#define SEND_FD 42 /* the fd number ADDFD installs in the target */

/* The target: the filtered call, answered by ADDFD|SEND. Exit 0: it got
 * SEND_FD, open; 1: it returned 0, a value no supervisor sent; 2: other. */
static pid_t start_target(void)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		long r = raw_getppid();

		_exit(r == SEND_FD && fcntl(SEND_FD, F_GETFD) >= 0 ? 0 : r == 0 ? 1 : 2);
	}
	return pid;
}

static struct seccomp_notif_addfd send_fd(int listener, int *srcfd)
{
	struct seccomp_notif req;
	int p[2];

	memset(&req, 0, sizeof(req));
	ASSERT_OK(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req));
	ASSERT_OK(pipe(p));
	*srcfd = p[0];
	return (struct seccomp_notif_addfd){
		.id = req.id, .srcfd = (unsigned)p[0], .newfd = SEND_FD, .newfd_flags = O_CLOEXEC,
		.flags = SECCOMP_ADDFD_FLAG_SETFD | SECCOMP_ADDFD_FLAG_SEND};
}

/* Control for the interrupted case: ADDFD|SEND (5.14) answers the call. */
TEST(addfd_send_answers_the_call)
{
	int listener = listen_getppid(), src;
	pid_t target = start_target();
	struct seccomp_notif_addfd add = send_fd(listener, &src);
	long r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);

	if (r < 0 && errno == EINVAL)
		SKIP("SECCOMP_ADDFD_FLAG_SEND needs Linux 5.14");
	ASSERT_EQ(SEND_FD, r);
	ASSERT_EQ(0, br_wait(target));
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * A signal interrupts ADDFD|SEND while the supervisor waits for the target to
 * take the fd: the notification must go back to "sent", so the target keeps
 * waiting for a real answer and a retry delivers it. Without the fix it stays
 * "replied": the target's call returns 0, which no supervisor sent, and the
 * retry fails (EINPROGRESS, or ENOENT once the target is gone).
 * To land the signal inside that wait every time, all runs on one CPU: the
 * supervisor at SCHED_FIFO 99, a signaller at FIFO 50 that can only run once
 * the supervisor blocks, the target at SCHED_IDLE.
 */
TEST(addfd_send_interrupted_still_answers, .as = BR_ROOT,
     .fixed_by = "kees/for-next/seccomp 832b9b176be0 seccomp: restore knotif->state when "
		 "SECCOMP_ADDFD_FLAG_SEND is interrupted")
{
	struct sched_param fifo99 = {.sched_priority = 99}, fifo50 = {.sched_priority = 50},
			   other = {.sched_priority = 0};
	struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART: EINTR */
	pid_t me = getpid(), target, signaller;
	int listener, src, cpu = sched_getcpu(), e;
	struct seccomp_notif_addfd add;
	cpu_set_t one;
	long r;

	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	ASSERT_OK(sched_setaffinity(0, sizeof(one), &one));
	ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
	listener = listen_getppid();
	target = start_target();
	add = send_fd(listener, &src);
	ASSERT_OK(sched_setscheduler(target, SCHED_IDLE, &other));
	if (sched_setscheduler(0, SCHED_FIFO, &fifo99))
		SKIP("SCHED_FIFO refused (%s): cannot order the race", br_errname(errno));
	signaller = fork();
	if (signaller == 0)
		_exit(sched_setscheduler(0, SCHED_FIFO, &fifo50) || kill(me, SIGUSR1));
	r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	e = errno;
	ASSERT_OK(sched_setscheduler(0, SCHED_OTHER, &other));
	ASSERT_LE(0, signaller);
	ASSERT_EQ(0, br_wait(signaller));
	if (r < 0 && e == EINVAL)
		SKIP("SECCOMP_ADDFD_FLAG_SEND needs Linux 5.14");
	if (r >= 0)
		SKIP("the signal came after the target took the fd (ADDFD returned %ld): race not ordered", r);
	if (e != EINTR) {
		br_fail(__FILE__, __LINE__, "interrupted ADDFD|SEND: expected EINTR, got %s", br_errname(e));
		br_fail_now();
	}
	ASSERT_OK(sched_setscheduler(target, SCHED_OTHER, &other));
	r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	e = r < 0 ? errno : 0;
	if (br_wait(target) == 1)
		br_fail(__FILE__, __LINE__, "the target's filtered call returned 0, an answer no supervisor sent");
	if (r != SEND_FD)
		br_fail(__FILE__, __LINE__, "ADDFD|SEND retried after EINTR: expected fd %d, got %s", SEND_FD,
			r < 0 ? br_errname(e) : "another fd");
}

/* A target with RLIMIT_NOFILE 10 waits in getppid: ADDFD at fd 42 is EBADF
 * (the control is addfd_send_answers_the_call: the same at the usual limit). */
TEST(addfd_bound_by_target_rlimit)
{
	int listener = listen_getppid(), src, e;
	struct seccomp_notif_addfd add;
	struct seccomp_notif_resp resp = {0};
	pid_t target = fork();
	long r;

	ASSERT_LE(0, target);
	if (target == 0) {
		struct rlimit rl = {10, 10};

		_exit(setrlimit(RLIMIT_NOFILE, &rl) ? 3 : raw_getppid() == -ENOENT ? 0 : 2);
	}
	add = send_fd(listener, &src);
	r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	e = r < 0 ? errno : 0;
	if (e == EINVAL)
		SKIP("SECCOMP_ADDFD_FLAG_SEND needs Linux 5.14");
	if (e != EBADF) /* like dup2() past the limit */
		br_fail(__FILE__, __LINE__, "ADDFD at fd %d past the target's RLIMIT_NOFILE 10: expected "
			"EBADF, got %s", SEND_FD, r < 0 ? br_errname(e) : "an fd");
	resp.id = add.id;
	resp.error = -ENOENT;
	ASSERT_OK(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp));
	ASSERT_EQ(0, br_wait(target));
}

/* The target dies while it waits: its notification is gone. */
TEST(killed_target_notification_gone)
{
	int listener = listen_getppid();
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	pid_t target = fork();

	ASSERT_LE(0, target);
	if (target == 0)
		_exit(raw_getppid() == 1000 ? 0 : 1);
	memset(&req, 0, sizeof(req));
	ASSERT_OK(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req));
	ASSERT_OK(ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id)); /* control: alive */
	ASSERT_OK(kill(target, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, br_wait(target));
	ASSERT_ERRNO(ENOENT, ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id));
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = 1000;
	ASSERT_ERRNO(ENOENT, ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp));
}

/* The listener goes away while the target waits: the call fails with ENOSYS. */
TEST(listener_closed_while_waiting_enosys)
{
	int listener = listen_getppid();
	struct seccomp_notif req;
	pid_t target = fork();

	ASSERT_LE(0, target);
	if (target == 0) {
		close(listener);
		_exit(raw_getppid() == -ENOSYS ? 0 : 1);
	}
	memset(&req, 0, sizeof(req));
	ASSERT_OK(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req));
	ASSERT_OK(close(listener));
	ASSERT_EQ(0, br_wait(target));
}

/* ---- WAIT_KILLABLE_RECV ---- */

static int handled[2]; /* the target's SIGUSR1 handler writes here */

static void on_usr1_note(int sig)
{
	(void)sig;
	if (write(handled[1], "h", 1) != 1)
		_exit(9);
}

/* The state letter of pid in /proc/PID/stat ('S', 'D', ...), or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (br_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return 0;
	return p[1] == ' ' ? p[2] : 0;
}

/* A target in getppid under a listener loaded with extra flags; once the
 * notification is received, SIGUSR1 (handler: a byte on `handled`). Returns
 * 'h' when the handler ran, 'D' when the target went to a killable sleep
 * instead; the target is then answered and reaped (exit 0: it got 1000). */
static char signal_received_target(unsigned flags)
{
	long fd = br_seccomp_load_text(NOTIF_GETPPID,
				       BR_SECCOMP_NNP | SECCOMP_FILTER_FLAG_NEW_LISTENER | flags);
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	char seen = 0;
	pid_t target;

	if (fd == -EINVAL && flags)
		SKIP("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs Linux 6.0");
	ASSERT_LE(0, fd);
	ASSERT_OK(pipe2(handled, O_CLOEXEC));
	target = fork();
	ASSERT_LE(0, target);
	if (target == 0) {
		struct sigaction sa = {.sa_handler = on_usr1_note, .sa_flags = SA_RESTART};

		if (sigaction(SIGUSR1, &sa, NULL))
			_exit(8);
		_exit(raw_getppid() == 1000 ? 0 : 1);
	}
	memset(&req, 0, sizeof(req));
	ASSERT_OK(ioctl((int)fd, SECCOMP_IOCTL_NOTIF_RECV, &req));
	ASSERT_OK(kill(target, SIGUSR1));
	/* The handler's byte ends it at once; a killable sleep shows as D. */
	for (int i = 0; i < 2000 && !seen; i++) {
		struct pollfd p = {.fd = handled[0], .events = POLLIN};

		if (poll(&p, 1, 1) == 1)
			seen = 'h';
		else if (proc_state(target) == 'D')
			seen = 'D';
	}
	if (seen == 'h') { /* the call restarted after the handler: a new notification */
		memset(&req, 0, sizeof(req));
		ASSERT_OK(ioctl((int)fd, SECCOMP_IOCTL_NOTIF_RECV, &req));
	}
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = 1000;
	ASSERT_OK(ioctl((int)fd, SECCOMP_IOCTL_NOTIF_SEND, &resp));
	ASSERT_EQ(0, br_wait(target));
	return seen;
}

TEST(wait_killable_recv_signal_cannot_interrupt)
{
	char seen = signal_received_target(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);

	if (seen == 'h')
		br_fail(__FILE__, __LINE__, "the signal's handler ran while the received call waited");
	ASSERT_EQ('D', seen);
}

TEST(without_wait_killable_signal_interrupts_control)
{
	ASSERT_EQ('h', signal_received_target(0));
}

TEST_HARNESS_MAIN
