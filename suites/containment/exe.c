/*
 * Overwriting a running binary through /proc/PID/exe (CVE-2019-5736, runc:
 * a container rewrote the host binary that had entered it). Most kernels
 * refuse to open a running executable for writing (ETXTBSY); 6.11 briefly
 * did not, so it is the fact exe.etxtbsy, not a verdict. The sandbox's own
 * layers must keep the binary unwritable either way (verdicts).
 *
 * Never a real file: the binary is a copy of this test in the case's private
 * tmpfs. It is "running" as a child stopped by PTRACE_TRACEME right after
 * its execve, so it executes none of its own code.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "landlock.h"
#include "sandboxed.h"
#include "scratch.h"

#define PIDNS "userns = on\nns = pid,mnt\nproc = on\ncaps = none\nnnp = on\n"
#define LANDLOCKED "caps = none\nnnp = on\nlandlock = required\nlandlock.handle = write_file\n"

FIXTURE(exe) {
	char dir[64], copy[96], proc_exe[64];
	pid_t running; /* the stopped child running the copy, or 0 */
};

FIXTURE_VARIANT(exe) {
	int unused;
};

FIXTURE_SETUP(exe)
{
	struct stat st;
	int in, out, ret = br_scratch(0, self->dir, sizeof(self->dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	snprintf(self->copy, sizeof(self->copy), "%s/copy", self->dir);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, in);
	ASSERT_OK(fstat(in, &st));
	out = open(self->copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ASSERT_LE(0, out);
	ASSERT_EQ(st.st_size, sendfile(out, in, NULL, st.st_size));
	close(in);
	close(out);
}

FIXTURE_TEARDOWN(exe)
{
	if (self->running > 0) {
		kill(self->running, SIGKILL);
		waitpid(self->running, NULL, 0);
	}
}

/* Run the copy in a child that stops at its first instruction. */
static void start_copy(struct br__fix_exe *self)
{
	int st;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = {self->copy, "-l", NULL};

		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
			execv(self->copy, argv);
		_exit(127);
	}
	self->running = pid;
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	if (!WIFSTOPPED(st))
		SKIP("cannot hold a child at exec with PTRACE_TRACEME (kernel.yama.ptrace_scope=3?)");
	snprintf(self->proc_exe, sizeof(self->proc_exe), "/proc/%d/exe", pid);
}

/* Control: not running, the copy is an ordinary writable file. */
TEST_F(exe, idle_copy_writable_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, open_for_write, self->copy));
}

TEST_F(exe, running_copy_via_proc_exe)
{
	int e;

	start_copy(self);
	e = sandboxed(NO_PROFILE, open_for_write, self->proc_exe);
	if (e && e != ETXTBSY)
		ASSERT_EQ(ETXTBSY, e);
	br_fact("exe.etxtbsy", "%s", e == ETXTBSY ? "yes" : "no");
}

/* In a pid namespace the running copy has no /proc entry to go through. */
TEST_F(exe, running_copy_via_proc_exe_pidns)
{
	start_copy(self);
	ASSERT_EQ(ENOENT, sandboxed(PIDNS, open_for_write, self->proc_exe));
}

/* A read-only bind of the directory: EROFS whether or not it runs. */
TEST_F(exe, copy_on_readonly_bind)
{
	char profile[256];

	snprintf(profile, sizeof(profile),
		 "userns = on\nns = mnt\nroot = tmpfs\nbind = %s\ncaps = none\nnnp = on\n", self->dir);
	ASSERT_EQ(EROFS, sandboxed(profile, open_for_write, self->copy));
}

/* Landlock handling write_file with no rule granting it: EACCES. */
TEST_F(exe, copy_landlocked)
{
	const char *missing = br_landlock_missing(1);

	if (missing)
		SKIP("%s", missing);
	ASSERT_EQ(EACCES, sandboxed(LANDLOCKED, open_for_write, self->copy));
}

TEST_HARNESS_MAIN
