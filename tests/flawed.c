/*
 * Known-bad sandbox launchers for tests/assess.t: `flawed CLASS [--fixed] --
 * PROG ARGS...` applies one layer with one flaw (or, with --fixed, the same
 * layer done right) and execs PROG. Each class has the claims its vendor
 * would honestly make in fixtures/claims/flawed-CLASS.claims; assess must
 * flag the flaw (exit 1 naming the claim) and pass the fixed twin (exit 0).
 *
 *   allowlist   an allow-list filter whose default is TRAP: a SIGSYS handler
 *               catches every denied call (fixed: KILL_PROCESS)
 *   bare        an allow-list leaving only what a static binary needs to
 *               start, plus read/write/fork/wait: evidence must be INCOMPLETE
 *               (exit 3), never a pass (fixed: the ordinary allow-list)
 *   trap        a deny-list whose action is TRAP (fixed: ERRNO(EPERM))
 *   uring       a deny-list of the socket calls that leaves io_uring open
 *               (fixed: io_uring_setup denied too)
 *   abi         a raw filter keyed on x86_64 numbers that never checks the
 *               arch: int $0x80 gets through (fixed: other arches killed)
 *   setgroups   a user namespace whose gid_map maps the host's groups with
 *               setgroups(2) left allowed (fixed: setgroups deny); root only
 *   landlock    a Landlock ruleset handling only the ABI-1 file rights on a
 *               newer kernel: truncate, device ioctls, TCP and the scopes stay
 *               allowed (fixed: every right of the running ABI handled)
 *   procsys     new mount, net, ipc and uts namespaces for a process that
 *               stays uid 0 of the host, /proc/sys left writable (fixed:
 *               /proc/sys bound read-only); root only
 *   netsysctl   /proc/sys read-only but for /proc/sys/net, for root in the
 *               host's network namespace: net.* are the host's settings
 *               (fixed: a network namespace of its own); root only
 *
 * Every filter sets no_new_privs first. Nothing here outlives PROG.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, "flawed: %s: %s\n", what, strerror(err));
	exit(125);
}

/* What a static glibc binary needs before main, and to exit. */
static const char *const startup[] = {
	"execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
	"readlink", "getrandom", "mprotect", "exit", "exit_group", NULL,
};

/* An ordinary program's calls: files, memory, signals, processes, time.
 * What it leaves out (mount, bpf, io_uring, keyctl, ptrace, unshare,
 * socket, open_by_handle_at, ...) is what the vendor means to deny. */
static const char *const ordinary[] = {
	"read", "write", "pread64", "close", "openat", "newfstatat", "fstat", "statx", "lseek",
	"getdents64", "readlinkat", "access", "faccessat", "faccessat2", "getcwd", "fcntl", "ioctl",
	"mmap", "munmap", "mremap", "madvise", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"sigaltstack", "clone", "wait4", "kill", "tgkill", "getpid", "gettid", "getppid", "getuid",
	"geteuid", "getgid", "getegid", "getgroups", "uname", "poll", "ppoll", "pidfd_open",
	"nanosleep", "clock_nanosleep", "clock_gettime", "sched_yield", "dup", "dup2", "dup3",
	"pipe2", "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "prctl", "capget", "landlock_create_ruleset",
	"lsm_list_modules", "getpgrp", "setsid", NULL,
};

static void add(scmp_filter_ctx f, const char *const *names)
{
	for (; *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names);

		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0))
			die(*names, EINVAL);
	}
}

static void load(scmp_filter_ctx f)
{
	int r = seccomp_load(f);

	if (r)
		die("seccomp_load", -r);
	seccomp_release(f);
}

static void allow_list(uint32_t dflt, bool ordinary_too)
{
	scmp_filter_ctx f = seccomp_init(dflt);

	if (!f)
		die("seccomp_init", EINVAL);
	add(f, startup);
	if (ordinary_too) {
		add(f, ordinary);
	} else {
		static const char *const bare[] = {"read", "write", "clone", "wait4", NULL};

		add(f, bare);
	}
	load(f);
}

static void deny_list(uint32_t action, const char *const *names)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);

	if (!f)
		die("seccomp_init", EINVAL);
	for (; *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names);

		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(f, action, nr, 0))
			die(*names, EINVAL);
	}
	load(f);
}

/* Deny open_by_handle_at and unshare by x86_64 number, with or without the
 * arch check every filter needs first. */
static void abi_filter(bool check_arch)
{
	struct sock_filter fixed[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* x32 shares the arch: refuse the bit too */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open_by_handle_at, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	/* The flaw: the same rules on the number alone, whatever the arch. */
	struct sock_filter flawed[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open_by_handle_at, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog p = check_arch ? (struct sock_fprog){sizeof(fixed) / sizeof(*fixed), fixed}
					 : (struct sock_fprog){sizeof(flawed) / sizeof(*flawed), flawed};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p))
		die("PR_SET_SECCOMP", errno);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path, errno);
	close(fd);
}

