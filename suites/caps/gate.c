/*
 * Every capability gates its operation. For each cap 0..cap_last_cap:
 *
 *   caps.gate.<cap>.dropped  every cap the run holds except that one, in all
 *                            five sets (bounding too): the operation is denied
 *                            with the expected errno (or silently not done);
 *   caps.gate.<cap>.kept     only that cap, in all five sets: the operation
 *                            gets past the check (success, or a harmless
 *                            sentinel error that comes after the check).
 *
 * The process stays uid 0 throughout, so only the capability decides.
 * Each case whose operation touches a file works in a private mount
 * namespace, in a fresh tmpfs (br_scratch) that is its working directory
 * (the others, .no_files, skip that: ~3 ms under TCG):
 *
 *   ./f         the file under test; its owner/mode depends on the cap
 *   ./absent    a name that does not exist (acct sentinel)
 *
 * Objects (shm segments, interfaces, host name) live in private ipc/net/uts
 * namespaces. Root made them, so they are owned by the initial user
 * namespace and the kernel's check is exactly the one the host would make.
 * "Another user" is OTHER_UID, a uid no real account needs; its process is
 * a child of the case. Nothing outside the case's namespaces is changed.
 */
#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "caps.h"
#include "facts.h"
#include "harness.h"
#include "proc.h"
#include "scratch.h"

#define OTHER_UID 54321
#define OTHER_GID 54321
#define FILE_PATH "f"
/* An operation that did nothing and said nothing (FSETID, BLOCK_SUSPEND, SYSLOG). */
#define SILENT (-1)

FIXTURE(gate) {
	int fd;         /* prepared fd (file, socket, shm id) */
	pid_t other;    /* a process running as OTHER_UID */
	int other_pipe; /* its lifeline: closing it ends the process */
	struct file_handle *fh;
	long saved;     /* the value the op goes back to (nice, rlimit) */
};

FIXTURE_VARIANT(gate) {
	const char *name; /* must equal the variant name: checked */
	int cap;
	br_capmask also;  /* caps that also grant the op, dropped with it */
	void (*prepare)(struct br__fix_gate *self);
	int (*op)(struct br__fix_gate *self); /* 0, an errno, or SILENT */
	int denied;       /* expected result without the cap */
	int granted;      /* expected result with only the cap */
	const char *what; /* the operation, for messages */
	const char *skip; /* why it cannot be shown safely, or NULL */
	/* A host setting that hides the check: reason, or NULL. */
	const char *(*unshowable)(void);
	/* One that makes the cap alone insufficient (kept only). */
	const char *(*kept_unshowable)(void);
	bool no_files;    /* op and prepare touch no file: no tmpfs to work in */
};

/* ---- helpers ---- */

static int res(long r)
{
	return r == -1 ? errno : 0;
}

