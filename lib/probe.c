/* Probes: forked, timed, classified crossing attempts; raw syscalls per ABI. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h" /* br_errname, br_signame, br_skip */

#define BR_PROBE_DEFAULT_MS 2000

const char *br_outcome_kind_name(enum br_outcome_kind k)
{
	switch (k) {
	case BR_ALLOWED:
		return "allowed";
	case BR_DENIED:
		return "denied";
	case BR_KILLED:
		return "killed";
	case BR_TRAPPED:
		return "trapped";
	case BR_UNSUPPORTED:
		return "unsupported";
	case BR_PROBE_ERROR:
		return "error";
	default:
		return "?";
	}
}

static const char *arch_name(unsigned arch)
{
	switch (arch) {
	case AUDIT_ARCH_X86_64:
		return "x86_64";
	case AUDIT_ARCH_I386:
		return "i386";
	default:
		return "other";
	}
}

const char *br_outcome_str(const struct br_outcome *o, char *buf, size_t size)
{
	switch (o->kind) {
	case BR_DENIED:
		snprintf(buf, size, "denied(%s)", br_errname(o->err));
		break;
	case BR_KILLED:
		snprintf(buf, size, "killed(%s)", br_signame(o->sig));
		break;
	case BR_TRAPPED:
		snprintf(buf, size, "trapped(nr=%d arch=%s)", o->trap_nr, arch_name(o->trap_arch));
		break;
	case BR_PROBE_ERROR:
		snprintf(buf, size, "error(%s)", o->detail);
		break;
	default:
		snprintf(buf, size, "%s", br_outcome_kind_name(o->kind));
	}
	return buf;
}

/* ---- the probe child ---- */

/* Shared with the child: it survives whatever kills the child. */
struct probe_shm {
	volatile unsigned gen; /* which probe owns the page now */
	volatile int done;    /* fn returned; ret is valid */
	volatile long ret;
	volatile int trapped; /* the SIGSYS handler ran */
	volatile int trap_nr, trap_errno;
	volatile unsigned trap_arch;
	volatile int broken_errno;
};

/*
 * One page per process, reused by its probes: a fresh MAP_SHARED mapping is
 * a new shmem object and a fault in the child, which under TCG cost a third
 * of a probe. A probe child drops it (a probe it runs maps its own), and
 * writes only while the page's gen is its own, so a process it left behind
 * does not write into a later probe's result.
 */
static struct probe_shm *page;
static struct probe_shm *shm; /* in a probe child: its parent's page */
static unsigned shm_gen;      /* in a probe child: its probe's gen */

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (shm->gen != shm_gen)
		syscall(SYS_exit_group, 0);
	shm->trap_nr = si->si_syscall;
	shm->trap_arch = si->si_arch;
	shm->trap_errno = si->si_errno;
	shm->trapped = 1;
	/* If the filter traps exit_group too, SIGSYS is blocked here, so the
	 * kernel forces the default action: the parent still sees "trapped". */
	syscall(SYS_exit_group, 0);
}

static _Noreturn void probe_child(br_probe_fn fn, void *arg)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	long ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	errno = 0;
	ret = fn(arg);
	if (shm->gen != shm_gen)
		syscall(SYS_exit_group, 0);
	if (ret == BR_PROBE_BROKEN)
		shm->broken_errno = errno;
	shm->ret = ret;
	shm->done = 1;
	syscall(SYS_exit_group, 0);
	_exit(0);
}

/* Wait for pid for at most ms; true if it was reaped (status in *st). */
static bool wait_for(pid_t pid, int ms, int *st)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct timespec step = {0, 1000000};

	if (pidfd >= 0) {
		struct pollfd p = {pidfd, POLLIN, 0};
		int r;

		while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
			;
		close(pidfd);
		if (r == 0)
			return false;
		return waitpid(pid, st, 0) == pid;
	}
	/* Before pidfds (5.3): poll in 1 ms steps. */
	for (int i = 0; i < ms; i++) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return true;
		nanosleep(&step, NULL);
	}
	return waitpid(pid, st, WNOHANG) == pid;
}

