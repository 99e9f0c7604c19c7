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
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "codes.h"
#include "facts.h"
#include "fhandle.h"
#include "harness.h" /* br_errname */
#include "landlock.h"
#include "mac.h"
#include "probe.h"
#include "proc.h"

#define TIMEOUT_MS 2000
#define MAX_EXTRA 32
#define MAX_SOCKETS 512

static int out_fd = 1;
static int seccomp_mode = -1; /* /proc/self/status Seccomp: 0 none, 2 filter; -1 not read */

/*
 * One record a line, written with one write(2) and nothing else: the main
 * process writes records too, and may make no call a strict allow-list
 * could refuse. Tabs and newlines inside a field would break the format.
 */
static void put(char kind, int n, const char *const *f)
{
	static char buf[65536];
	size_t len = 0, cap = sizeof(buf) - 2;

	buf[len++] = kind;
	for (int i = 0; i < n; i++) {
		if (len < cap)
			buf[len++] = '\t';
		for (const char *s = f[i] ? f[i] : ""; *s && len < cap; s++)
			buf[len++] = *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s;
	}
	buf[len++] = '\n';
	for (size_t done = 0; done < len;) {
		ssize_t w = write(out_fd, buf + done, len - done);

		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			_exit(BR_EXIT_FAIL);
		}
		done += (size_t)w;
	}
}

static void put_line(const char *line)
{
	size_t len = strlen(line);

	if (write(out_fd, line, len) != (ssize_t)len)
		_exit(BR_EXIT_FAIL);
}

static void fact(const char *key, const char *value)
{
	put('F', 2, (const char *const[]){key, value});
}