/* errno of a call that returns an fd, or 0 (the fd is closed). */
static int res_fd(int fd)
{
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static const char *res_str(int r)
{
	return r == 0 ? "allowed" : r == SILENT ? "silently not done" : br_errname(r);
}

/* "CAP_NET_RAW" for messages. */
static const char *cap_macro(const char *name)
{
	static char buf[64];
	size_t i = snprintf(buf, sizeof(buf), "CAP_");

	for (; *name && i < sizeof(buf) - 1; name++)
		buf[i++] = toupper((unsigned char)*name);
	buf[i] = 0;
	return buf;
}

static long read_long(const char *path, long dflt)
{
	char buf[64];

	return br_read_file(path, buf, sizeof(buf)) > 0 ? atol(buf) : dflt;
}

static bool in_initial_userns(void)
{
	char buf[128];
	unsigned in, out, count;

	return br_read_file("/proc/self/uid_map", buf, sizeof(buf)) > 0 &&
	       sscanf(buf, "%u %u %u", &in, &out, &count) == 3 && in == 0 && out == 0 &&
	       count == 4294967295u;
}

/* "Seccomp:" of /proc/self/status: 0 none, 1 strict, 2 filter. */
static int seccomp_mode(void)
{
	char buf[4096];
	const char *p;

	if (br_read_file("/proc/self/status", buf, sizeof(buf)) <= 0 ||
	    !(p = strstr(buf, "\nSeccomp:")))
		return -1;
	return atoi(p + 9);
}

static void make_file(uid_t uid, gid_t gid, mode_t mode)
{
	int fd = open(FILE_PATH, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	ASSERT_LE(0, fd);
	ASSERT_OK(write(fd, "x", 1));
	ASSERT_OK(fchown(fd, uid, gid));
	ASSERT_OK(fchmod(fd, mode));
	close(fd);
}

static void file_root(struct br__fix_gate *self)
{
	(void)self;
	make_file(0, 0, 0644);
}

static void file_root_open(struct br__fix_gate *self)
{
	make_file(0, 0, 0644);
	self->fd = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

static void file_other_private(struct br__fix_gate *self)
{
	(void)self;
	make_file(OTHER_UID, OTHER_GID, 0600);
}

static void file_other_readable(struct br__fix_gate *self)
{
	(void)self;
	make_file(OTHER_UID, OTHER_GID, 0644);
}

static void unshare_or_skip(int flags, const char *what)
{
	if (unshare(flags))
		SKIP("cannot create a private %s namespace: %s", what, br_errname(errno));
}

static void netns(struct br__fix_gate *self)
{
	(void)self;
	unshare_or_skip(CLONE_NEWNET, "network");
}

/* A process of another user, alive until the case ends. It says when it
 * runs as that user (a byte on ready), and ends when its lifeline closes. */
static void other_process(struct br__fix_gate *self)
{
	int p[2], ready[2];
	ssize_t n;
	char c;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	ASSERT_OK(pipe2(ready, O_CLOEXEC));
	self->other = fork();
	ASSERT_LE(0, self->other);
	if (self->other == 0) {
		close(p[1]);
		close(ready[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (setresgid(OTHER_GID, OTHER_GID, OTHER_GID) ||
		    setresuid(OTHER_UID, OTHER_UID, OTHER_UID) || write(ready[1], "r", 1) != 1)
			_exit(1);
		close(ready[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	self->other_pipe = p[1];
	/* EOF without the byte: it could not become the other user. */
	do
		n = read(ready[0], &c, 1);
	while (n < 0 && errno == EINTR);
	ASSERT_EQ(1, n);
	close(ready[0]);
}

/* ---- one operation per capability ---- */

static int op_chown(struct br__fix_gate *self)
{
	(void)self;
	return res(chown(FILE_PATH, OTHER_UID, -1));
}

static int op_write_other(struct br__fix_gate *self)
{
	(void)self;
	return res_fd(open(FILE_PATH, O_WRONLY | O_CLOEXEC));
}

static void prep_handle(struct br__fix_gate *self)
{
	int mount_id;

	make_file(0, 0, 0644);
	self->fh = calloc(1, sizeof(*self->fh) + MAX_HANDLE_SZ);
	ASSERT_TRUE(self->fh);
	self->fh->handle_bytes = MAX_HANDLE_SZ;
	ASSERT_OK(name_to_handle_at(AT_FDCWD, FILE_PATH, self->fh, &mount_id, 0));
	self->fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

static int op_open_by_handle(struct br__fix_gate *self)
{
	return res_fd(open_by_handle_at(self->fd, self->fh, O_RDONLY | O_CLOEXEC));
}

static int op_chmod(struct br__fix_gate *self)
{
	(void)self;
	return res(chmod(FILE_PATH, 0644));
}

/* Owner uid 0, group OTHER_GID, and we are not in that group. */
static void prep_fsetid(struct br__fix_gate *self)
{
	(void)self;
	ASSERT_OK(setgroups(0, NULL));
	make_file(0, OTHER_GID, 0755);
}

/* Without CAP_FSETID, chmod clears S_ISGID silently (setattr_prepare). */
static int op_fsetid(struct br__fix_gate *self)
{
	struct stat st;

	(void)self;
	if (chmod(FILE_PATH, 02755) || stat(FILE_PATH, &st))
		return errno;
	return (st.st_mode & S_ISGID) ? 0 : SILENT;
}

static int op_kill(struct br__fix_gate *self)
{
	return res(kill(self->other, 0));
}

static int op_setgid(struct br__fix_gate *self)
{
	(void)self;
	return res(setresgid(-1, OTHER_GID, -1));
}

static int op_setuid(struct br__fix_gate *self)
{
	(void)self;
	return res(setresuid(-1, OTHER_UID, -1));
}

static int op_capbset_drop(struct br__fix_gate *self)
{
	(void)self;
	return res(prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0));
}

/* tmpfs has FS_IOC_SETFLAGS since 6.0; ENOTTY before is a skip. */
static int op_append_only(struct br__fix_gate *self)
{
	int flags = FS_APPEND_FL;
	int r = res(ioctl(self->fd, FS_IOC_SETFLAGS, &flags));

	if (r == ENOTTY || r == EOPNOTSUPP)
		SKIP("tmpfs has no FS_IOC_SETFLAGS on this kernel (6.0+): %s", br_errname(r));
	return r;
}

/* A port below ip_unprivileged_port_start, on a wildcard address in a
 * private network namespace: nobody can reach it. */
#define LOW_PORT 80
static void prep_low_port(struct br__fix_gate *self)
{
	long start;

	(void)self;
	unshare_or_skip(CLONE_NEWNET, "network");
	start = read_long("/proc/sys/net/ipv4/ip_unprivileged_port_start", 1024);
	if (start <= LOW_PORT)
		SKIP("net.ipv4.ip_unprivileged_port_start=%ld lets everyone bind port %d",
		     start, LOW_PORT);
}

static int op_bind_low(struct br__fix_gate *self)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(LOW_PORT)};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	(void)self;
	if (s < 0)
		return errno;
	r = res(bind(s, (struct sockaddr *)&a, sizeof(a)));
	close(s);
	return r;
}

/* Set lo's MTU to its current value, in a private network namespace. */
static int op_set_mtu(struct br__fix_gate *self)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	(void)self;
	if (s < 0)
		return errno;
	r = res(ioctl(s, SIOCGIFMTU, &ifr));
	if (!r)
		r = res(ioctl(s, SIOCSIFMTU, &ifr));
	close(s);
	return r;
}

static int op_raw_socket(struct br__fix_gate *self)
{
	(void)self;
	return res_fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
}

/* An owner may SHM_LOCK without the cap when RLIMIT_MEMLOCK is not 0: make
 * it 0 (this process only) so the cap alone decides. */
static void prep_shm_lock(struct br__fix_gate *self)
{
	struct rlimit zero = {0, 0};

	unshare_or_skip(CLONE_NEWIPC, "IPC");
	self->fd = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_OK(setrlimit(RLIMIT_MEMLOCK, &zero));
}

static int op_shm_lock(struct br__fix_gate *self)
{
	return res(shmctl(self->fd, SHM_LOCK, NULL));
}

/* The creator (cuid) counts as an owner too, so the other user creates it:
 * euid goes to OTHER_UID and back (that clears and restores eff). */
static void prep_shm_other(struct br__fix_gate *self)
{
	unshare_or_skip(CLONE_NEWIPC, "IPC");
	ASSERT_OK(setresuid(-1, OTHER_UID, -1));
	self->fd = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	ASSERT_OK(setresuid(-1, 0, -1));
	ASSERT_LE(0, self->fd);
}

static int op_shm_stat(struct br__fix_gate *self)
{
	struct shmid_ds ds;

	return res(shmctl(self->fd, IPC_STAT, &ds));
}

static const char *modules_disabled(void)
{
	return read_long("/proc/sys/kernel/modules_disabled", 0)
		? "kernel.modules_disabled=1: no module loads, whatever the caps" : NULL;
}

/* fd -1: EBADF comes after may_init_module()'s capability check. */
static int op_finit_module(struct br__fix_gate *self)
{
	int r = res(syscall(SYS_finit_module, -1, "", 0));

	(void)self;
	if (r == ENOSYS)
		SKIP("finit_module is ENOSYS: the kernel has no CONFIG_MODULES");
	return r;
}

/* FIBMAP checks CAP_SYS_RAWIO first, then rejects a negative block with
 * EINVAL. (iopl(3), the classic probe, would change this process's I/O
 * privilege level, and is emulated or absent on newer kernels.) */
static int op_fibmap(struct br__fix_gate *self)
{
	int block = -1;

	return res(ioctl(self->fd, FIBMAP, &block));
}

static int op_chroot(struct br__fix_gate *self)
{
	(void)self;
	return res(chroot("."));
}

static char peek_target = 'p';

static int op_vm_read(struct br__fix_gate *self)
{
	char c = 0;
	struct iovec local = {&c, 1}, remote = {&peek_target, 1};
	ssize_t n = process_vm_readv(self->other, &local, 1, &remote, 1, 0);

	return n < 0 ? errno : 0;
}

/* acct() checks the cap before opening the file: ENOENT means "past it". */
static int op_acct(struct br__fix_gate *self)
{
	int r = res(acct("absent"));

	(void)self;
	if (r == ENOSYS)
		SKIP("acct is ENOSYS: the kernel has no CONFIG_BSD_PROCESS_ACCT");
	return r;
}

static void utsns(struct br__fix_gate *self)
{
	(void)self;
	unshare_or_skip(CLONE_NEWUTS, "UTS");
}

static int op_sethostname(struct br__fix_gate *self)
{
	char name[256];

	(void)self;
	if (gethostname(name, sizeof(name)))
		return errno;
	return res(sethostname(name, strlen(name)));
}

/*
 * reboot(2) checks CAP_SYS_BOOT before the magic numbers, so a bad magic is
 * EINVAL once allowed. Belt and braces: the call runs as init of a fresh pid
 * namespace, where even a valid magic can only end that namespace, and the
 * command is CAD_OFF, which a child pid namespace refuses.
 */
static int reboot_child(void *arg)
{
	(void)arg;
	if (syscall(SYS_reboot, 0x0badbeef, 0x0badbeef, LINUX_REBOOT_CMD_CAD_OFF, NULL) == 0)
		return 0;
	return errno;
}

static void pidns(struct br__fix_gate *self)
{
	(void)self;
	unshare_or_skip(CLONE_NEWPID, "PID");
}

static int op_reboot(struct br__fix_gate *self)
{
	(void)self;
	return br_child(reboot_child, NULL);
}

/* Raise nice by one (allowed), then try to lower it back (the check).
 * RLIMIT_NICE 0 (this process only) so the cap alone decides. */
static void prep_nice(struct br__fix_gate *self)
{
	struct rlimit zero = {0, 0};

	errno = 0;
	self->saved = getpriority(PRIO_PROCESS, 0);
	ASSERT_EQ(0, errno);
	if (self->saved >= 19)
		SKIP("the run's nice value is %ld: it cannot be raised to lower it again", self->saved);
	ASSERT_OK(setrlimit(RLIMIT_NICE, &zero));
	ASSERT_OK(setpriority(PRIO_PROCESS, 0, self->saved + 1));
}

static int op_nice(struct br__fix_gate *self)
{
	return res(setpriority(PRIO_PROCESS, 0, self->saved));
}

/* Lower the hard RLIMIT_NOFILE by one (allowed), then raise it back. */
static void prep_rlimit(struct br__fix_gate *self)
{
	struct rlimit r;

	ASSERT_OK(getrlimit(RLIMIT_NOFILE, &r));
	self->saved = (long)r.rlim_max;
	r.rlim_max -= 1;
	if (r.rlim_cur > r.rlim_max)
		r.rlim_cur = r.rlim_max;
	ASSERT_OK(setrlimit(RLIMIT_NOFILE, &r));
}

static int op_rlimit(struct br__fix_gate *self)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return errno;
	r.rlim_max = (rlim_t)self->saved;
	return res(setrlimit(RLIMIT_NOFILE, &r));
}

/* settimeofday(NULL, tz) checks CAP_SYS_TIME before the range of tz, so an
 * out-of-range zone is EINVAL once allowed and nothing is set. A valid tz
 * would change the global sys_tz (and warp the clock on the first call). */
static int op_settimeofday(struct br__fix_gate *self)
{
	struct timezone tz = {.tz_minuteswest = 16 * 60};

	(void)self;
	return res(syscall(SYS_settimeofday, NULL, &tz));
}

/*
 * vhangup() hangs up the controlling terminal when allowed, so it runs in a
 * child that first leaves for a new session: with no controlling terminal
 * there is nothing to hang up.
 */
static int vhangup_child(void *arg)
{
	int fd;

	(void)arg;
	if (setsid() < 0)
		return 200;
	fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return 201; /* still a controlling terminal: refuse to go on */
	return vhangup() ? errno : 0;
}

static int op_vhangup(struct br__fix_gate *self)
{
	int r = br_child(vhangup_child, NULL);

	(void)self;
	ASSERT_GT(200, r);
	return r;
}

static int op_mknod(struct br__fix_gate *self)
{
	(void)self;
	return res(mknod("null", S_IFCHR | 0600, makedev(1, 3)));
}

static const char *leases_off(void)
{
	return read_long("/proc/sys/fs/leases-enable", 1) ? NULL
		: "fs.leases-enable=0: leases are off for everyone";
}

static int op_lease(struct br__fix_gate *self)
{
	int fd = open(FILE_PATH, O_RDONLY | O_CLOEXEC), r;

	(void)self;
	if (fd < 0)
		return errno;
	r = res(fcntl(fd, F_SETLEASE, F_RDLCK));
	close(fd);
	return r;
}

/* One audit netlink request with NLM_F_ACK; the ack's error, or the errno. */
static int audit_request(int type, int *err)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlmsghdr req = {.nlmsg_len = NLMSG_LENGTH(0), .nlmsg_type = type,
			       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1};
	struct timeval tmo = {.tv_sec = 2};
	char buf[8192];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (s < 0)
		return errno;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	if (sendto(s, &req, req.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto fail;
	/* A reply (AUDIT_GET) may come before or after the ack. */
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);

		if (n < 0)
			goto fail;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR) {
				*err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				close(s);
				return 0;
			}
	}
fail:
	*err = errno;
	close(s);
	return *err;
}

static int audit_result(int type)
{
	int err = 0, r = audit_request(type, &err);

	if (r == EPROTONOSUPPORT)
		SKIP("no NETLINK_AUDIT: the kernel has no CONFIG_AUDIT");
	ASSERT_EQ(0, r);
	return err;
}

/* An AUDIT_USER message with an empty text: refused (EINVAL, 5.6+) or
 * dropped before logging, so nothing reaches the audit log either way. */
static int op_audit_user(struct br__fix_gate *self)
{
	int r = audit_result(AUDIT_USER);

	(void)self;
	return r == EINVAL ? 0 : r;
}

/* AUDIT_GET only reads the audit status. */
static int op_audit_get(struct br__fix_gate *self)
{
	(void)self;
	return audit_result(AUDIT_GET);
}

/* Joining the read-only log multicast group: audit_multicast_bind(). */
static int op_audit_readlog(struct br__fix_gate *self)
{
	struct sockaddr_nl a = {.nl_family = AF_NETLINK,
				.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1)};
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r;

	(void)self;
	if (s < 0 && errno == EPROTONOSUPPORT)
		SKIP("no NETLINK_AUDIT: the kernel has no CONFIG_AUDIT");
	if (s < 0)
		return errno;
	r = res(bind(s, (struct sockaddr *)&a, sizeof(a)));
	close(s);
	return r;
}

/* A valid v2 security.capability (cap_chown+p) on our own tmpfs file. */
static int op_setfcap(struct br__fix_gate *self)
{
	struct vfs_cap_data v = {.magic_etc = VFS_CAP_REVISION_2};

	(void)self;
	v.data[0].permitted = 1u << CAP_CHOWN;
	return res(setxattr(FILE_PATH, "security.capability", &v, XATTR_CAPS_SZ_2, 0));
}

/*
 * klogctl(READ_ALL) also accepts CAP_SYS_ADMIN (deprecated fallback in
 * check_syslog_permissions()), so it cannot show that CAP_SYSLOG is needed
 * while the others are held. /proc/kallsyms has no such fallback: without
 * CAP_SYSLOG the addresses read as zero (kallsyms_show_value()).
 */
static const char *kallsyms_open_to_all(void)
{
	long kptr = read_long("/proc/sys/kernel/kptr_restrict", 0);
	long paranoid = read_long("/proc/sys/kernel/perf_event_paranoid", 2);

	if (access("/proc/kallsyms", R_OK))
		return "no /proc/kallsyms: the kernel has no CONFIG_KALLSYMS";
	if (kptr >= 2)
		return "kernel.kptr_restrict=2 hides kallsyms addresses even with CAP_SYSLOG";
	if (kptr == 0 && paranoid <= 1)
		return "kptr_restrict=0 with perf_event_paranoid<=1 shows kallsyms addresses to all";
	return NULL;
}

/* Any non-zero address counts: where x86 per-cpu symbols are zero-based
 * (5.10 to 6.12 in the matrix), the first lines read 0 even when shown. */
static int op_kallsyms(struct br__fix_gate *self)
{
	static char buf[64 * 1024];
	ssize_t n = br_read_file("/proc/kallsyms", buf, sizeof(buf));

	(void)self;
	if (n < 0)
		return (int)-n;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		if (strtoull(line, NULL, 16))
			return 0;
		if (!(nl = strchr(line, '\n')))
			break;
	}
	return SILENT;
}

