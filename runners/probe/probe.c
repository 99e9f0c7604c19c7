/*
 * blastradius-probe: the static binary that assess runs inside a sandbox.
 * It measures what a compromised process there could reach and writes one
 * record a line (README "Probe records"):
 *
 *   blastradius-probe 1
 *   F <TAB> key <TAB> value                               a fact
 *   O <TAB> key <TAB> value <TAB> cause <TAB> detail      an observation
 *   end
 *
 * Every crossing runs in a forked child (lib/probe br_probe), so a filter that
 * kills costs one child, never the report. Sentinel arguments make an
 * allowed call fail harmlessly after the check it observes; nothing here
 * changes state outside the probe's own children, except a create+unlink of
 * one file in each directory it tests for writability.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "codes.h"
#include "facts.h"
#include "fhandle.h"
#include "harness.h" /* br_errname */
#include "probe.h"
#include "proc.h"

#define TIMEOUT_MS 2000
#define MAX_EXTRA 32

static FILE *out;
static int seccomp_mode; /* PR_GET_SECCOMP: 0 none, 2 filter */

/* Tabs and newlines would break the record format. */
static void field(const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void fact(const char *key, const char *value)
{
	fputs("F\t", out);
	field(key);
	fputc('\t', out);
	field(value);
	fputc('\n', out);
}

static void obs(const char *key, const char *value, const char *cause, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void obs(const char *key, const char *value, const char *cause, const char *fmt, ...)
{
	char *detail = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = NULL;
	va_end(ap);
	fputs("O\t", out);
	field(key);
	fputc('\t', out);
	field(value);
	fputc('\t', out);
	field(cause);
	fputc('\t', out);
	field(detail ? detail : "");
	fputc('\n', out);
	free(detail);
}

/*
 * Why a crossing did not get through. A denial before the sentinel is the
 * filter's when one is loaded and the call checks its arguments before any
 * capability; the capability's when no filter is loaded.
 */
static const char *cause_of(const struct br_outcome *o, bool cap_first, enum br_abi abi)
{
	enum br_abi_state st = br_abi_state(abi);

	switch (o->kind) {
	case BR_ALLOWED:
		return "none";
	case BR_TRAPPED:
		return "seccomp-trap";
	case BR_KILLED:
		if (o->sig == SIGSYS)
			return "seccomp-kill";
		return abi == BR_ABI_IA32 && o->sig == SIGSEGV && st != BR_ABI_ENABLED
			       ? "abi-off" : "signal";
	case BR_UNSUPPORTED:
		if (st != BR_ABI_ENABLED)
			return "abi-off";
		return seccomp_mode ? "kernel-or-seccomp" : "kernel";
	case BR_DENIED:
		/* No filter: a capability, a sysctl (unprivileged_bpf_disabled,
		 * perf_event_paranoid, ...) or an LSM refused it. */
		if (!seccomp_mode)
			return cap_first ? "capability" : o->err == EACCES || o->err == EPERM ? "privilege"
											    : "kernel";
		return cap_first && o->err == EPERM ? "capability-or-seccomp" : "seccomp-errno";
	default:
		return "probe-error";
	}
}

static void obs_outcome(const char *key, const struct br_outcome *o, const char *cause,
			const char *what)
{
	char buf[160];

	obs(key, br_outcome_str(o, buf, sizeof(buf)), cause, "%s%s%s", what,
	    o->detail[0] ? "; " : "", o->detail);
}

/* ---- identities, maps, credentials ---- */

static const char *const ns_types[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup", "time"};

static void ns_id(const char *pid, const char *type, char *buf, size_t size)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, type);
	if (stat(path, &st))
		snprintf(buf, size, "unreadable(%s)", br_errname(errno));
	else
		snprintf(buf, size, "%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
}

/* "NSpid:\t5\t1" has one entry per pid namespace level we are visible in. */
static int pid_levels(void)
{
	char buf[4096], *p;
	int n = 0;

	if (br_read_file("/proc/self/status", buf, sizeof(buf)) < 0 || !(p = strstr(buf, "NSpid:")))
		return -1;
	p += 6;
	for (char *end = p + strcspn(p, "\n"); p < end;) {
		p += strspn(p, " \t");
		if (p >= end)
			break;
		n++;
		p += strcspn(p, " \t\n");
	}
	return n;
}

static void map_text(const char *path, char *buf, size_t size)
{
	ssize_t n = br_read_file(path, buf, size);

	if (n < 0) {
		snprintf(buf, size, "unreadable(%s)", br_errname((int)-n));
		return;
	}
	/* "         0       1000          1\n" -> "0 1000 1; ..." */
	char *w = buf;
	bool blank = true;

	for (char *r = buf; *r; r++) {
		if (*r == ' ' || *r == '\t') {
			if (!blank)
				*w++ = ' ';
			blank = true;
		} else if (*r == '\n') {
			if (w > buf && w[-1] == ' ')
				w--;
			if (r[1])
				*w++ = ';', *w++ = ' ';
			blank = true;
		} else {
			*w++ = *r;
			blank = false;
		}
	}
	while (w > buf && (w[-1] == ' ' || w[-1] == ';'))
		w--;
	*w = 0;
}

static void probe_identity(void)
{
	char a[64], b[64], map[4096], self[32];
	ssize_t n;
	int levels = pid_levels();

	for (size_t i = 0; i < sizeof(ns_types) / sizeof(*ns_types); i++) {
		char key[64];

		ns_id("self", ns_types[i], a, sizeof(a));
		ns_id("1", ns_types[i], b, sizeof(b));
		snprintf(key, sizeof(key), "ns.%s", ns_types[i]);
		obs(key, a, "none", "pid1=%s", b);
	}
	snprintf(a, sizeof(a), "%d", levels);
	obs("pid.levels", a, "none", "pid namespace levels this process is visible in (NSpid)");
	n = readlink("/proc/self", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	snprintf(a, sizeof(a), "%s", n > 0 ? (atoi(self) == getpid() ? "own" : "foreign") : "absent");
	obs("proc.pidns", a, "none", "/proc/self is %s, getpid() is %d", n > 0 ? self : "unreadable",
	    (int)getpid());
	{
		DIR *d = opendir("/proc");
		struct dirent *e;
		int count = 0;

		while (d && (e = readdir(d)))
			count += e->d_name[0] >= '1' && e->d_name[0] <= '9';
		if (d)
			closedir(d);
		snprintf(a, sizeof(a), "%d", count);
		obs("proc.pids", a, "none", "processes listed in /proc");
	}
	map_text("/proc/self/uid_map", map, sizeof(map));
	obs("uid_map", map, "none", "inside outside count");
	map_text("/proc/self/gid_map", map, sizeof(map));
	obs("gid_map", map, "none", "inside outside count");
	snprintf(a, sizeof(a), "%u", (unsigned)getuid());
	obs("uid", a, "none", "euid=%u", (unsigned)geteuid());
	snprintf(a, sizeof(a), "%u", (unsigned)getgid());
	obs("gid", a, "none", "egid=%u", (unsigned)getegid());
}

static void probe_creds(void)
{
	struct br_caps c;
	char buf[64], status[8192], *p;
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);

	if (br_caps_get(&c) == 0) {
		const struct {
			const char *key;
			br_capmask m;
		} sets[] = {
			{"caps.effective", c.eff}, {"caps.permitted", c.prm},
			{"caps.inheritable", c.inh}, {"caps.bounding", c.bnd},
			{"caps.ambient", c.amb},
		};
		char names[2048];

		for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
			snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)sets[i].m);
			br_caps_mask_format(sets[i].m, names, sizeof(names));
			obs(sets[i].key, buf, "none", "%s", names);
		}
		snprintf(buf, sizeof(buf), "0x%x", c.securebits);
		obs("securebits", buf, "none", "prctl(PR_GET_SECUREBITS)");
		obs("nnp", c.nnp ? "on" : "off", "none", "prctl(PR_GET_NO_NEW_PRIVS)");
	} else {
		obs("caps.effective", "error", "probe-error", "capget failed");
	}
	seccomp_mode = mode < 0 ? 2 : mode;
	obs("seccomp.mode", mode == 0 ? "disabled" : mode == 2 ? "filter" : "unknown", "none",
	    "prctl(PR_GET_SECCOMP) = %d", mode);
	if (br_read_file("/proc/self/status", status, sizeof(status)) > 0 &&
	    (p = strstr(status, "Seccomp_filters:"))) {
		p += strlen("Seccomp_filters:");
		snprintf(buf, sizeof(buf), "%ld", strtol(p, NULL, 10));
		obs("seccomp.filters", buf, "none", "/proc/self/status (5.9+)");
	}
}

