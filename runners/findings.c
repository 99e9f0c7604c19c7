/*
 * Findings (findings.h): one table of severity rules over probe records.
 * Each rule reads only records that were written; a conjunction with one
 * measured part false is clear, one with a part missing is not measured.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "findings.h"
#include "probe.h"

struct fctx {
	const struct recs *in, *ref;
};

static const char *const abis[] = {"native", "x32", "ia32"};

const char *sev_name(enum fsev s)
{
	static const char *const n[] = {"critical", "high", "medium", "low", "info"};

	return s < SEV_N ? n[s] : "?";
}

int sev_parse(const char *s)
{
	for (int i = 0; i < SEV_N; i++)
		if (!strcmp(s, sev_name(i)))
			return i;
	return -1;
}

const struct qitem_info qitems[Q_N] = {
	[Q_NS_WHICH] = {BR_AREA_NS, "Which specific Linux namespaces are utilized?"},
	[Q_NS_MAP] = {BR_AREA_NS, "Is the user namespace mapped?"},
	[Q_NS_CAPS] = {BR_AREA_NS, "How are capabilities within it managed?"},
	[Q_SC_POLICY] = {BR_AREA_SECCOMP, "Is a restrictive seccomp policy applied?"},
	[Q_SC_SYSCALLS] = {BR_AREA_SECCOMP, "Which syscalls are permitted (openat versus open_by_handle_at)?"},
	[Q_CAPS_RETAINED] = {BR_AREA_CAPS, "Which Linux capabilities are retained after initialization?"},
	[Q_LL_USED] = {BR_AREA_LANDLOCK, "Is Landlock used to create filesystem restrictions?"},
	[Q_BR_PIDS] = {BR_AREA_BREACH, "The host's process table"},
	[Q_BR_SESSIONS] = {BR_AREA_BREACH, "User sessions"},
	[Q_BR_DAEMON] = {BR_AREA_BREACH, "The container orchestration daemon socket"},
	[Q_BR_MAC] = {BR_AREA_BREACH, "The mandatory access control layers that contain the blast radius"},
};

const char *area_question(enum br_area a)
{
	static const char *const q[] = {
		[BR_AREA_NS] = "Which specific Linux namespaces are utilized? Is it a full unshare(CLONE_NEWUSER | "
			       "CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) call, or "
			       "a partial set? Is the user namespace mapped, and if so, how are capabilities within "
			       "it managed?",
		[BR_AREA_SECCOMP] = "Is a restrictive seccomp policy applied? Request the actual filter source or a "
				    "comprehensive list of permitted syscalls. [...] The difference between allowing "
				    "openat and open_by_handle_at is substantial from a security perspective.",
		[BR_AREA_CAPS] = "Which Linux capabilities (e.g., CAP_SYS_ADMIN, CAP_NET_RAW, CAP_DAC_OVERRIDE) are "
				 "retained by the agent process after initialization?",
		[BR_AREA_LANDLOCK] = "For newer kernels, is Landlock ABI used to create filesystem restrictions?",
		[BR_AREA_BREACH] = "If your agent process is compromised via a memory corruption vulnerability, what "
				   "specific kernel-enforced boundaries prevent the attacker from accessing the "
				   "host's process table, user sessions, or container orchestration daemon socket? "
				   "[...] a description of the mandatory access control layers (e.g., seccomp, "
				   "namespaces, AppArmor/ SELinux profiles) that would contain the blast radius.",
	};

	return a < BR_NAREAS ? q[a] : "";
}

/* ---- why each probed syscall matters ---- */

static const struct {
	const char *name;
	bool escape;
	const char *why;
} syscalls[] = {
	{"open_by_handle_at", true, "opens any file of a mounted file system by handle, past the mount tree "
				    "and chroot (the shocker escape)"},
	{"name_to_handle_at", false, "makes the file handles that open_by_handle_at opens"},
	{"io_uring_setup", true, "io_uring runs file and socket operations that seccomp never sees"},
	{"io_uring_enter", true, "submits io_uring operations, unseen by seccomp"},
	{"io_uring_register", true, "registers files and buffers with an io_uring"},
	{"keyctl", true, "kernel keyrings: shared by a user across namespaces, a frequent source of kernel bugs"},
	{"add_key", true, "adds keys to the kernel keyrings"},
	{"bpf", true, "loads programs into the kernel: the verifier is a frequent source of exploits"},
	{"perf_event_open", true, "kernel performance counters: side channels and kernel bugs"},
	{"userfaultfd", true, "stalls page faults at will, the usual way to win kernel race conditions"},
	{"ptrace", true, "reads and writes the memory and registers of processes it can reach"},
	{"process_vm_readv", true, "reads another process's memory directly"},
	{"mount", true, "mounts file systems: changes what is visible, exposes file system parsers"},
	{"umount2", true, "unmounts what hides host files under a mount"},
	{"pivot_root", true, "changes the root of the mount namespace"},
	{"unshare", true, "new namespaces; a new user namespace opens kernel code meant for root"},
	{"setns", true, "joins another namespace through a file descriptor"},
	{"init_module", true, "loads code into the kernel"},
	{"finit_module", true, "loads code into the kernel from a file"},
	{"kexec_load", true, "replaces the running kernel"},
	{"reboot", true, "reboots or halts the machine"},
	{"swapon", true, "adds swap: other processes' memory gets written there"},
	{"iopl", true, "raises the I/O privilege level: direct hardware port access"},
	{"ioperm", true, "direct access to hardware I/O ports"},
	{"chroot", true, "changes the root directory; with a directory fd held, a way out of a chroot"},
	{"socket", false, "new sockets: reach the network and local daemons"},
	{"socketcall", false, "ia32's multiplexed socket call: a filter that checks only socket(2) misses it"},
	{"clone3", false, "new processes and namespaces; its flags are in memory, out of a filter's sight"},
	{"personality", false, "execution domain flags: ADDR_NO_RANDOMIZE turns off ASLR for what it runs"},
	{"seccomp", false, "installs more filters, or a user-notification listener"},
};