static void obs(const char *key, const char *value, const char *cause, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void obs(const char *key, const char *value, const char *cause, const char *fmt, ...)
{
	static char detail[60000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	put('O', 4, (const char *const[]){key, value, cause, detail});
}

/* "A what": written before each attempt, so that when the sandbox kills a
 * worker (or the probe), assess can name the last call it tried. */
static void attempt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void attempt(const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	put('A', 1, (const char *const[]){what});
}

/* Seccomp: from /proc/self/status, once per worker; unreadable counts as
 * a filter, so that no denial is blamed on a capability alone. */
static int seccomp_on(void)
{
	char buf[8192], *p;

	if (seccomp_mode < 0) {
		attempt("read /proc/self/status (Seccomp:)");
		seccomp_mode = br_read_file("/proc/self/status", buf, sizeof(buf)) > 0 &&
				       (p = strstr(buf, "\nSeccomp:"))
			       ? atoi(p + strlen("\nSeccomp:")) : 2;
	}
	return seccomp_mode;
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
		return seccomp_on() ? "kernel-or-seccomp" : "kernel";
	case BR_DENIED:
		/* No filter: a capability, a sysctl (unprivileged_bpf_disabled,
		 * perf_event_paranoid, ...) or an LSM refused it. */
		if (!seccomp_on())
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

/* Up to 16 process names from /proc, for a pid namespace that is neither
 * ours nor the host's (a launcher's own helpers). */
static int proc_pids(char *names, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t len = 0;
	int count = 0;

	names[0] = 0;
	while (d && (e = readdir(d))) {
		char path[300], comm[64];

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (count++ >= 16)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (br_read_file(path, comm, sizeof(comm)) <= 0)
			snprintf(comm, sizeof(comm), "?");
		comm[strcspn(comm, "\n")] = 0;
		len += snprintf(names + len, len < size ? size - len : 0, "%s%s(%s)", len ? " " : "",
				e->d_name, comm);
	}
	if (d)
		closedir(d);
	return d ? count : -1;
}

static long do_setgroups_same(void *arg)
{
	gid_t g[256];
	int n = getgroups(256, g);

	(void)arg;
	if (n < 0)
		return BR_PROBE_BROKEN;
	return setgroups((size_t)n, g) ? -errno : 0;
}

static void probe_identity(void)
{
	char a[64], b[64], map[4096], self[32], names[1024], sg[64];
	ssize_t n;
	int levels, count;

	for (size_t i = 0; i < sizeof(ns_types) / sizeof(*ns_types); i++) {
		char key[64];

		attempt("stat /proc/self/ns/%s and /proc/1/ns/%s", ns_types[i], ns_types[i]);
		ns_id("self", ns_types[i], a, sizeof(a));
		ns_id("1", ns_types[i], b, sizeof(b));
		snprintf(key, sizeof(key), "ns.%s", ns_types[i]);
		obs(key, a, "none", "pid1=%s", b);
	}
	attempt("read /proc/self/status (NSpid)");
	levels = pid_levels();
	snprintf(a, sizeof(a), "%d", levels);
	obs("pid.levels", a, "none", "pid namespace levels this process is visible in (NSpid)");
	attempt("readlink /proc/self, getpid");
	n = readlink("/proc/self", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	snprintf(a, sizeof(a), "%s", n > 0 ? (atoi(self) == getpid() ? "own" : "foreign") : "absent");
	obs("proc.pidns", a, "none", "/proc/self is %s, getpid() is %d", n > 0 ? self : "unreadable",
	    (int)getpid());
	attempt("read /proc/1/stat (start time)");
	{
		char st[1024], *q;
		unsigned long long start = 0;

		/* starttime is field 22; after "PID (comm)" it is the 20th. Readable
		 * where PID 1's namespace links are not: it tells this /proc's PID 1
		 * from the outside's without ptrace access. */
		if (br_read_file("/proc/1/stat", st, sizeof(st)) > 0 && (q = strrchr(st, ')'))) {
			char *comm = strchr(st, '(');

			*q = 0;
			q += 2;
			for (int f = 3; f < 22 && q; f++)
				q = (q = strchr(q, ' ')) ? q + 1 : NULL;
			start = q ? strtoull(q, NULL, 10) : 0;
			snprintf(a, sizeof(a), "%llu", start);
			obs("proc.pid1", q ? a : "unreadable(format)", "none",
			    "start time of PID 1 of this /proc (clock ticks after boot), comm %.32s",
			    comm ? comm + 1 : "?");
		} else {
			obs("proc.pid1", "unreadable", "none", "/proc/1/stat unreadable");
		}
	}
	attempt("opendir /proc, read /proc/PID/comm");
	count = proc_pids(names, sizeof(names));
	snprintf(a, sizeof(a), "%d", count);
	obs("proc.pids", a, "none", "processes listed in /proc; the first: %s", names);
	attempt("read /proc/self/uid_map, gid_map, setgroups");
	map_text("/proc/self/uid_map", map, sizeof(map));
	obs("uid_map", map, "none", "inside outside count");
	map_text("/proc/self/gid_map", map, sizeof(map));
	obs("gid_map", map, "none", "inside outside count");
	map_text("/proc/self/setgroups", sg, sizeof(sg));
	obs("proc.setgroups", sg, "none", "/proc/self/setgroups (deny: setgroups(2) is refused in "
	    "this user namespace)");
	attempt("getuid, geteuid, getgid, getegid, getgroups");
	snprintf(a, sizeof(a), "%u", (unsigned)getuid());
	obs("uid", a, "none", "euid=%u", (unsigned)geteuid());
	snprintf(a, sizeof(a), "%u", (unsigned)getgid());
	obs("gid", a, "none", "egid=%u", (unsigned)getegid());
	{
		gid_t g[256];
		int ng = getgroups(256, g);
		size_t len = 0;

		names[0] = 0;
		for (int i = 0; i < ng; i++)
			len += snprintf(names + len, len < sizeof(names) ? sizeof(names) - len : 0,
					"%s%u", i ? " " : "", (unsigned)g[i]);
		obs("groups", ng < 0 ? "error" : ng ? names : "none", ng < 0 ? "probe-error" : "none",
		    "getgroups(): supplementary group ids, as seen inside");
	}
	{
		struct br_outcome o;

		attempt("setgroups.same");
		br_probe(&o, do_setgroups_same, NULL, 0, TIMEOUT_MS);
		obs_outcome("setgroups.same", &o, o.kind == BR_DENIED && o.err == EPERM &&
			    !strcmp(sg, "deny") ? "userns-deny" : cause_of(&o, true, BR_ABI_NATIVE),
			    "setgroups(2) to the current list, in a child: allowed means a process can "
			    "drop a supplementary group that a deny ACL relies on");
	}
}

/* /proc/self/status "Name:\tvalue" (status starts with a newline), or NULL. */
static const char *status_field(const char *status, const char *name, char *buf, size_t size)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s:", name);
	if (!(p = strstr(status, pat)))
		return NULL;
	p += strlen(pat);
	p += strspn(p, " \t");
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static long do_prctl_get(void *arg)
{
	long r = prctl(*(const int *)arg, 0, 0, 0, 0);

	return r < 0 ? -errno : r;
}

/* Everything from /proc/self/status: no prctl or capget in this worker (a
 * strict allow-list may kill them); securebits through prctl in a child. */
static void probe_creds(void)
{
	static const struct {
		const char *key, *field;
	} sets[] = {
		{"caps.effective", "CapEff"}, {"caps.permitted", "CapPrm"},
		{"caps.inheritable", "CapInh"}, {"caps.bounding", "CapBnd"},
		{"caps.ambient", "CapAmb"},
	};
	static const int secbits = PR_GET_SECUREBITS, nnp = PR_GET_NO_NEW_PRIVS;
	char status[8192], buf[64], names[2048];
	const char *v;
	struct br_outcome o;

	attempt("read /proc/self/status (Cap*, NoNewPrivs, Seccomp)");
	if (br_read_file("/proc/self/status", status + 1, sizeof(status) - 1) <= 0) {
		obs("caps.effective", "error", "probe-error", "/proc/self/status unreadable");
		return;
	}
	status[0] = '\n';
	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
		br_capmask m;

		if (!status_field(status, sets[i].field, buf, sizeof(buf)))
			continue; /* CapAmb: 4.3+ */
		m = strtoull(buf, NULL, 16);
		br_caps_mask_format(m, names, sizeof(names));
		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)m);
		obs(sets[i].key, buf, "none", "%s", names);
	}
	attempt("securebits");
	br_probe(&o, do_prctl_get, (void *)&secbits, 0, TIMEOUT_MS);
	if (o.kind == BR_ALLOWED) {
		snprintf(buf, sizeof(buf), "0x%lx", o.ret);
		obs("securebits", buf, "none", "prctl(PR_GET_SECUREBITS) in a child");
	} else {
		obs_outcome("securebits", &o, cause_of(&o, false, BR_ABI_NATIVE),
			    "prctl(PR_GET_SECUREBITS) in a child");
	}
	if ((v = status_field(status, "NoNewPrivs", buf, sizeof(buf)))) {
		obs("nnp", atoi(v) ? "on" : "off", "none", "/proc/self/status NoNewPrivs: %s", v);
	} else {
		attempt("nnp");
		br_probe(&o, do_prctl_get, (void *)&nnp, 0, TIMEOUT_MS);
		if (o.kind == BR_ALLOWED)
			obs("nnp", o.ret ? "on" : "off", "none", "prctl(PR_GET_NO_NEW_PRIVS) in a child");
		else
			obs_outcome("nnp", &o, cause_of(&o, false, BR_ABI_NATIVE),
				    "prctl(PR_GET_NO_NEW_PRIVS) in a child");
	}
	v = status_field(status, "Seccomp", buf, sizeof(buf));
	seccomp_mode = v ? atoi(v) : 2;
	obs("seccomp.mode", !v ? "unknown" : seccomp_mode == 0 ? "disabled" : seccomp_mode == 1 ?
	    "strict" : "filter", "none", "/proc/self/status Seccomp: %s", v ? v : "absent");
	if ((v = status_field(status, "Seccomp_filters", buf, sizeof(buf))))
		obs("seccomp.filters", v, "none", "/proc/self/status (5.9+)");
}

/*
 * The filter's default action: what a call no list names gets (syscall
 * 1000, which no kernel has). A child without a SIGSYS handler tells an
 * errno from a death; one with lib/probe's handler tells a catchable trap
 * from a kill, where rt_sigaction itself runs.
 */
#define NO_SUCH_SYSCALL 1000

/* fork, syscall(nr, ...) in the child, wait: the signal it died of (0 if it
 * exited, *err = its errno), or -1 when fork or wait failed. */
static int raw_child(long nr, long a1, long a2, long a3, int *err)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		long r = syscall(nr, a1, a2, a3, 8L);

		_exit(r >= 0 ? 0 : errno > 0 && errno < 255 ? errno : 255);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	*err = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static long do_nosuch(void *arg)
{
	(void)arg;
	return syscall(NO_SUCH_SYSCALL, 0, 0, 0) < 0 ? -errno : 0;
}

static void probe_default_action(void)
{
	static struct sigaction old;
	struct br_outcome o;
	int err = 0, sig, sa_err = 0, sa_sig;
	char buf[64];

	attempt("syscall %d (no such call) in a child without a SIGSYS handler", NO_SUCH_SYSCALL);
	sig = raw_child(NO_SUCH_SYSCALL, 0, 0, 0, &err);
	if (sig < 0) {
		obs("seccomp.default", "error", "probe-error", "fork or wait failed");
		return;
	}
	if (!sig && err == ENOSYS) {
		obs("seccomp.default", "allowed", "none", "syscall %d reached the kernel (ENOSYS): no "
		    "filter, or one whose default lets unlisted calls through", NO_SUCH_SYSCALL);
		return;
	}
	if (!sig) {
		snprintf(buf, sizeof(buf), "errno(%s)", br_errname(err));
		obs("seccomp.default", buf, "seccomp-errno", "syscall %d failed with %s, not ENOSYS: "
		    "the filter's default answers with an errno", NO_SUCH_SYSCALL, br_errname(err));
		return;
	}
	attempt("rt_sigaction(SIGUSR2, NULL, &old) in a child without a SIGSYS handler");
	sa_sig = raw_child(SYS_rt_sigaction, SIGUSR2, 0, (long)&old, &sa_err);
	if (sa_sig || sa_err) {
		obs("seccomp.default", "kill-or-trap", "seccomp", "syscall %d: killed by %s; "
		    "rt_sigaction is %s, so no SIGSYS handler can be installed: a trap would kill "
		    "as surely as a kill", NO_SUCH_SYSCALL, br_signame(sig),
		    sa_sig ? br_signame(sa_sig) : br_errname(sa_err));
		return;
	}
	attempt("syscall %d in a child with a SIGSYS handler", NO_SUCH_SYSCALL);
	br_probe(&o, do_nosuch, NULL, 0, TIMEOUT_MS);
	if (o.kind == BR_TRAPPED)
		obs("seccomp.default", "trap", "seccomp-trap", "syscall %d raised a SIGSYS that a "
		    "handler caught (%s): denied calls are catchable, the process carries on",
		    NO_SUCH_SYSCALL, o.detail);
	else if (o.kind == BR_KILLED)
		obs("seccomp.default", "kill", "seccomp-kill", "syscall %d: killed by %s although a "
		    "SIGSYS handler was installed", NO_SUCH_SYSCALL, br_signame(o.sig));
	else
		obs_outcome("seccomp.default", &o, "probe-error",
			    "a child with a SIGSYS handler saw this instead");
}

/* ---- syscalls on every ABI ---- */

static void probe_syscalls(void)
{
	static const char *const abis[] = {"native", "x32", "ia32"};

	for (int a = 0; a < BR_NABIS; a++) {
		char key[64];

		snprintf(key, sizeof(key), "abi.%s", abis[a]);
		attempt("%s: getpid through it in a child, /proc/kallsyms", key);
		obs(key, br_abi_state_name(br_abi_state(a)), "none", "%s",
		    "getpid through this ABI, and whether the kernel builds it");
	}
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++)
		for (int a = 0; a < BR_NABIS; a++) {
			struct br_outcome o;
			char key[96], what[96];

			snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[a]);
			attempt("%s", key);
			br_probe_sys(&o, sp, a, TIMEOUT_MS);
			snprintf(what, sizeof(what), "sentinel %s", sp->sentinel ?
				 br_errname(sp->sentinel) : "success");
			obs_outcome(key, &o, cause_of(&o, sp->cap_first, a), what);
		}
}

/* ---- follow-up crossings with harmless effects, on every live ABI ---- */

static const char *const abi_suffix[] = {"", ".x32", ".ia32"};

/* Native, then x32 and ia32 where their calls run here: a filter keyed on
 * x86_64 numbers alone lets the same call through int $0x80. */
static bool abi_to_probe(int a)
{
	return a == BR_ABI_NATIVE || br_abi_live((enum br_abi)a);
}

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

struct abi_call {
	enum br_abi abi;
	long nr[BR_NABIS];
	long a1, a2, a3;
	bool is_fd; /* the result is an fd to close */
};

static long do_abi_call(void *arg)
{
	const struct abi_call *c = arg;
	long r = br_sys(c->abi, c->nr[c->abi], c->a1, c->a2, c->a3, 0, 0, 0);

	if (r >= 0 && c->is_fd)
		close((int)r);
	return r < 0 ? r : 0;
}

static const char *plain_cause(const struct br_outcome *o)
{
	return cause_of(o, true, BR_ABI_NATIVE);
}

