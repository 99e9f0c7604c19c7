/* Claims file parser: KEY OP VALUE lines, checked against br_claim_keys[]. */
#include "claims.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "probe.h"
#include "proc.h"

#define EQ (1U << BR_OP_EQ)
#define NE (1U << BR_OP_NE)
#define GE (1U << BR_OP_GE)
#define LE (1U << BR_OP_LE)

static const char *const isolation[] = {"isolated", "shared", NULL};
static const char *const onoff[] = {"on", "off", NULL};
static const char *const modes[] = {"disabled", "strict", "filter", NULL};
static const char *const archs[] = {"native-only", "any", NULL};
static const char *const denied_allowed[] = {"denied", "allowed", NULL};
static const char *const blocked_available[] = {"blocked", "available", NULL};
static const char *const enforced_none[] = {"enforced", "none", NULL};
static const char *const hidden_visible[] = {"hidden", "visible", NULL};
static const char *const reach[] = {"unreachable", "reachable", NULL};
static const char *const rootmap[] = {"host", "mapped", "unmapped", NULL};
static const char *const actions[] = {"kill", "errno", "trap", NULL};
static const char *const aa_modes[] = {"enforce", "complain", "kill", "unconfined", "absent", NULL};
static const char *const se_modes[] = {"enforcing", "permissive", "disabled", NULL};
static const char *const ll_rights[] = {"truncate", "ioctl_dev", "bind_tcp", "connect_tcp",
					 "abstract_unix_socket", "signal", NULL};

#define NS_KEY(t)                                                                        \
	{"ns." #t, EQ, BR_CV_CHOICE, isolation, BR_AREA_NS,                              \
	 "isolated: the " #t " namespace differs from the reference (the outside tool's, " \
	 "or PID 1's without CMD)"}