const char *syscall_why(const char *name, bool *escape)
{
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(*syscalls); i++)
		if (!strcmp(syscalls[i].name, name)) {
			if (escape)
				*escape = syscalls[i].escape;
			return syscalls[i].why;
		}
	return NULL;
}

/* ---- helpers over records ---- */

static const struct rec *rec(const struct fctx *c, const char *key)
{
	return recs_get(c->in, 'O', key);
}

static const char *ov(const struct fctx *c, const char *key)
{
	const struct rec *x = rec(c, key);

	return x ? x->value : NULL;
}

static bool is(const char *v, const char *want)
{
	return v && !strcmp(v, want);
}

/* Append to buf (len tracked, never past size). */
static void app(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void app(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size;
}

static enum fstate found(char *title, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum fstate found(char *title, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, size, fmt, ap);
	va_end(ap);
	return F_FOUND;
}

int root_is_host_root(const struct recs *in, const struct recs *ref)
{
	const struct rec *uid = recs_get(in, 'O', "uid"), *map = recs_get(in, 'O', "uid_map");

	(void)ref;
	if (uid && strcmp(uid->value, "0"))
		return 0;
	if (!uid || !map || !strncmp(map->value, "unreadable", 10))
		return -1;
	return !strcmp(root_map(map->value), "host");
}

static unsigned long long capmask(const struct fctx *c, const char *key, bool *ok)
{
	const struct rec *x = rec(c, key);

	*ok = x && !strncmp(x->value, "0x", 2);
	return *ok ? strtoull(x->value, NULL, 16) : 0;
}

void caps_plain(const char *d, char *buf, size_t size)
{
	size_t len = 0;

	if (!d || !*d) {
		snprintf(buf, size, "not measured");
		return;
	}
	if (!strncmp(d, "all-", 4)) {
		app(buf, size, &len, "all but ");
		d += 4;
	}
	buf[len] = 0;
	for (; *d; d++)
		if (*d == ',')
			app(buf, size, &len, ", ");
		else
			app(buf, size, &len, "%c", *d);
}

/* Capabilities that reach past any namespace boundary when held over the host. */
static const br_capmask escape_caps = BR_CAP(CAP_DAC_OVERRIDE) | BR_CAP(CAP_DAC_READ_SEARCH) |
	BR_CAP(CAP_FOWNER) | BR_CAP(CAP_SETUID) | BR_CAP(CAP_NET_ADMIN) | BR_CAP(CAP_SYS_MODULE) |
	BR_CAP(CAP_SYS_RAWIO) | BR_CAP(CAP_SYS_PTRACE) | BR_CAP(CAP_SYS_ADMIN) | BR_CAP(CAP_SYS_BOOT) |
	BR_CAP(CAP_BPF);

static const char *user_ns(const struct fctx *c)
{
	char why[512];

	return ns_state(c->in, c->ref, "user", why, sizeof(why));
}

/* The syscalls of the table allowed on some ABI, "name (native, ia32), ...",
 * of one class (escape or not). Count, or -1 when none was measured. */
static int past_seccomp(const struct fctx *c, bool want_escape, bool with_abis, char *list, size_t size)
{
	size_t len = 0;
	int n = 0, seen = 0;

	list[0] = 0;
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(*syscalls); i++) {
		bool first = true;

		if (syscalls[i].escape != want_escape)
			continue;
		for (int a = 0; a < BR_NABIS; a++) {
			char key[96];
			const struct rec *x;

			snprintf(key, sizeof(key), "syscall.%s.%s", syscalls[i].name, abis[a]);
			x = rec(c, key);
			seen += x != NULL;
			if (!is(x ? x->value : NULL, "allowed"))
				continue;
			if (!with_abis) {
				if (first)
					app(list, size, &len, "%s%s", n ? ", " : "", syscalls[i].name);
				n += first;
				first = false;
				continue;
			}
			app(list, size, &len, "%s%s%s", first ? (n ? "), " : "") : ", ",
			    first ? syscalls[i].name : "", first ? " (" : "");
			app(list, size, &len, "%s", abis[a]);
			n += first;
			first = false;
		}
	}
	if (n && with_abis)
		app(list, size, &len, ")");
	return seen ? n : -1;
}

/*
 * Writable files under /proc/sys, as the probe classified them: global
 * (procsys.global, the most dangerous first) or the sandbox's own
 * namespaces' (procsys.own). The first few in list, "(N in all)" after;
 * their count, or -1 when not measured.
 */
static int sysctls(const struct fctx *c, bool global, char *list, size_t size)
{
	const struct rec *x = rec(c, global ? "procsys.global" : "procsys.own");
	char *names, *save = NULL;
	size_t len = 0;
	int n, shown = 0;

	list[0] = 0;
	if (!x) /* no /proc/sys at all: nothing to write */
		return is(ov(c, "procsys.writable"), "absent") ? 0 : -1;
	n = atoi(x->value);
	names = strdup(x->detail);
	for (char *w = strtok_r(names, " ", &save); w && shown < 6; w = strtok_r(NULL, " ", &save))
		app(list, size, &len, "%s%s", shown++ ? ", " : "", w);
	free(names);
	if (n > shown)
		app(list, size, &len, ", ... (%d in all)", n);
	return n;
}

/* ---- the rules ---- */

static enum fstate r_root_sysctl(const struct fctx *c, char *t, size_t size)
{
	char list[1024];
	int root = root_is_host_root(c->in, c->ref), n = sysctls(c, true, list, sizeof(list));

	if (!root || !n)
		return F_CLEAR;
	if (root < 0 || n < 0)
		return F_UNMEASURED;
	return found(t, size, "uid 0 inside is uid 0 on the host, and global kernel settings under /proc/sys "
		     "open for writing: %s", list);
}

static enum fstate r_global_sysctl(const struct fctx *c, char *t, size_t size)
{
	char list[1024];
	int root = root_is_host_root(c->in, c->ref), n = sysctls(c, true, list, sizeof(list));

	if (root == 1 || !n)
		return F_CLEAR;
	if (n < 0)
		return F_UNMEASURED;
	return found(t, size, "global kernel settings under /proc/sys open for writing: %s", list);
}

