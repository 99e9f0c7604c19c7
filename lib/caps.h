/*
 * Capabilities (libcap): the five sets, securebits and no_new_privs.
 *
 * Sets are bit masks (bit n = capability n); every capability the kernel
 * knows fits in 64 bits. All calls act on the calling thread only (capsets
 * are per thread): call them before starting threads.
 * Return convention: 0 (or a count) on success, -errno on failure.
 * Functions suffixed _or_die print "blastradius: caps: <what>: <errno>" and
 * _exit(1) instead of returning an error: a half-applied restriction must
 * never run the payload.
 */
#ifndef BR_CAPS_H
#define BR_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

typedef uint64_t br_capmask;
#define BR_CAP(c) ((br_capmask)1 << (c))

/* Highest capability our headers name (CAP_LAST_CAP of the UAPI we build against). */
#define BR_CAP_NAMED_LAST 40

struct br_caps {
	br_capmask eff, prm, inh, bnd, amb;
	unsigned int securebits; /* SECBIT_* and their _LOCKED bits */
	int nnp;                 /* no_new_privs: 0 or 1 */
};

/* The running kernel's last capability (/proc/sys/kernel/cap_last_cap, else
 * probed with PR_CAPBSET_READ). 0..63 or -errno. */
int br_caps_last_cap(void);

/* Every capability the running kernel knows (0 if it cannot be read). */
br_capmask br_caps_all(void);

/* Lower-case name without "cap_" ("net_raw"); "cap_41" style for capabilities
 * beyond our table. Returns static or thread-local storage: do not free. */
const char *br_cap_name(int cap);

/* Parse "net_raw", "CAP_NET_RAW", "cap_net_raw" or a number: 0..63 or -EINVAL. */
int br_cap_from_name(const char *name);

/* Parse a list separated by commas or spaces ("chown,net_raw"); "" and
 * "none" are empty, "all" is br_caps_all(). 0 or -EINVAL (unknown name). */
int br_caps_parse(const char *list, br_capmask *out);

/* Read the calling thread's state. 0 or -errno. */
int br_caps_get(struct br_caps *out);

/*
 * Make eff/prm/inh/bnd/amb exactly as in *want (securebits and nnp are
 * ignored: see below). Order: bounding drops (CAP_SETPCAP is raised in the
 * effective set for this while still permitted), ambient cleared, capset,
 * ambient raised, then the result is read back and compared.
 * -EINVAL: eff not within prm, amb not within prm&inh, or unknown caps.
 * -EPERM: a cap asked for in prm or bnd is not held now (sets only shrink),
 *         or the kernel refused a step. -EIO: the read-back differs.
 * On failure the state may be partly applied (never wider than before).
 */
int br_caps_set(const struct br_caps *want);
void br_caps_set_or_die(const struct br_caps *want);

/* Keep exactly these caps in all five sets, drop every other one. */
int br_caps_keep_mask(br_capmask keep);
int br_caps_keep_only(const cap_value_t *keep, size_t n);
/* As br_caps_keep_mask(), with names as in br_caps_parse(). */
int br_caps_keep_names(const char *list);
void br_caps_keep_names_or_die(const char *list);
/* Drop everything from all five sets. */
int br_caps_drop_all(void);
void br_caps_drop_all_or_die(void);

/*
 * Securebits. br_caps_set_securebits() sets the exact value (SECBIT_* and
 * SECBIT_*_LOCKED). br_caps_lock_securebits() adds the given base bits
 * (e.g. SECBIT_NOROOT | SECBIT_NO_CAP_AMBIENT_RAISE) together with their
 * locks, keeping bits already set. Both need CAP_SETPCAP (in the caller's
 * user namespace); a change of a locked bit or an unlock is -EPERM.
 */
int br_caps_set_securebits(unsigned int bits);
int br_caps_lock_securebits(unsigned int bits);
void br_caps_lock_securebits_or_die(unsigned int bits);

/* Set no_new_privs (irreversible, inherited). 0 or -errno. */
int br_caps_set_nnp(void);
void br_caps_set_nnp_or_die(void);

/*
 * Text forms. A mask prints as "none", "all" (every cap the kernel knows),
 * "chown,net_raw" or "all-sys_resource,net_raw" (all but those), whichever is
 * shorter. The state prints as
 *   "eff=... prm=... inh=... bnd=... amb=... securebits=0x2f nnp=1".
 * Both return the length written (truncated to size-1), or -ENOSPC.
 */
int br_caps_mask_format(br_capmask m, char *buf, size_t size);
int br_caps_format(const struct br_caps *c, char *buf, size_t size);

#endif