static int op_alarm_timer(struct br__fix_gate *self)
{
	(void)self;
	return res_fd(timerfd_create(CLOCK_BOOTTIME_ALARM, TFD_CLOEXEC));
}

static const char *no_pm_sleep(void)
{
	return access("/sys/power/wakeup_count", F_OK)
		? "no /sys/power/wakeup_count: without CONFIG_PM_SLEEP the kernel drops EPOLLWAKEUP for everyone"
		: NULL;
}

/* Without the cap, epoll_ctl drops EPOLLWAKEUP silently; fdinfo shows it. */
static int op_epollwakeup(struct br__fix_gate *self)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLWAKEUP};
	int ep = epoll_create1(EPOLL_CLOEXEC), efd = eventfd(0, EFD_CLOEXEC);
	char path[64], buf[1024];
	const char *p;
	unsigned long events;

	(void)self;
	if (ep < 0 || efd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev))
		return errno;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	ASSERT_LT(0, br_read_file(path, buf, sizeof(buf)));
	p = strstr(buf, "events:");
	ASSERT_TRUE(p);
	events = strtoul(p + 7, NULL, 16);
	close(ep);
	close(efd);
	return (events & EPOLLWAKEUP) ? 0 : SILENT;
}

static const char *perf_open_to_all(void)
{
	long p = read_long("/proc/sys/kernel/perf_event_paranoid", -100);

	if (p == -100)
		return "no kernel.perf_event_paranoid: the kernel has no CONFIG_PERF_EVENTS";
	if (p < 2)
		return "kernel.perf_event_paranoid<2 lets everyone profile the kernel";
	return NULL;
}