static enum fstate r_own_sysctl(const struct fctx *c, char *t, size_t size)
{
	char list[1024];
	int n = sysctls(c, false, list, sizeof(list));

	if (n < 0)
		return F_UNMEASURED;
	if (!n)
		return F_CLEAR;
	return found(t, size, "%d settings of the sandbox's own namespaces under /proc/sys open for writing: %s",
		     n, list);
}

static enum fstate host_caps(const struct fctx *c, char *t, size_t size, bool escape)
{
	const struct rec *x = rec(c, "caps.effective");
	const char *user = user_ns(c), *uid = ov(c, "uid");
	bool ok;
	br_capmask eff = capmask(c, "caps.effective", &ok);
	char plain[1024];

	if ((user && strcmp(user, "shared")) || (ok && !eff))
		return F_CLEAR;
	if (!user || !ok)
		return F_UNMEASURED;
	if (!!(eff & escape_caps) != escape)
		return F_CLEAR;
	caps_plain(x->detail, plain, sizeof(plain));
	if (is(uid, "0"))
		return found(t, size, "the process is root on the host (its user namespace is the host's) with "
			     "capabilities in effect: %s", plain);
	return found(t, size, "the process holds capabilities over the host (its user namespace is the "
		     "host's): %s", plain);
}

static enum fstate r_host_caps(const struct fctx *c, char *t, size_t size)
{
	return host_caps(c, t, size, true);
}

static enum fstate r_host_caps_other(const struct fctx *c, char *t, size_t size)
{
	return host_caps(c, t, size, false);
}

static enum fstate r_userns_caps(const struct fctx *c, char *t, size_t size)
{
	const struct rec *x = rec(c, "caps.effective");
	const char *user = user_ns(c);
	bool ok;
	br_capmask eff = capmask(c, "caps.effective", &ok);
	char plain[1024];

	if (is(user, "shared") || (ok && !eff))
		return F_CLEAR;
	if (!user || !ok)
		return F_UNMEASURED;
	caps_plain(x->detail, plain, sizeof(plain));
	return found(t, size, "holds capabilities over its own user namespace (not the host's): %s", plain);
}

static enum fstate r_host_pids(const struct fctx *c, char *t, size_t size)
{
	char why[512];
	const char *v = host_pids(c->in, c->ref, why, sizeof(why));

	if (!v)
		return F_UNMEASURED;
	if (strcmp(v, "visible"))
		return F_CLEAR;
	return found(t, size, "the host's processes are visible: %s processes listed in /proc (%s)",
		     ov(c, "proc.pids") ? ov(c, "proc.pids") : "?", why);
}

static enum fstate r_seccomp_none(const struct fctx *c, char *t, size_t size)
{
	const char *mode = ov(c, "seccomp.mode");
	char list[2048];
	int n;

	if (!mode)
		return F_UNMEASURED;
	if (strcmp(mode, "disabled"))
		return F_CLEAR;
	n = past_seccomp(c, true, false, list, sizeof(list));
	if (n <= 0)
		return found(t, size, "no seccomp filter: every syscall reaches the kernel");
	return found(t, size, "no seccomp filter: every syscall reaches the kernel, %d of those used in "
		     "escapes included: %s", n, list);
}

static enum fstate filter_past(const struct fctx *c, char *t, size_t size, bool escape)
{
	const char *mode = ov(c, "seccomp.mode");
	char list[2048];
	int n;

	if (is(mode, "disabled"))
		return F_CLEAR;
	n = past_seccomp(c, escape, true, list, sizeof(list));
	if (!mode || n < 0)
		return F_UNMEASURED;
	if (!n)
		return F_CLEAR;
	return found(t, size, escape ? "the seccomp filter lets %d calls used in escapes through: %s"
				     : "the seccomp filter lets %d other calls of note through: %s", n, list);
}

static enum fstate r_seccomp_gaps(const struct fctx *c, char *t, size_t size)
{
	return filter_past(c, t, size, true);
}

static enum fstate r_seccomp_surface(const struct fctx *c, char *t, size_t size)
{
	return filter_past(c, t, size, false);
}

/* Stopped natively, allowed through another ABI: the filter ignores the arch. */
static enum fstate r_seccomp_arch(const struct fctx *c, char *t, size_t size)
{
	const char *mode = ov(c, "seccomp.mode");
	char list[1024];
	size_t len = 0;
	int seen = 0;

	if (is(mode, "disabled"))
		return F_CLEAR;
	list[0] = 0;
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		char key[96];
		const struct rec *nat;

		snprintf(key, sizeof(key), "syscall.%s.native", sp->name);
		nat = rec(c, key);
		seen += nat != NULL;
		if (!nat || strncmp(nat->cause, "seccomp", 7))
			continue;
		for (int a = BR_ABI_NATIVE + 1; a < BR_NABIS; a++) {
			snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[a]);
			if (is(ov(c, key), "allowed"))
				app(list, size, &len, "%s%s through %s", len ? ", " : "", sp->name, abis[a]);
		}
	}
	if (!mode || !seen)
		return F_UNMEASURED;
	if (!len)
		return F_CLEAR;
	return found(t, size, "the seccomp filter does not check the architecture: calls it stops natively "
		     "run through another ABI: %s", list);
}

static enum fstate r_uring(const struct fctx *c, char *t, size_t size)
{
	char list[512];
	size_t len = 0;
	int seen = 0;

	list[0] = 0;
	if (is(ov(c, "io_uring.bypass"), "yes"))
		return F_CLEAR; /* said by io-uring-bypass */
	for (size_t i = 0; i < c->in->n; i++) {
		const struct rec *x = &c->in->v[i];

		if (x->kind != 'O' || strncmp(x->key, "io_uring.", 9) || !strcmp(x->key, "io_uring.bypass"))
			continue;
		seen++;
		if (is(x->value, "allowed"))
			app(list, sizeof(list), &len, "%s%s", len ? ", " : "", x->key + 9);
	}
	if (!seen)
		return F_UNMEASURED;
	if (!len)
		return F_CLEAR;
	return found(t, size, "io_uring is available, and its operations are never seen by seccomp: %s", list);
}

