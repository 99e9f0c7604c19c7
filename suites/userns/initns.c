/*
 * Capabilities inside a user namespace act only on what the namespace owns.
 * Each operation below is checked against the initial user namespace (a
 * capable() call, or a global object), so root of a fresh user namespace,
 * with every capability there, is still refused; real root (the control)
 * gets past the check to a harmless sentinel result.
 *
 * The user namespace maps root to a non-root id outside (the caller's own,
 * or 100000 when the caller is root), as a container does.
 * Every probe runs in a forked child: nothing it changes outlives it.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "caps.h"
#include "fhandle.h"
#include "harness.h"
#include "idmap.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

#define OUTSIDE_ROOT_MAPPED 100000 /* where root maps a userns's root */
#define NOPATH "/nonexistent-br-sentinel"

/* Each probe returns 0 (the call worked), an errno, or SKIP()s. */

static int scratch_dir(char *dir, size_t size)
{
	int ret = br_scratch(0, dir, size);

	if (ret)
		SKIP("cannot make a private tmpfs: %s", br_errname(-ret));
	return 0;
}

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static int p_mknod(void)
{
	char dir[64], path[96];

	scratch_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/null", dir);
	return err_of(mknod(path, S_IFCHR | 0600, makedev(1, 3)));
}

static int p_finit_module(void)
{
	return err_of(syscall(SYS_finit_module, -1, "", 0));
}

static int p_init_module(void)
{
	/* len 0: a capable caller is told the image is no ELF. */
	return err_of(syscall(SYS_init_module, NULL, 0UL, ""));
}

static int p_iopl(void)
{
	return err_of(iopl(3));
}

static int p_ioperm(void)
{
	return err_of(ioperm(0x80, 1, 1));
}

static int p_settimeofday(void)
{
	/* Neither time nor zone: a capable caller changes nothing. */
	return err_of(syscall(SYS_settimeofday, NULL, NULL));
}

static int p_adjtime(void)
{
	/* CAP_SYS_TIME is checked before the tick value (1 is out of range). */
	struct timex tx = {.modes = ADJ_TICK, .tick = 1};

	return err_of(clock_adjtime(CLOCK_REALTIME, &tx));
}

static int p_open_by_handle(void)
{
	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd;

	if (n <= 0)
		SKIP("cannot read /proc/self/exe");
	self[n] = 0;
	fd = br_fh_reopen(self, O_RDONLY);
	if (fd == -EOPNOTSUPP)
		SKIP("the filesystem holding %s cannot export file handles", self);
	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

/* A registered block-device filesystem (not "nodev" in /proc/filesystems). */
static const char *block_fs(void)
{
	static char name[32];
	char buf[4096];

	if (br_read_file("/proc/filesystems", buf, sizeof(buf)) <= 0)
		return NULL;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] == '\t' && strcmp(line + 1, "fuseblk")) {
			snprintf(name, sizeof(name), "%s", line + 1);
			return name;
		}
	return NULL;
}

static int p_block_mount(void)
{
	char dir[64];
	const char *fs = block_fs();

	if (!fs)
		SKIP("no block-device filesystem registered in /proc/filesystems");
	scratch_dir(dir, sizeof(dir));
	/* A capable caller gets to the source lookup: ENOENT. */
	return err_of(mount(NOPATH, dir, fs, MS_RDONLY, NULL));
}

static int p_proc_sys_write(void)
{
	int fd = open("/proc/sys/kernel/panic", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd); /* opened for writing, nothing written */
	return 0;
}

static int p_bpf_tracing(void)
{
	/* A kprobe program needs CAP_BPF + CAP_PERFMON; a NULL program then
	 * fails the copy (EFAULT) for a capable caller. */
	union bpf_attr a = {.prog_type = BPF_PROG_TYPE_KPROBE, .insn_cnt = 1};

	return err_of(syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a)));
}