static void probe_crossings(void)
{
	static const struct {
		const char *key, *what;
		struct abi_call c;
	} calls[] = {
		{"unshare.user", "unshare(CLONE_NEWUSER) in a child",
		 {.nr = {272, 272, 310}, .a1 = CLONE_NEWUSER}},
		{"rawsock.packet", "socket(AF_PACKET, SOCK_RAW): sniffing",
		 {.nr = {41, 41, 359}, .a1 = AF_PACKET, .a2 = SOCK_RAW, .is_fd = true}},
		{"rawsock.inet", "socket(AF_INET, SOCK_RAW, ICMP)",
		 {.nr = {41, 41, 359}, .a1 = AF_INET, .a2 = SOCK_RAW, .a3 = 1, .is_fd = true}},
	};
	struct br_outcome o;

	attempt("clone3.newns");
	br_probe(&o, do_clone3_newns, NULL, 0, TIMEOUT_MS);
	obs_outcome("clone3.newns", &o, plain_cause(&o),
		    "clone3(NEWUSER|NEWNS|NEWPID|NEWNET|NEWUTS|NEWIPC); the child exits at once");
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++)
		for (int a = 0; a < BR_NABIS; a++) {
			struct abi_call c = calls[i].c;
			char key[64];

			if (!abi_to_probe(a))
				continue;
			c.abi = (enum br_abi)a;
			snprintf(key, sizeof(key), "%s%s", calls[i].key, abi_suffix[a]);
			attempt("%s", key);
			br_probe(&o, do_abi_call, &c, 0, TIMEOUT_MS);
			obs_outcome(key, &o, cause_of(&o, true, (enum br_abi)a), calls[i].what);
		}
}

/* ---- io_uring, one ring operation at a time (seccomp never sees SQEs) ---- */

static long do_uring(void *arg)
{
	const struct io_uring_sqe *sqe = arg;
	long r = br_uring_op(sqe);

	if (r >= 0 && (sqe->opcode == IORING_OP_OPENAT || sqe->opcode == IORING_OP_OPENAT2 ||
		       sqe->opcode == IORING_OP_SOCKET))
		close((int)r);
	return r < 0 ? r : 0;
}

static void probe_uring(void)
{
	static struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC};
	/* Sentinels as for syscalls: a real open of "/" or a new unix socket
	 * (closed at once), else fd -1 so the operation fails with EBADF after
	 * the ring accepted it. */
	const struct {
		const char *key, *what;
		struct io_uring_sqe sqe;
	} ops[] = {
		{"openat", "IORING_OP_OPENAT of /",
		 {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = (unsigned long)"/",
		  .open_flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC}},
		{"openat2", "IORING_OP_OPENAT2 of /",
		 {.opcode = IORING_OP_OPENAT2, .fd = AT_FDCWD, .addr = (unsigned long)"/",
		  .len = sizeof(how), .off = (unsigned long)&how}},
		{"socket", "IORING_OP_SOCKET(AF_UNIX, SOCK_STREAM)",
		 {.opcode = IORING_OP_SOCKET, .fd = AF_UNIX, .off = SOCK_STREAM}},
		{"connect", "IORING_OP_CONNECT on fd -1 (EBADF: the ring ran it)",
		 {.opcode = IORING_OP_CONNECT, .fd = -1}},
		{"accept", "IORING_OP_ACCEPT on fd -1 (EBADF: the ring ran it)",
		 {.opcode = IORING_OP_ACCEPT, .fd = -1}},
		{"send", "IORING_OP_SEND on fd -1 (EBADF: the ring ran it)",
		 {.opcode = IORING_OP_SEND, .fd = -1}},
		{"recv", "IORING_OP_RECV on fd -1 (EBADF: the ring ran it)",
		 {.opcode = IORING_OP_RECV, .fd = -1}},
	};
	struct br_outcome o, openat_ring = {0}, sys;

	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		char key[64];

		snprintf(key, sizeof(key), "io_uring.%s", ops[i].key);
		attempt("%s", key);
		br_probe(&o, do_uring, (void *)&ops[i].sqe, EBADF, TIMEOUT_MS);
		if (i == 0)
			openat_ring = o;
		if (o.kind == BR_DENIED && o.err == EINVAL)
			obs(key, "unsupported", "kernel", "%s: EINVAL, this kernel has no such ring "
			    "operation", ops[i].what);
		else
			obs_outcome(key, &o, cause_of(&o, false, BR_ABI_NATIVE), ops[i].what);
	}
	attempt("syscall.openat.native (for io_uring.bypass)");
	br_probe_sys(&sys, br_sysprobe_find("openat"), BR_ABI_NATIVE, TIMEOUT_MS);
	obs("io_uring.bypass",
	    openat_ring.kind == BR_ALLOWED && sys.kind != BR_ALLOWED ? "yes" : "no", "none",
	    "openat(2) is %s while IORING_OP_OPENAT is %s", br_outcome_kind_name(sys.kind),
	    br_outcome_kind_name(openat_ring.kind));
}

/* ---- file handles, on every live ABI ---- */

struct fh_try {
	const char *mount_path; /* any file on the handle's filesystem */
	struct file_handle *fh; /* NULL: encode mount_path itself, in the child */
	enum br_abi abi;
};