static enum fstate r_root_host(const struct fctx *c, char *t, size_t size)
{
	char t2[16];
	int root = root_is_host_root(c->in, c->ref);

	if (root < 0)
		return F_UNMEASURED;
	/* Said by the critical findings already. */
	if (!root || r_root_sysctl(c, t2, sizeof(t2)) == F_FOUND || r_host_caps(c, t2, sizeof(t2)) == F_FOUND)
		return F_CLEAR;
	return found(t, size, "uid 0 inside is uid 0 on the host (uid_map %s): every host file it can see "
		     "is accessed as root, held back only by read-only mounts and other layers",
		     ov(c, "uid_map"));
}

static enum fstate ns_shared(const struct fctx *c, char *t, size_t size, const char *type,
			     const char *what)
{
	char why[512];
	const char *v = ns_state(c->in, c->ref, type, why, sizeof(why));

	if (!v)
		return F_UNMEASURED;
	if (strcmp(v, "shared"))
		return F_CLEAR;
	return found(t, size, "%s", what);
}

static enum fstate r_net(const struct fctx *c, char *t, size_t size)
{
	return ns_shared(c, t, size, "net", "shares the host's network namespace: reaches services on the "
			 "host's loopback and its abstract unix sockets");
}

static enum fstate r_mnt(const struct fctx *c, char *t, size_t size)
{
	return ns_shared(c, t, size, "mnt", "shares the host's mount namespace: sees every mount of the host");
}

static enum fstate r_ns_other(const struct fctx *c, char *t, size_t size)
{
	static const char *const types[] = {"ipc", "uts", "cgroup", "time"};
	char list[256], unknown[256], why[512];
	size_t len = 0, ulen = 0;

	list[0] = unknown[0] = 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		const char *v = ns_state(c->in, c->ref, types[i], why, sizeof(why));

		if (!v)
			app(unknown, sizeof(unknown), &ulen, "%s%s", ulen ? ", " : "", types[i]);
		else if (!strcmp(v, "shared"))
			app(list, sizeof(list), &len, "%s%s", len ? ", " : "", types[i]);
	}
	if (!len)
		return ulen ? F_UNMEASURED : F_CLEAR;
	return found(t, size, "namespaces shared with the host: %s%s%s%s", list, ulen ? " (not measured: " : "",
		     unknown, ulen ? ")" : "");
}

static enum fstate r_rawsock(const struct fctx *c, char *t, size_t size, bool host)
{
	char why[512], list[256];
	size_t len = 0;
	const char *net = ns_state(c->in, c->ref, "net", why, sizeof(why));
	const char *p = ov(c, "rawsock.packet"), *i = ov(c, "rawsock.inet");

	list[0] = 0;
	if (is(p, "allowed") || is(ov(c, "rawsock.packet.ia32"), "allowed"))
		app(list, sizeof(list), &len, "AF_PACKET");
	if (is(i, "allowed") || is(ov(c, "rawsock.inet.ia32"), "allowed"))
		app(list, sizeof(list), &len, "%sAF_INET/SOCK_RAW", len ? ", " : "");
	if (!p && !i)
		return F_UNMEASURED;
	if (!len || (net && !strcmp(net, "shared") != host))
		return F_CLEAR;
	if (!net)
		return F_UNMEASURED;
	return found(t, size, host ? "can open raw sockets on the host's network (sniff and spoof its traffic): %s"
				   : "can open raw sockets in its own network namespace: %s", list);
}

static enum fstate r_rawsock_host(const struct fctx *c, char *t, size_t size)
{
	return r_rawsock(c, t, size, true);
}

static enum fstate r_rawsock_own(const struct fctx *c, char *t, size_t size)
{
	return r_rawsock(c, t, size, false);
}

int socket_class(const char *path)
{
	static const char *const daemons[] = {"docker.sock", "containerd.sock", "podman.sock", "crio.sock",
					      "buildkitd.sock", "kubelet.sock", NULL};
	static const char *const session[] = {"/run/user/", "/.X11-unix/", "ssh-", "agent", "/bus", NULL};

	for (const char *const *d = daemons; *d; d++)
		if (strstr(path, *d))
			return 0;
	for (const char *const *d = session; *d; d++)
		if (strstr(path, *d))
			return 1;
	return 2;
}

static enum fstate sockets(const struct fctx *c, char *t, size_t size, int class)
{
	static const char *const titles[] = {
		"a container daemon's socket accepts connections (who drives the daemon drives the host): %s",
		"sockets of a user's session accept connections (its bus, display or agents act for the user): %s",
		("other unix sockets of the host accept connections (each daemon acts on a connection "
		 "with its own privileges): %s"),
	};
	char list[2048];
	size_t len = 0;
	int seen = 0;

	list[0] = 0;
	for (size_t i = 0; i < c->in->n; i++) {
		const struct rec *x = &c->in->v[i];

		if (x->kind != 'O' || strncmp(x->key, "socket.", 7) || is(x->value, "untested"))
			continue;
		seen++;
		if (is(x->value, "allowed") && socket_class(x->key + 7) == class)
			app(list, sizeof(list), &len, "%s%s", len ? ", " : "", x->key + 7);
	}
	if (!seen)
		return F_UNMEASURED;
	if (!len)
		return F_CLEAR;
	return found(t, size, titles[class], list);
}

static enum fstate r_socket_daemon(const struct fctx *c, char *t, size_t size)
{
	return sockets(c, t, size, 0);
}

static enum fstate r_socket_session(const struct fctx *c, char *t, size_t size)
{
	return sockets(c, t, size, 1);
}

static enum fstate r_socket_other(const struct fctx *c, char *t, size_t size)
{
	return sockets(c, t, size, 2);
}

/* fs.write.<path> records: 0 system directories, 1 scratch places, 2 the rest. */
static int place_class(const char *path)
{
	static const char *const sys[] = {"/", "/etc", "/usr", "/root", "/run", NULL};
	static const char *const scratch[] = {"/tmp", "/var/tmp", "/dev/shm", NULL};

	for (const char *const *s = sys; *s; s++)
		if (!strcmp(path, *s))
			return 0;
	for (const char *const *s = scratch; *s; s++)
		if (!strcmp(path, *s))
			return 1;
	return 2;
}

