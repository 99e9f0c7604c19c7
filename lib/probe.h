/*
 * Probes: one attempt to cross a boundary, run in a forked child with a
 * timeout, classified as an outcome. Shared by the suites (apply a
 * primitive, expect a denial) and by assess mode (probe what is there).
 *
 * Sentinel discipline (how a probe proves "allowed" vs "denied"):
 *   A probe passes arguments that make the call fail harmlessly, with a
 *   known errno (the sentinel), *after* the check it wants to observe:
 *   a NULL pointer (EFAULT), fd -1 (EBADF), an unknown operation or flag
 *   (EINVAL, EOPNOTSUPP, EAFNOSUPPORT). seccomp runs at syscall entry, before
 *   any of these, so seeing the sentinel (or success) proves the call got
 *   through; any other errno is a denial by whatever layer returned it.
 *   The sentinel is never EPERM, EACCES or ENOSYS, the errnos denials use.
 *   Every sentinel in br_sysprobes[] is verified against a control in
 *   suites/lib/probe.c (no filter: sentinel seen; ERRNO filter: denied).
 *   A call that checks a capability before its arguments (pivot_root,
 *   reboot, init_module, ...) gives EPERM to an unprivileged caller even
 *   with no filter: that is a real denial, just not seccomp's.
 */
#ifndef BR_PROBE_H
#define BR_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum br_outcome_kind {
	BR_ALLOWED,     /* the crossing got through (success or the sentinel errno) */
	BR_DENIED,      /* refused with an errno (err) */
	BR_KILLED,      /* the child died of a signal (sig), e.g. SIGSYS from KILL */
	BR_TRAPPED,     /* a SIGSYS with si_code SYS_SECCOMP was caught (RET_TRAP) */
	BR_UNSUPPORTED, /* ENOSYS: the kernel lacks it (or a filter says so) */
	BR_PROBE_ERROR, /* the probe itself broke: setup failed, timeout, ... */
};

struct br_outcome {
	enum br_outcome_kind kind;
	int err;          /* DENIED: the errno; TRAPPED: si_errno (the filter's data) */
	int sig;          /* KILLED: the signal */
	long ret;         /* the raw result: >= 0 or -errno */
	int trap_nr;      /* TRAPPED: si_syscall */
	unsigned trap_arch; /* TRAPPED: si_arch (AUDIT_ARCH_*) */
	char detail[128]; /* ERROR / TRAPPED: human-readable detail */
};

/* "allowed", "denied", "killed", ... */
const char *br_outcome_kind_name(enum br_outcome_kind k);
/* "allowed", "denied(EPERM)", "killed(SIGSYS)", "trapped(nr=20 arch=i386)",
 * "unsupported", "error(timeout after 1000 ms)". Writes buf, returns it. */
const char *br_outcome_str(const struct br_outcome *o, char *buf, size_t size);

/*
 * A crossing attempt, run inside the probe child. Returns the raw result:
 * >= 0 or -errno (br_sys() returns exactly this), or BR_PROBE_BROKEN when
 * its own setup failed (it may set errno to say why).
 */
#define BR_PROBE_BROKEN (-100000L)
typedef long (*br_probe_fn)(void *arg);

/*
 * Run fn(arg) in a forked child; kill it after timeout_ms (<= 0: 2000).
 * A SIGSYS handler in the child tells TRAPPED from KILLED. The result is
 * classified: >= 0 or -sentinel -> ALLOWED; -ENOSYS -> UNSUPPORTED; other
 * -errno -> DENIED. sentinel 0 means no errno counts as allowed.
 * Fills *o and returns o->kind. Never exits the caller.
 */
enum br_outcome_kind br_probe(struct br_outcome *o, br_probe_fn fn, void *arg, int sentinel,
			      int timeout_ms);

/* ---- raw syscalls on three ABIs ---- */

enum br_abi {
	BR_ABI_NATIVE, /* x86_64: the syscall instruction */
	BR_ABI_X32,    /* x86_64 entry with nr | __X32_SYSCALL_BIT */
	BR_ABI_IA32,   /* i386 table through int $0x80; pointer args < 4 GiB */
	BR_NABIS
};

#define BR_X32_BIT 0x40000000L

/* "native", "x32", "ia32". */
const char *br_abi_name(enum br_abi abi);

/*
 * Raw syscall nr on abi (nr is that ABI's own number, without the x32 bit).
 * Returns the kernel's result, >= 0 or -errno; errno is left alone.
 * For ia32 every argument is truncated to 32 bits: use br_low_alloc().
 */