static void set_error(struct br_outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_error(struct br_outcome *o, const char *fmt, ...)
{
	va_list ap;

	o->kind = BR_PROBE_ERROR;
	va_start(ap, fmt);
	vsnprintf(o->detail, sizeof(o->detail), fmt, ap);
	va_end(ap);
}

/* A call's raw result: >= 0 or -sentinel allowed, -ENOSYS unsupported, else denied. */
static void classify(struct br_outcome *o, long ret, int sentinel)
{
	o->ret = ret;
	if (ret >= 0 || (sentinel && ret == -sentinel)) {
		o->kind = BR_ALLOWED;
	} else if (ret == -ENOSYS) {
		o->kind = BR_UNSUPPORTED;
		o->err = ENOSYS;
	} else {
		o->kind = BR_DENIED;
		o->err = (int)-ret;
	}
}

/* A call that raised SIGSYS: what its siginfo said. */
static void set_trapped(struct br_outcome *o, int nr, unsigned arch, int err)
{
	o->kind = BR_TRAPPED;
	o->err = err;
	o->trap_nr = nr;
	o->trap_arch = arch;
	snprintf(o->detail, sizeof(o->detail), "si_syscall=%d si_arch=0x%x si_errno=%d", nr, arch, err);
}

enum br_outcome_kind br_probe(struct br_outcome *o, br_probe_fn fn, void *arg, int sentinel,
			      int timeout_ms)
{
	int st = 0, ms = timeout_ms > 0 ? timeout_ms : BR_PROBE_DEFAULT_MS;
	struct probe_shm *s;
	unsigned gen;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (!page) {
		s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (s == MAP_FAILED) {
			set_error(o, "mmap: %s", br_errname(errno));
			return o->kind;
		}
		page = s;
	}
	s = page;
	gen = s->gen + 1;
	memset(s, 0, sizeof(*s));
	s->gen = gen;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		set_error(o, "fork: %s", br_errname(errno));
		return o->kind;
	}
	if (pid == 0) {
		shm = s;
		shm_gen = gen;
		page = NULL;
		probe_child(fn, arg);
	}
	if (!wait_for(pid, ms, &st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		set_error(o, "timeout after %d ms", ms);
	} else if (s->trapped) {
		set_trapped(o, s->trap_nr, s->trap_arch, s->trap_errno);
	} else if (s->done && s->ret == BR_PROBE_BROKEN) {
		set_error(o, "probe setup failed: %s", br_errname(s->broken_errno));
	} else if (s->done) {
		classify(o, s->ret, sentinel);
	} else if (WIFSIGNALED(st)) {
		o->kind = BR_KILLED;
		o->sig = WTERMSIG(st);
	} else {
		set_error(o, "exited with status %d before reporting", WEXITSTATUS(st));
	}
	s->gen = gen + 1; /* nothing the child left behind writes here now */
	return o->kind;
}

/* ---- chains: many steps per child ---- */

/* What the chain's children leave for the parent, one slot per step. */
struct chain_slot {
	long before, after;
	int stage; /* CHAIN_* reached */
	int before_trap, after_trap; /* a SIGSYS arrived during the call */
	int trap_nr, trap_errno;
	unsigned trap_arch;
};
enum { CHAIN_NONE, CHAIN_BEFORE, CHAIN_ARMED, CHAIN_AFTER };
struct chain_shm {
	volatile int cur; /* the step the child is on; -1 before the first */
	volatile int traps; /* SIGSYS caught so far */
	volatile int trap_nr, trap_errno;
	volatile unsigned trap_arch;
	volatile long arm_err;
	struct chain_slot slot[];
};
struct chain {
	struct br_chain_step *steps;
	size_t start, n;
	br_chain_arm arm;
	void *ctx;
	bool before;
	struct chain_shm *sh;
};
static struct chain_shm *chain_sh;

/* Unlike br_probe's handler, this one returns: the child goes on. */
static void on_chain_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chain_sh->trap_nr = si->si_syscall;
	chain_sh->trap_arch = si->si_arch;
	chain_sh->trap_errno = si->si_errno;
	chain_sh->traps++;
}

/* Make step i's call; *trapped: a SIGSYS came meanwhile (its details saved in s). */
static long chain_call(const struct chain *c, size_t i, struct chain_slot *s, int *trapped)
{
	int traps = chain_sh->traps;
	long r = br_sysprobe_call(c->steps[i].sp, c->steps[i].abi);

	*trapped = chain_sh->traps != traps;
	if (*trapped) {
		s->trap_nr = chain_sh->trap_nr;
		s->trap_errno = chain_sh->trap_errno;
		s->trap_arch = chain_sh->trap_arch;
	}
	return r;
}