static enum fstate writable(const struct fctx *c, char *t, size_t size, int class)
{
	char list[2048];
	size_t len = 0;
	int seen = 0;

	list[0] = 0;
	for (size_t i = 0; i < c->in->n; i++) {
		const struct rec *x = &c->in->v[i];

		if (x->kind != 'O' || strncmp(x->key, "fs.write.", 9))
			continue;
		seen++;
		if (is(x->value, "allowed") && place_class(x->key + 9) == class)
			app(list, sizeof(list), &len, "%s%s", len ? ", " : "", x->key + 9);
	}
	if (!seen)
		return F_UNMEASURED;
	if (!len)
		return F_CLEAR;
	return found(t, size, class == 0 ? "can create files in system directories: %s"
			      : class == 1 ? "can create files in scratch places: %s"
					   : "can create files in other places probed (home, working directory, "
					     "claimed paths): %s", list);
}

static enum fstate r_write_sys(const struct fctx *c, char *t, size_t size)
{
	return writable(c, t, size, 0);
}

static enum fstate r_write_scratch(const struct fctx *c, char *t, size_t size)
{
	return writable(c, t, size, 1);
}

static enum fstate r_write_other(const struct fctx *c, char *t, size_t size)
{
	return writable(c, t, size, 2);
}

/* Landlock is on, but rights the kernel has are left unhandled. */
static enum fstate r_landlock_partial(const struct fctx *c, char *t, size_t size)
{
	char list[512];
	size_t len = 0;
	int seen = 0;

	if (is(ov(c, "landlock"), "none"))
		return F_CLEAR; /* said by landlock-none */
	list[0] = 0;
	for (size_t i = 0; i < c->in->n; i++) {
		const struct rec *x = &c->in->v[i];

		if (x->kind != 'O' || strncmp(x->key, "landlock.right.", 15) || is(x->value, "untested"))
			continue;
		seen++;
		if (is(x->value, "allowed"))
			app(list, sizeof(list), &len, "%s%s", len ? ", " : "", x->key + 15);
	}
	if (!ov(c, "landlock") || !seen)
		return F_UNMEASURED;
	if (!len)
		return F_CLEAR;
	return found(t, size, "the Landlock domain leaves rights of this kernel unhandled: %s", list);
}

/* ---- mandatory access control (read by runners/assess_mac.c) ---- */

static enum fstate mac_rule(const struct fctx *c, char *t, size_t size, enum mac_state want)
{
	struct mac_view m;
	char s[1600];

	mac_view(c->in, c->ref, &m);
	if (m.state == MAC_UNKNOWN)
		return F_UNMEASURED;
	if (m.state != want)
		return F_CLEAR;
	mac_sentence(&m, s, sizeof(s));
	if (want != MAC_CONFINED || !m.compared)
		return found(t, size, "%s", s);
	return found(t, size, "%s (%s)", s, m.same_as_outside ? "the same label as outside: the "
		     "launcher's own confinement, not one the sandbox adds" : m.outside);
}

static enum fstate r_mac_none(const struct fctx *c, char *t, size_t size)
{
	return mac_rule(c, t, size, MAC_NONE);
}

static enum fstate r_mac_logging(const struct fctx *c, char *t, size_t size)
{
	return mac_rule(c, t, size, MAC_LOGGING);
}

static enum fstate r_mac_confined(const struct fctx *c, char *t, size_t size)
{
	return mac_rule(c, t, size, MAC_CONFINED);
}

/* Classic ptrace rules (Yama off or absent) over the host's pid namespace. */
static enum fstate r_ptrace_scope(const struct fctx *c, char *t, size_t size)
{
	struct mac_view m;
	char why[512];
	const char *pid = ns_state(c->in, c->ref, "pid", why, sizeof(why));
	const char *pt = ov(c, "syscall.ptrace.native");

	mac_view(c->in, c->ref, &m);
	if ((m.yama && strcmp(m.yama, "0") && strcmp(m.yama, "absent") && strcmp(m.yama, "unknown")) ||
	    is(pid, "isolated") || (pt && !is(pt, "allowed")))
		return F_CLEAR;
	if (!m.yama || !strcmp(m.yama, "unknown") || !pid || !pt)
		return F_UNMEASURED;
	return found(t, size, "%s, in the host's pid namespace, and ptrace(2) gets past seccomp: it may "
		     "attach to every host process of its uid (read its memory, run code as it)",
		     !strcmp(m.yama, "absent") ? "Yama is not active" : "Yama's ptrace_scope is 0");
}

#define FIX_ROOTMAP "map uid 0 inside to an unprivileged host uid (a user namespace whose uid_map does " \
		    "not map 0 to 0)"

