/* seccomp filters: profiles through libseccomp, raw BPF and its text form. */
#include "seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

#define X32_SYSCALL_BIT 0x40000000u

const struct br_seccomp_action br_seccomp_actions[] = {
	{"kill_process", SECCOMP_RET_KILL_PROCESS},
	{"kill_thread", SECCOMP_RET_KILL_THREAD},
	{"trap", SECCOMP_RET_TRAP},
	{"errno", SECCOMP_RET_ERRNO},
	{"user_notif", SECCOMP_RET_USER_NOTIF},
	{"trace", SECCOMP_RET_TRACE},
	{"log", SECCOMP_RET_LOG},
	{"allow", SECCOMP_RET_ALLOW},
	{0},
};

int br_seccomp_action_avail(uint32_t action)
{
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) ? -errno : 0;
}

long br_seccomp_load(const struct sock_filter *prog, size_t len, unsigned flags)
{
	struct sock_fprog fp = {.len = (unsigned short)len, .filter = (struct sock_filter *)prog};
	long r;

	if (len > 0xffff)
		return -EINVAL;
	if ((flags & BR_SECCOMP_NNP) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	flags &= ~BR_SECCOMP_NNP;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
	return r < 0 ? -errno : r;
}

/* ---- BPF text ---- */

static const struct {
	const char *name;
	uint32_t off;
} loads[] = {
	{"nr", 0},        {"arch", 4},      {"ip", 8},        {"ip_hi", 12},
	{"arg0", 16},     {"arg0_hi", 20},  {"arg1", 24},     {"arg1_hi", 28},
	{"arg2", 32},     {"arg2_hi", 36},  {"arg3", 40},     {"arg3_hi", 44},
	{"arg4", 48},     {"arg4_hi", 52},  {"arg5", 56},     {"arg5_hi", 60},
};

static const struct {
	const char *name;
	uint16_t op;
} jumps[] = {
	{"jeq", BPF_JEQ}, {"jgt", BPF_JGT}, {"jge", BPF_JGE}, {"jset", BPF_JSET},
};

static const struct {
	const char *name;
	uint32_t action;
	bool data;
} rets[] = {
	{"KILL_PROCESS", SECCOMP_RET_KILL_PROCESS, false},
	{"KILL_THREAD", SECCOMP_RET_KILL_THREAD, false},
	{"TRAP", SECCOMP_RET_TRAP, true},
	{"ERRNO", SECCOMP_RET_ERRNO, true},
	{"USER_NOTIF", SECCOMP_RET_USER_NOTIF, false},
	{"TRACE", SECCOMP_RET_TRACE, true},
	{"LOG", SECCOMP_RET_LOG, false},
	{"ALLOW", SECCOMP_RET_ALLOW, false},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_num(const char *s, uint32_t *v)
{
	char *end;
	long long n;

	if (!*s)
		return false;
	errno = 0;
	n = strtoll(s, &end, 0);
	if (errno || *end || n < -2147483648LL || n > 0xffffffffLL)
		return false;
	*v = (uint32_t)n;
	return true;
}

static bool parse_k(const char *s, uint32_t *v)
{
	int nr;

	if (parse_num(s, v))
		return true;
	if (!strcmp(s, "AUDIT_ARCH_X86_64"))
		return *v = AUDIT_ARCH_X86_64, true;
	if (!strcmp(s, "AUDIT_ARCH_I386"))
		return *v = AUDIT_ARCH_I386, true;
	if (!strcmp(s, "X32_SYSCALL_BIT"))
		return *v = X32_SYSCALL_BIT, true;
	if (!strncmp(s, "i386:", 5))
		nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, s + 5);
	else
		nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, s);
	if (nr < 0)
		return false;
	*v = (uint32_t)nr;
	return true;
}

