/*
 * PID namespace: the first process is pid 1, the parent's processes are
 * invisible, init is shielded from signals it does not handle, its death
 * kills the namespace, and after that nothing more can be forked into it.
 * Every namespace here is a child's (through clone3, with a user namespace
 * when not root), so the case itself never changes pid namespace.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "idmap.h"
#include "mount.h"
#include "ns.h"
#include "proc.h"

/* Run fn(arg) as the first process of a new pid namespace (plus flags).
 * Returns its pid; *pidfd gets a pidfd when not NULL. */
static pid_t in_new_pidns(int flags, int (*fn)(void *), void *arg, int *pidfd)
{
	pid_t pid;

	if (br_is_root()) {
		pid = br_ns_clone3(CLONE_NEWPID | flags, pidfd);
		if (pid == 0)
			_exit(fn(arg));
	} else {
		pid = br_idmap_spawn(CLONE_NEWPID | flags, NULL, fn, arg, pidfd);
	}
	if (pid < 0)
		SKIP("cannot create a pid namespace: %s", br_errname(-pid));
	return pid;
}

static int run_new(int (*fn)(void *), void *arg)
{
	return br_wait(in_new_pidns(0, fn, arg, NULL));
}

static int my_pid(void *arg)
{
	(void)arg;
	return getpid() == 1 ? 0 : 1;
}

TEST(first_process_is_pid1)
{
	ASSERT_EQ(0, run_new(my_pid, NULL));
}

TEST(forked_process_not_pid1_control)
{
	ASSERT_EQ(1, br_child(my_pid, NULL));
}

static int parent_pid(void *arg)
{
	(void)arg;
	return getppid() == 0 ? 0 : 1;
}

TEST(parent_outside_reads_as_0)
{
	ASSERT_EQ(0, run_new(parent_pid, NULL));
}

TEST(parent_same_ns_visible_control)
{
	ASSERT_EQ(1, br_child(parent_pid, NULL));
}

/* kill(pid, 0) on the case's own pid, from inside: no such process. */
static int signal_case(void *arg)
{
	pid_t outer = *(pid_t *)arg;

	return kill(outer, 0) ? errno : 0;
}

TEST(parent_pid_kill_esrch)
{
	pid_t me = getpid();

	ASSERT_EQ(ESRCH, run_new(signal_case, &me));
}

TEST(parent_pid_kill_same_ns_control)
{
	pid_t me = getpid();

	ASSERT_EQ(0, br_child(signal_case, &me));
}

/* A fresh /proc shows the namespace's processes only. */
static struct br_ns_id mnt_before;

static int proc_has(void *arg)
{
	char path[64];
	pid_t outer = *(pid_t *)arg;

	if (br_mount_private_here(&mnt_before) || br_mount_proc("/proc"))
		return 100;
	snprintf(path, sizeof(path), "/proc/%d", (int)outer);
	if (access("/proc/1", F_OK))
		return 101; /* ourselves */
	return access(path, F_OK) ? errno : 0;
}

TEST(parent_pid_absent_from_fresh_proc)
{
	pid_t me = getpid();

	ASSERT_EQ(0, br_ns_id(0, "mnt", &mnt_before));
	ASSERT_EQ(ENOENT, br_wait(in_new_pidns(CLONE_NEWNS, proc_has, &me, NULL)));
}

static int host_proc_has(void *arg)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", (int)*(pid_t *)arg);
	return access(path, F_OK) ? errno : 0;
}

/* The host's /proc, not remounted, still lists the outside: the isolation
 * needs the fresh mount (what container runtimes do). */
TEST(parent_pid_in_unremounted_proc_control)
{
	pid_t me = getpid();

	ASSERT_EQ(0, run_new(host_proc_has, &me));
}