long br_sys(enum br_abi abi, long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Anonymous memory below 4 GiB (MAP_32BIT) for ia32 pointer arguments.
 * NULL on failure (errno set). Free with munmap(p, size). */
void *br_low_alloc(size_t size);

/*
 * The syscalls assess and the suites probe, with each ABI's number (-1 where
 * the ABI has no such call) and sentinel arguments: harmless values that make
 * an allowed call fail with `sentinel` (or succeed when sentinel is 0 and
 * the call cannot change anything, e.g. getpid). No pointer argument is
 * non-NULL, so the same arguments serve every ABI.
 */
struct br_sysprobe {
	const char *name;
	long nr[BR_NABIS];
	long args[6];
	int sentinel;     /* errno of an allowed call; 0: it succeeds */
	bool cap_first;   /* a capability check precedes the sentinel: an
			   * unprivileged caller sees EPERM even unfiltered */
	int alt_sentinel; /* where kernels order their argument checks
			   * differently: a second errno that also means
			   * allowed (br_sysprobe_call maps it to sentinel) */
};

extern const struct br_sysprobe br_sysprobes[]; /* ends with {0} */
/* Table lookup by name; NULL if unknown. */
const struct br_sysprobe *br_sysprobe_find(const char *name);

/* Make sp's call on abi with its sentinel arguments, in the calling process:
 * the raw result, with -alt_sentinel reported as -sentinel; -ENOSYS if the
 * ABI has no such call. For probe bodies that set something up first. */
long br_sysprobe_call(const struct br_sysprobe *sp, enum br_abi abi);

/* Probe sp on abi in a child (br_probe with sp's sentinel). An entry the ABI
 * lacks gives UNSUPPORTED with detail "no <name> on <abi>". */
enum br_outcome_kind br_probe_sys(struct br_outcome *o, const struct br_sysprobe *sp,
				  enum br_abi abi, int timeout_ms);
/* br_probe_sys without a filter, for the control of a case: probed once per
 * binary (a sp of br_sysprobes[], in the harness: see br_probe_share), then
 * the same outcome for every later case. */
enum br_outcome_kind br_probe_sys_control(struct br_outcome *o, const struct br_sysprobe *sp,
					  enum br_abi abi);

/*
 * Entries checked in as few children as the action allows. For each step,
 * in table order, one child makes the call (the "before" outcome, when
 * `before` is set), runs arm(ctx, i, fresh) to install what must stop it
 * (fresh: the first step of this child, which has no filter yet), then
 * makes the call again (the "after" outcome). An action that does not end
 * the process (an errno, a caught SIGSYS) lets one child go on to the next
 * step with every earlier step's filter still in place: the before outcome
 * shows they do not touch this call. A step that ends the child (a kill, a
 * timeout) gets the child's outcome as its after, and the next step a fresh
 * child; so does a step whose arm fails under the earlier filters (a filter
 * on seccomp(2) itself), and it is retried there. after is TRAPPED when a
 * SIGSYS arrived during the call (trap_nr, trap_arch, err = si_errno: the
 * filter's data), else the call's result classified as br_probe does.
 */
struct br_chain_step {
	const struct br_sysprobe *sp;
	enum br_abi abi;
	struct br_outcome before; /* the first one that was not allowed, if any */
	struct br_outcome after;
};
/* In the child: install what must stop steps[i]; 0 or -errno. */
typedef long (*br_chain_arm)(void *ctx, size_t i, bool fresh);
void br_probe_chain(struct br_chain_step *steps, size_t n, br_chain_arm arm, void *ctx,
		    bool before, int timeout_ms);

/*
 * io_uring: open path (O_RDONLY | flags) through IORING_OP_OPENAT, which the
 * kernel runs without any syscall a seccomp filter could see. Uses raw
 * io_uring_setup/enter and mmap. Returns the new fd, or -errno: from
 * io_uring_setup (EPERM under kernel.io_uring_disabled, ENOSYS when not
 * built) or from the operation itself (EINVAL before 5.6: no OPENAT).
 */
long br_uring_openat(const char *path, int flags);
/* Submit one SQE (user_data is overwritten) on a fresh one-entry ring and
 * return its CQE's res: >= 0 or -errno (EINVAL for an opcode this kernel
 * lacks), or io_uring_setup's -errno. */
struct io_uring_sqe;
long br_uring_op(const struct io_uring_sqe *sqe);
/* Open "/" through the ring and check it is a directory: 1, or -errno. */
long br_uring_open_root(void);

/* ---- facts: is an ABI usable here? ---- */

enum br_abi_state {
	BR_ABI_ENABLED,     /* calls work (x32: a bit-30 getpid returns our pid) */
	BR_ABI_DISABLED,    /* built in but off (x32 without syscall.x32=y;
			     * ia32: int 0x80 gives SIGSEGV, e.g. ia32_emulation=0) */
	BR_ABI_ABSENT,      /* not built (CONFIG_X86_X32_ABI / CONFIG_IA32_EMULATION) */
	BR_ABI_UNAVAILABLE, /* does not work; whether it is built is unknown
			     * (no /proc/config.gz) */
};

/* Do the ABI's calls run here? A getpid on it, once per process, in a
 * forked child (cheap). */
bool br_abi_live(enum br_abi abi);
/* The full state: when not live, /proc/kallsyms (~50 ms to read) tells
 * built-but-off from not built; it is read once per binary (shared with the
 * cases' forked children, see br_probe_share). Cached per process. A probe that a filter
 * kills or denies reports UNAVAILABLE. */
enum br_abi_state br_abi_state(enum br_abi abi);
/* Share br_abi_state's kallsyms reading with the processes forked after
 * this call (br_main calls it before the first case). The page starts filled
 * from $BR_KSYMS when that holds a runner's answer ("x32=B,ia32=B", B 0 or 1):
 * one read per run instead of one per binary. */
void br_probe_share(void);
/* The runners' side: read kallsyms here (only if an ABI is not live) and
 * return the answer in $BR_KSYMS form, or NULL when it cannot be told.
 * Static string. */
const char *br_probe_ksyms(void);
/* "enabled", "disabled", "absent", "unavailable". */
const char *br_abi_state_name(enum br_abi_state s);
/* NULL when abi is live (cheap), else why its calls cannot run here: its
 * br_abi_state and what is missing (for a SKIP reason). Static string. */
const char *br_abi_missing(enum br_abi abi);
/* In a test case: SKIP it (does not return) with br_abi_missing's reason
 * when abi cannot be used here. */
void br_require_abi(enum br_abi abi);

#endif
