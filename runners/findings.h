/*
 * Findings: ranked, plain-words conclusions drawn from probe records,
 * independent of any claims file (README "Findings"). One table of rules
 * (finding_rules[]) feeds assess's KTAP summary, report.html, SARIF and
 * --fail-on. A rule whose records were not written is "not measured",
 * never a finding and never "clear".
 */
#ifndef BR_FINDINGS_H
#define BR_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "assess.h"

enum fsev { SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFO, SEV_N };

/* "critical" ... "info"; sev_parse gives -1 for anything else. */
const char *sev_name(enum fsev s);
int sev_parse(const char *s);

/* A question of the assessor's questionnaire (shared/seed/questionnaire.txt),
 * by area; report.html answers each. */
enum qitem {
	Q_NS_WHICH, Q_NS_MAP, Q_NS_CAPS,
	Q_SC_POLICY, Q_SC_SYSCALLS,
	Q_CAPS_RETAINED,
	Q_LL_USED,
	Q_BR_PIDS, Q_BR_SESSIONS, Q_BR_DAEMON, Q_BR_MAC,
	Q_N
};

struct qitem_info {
	enum br_area area;
	const char *text; /* the item, in the questionnaire's words */
};
extern const struct qitem_info qitems[Q_N];
/* The questionnaire's question for an area, quoted. */
const char *area_question(enum br_area a);

enum fstate { F_FOUND, F_CLEAR, F_UNMEASURED };

struct fctx; /* what a rule reads: the records inside and outside */

struct finding_rule {
	const char *id;    /* stable; SARIF rule id */
	enum fsev sev;
	enum qitem item;   /* the questionnaire item it answers */
	const char *what;  /* what it looks at, for "not measured" and SARIF's rule name */
	const char *when;  /* the condition, in words (README, SARIF) */
	const char *keys;  /* evidence records, blank-separated; "x.*" is a family */
	const char *fix;   /* what would close it */
	/* F_FOUND with the title written, F_CLEAR, or F_UNMEASURED; NULL: the
	 * rule is match and title below. */
	enum fstate (*eval)(const struct fctx *c, char *title, size_t size);
	const char *match; /* "key=value", or "family.*=value" (any of them) */
	const char *title; /* when found; a family's key tails replace %s */
	const char *sections; /* the probe sections it reads: clear only when they all finished */
};
extern const struct finding_rule finding_rules[]; /* ends with {0} */

struct finding {
	const struct finding_rule *rule;
	enum fstate state;
	char title[1024];
};

struct findings {
	struct finding v[64];
	size_t n;           /* every rule: found ones worst first, then clear, then not measured */
	unsigned count[SEV_N]; /* found, per severity */
};

void findings_eval(struct findings *out, const struct recs *in, const struct recs *ref);

/* The evidence of f: "key=value" for each record it rests on that was
 * written, separated by "; ". */
void finding_evidence(const struct finding *f, const struct recs *in, char *buf, size_t size);

/* KTAP comment lines: "# finding SEVERITY ID: title", the fix, then what was not measured. */
void findings_ktap(FILE *f, const struct findings *fs);

/* The worst severity found at or above `at`, as a finding; NULL if none. */
const struct finding *findings_at_or_above(const struct findings *fs, enum fsev at);

/* A unix socket's path (or @abstract name): 0 a container daemon's, 1 a
 * user's session (its bus, X11, agents), 2 any other. */
int socket_class(const char *path);

/* The rules as a markdown table (README "Findings"; assess --rules). */
void findings_markdown(FILE *f);

/* Why a probed syscall matters, one short line; NULL for calls that are not
 * dangerous (getpid, write, ...). *escape: a usual first step of an escape. */
const char *syscall_why(const char *name, bool *escape);

/* uid 0 inside is uid 0 on the host: 1 yes, 0 no, -1 not measured. */
int root_is_host_root(const struct recs *in, const struct recs *ref);

/* "all but sys_resource", "none", "chown, net_raw" from a caps detail. */
void caps_plain(const char *detail, char *buf, size_t size);

#endif