static int p_perf_kernel(void)
{
	struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
				    .config = PERF_COUNT_SW_CPU_CLOCK, .disabled = 1,
				    .exclude_hv = 1};
	char buf[16];
	long fd;

	if (br_read_file("/proc/sys/kernel/perf_event_paranoid", buf, sizeof(buf)) <= 0)
		SKIP("no kernel.perf_event_paranoid (CONFIG_PERF_EVENTS)");
	if (atoi(buf) < 2)
		SKIP("kernel.perf_event_paranoid=%d lets anyone profile the kernel", atoi(buf));
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

static int p_acct(void)
{
	return err_of(acct(NOPATH));
}

static int p_swapon(void)
{
	return err_of(swapon(NOPATH, 0));
}

static int p_raise_hard_rlimit(void)
{
	struct rlimit zero = {0, 0}, one = {1, 1};

	if (setrlimit(RLIMIT_CORE, &zero))
		return 100;
	return err_of(setrlimit(RLIMIT_CORE, &one));
}

static int p_lower_nice(void)
{
	struct rlimit none = {0, 0};
	int cur, v;

	/* RLIMIT_NICE 0: only CAP_SYS_NICE may lower the nice value. Raise it
	 * first (always allowed) to at least the current one, which is above 5
	 * under nice(1), then ask for one lower. */
	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if (cur == -1 && errno)
		return 100;
	v = cur < 5 ? 5 : cur;
	if (setrlimit(RLIMIT_NICE, &none) || setpriority(PRIO_PROCESS, 0, v))
		return 100;
	return err_of(setpriority(PRIO_PROCESS, 0, v - 1));
}

/* AddressSanitizer (make sanitize) replaces mlock() with a no-op that succeeds. */
#if defined(__SANITIZE_ADDRESS__)
#define BR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BR_ASAN 1
#endif
#endif

static int p_mlock(void)
{
	struct rlimit none = {0, 0};
	static char page[4096] __attribute__((aligned(4096)));

#ifdef BR_ASAN
	SKIP("built with AddressSanitizer, whose mlock() does nothing: not testable here");
#endif
	if (setrlimit(RLIMIT_MEMLOCK, &none))
		return 100;
	return err_of(mlock(page, sizeof(page)));
}

/* Another user's process: pid 1 (root) seen from a user namespace; for
 * real root, a child of its own that became uid 4242 with no capabilities
 * (pid 1 may hold capabilities outside our bounding set). */
static pid_t other_user(void)
{
	struct br_idmap m;
	int p[2];
	char c;
	pid_t pid;

	/* Only the initial user namespace maps all 2^32 - 1 ids. */
	if (geteuid() || br_idmap_read(0, "uid_map", &m, 1) != 1 || m.count != 4294967295u)
		return 1;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		if (setresuid(4242, 4242, 4242))
			_exit(1);
		c = 0;
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (pid < 0 || read(p[0], &c, 1) != 1)
		return -1;
	return pid;
}

static int p_kill_other(void)
{
	pid_t pid = other_user();
	int ret;

	if (pid < 0)
		return 100;
	ret = err_of(kill(pid, 0)); /* signal 0: a permission check only */
	if (pid != 1)
		kill(pid, SIGKILL);
	return ret;
}