static long do_fh_open(void *arg)
{
	static const long nr[BR_NABIS] = {304, 304, 342};
	const struct fh_try *t = arg;
	struct file_handle *fh = t->fh, *low;
	int mfd, r;
	long fd;

	if (!fh && (r = br_fh_encode(AT_FDCWD, t->mount_path, AT_SYMLINK_FOLLOW, &fh, NULL))) {
		errno = -r;
		return BR_PROBE_BROKEN;
	}
	mfd = open(t->mount_path, O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return BR_PROBE_BROKEN;
	/* ia32 passes pointers as 32 bits. */
	low = br_low_alloc(sizeof(*fh) + fh->handle_bytes);
	if (!low)
		return BR_PROBE_BROKEN;
	memcpy(low, fh, sizeof(*fh) + fh->handle_bytes);
	fd = br_sys(t->abi, nr[t->abi], mfd, (long)low, O_RDONLY | O_CLOEXEC, 0, 0, 0);
	if (fd >= 0)
		close((int)fd);
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
	static struct { struct file_handle h; uint32_t ino, gen; } guess = {{8, 1, {}}, 2, 0};
	struct file_handle *theirs = outside ? parse_handle(outside) : NULL;

	for (int a = 0; a < BR_NABIS; a++) {
		const struct {
			const char *key, *what;
			struct fh_try t;
		} tries[] = {
			{"fhandle.self", "open_by_handle_at of a handle for our own binary, made inside",
			 {"/proc/self/exe", NULL, a}},
			{"fhandle.outside", "open_by_handle_at of a handle assess made outside for the "
			 "probe binary", {"/proc/self/exe", theirs, a}},
			/* The "shocker" guess: ext4's root inode 2, generation 0. */
			{"fhandle.guess", "open_by_handle_at of a guessed handle (FILEID_INO32_GEN "
			 "inode 2), the shocker attack", {"/", &guess.h, a}},
		};

		if (!abi_to_probe(a))
			continue;
		for (size_t i = 0; i < sizeof(tries) / sizeof(*tries); i++) {
			struct br_outcome o;
			char key[64];

			if (i == 1 && !theirs)
				continue;
			snprintf(key, sizeof(key), "%s%s", tries[i].key, abi_suffix[a]);
			attempt("%s", key);
			br_probe(&o, do_fh_open, (void *)&tries[i].t, ESTALE, TIMEOUT_MS);
			if (o.kind == BR_PROBE_ERROR && strstr(o.detail, "setup"))
				obs(key, "untested", "none", "no handle could be made or used here: %s",
				    o.detail);
			else
				obs_outcome(key, &o, cause_of(&o, true, (enum br_abi)a), tries[i].what);
		}
	}
	free(theirs);
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

	attempt("access %s", path);
	if (access(path, F_OK))
		return;
	for (int i = 0; i < ndone; i++)
		if (!strcmp(done[i], path))
			return;
	if (ndone < 64)
		snprintf(done[ndone++], PATH_MAX, "%s", path);
	snprintf(key, sizeof(key), "fs.read.%s", path);
	attempt("%s", key);
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
	attempt("%s", key);
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

static void probe_fs(char **extra, int nextra, const char *lsm)
{
	static const char *const fixed[] = {"/", "/etc", "/usr", "/tmp", "/var/tmp", "/dev/shm",
					    "/run", "/root"};
	const char *home = getenv("HOME");
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

/* The namespace types whose sysctls /proc/sys shows per namespace. */
static const char *const procsys_types[] = {"net", "ipc", "uts", "user", "pid", NULL};

/*
 * The namespace a sysctl belongs to (writing it changes that namespace
 * only), or NULL for a host-wide setting. Whether that namespace is the
 * sandbox's own is assess's call: it compares the identities with the
 * outside. kernel.pid_max is per pid namespace only on kernels that say so
 * (pid_max_ns, measured).
 */
static const char *procsys_ns(const char *name, bool pid_max_ns)
{
	static const struct {
		const char *prefix, *type;
	} own[] = {
		{"net.", "net"},
		{"fs.mqueue.", "ipc"}, {"kernel.shm", "ipc"}, {"kernel.msg", "ipc"},
		{"kernel.sem", "ipc"}, {"kernel.auto_msgmni", "ipc"},
		{"kernel.hostname", "uts"}, {"kernel.domainname", "uts"},
		{"user.", "user"},
		{"kernel.ns_last_pid", "pid"}, {"vm.memfd_noexec", "pid"},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(*own); i++)
		if (!strncmp(name, own[i].prefix, strlen(own[i].prefix)))
			return own[i].type;
	return pid_max_ns && !strcmp(name, "kernel.pid_max") ? "pid" : NULL;
}

/* In a child: unshare a pid namespace (and a user namespace when that
 * takes one), and from its first process write the inode numbers of
 * kernel.pid_max and kernel.core_pattern to the pipe fd *arg. */
static long do_fresh_pidns_ino(void *arg)
{
	int fd = *(const int *)arg, st;
	pid_t pid;

	if (unshare(CLONE_NEWPID) && unshare(CLONE_NEWUSER | CLONE_NEWPID))
		return -errno;
	pid = fork();
	if (pid == 0) {
		struct stat a, b;
		unsigned long ino[2] = {0, 0};

		if (!stat("/proc/sys/kernel/pid_max", &a) && !stat("/proc/sys/kernel/core_pattern", &b)) {
			ino[0] = a.st_ino;
			ino[1] = b.st_ino;
		}
		_exit(write(fd, ino, sizeof(ino)) == sizeof(ino) ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return BR_PROBE_BROKEN;
	return 0;
}

/*
 * Linux 6.14 made kernel.pid_max a per pid namespace sysctl, in a table set
 * of its own: a process in another pid namespace sees another file (another
 * inode) under the same name, while a host-wide file such as
 * kernel.core_pattern stays the same inode (the control). Measured, never
 * read from the kernel's version.
 */
static bool pid_max_per_pidns(char *why, size_t size)
{
	struct stat a, b;
	struct br_outcome o;
	int p[2];

	if (stat("/proc/sys/kernel/pid_max", &a) || stat("/proc/sys/kernel/core_pattern", &b)) {
		snprintf(why, size, "kernel.pid_max or kernel.core_pattern absent here");
		return false;
	}
	if (pipe(p)) {
		snprintf(why, size, "pipe failed");
		return false;
	}
	attempt("unshare(CLONE_NEWPID) in a child, stat kernel.pid_max from its first process");
	br_probe(&o, do_fresh_pidns_ino, &p[1], 0, TIMEOUT_MS);
	close(p[1]);
	{
		unsigned long ino[2] = {0, 0};
		ssize_t n = o.kind == BR_ALLOWED ? read(p[0], ino, sizeof(ino)) : 0;

		close(p[0]);
		if (n != (ssize_t)sizeof(ino)) {
			char buf[160];

			snprintf(why, size, "no fresh pid namespace to compare with (%s): counted as "
				 "host-wide", br_outcome_str(&o, buf, sizeof(buf)));
			return false;
		}
		if (ino[1] != (unsigned long)b.st_ino) {
			snprintf(why, size, "the control kernel.core_pattern is another inode in a fresh "
				 "pid namespace (%lu, here %lu): no decision, counted as host-wide", ino[1],
				 (unsigned long)b.st_ino);
			return false;
		}
		snprintf(why, size, "kernel.pid_max is inode %lu here and %lu in a fresh pid namespace "
			 "(control kernel.core_pattern: %lu in both): %s", (unsigned long)a.st_ino, ino[0],
			 ino[1], ino[0] != (unsigned long)a.st_ino ? "per pid namespace" : "host-wide");
		return ino[0] != (unsigned long)a.st_ino;
	}
}

/* The global settings that hand over the host first (a core_pattern pipe or
 * modprobe path runs as root on the host). */
static const char *const procsys_worst[] = {
	"kernel.core_pattern", "kernel.modprobe", "kernel.sysrq", "kernel.poweroff_cmd",
	"fs.binfmt_misc.register", "kernel.hotplug", "vm.overcommit_memory", "kernel.panic",
	"kernel.randomize_va_space", "kernel.kptr_restrict", "kernel.yama.ptrace_scope", NULL,
};

/*
 * procsys.writable: every file that opens O_WRONLY. procsys.host: those of
 * no namespace (host-wide whatever the sandbox; the worst first).
 * procsys.ns.<type>: those of a namespace of that type; assess counts them
 * as the sandbox's own only when that namespace differs from the outside's.
 */
static void probe_procsys(void)
{
	enum { NT = sizeof(procsys_types) / sizeof(*procsys_types) - 1 };
	char n[32], why[512], *host = NULL, *save = NULL, *lists[NT] = {0};
	size_t hlen = 0, hcount = 0, lens[NT] = {0}, counts[NT] = {0};
	FILE *h, *f[NT];
	bool pid_max_ns;

	attempt("access /proc/sys");
	if (access("/proc/sys", F_OK)) {
		obs("procsys.writable", "absent", "none", "no /proc/sys here");
		return;
	}
	pid_max_ns = pid_max_per_pidns(why, sizeof(why));
	obs("procsys.pid_max", pid_max_ns ? "pid" : "host", "none", "%s", why);
	attempt("walk /proc/sys, open each file O_WRONLY (never written)");
	/* FTW_MOUNT: stay out of binfmt_misc and other file systems. */
	nftw("/proc/sys", nftw_writable, 16, FTW_PHYS | FTW_MOUNT);
	for (char *p = procsys_list; p && *p; p++)
		if (*p == '/')
			*p = '.';
	snprintf(n, sizeof(n), "%zu", procsys_count);
	obs("procsys.writable", n, "none", "%s", procsys_list ? procsys_list : "");
	h = open_memstream(&host, &hlen);
	for (size_t t = 0; t < NT; t++)
		f[t] = open_memstream(&lists[t], &lens[t]);
	for (const char *const *w = procsys_worst; *w; w++)
		if (procsys_list && strstr(procsys_list, *w)) {
			size_t l = strlen(*w);

			for (char *p = strstr(procsys_list, *w); p; p = strstr(p + 1, *w))
				if ((p == procsys_list || p[-1] == ' ') && (p[l] == ' ' || !p[l])) {
					fprintf(h, "%s%s", hcount++ ? " " : "", *w);
					break;
				}
		}
	for (char *w = procsys_list ? strtok_r(procsys_list, " ", &save) : NULL; w;
	     w = strtok_r(NULL, " ", &save)) {
		const char *type = procsys_ns(w, pid_max_ns);
		bool worst = false;

		for (const char *const *x = procsys_worst; *x; x++)
			worst |= !strcmp(w, *x);
		for (size_t t = 0; type && t < NT; t++)
			if (!strcmp(type, procsys_types[t]))
				fprintf(f[t], "%s%s", counts[t]++ ? " " : "", w);
		if (!type && !worst)
			fprintf(h, "%s%s", hcount++ ? " " : "", w);
	}
	fclose(h);
	snprintf(n, sizeof(n), "%zu", hcount);
	obs("procsys.host", n, "none", "%s", host);
	for (size_t t = 0; t < NT; t++) {
		char key[32];

		fclose(f[t]);
		snprintf(key, sizeof(key), "procsys.ns.%s", procsys_types[t]);
		snprintf(n, sizeof(n), "%zu", counts[t]);
		obs(key, n, "none", "%s", lists[t]);
		free(lists[t]);
	}
	free(host);
	free(procsys_list);
}

/* "@name" is an abstract socket (sun_path[0] = 0), anything else a path. */
static long do_connect(void *arg)
{
	const char *name = arg;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	socklen_t len = sizeof(a);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return BR_PROBE_BROKEN;
	if (name[0] == '@') {
		size_t n = strnlen(name + 1, sizeof(a.sun_path) - 1);

		memcpy(a.sun_path + 1, name + 1, n);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	} else {
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", name);
	}
	r = connect(fd, (struct sockaddr *)&a, len) ? -errno : 0;
	close(fd);
	return r;
}

/* Listening unix sockets in /proc/net/unix (our network namespace's):
 * "Num RefCount Protocol Flags Type St Inode Path", flags 0x10000 = listening. */
static int unix_listeners(const char **list, int n, int max)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "re");

	if (!f)
		return n;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long flags;
		char path[256];

		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags, path) != 2 ||
		    !(flags & 0x10000))
			continue;
		list[n++] = strdup(path);
	}
	fclose(f);
	return n;
}