static bool parse_ret(const char *s, uint32_t *v)
{
	for (size_t i = 0; i < ARRAY_LEN(rets); i++) {
		size_t n = strlen(rets[i].name);
		uint32_t data = 0;

		if (strncmp(s, rets[i].name, n))
			continue;
		if (!s[n]) {
			*v = rets[i].action;
			return true;
		}
		if (rets[i].data && s[n] == '(' && s[strlen(s) - 1] == ')') {
			char buf[32];
			size_t dl = strlen(s) - n - 2;

			if (dl >= sizeof(buf))
				return false;
			memcpy(buf, s + n + 1, dl);
			buf[dl] = 0;
			if (!parse_num(buf, &data) || data > SECCOMP_RET_DATA)
				return false;
			*v = rets[i].action | data;
			return true;
		}
	}
	return parse_num(s, v);
}

static int parse_line(char **tok, int ntok, struct sock_filter *ins, const char **why)
{
	uint32_t k, jt, jf;

	if (!strcmp(tok[0], "ld")) {
		if (ntok != 2)
			return *why = "usage: ld nr|arch|ip|ip_hi|argN|argN_hi", -1;
		for (size_t i = 0; i < ARRAY_LEN(loads); i++)
			if (!strcmp(tok[1], loads[i].name)) {
				*ins = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, loads[i].off);
				return 0;
			}
		return *why = "unknown field to load", -1;
	}
	if (!strcmp(tok[0], "ret")) {
		if (ntok != 2 || !parse_ret(tok[1], &k))
			return *why = "usage: ret ACTION (KILL_PROCESS, ERRNO(n), ALLOW, ... or a number)", -1;
		*ins = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, k);
		return 0;
	}
	if (!strcmp(tok[0], "and")) { /* libseccomp's masked argument compares */
		if (ntok != 2 || !parse_num(tok[1], &k))
			return *why = "usage: and K", -1;
		*ins = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, k);
		return 0;
	}
	if (!strcmp(tok[0], "ja")) {
		if (ntok != 2 || !parse_num(tok[1], &k))
			return *why = "usage: ja N", -1;
		*ins = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, k);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(jumps); i++) {
		if (strcmp(tok[0], jumps[i].name))
			continue;
		if (ntok != 4)
			return *why = "usage: jeq|jgt|jge|jset K JT JF", -1;
		if (!parse_k(tok[1], &k))
			return *why = "K must be a number, an AUDIT_ARCH_ name, X32_SYSCALL_BIT or a syscall name", -1;
		if (!parse_num(tok[2], &jt) || !parse_num(tok[3], &jf) || jt > 255 || jf > 255)
			return *why = "JT and JF must be 0..255", -1;
		*ins = (struct sock_filter)BPF_JUMP(BPF_JMP | jumps[i].op | BPF_K, k, jt, jf);
		return 0;
	}
	return *why = "unknown instruction (ld, and, jeq, jgt, jge, jset, ja, ret)", -1;
}

/* Every jump must land inside the program; the kernel would say EINVAL. */
static int check_jumps(const struct sock_filter *p, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n; i++) {
		size_t far;

		if (BPF_CLASS(p[i].code) != BPF_JMP)
			continue;
		far = BPF_OP(p[i].code) == BPF_JA ? p[i].k
						   : (p[i].jt > p[i].jf ? p[i].jt : p[i].jf);
		if (i + 1 + far >= n) {
			*bad = i;
			return -1;
		}
	}
	return 0;
}

