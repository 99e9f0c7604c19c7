/*
 * seccomp: filters from profiles (libseccomp), raw BPF programs (for
 * fixtures such as a vendor's filter), a small text form of BPF, export as
 * PFC and BPF, and the actions the kernel offers.
 *
 * This header shares its name with libseccomp's; it includes that one
 * (#include_next), so <seccomp.h> gives both. The include_next sits outside
 * the guard: from lib/ sources this file is found twice (quote dir, then -Ilib)
 * before the search moves on to the system's seccomp.h.
 */
#include_next <seccomp.h>

#ifndef BR_SECCOMP_H
#define BR_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- actions ---- */

struct br_seccomp_action {
	const char *name; /* as in /proc/sys/kernel/seccomp/actions_avail */
	uint32_t action;  /* SECCOMP_RET_* */
};
/* Strictest first (the kernel's precedence order); ends with {0}. */
extern const struct br_seccomp_action br_seccomp_actions[];

/* SECCOMP_GET_ACTION_AVAIL: 0 if the kernel knows action, else -errno
 * (EOPNOTSUPP for an unknown action; ENOSYS/EINVAL before 4.14). */
int br_seccomp_action_avail(uint32_t action);

/* ---- raw programs ---- */

/*
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, prog). Returns the kernel's
 * result unchanged: 0, a listener fd (NEW_LISTENER), a sibling's TID (TSYNC
 * failure: positive, not success!), or -errno. Does not set no_new_privs:
 * without it and without CAP_SYS_ADMIN the kernel gives -EACCES.
 */
long br_seccomp_load(const struct sock_filter *prog, size_t len, unsigned flags);
/* A flag for br_seccomp_load*() only: set no_new_privs first. */
#define BR_SECCOMP_NNP (1u << 31)

/*
 * BPF text: one instruction per line, '#' starts a comment.
 *   ld arch | ld nr | ld ip | ld ip_hi | ld argN | ld argN_hi   (N = 0..5)
 *   jeq|jgt|jge|jset K JT JF     relative jumps, as in BPF_JUMP
 *   and K                        A &= K (masked argument compares)
 *   ja N
 *   ret ACTION    KILL_PROCESS KILL_THREAD TRAP ERRNO(n) TRACE(n) LOG
 *                 USER_NOTIF ALLOW, or a number
 * K is a number, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, X32_SYSCALL_BIT, a
 * syscall name (its x86_64 number) or i386:name (its i386 number).
 * Parsing: 0, or -EINVAL with "NAME:LINE: message" in err. The caller
 * frees *prog. The loader checks jump ranges; the kernel checks the rest.
 */
int br_bpf_parse(const char *text, const char *name, struct sock_filter **prog, size_t *len,
		 char *err, size_t errsize);
/* Same, reading a file (NAME is the path). -errno if it cannot be read. */
int br_bpf_parse_file(const char *path, struct sock_filter **prog, size_t *len, char *err,
		      size_t errsize);
/* Parse text and br_seccomp_load() it: the load's result, or -EINVAL with
 * the parse error printed to stderr. For tests and fixtures. */
long br_seccomp_load_text(const char *text, unsigned flags);
/* Print prog as BPF text (parseable again), each line with its index and
 * raw {code, jt, jf, k} in a comment. */
void br_bpf_print(FILE *f, const struct sock_filter *prog, size_t len);

/* ---- profiles ---- */

enum br_seccomp_mode {
	BR_SECCOMP_ALLOW_LIST, /* listed calls allowed, the rest KILL_PROCESS */
	BR_SECCOMP_DENY_LIST,  /* listed calls denied, the rest allowed */
};

struct br_seccomp_profile {
	const char *name;
	const char *summary;
	enum br_seccomp_mode mode;
	const char *const *syscalls; /* NULL-terminated x86_64 names */
	int deny_errno;              /* deny-list: ERRNO(deny_errno); 0: KILL_PROCESS */
};

/*
 * Every filter built from a profile is native-only: any arch other than
 * x86_64 (ia32 through int 0x80) and any x32 number (nr >= 0x40000000) is
 * KILL_PROCESS. io_uring_setup/enter/register are always denied: its
 * submission queue does work no filter can see (a deny-list gets them
 * added; an allow-list that names them is refused with -EPERM).
 */
extern const struct br_seccomp_profile br_seccomp_builtins[]; /* ends {0} */
/* NULL if unknown. */
const struct br_seccomp_profile *br_seccomp_builtin(const char *name);
/* True when p's list names the syscall name. */
bool br_seccomp_lists(const struct br_seccomp_profile *p, const char *name);

/* Build p's filter. 0 and *ctx (caller seccomp_release()s it), or -errno:
 * EINVAL for an unknown syscall name, EPERM for io_uring on an allow-list. */
int br_seccomp_build(const struct br_seccomp_profile *p, scmp_filter_ctx *ctx);

/* Build and load p in the calling thread; sets no_new_privs first.
 * 0 or -errno. */
int br_seccomp_apply(const struct br_seccomp_profile *p);

/* The BPF program libseccomp generates for p. 0 and *prog (caller frees),
 * or -errno. */
int br_seccomp_bpf(const struct br_seccomp_profile *p, struct sock_filter **prog, size_t *len);

/* Write p's filter as libseccomp PFC text to f. 0 or -errno. */
int br_seccomp_pfc(const struct br_seccomp_profile *p, FILE *f);

#endif