static void probe_sockets(char **extra, int nextra)
{
	static const char *const daemons[] = {
		"/run/docker.sock", "/var/run/docker.sock", "/run/containerd/containerd.sock",
		"/run/podman/podman.sock", "/run/crio/crio.sock", "/run/buildkit/buildkitd.sock",
		"/var/lib/kubelet/pod-resources/kubelet.sock", "/run/k3s/containerd/containerd.sock",
		"/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket",
		"/run/systemd/private", "/run/snapd.socket", "/tmp/.X11-unix/X0",
		NULL,
	};
	static const char *list[MAX_SOCKETS];
	char user_podman[64], user_bus[64], key[PATH_MAX + 16];
	const char *agent = getenv("SSH_AUTH_SOCK");
	int n = 0;

	for (const char *const *d = daemons; *d; d++)
		list[n++] = *d;
	snprintf(user_podman, sizeof(user_podman), "/run/user/%u/podman/podman.sock",
		 (unsigned)getuid());
	list[n++] = user_podman;
	snprintf(user_bus, sizeof(user_bus), "/run/user/%u/bus", (unsigned)getuid());
	list[n++] = user_bus;
	if (agent && *agent)
		list[n++] = agent;
	for (int i = 0; i < nextra && n < MAX_SOCKETS; i++)
		list[n++] = extra[i];
	attempt("read /proc/net/unix");
	n = unix_listeners(list, n, MAX_SOCKETS);
	for (int i = 0; i < n; i++) {
		struct br_outcome o;
		bool dup = false;

		for (int j = 0; j < i; j++)
			dup |= !strcmp(list[i], list[j]);
		if (dup)
			continue;
		snprintf(key, sizeof(key), "socket.%s", list[i]);
		attempt("%s", key);
		br_probe(&o, do_connect, (void *)list[i], 0, TIMEOUT_MS);
		if (o.kind == BR_PROBE_ERROR && strstr(o.detail, "setup"))
			obs(key, "untested", "none", "could not create a unix socket here: %s", o.detail);
		else
			obs_outcome(key, &o,
				    o.kind != BR_DENIED ? plain_cause(&o) : o.err == ENOENT ? "absent" :
				    o.err == ECONNREFUSED ? "no-listener" : o.err == EACCES ? "dac-or-lsm" :
				    plain_cause(&o), "connect(2) to a unix socket, nothing sent");
	}
}

/* ---- Landlock, right by right: refused where DAC allows = handled ---- */

static long do_landlock_abi(void *arg)
{
	(void)arg;
	return br_landlock_abi();
}

static long do_truncate(void *arg)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/.blastradius-probe-trunc.%d", (const char *)arg,
		 (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return BR_PROBE_BROKEN;
	close(fd);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	unlink(path);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* TCGETS on a device that is no tty: ENOTTY once Landlock let it through. */
static long do_ioctl_dev(void *arg)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return BR_PROBE_BROKEN;
	r = ioctl(fd, TCGETS, &(struct termios){0}) ? -errno : 0;
	close(fd);
	/* the driver's own answer, past Landlock's hook */
	return r == -ENOTTY || r == -EINVAL ? 0 : r;
}

static long do_tcp(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;
	bool bind_it = *(const char *)arg == 'b';

	if (fd < 0)
		return BR_PROBE_BROKEN;
	a.sin_port = htons(bind_it ? 0 : 1);
	r = (bind_it ? bind(fd, (struct sockaddr *)&a, sizeof(a))
		     : connect(fd, (struct sockaddr *)&a, sizeof(a))) ? -errno : 0;
	close(fd);
	/* Past Landlock's hook: no address here, nothing listening on port 1. */
	return r == -EADDRNOTAVAIL || r == -ECONNREFUSED || r == -ENETUNREACH ? 0 : r;
}

static long do_kill(void *arg)
{
	return kill(*(const pid_t *)arg, 0) ? -errno : 0;
}

/* The probe's own parent (the launcher's side): the worker's parent is the
 * probe's main process, whose parent /proc/PID/stat names. */
static pid_t probe_parent(void)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getppid());
	if (br_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return 0;
	return (pid_t)atoi(p + 4); /* ") S PPID" */
}

/* May we signal pid by DAC alone (same real or effective uid, or root)? */
static bool dac_may_signal(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned r, e;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (br_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strstr(buf, "\nUid:")) ||
	    sscanf(p + 5, "%u %u", &r, &e) != 2)
		return false;
	return geteuid() == 0 || getuid() == r || geteuid() == r || getuid() == e;
}

static void right(const char *name, int need, int abi, const struct br_outcome *o,
		  const char *what, const char *untested_why)
{
	char key[64];

	snprintf(key, sizeof(key), "landlock.right.%s", name);
	if (abi < need)
		obs(key, "absent", "kernel", "needs Landlock ABI %d, the kernel has %d", need, abi);
	else if (untested_why)
		obs(key, "untested", "none", "%s", untested_why);
	else if (o->kind == BR_DENIED && (o->err == EACCES || o->err == EPERM))
		obs(key, "handled", "lsm", "%s: refused with %s where DAC allows it", what,
		    br_errname(o->err));
	else if (o->kind == BR_ALLOWED)
		obs(key, "allowed", "none", "%s worked: the domain does not handle it", what);
	else
		obs_outcome(key, o, "probe-error", what);
}

/*
 * Landlock's file rights of ABI 1 and 2, one by one: each tried with an
 * operation DAC allows (a directory access(2) says we may write to, a file
 * it says we may read, write or run) in a scratch directory the probe makes
 * and in the other places a program may write (claimed paths, $HOME, the
 * cwd, /tmp, /var/tmp, /dev/shm). Refused with EACCES (EXDEV for refer)
 * somewhere = handled; worked everywhere tried = untested (not handled, or
 * granted there). Everything made is removed at once; what a handled
 * remove right keeps is named in the detail.
 */
enum ll_op { LL_MKDIR, LL_RMDIR, LL_CREAT, LL_UNLINK, LL_SYMLINK, LL_FIFO, LL_SOCK, LL_CHR, LL_BLK,
	     LL_READ, LL_WRITE, LL_READDIR, LL_EXEC, LL_EXEC_SCRATCH, LL_LINK };

struct ll_arg {
	enum ll_op op;
	const char *path, *path2;
};

static long do_ll(void *arg)
{
	const struct ll_arg *a = arg;
	struct statvfs sv;
	int fd, p[2], st;
	pid_t pid;

	switch (a->op) {
	case LL_MKDIR:
		return mkdir(a->path, 0700) ? -errno : 0;
	case LL_RMDIR:
		return rmdir(a->path) ? -errno : 0;
	case LL_UNLINK:
		return unlink(a->path) ? -errno : 0;
	case LL_SYMLINK:
		return symlink("blastradius-probe", a->path) ? -errno : 0;
	case LL_FIFO:
		return mknod(a->path, S_IFIFO | 0600, 0) ? -errno : 0;
	case LL_SOCK:
		return mknod(a->path, S_IFSOCK | 0600, 0) ? -errno : 0;
	/* Landlock checks before CAP_MKNOD: EPERM got past it. Not a 0:0
	 * whiteout: kernels with the whiteout fix check that as make_reg. */
	case LL_CHR: /* 1:3, what /dev/null is */
		return mknod(a->path, S_IFCHR | 0600, makedev(1, 3)) ? (errno == EPERM ? 1 : -errno) : 0;
	case LL_BLK:
		return mknod(a->path, S_IFBLK | 0600, makedev(7, 0)) ? (errno == EPERM ? 1 : -errno) : 0;
	case LL_LINK:
		return link(a->path, a->path2) ? -errno : 0;
	case LL_CREAT:
	case LL_READ:
	case LL_WRITE:
	case LL_READDIR:
		fd = open(a->path, a->op == LL_CREAT ? O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC :
			  a->op == LL_READ ? O_RDONLY | O_CLOEXEC : a->op == LL_WRITE ?
			  O_WRONLY | O_NONBLOCK | O_CLOEXEC : O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0700);
		if (fd < 0)
			return -errno;
		close(fd);
		return 0;
	case LL_EXEC_SCRATCH:
		if (chmod(a->path, 0700))
			return BR_PROBE_BROKEN;
		/* fall through */
	case LL_EXEC:
		/* An empty file fails with ENOEXEC after Landlock's check; a real
		 * program runs (its exec closes the pipe: no errno comes back). A
		 * noexec mount refuses with EACCES too: no test there. */
		if (statvfs(a->path, &sv) || (sv.f_flag & ST_NOEXEC) || pipe2(p, O_CLOEXEC))
			return BR_PROBE_BROKEN;
		pid = fork();
		if (pid == 0) {
			int e;

			execve(a->path, (char *[]){(char *)a->path, NULL}, (char *[]){NULL});
			e = errno;
			_exit(write(p[1], &e, sizeof(e)) == sizeof(e) ? 0 : 1);
		}
		close(p[1]);
		if (pid < 0)
			return BR_PROBE_BROKEN;
		{
			int e = 0;
			ssize_t n = read(p[0], &e, sizeof(e));

			waitpid(pid, &st, 0);
			return n == sizeof(e) ? (e == ENOEXEC ? 0 : -e) : 0;
		}
	}
	return BR_PROBE_BROKEN;
}

