/* assess: probe records, and claims checked against them. */
#ifndef BR_ASSESS_H
#define BR_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "codes.h"

struct findings;

/* One line of blastradius-probe output (README "Probe records"). */
struct rec {
	char kind;    /* 'F' fact, 'O' observation, 'D' a probe worker that died
		       * (key: its section, value: how, detail: its last attempt) */
	char *key, *value;
	char *cause;  /* observations: none, seccomp-kill, capability, lsm, ... */
	char *detail;
};

struct recs {
	struct rec *v;
	size_t n;
	bool started;  /* saw the header */
	bool complete; /* saw the header and the "end" line */
	size_t ndied;  /* D records: sections whose worker died */
	char *last_attempt; /* the last A record, or NULL */
};

/* NULL when every probe section named in sections (blank-separated:
 * identity creds facts seccomp.default syscalls crossings io_uring fhandle
 * fs landlock procsys sockets tiocsti mac) ran to its end; else why not, in buf. */
const char *section_gap(const struct recs *in, const char *sections, char *buf, size_t size);

/* The evidence is incomplete: no "end", or a section's worker died. */
bool recs_incomplete(const struct recs *r);

#define MAX_SOCKETS 32

/* One assess run: options, the records inside and outside, the results. */
struct assess {
	const char *claims_path, *out, *probe, *sarif, *records;
	char **cmd;
	int ncmd;
	bool no_probe_arg, strict, redact;
	int fail_on; /* enum fsev, or -1 */
	char *sockets[MAX_SOCKETS];
	int nsockets;
	char **ref_sockets; /* the outside's live sockets, passed to the inside */
	size_t nref_sockets;
	struct br_claims claims;
	char **probe_args; /* probe path and its options */
	struct recs in, ref;
	char *in_text, *ref_text;
	int launcher_status;
	char *ktap;
	unsigned tot[BR_NVERDICTS];
	int argc;
	char **argv;
	char probe_sha[65], *time;
	struct findings *findings;
};

/* The probe binary: want, else $BR_PROBE, else the one next to blastradius;
 * its absolute path (caller frees), or NULL. */
char *find_probe(const char *want);

/* Why the evidence is incomplete, in one sentence (caller frees), or NULL. */
char *incomplete_why(const struct assess *a);

/* report.html of the evidence bundle (runners/assess_html.c). */
void assess_html(const struct assess *a, const char *path);

/* Parse probe output; lines outside the header..end frame are ignored
 * (a launcher may print its own). Never fails; check ->complete. */
void recs_parse(struct recs *r, const char *text);
void recs_free(struct recs *r);
/* The record of that kind and key, or NULL. */
const struct rec *recs_get(const struct recs *r, char kind, const char *key);

/* Evaluate one claim. ref is the same probe run outside the sandbox (NULL
 * without -- CMD). Returns BR_PASS, BR_FAIL or BR_SKIP and writes what was
 * measured (or why it could not be) into msg. */
enum br_verdict claim_check(const struct br_claim *c, const struct recs *in,
			    const struct recs *ref, char *msg, size_t size);

/* Plain-language statements of what a compromised process inside could
 * reach, one per line, grouped by area; caller frees. */
char *reach_summary(const struct recs *in, const struct recs *ref, enum br_area area);

/* The same, as short "CAN ..." / "cannot ..." sentences across areas. */
char *plain_summary(const struct recs *in, const struct recs *ref);

/* "isolated"/"shared"/NULL (unknown, why in msg) for namespace type t. */
const char *ns_state(const struct recs *in, const struct recs *ref, const char *t, char *msg,
		     size_t size);

/* From the probe's procsys.host and procsys.ns.<type>: procsys.global (host
 * settings, and the files of every namespace not measured to be the
 * sandbox's own), procsys.own and procsys.namespaces (how each type was
 * judged). Appended to in; nothing when the probe did not get that far. */
void procsys_resolve(struct recs *in, const struct recs *ref);

/* What uid 0 inside is outside, from a uid_map record ("0 0 1; ..."):
 * "host" (uid 0), "mapped" (another uid) or "unmapped". */
const char *root_map(const char *map);

/* Observations whose key starts with prefix ("socket."): the number that
 * were allowed (their key tails, blank-separated, in list), or -1 when none
 * was measured. */
int family(const struct recs *in, const char *prefix, char *list, size_t size);

/* "visible"/"hidden"/NULL (unknown, why in msg): the host's process table. */
const char *host_pids(const struct recs *in, const struct recs *ref, char *msg, size_t size);

/* What the MAC layer does for the process (runners/assess_mac.c): the
 * best-informed reading wins, but one LSM that confines beats the others. */
enum mac_state { MAC_CONFINED, MAC_UNKNOWN, MAC_LOGGING, MAC_NONE };

struct mac_view {
	enum mac_state state;
	const char *lsm;             /* the active LSMs, or NULL (unknown) */
	const char *aa, *se, *yama;  /* mac.apparmor, mac.selinux, mac.yama, or NULL */
	const char *se_ctx;          /* the SELinux context, or NULL */
	bool se_outside, yama_outside; /* system-wide values the inside could not read */
	char aa_profile[256];        /* AppArmor's profile (or "unconfined" ...) */
	const char *label, *label_lsm; /* what mac.label names, and whose; NULL: no label */
	bool compared, same_as_outside; /* the labels inside against the outside's */
	char what[1024];             /* every LSM's part, "; " between */
	char confined_by[512];       /* the parts that confine */
	char outside[512];           /* "apparmor label outside: ..." */
};

void mac_view(const struct recs *in, const struct recs *ref, struct mac_view *m);

/* One sentence: "confined by AppArmor profile X in enforce mode", "no MAC
 * policy confines this process (...)", ... */
const char *mac_sentence(const struct mac_view *m, char *buf, size_t size);

#endif