const struct finding_rule finding_rules[] = {
	{"host-root-sysctl", SEV_CRITICAL, Q_NS_MAP, "host root and global kernel settings under /proc/sys",
	 "uid 0 inside maps to host uid 0 and a global file under /proc/sys (not of its own namespaces) opens for writing",
	 "uid uid_map procsys.global",
	 FIX_ROOTMAP ", and mount /proc/sys read-only (bwrap: --ro-bind /proc/sys /proc/sys; runc and "
	 "firejail do this by default)", r_root_sysctl, NULL, NULL, "identity procsys"},
	{"host-root-caps", SEV_CRITICAL, Q_CAPS_RETAINED, "capabilities held over the host",
	 "the user namespace is the host's and the effective set holds a cap that reaches past namespaces (dac_override, dac_read_search, fowner, setuid, net_admin, sys_module, sys_rawio, sys_ptrace, sys_admin, sys_boot, bpf)",
	 "uid ns.user caps.effective",
	 "drop every capability (bwrap --cap-drop ALL, firejail --caps.drop=all) and run in a user "
	 "namespace of its own", r_host_caps, NULL, NULL, "identity creds"},
	{"fhandle-open", SEV_CRITICAL, Q_SC_SYSCALLS, "open_by_handle_at of host files",
	 "open_by_handle_at of a handle made inside, made outside, or guessed opens the file", "fhandle.*",
	 "deny open_by_handle_at in seccomp and drop CAP_DAC_READ_SEARCH", NULL,
	 "fhandle.*=allowed",
	 "files can be opened by handle past the mount tree (open_by_handle_at, the shocker escape); handles that opened (self: made inside, outside: made by assess, guess: inode 2): %s", "fhandle"},
	{"daemon-socket", SEV_CRITICAL, Q_BR_DAEMON, "container daemon sockets",
	 "the socket of docker, containerd, podman, cri-o, buildkit or the kubelet accepts a connection",
	 "socket.*", "do not mount the daemon's socket into the sandbox: a root of its own (tmpfs) "
	 "without /run", r_socket_daemon, NULL, NULL, "sockets"},
	{"session-socket", SEV_HIGH, Q_BR_SESSIONS, "a user's session sockets",
	 "a socket of a user's session (/run/user/UID/..., X11, ssh or gpg agents) accepts a connection",
	 "socket.*", "hide /run/user, /tmp/.X11-unix and agent sockets from the sandbox; a network "
	 "namespace of its own for abstract ones", r_socket_session, NULL, NULL, "sockets"},
	{"host-socket", SEV_HIGH, Q_BR_MAC, "other host unix sockets",
	 "any other unix socket listening on the host (pathname or abstract) accepts a connection",
	 "socket.*", "a root and a network namespace of its own, binding in only the sockets the "
	 "program needs", r_socket_other, NULL, NULL, "sockets"},
	{"host-pids", SEV_HIGH, Q_BR_PIDS, "the host's process table",
	 "the pid namespace is the host's, or /proc belongs to another pid namespace", "ns.pid pid.levels proc.pidns proc.pids",
	 "a pid namespace of its own with a /proc mounted for it (bwrap --unshare-pid --proc /proc)",
	 r_host_pids, NULL, NULL, "identity"},
	{"seccomp-none", SEV_HIGH, Q_SC_POLICY, "a seccomp filter",
	 "no seccomp filter is loaded", "seccomp.mode syscall.*",
	 "load a seccomp filter, best an allow-list with an architecture check", r_seccomp_none, NULL, NULL, "creds syscalls"},
	{"seccomp-gaps", SEV_HIGH, Q_SC_SYSCALLS, "escape calls past the seccomp filter",
	 "a filter is loaded and a call used in escapes gets past it on some ABI", "seccomp.mode syscall.*",
	 "deny these calls in the filter, on every ABI", r_seccomp_gaps, NULL, NULL, "creds syscalls"},
	{"seccomp-arch", SEV_HIGH, Q_SC_POLICY, "the seccomp filter's architecture check",
	 "a call the filter stops natively runs through x32 or ia32",
	 "seccomp.mode abi.x32 abi.ia32 syscall.*",
	 "check seccomp_data.arch first and kill on any other architecture and on x32 numbers",
	 r_seccomp_arch, NULL, NULL, "creds syscalls"},
	{"io-uring-bypass", SEV_HIGH, Q_SC_SYSCALLS, "opens through io_uring past seccomp",
	 "openat(2) is stopped but IORING_OP_OPENAT opens",
	 "io_uring.openat io_uring.bypass", "deny io_uring_setup, io_uring_enter and io_uring_register",
	 NULL,
	 "io_uring.bypass=yes",
	 "openat(2) is stopped, but files open through io_uring (IORING_OP_OPENAT), which seccomp never sees", "io_uring"},
	{"tiocsti", SEV_HIGH, Q_BR_SESSIONS, "keystrokes into the user's terminal (TIOCSTI)",
	 "TIOCSTI on the terminal gets past the kernel's checks", "tiocsti",
	 "start the sandbox in a new session (setsid; bwrap --new-session), or set dev.tty.legacy_tiocsti=0",
	 NULL,
	 "tiocsti=allowed",
	 "can push keystrokes into the terminal it shares with the user (TIOCSTI): commands run in the user's shell after the sandbox exits", "tiocsti"},
	{"host-caps", SEV_HIGH, Q_CAPS_RETAINED, "capabilities held over the host",
	 "the user namespace is the host's and the effective set holds only other caps", "ns.user caps.effective",
	 "drop every capability the process does not need, and run in a user namespace of its own",
	 r_host_caps_other, NULL, NULL, "identity creds"},
	{"global-sysctl", SEV_HIGH, Q_BR_MAC, "global kernel settings under /proc/sys",
	 "a global file under /proc/sys opens for writing while uid 0 is not host root",
	 "uid uid_map procsys.global", "mount /proc/sys read-only", r_global_sysctl, NULL, NULL, "identity procsys"},
	{"system-writable", SEV_HIGH, Q_LL_USED, "writes to system directories",
	 "a file can be created in /, /etc, /usr, /root or /run", "fs.write.*",
	 "bind system directories read-only, or restrict writes with Landlock", r_write_sys, NULL, NULL, "fs"},
	{"raw-sockets-host", SEV_HIGH, Q_CAPS_RETAINED, "raw sockets on the host's network",
	 "AF_PACKET or AF_INET raw sockets open in the host's network namespace",
	 "ns.net rawsock.packet rawsock.inet", "drop CAP_NET_RAW and use a network namespace of its own",
	 r_rawsock_host, NULL, NULL, "identity crossings"},
	{"root-is-host-root", SEV_MEDIUM, Q_NS_MAP, "the uid map",
	 "uid 0 inside is host uid 0 (when no critical finding says so already)", "uid uid_map", FIX_ROOTMAP, r_root_host, NULL, NULL, "identity"},
	{"userns-create", SEV_MEDIUM, Q_NS_CAPS, "creating user namespaces",
	 "unshare(CLONE_NEWUSER) works, on any ABI", "unshare.user unshare.user.ia32",
	 "deny unshare and clone with CLONE_NEWUSER in seccomp, or set user.max_user_namespaces=0 inside",
	 NULL,
	 "unshare.user*=allowed",
	 "can create new user namespaces, which opens kernel code meant for root (a common first step of kernel exploits)", "crossings"},
	{"io-uring", SEV_MEDIUM, Q_SC_SYSCALLS, "io_uring",
	 "an io_uring operation (OPENAT, OPENAT2, SOCKET, CONNECT, ACCEPT, SEND, RECV) runs through a ring",
	 "io_uring.*",
	 "deny io_uring_setup, io_uring_enter and io_uring_register", r_uring, NULL, NULL, "io_uring"},
	{"net-shared", SEV_MEDIUM, Q_NS_WHICH, "the network namespace",
	 "the network namespace is the host's", "ns.net",
	 "a network namespace of its own (bwrap --unshare-net)", r_net, NULL, NULL, "identity"},
	{"mnt-shared", SEV_MEDIUM, Q_NS_WHICH, "the mount namespace",
	 "the mount namespace is the host's", "ns.mnt",
	 "a mount namespace of its own with a root of its own", r_mnt, NULL, NULL, "identity"},
	{"nnp-off", SEV_MEDIUM, Q_CAPS_RETAINED, "no_new_privs",
	 "no_new_privs is off", "nnp",
	 "set no_new_privs (prctl PR_SET_NO_NEW_PRIVS; firejail --nonewprivs)", NULL,
	 "nnp=off",
	 "no_new_privs is off: setuid and file-capability programs it can run raise its privileges", "creds"},
	{"setgroups", SEV_MEDIUM, Q_NS_MAP, "setgroups(2)",
	 "setgroups(2) to the current group list is allowed", "setgroups.same proc.setgroups groups gid_map",
	 "write deny to /proc/self/setgroups before the gid_map (bwrap and unshare do), or drop CAP_SETGID",
	 NULL, "setgroups.same=allowed",
	 "can change its supplementary groups (setgroups allowed): a deny ACL on one of them no longer holds", "identity"},
	{"seccomp-trap", SEV_LOW, Q_SC_POLICY, "the seccomp filter's default action",
	 "the filter's default action is TRAP", "seccomp.default",
	 "kill (or return an errno) by default: a SIGSYS handler catches a TRAP and carries on",
	 NULL, "seccomp.default=trap",
	 "the seccomp filter's default action is TRAP: a SIGSYS handler in the process catches it and carries on", "seccomp.default"},
	{"ns-shared", SEV_LOW, Q_NS_WHICH, "the ipc, uts, cgroup and time namespaces",
	 "any of these namespaces is the host's",
	 "ns.ipc ns.uts ns.cgroup ns.time", "namespaces of its own for these too", r_ns_other, NULL, NULL, "identity"},
	{"seccomp-surface", SEV_LOW, Q_SC_SYSCALLS, "other calls of note past the seccomp filter",
	 "a filter is loaded and socket, socketcall, clone3, personality, seccomp or name_to_handle_at get past it",
	 "seccomp.mode syscall.*", "deny the calls the sandboxed program does not need", r_seccomp_surface, NULL, NULL, "creds syscalls"},
	{"caps-in-userns", SEV_LOW, Q_NS_CAPS, "capabilities inside its own user namespace",
	 "capabilities in effect, over a user namespace of its own",
	 "ns.user caps.effective", "drop the capabilities inside too (bwrap --cap-drop ALL)", r_userns_caps, NULL, NULL, "identity creds"},
	{"raw-sockets", SEV_LOW, Q_CAPS_RETAINED, "raw sockets",
	 "raw sockets open in a network namespace of its own", "ns.net rawsock.packet rawsock.inet",
	 "drop CAP_NET_RAW", r_rawsock_own, NULL, NULL, "identity crossings"},
	{"landlock-none", SEV_LOW, Q_LL_USED, "a Landlock domain",
	 "no access that access(2) allows was refused with EACCES", "landlock fs.read.* fs.write.*",
	 "restrict the file system with Landlock (blastradius sandbox: landlock = required)", NULL,
	 "landlock=none",
	 "no Landlock domain: file access is limited only by permissions and mounts", "fs"},
	{"landlock-partial", SEV_LOW, Q_LL_USED, "the rights the Landlock domain handles",
	 "Landlock is enforced, but an operation of a right the kernel has (truncate, ioctl_dev, "
	 "bind_tcp, connect_tcp, signal, abstract_unix_socket) still works", "landlock landlock.right.*",
	 "handle every right of the running ABI (blastradius sandbox: landlock.handle = all, "
	 "landlock.scope = all)", r_landlock_partial, NULL, NULL, "fs landlock"},
	{"mac-none", SEV_LOW, Q_BR_MAC, "a MAC policy (AppArmor, SELinux, Smack)",
	 "no AppArmor profile, SELinux domain or Smack label confines the process (AppArmor absent or unconfined, SELinux disabled or in an unconfined domain)",
	 "mac.lsm mac.apparmor mac.selinux mac.label.*",
	 "confine the agent with a MAC policy of its own: an AppArmor profile in enforce mode, or a "
	 "confined SELinux domain", r_mac_none, NULL, NULL, "mac"},
	{"mac-logging", SEV_LOW, Q_BR_MAC, "a MAC policy that only logs",
	 "the only MAC policy on the process logs and allows: an AppArmor profile in complain mode, or SELinux permissive",
	 "mac.apparmor mac.selinux mac.label.*",
	 "put the profile in enforce mode (aa-enforce), or SELinux in enforcing mode", r_mac_logging,
	 NULL, NULL, "mac"},
	{"ptrace-scope", SEV_LOW, Q_BR_PIDS, "ptrace of the host's processes",
	 "Yama's ptrace_scope is 0 (or Yama is not active), the pid namespace is the host's and ptrace(2) gets past seccomp",
	 "mac.yama ns.pid syscall.ptrace.native",
	 "a pid namespace of its own, or kernel.yama.ptrace_scope = 1 or more", r_ptrace_scope, NULL,
	 NULL, "mac identity syscalls"},
	{"own-sysctl", SEV_INFO, Q_BR_MAC, "the sandbox's own settings under /proc/sys",
	 "files under /proc/sys of the sandbox's own namespaces (net.*, kernel.shm*, fs.mqueue.*, ...) open for writing", "procsys.own",
	 "mount /proc/sys read-only if they need not change", r_own_sysctl, NULL, NULL, "procsys"},
	{"scratch-writable", SEV_INFO, Q_LL_USED, "writes to scratch places",
	 "a file can be created in /tmp, /var/tmp or /dev/shm", "fs.write.*",
	 "a private tmpfs for each (bwrap --tmpfs /tmp)", r_write_scratch, NULL, NULL, "fs"},
	{"other-writable", SEV_INFO, Q_LL_USED, "writes to other places probed",
	 "a file can be created in another probed place ($HOME, the working directory, claimed paths)", "fs.write.*",
	 "allow writes only where the sandboxed program must write", r_write_other, NULL, NULL, "fs"},
	{"mac-confined", SEV_INFO, Q_BR_MAC, "the MAC policy that confines the process",
	 "an AppArmor profile in enforce (or kill) mode, a confined SELinux domain (enforcing) or a Smack label confines the process; compared with the outside's label",
	 "mac.lsm mac.apparmor mac.selinux mac.label.*",
	 "nothing to close: the profile's rules decide what it denies, review them", r_mac_confined,
	 NULL, NULL, "mac"},
	{0},
};