static long chain_child(void *arg)
{
	const struct chain *c = arg;
	struct sigaction sa = {.sa_sigaction = on_chain_sigsys, .sa_flags = SA_SIGINFO};

	chain_sh = c->sh;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	for (size_t i = c->start; i < c->n; i++) {
		struct chain_slot *s = &c->sh->slot[i];
		int traps, trapped;
		long r;

		c->sh->cur = (int)i;
		if (c->before) {
			s->before = chain_call(c, i, s, &trapped);
			s->before_trap = trapped;
		}
		s->stage = CHAIN_BEFORE;
		traps = chain_sh->traps;
		r = c->arm(c->ctx, i, i == c->start);
		if (r || chain_sh->traps != traps) { /* refused (or trapped) by an earlier filter */
			c->sh->arm_err = r < 0 ? r : -ENOSYS;
			return BR_PROBE_BROKEN;
		}
		s->stage = CHAIN_ARMED;
		s->after = chain_call(c, i, s, &trapped);
		s->after_trap = trapped;
		s->stage = CHAIN_AFTER;
	}
	c->sh->cur = (int)c->n;
	return 0;
}

/* A call's outcome from its slot. */
static void chain_outcome(struct br_outcome *o, const struct br_sysprobe *sp, long ret, int trap,
			  const struct chain_slot *s)
{
	memset(o, 0, sizeof(*o));
	if (trap)
		set_trapped(o, s->trap_nr, s->trap_arch, s->trap_errno);
	else
		classify(o, ret, sp->sentinel);
}

/* Keep the first before outcome that was not allowed: a later fresh child's
 * clean one must not hide it. */
static void chain_before(struct br_chain_step *st, const struct chain_slot *s)
{
	struct br_outcome o;

	chain_outcome(&o, st->sp, s->before, s->before_trap, s);
	if (st->before.kind == BR_ALLOWED)
		st->before = o;
}

void br_probe_chain(struct br_chain_step *steps, size_t n, br_chain_arm arm, void *ctx,
		    bool before, int timeout_ms)
{
	size_t size = sizeof(struct chain_shm) + n * sizeof(struct chain_slot);
	struct chain c = {steps, 0, n, arm, ctx, before, NULL};

	for (size_t i = 0; i < n; i++) {
		memset(&steps[i].before, 0, sizeof(steps[i].before));
		steps[i].before.kind = BR_ALLOWED; /* stays so when before is not asked */
		set_error(&steps[i].after, "not run");
	}
	c.sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c.sh == MAP_FAILED) {
		for (size_t i = 0; i < n; i++)
			set_error(&steps[i].after, "mmap: %s", br_errname(errno));
		return;
	}
	while (c.start < n) {
		struct br_outcome o;
		size_t cur;
		const struct chain_slot *s;

		memset(c.sh, 0, size);
		c.sh->cur = -1;
		/* One child may take every step: more time than one probe's. */
		br_probe(&o, chain_child, &c, 0, timeout_ms > 0 ? timeout_ms : 5 * BR_PROBE_DEFAULT_MS);
		if (c.sh->cur < (int)c.start) { /* the child broke before its first step */
			for (size_t i = c.start; i < n; i++)
				steps[i].after = o;
			break;
		}
		cur = (size_t)c.sh->cur;
		for (size_t i = c.start; i < cur && i < n; i++) {
			s = &c.sh->slot[i];
			if (before)
				chain_before(&steps[i], s);
			chain_outcome(&steps[i].after, steps[i].sp, s->after, s->after_trap, s);
		}
		if (cur >= n)
			break;
		s = &c.sh->slot[cur];
		if (s->stage == CHAIN_NONE && steps[cur].before.kind == BR_ALLOWED)
			steps[cur].before = o; /* the child ended in the call before the arm */
		else if (before && s->stage >= CHAIN_BEFORE)
			chain_before(&steps[cur], s);
		if ((s->stage == CHAIN_NONE || (s->stage == CHAIN_BEFORE && c.sh->arm_err)) &&
		    cur > c.start) {
			c.start = cur; /* an earlier step's filter stopped this one: a fresh child */
			continue;
		}
		if (s->stage == CHAIN_NONE)
			set_error(&steps[cur].after, "the child ended before the arm");
		else if (s->stage == CHAIN_BEFORE && c.sh->arm_err)
			set_error(&steps[cur].after, "setup failed: %s", br_errname((int)-c.sh->arm_err));
		else if (s->stage == CHAIN_AFTER) /* the child ended after the call */
			chain_outcome(&steps[cur].after, steps[cur].sp, s->after, s->after_trap, s);
		else
			steps[cur].after = o; /* what ended the child: a kill, a timeout */
		c.start = cur + 1;
	}
	munmap(c.sh, size);
}