/* /proc/self/status NSpid lists the pid at every level, outermost first. */
static int nspid(void *arg)
{
	char buf[4096], *p;
	int outer, inner;

	(void)arg;
	if (br_read_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return 100;
	p = strstr(buf, "NSpid:");
	if (!p || sscanf(p, "NSpid:\t%d\t%d", &outer, &inner) != 2)
		return 1;
	return inner == 1 && outer > 1 ? 0 : 2;
}

TEST(nspid_shows_both_levels)
{
	ASSERT_EQ(0, run_new(nspid, NULL));
}

/* ---- init and signals ---- */

static volatile sig_atomic_t got;
static void on_signal(int sig)
{
	got = sig;
}

/* init forks a process of its namespace that signals init, then reports
 * whether init is still alive (it is: the signal was dropped or handled). */
static int init_signalled(void *arg)
{
	int sig = (int)(long)arg & 0xff;
	bool handle = (long)arg & 0x100;
	pid_t pid;

	if (handle)
		signal(sig, on_signal);
	pid = fork();
	if (pid == 0)
		_exit(kill(1, sig) ? 1 : 0);
	if (br_wait(pid))
		return 100;
	/* A handled signal is delivered before kill() returns to the sender's
	 * wait: it is pending now at the latest. */
	return handle ? (got == sig ? 0 : 1) : 0;
}

TEST(init_drops_unhandled_sigterm)
{
	ASSERT_EQ(0, run_new(init_signalled, (void *)(long)SIGTERM));
}

TEST(init_drops_sigkill_from_inside)
{
	ASSERT_EQ(0, run_new(init_signalled, (void *)(long)SIGKILL));
}

TEST(init_handled_signal_delivered_control)
{
	ASSERT_EQ(0, run_new(init_signalled, (void *)(long)(SIGUSR1 | 0x100)));
}

/* Only init is shielded: another process of the namespace dies of it. */
static int sigterm_other(void *arg)
{
	pid_t pid = fork();

	(void)arg;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (pid < 0 || kill(pid, SIGTERM))
		return 100;
	return br_wait(pid) == 128 + SIGTERM ? 0 : 1;
}

TEST(non_init_killed_by_unhandled_sigterm_control)
{
	ASSERT_EQ(0, run_new(sigterm_other, NULL));
}

/* From the parent namespace: SIGTERM without a handler is dropped too, but
 * SIGKILL always gets through. init waits for a byte, then exits 0. */
static int wait_byte(void *arg)
{
	int fd = *(int *)arg;
	char c;

	return read(fd, &c, 1) == 1 ? 0 : 1;
}

static int signal_from_parent(int sig)
{
	int p[2];
	pid_t pid;
	char c = 0;
	int pidfd;

	ASSERT_OK(pipe(p));
	pid = in_new_pidns(0, wait_byte, &p[0], &pidfd);
	if (pidfd < 0)
		SKIP("no pidfd (Linux 5.3)");
	/* pidfd_send_signal: the signal is queued or dropped by the time it
	 * returns, so the byte below cannot overtake it. */
	ASSERT_OK(syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0));
	ASSERT_EQ(1, write(p[1], &c, 1));
	return br_wait(pid);
}

TEST(init_drops_unhandled_sigterm_from_parent)
{
	ASSERT_EQ(0, signal_from_parent(SIGTERM));
}

TEST(init_killed_by_sigkill_from_parent)
{
	ASSERT_EQ(128 + SIGKILL, signal_from_parent(SIGKILL));
}

/* ---- init's death ---- */

/* init forks a grandchild that holds a pipe's write end and waits forever;
 * then init exits. The pipe reads EOF once the grandchild is gone. */
static int orphan_maker(void *arg)
{
	int *p = arg;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	close(p[1]);
	return pid > 0 ? 0 : 1;
}

TEST(init_death_kills_namespace)
{
	int p[2];
	char c;

	ASSERT_OK(pipe(p));
	ASSERT_EQ(0, br_wait(in_new_pidns(0, orphan_maker, p, NULL)));
	close(p[1]);
	ASSERT_EQ(0, read(p[0], &c, 1)); /* EOF: the grandchild was killed */
}

TEST(orphan_survives_parent_same_ns_control)
{
	int p[2];
	struct pollfd pfd;

	ASSERT_OK(pipe(p));
	ASSERT_EQ(0, br_child(orphan_maker, p)); /* the harness reaps the orphan */
	close(p[1]);
	pfd = (struct pollfd){p[0], POLLIN, 0};
	ASSERT_EQ(0, poll(&pfd, 1, 0)); /* no EOF: the orphan lives on */
}

/* After init has exited, the namespace takes no new process: the one
 * that unshared it (its pid_for_children) gets ENOMEM from fork. */
