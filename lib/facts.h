/*
 * Environment facts: the fingerprint of the kernel and of the calling
 * process, as an ordered list of key=value strings (README "Facts").
 * Facts are observations that legitimately differ across hosts; they are
 * never verdicts. A source that does not exist on this kernel is omitted,
 * never invented; a source that exists but cannot be read gets the value
 * "unreadable(ERRNO)".
 */
#ifndef BR_FACTS_H
#define BR_FACTS_H

#include <stddef.h>

struct br_fact_kv {
	char *key;   /* owned by the list */
	char *value; /* owned by the list */
};

struct br_facts {
	struct br_fact_kv *kv;
	size_t n, cap;
};

/* Fill f (zero it first) with every fact this kernel and process have. Each
 * probe that could be killed (x32, ia32 under a seccomp filter) or that
 * changes namespaces (a private securityfs mount) runs in a forked child.
 * 0, or -ENOMEM. Free with br_facts_free() in either case. */
int br_facts_gather(struct br_facts *f);

/* Append key=value (printf format). A key already present is replaced.
 * 0 or -ENOMEM. */
int br_facts_add(struct br_facts *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of key, or NULL. Borrowed: valid until the list changes. */
const char *br_facts_get(const struct br_facts *f, const char *key);

void br_facts_free(struct br_facts *f);

/* x32 and ia32 come from lib/probe's br_abi_state(). */
/* Comma-separated LSM names in kernel order (as lsm= takes them), from securityfs, a private
 * securityfs mount (root), or lsm_list_modules(2) (6.8+). Returns the
 * source used ("securityfs", "securityfs-private", "lsm_list_modules"),
 * or NULL when no source answered. */
const char *br_fact_lsm(char *buf, size_t size);

#endif