#define CAP_KEY(set)                                                                    \
	{"caps." #set, EQ | LE | GE, BR_CV_CAPS, NULL, BR_AREA_CAPS,                    \
	 "the " #set " set equals (=), is within (<=) or includes (>=) the listed caps"}

const struct br_claim_key br_claim_keys[] = {
	NS_KEY(user), NS_KEY(pid), NS_KEY(net), NS_KEY(mnt),
	NS_KEY(ipc), NS_KEY(uts), NS_KEY(cgroup), NS_KEY(time),
	{"uid", EQ | NE, BR_CV_INT, NULL, BR_AREA_NS, "the real uid inside the sandbox"},
	{"uid_map.root", EQ, BR_CV_CHOICE, rootmap, BR_AREA_NS,
	 "what uid 0 inside is outside: host (uid 0), mapped (another uid) or unmapped"},
	CAP_KEY(effective), CAP_KEY(permitted), CAP_KEY(inheritable),
	CAP_KEY(bounding), CAP_KEY(ambient),
	{"securebits", EQ | LE | GE, BR_CV_SECBITS, NULL, BR_AREA_CAPS,
	 "the securebits set (noroot, noroot_locked, no_setuid_fixup[_locked], keep_caps[_locked], "
	 "no_cap_ambient_raise[_locked])"},
	{"nnp", EQ | NE, BR_CV_CHOICE, onoff, BR_AREA_CAPS, "no_new_privs is set"},
	{"seccomp.mode", EQ | NE, BR_CV_CHOICE, modes, BR_AREA_SECCOMP,
	 "Seccomp: in /proc/self/status"},
	{"seccomp.filters", EQ | GE | LE, BR_CV_INT, NULL, BR_AREA_SECCOMP,
	 "number of stacked filters (Seccomp_filters, 5.9+)"},
	{"seccomp.arch", EQ, BR_CV_CHOICE, archs, BR_AREA_SECCOMP,
	 "native-only: getpid through x32 (nr|0x40000000) and ia32 (int $0x80) does not run"},
	{"seccomp.deny", EQ, BR_CV_SYSCALLS, NULL, BR_AREA_SECCOMP,
	 "each syscall is stopped by seccomp (errno or kill; a trap only when seccomp.denied_by "
	 "lists trap) on every ABI that is live, and its io_uring operation (openat, openat2, "
	 "socket, connect, accept4, sendto, recvfrom) does not work through a ring"},
	{"seccomp.denied_by", EQ, BR_CV_WORDS, actions, BR_AREA_SECCOMP,
	 "every denial seen (the default action for an unlisted call, and each probed syscall "
	 "stopped by seccomp) is one of these: kill, errno, or trap (a SIGSYS a handler catches)"},
	{"seccomp.allow", EQ, BR_CV_SYSCALLS, NULL, BR_AREA_SECCOMP,
	 "each syscall gets past seccomp on the native ABI (sentinel error or success)"},
	{"syscalls.blocked", EQ, BR_CV_SYSCALLS, NULL, BR_AREA_BREACH,
	 "each syscall fails before doing anything on every live ABI, by any layer"},
	{"io_uring", EQ, BR_CV_CHOICE, blocked_available, BR_AREA_SECCOMP,
	 "blocked: no ring operation probed (OPENAT, OPENAT2, SOCKET, CONNECT, ACCEPT, SEND, RECV) "
	 "works (seccomp never sees SQEs)"},
	{"landlock.abi", EQ | GE | LE, BR_CV_INT, NULL, BR_AREA_LANDLOCK,
	 "the kernel's Landlock ABI (0 when Landlock is unavailable)"},
	{"landlock", EQ, BR_CV_CHOICE, enforced_none, BR_AREA_LANDLOCK,
	 "enforced: a file access that DAC allows (access(2) says yes) is refused with EACCES"},
	{"landlock.handled", GE, BR_CV_WORDS, ll_rights, BR_AREA_LANDLOCK,
	 "each right is refused by the Landlock domain where DAC allows it (truncate in a scratch "
	 "directory, ioctl on /dev/null and the like, TCP bind and connect on 127.0.0.1, signals to "
	 "the parent, connects to the outside's abstract sockets)"},
	{"landlock.write", EQ, BR_CV_PATHS, NULL, BR_AREA_LANDLOCK,
	 "files can be created under each path, and in no other probed place DAC allows"},
	{"fhandle", EQ, BR_CV_CHOICE, denied_allowed, BR_AREA_BREACH,
	 "open_by_handle_at of a handle made inside, and of one made outside, is refused"},
	{"host.pids", EQ, BR_CV_CHOICE, hidden_visible, BR_AREA_BREACH,
	 "hidden: own pid namespace and /proc shows no process outside it"},
	{"procsys.writable", EQ | LE, BR_CV_GLOBS, NULL, BR_AREA_BREACH,
	 "files under /proc/sys that open for writing: = none, or <= these sysctl globs"},
	{"sockets", EQ, BR_CV_CHOICE, reach, BR_AREA_BREACH,
	 "unreachable: no unix socket tried (every listening one of the outside, the well-known "
	 "daemon paths, --socket PATH or @NAME) accepts a connection, and at least one was a live "
	 "daemon to try"},
	{"procsys.global", EQ | LE, BR_CV_GLOBS, NULL, BR_AREA_BREACH,
	 "global (host-wide, not namespaced) files under /proc/sys that open for writing: = none, "
	 "or <= these sysctl globs"},
	{"setgroups", EQ, BR_CV_CHOICE, denied_allowed, BR_AREA_NS,
	 "setgroups(2) to the current group list is refused (denied) or works (allowed)"},
	{"groups", EQ | LE, BR_CV_IDS, NULL, BR_AREA_NS,
	 "the supplementary groups inside (getgroups) are exactly (=) or within (<=) these ids, "
	 "or none"},
	{"tiocsti", EQ, BR_CV_CHOICE, denied_allowed, BR_AREA_BREACH,
	 "TIOCSTI on /dev/tty, or else on an inherited terminal fd, is refused (sentinel: NULL char)"},
	{"mac.apparmor", EQ, BR_CV_CHOICE, aa_modes, BR_AREA_BREACH,
	 "AppArmor's mode for the process, from its label: enforce, complain or kill (a profile "
	 "confines it in that mode), unconfined (AppArmor is active, no profile), absent (not an "
	 "active LSM)"},
	{"mac.selinux", EQ, BR_CV_CHOICE, se_modes, BR_AREA_BREACH,
	 "SELinux's mode (/sys/fs/selinux/enforce; system-wide, so the outside probe's when "
	 "selinuxfs is hidden inside): enforcing, permissive, or disabled (not an active LSM)"},
	{"mac.label", EQ, BR_CV_LABEL, NULL, BR_AREA_BREACH,
	 "the process's label under the LSM that labels it: its AppArmor profile (without the "
	 "mode), SELinux context or Smack label"},
	{"mac.yama", EQ | GE | LE, BR_CV_INT, NULL, BR_AREA_BREACH,
	 "Yama's kernel.yama.ptrace_scope (system-wide: the outside probe's when unreadable "
	 "inside); 0 when Yama is not an active LSM"},
	{0},
};

static const char *const secbits[] = {
	"noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked",
	"keep_caps", "keep_caps_locked", "no_cap_ambient_raise", "no_cap_ambient_raise_locked",
};

int br_secbit_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(secbits) / sizeof(*secbits); i++)
		if (!strcasecmp(name, secbits[i]))
			return (int)i;
	return -1;
}

