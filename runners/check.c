/*
 * Claims against measurements. Each claim is answered only from probe
 * records; when the records cannot decide it, the verdict is SKIP with the
 * reason, never a guess.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "caps.h"
#include "probe.h"

static const char *const abis[] = {"native", "x32", "ia32"};

void recs_parse(struct recs *r, const char *text)
{
	const char *s = text;
	bool in = false;

	memset(r, 0, sizeof(*r));
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len), *f[5] = {0}, *save = NULL;
		int n = 0;

		s = nl ? nl + 1 : NULL;
		if (!strcmp(line, "blastradius-probe 1")) {
			in = true;
		} else if (in && !strcmp(line, "end")) {
			r->complete = true;
			in = false;
		} else if (in && (line[0] == 'F' || line[0] == 'O') && line[1] == '\t') {
			/* strsep keeps empty fields (an empty detail). */
			save = line + 2;
			while (n < 5 && save)
				f[n++] = strsep(&save, "\t");
			if (n >= 2) {
				struct rec *v = realloc(r->v, (r->n + 1) * sizeof(*v));

				if (v) {
					r->v = v;
					v[r->n++] = (struct rec){line[0], strdup(f[0]), strdup(f[1]),
								 strdup(f[2] ? f[2] : ""),
								 strdup(f[3] ? f[3] : "")};
				}
			}
		}
		free(line);
	}
}

void recs_free(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].key);
		free(r->v[i].value);
		free(r->v[i].cause);
		free(r->v[i].detail);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const struct rec *recs_get(const struct recs *r, char kind, const char *key)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i].kind == kind && !strcmp(r->v[i].key, key))
			return &r->v[i];
	return NULL;
}

static const char *val(const struct recs *r, const char *key)
{
	const struct rec *x = recs_get(r, 'O', key);

	return x ? x->value : NULL;
}

/* The value, or "?" when the probe did not report it. */
static const char *vq(const struct recs *r, const char *key)
{
	const char *v = val(r, key);

	return v ? v : "?";
}

static bool allowed(const struct rec *x)
{
	return x && !strcmp(x->value, "allowed");
}

const char *ns_state(const struct recs *in, const struct recs *ref, const char *t, char *msg,
		     size_t size)
{
	char key[32];
	const struct rec *mine, *theirs;
	const char *pid1;

	snprintf(key, sizeof(key), "ns.%s", t);
	mine = recs_get(in, 'O', key);
	if (!mine || !strncmp(mine->value, "unreadable", 10)) {
		snprintf(msg, size, "/proc/self/ns/%s is %s inside", t, mine ? mine->value : "absent");
		return NULL;
	}
	if (ref) {
		theirs = recs_get(ref, 'O', key);
		if (!theirs || !strncmp(theirs->value, "unreadable", 10)) {
			snprintf(msg, size, "the outside %s namespace is unreadable", t);
			return NULL;
		}
		snprintf(msg, size, "inside %s, outside %s", mine->value, theirs->value);
		return strcmp(mine->value, theirs->value) ? "isolated" : "shared";
	}
	/* Without CMD: compare with PID 1, which is only the host's init when we
	 * share its pid namespace (NSpid has one level). */
	if (!strcmp(t, "pid") && val(in, "pid.levels") && atoi(val(in, "pid.levels")) > 1) {
		snprintf(msg, size, "NSpid shows %s pid namespace levels", val(in, "pid.levels"));
		return "isolated";
	}
	pid1 = strstr(mine->detail, "pid1=");
	if (pid1 && strncmp(pid1 + 5, "unreadable", 10) &&
	    (!val(in, "pid.levels") || atoi(val(in, "pid.levels")) == 1)) {
		snprintf(msg, size, "ours %s, PID 1's %s", mine->value, pid1 + 5);
		return strcmp(mine->value, pid1 + 5) ? "isolated" : "shared";
	}
	if (!strcmp(t, "user") && val(in, "uid_map")) {
		snprintf(msg, size, "uid_map is '%s'", val(in, "uid_map"));
		return strcmp(val(in, "uid_map"), "0 0 4294967295") ? "isolated" : "shared";
	}
	snprintf(msg, size, "no reference to compare with: PID 1's namespace is %s (run as root, "
		 "or use assess -- CMD)", pid1 ? pid1 + 5 : "unknown");
	return NULL;
}