static int p_reboot(void)
{
	/* CAP_SYS_BOOT is checked before the magic numbers. */
	return err_of(syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int p_syslog(void)
{
	/* SIZE_UNREAD is always a privileged action (CAP_SYSLOG). */
	return err_of(klogctl(9, NULL, 0));
}

static int p_vm_readv(void)
{
	char buf[1];
	struct iovec local = {buf, 1}, remote = {NULL, 1};
	pid_t pid = other_user();
	int ret;

	if (pid < 0)
		return 100;
	/* A permitted read of address 0 fails the copy: EFAULT. */
	ret = err_of(process_vm_readv(pid, &local, 1, &remote, 1, 0));
	if (pid != 1)
		kill(pid, SIGKILL);
	return ret;
}

static int p_alarm_timer(void)
{
	int fd = timerfd_create(CLOCK_BOOTTIME_ALARM, TFD_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int p_append_flag(void)
{
	char dir[64], path[96];
	int fd, attr = FS_APPEND_FL;
	long r;

	scratch_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 100;
	r = ioctl(fd, FS_IOC_SETFLAGS, &attr);
	if (r && errno == ENOTTY)
		SKIP("tmpfs has no inode-flags ioctl here (FS_IOC_SETFLAGS: ENOTTY; tmpfs gained it in 5.13)");
	return err_of(r);
}

static int p_raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

FIXTURE(initns) {
	int unused;
};

FIXTURE_VARIANT(initns) {
	int (*probe)(void);
	int denied;  /* errno in a user namespace */
	int allowed; /* result as real root: 0 or the sentinel errno */
	int cap;     /* the capability real root needs (-1: none, a uid check) */
	const char *config; /* what ENOSYS means is missing */
};

FIXTURE_VARIANT_ADD(initns, mknod_chardev) { p_mknod, EPERM, 0, CAP_MKNOD, NULL };
FIXTURE_VARIANT_ADD(initns, finit_module) { p_finit_module, EPERM, EBADF, CAP_SYS_MODULE, "CONFIG_MODULES" };
FIXTURE_VARIANT_ADD(initns, init_module) { p_init_module, EPERM, ENOEXEC, CAP_SYS_MODULE, "CONFIG_MODULES" };
FIXTURE_VARIANT_ADD(initns, iopl) { p_iopl, EPERM, 0, CAP_SYS_RAWIO, "CONFIG_X86_IOPL_IOPERM" };
FIXTURE_VARIANT_ADD(initns, ioperm) { p_ioperm, EPERM, 0, CAP_SYS_RAWIO, "CONFIG_X86_IOPL_IOPERM" };
FIXTURE_VARIANT_ADD(initns, settimeofday) { p_settimeofday, EPERM, 0, CAP_SYS_TIME, NULL };
FIXTURE_VARIANT_ADD(initns, adjtime_realtime) { p_adjtime, EPERM, EINVAL, CAP_SYS_TIME, NULL };
FIXTURE_VARIANT_ADD(initns, open_by_handle_at) { p_open_by_handle, EPERM, 0, CAP_DAC_READ_SEARCH, "CONFIG_FHANDLE" };
FIXTURE_VARIANT_ADD(initns, block_fs_mount) { p_block_mount, EPERM, ENOENT, CAP_SYS_ADMIN, NULL };
FIXTURE_VARIANT_ADD(initns, proc_sys_write) { p_proc_sys_write, EACCES, 0, -1, NULL };
FIXTURE_VARIANT_ADD(initns, bpf_tracing_prog) { p_bpf_tracing, EPERM, EFAULT, CAP_BPF, "CONFIG_BPF_SYSCALL" };
FIXTURE_VARIANT_ADD(initns, perf_kernel_profiling) { p_perf_kernel, EACCES, 0, CAP_PERFMON, "CONFIG_PERF_EVENTS" };
FIXTURE_VARIANT_ADD(initns, acct) { p_acct, EPERM, ENOENT, CAP_SYS_PACCT, "CONFIG_BSD_PROCESS_ACCT" };
FIXTURE_VARIANT_ADD(initns, swapon) { p_swapon, EPERM, ENOENT, CAP_SYS_ADMIN, "CONFIG_SWAP" };
FIXTURE_VARIANT_ADD(initns, raise_hard_rlimit) { p_raise_hard_rlimit, EPERM, 0, CAP_SYS_RESOURCE, NULL };
FIXTURE_VARIANT_ADD(initns, lower_nice) { p_lower_nice, EACCES, 0, CAP_SYS_NICE, NULL };
FIXTURE_VARIANT_ADD(initns, mlock_over_rlimit) { p_mlock, EPERM, 0, CAP_IPC_LOCK, NULL };
FIXTURE_VARIANT_ADD(initns, signal_other_user) { p_kill_other, EPERM, 0, CAP_KILL, NULL };
FIXTURE_VARIANT_ADD(initns, reboot) { p_reboot, EPERM, EINVAL, CAP_SYS_BOOT, NULL };
FIXTURE_VARIANT_ADD(initns, syslog) { p_syslog, EPERM, 0, CAP_SYSLOG, "CONFIG_PRINTK" };
FIXTURE_VARIANT_ADD(initns, process_vm_readv_other_user) { p_vm_readv, EPERM, EFAULT, CAP_SYS_PTRACE, "CONFIG_CROSS_MEMORY_ATTACH" };
FIXTURE_VARIANT_ADD(initns, alarm_timer) { p_alarm_timer, EPERM, 0, CAP_WAKE_ALARM, NULL };
FIXTURE_VARIANT_ADD(initns, append_only_flag) { p_append_flag, EPERM, 0, CAP_LINUX_IMMUTABLE, NULL };
FIXTURE_VARIANT_ADD(initns, raw_socket_host_net) { p_raw_socket, EPERM, 0, CAP_NET_RAW, NULL };

FIXTURE_SETUP(initns) {}
FIXTURE_TEARDOWN(initns) {}

/* Root maps the namespace's root to OUTSIDE_ROOT_MAPPED and leaves setgroups
 * allowed, so the child can also drop root's supplementary groups. */
static int map_root_away(pid_t child, void *arg)
{
	struct br_idmap m = {0, OUTSIDE_ROOT_MAPPED, 1};
	int ret;

	(void)arg;
	if (geteuid())
		return br_idmap_map_root(child, geteuid(), getegid());
	ret = br_idmap_write(child, "uid_map", &m, 1);
	return ret ? ret : br_idmap_write(child, "gid_map", &m, 1);
}

static int run_probe(void *arg)
{
	return ((int (*)(void))arg)();
}

/* In the namespace: become its root for real (the kernel ids change only on
 * setresuid), then probe. */
static int run_probe_as_ns_root(void *arg)
{
	if (setgroups(0, NULL) && errno != EPERM)
		return 101;
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return 102;
	return run_probe(arg);
}

static void expect_result(const struct br__var_initns *v, int want, int status)
{
	if (status == BR_EXIT_SKIP) /* the probe SKIPped (EINTR is no result here) */
		SKIP("see the probe's reason above");
	if (status == ENOSYS)
		SKIP("the kernel lacks this call (ENOSYS): built without %s",
		     v->config ? v->config : "it");
	if (status >= 100)
		ASSERT_EQ(want, status); /* setup broke: report as a failure */
	if (want != status)
		br_fail(__FILE__, __LINE__, "expected %s, got %s", want ? br_errname(want) : "success",
			status ? br_errname(status) : "success");
	ASSERT_EQ(want, status);
}

TEST_F(initns, denied_in_userns)
{
	pid_t pid = br_idmap_spawn(0, map_root_away, run_probe_as_ns_root, (void *)variant->probe,
				   NULL);

	if (pid < 0)
		br_require_userns();
	ASSERT_LT(0, pid);
	expect_result(variant, variant->denied, br_wait(pid));
}

TEST_F(initns, allowed_as_root_control, .as = BR_ROOT)
{
	struct br_caps c;
	int status;

	/* Root may run with a reduced bounding set (containers, VMs). */
	ASSERT_EQ(0, br_caps_get(&c));
	if (variant->cap >= 0 && !(c.eff & BR_CAP(variant->cap)))
		SKIP("real root lacks cap_%s here (not in its bounding set)", br_cap_name(variant->cap));
	status = br_child(run_probe, (void *)variant->probe);
	/* A kernel may refuse even real root (lockdown, modules_disabled,
	 * yama ptrace_scope=3): then the boundary cannot be shown here. */
	if (status == variant->denied)
		SKIP("real root is refused too (%s): lockdown, a sysctl or an LSM closes it for everyone",
		     br_errname(status));
	expect_result(variant, variant->allowed, status);
}

TEST_HARNESS_MAIN
