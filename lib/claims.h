/*
 * Claims files: what a sandbox's vendor says about it, one claim a line.
 *
 *   # comment
 *   ns.net         = isolated
 *   caps.bounding  <= cap_net_bind_service
 *   landlock.abi   >= 3
 *   seccomp.deny   = open_by_handle_at io_uring_setup bpf
 *
 * A line is KEY OP VALUE; OP is one of = != >= <=; VALUE is one word or a
 * blank-separated list. Every key, its operators and its values are in
 * br_claim_keys[] (and the README "Claims keys" table, generated from it by
 * `blastradius assess --keys`). Anything else is an error naming file:line.
 */
#ifndef BR_CLAIMS_H
#define BR_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

enum br_claim_op { BR_OP_EQ, BR_OP_NE, BR_OP_GE, BR_OP_LE, BR_NOPS };

enum br_claim_type {
	BR_CV_CHOICE,   /* one word from choices[] */
	BR_CV_INT,      /* a decimal integer >= 0 */
	BR_CV_CAPS,     /* "none", "all", or capability names as libcap spells them (cap_sys_admin) */
	BR_CV_SECBITS,  /* "none" or securebit names (noroot, keep_caps_locked, ...) */
	BR_CV_SYSCALLS, /* syscall names from the probe table (br_sysprobes) */
	BR_CV_PATHS,    /* absolute paths */
	BR_CV_GLOBS,    /* "none" or dotted sysctl globs (net.*) */
	BR_CV_WORDS,    /* one or more words, each from choices[] */
	BR_CV_IDS,      /* "none" or decimal ids (group ids) */
	BR_CV_LABEL,    /* one word: an LSM label (an AppArmor profile, an SELinux context) */
};

/* The questionnaire area a claim answers (shared/seed/questionnaire.txt). */
enum br_area {
	BR_AREA_NS,
	BR_AREA_SECCOMP,
	BR_AREA_CAPS,
	BR_AREA_LANDLOCK,
	BR_AREA_BREACH,
	BR_NAREAS
};

struct br_claim_key {
	const char *name;
	unsigned ops; /* bit (1 << enum br_claim_op) per allowed operator */
	enum br_claim_type type;
	const char *const *choices; /* BR_CV_CHOICE: NULL-terminated */
	enum br_area area;
	const char *doc; /* what "holds" means, for the README table */
};

extern const struct br_claim_key br_claim_keys[]; /* ends with {0} */

struct br_claim {
	const struct br_claim_key *key;
	enum br_claim_op op;
	char *text;   /* the value as written, blanks squeezed */
	char **words; /* the value split on blanks, NULL-terminated */
	size_t nwords;
	long num;     /* BR_CV_INT */
	unsigned long long mask; /* BR_CV_CAPS / BR_CV_SECBITS: the bit set */
	int line;
	bool trap_ok; /* seccomp.deny: the file also claims seccomp.denied_by ... trap */
};

struct br_claims {
	struct br_claim *v;
	size_t n;
};

/*
 * Parse path into c (zero it first). 0 on success. On a syntax error,
 * -EINVAL with err = "path:line: what was expected"; on an I/O error,
 * -errno with err = "path: reason". Free with br_claims_free() in any case.
 * Parsing stops at the first error.
 */
int br_claims_parse(const char *path, struct br_claims *c, char *err, size_t errsize);
/* The same for text in memory; name stands for the path in messages. */
int br_claims_parse_text(const char *name, const char *text, struct br_claims *c, char *err,
			 size_t errsize);
void br_claims_free(struct br_claims *c);

const char *br_claim_op_str(enum br_claim_op op); /* "=", "!=", ">=", "<=" */
const char *br_area_name(enum br_area a);        /* "namespace isolation", ... */
const char *br_area_id(enum br_area a);          /* "namespaces", "seccomp", ... */

/* Securebit bit number by name ("noroot", "noroot_locked"...), or -1. */
int br_secbit_from_name(const char *name);
const char *br_secbit_name(int bit);

#endif