/* Debian and Ubuntu add levels above 2 that ask for CAP_SYS_ADMIN itself. */
static const char *perf_needs_sys_admin(void)
{
	static char why[160];
	long p = read_long("/proc/sys/kernel/perf_event_paranoid", 2);

	if (p <= 2)
		return NULL;
	snprintf(why, sizeof(why), "kernel.perf_event_paranoid=%ld (a distribution level above 2) "
		 "asks for CAP_SYS_ADMIN: CAP_PERFMON alone cannot pass", p);
	return why;
}

/* A software counter of this thread that includes kernel mode. */
static int op_perf_kernel(struct br__fix_gate *self)
{
	struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
				    .config = PERF_COUNT_SW_CPU_CLOCK, .disabled = 1,
				    .exclude_hv = 1};

	(void)self;
	return res_fd((int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

static const char *bpf_open_to_all(void)
{
	long v = read_long("/proc/sys/kernel/unprivileged_bpf_disabled", -1);

	if (v == -1)
		return "no kernel.unprivileged_bpf_disabled: the kernel has no CONFIG_BPF_SYSCALL";
	if (v == 0)
		return "kernel.unprivileged_bpf_disabled=0 lets everyone create maps";
	return NULL;
}

static int op_bpf_map(struct br__fix_gate *self)
{
	union bpf_attr a = {.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
			    .max_entries = 1};

	(void)self;
	return res_fd((int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
}

/* clone3 with set_tid = our own pid: the cap check comes first, then the
 * pid is found taken (EEXIST), so no process is ever created. */
static int op_set_tid(struct br__fix_gate *self)
{
	pid_t tid = getpid();
	struct clone_args a = {.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&tid,
			       .set_tid_size = 1};
	long r = syscall(SYS_clone3, &a, sizeof(a));

	(void)self;
	if (r == 0)
		_exit(0); /* cannot happen; never run the case twice */
	if (r > 0) {
		waitpid((pid_t)r, NULL, 0);
		return 0;
	}
	if (errno == ENOSYS)
		SKIP("clone3 is ENOSYS (5.3+)");
	return errno;
}

/* ---- the table: one variant per capability, in number order ---- */

#define GATE(cap_name, cap_num, ...) \
	FIXTURE_VARIANT_ADD(gate, cap_name) {.name = #cap_name, .cap = cap_num, __VA_ARGS__}

#define SYS_ADMIN_TOO BR_CAP(CAP_SYS_ADMIN)
#define MAC_SKIP "only an LSM that uses it (Smack) checks it, and a safe probe would need a policy loaded"

GATE(chown, CAP_CHOWN, .prepare = file_root, .op = op_chown, .denied = EPERM,
     .what = "chown to another uid");
GATE(dac_override, CAP_DAC_OVERRIDE, .prepare = file_other_private, .op = op_write_other,
     .denied = EACCES, .what = "open another user's 0600 file for writing");
GATE(dac_read_search, CAP_DAC_READ_SEARCH, .prepare = prep_handle, .op = op_open_by_handle,
     .denied = EPERM, .what = "open_by_handle_at");
GATE(fowner, CAP_FOWNER, .prepare = file_other_private, .op = op_chmod, .denied = EPERM,
     .what = "chmod another user's file");
GATE(fsetid, CAP_FSETID, .prepare = prep_fsetid, .op = op_fsetid, .denied = SILENT,
     .what = "chmod g+s with a group we are not in");
GATE(kill, CAP_KILL, .prepare = other_process, .op = op_kill, .denied = EPERM,
     .what = "kill(another uid's process, 0)",
     .no_files = true);
GATE(setgid, CAP_SETGID, .op = op_setgid, .denied = EPERM, .what = "setresgid to another gid",
     .no_files = true);
GATE(setuid, CAP_SETUID, .op = op_setuid, .denied = EPERM, .what = "setresuid to another uid",
     .no_files = true);
GATE(setpcap, CAP_SETPCAP, .op = op_capbset_drop, .denied = EPERM, .what = "PR_CAPBSET_DROP",
     .no_files = true);
GATE(linux_immutable, CAP_LINUX_IMMUTABLE, .prepare = file_root_open, .op = op_append_only,
     .denied = EPERM, .what = "FS_IOC_SETFLAGS append-only");
GATE(net_bind_service, CAP_NET_BIND_SERVICE, .prepare = prep_low_port, .op = op_bind_low,
     .denied = EACCES, .what = "bind a port below ip_unprivileged_port_start",
     .no_files = true);
GATE(net_broadcast, CAP_NET_BROADCAST,
     .skip = "no kernel code checks CAP_NET_BROADCAST: it gates no operation");
GATE(net_admin, CAP_NET_ADMIN, .prepare = netns, .op = op_set_mtu, .denied = EPERM,
     .what = "SIOCSIFMTU on lo (same MTU)",
     .no_files = true);
GATE(net_raw, CAP_NET_RAW, .prepare = netns, .op = op_raw_socket, .denied = EPERM,
     .what = "socket(SOCK_RAW)",
     .no_files = true);
GATE(ipc_lock, CAP_IPC_LOCK, .prepare = prep_shm_lock, .op = op_shm_lock, .denied = EPERM,
     .what = "SHM_LOCK with RLIMIT_MEMLOCK 0",
     .no_files = true);
GATE(ipc_owner, CAP_IPC_OWNER, .prepare = prep_shm_other, .op = op_shm_stat, .denied = EACCES,
     .what = "IPC_STAT of another user's 0600 segment",
     .no_files = true);
GATE(sys_module, CAP_SYS_MODULE, .op = op_finit_module, .unshowable = modules_disabled, .denied = EPERM, .granted = EBADF,
     .what = "finit_module(-1)",
     .no_files = true);
GATE(sys_rawio, CAP_SYS_RAWIO, .prepare = file_root_open, .op = op_fibmap, .denied = EPERM,
     .granted = EINVAL, .what = "FIBMAP with block -1");
GATE(sys_chroot, CAP_SYS_CHROOT, .op = op_chroot, .denied = EPERM, .what = "chroot");
GATE(sys_ptrace, CAP_SYS_PTRACE, .prepare = other_process, .op = op_vm_read, .denied = EPERM,
     .what = "process_vm_readv of another uid's process",
     .no_files = true);
GATE(sys_pacct, CAP_SYS_PACCT, .op = op_acct, .denied = EPERM, .granted = ENOENT,
     .what = "acct(a missing file)");
GATE(sys_admin, CAP_SYS_ADMIN, .prepare = utsns, .op = op_sethostname, .denied = EPERM,
     .what = "sethostname (same name)",
     .no_files = true);
GATE(sys_boot, CAP_SYS_BOOT, .prepare = pidns, .op = op_reboot, .denied = EPERM, .granted = EINVAL,
     .what = "reboot with a bad magic",
     .no_files = true);
GATE(sys_nice, CAP_SYS_NICE, .prepare = prep_nice, .op = op_nice, .denied = EACCES,
     .what = "lower the nice value",
     .no_files = true);
GATE(sys_resource, CAP_SYS_RESOURCE, .prepare = prep_rlimit, .op = op_rlimit, .denied = EPERM,
     .what = "raise a hard rlimit",
     .no_files = true);
GATE(sys_time, CAP_SYS_TIME, .op = op_settimeofday, .denied = EPERM, .granted = EINVAL,
     .what = "settimeofday(NULL, out-of-range tz)",
     .no_files = true);
GATE(sys_tty_config, CAP_SYS_TTY_CONFIG, .op = op_vhangup, .denied = EPERM,
     .what = "vhangup without a controlling terminal",
     .no_files = true);
GATE(mknod, CAP_MKNOD, .op = op_mknod, .denied = EPERM, .what = "mknod a char device");
GATE(lease, CAP_LEASE, .prepare = file_other_readable, .op = op_lease, .denied = EACCES,
     .unshowable = leases_off, .what = "F_SETLEASE on another user's file");
GATE(audit_write, CAP_AUDIT_WRITE, .op = op_audit_user, .denied = EPERM,
     .what = "AUDIT_USER message (empty)",
     .no_files = true);
GATE(audit_control, CAP_AUDIT_CONTROL, .op = op_audit_get, .denied = EPERM,
     .what = "AUDIT_GET",
     .no_files = true);
GATE(setfcap, CAP_SETFCAP, .prepare = file_root, .op = op_setfcap, .denied = EPERM,
     .what = "setxattr security.capability");
GATE(mac_override, CAP_MAC_OVERRIDE, .skip = MAC_SKIP);
GATE(mac_admin, CAP_MAC_ADMIN, .skip = MAC_SKIP);
GATE(syslog, CAP_SYSLOG, .op = op_kallsyms, .denied = SILENT, .unshowable = kallsyms_open_to_all,
     .what = "read kernel addresses in /proc/kallsyms",
     .no_files = true);
GATE(wake_alarm, CAP_WAKE_ALARM, .op = op_alarm_timer, .denied = EPERM,
     .what = "timerfd_create(CLOCK_BOOTTIME_ALARM)",
     .no_files = true);
GATE(block_suspend, CAP_BLOCK_SUSPEND, .op = op_epollwakeup, .denied = SILENT,
     .unshowable = no_pm_sleep, .what = "EPOLLWAKEUP",
     .no_files = true);
GATE(audit_read, CAP_AUDIT_READ, .op = op_audit_readlog, .denied = EPERM,
     .what = "join AUDIT_NLGRP_READLOG",
     .no_files = true);
/* The three caps split out of CAP_SYS_ADMIN (5.8) still accept it. */
GATE(perfmon, CAP_PERFMON, .also = SYS_ADMIN_TOO, .op = op_perf_kernel, .denied = EACCES,
     .unshowable = perf_open_to_all, .kept_unshowable = perf_needs_sys_admin,
     .what = "perf_event_open counting kernel mode",
     .no_files = true);
GATE(bpf, CAP_BPF, .also = SYS_ADMIN_TOO, .op = op_bpf_map, .denied = EPERM,
     .unshowable = bpf_open_to_all, .what = "BPF_MAP_CREATE",
     .no_files = true);
GATE(checkpoint_restore, CAP_CHECKPOINT_RESTORE, .also = SYS_ADMIN_TOO, .op = op_set_tid,
     .denied = EPERM, .granted = EEXIST, .what = "clone3 with set_tid",
     .no_files = true);

/* ---- the two cases ---- */

FIXTURE_SETUP(gate)
{
	int last = br_caps_last_cap(), ret;
	const char *why;
	char dir[64];

	self->fd = -1;
	self->other_pipe = -1;
	ASSERT_STREQ(variant->name, br_cap_name(variant->cap));
	ASSERT_LE(0, last);
	if (variant->cap > last)
		SKIP("the kernel has no %s (cap_last_cap=%d)", cap_macro(variant->name), last);
	if (variant->skip)
		SKIP("%s", variant->skip);
	if (variant->unshowable && (why = variant->unshowable()))
		SKIP("%s", why);
	/* Root of a container's user namespace holds caps only over that
	 * namespace; the host-wide checks here would deny it anyway. */
	if (!in_initial_userns())
		SKIP("the run is not in the initial user namespace: its caps cannot "
		     "reach the checks made against it");
	if (!variant->no_files && (ret = br_scratch(0, dir, sizeof(dir))))
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	if (!variant->no_files)
		ASSERT_OK(chdir(dir));
	if (variant->prepare)
		variant->prepare(self);
}

FIXTURE_TEARDOWN(gate)
{
	if (self->other_pipe >= 0)
		close(self->other_pipe);
}

static void check(int want, int got, const char *what, const char *how)
{
	if (want != got)
		br_fail(__FILE__, __LINE__, "%s %s: expected %s, got %s", what, how,
			res_str(want), res_str(got));
}

TEST_F(gate, dropped, .as = BR_ROOT)
{
	struct br_caps st;
	br_capmask drop = BR_CAP(variant->cap) | variant->also;
	char text[1024];
	int ret;

	ASSERT_EQ(0, br_caps_get(&st));
	ret = br_caps_keep_mask(st.prm & ~drop);
	ASSERT_EQ(0, ret);
	br_caps_get(&st);
	br_caps_format(&st, text, sizeof(text));
	TH_LOG("%s", text);
	check(variant->denied, variant->op(self), variant->what, "without the cap");
}

TEST_F(gate, kept, .as = BR_ROOT)
{
	struct br_caps st;
	char text[1024];
	const char *why;
	int got;

	ASSERT_EQ(0, br_caps_get(&st));
	if (!(st.prm & BR_CAP(variant->cap))) {
		br_caps_mask_format(st.bnd, text, sizeof(text));
		SKIP("%s is not in this run's permitted set (bounding set: %s): "
		     "the control cannot run", cap_macro(variant->name), text);
	}
	if (variant->kept_unshowable && (why = variant->kept_unshowable()))
		SKIP("%s", why);
	ASSERT_EQ(0, br_caps_keep_mask(BR_CAP(variant->cap)));
	got = variant->op(self);
	/* A filter the run is under (a container's) may deny the op itself. */
	if (got != variant->granted && seccomp_mode() == 2)
		SKIP("%s with only the cap gave %s, and the run is under a seccomp filter: "
		     "the control cannot run", variant->what, res_str(got));
	check(variant->granted, got, variant->what, "with only the cap");
}

/*
 * Why PERFMON, BPF and CHECKPOINT_RESTORE drop CAP_SYS_ADMIN with them: the
 * kernel still accepts CAP_SYS_ADMIN alone for their operations
 * (perfmon_capable(), bpf_capable(), checkpoint_restore_ns_capable()).
 */
FIXTURE(sys_admin_grants) {
	struct br__fix_gate gate;
};

FIXTURE_VARIANT(sys_admin_grants) {
	int (*op)(struct br__fix_gate *self);
	int granted;
	const char *(*unshowable)(void);
};

FIXTURE_VARIANT_ADD(sys_admin_grants, perfmon) {.op = op_perf_kernel, .unshowable = perf_open_to_all};
FIXTURE_VARIANT_ADD(sys_admin_grants, bpf) {.op = op_bpf_map, .unshowable = bpf_open_to_all};
FIXTURE_VARIANT_ADD(sys_admin_grants, checkpoint_restore) {.op = op_set_tid, .granted = EEXIST};

FIXTURE_SETUP(sys_admin_grants)
{
	struct br_caps st;
	const char *why;

	if (variant->unshowable && (why = variant->unshowable()))
		SKIP("%s", why);
	if (!in_initial_userns())
		SKIP("the run is not in the initial user namespace: its caps cannot "
		     "reach the checks made against it");
	ASSERT_EQ(0, br_caps_get(&st));
	if (!(st.prm & BR_CAP(CAP_SYS_ADMIN)))
		SKIP("CAP_SYS_ADMIN is not in this run's permitted set");
}

FIXTURE_TEARDOWN(sys_admin_grants) {}

TEST_F(sys_admin_grants, only_sys_admin, .as = BR_ROOT)
{
	ASSERT_EQ(0, br_caps_keep_mask(BR_CAP(CAP_SYS_ADMIN)));
	check(variant->granted, variant->op(&self->gate), "the operation", "with only CAP_SYS_ADMIN");
}

TEST_HARNESS_MAIN