/* ---- syscalls on every ABI ---- */

static void probe_syscalls(void)
{
	static const char *const abis[] = {"native", "x32", "ia32"};

	for (int a = 0; a < BR_NABIS; a++) {
		char key[64];

		snprintf(key, sizeof(key), "abi.%s", abis[a]);
		obs(key, br_abi_state_name(br_abi_state(a)), "none", "%s",
		    "getpid through this ABI, and whether the kernel builds it");
	}
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++)
		for (int a = 0; a < BR_NABIS; a++) {
			struct br_outcome o;
			char key[96], what[96];

			br_probe_sys(&o, sp, a, TIMEOUT_MS);
			snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[a]);
			snprintf(what, sizeof(what), "sentinel %s", sp->sentinel ?
				 br_errname(sp->sentinel) : "success");
			obs_outcome(key, &o, cause_of(&o, sp->cap_first, a), what);
		}
}

/* ---- real crossings with harmless effects, native ABI ---- */

static long do_clone3_newns(void *arg)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} ca = {.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS |
			 CLONE_NEWIPC,
		.exit_signal = SIGCHLD};
	long pid;

	(void)arg;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

static long do_unshare_user(void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWUSER) ? -errno : 0;
}

static long do_socket(void *arg)
{
	const int *dt = arg;
	int fd = socket(dt[0], dt[1] | SOCK_CLOEXEC, dt[2]);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* IORING_OP_OPENAT of "/": seccomp sees io_uring_setup/enter, never the open. */
static long do_uring_openat(void *arg)
{
	long fd = br_uring_openat("/", O_DIRECTORY);

	(void)arg;
	if (fd >= 0)
		close((int)fd);
	return fd < 0 ? fd : 0;
}

static const char *plain_cause(const struct br_outcome *o)
{
	return cause_of(o, true, BR_ABI_NATIVE);
}

static void probe_crossings(void)
{
	static const int packet[3] = {AF_PACKET, SOCK_RAW, 0};
	static const int raw[3] = {AF_INET, SOCK_RAW, 1 /* ICMP */};
	struct br_outcome o, sys;

	br_probe(&o, do_clone3_newns, NULL, 0, TIMEOUT_MS);
	obs_outcome("clone3.newns", &o, plain_cause(&o),
		    "clone3(NEWUSER|NEWNS|NEWPID|NEWNET|NEWUTS|NEWIPC); the child exits at once");
	br_probe(&o, do_unshare_user, NULL, 0, TIMEOUT_MS);
	obs_outcome("unshare.user", &o, plain_cause(&o), "unshare(CLONE_NEWUSER) in a child");
	br_probe(&o, do_socket, (void *)packet, 0, TIMEOUT_MS);
	obs_outcome("rawsock.packet", &o, plain_cause(&o), "socket(AF_PACKET, SOCK_RAW): sniffing");
	br_probe(&o, do_socket, (void *)raw, 0, TIMEOUT_MS);
	obs_outcome("rawsock.inet", &o, plain_cause(&o), "socket(AF_INET, SOCK_RAW, ICMP)");
	br_probe(&o, do_uring_openat, NULL, 0, TIMEOUT_MS);
	obs_outcome("io_uring.openat", &o, plain_cause(&o), "IORING_OP_OPENAT of / through a ring");
	br_probe_sys(&sys, br_sysprobe_find("openat"), BR_ABI_NATIVE, TIMEOUT_MS);
	obs("io_uring.bypass",
	    o.kind == BR_ALLOWED && sys.kind != BR_ALLOWED ? "yes" : "no", "none",
	    "openat(2) is %s while IORING_OP_OPENAT is %s", br_outcome_kind_name(sys.kind),
	    br_outcome_kind_name(o.kind));
}

/* ---- file handles ---- */

struct fh_try {
	const char *mount_path; /* any file on the handle's filesystem */
	struct file_handle *fh;
};

static long do_fh_open(void *arg)
{
	const struct fh_try *t = arg;
	int mfd = open(t->mount_path, O_RDONLY | O_CLOEXEC), fd;

	if (mfd < 0)
		return BR_PROBE_BROKEN;
	fd = br_fh_open(mfd, t->fh, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

static struct file_handle *parse_handle(const char *s)
{
	/* TYPE:HEX, as assess passes it. */
	char *colon = strchr(s, ':');
	size_t n = colon ? strlen(colon + 1) / 2 : 0;
	struct file_handle *fh;

	if (!colon || !n || n > MAX_HANDLE_SZ)
		return NULL;
	fh = calloc(1, sizeof(*fh) + n);
	if (!fh)
		return NULL;
	fh->handle_type = atoi(s);
	fh->handle_bytes = (unsigned)n;
	for (size_t i = 0; i < n; i++)
		sscanf(colon + 1 + 2 * i, "%2hhx", &fh->f_handle[i]);
	return fh;
}

static void probe_fhandle(const char *outside)
{
	/* ESTALE: the capability check passed and decoding was tried. */
	struct { struct file_handle h; uint32_t ino, gen; } guess = {{8, 1, {}}, 2, 0};
	struct file_handle *self = NULL;
	struct br_outcome o;
	struct fh_try t;
	int r = br_fh_encode(AT_FDCWD, "/proc/self/exe", AT_SYMLINK_FOLLOW, &self, NULL);

	if (r) {
		obs("fhandle.self", "untested", "none", "name_to_handle_at(/proc/self/exe): %s",
		    br_errname(-r));
	} else {
		t = (struct fh_try){"/proc/self/exe", self};
		br_probe(&o, do_fh_open, &t, ESTALE, TIMEOUT_MS);
		obs_outcome("fhandle.self", &o, plain_cause(&o),
			    "open_by_handle_at of a handle for our own binary, made inside");
		free(self);
	}
	if (outside && (self = parse_handle(outside))) {
		t = (struct fh_try){"/proc/self/exe", self};
		br_probe(&o, do_fh_open, &t, ESTALE, TIMEOUT_MS);
		obs_outcome("fhandle.outside", &o, plain_cause(&o),
			    "open_by_handle_at of a handle assess made outside for the probe binary");
		free(self);
	}
	/* The "shocker" guess: ext4's root inode 2, generation 0. */
	t = (struct fh_try){"/", &guess.h};
	br_probe(&o, do_fh_open, &t, ESTALE, TIMEOUT_MS);
	obs_outcome("fhandle.guess", &o, plain_cause(&o),
		    "open_by_handle_at of a guessed handle (FILEID_INO32_GEN inode 2), the shocker attack");
}

/* ---- file system reach (Landlock is proven by a denial DAC would allow) ---- */

static long do_open_dir(void *arg)
{
	int fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* An unnamed O_TMPFILE leaves no trace in the directory; where the file
 * system cannot do it, create and unlink a named file instead. */
static long do_create(void *arg)
{
	char path[PATH_MAX];
	int fd = open(arg, O_WRONLY | O_TMPFILE | O_CLOEXEC, 0600);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	snprintf(path, sizeof(path), "%s/.blastradius-probe.%d", (const char *)arg, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	/* Unlinking may be refused where creating was not: say so. */
	return unlink(path) ? -EXDEV : 0;
}

static bool lsm_denied; /* an access DAC allows was refused with EACCES */
static char lsm_denied_what[PATH_MAX + 32];

static void probe_path(const char *path)
{
	static char done[64][PATH_MAX];
	static int ndone;
	struct br_outcome o;
	char key[PATH_MAX + 16];

	if (access(path, F_OK))
		return;
	for (int i = 0; i < ndone; i++)
		if (!strcmp(done[i], path))
			return;
	if (ndone < 64)
		snprintf(done[ndone++], PATH_MAX, "%s", path);
	snprintf(key, sizeof(key), "fs.read.%s", path);
	if (access(path, R_OK | X_OK)) {
		obs(key, "denied", errno == EACCES ? "dac" : "kernel", "access(R_OK|X_OK): %s",
		    br_errname(errno));
	} else {
		br_probe(&o, do_open_dir, (void *)path, 0, TIMEOUT_MS);
		obs_outcome(key, &o, o.kind == BR_DENIED && o.err == EACCES ? "lsm" : plain_cause(&o),
			    "open(O_DIRECTORY); access(2) allows it");
		if (o.kind == BR_DENIED && o.err == EACCES && !lsm_denied)
			lsm_denied = true, snprintf(lsm_denied_what, sizeof(lsm_denied_what),
						    "reading %s", path);
	}
	snprintf(key, sizeof(key), "fs.write.%s", path);
	if (access(path, W_OK)) {
		obs(key, errno == EROFS ? "denied(EROFS)" : errno == EACCES ? "denied(EACCES)" : "denied",
		    errno == EROFS ? "read-only" : errno == EACCES ? "dac" : "kernel",
		    "access(W_OK): %s", br_errname(errno));
		return;
	}
	br_probe(&o, do_create, (void *)path, 0, TIMEOUT_MS);
	obs_outcome(key, &o, o.kind == BR_DENIED && o.err == EACCES ? "lsm" : plain_cause(&o),
		    o.kind == BR_DENIED && o.err == EXDEV
			    ? "created, but could not unlink .blastradius-probe.<pid>: left behind"
			    : "create a file (O_TMPFILE, else create+unlink); access(2) allows it");
	if (o.kind == BR_DENIED && o.err == EACCES && !lsm_denied)
		lsm_denied = true, snprintf(lsm_denied_what, sizeof(lsm_denied_what),
					    "creating a file in %s", path);
}

static void probe_fs(char **extra, int nextra, const struct br_facts *f)
{
	static const char *const fixed[] = {"/", "/etc", "/usr", "/tmp", "/var/tmp", "/dev/shm",
					    "/run", "/root"};
	const char *home = getenv("HOME"), *lsm = br_facts_get(f, "lsm");
	char cwd[PATH_MAX];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		probe_path(fixed[i]);
	if (home && home[0] == '/')
		probe_path(home);
	if (getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/"))
		probe_path(cwd);
	for (int i = 0; i < nextra; i++)
		probe_path(extra[i]);
	/* Landlock does not hook access(2), only the open/create itself. */
	if (!lsm_denied)
		obs("landlock", "none", "none", "no access that access(2) allows was refused");
	else if (lsm && strstr(lsm, "landlock") &&
		 !strstr(lsm, "apparmor") && !strstr(lsm, "selinux") && !strstr(lsm, "smack") &&
		 !strstr(lsm, "tomoyo"))
		obs("landlock", "enforced", "lsm", "%s was refused with EACCES", lsm_denied_what);
	else
		obs("landlock", "enforced", "lsm", "%s was refused with EACCES (Landlock or another "
		    "LSM in %s)", lsm_denied_what, lsm ? lsm : "an unknown LSM list");
}

/* ---- breach containment ---- */

static int nftw_writable(const char *path, const struct stat *st, int type, struct FTW *ftw);
static char *procsys_list;
static size_t procsys_len, procsys_count;

static int nftw_writable(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int fd;

	(void)ftw;
	if (type != FTW_F || !(st->st_mode & 0222))
		return 0;
	/* Opening for writing changes nothing; only write(2) would. */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	procsys_list = realloc(procsys_list, procsys_len + strlen(path) + 2);
	if (!procsys_list)
		return 1;
	procsys_len += (size_t)sprintf(procsys_list + procsys_len, "%s%s", procsys_count ? " " : "",
				       path + strlen("/proc/sys/"));
	procsys_count++;
	return 0;
}

static void probe_procsys(void)
{
	char n[32];

	if (access("/proc/sys", F_OK)) {
		obs("procsys.writable", "absent", "none", "no /proc/sys here");
		return;
	}
	/* FTW_MOUNT: stay out of binfmt_misc and other file systems. */
	nftw("/proc/sys", nftw_writable, 16, FTW_PHYS | FTW_MOUNT);
	for (char *p = procsys_list; p && *p; p++)
		if (*p == '/')
			*p = '.';
	snprintf(n, sizeof(n), "%zu", procsys_count);
	obs("procsys.writable", n, "none", "%s", procsys_list ? procsys_list : "");
	free(procsys_list);
}

static long do_connect(void *arg)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return BR_PROBE_BROKEN;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", (const char *)arg);
	r = connect(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
	close(fd);
	return r;
}

static void probe_sockets(char **extra, int nextra)
{
	static const char *const daemons[] = {
		"/run/docker.sock", "/var/run/docker.sock", "/run/containerd/containerd.sock",
		"/run/podman/podman.sock", "/run/crio/crio.sock", "/run/buildkit/buildkitd.sock",
		"/var/lib/kubelet/pod-resources/kubelet.sock", "/run/k3s/containerd/containerd.sock",
		NULL,
	};
	char user_podman[64], key[PATH_MAX + 16];
	const char *list[sizeof(daemons) / sizeof(*daemons) + MAX_EXTRA + 1];
	int n = 0;

	for (const char *const *d = daemons; *d; d++)
		list[n++] = *d;
	snprintf(user_podman, sizeof(user_podman), "/run/user/%u/podman/podman.sock",
		 (unsigned)getuid());
	list[n++] = user_podman;
	for (int i = 0; i < nextra; i++)
		list[n++] = extra[i];
	for (int i = 0; i < n; i++) {
		struct br_outcome o;

		br_probe(&o, do_connect, (void *)list[i], 0, TIMEOUT_MS);
		snprintf(key, sizeof(key), "socket.%s", list[i]);
		obs_outcome(key, &o,
			    o.kind != BR_DENIED ? plain_cause(&o) : o.err == ENOENT ? "absent" :
			    o.err == ECONNREFUSED ? "no-listener" : o.err == EACCES ? "dac-or-lsm" :
			    plain_cause(&o), "connect(2) to a daemon's unix socket");
	}
}

/* TIOCSTI pushes input into a terminal. A NULL char pointer gives EFAULT
 * only after the tty and capability checks passed. Without a controlling
 * terminal (setsid), an inherited terminal fd is what an attacker holds:
 * TIOCSTI there must be EPERM (CVE-2017-5226, bubblewrap's --new-session). */
static long do_tiocsti(void *arg)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	(void)arg;
	if (fd < 0)
		for (int i = 0; i <= 2 && fd < 0; i++)
			if (isatty(i))
				fd = i;
	if (fd < 0)
		return -ENXIO;
	return ioctl(fd, TIOCSTI, NULL) ? -errno : 0;
}

static void probe_tiocsti(void)
{
	struct br_outcome o;

	br_probe(&o, do_tiocsti, NULL, EFAULT, TIMEOUT_MS);
	if (o.kind == BR_DENIED && o.err == ENXIO)
		obs("tiocsti", "untested", "none", "no terminal: no controlling tty and no tty on fds 0-2");
	else
		obs_outcome("tiocsti", &o, o.kind == BR_DENIED && o.err == EIO ? "sysctl" :
			    o.kind == BR_DENIED && o.err == EPERM && !seccomp_mode ? "not-ctty" :
			    plain_cause(&o), "ioctl(TIOCSTI, NULL) on /dev/tty, else an inherited tty fd; "
			    "EIO: dev.tty.legacy_tiocsti=0, EPERM: not our controlling tty");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: blastradius-probe [--fd N] [--handle TYPE:HEX] [--socket PATH]...\n"
		"                         [--write-path PATH]...\n\n"
		"Measures what this process can reach and prints one record a line\n"
		"(F facts, O observations; README \"Probe records\"). blastradius assess\n"
		"runs it, inside a sandbox with 'assess -- CMD'. Static; needs nothing.\n"
		"  --fd N            write records to fd N instead of stdout\n"
		"  --handle T:HEX    a file handle made outside, to try open_by_handle_at on\n"
		"  --socket PATH     one more daemon socket to try (repeatable)\n"
		"  --write-path PATH one more directory to test for writes (repeatable)\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"fd", required_argument, 0, 'f'},     {"handle", required_argument, 0, 'H'},
		{"socket", required_argument, 0, 's'}, {"write-path", required_argument, 0, 'w'},
		{"help", no_argument, 0, 'h'},         {0},
	};
	char *sockets[MAX_EXTRA], *paths[MAX_EXTRA], *handle = NULL;
	int nsockets = 0, npaths = 0, c, fd = 1;
	struct br_facts f = {0};

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			fd = atoi(optarg);
			break;
		case 'H':
			handle = optarg;
			break;
		case 's':
			if (nsockets < MAX_EXTRA)
				sockets[nsockets++] = optarg;
			break;
		case 'w':
			if (npaths < MAX_EXTRA)
				paths[npaths++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return BR_EXIT_PASS;
		default:
			usage(stderr);
			return BR_EXIT_USAGE;
		}
	}
	out = fdopen(fd, "w");
	if (!out) {
		fprintf(stderr, "blastradius-probe: fd %d: %s\n", fd, strerror(errno));
		return BR_EXIT_USAGE;
	}
	/* One record a line, flushed: under an allow-list filter that kills,
	 * everything measured before the kill still reaches assess. Calls that
	 * need no fork come first. */
	setvbuf(out, NULL, _IOLBF, 0);
	fputs("blastradius-probe 1\n", out);
	probe_identity();
	probe_creds();
	br_facts_gather(&f);
	for (size_t i = 0; i < f.n; i++)
		fact(f.kv[i].key, f.kv[i].value);
	probe_syscalls();
	probe_crossings();
	probe_fhandle(handle);
	probe_fs(paths, npaths, &f);
	probe_procsys();
	probe_sockets(sockets, nsockets);
	probe_tiocsti();
	fputs("end\n", out);
	br_facts_free(&f);
	return fclose(out) ? BR_EXIT_FAIL : BR_EXIT_PASS;
}