static const struct ll_right {
	const char *name;
	int abi;
} ll_rights[] = {
	{"execute", 1}, {"write_file", 1}, {"read_file", 1}, {"read_dir", 1}, {"remove_dir", 1},
	{"remove_file", 1}, {"make_char", 1}, {"make_dir", 1}, {"make_reg", 1}, {"make_sock", 1},
	{"make_fifo", 1}, {"make_block", 1}, {"make_sym", 1}, {"refer", 2},
};

#define LL_N (sizeof(ll_rights) / sizeof(*ll_rights))

/* In shared memory: a batch child (below) writes what it saw there. */
static struct ll_seen {
	char refused[PATH_MAX + 64], worked[512], left[512];
} *ll_seen;
static bool ll_direct; /* in a batch child: each attempt without a fork of its own */

static size_t ll_index(const char *name)
{
	for (size_t i = 0; i < LL_N; i++)
		if (!strcmp(ll_rights[i].name, name))
			return i;
	return 0;
}

/* One attempt of right `name`; true when it worked (what it made exists). */
static bool ll_try(const char *name, enum ll_op op, const char *path, const char *path2)
{
	struct ll_seen *s = &ll_seen[ll_index(name)];
	struct ll_arg a = {op, path, path2};
	struct br_outcome o;
	int deny = !strcmp(name, "refer") ? EXDEV : EACCES;

	attempt("landlock.right.%s %s", name, path2 ? path2 : path);
	if (ll_direct) {
		long r = do_ll(&a);

		o = (struct br_outcome){.kind = r >= 0 ? BR_ALLOWED : r == BR_PROBE_BROKEN ? BR_PROBE_ERROR
								 : BR_DENIED,
					.err = r < 0 ? (int)-r : 0, .ret = r};
	} else {
		br_probe(&o, do_ll, &a, 0, TIMEOUT_MS);
	}
	if (o.kind == BR_DENIED && o.err == deny) {
		if (!s->refused[0])
			snprintf(s->refused, sizeof(s->refused), "%s: refused with %s where DAC allows it",
				 path2 ? path2 : path, br_errname(deny));
		return false;
	}
	if (o.kind == BR_ALLOWED) {
		size_t l = strlen(s->worked);

		snprintf(s->worked + l, sizeof(s->worked) - l, "%s%s", l ? ", " : "", path2 ? path2 : path);
		return o.ret == 0;
	}
	return false;
}

/* Remove what a make right made: the remove right's own attempt. */
static void ll_remove(const char *right, enum ll_op op, const char *path)
{
	if (!ll_try(right, op, path, NULL)) {
		struct ll_seen *s = &ll_seen[ll_index(right)];
		size_t l = strlen(s->left);

		snprintf(s->left + l, sizeof(s->left) - l, "%s%s", l ? ", " : "", path);
	}
}

/* The make and remove rights in directory dir (DAC lets us write there). */
static void ll_make_rights(const char *dir)
{
	static const struct {
		const char *right, *suffix;
		enum ll_op op;
	} makes[] = {
		{"make_reg", "f", LL_CREAT}, {"make_sym", "l", LL_SYMLINK}, {"make_fifo", "p", LL_FIFO},
		{"make_sock", "s", LL_SOCK}, {"make_char", "c", LL_CHR}, {"make_block", "b", LL_BLK},
	};
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/.blastradius-probe-ll.%d.d", dir, (int)getpid());
	if (!ll_seen[ll_index("make_dir")].refused[0] || !ll_seen[ll_index("remove_dir")].refused[0])
		if (ll_try("make_dir", LL_MKDIR, path, NULL))
			ll_remove("remove_dir", LL_RMDIR, path);
	for (size_t i = 0; i < sizeof(makes) / sizeof(*makes); i++) {
		if (ll_seen[ll_index(makes[i].right)].refused[0] &&
		    ll_seen[ll_index("remove_file")].refused[0])
			continue;
		snprintf(path, sizeof(path), "%s/.blastradius-probe-ll.%d.%s", dir, (int)getpid(),
			 makes[i].suffix);
		if (ll_try(makes[i].right, makes[i].op, path, NULL))
			ll_remove("remove_file", LL_UNLINK, path);
	}
}

/* Read, write, run and refer on a file the probe made in scratch S. */
static void ll_file_rights(const char *s)
{
	static const char *const readable[] = {"/etc/passwd", "/etc/os-release", "/bin/sh", NULL};
	static const char *const writable[] = {"/dev/null", "/dev/zero", "/dev/full", NULL};
	static const char *const dirs[] = {"/", "/etc", "/usr", "/dev", NULL};
	static const char *const progs[] = {"/bin/true", "/usr/bin/true", NULL};
	char f[PATH_MAX], sub[PATH_MAX], linked[PATH_MAX];
	bool have_f = false, have_sub = false;

	if (s) {
		snprintf(f, sizeof(f), "%s/f", s);
		snprintf(sub, sizeof(sub), "%s/r", s);
		snprintf(linked, sizeof(linked), "%s/r/f", s);
		have_f = ll_try("make_reg", LL_CREAT, f, NULL) || !access(f, F_OK);
		have_sub = ll_try("make_dir", LL_MKDIR, sub, NULL) || !access(sub, F_OK);
		if (have_f) {
			ll_try("read_file", LL_READ, f, NULL);
			ll_try("write_file", LL_WRITE, f, NULL);
			ll_try("execute", LL_EXEC_SCRATCH, f, NULL);
		}
		ll_try("read_dir", LL_READDIR, s, NULL);
		if (have_f && have_sub && ll_try("refer", LL_LINK, f, linked)) {
			struct ll_arg u = {LL_UNLINK, linked, NULL};
			struct br_outcome o;

			if (ll_direct)
				do_ll(&u);
			else
				br_probe(&o, do_ll, &u, 0, TIMEOUT_MS);
		}
	}
	for (const char *const *p = readable; *p; p++)
		if (!access(*p, R_OK))
			ll_try("read_file", LL_READ, *p, NULL);
	for (const char *const *p = writable; *p; p++)
		if (!access(*p, W_OK))
			ll_try("write_file", LL_WRITE, *p, NULL);
	for (const char *const *p = dirs; *p; p++)
		if (!access(*p, R_OK | X_OK))
			ll_try("read_dir", LL_READDIR, *p, NULL);
	for (const char *const *p = progs; *p; p++)
		if (!access(*p, X_OK))
			ll_try("execute", LL_EXEC, *p, NULL);
	if (have_f)
		ll_remove("remove_file", LL_UNLINK, f);
	if (have_sub)
		ll_remove("remove_dir", LL_RMDIR, sub);
}

static long do_ll_batch(void *arg)
{
	const char *const *job = arg;

	ll_direct = true;
	if (job[0])
		ll_make_rights(job[1]);
	else
		ll_file_rights(job[1]);
	return 0;
}

/*
 * A place's attempts in one child (a fork each costs more than the whole
 * place); a child that a filter kills or that hangs leaves its place to be
 * tried again with a child per attempt, so one refused call costs one
 * attempt, never the section.
 */
static void ll_place(bool make, const char *dir)
{
	const char *job[2] = {make ? "make" : NULL, dir};
	struct br_outcome o;

	attempt("landlock %s rights in %s%s, in one child", make ? "make and remove" : "file",
		dir ? dir : "", make ? "" : dir ? " and fixed places" : "fixed places");
	br_probe(&o, do_ll_batch, job, 0, 4 * TIMEOUT_MS);
	if (o.kind == BR_ALLOWED)
		return;
	if (make)
		ll_make_rights(dir);
	else
		ll_file_rights(dir);
}