int br_bpf_parse(const char *text, const char *name, struct sock_filter **prog, size_t *len,
		 char *err, size_t errsize)
{
	char *copy = strdup(text), *save = NULL;
	size_t n = 0, cap = 0, *lines = NULL;
	struct sock_filter *p = NULL;
	int lineno = 0, ret = 0;
	size_t bad;

	if (!copy)
		return -ENOMEM;
	for (char *line = copy, *next; line; line = next) {
		char *tok[8];
		int ntok = 0;
		const char *why = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (strchr(line, '#'))
			*strchr(line, '#') = 0;
		for (char *t = strtok_r(line, " \t,\r", &save); t && ntok < 8;
		     t = strtok_r(NULL, " \t,\r", &save))
			tok[ntok++] = t;
		if (!ntok)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(p, cap * sizeof(*p));
			lines = realloc(lines, cap * sizeof(*lines));
			if (!p || !lines) {
				ret = -ENOMEM;
				break;
			}
		}
		if (parse_line(tok, ntok, &p[n], &why)) {
			snprintf(err, errsize, "%s:%d: %s", name, lineno, why);
			ret = -EINVAL;
			break;
		}
		lines[n++] = (size_t)lineno;
	}
	if (!ret && !n) {
		snprintf(err, errsize, "%s:%d: empty program", name, lineno);
		ret = -EINVAL;
	}
	if (!ret && check_jumps(p, n, &bad)) {
		snprintf(err, errsize, "%s:%zu: jump past the end of the program", name, lines[bad]);
		ret = -EINVAL;
	}
	free(copy);
	free(lines);
	if (ret) {
		free(p);
		return ret;
	}
	*prog = p;
	*len = n;
	return 0;
}

int br_bpf_parse_file(const char *path, struct sock_filter **prog, size_t *len, char *err,
		      size_t errsize)
{
	char *text = br_read_text(path, BR_MAX_TEXT, err, errsize);
	int ret;

	if (!text)
		return -errno;
	ret = br_bpf_parse(text, path, prog, len, err, errsize);
	free(text);
	return ret;
}

long br_seccomp_load_text(const char *text, unsigned flags)
{
	struct sock_filter *prog;
	size_t len;
	char err[256];
	long ret = br_bpf_parse(text, "bpf", &prog, &len, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s\n", err);
		return ret;
	}
	ret = br_seccomp_load(prog, len, flags);
	free(prog);
	return ret;
}

static const char *k_name(uint32_t k, uint32_t loaded, char *buf, size_t size)
{
	const char *sys = NULL;

	if (loaded == 4 && k == AUDIT_ARCH_X86_64)
		return "AUDIT_ARCH_X86_64";
	if (loaded == 4 && k == AUDIT_ARCH_I386)
		return "AUDIT_ARCH_I386";
	if (loaded == 0 && k == X32_SYSCALL_BIT)
		return "X32_SYSCALL_BIT";
	if (loaded == 0 && k < 1024)
		sys = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)k);
	if (sys) {
		snprintf(buf, size, "%s", sys);
		free((void *)sys);
	} else {
		snprintf(buf, size, "%#x", k);
	}
	return buf;
}

static void ret_name(uint32_t k, char *buf, size_t size)
{
	uint32_t action = k & SECCOMP_RET_ACTION_FULL, data = k & SECCOMP_RET_DATA;

	for (size_t i = 0; i < ARRAY_LEN(rets); i++)
		if (rets[i].action == action) {
			if (rets[i].data)
				snprintf(buf, size, "%s(%u)", rets[i].name, data);
			else if (!data)
				snprintf(buf, size, "%s", rets[i].name);
			else
				break;
			return;
		}
	snprintf(buf, size, "%#x", k);
}

void br_bpf_print(FILE *f, const struct sock_filter *prog, size_t len)
{
	uint32_t loaded = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		const struct sock_filter *in = &prog[i];
		char text[96], kb[48];

		if (in->code == (BPF_LD | BPF_W | BPF_ABS)) {
			const char *field = NULL;

			for (size_t j = 0; j < ARRAY_LEN(loads); j++)
				if (loads[j].off == in->k)
					field = loads[j].name;
			loaded = in->k;
			if (field)
				snprintf(text, sizeof(text), "ld %s", field);
			else
				snprintf(text, sizeof(text), "# ld [%u] (not expressible)", in->k);
		} else if (in->code == (BPF_RET | BPF_K)) {
			ret_name(in->k, kb, sizeof(kb));
			snprintf(text, sizeof(text), "ret %s", kb);
		} else if (in->code == (BPF_ALU | BPF_AND | BPF_K)) {
			snprintf(text, sizeof(text), "and %#x", in->k);
		} else if (in->code == (BPF_JMP | BPF_JA)) {
			snprintf(text, sizeof(text), "ja %u", in->k);
		} else if (BPF_CLASS(in->code) == BPF_JMP && BPF_SRC(in->code) == BPF_K) {
			const char *op = NULL;

			for (size_t j = 0; j < ARRAY_LEN(jumps); j++)
				if (jumps[j].op == BPF_OP(in->code))
					op = jumps[j].name;
			snprintf(text, sizeof(text), "%s %s %u %u", op ? op : "j?",
				 k_name(in->k, loaded, kb, sizeof(kb)), in->jt, in->jf);
		} else {
			snprintf(text, sizeof(text), "# (instruction not expressible in BPF text)");
		}
		fprintf(f, "%-40s # %04zu: { 0x%02x, %3u, %3u, 0x%08x }\n", text, i, in->code, in->jt,
			in->jf, in->k);
	}
}