/* ---- raw syscalls ---- */

const char *br_abi_name(enum br_abi abi)
{
	switch (abi) {
	case BR_ABI_NATIVE:
		return "native";
	case BR_ABI_X32:
		return "x32";
	case BR_ABI_IA32:
		return "ia32";
	default:
		return "?";
	}
}

static long sys64(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

/*
 * int $0x80 from 64-bit code: the i386 table, args in ebx ecx edx esi edi
 * ebp. rbp may be the frame pointer, so it is saved by hand; the red zone
 * below rsp is stepped over before the push. Kernels before 4.17 zeroed
 * r8-r11 on this path, hence the clobbers.
 */
static long sys32(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r12 __asm__("r12") = a6;
	int ret;

	__asm__ volatile("lea -128(%%rsp), %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %%r12d, %%ebp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "lea 128(%%rsp), %%rsp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5), "r"(r12)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret; /* eax, sign-extended: -errno stays negative */
}

long br_sys(enum br_abi abi, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	switch (abi) {
	case BR_ABI_NATIVE:
		return sys64(nr, a1, a2, a3, a4, a5, a6);
	case BR_ABI_X32:
		return sys64(nr | BR_X32_BIT, a1, a2, a3, a4, a5, a6);
	case BR_ABI_IA32:
		return sys32(nr, a1, a2, a3, a4, a5, a6);
	default:
		return -EINVAL;
	}
}

void *br_low_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* ---- the probe table ---- */

/*
 * Numbers from the 6.1 UAPI headers (asm/unistd_64.h, unistd_x32.h,
 * unistd_32.h); x32 numbers are stored without the bit. Arguments are
 * chosen so that an allowed call fails after seccomp and before it could
 * change anything, even as root (kexec_load: bad arch flags and too many
 * segments, never the 0-segment "unload" form; io_uring_register: fd -1
 * selects the 6.x "blind" registration path, so a large fd). suites/lib/probe.c checks
 * each sentinel against a control.
 */
#define NR3(n64, x32, i386) {n64, x32, i386}
const struct br_sysprobe br_sysprobes[] = {
	/* the mount fd is checked first (EBADF) on 6.12, the handle (EFAULT) on
	 * 5.10, 6.1 and 6.18+ */
	{"open_by_handle_at", NR3(304, 304, 342), {-1, 0, 0}, EFAULT, false, EBADF},
	{"name_to_handle_at", NR3(303, 303, 341), {-1, 0, 0, 0, 0}, EFAULT, false, 0},
	{"io_uring_setup", NR3(425, 425, 425), {1, 0}, EFAULT, false, 0},
	{"io_uring_enter", NR3(426, 426, 426), {-1, 0, 0, 0, 0, 0}, EBADF, false, 0},
	{"io_uring_register", NR3(427, 427, 427), {1000000, 0, 0, 0}, EBADF, false, 0},
	{"keyctl", NR3(250, 250, 288), {0x7fff, 0, 0, 0, 0}, EOPNOTSUPP, false, 0},
	{"add_key", NR3(248, 248, 286), {0, 0, 0, 0, 0}, EFAULT, false, 0},
	{"bpf", NR3(321, 321, 357), {-1, 0, 0}, EINVAL, false, 0},
	{"perf_event_open", NR3(298, 298, 336), {0, 0, -1, -1, 0}, EFAULT, false, 0},
	{"userfaultfd", NR3(323, 323, 374), {-1}, EINVAL, false, 0},
	{"ptrace", NR3(101, 521, 26), {0x7fff, -1, 0, 0}, ESRCH, false, 0},
	{"process_vm_readv", NR3(310, 539, 347), {0, 0, 0, 0, 0, -1}, EINVAL, false, 0},
	{"mount", NR3(165, 165, 21), {0, 0, 0, 0, 0}, EFAULT, false, 0},
	{"umount2", NR3(166, 166, 52), {0, 0}, EFAULT, false, 0},
	{"pivot_root", NR3(155, 155, 217), {0, 0}, EFAULT, true, 0},
	{"unshare", NR3(272, 272, 310), {1}, EINVAL, false, 0},
	{"setns", NR3(308, 308, 346), {-1, 0}, EBADF, false, 0},
	{"init_module", NR3(175, 175, 128), {0, 0, 0}, ENOEXEC, true, 0},
	{"finit_module", NR3(313, 313, 350), {-1, 0, 0}, EBADF, true, 0},
	{"kexec_load", NR3(246, 528, 283), {0, 1000, 0, 0x00ff0000}, EINVAL, true, 0},
	{"reboot", NR3(169, 169, 88), {0, 0, 0, 0}, EINVAL, true, 0},
	{"swapon", NR3(167, 167, 87), {0, 0}, EFAULT, true, 0},
	{"iopl", NR3(172, 172, 110), {4}, EINVAL, false, 0},
	{"ioperm", NR3(173, 173, 101), {0x10000, 1, 0}, EINVAL, false, 0},
	{"socket", NR3(41, 41, 359), {-1, 0, 0}, EAFNOSUPPORT, false, 0},
	/* the socket calls io_uring can also make (IORING_OP_CONNECT, ...): fd -1 */
	{"connect", NR3(42, 42, 362), {-1, 0, 0}, EBADF, false, 0},
	{"accept4", NR3(288, 288, 364), {-1, 0, 0, 0}, EBADF, false, 0},
	{"sendto", NR3(44, 44, 369), {-1, 0, 0, 0, 0, 0}, EBADF, false, 0},
	{"recvfrom", NR3(45, 517, 371), {-1, 0, 0, 0, 0, 0}, EBADF, false, 0},
	/* a size below OPEN_HOW_SIZE_VER0 is refused before anything is read */
	{"openat2", NR3(437, 437, 437), {-1, 0, 0, 0}, EINVAL, false, 0},
	{"clone3", NR3(435, 435, 435), {0, 0}, EINVAL, false, 0},
	{"personality", NR3(135, 135, 136), {0xffffffff}, 0, false, 0},
	{"getpid", NR3(39, 39, 20), {0}, 0, false, 0},
	{"openat", NR3(257, 257, 295), {-1, 0, 0, 0}, EFAULT, false, 0},
	{"write", NR3(1, 1, 4), {-1, 0, 0}, EBADF, false, 0},
	{"getuid", NR3(102, 102, 24), {0}, 0, false, 0},
	{"socketcall", NR3(-1, -1, 102), {-1, 0}, EINVAL, false, 0},
	{"chroot", NR3(161, 161, 61), {0}, EFAULT, false, 0},
	{"seccomp", NR3(317, 317, 354), {-1, 0, 0}, EINVAL, false, 0},
	{0},
};

const struct br_sysprobe *br_sysprobe_find(const char *name)
{
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++)
		if (!strcmp(sp->name, name))
			return sp;
	return NULL;
}