static int fork_after_init(void *init_exits)
{
	int p[2];
	char c;
	pid_t init, again;

	if (pipe(p))
		return 100;
	if (br_is_root() ? unshare(CLONE_NEWPID) : br_ns_private(CLONE_NEWPID))
		return 101;
	init = fork();
	if (init == 0) {
		close(p[1]);
		if (!init_exits && read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (init < 0)
		return 102;
	if (init_exits && br_wait(init))
		return 103;
	again = fork();
	if (again == 0)
		_exit(0);
	close(p[1]);
	if (again < 0)
		return errno;
	return br_wait(again) ? 104 : 0;
}

TEST(fork_after_init_exit_enomem)
{
	ASSERT_EQ(ENOMEM, br_child(fork_after_init, (void *)1));
}

TEST(fork_while_init_lives_control)
{
	ASSERT_EQ(0, br_child(fork_after_init, NULL));
}

/* ---- pidfds across the boundary ---- */

/* From inside, a pid of the outside names nothing: pidfd_open gives ESRCH. */
static int pidfd_of(void *arg)
{
	long fd = syscall(SYS_pidfd_open, *(pid_t *)arg, 0);

	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? errno : 0;
}

TEST(pidfd_open_outside_pid_esrch)
{
	pid_t me = getpid();

	ASSERT_EQ(ESRCH, run_new(pidfd_of, &me));
}

TEST(pidfd_open_same_ns_control)
{
	pid_t me = getpid();

	if (br_child(pidfd_of, &me) == ENOSYS)
		SKIP("no pidfd_open (Linux 5.3)");
	ASSERT_EQ(0, br_child(pidfd_of, &me));
}

/* A pidfd for an outside process, inherited: in a proc of the namespace its
 * fdinfo shows Pid 0, a process outside the reader's view ("-1" would mean
 * it exited). */
static int inherited_pidfd_pid(void *arg)
{
	char path[64], buf[512], *p;

	if (br_mount_private_here(&mnt_before) || br_mount_proc("/proc"))
		return 102;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", *(int *)arg);
	if (br_read_file(path, buf, sizeof(buf)) <= 0)
		return 100;
	p = strstr(buf, "\nPid:");
	if (!p)
		return 101;
	return atoi(p + 5) == 0 ? 0 : 1;
}

TEST(inherited_pidfd_shows_pid_0)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (fd < 0)
		SKIP("no pidfd_open (Linux 5.3): %s", br_errname(errno));
	ASSERT_EQ(0, br_ns_id(0, "mnt", &mnt_before));
	ASSERT_EQ(0, br_wait(in_new_pidns(CLONE_NEWNS, inherited_pidfd_pid, &fd, NULL)));
}

/* The parent signals its child init through a pidfd: works across. */
TEST(pidfd_signal_into_child_ns)
{
	int p[2], pidfd;
	pid_t pid;

	ASSERT_OK(pipe(p));
	pid = in_new_pidns(0, wait_byte, &p[0], &pidfd);
	if (pidfd < 0)
		SKIP("no pidfd (Linux 5.3)");
	ASSERT_OK(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0));
	ASSERT_EQ(128 + SIGKILL, br_wait(pid));
}

/* ---- proc needs the namespace's owner ---- */

/* Mounting proc needs CAP_SYS_ADMIN over the user namespace owning the
 * caller's pid namespace: a user namespace made later does not own it. */
static int mount_proc(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 100;
	return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ? errno : 0;
}

static int userns_then_mount_proc(void *arg)
{
	int ret = br_ns_private(0);

	if (ret)
		return 99;
	return mount_proc(arg);
}

TEST(proc_mount_unowned_pidns_eperm, .as = BR_UNPRIV)
{
	br_require_userns();
	ASSERT_EQ(EPERM, br_child(userns_then_mount_proc, NULL));
}

static int owned_mount_proc(void *arg)
{
	return mount_proc(arg);
}

TEST(proc_mount_owned_pidns_control)
{
	pid_t pid = br_idmap_spawn(CLONE_NEWPID, NULL, owned_mount_proc, NULL, NULL);

	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, br_wait(pid));
}

TEST_HARNESS_MAIN