/* ---- profiles ---- */

static const char *const deny_escapes[] = {
	/* container-escape and kernel-attack surface (docker's default
	 * profile denies much the same) */
	"open_by_handle_at", "name_to_handle_at", "keyctl", "add_key", "request_key", "bpf",
	"perf_event_open", "userfaultfd", "ptrace", "process_vm_readv", "process_vm_writev",
	"mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree",
	"move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
	"reboot", "swapon", "swapoff", "iopl", "ioperm", "acct", "quotactl", "syslog",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"lookup_dcookie", "vhangup", "uselib", "ustat", "sysfs", "_sysctl",
	NULL,
};

static const char *const allow_minimal[] = {
	/* enough for a computation that talks over inherited fds and exits */
	"read", "write", "readv", "writev", "close", "fstat", "lseek", "brk", "mmap", "munmap",
	"mremap", "mprotect", "madvise", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"sigaltstack", "futex", "sched_yield", "nanosleep", "clock_nanosleep", "clock_gettime",
	"gettimeofday", "getpid", "gettid", "getrandom", "restart_syscall", "exit", "exit_group",
	NULL,
};

static const char *const allow_stdio[] = {
	/* allow-minimal plus reading files, pipes, polling, waiting */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "fstat", "newfstatat",
	"statx", "lseek", "openat", "getdents64", "readlink", "readlinkat", "access",
	"faccessat", "faccessat2", "fcntl", "dup", "dup2", "dup3", "pipe", "pipe2", "poll",
	"ppoll", "pselect6", "select", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "rt_sigaction",
	"rt_sigprocmask", "rt_sigreturn", "sigaltstack", "futex", "sched_yield", "nanosleep",
	"clock_nanosleep", "clock_gettime", "gettimeofday", "getpid", "getppid", "gettid",
	"getuid", "geteuid", "getgid", "getegid", "getcwd", "uname", "getrandom", "prlimit64",
	"set_robust_list", "set_tid_address", "rseq", "arch_prctl", "wait4", "kill", "tgkill",
	"restart_syscall", "exit", "exit_group",
	NULL,
};

const struct br_seccomp_profile br_seccomp_builtins[] = {
	{"deny-escapes", "deny-list: known escape and kernel-attack calls get EPERM",
	 BR_SECCOMP_DENY_LIST, deny_escapes, EPERM},
	{"allow-minimal", "allow-list: compute on inherited fds; the rest is KILL_PROCESS",
	 BR_SECCOMP_ALLOW_LIST, allow_minimal, 0},
	{"allow-stdio", "allow-list: allow-minimal plus files, pipes, polling and waiting",
	 BR_SECCOMP_ALLOW_LIST, allow_stdio, 0},
	{0},
};