long br_sysprobe_call(const struct br_sysprobe *sp, enum br_abi abi)
{
	const long *a = sp->args;
	long r;

	if (abi >= BR_NABIS || sp->nr[abi] < 0)
		return -ENOSYS;
	r = br_sys(abi, sp->nr[abi], a[0], a[1], a[2], a[3], a[4], a[5]);
	return sp->alt_sentinel && r == -sp->alt_sentinel ? -sp->sentinel : r;
}

struct sys_call {
	const struct br_sysprobe *sp;
	enum br_abi abi;
};

static long run_sysprobe(void *arg)
{
	const struct sys_call *c = arg;

	return br_sysprobe_call(c->sp, c->abi);
}

enum br_outcome_kind br_probe_sys(struct br_outcome *o, const struct br_sysprobe *sp,
				  enum br_abi abi, int timeout_ms)
{
	struct sys_call c = {sp, abi};

	if (abi >= BR_NABIS || sp->nr[abi] < 0) {
		memset(o, 0, sizeof(*o));
		o->kind = BR_UNSUPPORTED;
		o->err = ENOSYS;
		snprintf(o->detail, sizeof(o->detail), "no %s on %s", sp->name, br_abi_name(abi));
		return o->kind;
	}
	return br_probe(o, run_sysprobe, &c, sp->sentinel, timeout_ms);
}

