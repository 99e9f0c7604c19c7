/*
 * The host process table. A "host" process (a child the case starts, parked
 * on a pipe) is the target; the payload runs in a sandbox and tries to see
 * it, signal it, ptrace it and read its memory. Each crossing is made once
 * with NO_PROFILE (the control: reachable) and once in the profile that must
 * close it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"
#include "sandboxed.h"

/* A pid namespace with its own /proc: the host's pids do not exist. */
#define PIDNS "userns = on\nns = pid,mnt\nproc = on\ncaps = none\nnnp = on\n"
/* A user namespace alone: the host's pid table is shared. */
#define USERNS_ONLY "userns = on\ncaps = none\nnnp = on\n"
/* No pid namespace: the host's pids under a fresh proc with hidepid (root
 * only: proc for the initial pid namespace). The payload drops itself to
 * uid/gid 65534, since hidepid exempts gid 0 (the proc gid= default). */
#define HIDEPID "ns = mnt\nproc = on\nproc.hidepid = invisible\n"
#define HIDEPID_OFF "ns = mnt\nproc = on\nproc.hidepid = off\n"

FIXTURE(proctable) {
	pid_t target;
	int hold; /* write end: the target lives until it is closed */
};

FIXTURE_VARIANT(proctable) {
	int unused;
};

/* Start the target, parked until *hold is closed. */
static pid_t start_target(int *hold)
{
	pid_t pid = br_parked(hold);

	ASSERT_LE(0, pid);
	/* Pids this low could collide with the sandbox's own. */
	if (pid < 100)
		SKIP("target pid %d is too low to be told from sandbox pids", pid);
	return pid;
}

FIXTURE_SETUP(proctable)
{
	self->target = start_target(&self->hold);
}

FIXTURE_TEARDOWN(proctable)
{
	close(self->hold);
	br_wait(self->target);
}

static int signal_target(void *pid)
{
	return kill(*(pid_t *)pid, 0) ? errno : 0;
}

static int stat_target(void *pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", *(pid_t *)pid);
	return stat(path, &st) ? errno : 0;
}

static int seize_target(void *pid)
{
	/* SEIZE does not stop the target; our exit detaches. */
	return ptrace(PTRACE_SEIZE, *(pid_t *)pid, 0, 0) ? errno : 0;
}

static int open_target_mem(void *pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", *(pid_t *)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* How many processes /proc lists (capped at 255, an exit status). */
static int count_proc_pids(void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	(void)arg;
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < 255)
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

/* Yama (if present) restricts ptrace to descendants at scope >= 1: the
 * target is a sibling of the payload, so the control cannot succeed. */
static void skip_if_yama_blocks(void)
{
	char buf[16];

	if (br_read_file("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof(buf)) > 0 && buf[0] != '0')
		SKIP("kernel.yama.ptrace_scope=%c: ptrace of a non-descendant is refused even without a sandbox", buf[0]);
}

TEST_F(proctable, signal_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, signal_target, &self->target));
}

TEST_F(proctable, signal_pidns)
{
	ASSERT_EQ(ESRCH, sandboxed(PIDNS, signal_target, &self->target));
}

TEST_F(proctable, proc_entry_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, stat_target, &self->target));
}

TEST_F(proctable, proc_entry_pidns)
{
	ASSERT_EQ(ENOENT, sandboxed(PIDNS, stat_target, &self->target));
}

TEST_F(proctable, proc_lists_host_control)
{
	ASSERT_LT(1, sandboxed(NO_PROFILE, count_proc_pids, NULL));
}

/* The payload is pid 1 and alone. */
TEST_F(proctable, proc_lists_only_sandbox_pidns)
{
	ASSERT_EQ(1, sandboxed(PIDNS, count_proc_pids, NULL));
}

TEST_F(proctable, ptrace_control)
{
	skip_if_yama_blocks();
	ASSERT_EQ(0, sandboxed(NO_PROFILE, seize_target, &self->target));
}

TEST_F(proctable, ptrace_pidns)
{
	ASSERT_EQ(ESRCH, sandboxed(PIDNS, seize_target, &self->target));
}

/* A user namespace alone shares the pid table, but the capability LSM
 * refuses ptrace into a process of another user namespace unless the
 * tracer has CAP_SYS_PTRACE over it (cap_ptrace_access_check), even when
 * both have the same kernel uid. */
TEST_F(proctable, ptrace_userns_only)
{
	ASSERT_EQ(EPERM, sandboxed(USERNS_ONLY, seize_target, &self->target));
}

/* The same check guards /proc/PID/mem (mm_access): EACCES. */
TEST_F(proctable, proc_mem_userns_only)
{
	ASSERT_EQ(EACCES, sandboxed(USERNS_ONLY, open_target_mem, &self->target));
}

/* What a user namespace alone still shows: the host's processes. */
TEST_F(proctable, proc_entry_userns_only_visible)
{
	ASSERT_EQ(0, sandboxed(USERNS_ONLY, stat_target, &self->target));
}

TEST_F(proctable, proc_mem_control)
{
	skip_if_yama_blocks();
	ASSERT_EQ(0, sandboxed(NO_PROFILE, open_target_mem, &self->target));
}

TEST_F(proctable, proc_mem_pidns)
{
	ASSERT_EQ(ENOENT, sandboxed(PIDNS, open_target_mem, &self->target));
}

static int stat_target_as_nobody(void *pid)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 100;
	return stat_target(pid);
}

/* hidepid=invisible: root's target vanishes for a payload of another uid. */
TEST_F(proctable, hidepid_hides_other_uid, .as = BR_ROOT)
{
	ASSERT_EQ(ENOENT, sandboxed(HIDEPID, stat_target_as_nobody, &self->target));
}

TEST_F(proctable, hidepid_off_control, .as = BR_ROOT)
{
	ASSERT_EQ(0, sandboxed(HIDEPID_OFF, stat_target_as_nobody, &self->target));
}

TEST(yama_ptrace_scope)
{
	char buf[16];
	ssize_t n = br_read_file("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof(buf));

	br_fact("sysctl.kernel.yama.ptrace_scope", "%s", n > 0 ? strtok(buf, "\n") : "absent");
}

TEST_HARNESS_MAIN