/* A rule with no eval: match is KEY=VALUE (found when the record has that
 * value) or PREFIX*=VALUE (found when any record whose key starts so has;
 * title gets their key tails for %s). A missing record is not measured. */
static enum fstate simple(const struct finding_rule *r, const struct fctx *c, char *t, size_t size)
{
	const char *eq = strchr(r->match, '=');
	char key[128], list[2048];
	size_t kl = (size_t)(eq - r->match);

	snprintf(key, sizeof(key), "%.*s", (int)kl, r->match);
	if (kl > 1 && key[kl - 1] == '*') {
		size_t len = 0;
		int seen = 0;

		list[0] = 0;
		for (size_t i = 0; i < c->in->n; i++) {
			const struct rec *x = &c->in->v[i];

			if (x->kind != 'O' || strncmp(x->key, key, kl - 1) || !strcmp(x->value, "untested"))
				continue;
			seen++;
			if (!strcmp(x->value, eq + 1))
				app(list, sizeof(list), &len, "%s%s", len ? " " : "", x->key + kl - 1);
		}
		if (!seen)
			return F_UNMEASURED;
		if (!len)
			return F_CLEAR;
		snprintf(t, size, r->title, list);
		return F_FOUND;
	}
	if (!ov(c, key))
		return F_UNMEASURED;
	if (strcmp(ov(c, key), eq + 1))
		return F_CLEAR;
	snprintf(t, size, "%s", r->title);
	return F_FOUND;
}

