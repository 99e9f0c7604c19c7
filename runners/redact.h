/*
 * assess --redact: the kernel command line, this machine's hostnames and
 * the user names of its people, out of every file of an evidence bundle.
 * A name is replaced where it stands as a whole token (a run of letters,
 * digits, '_' and '-'), except where it is a sysctl's first part: "vm" the
 * hostname goes, "vm.max_map_count" stays.
 */
#ifndef BR_REDACT_H
#define BR_REDACT_H

#include "assess.h"

#define REDACT_MAX 64

struct redact {
	char *cmdline;                /* /proc/cmdline, spaces as read */
	char *names[REDACT_MAX];      /* hostnames, then user names */
	const char *tags[REDACT_MAX]; /* "[host]" / "[user]" */
	int n, hosts, users;
};

/* Hostnames (gethostname, /etc/hostname) and user names (the caller's unless
 * root, $SUDO_USER, $USER, $LOGNAME, and /etc/passwd's uids 1000-65533). */
void redact_init(struct redact *r);
void redact_free(struct redact *r);
/* s with every name and the cmdline replaced; caller frees. */
char *redact_str(const struct redact *r, const char *s);
/* Every field of every record, in place; the kernel.cmdline fact becomes "[redacted]". */
void redact_recs(const struct redact *r, struct recs *recs);
/* Rewrite a file with redact_str (atomically). 0 or -errno. */
int redact_file(const struct redact *r, const char *path);

#endif