/* ---- io_uring ---- */

long br_uring_op(const struct io_uring_sqe *op)
{
	struct io_uring_params p;
	size_t sq_size, cq_size, sqe_size;
	void *sq = MAP_FAILED, *cq = MAP_FAILED;
	struct io_uring_sqe *sqe = MAP_FAILED;
	long fd, ret;

	memset(&p, 0, sizeof(p));
	fd = br_sys(BR_ABI_NATIVE, __NR_io_uring_setup, 1, (long)&p, 0, 0, 0, 0);
	if (fd < 0)
		return fd;
	sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	/* One mapping holds both rings since 5.4 (IORING_FEAT_SINGLE_MMAP). */
	if ((p.features & IORING_FEAT_SINGLE_MMAP) && cq_size > sq_size)
		sq_size = cq_size;
	sqe_size = p.sq_entries * sizeof(struct io_uring_sqe);
	sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
		  IORING_OFF_SQ_RING);
	cq = (p.features & IORING_FEAT_SINGLE_MMAP)
		     ? sq
		     : mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			    (int)fd, IORING_OFF_CQ_RING);
	sqe = mmap(NULL, sqe_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
		   IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	{
		unsigned *tail = (unsigned *)((char *)sq + p.sq_off.tail);
		unsigned mask = *(unsigned *)((char *)sq + p.sq_off.ring_mask);
		unsigned *array = (unsigned *)((char *)sq + p.sq_off.array);
		unsigned *cq_head = (unsigned *)((char *)cq + p.cq_off.head);
		unsigned *cq_tail = (unsigned *)((char *)cq + p.cq_off.tail);
		unsigned cq_mask = *(unsigned *)((char *)cq + p.cq_off.ring_mask);
		struct io_uring_cqe *cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
		unsigned t = *tail;

		sqe[0] = *op;
		sqe[0].user_data = 0x6272; /* "br" */
		array[t & mask] = 0;
		__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
		ret = br_sys(BR_ABI_NATIVE, __NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, 0,
			     0);
		if (ret < 0)
			goto out;
		if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
			ret = -EAGAIN;
			goto out;
		}
		ret = cqes[*cq_head & cq_mask].res;
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	}
out:
	if (sqe != MAP_FAILED)
		munmap(sqe, sqe_size);
	if (cq != MAP_FAILED && cq != sq)
		munmap(cq, cq_size);
	if (sq != MAP_FAILED)
		munmap(sq, sq_size);
	close((int)fd);
	return ret;
}

long br_uring_openat(const char *path, int flags)
{
	struct io_uring_sqe sqe = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD,
				   .addr = (unsigned long)path,
				   .open_flags = (unsigned)(O_RDONLY | O_CLOEXEC | flags)};

	return br_uring_op(&sqe);
}

long br_uring_open_root(void)
{
	struct stat st;
	long fd = br_uring_openat("/", O_DIRECTORY), ret;

	if (fd < 0)
		return fd;
	ret = fstat((int)fd, &st) == 0 && S_ISDIR(st.st_mode) ? 1 : -EBADF;
	close((int)fd);
	return ret;
}

/* ---- ABI state ---- */

const char *br_abi_state_name(enum br_abi_state s)
{
	switch (s) {
	case BR_ABI_ENABLED:
		return "enabled";
	case BR_ABI_DISABLED:
		return "disabled";
	case BR_ABI_ABSENT:
		return "absent";
	default:
		return "unavailable";
	}
}

/*
 * Is the ABI's entry code built? Symbol names in /proc/kallsyms are
 * readable by anyone (kptr_restrict hides only the addresses). Reading the
 * file costs ~40 ms of kernel time (it formats every symbol), and cases run
 * in forked children, so a per-process cache would pay it once per case.
 * The answer is a property of the running kernel, the same in every child
 * whatever its namespaces or filters, so it is kept in a page the harness
 * maps (br_probe_share) before it forks the first case: the first case that
 * needs it reads the file once for both ABIs, later forks of the same binary
 * reuse it. Only a read that succeeded is kept; "unknown" is retried.
 * Outside the harness (the static probe) the memo is per process.
 */