static int cmp_findings(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	if (x->state == F_FOUND && x->rule->sev != y->rule->sev)
		return (int)x->rule->sev - (int)y->rule->sev;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

void findings_eval(struct findings *out, const struct recs *in, const struct recs *ref)
{
	struct fctx c = {in, ref};
	char gap[1024];

	memset(out, 0, sizeof(*out));
	for (const struct finding_rule *r = finding_rules; r->id && out->n < 64; r++) {
		struct finding *f = &out->v[out->n++];

		f->rule = r;
		f->state = r->eval ? r->eval(&c, f->title, sizeof(f->title))
				   : simple(r, &c, f->title, sizeof(f->title));
		/* Clear needs every section it reads to have run to its end. */
		if (f->state == F_CLEAR && section_gap(in, r->sections, gap, sizeof(gap)))
			f->state = F_UNMEASURED;
		if (f->state != F_FOUND)
			f->title[0] = 0;
		else
			out->count[r->sev]++;
	}
	qsort(out->v, out->n, sizeof(out->v[0]), cmp_findings);
}

void finding_evidence(const struct finding *f, const struct recs *in, char *buf, size_t size)
{
	char *keys = strdup(f->rule->keys), *save = NULL;
	size_t len = 0;

	buf[0] = 0;
	for (char *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		size_t kl = strlen(k);

		if (kl > 2 && !strcmp(k + kl - 2, ".*")) {
			int n = 0, open = 0;

			for (size_t i = 0; i < in->n; i++)
				if (in->v[i].kind == 'O' && !strncmp(in->v[i].key, k, kl - 1)) {
					n++;
					open += !strcmp(in->v[i].value, "allowed");
				}
			if (n)
				app(buf, size, &len, "%s%s: %d records, %d allowed", len ? "; " : "", k, n, open);
			continue;
		}
		const struct rec *x = recs_get(in, 'O', k);

		if (x)
			app(buf, size, &len, "%s%s=%s", len ? "; " : "", k, x->value);
	}
	free(keys);
}

void findings_ktap(FILE *f, const struct findings *fs)
{
	bool any_unmeasured = false;

	fprintf(f, "# Findings, worst first: %u critical, %u high, %u medium, %u low, %u info\n",
		fs->count[SEV_CRITICAL], fs->count[SEV_HIGH], fs->count[SEV_MEDIUM], fs->count[SEV_LOW],
		fs->count[SEV_INFO]);
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *x = &fs->v[i];

		if (x->state == F_FOUND)
			fprintf(f, "# finding %s %s: %s\n#   close it: %s\n", sev_name(x->rule->sev), x->rule->id,
				x->title, x->rule->fix);
		any_unmeasured |= x->state == F_UNMEASURED;
	}
	if (!any_unmeasured)
		return;
	fprintf(f, "# Not measured (no finding can be drawn):");
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].state == F_UNMEASURED)
			fprintf(f, " %s;", fs->v[i].rule->id);
	fputc('\n', f);
}

const struct finding *findings_at_or_above(const struct findings *fs, enum fsev at)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].state == F_FOUND && fs->v[i].rule->sev <= at)
			return &fs->v[i];
	return NULL;
}

void findings_markdown(FILE *f)
{
	fprintf(f, "| id | severity | found when | evidence | answers | close it |\n"
		   "| --- | --- | --- | --- | --- | --- |\n");
	for (const struct finding_rule *r = finding_rules; r->id; r++)
		fprintf(f, "| `%s` | %s | %s | `%s` | %s: %s | %s |\n", r->id, sev_name(r->sev), r->when, r->keys,
			br_area_id(qitems[r->item].area), qitems[r->item].text, r->fix);
}