const struct br_seccomp_profile *br_seccomp_builtin(const char *name)
{
	for (const struct br_seccomp_profile *p = br_seccomp_builtins; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static const char *const io_uring_calls[] = {"io_uring_setup", "io_uring_enter",
					     "io_uring_register", NULL};

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return -EINVAL;
	return seccomp_rule_add_exact(ctx, action, nr, 0);
}

bool br_seccomp_lists(const struct br_seccomp_profile *p, const char *name)
{
	for (const char *const *s = p->syscalls; *s; s++)
		if (!strcmp(*s, name))
			return true;
	return false;
}

/*
 * clone(2) creates namespaces just as unshare(2) does, so a deny-list that
 * names unshare also denies clone with any CLONE_NEW* flag (one rule per
 * flag: libseccomp has no "masked not-equal"). clone3 passes its flags in
 * memory a filter cannot read: it gets ENOSYS, so libc falls back to clone,
 * as container runtimes arrange. CLONE_NEWTIME is not a clone(2) flag (its
 * bit is the exit signal there).
 */
static int deny_clone_ns(scmp_filter_ctx ctx, uint32_t act)
{
	static const unsigned long ns_flags[] = {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS,
						 CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
						 CLONE_NEWNET};
	int ret = 0;

	for (size_t i = 0; !ret && i < ARRAY_LEN(ns_flags); i++)
		ret = seccomp_rule_add(ctx, act, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	if (!ret)
		ret = seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return ret;
}

int br_seccomp_build(const struct br_seccomp_profile *p, scmp_filter_ctx *out)
{
	bool deny = p->mode == BR_SECCOMP_DENY_LIST;
	uint32_t def = deny ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS;
	uint32_t act = !deny ? SCMP_ACT_ALLOW
			     : p->deny_errno ? SCMP_ACT_ERRNO(p->deny_errno) : SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx = seccomp_init(def);
	int ret;

	if (!ctx)
		return -ENOMEM;
	/* Native only: seccomp_init() holds just the native arch, so ia32
	 * (AUDIT_ARCH_I386) takes the bad-arch action, and libseccomp adds a
	 * nr >= X32_SYSCALL_BIT check for x86_64 that takes it too. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (const char *const *s = p->syscalls; !ret && *s; s++) {
		for (const char *const *u = io_uring_calls; !deny && *u; u++)
			if (!strcmp(*s, *u))
				ret = -EPERM;
		if (!ret)
			ret = add_rule(ctx, act, *s);
	}
	for (const char *const *u = io_uring_calls; !ret && deny && *u; u++) {
		ret = add_rule(ctx, act, *u);
		if (ret == -EEXIST) /* the profile lists it already */
			ret = 0;
	}
	if (!ret && deny && br_seccomp_lists(p, "unshare"))
		ret = deny_clone_ns(ctx, act);
	if (ret) {
		seccomp_release(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

int br_seccomp_apply(const struct br_seccomp_profile *p)
{
	scmp_filter_ctx ctx;
	int ret = br_seccomp_build(p, &ctx);

	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		ret = -errno;
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

int br_seccomp_bpf(const struct br_seccomp_profile *p, struct sock_filter **prog, size_t *len)
{
	scmp_filter_ctx ctx;
	int ret = br_seccomp_build(p, &ctx), fd;
	struct stat st;

	if (ret)
		return ret;
	/* libseccomp 2.5 exports BPF only to an fd. */
	fd = memfd_create("br-bpf", MFD_CLOEXEC);
	if (fd < 0)
		ret = -errno;
	if (!ret)
		ret = seccomp_export_bpf(ctx, fd);
	if (!ret && fstat(fd, &st))
		ret = -errno;
	if (!ret) {
		*len = (size_t)st.st_size / sizeof(**prog);
		*prog = malloc(st.st_size ? st.st_size : 1);
		if (!*prog)
			ret = -ENOMEM;
		else if (pread(fd, *prog, st.st_size, 0) != st.st_size)
			ret = -EIO;
		if (ret)
			free(*prog);
	}
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return ret;
}

int br_seccomp_pfc(const struct br_seccomp_profile *p, FILE *f)
{
	scmp_filter_ctx ctx;
	int ret = br_seccomp_build(p, &ctx);

	if (ret)
		return ret;
	fflush(f);
	ret = seccomp_export_pfc(ctx, fileno(f));
	seccomp_release(ctx);
	return ret;
}