/* A child in a new user namespace whose maps the parent (root) writes:
 * uid 0 -> 0, and every gid 1:1, so supplementary groups stay mapped. */
static void userns_groups(bool deny, char **argv)
{
	int go[2], ready[2], st;
	pid_t pid;
	char path[64], c = 0;

	if (pipe(go) || pipe(ready))
		die("pipe", errno);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER))
			die("unshare(CLONE_NEWUSER)", errno);
		if (write(ready[1], "u", 1) != 1 || read(go[0], &c, 1) != 1 || c != 'g')
			_exit(125);
		close(go[0]);
		close(ready[1]);
		execvp(argv[0], argv);
		die(argv[0], errno);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		die("the child's unshare", EPROTO);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	write_file(path, deny ? "deny" : "allow");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	write_file(path, "0 0 1");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	write_file(path, "0 0 65536");
	if (write(go[1], "g", 1) != 1)
		die("pipe", errno);
	close(go[1]);
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid", errno);
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* Read and run anything, write only under /tmp and /var/tmp (not truncate). */
static void landlock(bool all)
{
	const uint64_t rw = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
			    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
			    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |
			    LANDLOCK_ACCESS_FS_MAKE_REG;
	const struct br_landlock_rule rules[] = {
		{"/", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		      LANDLOCK_ACCESS_FS_EXECUTE, 0, 0},
		{"/tmp", rw, 0, 0},
		{"/var/tmp", rw, 0, 0},
		{0},
	};
	struct br_landlock_access want = br_landlock_access_for_abi(all ? br_landlock_abi() : 1);
	int r = br_landlock_apply(&want, rules, 0, NULL);

	if (r)
		die("landlock", -r);
}

/* Root: fresh namespaces, and in the fixed case /proc/sys read-only. */
static void procsys(bool ro)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
		die("unshare", errno);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("mount --make-rprivate /", errno);
	if (ro && (mount("/proc/sys", "/proc/sys", NULL, MS_BIND | MS_REC, NULL) ||
		   mount(NULL, "/proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL)))
		die("bind /proc/sys read-only", errno);
}

/* Root: /proc/sys read-only except net.*, in a new mount namespace; the
 * flaw is the host's network namespace (fixed: one of its own). */
static void netsysctl(bool own_net)
{
	if (unshare(CLONE_NEWNS | (own_net ? CLONE_NEWNET : 0)))
		die("unshare", errno);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("mount --make-rprivate /", errno);
	if (mount("/proc/sys", "/proc/sys", NULL, MS_BIND, NULL) ||
	    mount(NULL, "/proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
		die("bind /proc/sys read-only", errno);
	if (mount("/proc/sys/net", "/proc/sys/net", NULL, MS_BIND, NULL) ||
	    mount(NULL, "/proc/sys/net", NULL, MS_BIND | MS_REMOUNT, NULL))
		die("bind /proc/sys/net read-write", errno);
}

int main(int argc, char **argv)
{
	static const char *const denied[] = {"mount", "bpf", "keyctl", "ptrace", NULL};
	static const char *const sockets[] = {"socket", "connect", "socketcall", NULL};
	static const char *const sockets_uring[] = {"socket", "connect", "socketcall",
						    "io_uring_setup", NULL};
	const char *cls;
	bool fixed = false;
	int i = 1;

	if (argc < 4)
		goto usage;
	cls = argv[i++];
	if (!strcmp(argv[i], "--fixed"))
		fixed = true, i++;
	if (i >= argc || strcmp(argv[i++], "--") || i >= argc)
		goto usage;
	if (!strcmp(cls, "setgroups"))
		userns_groups(fixed, argv + i);
	if (!strcmp(cls, "procsys") || !strcmp(cls, "netsysctl")) {
		if (!strcmp(cls, "procsys"))
			procsys(fixed);
		else
			netsysctl(fixed);
		execvp(argv[i], argv + i);
		die(argv[i], errno);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS", errno);
	if (!strcmp(cls, "allowlist"))
		allow_list(fixed ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_TRAP, true);
	else if (!strcmp(cls, "bare"))
		allow_list(SCMP_ACT_KILL_PROCESS, fixed);
	else if (!strcmp(cls, "trap"))
		deny_list(fixed ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_TRAP, denied);
	else if (!strcmp(cls, "uring"))
		deny_list(SCMP_ACT_ERRNO(EPERM), fixed ? sockets_uring : sockets);
	else if (!strcmp(cls, "abi"))
		abi_filter(fixed);
	else if (!strcmp(cls, "landlock"))
		landlock(fixed);
	else
		goto usage;
	execvp(argv[i], argv + i);
	die(argv[i], errno);
usage:
	fprintf(stderr, "usage: flawed allowlist|bare|trap|uring|abi|landlock|setgroups|procsys|netsysctl [--fixed] -- PROG "
		"ARGS...\n");
	return 2;
}
