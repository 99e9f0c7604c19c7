/*
 * Sandboxes: a profile that composes every layer, applied in the order the
 * kernel needs, to a child that runs a function or a program.
 *
 *   1. user namespace and id maps (root inside = the caller outside)
 *   2. the other namespaces (created together with the user namespace)
 *   3. mounts: a private tree; optionally a fresh tmpfs root holding only
 *      the binds (pivot_root), a fresh /proc, the hostname
 *   4. a new session (no controlling terminal), then capabilities
 *   5. no_new_privs
 *   6. Landlock
 *   7. AppArmor: change_onexec to a loaded profile (the program enters it at
 *      its exec), or change_profile at once when the payload is a function
 *   8. seccomp, last (it may deny the calls the earlier steps make)
 *
 * Fail closed: the payload runs only after every layer was applied. When a
 * step fails the child reports which and exits before the payload, and
 * br_sandbox_spawn() returns the error with the step named.
 *
 * Profiles are plain structs (see lib/profile.h for the text format); all
 * strings live inside the struct, so it is copied and freed as a value.
 * Return convention: 0 (or a pid) on success, -errno on failure.
 */
#ifndef BR_SANDBOX_H
#define BR_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "landlock.h"

#define BR_SB_MAX 16   /* binds, Landlock rules, seccomp.deny entries */
#define BR_SB_PATH 256 /* longest path in a profile, NUL included */
#define BR_SB_CAPS_UNCHANGED (~(br_capmask)0) /* caps: leave the sets alone */

struct br_sb_bind {
	char src[BR_SB_PATH];
	char dst[BR_SB_PATH]; /* "" = same as src */
	bool rw;              /* default read-only */
	bool optional;        /* skipped when src does not exist (e.g. /lib64) */
};

struct br_sb_rule {
	char path[BR_SB_PATH];
	uint64_t fs; /* LANDLOCK_ACCESS_FS_* allowed beneath path */
};

enum br_sb_landlock { BR_SB_LANDLOCK_OFF, BR_SB_LANDLOCK_REQUIRED, BR_SB_LANDLOCK_BEST_EFFORT };

struct br_sandbox {
	char name[64];
	/* 1-2: namespaces */
	bool userns; /* a new user namespace mapping root to the caller */
	int ns;      /* other CLONE_NEW* types */
	/* 3: mounts (need CLONE_NEWNS) */
	bool tmpfs_root; /* pivot_root into a tmpfs holding only the binds */
	struct br_sb_bind binds[BR_SB_MAX];
	int nbinds;
	bool proc;   /* mount a fresh /proc (with CLONE_NEWPID: only our pids) */
	bool proc_ro; /* ... read-only: no /proc/sys or /proc/PID writes at all */
	int hidepid; /* proc's hidepid= option, 0 (off), 1 or 2 */
	char hostname[65]; /* "" = keep (needs CLONE_NEWUTS) */
	/* 4: session and capabilities */
	bool new_session; /* setsid(): the payload has no controlling tty */
	br_capmask caps;  /* kept in all five sets; 0 = none; BR_SB_CAPS_UNCHANGED */
	/* 5 */
	bool nnp;
	/* 6: Landlock */
	enum br_sb_landlock landlock;
	struct br_landlock_access ll_handle; /* rights and scopes handled */
	struct br_sb_rule ll_rules[BR_SB_MAX];
	int nll_rules;
	/* 7: AppArmor: a loaded profile's name, "" = none. Required unless
	 * apparmor_optional: then skipped where AppArmor is not active. */
	char apparmor[128];
	bool apparmor_optional;
	/* 8: seccomp: a built-in profile by name, or a deny-list */
	char seccomp[32]; /* "" = none */
	char seccomp_deny[BR_SB_MAX][32];
	int nseccomp_deny;
	int seccomp_errno; /* deny-list action: ERRNO(n); 0 = KILL_PROCESS */
};

/* The steps, for error reports. */
enum br_sb_step {
	BR_SB_OK,
	BR_SB_STEP_CHECK,    /* the layers do not fit together (br_sandbox_check) */
	BR_SB_STEP_CLONE,    /* namespaces and id maps */
	BR_SB_STEP_MOUNTS,   /* private tree, tmpfs root, binds, pivot_root */
	BR_SB_STEP_PROC,
	BR_SB_STEP_HOSTNAME,
	BR_SB_STEP_SESSION,
	BR_SB_STEP_CAPS,
	BR_SB_STEP_NNP,
	BR_SB_STEP_LANDLOCK, /* -EOPNOTSUPP: required rights the ABI lacks */
	BR_SB_STEP_APPARMOR, /* -EOPNOTSUPP: AppArmor not active; -ENOENT: no such profile */
	BR_SB_STEP_SECCOMP,
	BR_SB_STEP_EXEC,
};
/* "clone", "mounts", ... */
const char *br_sb_step_name(enum br_sb_step s);

/* The defaults of an empty profile: nothing at all (no namespace, caps left
 * as they are, no filters). Everything must be asked for. */
void br_sandbox_init(struct br_sandbox *sb);

/* Check the layers fit together (binds need tmpfs_root, tmpfs_root needs a
 * mount namespace, Landlock and seccomp need nnp, ...). 0, or -EINVAL with
 * the profile key at fault in *key and the reason in *why (static strings;
 * either pointer may be NULL). br_sandbox_spawn() checks this first. */
int br_sandbox_check(const struct br_sandbox *sb, const char **key, const char **why);

/* What the Landlock layer will enforce on this kernel, without enforcing
 * anything (br_landlock_mask at the running ABI). Returns true when nothing
 * asked for is dropped (or Landlock is off): with best-effort, false means
 * the sandbox runs with *r->dropped left allowed, and a caller should say so. */
bool br_sandbox_landlock_preview(const struct br_sandbox *sb, struct br_landlock_report *r);

struct br_sb_child {
	pid_t pid;
	int pidfd; /* -1 if the kernel has none */
	enum br_sb_step failed; /* set when spawn fails */
};

/* Start fn(arg) in a child inside sb; the child's exit status is fn's return
 * value. 0 once every layer is applied and the payload is running (out
 * filled; reap with br_sandbox_wait), or -errno with out->failed naming the
 * step (the child is already reaped, the payload never ran). */
int br_sandbox_spawn(const struct br_sandbox *sb, int (*fn)(void *), void *arg,
		     struct br_sb_child *out);
/* The same with execvp(argv[0], argv) as the payload (a failed exec is
 * reported as step "exec"). An allow-list seccomp profile without execve
 * would kill the exec itself: refused with -EINVAL at step "check". */
int br_sandbox_exec(const struct br_sandbox *sb, char *const argv[], struct br_sb_child *out);

/* sb's seccomp.deny keys as a deny-list profile in *p (name sb->name, no
 * summary). p->syscalls points into calls, whose names point into sb: both
 * must outlive *p. sb->seccomp (a built-in) is not looked at. */
struct br_seccomp_profile;
void br_sandbox_deny_list(const struct br_sandbox *sb, struct br_seccomp_profile *p,
			  const char *calls[BR_SB_MAX + 1]);

/* Reap the child and close its pidfd: exit status, 128+signal, or -errno. */
int br_sandbox_wait(struct br_sb_child *c);

/* spawn + wait. The payload's status, or -errno when the sandbox could not
 * be applied (step in *failed, may be NULL). */
int br_sandbox_run(const struct br_sandbox *sb, int (*fn)(void *), void *arg,
		   enum br_sb_step *failed);

#endif