/* uid 0 inside: "host", "mapped" or "unmapped", from "a b c; a b c". */
const char *root_map(const char *map)
{
	const char *s = map;

	while (s && *s) {
		unsigned long in, out, count;

		if (sscanf(s, "%lu %lu %lu", &in, &out, &count) == 3 && in == 0 && count > 0)
			return out == 0 ? "host" : "mapped";
		s = strchr(s, ';');
		s = s ? s + 1 : NULL;
	}
	return "unmapped";
}

static enum br_verdict cmp_int(const struct br_claim *c, long seen)
{
	bool ok = c->op == BR_OP_EQ ? seen == c->num : c->op == BR_OP_NE ? seen != c->num :
		  c->op == BR_OP_GE ? seen >= c->num : seen <= c->num;

	return ok ? BR_PASS : BR_FAIL;
}

static enum br_verdict cmp_mask(const struct br_claim *c, unsigned long long seen,
				unsigned long long claimed)
{
	bool ok = c->op == BR_OP_EQ ? seen == claimed : c->op == BR_OP_LE ? !(seen & ~claimed)
									 : !(claimed & ~seen);

	return ok ? BR_PASS : BR_FAIL;
}

static enum br_verdict choice(const struct br_claim *c, const char *seen, char *msg, size_t size,
			      const char *why)
{
	snprintf(msg, size, "measured %s (%s)", seen, why);
	return !strcmp(seen, c->words[0]) ? BR_PASS : BR_FAIL;
}

/* Did seccomp stop this syscall on this ABI? 1 yes, 0 no, -1 cannot tell. */
static int seccomp_stopped(const struct recs *in, const struct recs *ref, const char *name,
			   int abi, const char **why)
{
	char key[96];
	const struct rec *x, *r;

	snprintf(key, sizeof(key), "syscall.%s.%s", name, abis[abi]);
	x = recs_get(in, 'O', key);
	if (!x) {
		*why = "not measured";
		return -1;
	}
	*why = x->cause;
	if (!strcmp(x->cause, "probe-error"))
		return -1;
	if (!strncmp(x->cause, "seccomp", 7) || !strcmp(x->cause, "abi-off") ||
	    !strncmp(x->detail, "no ", 3))
		return 1;
	if (!strcmp(x->cause, "kernel-or-seccomp")) {
		/* ENOSYS inside: the filter's, if the kernel has the call outside. */
		r = recs_get(ref, 'O', key);
		if (r && strcmp(r->value, "unsupported")) {
			*why = "ENOSYS inside, implemented outside: seccomp";
			return 1;
		}
		*why = "ENOSYS: the kernel's or the filter's";
		return -1;
	}
	if (!strcmp(x->cause, "capability-or-seccomp")) {
		*why = "EPERM before any argument check: a capability or the filter";
		return -1;
	}
	return 0;
}