enum { KSYMS_UNSET, KSYMS_READ };
struct ksyms_memo {
	int state;         /* KSYMS_UNSET or KSYMS_READ */
	int has[BR_NABIS]; /* 1 built, 0 not (valid once state == KSYMS_READ) */
};
/* What br_probe_share maps: the kallsyms answer and br_probe_sys_control's outcomes. */
#define CONTROLS_MAX 128
struct probe_shared {
	struct ksyms_memo ksyms;
	int control_done[BR_NABIS][CONTROLS_MAX];
	struct br_outcome control[BR_NABIS][CONTROLS_MAX];
};
static struct probe_shared *shared;

/*
 * The runners (blastradius run, the guest init through `lib/probe -K`) read
 * kallsyms once and hand the answer to every binary as $BR_KSYMS. It only
 * tells "disabled" from "absent" for an ABI whose calls do not run (a live
 * ABI is always probed), so a wrong value can change a fact, never a verdict
 * on a boundary; lib/probe's own x32/ia32 cases read kallsyms themselves.
 */
void br_probe_share(void)
{
	void *p = mmap(NULL, sizeof(struct probe_shared), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const char *env = getenv("BR_KSYMS");
	int x32, ia32, end = 0;

	shared = p == MAP_FAILED ? NULL : p; /* NULL: read and probe per process */
	if (shared && env && sscanf(env, "x32=%d,ia32=%d%n", &x32, &ia32, &end) == 2 && !env[end] &&
	    (x32 == 0 || x32 == 1) && (ia32 == 0 || ia32 == 1)) {
		shared->ksyms.has[BR_ABI_NATIVE] = 1;
		shared->ksyms.has[BR_ABI_X32] = x32;
		shared->ksyms.has[BR_ABI_IA32] = ia32;
		shared->ksyms.state = KSYMS_READ;
	}
}

/* One pass over /proc/kallsyms for both ABIs: 0, or -1 when unreadable. */
static int kallsyms_read(int has[BR_NABIS])
{
	/* x32_sys_call (6.9+), x32_sys_call_table (older); ia32 likewise. */
	static const char *const syms[BR_NABIS][3] = {
		[BR_ABI_X32] = {"x32_sys_call", "__x32_compat_sys_", NULL},
		[BR_ABI_IA32] = {"ia32_sys_call", "__ia32_sys_", NULL},
	};
	char line[512];
	int left = 2;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -1;
	has[BR_ABI_NATIVE] = 1;
	has[BR_ABI_X32] = has[BR_ABI_IA32] = 0;
	while (left && fgets(line, sizeof(line), f)) {
		const char *name = strrchr(line, ' ');

		if (!name)
			continue;
		name++;
		for (int a = 0; a < BR_NABIS; a++)
			for (const char *const *p = syms[a]; !has[a] && *p; p++)
				if (!strncmp(name, *p, strlen(*p))) {
					has[a] = 1;
					left--;
				}
	}
	/* A read cut short (EINTR under a handler without SA_RESTART) tells nothing. */
	left = ferror(f);
	fclose(f);
	return left ? -1 : 0;
}

/* 1 built, 0 not, -1 unknown. */
static int kallsyms_has(enum br_abi abi)
{
	static struct ksyms_memo mine; /* when the shared page could not be mapped */
	struct ksyms_memo *m = shared ? &shared->ksyms : &mine;
	int has[BR_NABIS];

	if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != KSYMS_READ) {
		if (kallsyms_read(has))
			return -1;
		/* Two children racing write the same answer. */
		memcpy(m->has, has, sizeof(has));
		__atomic_store_n(&m->state, KSYMS_READ, __ATOMIC_RELEASE);
	}
	return m->has[abi];
}

const char *br_probe_ksyms(void)
{
	static char v[32];
	int x32 = 1, ia32 = 1;

	/* A live ABI is never looked up: its answer is not used. */
	if (!br_abi_live(BR_ABI_X32) && (x32 = kallsyms_has(BR_ABI_X32)) < 0)
		return NULL;
	if (!br_abi_live(BR_ABI_IA32) && (ia32 = kallsyms_has(BR_ABI_IA32)) < 0)
		return NULL;
	snprintf(v, sizeof(v), "x32=%d,ia32=%d", x32, ia32);
	return v;
}