static void probe_landlock_fs_rights(const char *const *cands, int n, const char *scratch, int abi)
{
	ll_seen = mmap(NULL, sizeof(*ll_seen) * LL_N, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ll_seen == MAP_FAILED) {
		obs("landlock.right.execute", "error", "probe-error", "mmap failed");
		return;
	}
	ll_place(false, scratch[0] ? scratch : NULL);
	if (scratch[0])
		ll_place(true, scratch);
	for (int i = 0; i < n; i++) {
		bool dup = false;

		for (int j = 0; j < i; j++)
			dup |= !strcmp(cands[i], cands[j]);
		if (!dup && !access(cands[i], W_OK | X_OK))
			ll_place(true, cands[i]);
	}
	for (size_t i = 0; i < LL_N; i++) {
		char key[64];
		const struct ll_seen *s = &ll_seen[i];

		snprintf(key, sizeof(key), "landlock.right.%s", ll_rights[i].name);
		if (abi < ll_rights[i].abi)
			obs(key, "absent", "kernel", "needs Landlock ABI %d, the kernel has %d",
			    ll_rights[i].abi, abi);
		else if (s->refused[0])
			obs(key, "handled", "lsm", "%s%s%s", s->refused, s->left[0] ? "; left behind: " : "",
			    s->left);
		else if (s->worked[0])
			obs(key, "untested", "none", "worked in %s: not handled, or granted there",
			    s->worked);
		else
			obs(key, "untested", "none", "no place where DAC allows it%s",
			    scratch[0] ? "" : ", and no scratch directory");
	}
}