static enum br_verdict check_syscalls(const struct br_claim *c, const struct recs *in,
				      const struct recs *ref, char *msg, size_t size)
{
	bool unknown = false, failed = false;
	size_t len = 0;

	msg[0] = 0;
	for (size_t i = 0; i < c->nwords; i++) {
		const char *name = c->words[i];

		for (int a = 0; a < BR_NABIS; a++) {
			char key[96];
			const struct rec *x;
			const char *why = "";
			bool bad = false, unsure = false;

			snprintf(key, sizeof(key), "syscall.%s.%s", name, abis[a]);
			x = recs_get(in, 'O', key);
			if (!strcmp(c->key->name, "seccomp.allow")) {
				if (a != BR_ABI_NATIVE)
					continue;
				int s = seccomp_stopped(in, ref, name, a, &why);

				bad = s == 1, unsure = s < 0;
			} else if (!strcmp(c->key->name, "seccomp.deny")) {
				int s = seccomp_stopped(in, ref, name, a, &why);

				bad = s == 0, unsure = s < 0;
			} else { /* syscalls.blocked */
				unsure = !x || !strcmp(x->cause, "probe-error");
				bad = !unsure && allowed(x);
				why = x ? x->cause : "not measured";
			}
			if (bad || unsure)
				len += snprintf(msg + len, len < size ? size - len : 0, "%s%s %s: %s (%s)",
						len ? "; " : "", name, abis[a], x ? x->value : "?", why);
			failed |= bad;
			unknown |= unsure;
		}
	}
	if (!failed && !unknown)
		snprintf(msg, size, "measured on every ABI: holds for %s", c->text);
	return failed ? BR_FAIL : unknown ? BR_SKIP : BR_PASS;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strcmp(dir, "/") || (!strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/'));
}

/* Say why in msg, and SKIP. */
static enum br_verdict skip(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum br_verdict skip(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return BR_SKIP;
}

static enum br_verdict check_write(const struct br_claim *c, const struct recs *in, char *msg,
				   size_t size)
{
	size_t len = 0;
	bool bad = false;

	if (!recs_get(in, 'O', "landlock"))
		return skip(msg, size, "the probe did not get to the file system probes");
	msg[0] = 0;
	for (size_t i = 0; i < c->nwords; i++) {
		char key[4200];
		const struct rec *x;

		snprintf(key, sizeof(key), "fs.write.%s", c->words[i]);
		x = recs_get(in, 'O', key);
		if (!allowed(x)) {
			len += snprintf(msg + len, len < size ? size - len : 0, "%s%s not writable (%s)",
					len ? "; " : "", c->words[i], x ? x->value : "absent inside");
			bad = true;
		}
	}
	for (size_t i = 0; i < in->n; i++) {
		const struct rec *x = &in->v[i];
		const char *path = x->key + strlen("fs.write.");
		bool claimed = false;

		if (x->kind != 'O' || strncmp(x->key, "fs.write.", 9) || !allowed(x))
			continue;
		for (size_t j = 0; j < c->nwords; j++)
			claimed |= under(path, c->words[j]);
		if (!claimed) {
			len += snprintf(msg + len, len < size ? size - len : 0, "%s%s is writable too",
					len ? "; " : "", path);
			bad = true;
		}
	}
	if (!bad)
		snprintf(msg, size, "writable: %s; every other probed place refused", c->text);
	return bad ? BR_FAIL : BR_PASS;
}

static enum br_verdict check_procsys(const struct br_claim *c, const struct recs *in, char *msg,
				     size_t size)
{
	const struct rec *x = recs_get(in, 'O', "procsys.writable");
	char *list, *save = NULL;
	size_t len = 0;
	bool bad = false;

	if (!x)
		return skip(msg, size, "not measured");
	if (!strcmp(x->value, "absent") || !strcmp(x->value, "0")) {
		snprintf(msg, size, "no file under /proc/sys opens for writing (%s)", x->value);
		return BR_PASS;
	}
	if (c->op == BR_OP_EQ) { /* "= none" */
		snprintf(msg, size, "%s files open for writing, e.g. %.200s", x->value, x->detail);
		return BR_FAIL;
	}
	list = strdup(x->detail);
	msg[0] = 0;
	for (char *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		bool ok = false;

		for (size_t i = 0; i < c->nwords; i++)
			ok |= !fnmatch(c->words[i], w, 0);
		if (!ok) {
			if (len < 300)
				len += snprintf(msg + len, size > len ? size - len : 0, "%s%s",
						len ? " " : "writable beyond the globs: ", w);
			bad = true;
		}
	}
	free(list);
	if (!bad)
		snprintf(msg, size, "%s writable files, all within %s", x->value, c->text);
	return bad ? BR_FAIL : BR_PASS;
}

/* Prefix-matching records of a family: any allowed? any measured? */
int family(const struct recs *in, const char *prefix, char *list, size_t size)
{
	int seen = 0, open = 0;
	size_t len = 0;

	list[0] = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct rec *x = &in->v[i];

		if (x->kind != 'O' || strncmp(x->key, prefix, strlen(prefix)) ||
		    !strcmp(x->value, "untested"))
			continue;
		seen++;
		if (allowed(x)) {
			open++;
			len += snprintf(list + len, len < size ? size - len : 0, "%s%s", len ? " " : "",
					x->key + strlen(prefix));
		}
	}
	return seen ? open : -1;
}

const char *host_pids(const struct recs *in, const struct recs *ref, char *msg, size_t size)
{
	char why[256];
	const char *pid = ns_state(in, ref, "pid", why, sizeof(why));
	const char *procns = val(in, "proc.pidns");

	if (procns && !strcmp(procns, "foreign")) {
		snprintf(msg, size, "/proc belongs to another pid namespace (%s processes listed)",
			 val(in, "proc.pids"));
		return "visible";
	}
	if (!pid) {
		snprintf(msg, size, "%s", why);
		return NULL;
	}
	snprintf(msg, size, "pid namespace %s (%s); %s processes in /proc", pid, why,
		 val(in, "proc.pids") ? val(in, "proc.pids") : "no");
	return !strcmp(pid, "isolated") ? "hidden" : "visible";
}

enum br_verdict claim_check(const struct br_claim *c, const struct recs *in,
			    const struct recs *ref, char *msg, size_t size)
{
	const char *k = c->key->name, *v;
	char why[512], list[1024];

	if (!strncmp(k, "ns.", 3)) {
		v = ns_state(in, ref, k + 3, why, sizeof(why));
		if (!v)
			return skip(msg, size, "cannot tell: %s", why);
		return choice(c, v, msg, size, why);
	}
	if (!strcmp(k, "uid") || !strcmp(k, "seccomp.filters") || !strcmp(k, "landlock.abi")) {
		const struct rec *f = !strcmp(k, "landlock.abi") ? recs_get(in, 'F', k) : NULL;

		v = f ? f->value : val(in, k);
		if (!v)
			return skip(msg, size, "not measured here (%s unavailable)", k);
		snprintf(msg, size, "measured %s", v);
		/* landlock.abi: "none"/"disabled" count as ABI 0. */
		return cmp_int(c, strtol(v, NULL, 10));
	}
	if (!strcmp(k, "uid_map.root")) {
		if (!(v = val(in, "uid_map")) || !strncmp(v, "unreadable", 10))
			return skip(msg, size, "uid_map unreadable inside");
		snprintf(why, sizeof(why), "uid_map '%s'", v);
		return choice(c, root_map(v), msg, size, why);
	}
	if (!strncmp(k, "caps.", 5) || !strcmp(k, "securebits")) {
		const struct rec *x = recs_get(in, 'O', k), *last = recs_get(in, 'F', "cap_last_cap");
		unsigned long long claimed = c->mask, seen;

		if (!x || strncmp(x->value, "0x", 2))
			return skip(msg, size, "%s not measured", k);
		seen = strtoull(x->value, NULL, 16);
		if (claimed == ~0ULL) /* "all": every cap this kernel has */
			claimed = last ? (2ULL << atoi(last->value)) - 1 : ~0ULL;
		snprintf(msg, size, "measured %s (%s)", x->value, x->detail);
		return cmp_mask(c, seen, claimed);
	}
	if (!strcmp(k, "nnp") || !strcmp(k, "seccomp.mode")) {
		if (!(v = val(in, k)))
			return skip(msg, size, "%s not measured", k);
		snprintf(msg, size, "measured %s", v);
		return (!strcmp(v, c->words[0])) == (c->op == BR_OP_EQ) ? BR_PASS : BR_FAIL;
	}
	if (!strcmp(k, "seccomp.arch")) {
		const struct rec *x32 = recs_get(in, 'O', "syscall.getpid.x32");
		const struct rec *ia32 = recs_get(in, 'O', "syscall.getpid.ia32");
		bool native_only = !allowed(x32) && !allowed(ia32);

		if (!x32 || !ia32)
			return skip(msg, size, "getpid was not probed on x32 and ia32");

		snprintf(why, sizeof(why), "getpid via x32: %s (%s), via ia32: %s (%s)",
			 x32 ? x32->value : "?", x32 ? x32->cause : "?", ia32 ? ia32->value : "?",
			 ia32 ? ia32->cause : "?");
		return choice(c, native_only ? "native-only" : "any", msg, size, why);
	}
	if (!strcmp(k, "seccomp.deny") || !strcmp(k, "seccomp.allow") ||
	    !strcmp(k, "syscalls.blocked")) {
		enum br_verdict r = check_syscalls(c, in, ref, msg, size);

		return r;
	}
	if (!strcmp(k, "io_uring")) {
		const struct rec *x = recs_get(in, 'O', "io_uring.openat");

		if (!x)
			return skip(msg, size, "not measured");
		snprintf(why, sizeof(why), "IORING_OP_OPENAT %s, cause %s", x->value, x->cause);
		return choice(c, allowed(x) ? "available" : "blocked", msg, size, why);
	}
	if (!strcmp(k, "landlock")) {
		const struct rec *x = recs_get(in, 'O', "landlock");

		if (!x)
			return skip(msg, size, "not measured");
		return choice(c, x->value, msg, size, x->detail);
	}
	if (!strcmp(k, "landlock.write"))
		return check_write(c, in, msg, size);
	if (!strcmp(k, "fhandle")) {
		int open = family(in, "fhandle.", list, sizeof(list));

		if (open < 0)
			return skip(msg, size, "no file handle could be made here to try");
		snprintf(why, sizeof(why), "opened: %s", open ? list : "none");
		return choice(c, open ? "allowed" : "denied", msg, size, why);
	}
	if (!strcmp(k, "host.pids")) {
		v = host_pids(in, ref, why, sizeof(why));
		if (!v)
			return skip(msg, size, "cannot tell: %s", why);
		return choice(c, v, msg, size, why);
	}
	if (!strcmp(k, "procsys.writable"))
		return check_procsys(c, in, msg, size);
	if (!strcmp(k, "sockets")) {
		int open = family(in, "socket.", list, sizeof(list));

		if (open < 0)
			return skip(msg, size, "not measured");
		snprintf(why, sizeof(why), "connected: %s", open ? list : "none");
		return choice(c, open ? "reachable" : "unreachable", msg, size, why);
	}
	if (!strcmp(k, "tiocsti")) {
		const struct rec *x = recs_get(in, 'O', "tiocsti");

		if (!x || !strcmp(x->value, "untested"))
			return skip(msg, size, "%s", x ? x->detail : "not measured");
		snprintf(why, sizeof(why), "%s, cause %s", x->value, x->cause);
		return choice(c, allowed(x) ? "allowed" : "denied", msg, size, why);
	}
	return skip(msg, size, "no check for %s in this version", k);
}

static void line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

char *reach_summary(const struct recs *in, const struct recs *ref, enum br_area area)
{
	char *s = NULL, why[512], list[4096];
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	const char *v;

	switch (area) {
	case BR_AREA_NS:
		for (const char *const *t = (const char *const[]){"user", "pid", "net", "mnt", "ipc",
								   "uts", "cgroup", "time", NULL};
		     *t; t++) {
			v = ns_state(in, ref, *t, why, sizeof(why));
			line(f, "%s namespace: %s (%s)", *t, v ? v : "unknown", why);
		}
		line(f, "uid %s inside; uid_map: %s", vq(in, "uid"),
		     vq(in, "uid_map"));
		break;
	case BR_AREA_SECCOMP: {
		size_t n = 0;

		line(f, "seccomp mode %s, %s filter(s)",
		     vq(in, "seccomp.mode"),
		     vq(in, "seccomp.filters"));
		list[0] = 0;
		/* One entry per syscall: "mount (native, ia32)". */
		for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
			bool first = true;

			if (!strcmp(sp->name, "getpid") || !strcmp(sp->name, "getuid") ||
			    !strcmp(sp->name, "write") || !strcmp(sp->name, "openat"))
				continue;
			for (int a = 0; a < BR_NABIS; a++) {
				char key[96];

				snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[a]);
				if (!allowed(recs_get(in, 'O', key)))
					continue;
				n += snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s%s%s",
					      first ? (n ? "), " : "") : ", ", first ? sp->name : "",
					      first ? " (" : "");
				n += snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s", abis[a]);
				first = false;
			}
		}
		if (n)
			snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, ")");
		line(f, "dangerous syscalls that get past seccomp: %s", n ? list : "none");
		line(f, "io_uring: IORING_OP_OPENAT %s; bypass of an openat filter: %s",
		     vq(in, "io_uring.openat"),
		     vq(in, "io_uring.bypass"));
		line(f, "ABIs: x32 %s, ia32 %s",
		     vq(in, "syscall.getpid.x32"),
		     vq(in, "syscall.getpid.ia32"));
		break;
	}
	case BR_AREA_CAPS:
		for (const char *const *t = (const char *const[]){"caps.effective", "caps.permitted",
								   "caps.bounding", "caps.ambient",
								   "caps.inheritable", NULL};
		     *t; t++) {
			const struct rec *x = recs_get(in, 'O', *t);

			line(f, "%s: %s", *t + 5, x ? x->detail : "?");
		}
		line(f, "no_new_privs %s; securebits %s", vq(in, "nnp"),
		     vq(in, "securebits"));
		line(f, "raw sockets: AF_PACKET %s, AF_INET/SOCK_RAW %s; new user namespaces: %s",
		     vq(in, "rawsock.packet"),
		     vq(in, "rawsock.inet"),
		     vq(in, "unshare.user"));
		break;
	case BR_AREA_LANDLOCK: {
		const struct rec *abi = recs_get(in, 'F', "landlock.abi"), *x = recs_get(in, 'O', "landlock");
		int n = family(in, "fs.write.", list, sizeof(list));

		line(f, "kernel Landlock ABI %s; domain: %s (%s)", abi ? abi->value : "?",
		     x ? x->value : "?", x ? x->detail : "");
		line(f, "writable among the probed places: %s", n > 0 ? list : "none");
		break;
	}
	case BR_AREA_BREACH: {
		int n;

		v = host_pids(in, ref, why, sizeof(why));
		line(f, "host process table: %s (%s)", v ? v : "unknown", why);
		n = family(in, "socket.", list, sizeof(list));
		line(f, "daemon sockets that accept a connection: %s", n > 0 ? list : "none");
		line(f, "files under /proc/sys that open for writing: %s",
		     vq(in, "procsys.writable"));
		n = family(in, "fhandle.", list, sizeof(list));
		line(f, "open_by_handle_at (shocker): %s",
		     n > 0 ? "handles open" : n == 0 ? "refused" : "untested");
		line(f, "TIOCSTI into the terminal: %s",
		     vq(in, "tiocsti"));
		break;
	}
	default:
		break;
	}
	fclose(f);
	return s;
}