static long getpid_on(void *abi)
{
	enum br_abi a = *(enum br_abi *)abi;

	return br_sys(a, a == BR_ABI_IA32 ? 20 : 39, 0, 0, 0, 0, 0, 0);
}

static struct br_outcome live_probe[BR_NABIS];
static int live_cached[BR_NABIS] = {-1, -1, -1};

bool br_abi_live(enum br_abi abi)
{
	if (abi >= BR_NABIS)
		return false;
	if (abi == BR_ABI_NATIVE)
		return true;
	if (live_cached[abi] < 0) {
		struct br_outcome *o = &live_probe[abi];

		br_probe(o, getpid_on, &abi, 0, 0);
		/* The child's getpid is positive; any pid proves the call ran. */
		live_cached[abi] = o->kind == BR_ALLOWED && o->ret > 0;
	}
	return live_cached[abi];
}

static enum br_abi_state measure(enum br_abi abi)
{
	const struct br_outcome *o = &live_probe[abi];
	int built;

	if (br_abi_live(abi))
		return BR_ABI_ENABLED;
	built = kallsyms_has(abi);
	if (built == 0)
		return BR_ABI_ABSENT;
	/* ia32 off: int 0x80 is a #GP, SIGSEGV. x32 off: ENOSYS. */
	if (abi == BR_ABI_IA32 && o->kind == BR_KILLED && o->sig == SIGSEGV)
		return built > 0 ? BR_ABI_DISABLED : BR_ABI_UNAVAILABLE;
	if (abi == BR_ABI_X32 && o->kind == BR_UNSUPPORTED)
		return built > 0 ? BR_ABI_DISABLED : BR_ABI_UNAVAILABLE;
	return BR_ABI_UNAVAILABLE; /* killed by a filter, or something else */
}

enum br_abi_state br_abi_state(enum br_abi abi)
{
	static int cached[BR_NABIS] = {-1, -1, -1};

	if (abi >= BR_NABIS)
		return BR_ABI_UNAVAILABLE;
	if (cached[abi] < 0)
		cached[abi] = measure(abi);
	return (enum br_abi_state)cached[abi];
}

const char *br_abi_missing(enum br_abi abi)
{
	static char why[256];

	if (br_abi_live(abi))
		return NULL;
	snprintf(why, sizeof(why), "%s=%s: its calls do not run here (needs %s)", br_abi_name(abi),
		 br_abi_state_name(br_abi_state(abi)),
		 abi == BR_ABI_X32 ? "CONFIG_X86_X32_ABI and, on Debian kernels, the boot parameter "
				     "syscall.x32=y"
				   : "CONFIG_IA32_EMULATION and ia32_emulation=1 where "
				     "CONFIG_IA32_EMULATION_DEFAULT_DISABLED is set");
	return why;
}

void br_require_abi(enum br_abi abi)
{
	if (br_abi_missing(abi))
		br_skip("%s", br_abi_missing(abi));
}

/*
 * The unfiltered control of an entry is the same for every filter a suite then
 * tries on it (lib/probe's actions, lib/seccomp's profiles): probed once per
 * binary, each time in its own forked probe as br_probe_sys does, and kept in
 * the page br_probe_share maps, so later cases reuse it. Cases run one at a
 * time, each in its own fork; only this outcome (a property of the kernel and
 * the harness's credentials) is shared. Under TCG the forks are the cost.
 */
enum br_outcome_kind br_probe_sys_control(struct br_outcome *o, const struct br_sysprobe *sp, enum br_abi abi)
{
	size_t i = (size_t)(sp - br_sysprobes);
	bool keep = shared && abi < BR_NABIS && sp >= br_sysprobes && i < CONTROLS_MAX;

	if (keep && __atomic_load_n(&shared->control_done[abi][i], __ATOMIC_ACQUIRE)) {
		*o = shared->control[abi][i];
		return o->kind;
	}
	br_probe_sys(o, sp, abi, 0);
	if (keep && o->kind != BR_PROBE_ERROR) { /* an error (a timeout under load) is retried */
		shared->control[abi][i] = *o;
		__atomic_store_n(&shared->control_done[abi][i], 1, __ATOMIC_RELEASE);
	}
	return o->kind;
}