const char *br_secbit_name(int bit)
{
	return bit >= 0 && (size_t)bit < sizeof(secbits) / sizeof(*secbits) ? secbits[bit] : NULL;
}

const char *br_claim_op_str(enum br_claim_op op)
{
	static const char *const s[] = {"=", "!=", ">=", "<="};

	return op < BR_NOPS ? s[op] : "?";
}

const char *br_area_name(enum br_area a)
{
	static const char *const s[] = {
		"Namespace isolation", "Seccomp-BPF filters", "Capabilities management",
		"Landlock integration", "Breach containment",
	};

	return a < BR_NAREAS ? s[a] : "?";
}

const char *br_area_id(enum br_area a)
{
	static const char *const s[] = {"namespaces", "seccomp", "capabilities", "landlock",
					"breach"};

	return a < BR_NAREAS ? s[a] : "?";
}

struct parse {
	const char *name;
	int line;
	char *err;
	size_t errsize;
};

static int perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errsize, "%s:%d: ", p->name, p->line);

	if (n < 0 || (size_t)n >= p->errsize)
		return -EINVAL; /* the name alone filled err (a long path) */
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsize - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct br_claim_key *find_key(const char *name)
{
	for (const struct br_claim_key *k = br_claim_keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static void ops_list(unsigned ops, char *buf, size_t size)
{
	buf[0] = 0;
	for (int op = 0; op < BR_NOPS; op++)
		if (ops & (1U << op))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s'%s'", buf[0] ? " or " : "",
				 br_claim_op_str(op));
}

static void choices_list(const char *const *c, char *buf, size_t size)
{
	buf[0] = 0;
	for (; *c; c++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s'%s'", buf[0] ? ", " : "", *c);
}

static int check_value(struct parse *p, struct br_claim *c)
{
	const struct br_claim_key *k = c->key;
	char list[256];

	switch (k->type) {
	case BR_CV_CHOICE:
		if (c->nwords == 1)
			for (const char *const *ch = k->choices; *ch; ch++)
				if (!strcmp(*ch, c->words[0]))
					return 0;
		choices_list(k->choices, list, sizeof(list));
		return perr(p, "%s: expected one of %s, got '%s'", k->name, list, c->text);
	case BR_CV_INT: {
		char *end;

		errno = 0;
		c->num = c->nwords == 1 && isdigit((unsigned char)c->words[0][0])
				 ? strtol(c->words[0], &end, 10) : -1;
		if (c->num < 0 || errno || *end)
			return perr(p, "%s: expected a non-negative integer, got '%s'", k->name,
				    c->text);
		return 0;
	}
	case BR_CV_CAPS:
	case BR_CV_SECBITS:
		c->mask = 0;
		if (c->nwords == 1 && !strcmp(c->words[0], "none"))
			return 0;
		if (k->type == BR_CV_CAPS && c->nwords == 1 && !strcmp(c->words[0], "all")) {
			c->mask = ~0ULL;
			return 0;
		}
		for (size_t i = 0; i < c->nwords; i++) {
			/* Caps as profiles spell them: cap_net_raw, net_raw, or a number. */
			int bit = k->type == BR_CV_SECBITS ? br_secbit_from_name(c->words[i])
							   : br_cap_from_name(c->words[i]);

			if (bit < 0 || bit > 63)
				return perr(p, "%s: expected %s, got '%s'", k->name,
					    k->type == BR_CV_CAPS
						    ? "'none', 'all' or capability names like cap_sys_admin"
						    : "'none' or securebit names like noroot_locked",
					    c->words[i]);
			c->mask |= 1ULL << bit;
		}
		return 0;
	case BR_CV_SYSCALLS:
		for (size_t i = 0; i < c->nwords; i++)
			if (!br_sysprobe_find(c->words[i]))
				return perr(p, "%s: expected syscall names that blastradius probes "
					    "('blastradius probes' lists them), got '%s'", k->name, c->words[i]);
		return 0;
	case BR_CV_PATHS:
		for (size_t i = 0; i < c->nwords; i++)
			if (c->words[i][0] != '/')
				return perr(p, "%s: expected absolute paths, got '%s'", k->name,
					    c->words[i]);
		return 0;
	case BR_CV_GLOBS:
		if (c->nwords == 1 && !strcmp(c->words[0], "none"))
			return c->op == BR_OP_EQ ? 0
			       : perr(p, "%s: 'none' goes with '=', got '%s'", k->name,
				      br_claim_op_str(c->op));
		if (c->op == BR_OP_EQ)
			return perr(p, "%s: '=' takes 'none'; use '<=' with sysctl globs", k->name);
		for (size_t i = 0; i < c->nwords; i++)
			for (const char *s = c->words[i]; *s; s++)
				if (!isalnum((unsigned char)*s) && !strchr("._-*?[]", *s))
					return perr(p, "%s: expected dotted sysctl globs like net.*, "
						    "got '%s'", k->name, c->words[i]);
		return 0;
	case BR_CV_WORDS:
		for (size_t i = 0; i < c->nwords; i++) {
			bool ok = false;

			for (const char *const *ch = k->choices; *ch; ch++)
				ok |= !strcmp(*ch, c->words[i]);
			if (!ok) {
				choices_list(k->choices, list, sizeof(list));
				return perr(p, "%s: expected words from %s, got '%s'", k->name, list,
					    c->words[i]);
			}
		}
		return 0;
	case BR_CV_IDS:
		if (c->nwords == 1 && !strcmp(c->words[0], "none"))
			return 0;
		for (size_t i = 0; i < c->nwords; i++)
			if (strspn(c->words[i], "0123456789") != strlen(c->words[i]))
				return perr(p, "%s: expected 'none' or decimal ids, got '%s'", k->name,
					    c->words[i]);
		return 0;
	case BR_CV_LABEL:
		if (c->nwords == 1)
			return 0;
		return perr(p, "%s: expected one label (no blanks), got '%s'", k->name, c->text);
	default:
		return perr(p, "%s: internal error: unknown value type", k->name);
	}
}

/* One non-comment line: KEY OP VALUE. */
static int parse_line(struct parse *p, char *s, struct br_claims *out)
{
	char *key, *op, *val, *save = NULL, list[64];
	struct br_claim c = {.line = p->line};
	size_t klen = strcspn(s, " \t=!<>");

	key = strndup(s, klen);
	s += klen;
	s += strspn(s, " \t");
	c.key = find_key(key);
	if (!klen) {
		free(key);
		return perr(p, "expected a claim key at the start of the line");
	}
	if (!c.key) {
		perr(p, "unknown key '%s' (the README table \"Claims keys\" lists them)", key);
		free(key);
		return -EINVAL;
	}
	free(key);
	op = s;
	if (!strncmp(op, "!=", 2))
		c.op = BR_OP_NE, s += 2;
	else if (!strncmp(op, ">=", 2))
		c.op = BR_OP_GE, s += 2;
	else if (!strncmp(op, "<=", 2))
		c.op = BR_OP_LE, s += 2;
	else if (op[0] == '=')
		c.op = BR_OP_EQ, s += 1;
	if (op == s || (*s && strchr("=<>!", *s))) {
		ops_list(c.key->ops, list, sizeof(list));
		return perr(p, "%s: expected operator %s, got '%.*s'", c.key->name, list,
			    (int)strcspn(op, " \t"), op);
	}
	if (!(c.key->ops & (1U << c.op))) {
		ops_list(c.key->ops, list, sizeof(list));
		return perr(p, "%s: expected operator %s, got '%s'", c.key->name, list,
			    br_claim_op_str(c.op));
	}
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].key == c.key && out->v[i].op == c.op)
			return perr(p, "%s %s: claimed twice (first at line %d)", c.key->name,
				    br_claim_op_str(c.op), out->v[i].line);
	val = s + strspn(s, " \t");
	if (!*val)
		return perr(p, "%s: expected a value after '%s'", c.key->name,
			    br_claim_op_str(c.op));
	c.words = calloc(strlen(val) / 2 + 2, sizeof(char *));
	c.text = calloc(1, strlen(val) + 1);
	if (!c.words || !c.text)
		goto err_nomem;
	for (char *w = strtok_r(val, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (c.nwords)
			strcat(c.text, " ");
		strcat(c.text, w);
		c.words[c.nwords] = strdup(w);
		if (!c.words[c.nwords++])
			goto err_nomem;
	}
	{
		int r = check_value(p, &c);
		struct br_claim *v;

		if (r)
			goto err_free;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			goto err_nomem;
		out->v = v;
		out->v[out->n++] = c;
		return 0;
	}
err_nomem:
	snprintf(p->err, p->errsize, "%s:%d: out of memory", p->name, p->line);
err_free:
	for (size_t i = 0; i < c.nwords; i++)
		free(c.words[i]);
	free(c.words);
	free(c.text);
	return p->err[0] ? -EINVAL : -ENOMEM;
}

int br_claims_parse_text(const char *name, const char *text, struct br_claims *c, char *err,
			 size_t errsize)
{
	struct parse p = {name, 0, err, errsize};
	char *copy = strdup(text), *s, *next;
	int r = 0;

	err[0] = 0;
	if (!copy)
		return -ENOMEM;
	for (s = copy; !r && s; s = next) {
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		p.line++;
		s[strcspn(s, "\r")] = 0;
		if (strlen(s) > 4096) {
			r = perr(&p, "expected a line shorter than 4096 bytes");
			break;
		}
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			continue;
		for (char *q = s; *q; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t')
				r = perr(&p, "expected printable text, got byte 0x%02x",
					 (unsigned char)*q);
		if (!r)
			r = parse_line(&p, s, c);
	}
	free(copy);
	/* A trap stops a seccomp.deny call only where the file says traps are
	 * what its vendor means (a SIGSYS handler can catch it and go on). */
	for (size_t i = 0; !r && i < c->n; i++)
		if (!strcmp(c->v[i].key->name, "seccomp.denied_by"))
			for (size_t j = 0; j < c->v[i].nwords; j++)
				if (!strcmp(c->v[i].words[j], "trap"))
					for (size_t k = 0; k < c->n; k++)
						c->v[k].trap_ok = true;
	return r;
}

int br_claims_parse(const char *path, struct br_claims *c, char *err, size_t errsize)
{
	char *buf = br_read_text(path, BR_MAX_TEXT, err, errsize);
	int r;

	if (!buf)
		return -errno;
	r = br_claims_parse_text(path, buf, c, err, errsize);
	free(buf);
	return r;
}

void br_claims_free(struct br_claims *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->v[i].nwords; j++)
			free(c->v[i].words[j]);
		free(c->v[i].words);
		free(c->v[i].text);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}
