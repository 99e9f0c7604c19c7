/*
 * Landlock: ABI and errata detection, and a best-effort ruleset builder
 * that never fails open in silence.
 *
 * The builder masks what it is asked to handle by what the running ABI
 * has (asking a kernel for an unknown right is EINVAL) and records, in a
 * report, every right it could not handle. A caller that wants a
 * guarantee checks br_landlock_complete(); a caller that accepts a
 * downgrade still gets the exact list of rights left allowed.
 *
 * Convention: functions return 0 (or a value >= 0) on success and -errno on
 * failure. Nothing here sets no_new_privs: the caller does (landlock's
 * restrict_self needs NNP or CAP_SYS_ADMIN, else EPERM).
 */
#ifndef BR_LANDLOCK_H
#define BR_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h"

#define BR_LANDLOCK_ABI_MAX 10 /* newest ABI this library knows */

/* The rights and scopes of a ruleset, one mask per kind. */
struct br_landlock_access {
	uint64_t fs, net, scoped;
};

/* Rights that may be granted on a regular file (others are for dirs). */
#define BR_LANDLOCK_FS_FILE                                                         \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |               \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |               \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/*
 * The running ABI: > 0 the version, -ENOSYS when the kernel lacks Landlock
 * (CONFIG_SECURITY_LANDLOCK), -EOPNOTSUPP when it is built but not enabled
 * (lsm= boot parameter), other -errno (e.g. a seccomp filter) otherwise.
 * Cached after the first call; br_landlock_force_abi() overrides it.
 */
int br_landlock_abi(void);

/* Unit-test hook: make br_landlock_abi() return abi (a version or -errno)
 * from now on; 0 goes back to asking the kernel. */
void br_landlock_force_abi(int abi);

/* "7", "none" (ENOSYS), "disabled" (EOPNOTSUPP) or "error:EPERM".
 * Returns buf. */
const char *br_landlock_abi_str(int abi, char *buf, size_t len);

/* Bitmask of fixed errata (>= 0), or -errno: -EINVAL before ABI 7, which
 * has no errata query. */
long br_landlock_errata(void);

/* Everything ABI abi has (all zero for abi <= 0). */
struct br_landlock_access br_landlock_access_for_abi(int abi);
/* The landlock_restrict_self() flags ABI abi accepts. */
uint32_t br_landlock_flags_for_abi(int abi);
/* The first ABI that has this one right/scope/flag (kind: 'f' fs, 'n' net,
 * 's' scope, 'r' restrict flag), or 0 if unknown. */
int br_landlock_abi_of(char kind, uint64_t bit);

/* Comma-separated names of a mask ("read_file,truncate"), "-" when empty.
 * kind as above. Returns buf. */
const char *br_landlock_names(char kind, uint64_t mask, char *buf, size_t len);

struct br_landlock_report {
	int abi;                             /* ABI used (<= 0: no Landlock) */
	struct br_landlock_access requested; /* asked to handle */
	struct br_landlock_access handled;   /* the kernel ruleset handles */
	struct br_landlock_access dropped;   /* asked, but this ABI lacks it */
	struct br_landlock_access unhandled; /* this ABI has it, not asked: left allowed */
	uint32_t flags_requested, flags_applied, flags_dropped; /* restrict_self */
	unsigned rules_added;  /* rules the kernel took */
	unsigned rules_empty;  /* rules whose every right was masked away */
	uint64_t rule_fs_masked, rule_net_masked; /* rights masked out of rules */
	bool enforced;         /* restrict_self succeeded */
};

/* The builder. Caller-owned; fd is the ruleset (-1 when none). */
struct br_landlock {
	int fd;
	struct br_landlock_report report;
};

/* Mask `want` by ABI abi into a report (no syscalls): the whole
 * downgrade logic, unit-testable at any ABI. */
void br_landlock_mask(int abi, const struct br_landlock_access *want,
		      struct br_landlock_report *out);

/*
 * Create a ruleset handling `want` as far as the running ABI allows.
 * 0 on success. Without Landlock returns -ENOSYS/-EOPNOTSUPP with
 * ll->fd = -1 and a report in which everything requested is dropped.
 * A request that masks down to nothing at all is -ENOMSG (the kernel's
 * answer to an empty ruleset), again with the report filled in.
 */
int br_landlock_init(struct br_landlock *ll, const struct br_landlock_access *want);

/* Allow fs rights beneath path (or an O_PATH fd). Rights the ruleset does
 * not handle are masked (they are allowed anyway), and so are directory
 * rights on a non-directory. A rule left empty is counted and skipped:
 * returns 0. -errno from open or the kernel. */
int br_landlock_allow_path(struct br_landlock *ll, const char *path, uint64_t fs);
int br_landlock_allow_fd(struct br_landlock *ll, int fd, uint64_t fs);

/* Allow net rights on a port (host order; > 65535 is the kernel's EINVAL). */
int br_landlock_allow_port(struct br_landlock *ll, uint64_t port, uint64_t net);

/*
 * Enforce on the calling thread (and, with LANDLOCK_RESTRICT_SELF_TSYNC
 * where ABI >= 8, on every thread). Flags the ABI lacks are dropped and
 * reported (flags_dropped); without TSYNC sibling threads stay unrestricted.
 * Closes the ruleset fd. 0 or -errno (-EBADF when init failed).
 */
int br_landlock_restrict(struct br_landlock *ll, uint32_t flags);

/* Close the ruleset without enforcing it. */
void br_landlock_close(struct br_landlock *ll);

/* True when nothing requested was dropped (rights, scopes or flags). */
bool br_landlock_complete(const struct br_landlock_report *r);

/* One-line text form:
 * "abi=7 handled fs=... net=... scoped=...; dropped fs=...; left-allowed fs=...; flags dropped=tsync"
 * Returns the length it needed (as snprintf). */
int br_landlock_report_text(const struct br_landlock_report *r, char *buf, size_t len);

/* One row of a rule table (tables end with {0}): fs rights beneath path,
 * or net rights on port (when path is NULL). */
struct br_landlock_rule {
	const char *path;
	uint64_t fs;
	uint64_t port;
	uint64_t net;
};

/* init + every rule of the table + restrict(flags), in one call. Fills
 * *report (may be NULL). 0 or the first -errno (the ruleset is then not
 * enforced, and the report says so). The caller sets NNP first. */
int br_landlock_apply(const struct br_landlock_access *handle,
		      const struct br_landlock_rule *rules, uint32_t flags,
		      struct br_landlock_report *report);

/* NULL when the running ABI is at least need, else why not, pointing to
 * the fix: "needs ABI 8 (running Landlock ABI 7)", "needs ABI 1: the kernel
 * has no Landlock (CONFIG_SECURITY_LANDLOCK)", "... not enabled (add landlock
 * to the lsm= boot parameter)". Static storage. */
const char *br_landlock_missing(int need);

/* Raw syscalls, for argument-validation tests: -1 and errno as the kernel. */
int br_landlock_create_ruleset(const void *attr, size_t size, uint32_t flags);
int br_landlock_add_rule(int fd, int type, const void *attr, uint32_t flags);
int br_landlock_restrict_self(int fd, uint32_t flags);

#endif