static void probe_landlock_rights(char **extra, int nextra)
{
	static const char *const devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"};
	const char *cands[MAX_EXTRA + 8];
	char scratch[PATH_MAX] = "", *home = getenv("HOME"), cwd[PATH_MAX];
	struct br_outcome o = {0};
	int n = 0, abi;
	pid_t parent;

	attempt("landlock_create_ruleset(NULL, 0, VERSION) in a child");
	{
		struct br_outcome v;

		br_probe(&v, do_landlock_abi, NULL, 0, TIMEOUT_MS);
		abi = v.kind == BR_ALLOWED ? (int)v.ret : 0;
	}
	/* truncate: in a scratch directory we can create files in, a file we
	 * made; refused there means handled (and not granted there). */
	for (int i = 0; i < nextra; i++)
		cands[n++] = extra[i];
	if (home && home[0] == '/')
		cands[n++] = home;
	if (getcwd(cwd, sizeof(cwd)))
		cands[n++] = cwd;
	cands[n++] = "/tmp";
	cands[n++] = "/var/tmp";
	cands[n++] = "/dev/shm";
	attempt("mkdtemp a scratch directory");
	for (int i = 0; i < n && !scratch[0]; i++) {
		snprintf(scratch, sizeof(scratch), "%s/.blastradius-probe.XXXXXX", cands[i]);
		if (!mkdtemp(scratch))
			scratch[0] = 0;
	}
	if (scratch[0]) {
		attempt("landlock.right.truncate");
		br_probe(&o, do_truncate, scratch, 0, TIMEOUT_MS);
	}
	right("truncate", 3, abi, &o, "open(O_TRUNC) of a file the probe made in a scratch directory",
	      !scratch[0] ? "no directory where the probe can create a file" :
	      o.kind == BR_PROBE_ERROR ? "the probe could not create a file in its scratch directory" :
	      o.kind == BR_ALLOWED ? "truncating worked in the scratch directory: not handled, or "
	      "granted there" : NULL);
	probe_landlock_fs_rights(cands, n, scratch, abi);
	if (scratch[0])
		rmdir(scratch);
	/* ioctl_dev: any of a few devices every system has. */
	{
		struct br_outcome any = {.kind = BR_PROBE_ERROR};

		for (size_t i = 0; i < sizeof(devs) / sizeof(*devs); i++) {
			attempt("landlock.right.ioctl_dev %s", devs[i]);
			br_probe(&o, do_ioctl_dev, (void *)devs[i], 0, TIMEOUT_MS);
			if ((o.kind == BR_DENIED && o.err == EACCES) || (o.kind == BR_ALLOWED && any.kind != BR_DENIED))
				any = o;
		}
		right("ioctl_dev", 5, abi, &any, "ioctl(TCGETS) on /dev/null, /dev/zero, /dev/full, "
		      "/dev/urandom", any.kind == BR_PROBE_ERROR ? "none of the devices opens here" :
		      NULL);
	}
	attempt("landlock.right.bind_tcp");
	br_probe(&o, do_tcp, "b", 0, TIMEOUT_MS);
	right("bind_tcp", 4, abi, &o, "bind(127.0.0.1:0)",
	      o.kind == BR_PROBE_ERROR ? "no TCP socket can be created here" : NULL);
	attempt("landlock.right.connect_tcp");
	br_probe(&o, do_tcp, "c", 0, TIMEOUT_MS);
	right("connect_tcp", 4, abi, &o, "connect(127.0.0.1:1)",
	      o.kind == BR_PROBE_ERROR ? "no TCP socket can be created here" : NULL);
	attempt("landlock.right.signal");
	parent = probe_parent();
	if (parent > 0)
		br_probe(&o, do_kill, &parent, 0, TIMEOUT_MS);
	right("signal", 6, abi, &o, "kill(the probe's parent, 0)",
	      parent <= 0 ? "the probe's parent is unknown" :
	      !dac_may_signal(parent) ? "DAC alone forbids signalling the parent" :
	      o.kind == BR_ALLOWED ? "signalling the parent worked, but it may be in our own domain"
	      : NULL);
	/* abstract_unix_socket: a refusal (EPERM) proves the scope; a success
	 * may be a listener in our own domain. */
	{
		static const char *list[MAX_SOCKETS];
		int ns = unix_listeners(list, 0, MAX_SOCKETS), tried = 0;
		struct br_outcome any = {0};

		for (int i = 0; i < ns && any.kind != BR_DENIED; i++) {
			if (list[i][0] != '@')
				continue;
			attempt("landlock.right.abstract_unix_socket %s", list[i]);
			br_probe(&o, do_connect, (void *)list[i], 0, TIMEOUT_MS);
			tried++;
			if (o.kind == BR_DENIED && o.err == EPERM)
				any = o;
		}
		right("abstract_unix_socket", 6, abi, &any, "connect(2) to a listening abstract socket",
		      !tried ? "no listening abstract socket to try" : any.kind != BR_DENIED ?
		      "abstract sockets accepted, but their listeners may be in our own domain" : NULL);
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

	attempt("tiocsti");
	br_probe(&o, do_tiocsti, NULL, EFAULT, TIMEOUT_MS);
	if (o.kind == BR_DENIED && o.err == ENXIO)
		obs("tiocsti", "untested", "none", "no terminal: no controlling tty and no tty on fds 0-2");
	else
		obs_outcome("tiocsti", &o, o.kind == BR_DENIED && o.err == EIO ? "sysctl" :
			    o.kind == BR_DENIED && o.err == EPERM && !seccomp_on() ? "not-ctty" :
			    plain_cause(&o), "ioctl(TIOCSTI, NULL) on /dev/tty, else an inherited tty fd; "
			    "EIO: dev.tty.legacy_tiocsti=0, EPERM: not our controlling tty");
}

/* ---- mandatory access control ---- */

/*
 * The active LSMs, the task's label under each LSM that labels tasks, and
 * the modes: AppArmor's (from its label), SELinux's (selinuxfs) and Yama's
 * ptrace_scope. A value this process cannot read is "unknown" with why,
 * never "absent": an LSM is absent only when the LSM list says so (or, with
 * no list, its own attr file answers ENOENT, EINVAL or nothing).
 */
static void probe_mac(void)
{
	char lsms[512], label[512], name[512], aa[512] = "";
	const char *src, *lsm_list, *mode;
	int r, aa_r = -ENOENT, vers, scope;
	bool aa_off = false, se_fs = false;
	struct stat st;

	attempt("list the active LSMs (securityfs, lsm_list_modules)");
	src = br_fact_lsm(lsms, sizeof(lsms));
	lsm_list = src ? lsms : NULL;
	if (src)
		obs("mac.lsm", lsms, "none", "active LSMs, from %s", src);
	else
		obs("mac.lsm", "unknown", "probe-error", "neither securityfs nor lsm_list_modules(2) "
		    "answered here");
	/* With no list, attr/current is SELinux's when selinuxfs is mounted and
	 * AppArmor and Smack say "not active" in their own attr directories:
	 * the three exclude each other. */
	attempt("stat /sys/fs/selinux/enforce; read /proc/self/attr/{apparmor,smack}/current");
	if (!lsm_list && !stat("/sys/fs/selinux/enforce", &st)) {
		se_fs = true;
		for (const char *const *l = br_mac_labelling; *l; l++)
			if (strcmp(*l, "selinux") && (r = br_mac_label(*l, 0, label, sizeof(label))) !=
			    -ENOENT && r != -EINVAL && r != -ENODATA)
				se_fs = false;
	}
	for (const char *const *l = br_mac_labelling; *l; l++) {
		char key[64];
		bool off, se = se_fs && !strcmp(*l, "selinux");

		attempt("read /proc/self/attr/%s/current", *l);
		r = se ? br_mac_label(*l, 1, label, sizeof(label))
		       : br_mac_task_label(lsm_list, *l, label, sizeof(label));
		off = lsm_list ? !br_mac_active(lsm_list, *l)
			       : !se && (r == -ENOENT || r == -EINVAL || r == -ENODATA);
		if (!strcmp(*l, "apparmor") && (aa_off = off, aa_r = r) == 0)
			snprintf(aa, sizeof(aa), "%s", label);
		if (off)
			continue; /* not active */
		snprintf(key, sizeof(key), "mac.label.%s", *l);
		if (r)
			obs(key, "unknown", "probe-error", "%s is active, but its label for this process is "
			    "unreadable (%s)", *l, br_errname(-r));
		else
			obs(key, label, "none", "this process's %s label (/proc/self/attr)", *l);
	}
	if (!aa_r && (mode = br_mac_aa_mode(aa, name, sizeof(name))))
		obs("mac.apparmor", mode, "none", "%s%s", strcmp(mode, "unconfined") ? "profile " : "",
		    strcmp(mode, "unconfined") ? name : "no AppArmor profile confines this process");
	else if (!aa_r)
		obs("mac.apparmor", "unknown", "probe-error", "no mode in the AppArmor label '%s'", aa);
	else if (aa_off)
		obs("mac.apparmor", "absent", "none", "AppArmor is not an active LSM%s%s",
		    lsm_list ? ": " : " (its attr file does not answer)", lsm_list ? lsm_list : "");
	else
		obs("mac.apparmor", "unknown", "probe-error", "AppArmor's label is unreadable (%s)",
		    br_errname(-aa_r));
	attempt("read /sys/fs/selinux/enforce and policyvers");
	if ((mode = br_mac_selinux_mode(&vers)))
		obs("mac.selinux", mode, "none", "policy version %d (/sys/fs/selinux)", vers);
	else if (lsm_list && !br_mac_active(lsm_list, "selinux"))
		obs("mac.selinux", "disabled", "none", "SELinux is not an active LSM: %s", lsm_list);
	else
		obs("mac.selinux", "unknown", "probe-error", "%s, and /sys/fs/selinux/enforce is "
		    "unreadable here", lsm_list ? "SELinux is active" : se_fs ? "SELinux is active "
		    "(selinuxfs is mounted)" : "the LSM list is unknown");
	attempt("read /proc/sys/kernel/yama/ptrace_scope");
	scope = br_mac_yama_scope();
	if (scope >= 0) {
		static const char *const what[] = {
			"any process may ptrace another of its uid",
			"only a descendant (or one named by PR_SET_PTRACER) may be traced",
			"only CAP_SYS_PTRACE may trace", "no process may trace another",
		};

		snprintf(label, sizeof(label), "%d", scope);
		obs("mac.yama", label, "none", "Yama ptrace_scope %d: %s", scope,
		    scope <= 3 ? what[scope] : "unknown scope");
	} else if (lsm_list && !br_mac_active(lsm_list, "yama")) {
		obs("mac.yama", "absent", "none", "Yama is not an active LSM: %s", lsm_list);
	} else {
		obs("mac.yama", "unknown", "probe-error", "%s, and kernel.yama.ptrace_scope is unreadable "
		    "(%s)", lsm_list ? "Yama is active" : "the LSM list is unknown", br_errname(-scope));
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: blastradius-probe [--fd N] [--handle TYPE:HEX] [--socket PATH|@NAME]...\n"
		"                         [--write-path PATH]...\n\n"
		"Measures what this process can reach and prints one record a line\n"
		"(F facts, O observations, A attempts, D a worker that died; README \"Probe\n"
		"records\"). blastradius assess runs it, inside a sandbox with 'assess -- CMD'.\n"
		"Static; needs nothing.\n"
		"  --fd N            write records to fd N instead of stdout\n"
		"  --handle T:HEX    a file handle made outside, to try open_by_handle_at on\n"
		"  --socket PATH     one more unix socket to try, @NAME for an abstract one\n"
		"  --write-path PATH one more directory to test for writes (repeatable)\n"
		"  --section NAME    run only this section (repeatable; the others write nothing)\n");
}

static struct {
	char **sockets, **paths, *handle;
	int nsockets, npaths;
	const char *only[16]; /* --section: run only these */
	int nonly;
} opt;

static bool selected(const char *section)
{
	for (int i = 0; i < opt.nonly; i++)
		if (!strcmp(opt.only[i], section))
			return true;
	return !opt.nonly;
}

static void sec_facts(void)
{
	struct br_facts f = {0};

	attempt("gather facts (uname, /proc, securityfs, lsm_list_modules, landlock ABI)");
	br_facts_gather(&f);
	for (size_t i = 0; i < f.n; i++)
		fact(f.kv[i].key, f.kv[i].value);
	br_facts_free(&f);
}

static void sec_fhandle(void)
{
	probe_fhandle(opt.handle);
}

static void sec_fs(void)
{
	char lsm[512];

	attempt("list the active LSMs");
	probe_fs(opt.paths, opt.npaths, br_fact_lsm(lsm, sizeof(lsm)) ? lsm : NULL);
}

static void sec_landlock(void)
{
	probe_landlock_rights(opt.paths, opt.npaths);
}

static void sec_sockets(void)
{
	probe_sockets(opt.sockets, opt.nsockets);
}

static const struct section {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{"identity", probe_identity}, {"creds", probe_creds},
	{"facts", sec_facts},         {"seccomp.default", probe_default_action},
	{"syscalls", probe_syscalls}, {"crossings", probe_crossings},
	{"io_uring", probe_uring},    {"fhandle", sec_fhandle},
	{"fs", sec_fs},               {"landlock", sec_landlock},
	{"procsys", probe_procsys},
	{"sockets", sec_sockets},     {"tiocsti", probe_tiocsti},
	{"mac", probe_mac},
};

/*
 * The main process makes no call but write, fork (clone) and wait4 (and
 * exit): each section runs in a forked worker, so a filter that kills a
 * worker costs that section, named by a D record after its last A record.
 * "S name" says a section ran to its end: only then do its records answer
 * for the whole area.
 */
int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"fd", required_argument, 0, 'f'},     {"handle", required_argument, 0, 'H'},
		{"socket", required_argument, 0, 's'}, {"write-path", required_argument, 0, 'w'},
		{"help", no_argument, 0, 'h'},         {"section", required_argument, 0, 'S'},
		{0},
	};
	static char *sockets[MAX_SOCKETS], *paths[MAX_EXTRA];
	int c, st;
	pid_t pid;

	opt.sockets = sockets;
	opt.paths = paths;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			out_fd = atoi(optarg);
			break;
		case 'H':
			opt.handle = optarg;
			break;
		case 's':
			if (opt.nsockets < MAX_SOCKETS - 32)
				sockets[opt.nsockets++] = optarg;
			break;
		case 'w':
			if (opt.npaths < MAX_EXTRA)
				paths[opt.npaths++] = optarg;
			break;
		case 'S':
			if (opt.nonly < 16)
				opt.only[opt.nonly++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return BR_EXIT_PASS;
		default:
			usage(stderr);
			return BR_EXIT_USAGE;
		}
	}
	put_line("blastradius-probe 1\n");
	attempt("fork: clone() a child that exits at once, then wait4()");
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		char v[64];

		snprintf(v, sizeof(v), "denied(%s)", br_errname(errno));
		obs("probe.fork", v, "seccomp-or-kernel", "fork() failed: no section can run in a "
		    "child, so nothing else is measured");
		put('D', 2, (const char *const[]){"all", v});
		put_line("end\n");
		return BR_EXIT_PASS;
	}
	waitpid(pid, &st, 0);
	obs("probe.fork", "allowed", "none", "fork() and wait4() work: every section runs in a child");
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		char how[64];

		if (!selected(sections[i].name))
			continue;

		pid = fork();
		if (pid == 0) {
			sections[i].fn();
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			snprintf(how, sizeof(how), "fork(%s)", br_errname(errno));
		} else if (WIFSIGNALED(st)) {
			snprintf(how, sizeof(how), "killed(%s)", br_signame(WTERMSIG(st)));
		} else if (WEXITSTATUS(st)) {
			snprintf(how, sizeof(how), "exit(%d)", WEXITSTATUS(st));
		} else {
			put('S', 1, (const char *const[]){sections[i].name});
			continue;
		}
		put('D', 2, (const char *const[]){sections[i].name, how});
	}
	put_line("end\n");
	return BR_EXIT_PASS;
}