/* Count allowed syscall records with distinct names. */
static int syscalls_past_seccomp(const struct recs *in)
{
	int n = 0;

	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		bool any = false;

		if (!strcmp(sp->name, "getpid") || !strcmp(sp->name, "getuid") ||
		    !strcmp(sp->name, "write") || !strcmp(sp->name, "openat"))
			continue;
		for (int a = 0; a < BR_NABIS; a++) {
			char key[96];

			snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[a]);
			any |= allowed(recs_get(in, 'O', key));
		}
		n += any;
	}
	return n;
}

char *plain_summary(const struct recs *in, const struct recs *ref)
{
	char *s = NULL, why[512], list[4096];
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	const char *v = host_pids(in, ref, why, sizeof(why));
	const struct rec *eff = recs_get(in, 'O', "caps.effective");
	int n;

	if (v)
		line(f, "%s see the host's processes", !strcmp(v, "visible") ? "CAN" : "cannot");
	n = family(in, "socket.", list, sizeof(list));
	if (n >= 0)
		line(f, n ? "CAN connect to daemon sockets: %s" : "cannot connect to any daemon socket "
		     "probed%s", n ? list : "");
	if (eff && strcmp(eff->detail, "none")) {
		const char *user = ns_state(in, ref, "user", why, sizeof(why));

		line(f, "HOLDS capabilities in effect: %s%s", eff->detail,
		     user && !strcmp(user, "isolated") ? " (over what its own user namespace owns)" : "");
	} else if (eff) {
		line(f, "holds no capabilities in effect");
	}
	n = syscalls_past_seccomp(in);
	line(f, "%s %d of the dangerous syscalls probed past seccomp on some ABI",
	     n ? "CAN get" : "gets", n);
	if ((v = val(in, "io_uring.openat")))
		line(f, "%s open files through io_uring, which seccomp never sees",
		     !strcmp(v, "allowed") ? "CAN" : "cannot");
	if ((n = family(in, "fhandle.", list, sizeof(list))) >= 0)
		line(f, "%s open files by handle (open_by_handle_at, the shocker escape)",
		     n ? "CAN" : "cannot");
	if ((v = val(in, "procsys.writable")))
		line(f, strcmp(v, "0") && strcmp(v, "absent") ? "CAN open %s files under /proc/sys for writing"
							       : "cannot write under /proc/sys (%s)", v);
	if ((n = family(in, "fs.write.", list, sizeof(list))) >= 0)
		line(f, n ? "CAN create files in: %s" : "cannot create files in any place probed%s",
		     n ? list : "");
	if ((v = val(in, "tiocsti")) && strcmp(v, "untested"))
		line(f, "%s push keystrokes into a terminal (TIOCSTI)",
		     !strcmp(v, "allowed") ? "CAN" : "cannot");
	fclose(f);
	return s;
}
