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
	char *last = NULL; /* the last A record: what the probe was attempting */

	memset(r, 0, sizeof(*r));
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len), *f[5] = {0}, *save = NULL;
		int n = 0;

		s = nl ? nl + 1 : NULL;
		/* A pty relay (systemd-nspawn) turns every \n into \r\n. */
		line[strcspn(line, "\r")] = 0;
		if (!strcmp(line, "blastradius-probe 1")) {
			in = true;
			r->started = true;
		} else if (in && !strcmp(line, "end")) {
			r->complete = true;
			in = false;
		} else if (in && line[0] == 'A' && line[1] == '\t') {
			free(last);
			last = strdup(line + 2);
		} else if (in && line[0] == 'S' && line[1] == '\t') {
			struct rec *v = realloc(r->v, (r->n + 1) * sizeof(*v));

			if (v) {
				r->v = v;
				v[r->n++] = (struct rec){'S', strdup(line + 2), strdup("done"),
							 strdup(""), strdup("")};
			}
		} else if (in && line[0] && strchr("FOD", line[0]) && line[1] == '\t') {
			/* strsep keeps empty fields (an empty detail). */
			save = line + 2;
			while (n < 5 && save)
				f[n++] = strsep(&save, "\t");
			if (n >= 2) {
				struct rec *v = realloc(r->v, (r->n + 1) * sizeof(*v));

				if (v) {
					r->v = v;
					/* D: a worker died; its detail is the last attempt. */
					v[r->n++] = (struct rec){line[0], strdup(f[0]), strdup(f[1]),
								 strdup(f[2] ? f[2] : ""),
								 strdup(line[0] == 'D' ? (last ? last : "?")
									: f[3] ? f[3] : "")};
					r->ndied += line[0] == 'D';
				}
			}
		}
		free(line);
	}
	r->last_attempt = last;
}

bool recs_incomplete(const struct recs *r)
{
	return !r->complete || r->ndied;
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
	free(r->last_attempt);
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
	/* The init namespaces have fixed inode numbers (PROC_*_INIT_INO): user,
	 * pid, ipc, uts, cgroup and time always; net and mnt since 6.18, so for
	 * those only a match decides. */
	{
		static const struct {
			const char *t;
			unsigned long ino;
			bool always;
		} init[] = {
			{"ipc", 0xEFFFFFFFUL, true}, {"uts", 0xEFFFFFFEUL, true},
			{"user", 0xEFFFFFFDUL, true}, {"pid", 0xEFFFFFFCUL, true},
			{"cgroup", 0xEFFFFFFBUL, true}, {"time", 0xEFFFFFFAUL, true},
			{"net", 0xEFFFFFF9UL, false}, {"mnt", 0xEFFFFFF8UL, false},
		};
		const char *colon = strchr(mine->value, ':');
		unsigned long ino = colon ? strtoul(colon + 1, NULL, 10) : 0;

		for (size_t i = 0; colon && i < sizeof(init) / sizeof(*init); i++) {
			if (strcmp(init[i].t, t))
				continue;
			if (ino == init[i].ino) {
				snprintf(msg, size, "inode %s is the initial %s namespace's fixed number "
					 "(PID 1 unreadable)", mine->value, t);
				return "shared";
			}
			if (init[i].always) {
				snprintf(msg, size, "inode %s is not the initial %s namespace's fixed "
					 "number 0x%lX (PID 1 unreadable)", mine->value, t, init[i].ino);
				return "isolated";
			}
		}
	}
	snprintf(msg, size, "no reference to compare with: PID 1's namespace is %s and this "
		 "namespace type has no fixed initial inode before 6.18 (use assess -- CMD)",
		 pid1 ? pid1 + 5 : "unknown");
	return NULL;
}

/* Append an O record. */
static void recs_add(struct recs *r, const char *key, const char *value, const char *cause,
		     const char *detail)
{
	struct rec *v = realloc(r->v, (r->n + 1) * sizeof(*v));

	if (!v)
		return;
	r->v = v;
	v[r->n++] = (struct rec){'O', strdup(key), strdup(value), strdup(cause), strdup(detail)};
}

void procsys_resolve(struct recs *in, const struct recs *ref)
{
	static const char *const types[] = {"net", "ipc", "uts", "user", "pid"};
	const struct rec *host = recs_get(in, 'O', "procsys.host");
	char *global = NULL, *own = NULL, *how = NULL, n[32];
	size_t glen = 0, olen = 0, hlen = 0, gcount, ocount = 0, judged = 0;
	FILE *g, *o, *h;

	if (!host || recs_get(in, 'O', "procsys.global"))
		return;
	g = open_memstream(&global, &glen);
	o = open_memstream(&own, &olen);
	h = open_memstream(&how, &hlen);
	gcount = strtoul(host->value, NULL, 10);
	fputs(host->detail, g);
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		char key[32], why[256];
		const struct rec *x;
		const char *st;
		size_t c;

		snprintf(key, sizeof(key), "procsys.ns.%s", types[i]);
		x = recs_get(in, 'O', key);
		c = x ? strtoul(x->value, NULL, 10) : 0;
		if (!c)
			continue;
		/* Own only when that namespace is measured to differ from the
		 * reference; shared or unknown is the host's setting. */
		st = ns_state(in, ref, types[i], why, sizeof(why));
		if (st && !strcmp(st, "isolated")) {
			fprintf(o, "%s%s", ocount ? " " : "", x->detail);
			ocount += c;
		} else {
			fprintf(g, "%s%s", gcount ? " " : "", x->detail);
			gcount += c;
		}
		fprintf(h, "%s%s: %zu files, %s (%s)", judged++ ? "; " : "", types[i], c,
			st && !strcmp(st, "isolated") ? "its own" : st ? "the host's namespace" :
			"unknown namespace, counted as the host's", why);
	}
	fclose(g);
	fclose(o);
	fclose(h);
	snprintf(n, sizeof(n), "%zu", gcount);
	recs_add(in, "procsys.global", n, "none", global);
	snprintf(n, sizeof(n), "%zu", ocount);
	recs_add(in, "procsys.own", n, "none", own);
	recs_add(in, "procsys.namespaces", judged ? "judged" : "none", "none", how);
	free(global);
	free(own);
	free(how);
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
			   int abi, bool trap_ok, const char **why)
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
	if (!strcmp(x->cause, "seccomp-trap") && !trap_ok) {
		*why = "trapped: a SIGSYS handler can catch it and carry on (add trap to "
		       "seccomp.denied_by if that is meant)";
		return 0;
	}
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

/* The io_uring operation that does what syscall name does, or NULL. */
static const char *uring_op(const char *name)
{
	static const char *const map[][2] = {
		{"openat", "openat"}, {"openat2", "openat2"}, {"socket", "socket"},
		{"connect", "connect"}, {"accept4", "accept"}, {"sendto", "send"},
		{"recvfrom", "recv"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(map[i][0], name))
			return map[i][1];
	return NULL;
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
				int s = seccomp_stopped(in, ref, name, a, true, &why);

				bad = s == 1, unsure = s < 0;
			} else if (!strcmp(c->key->name, "seccomp.deny")) {
				int s = seccomp_stopped(in, ref, name, a, c->trap_ok, &why);

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
		/* The same operation through io_uring, which no filter sees. */
		if (!strcmp(c->key->name, "seccomp.deny") || !strcmp(c->key->name, "syscalls.blocked")) {
			const char *op = uring_op(name);
			char key[64];
			const struct rec *x;

			snprintf(key, sizeof(key), "io_uring.%s", op ? op : "");
			if (op && allowed(x = recs_get(in, 'O', key))) {
				len += snprintf(msg + len, len < size ? size - len : 0,
						"%s%s: %s works through io_uring (%s)",
						len ? "; " : "", name, x->detail, x->value);
				failed = true;
			}
		}
	}
	if (!failed && !unknown)
		snprintf(msg, size, "measured on every ABI%s: holds for %s",
			 !strcmp(c->key->name, "seccomp.allow") ? "" : " and through io_uring", c->text);
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

static enum br_verdict check_handled(const struct br_claim *c, const struct recs *in, char *msg,
				     size_t size)
{
	size_t len = 0;
	bool bad = false, unknown = false;

	msg[0] = 0;
	for (size_t i = 0; i < c->nwords; i++) {
		char key[96];
		const struct rec *x;

		snprintf(key, sizeof(key), "landlock.right.%s", c->words[i]);
		x = recs_get(in, 'O', key);
		if (x && !strcmp(x->value, "handled"))
			continue;
		len += snprintf(msg + len, len < size ? size - len : 0, "%s%s: %s (%s)", len ? "; " : "",
				c->words[i], x ? x->value : "not measured", x ? x->detail : "");
		if (x && (!strcmp(x->value, "allowed") || !strcmp(x->value, "absent")))
			bad = true;
		else
			unknown = true;
	}
	if (!bad && !unknown)
		snprintf(msg, size, "each refused where DAC allows it: %s", c->text);
	return bad ? BR_FAIL : unknown ? BR_SKIP : BR_PASS;
}

static enum br_verdict check_procsys(const struct br_claim *c, const struct recs *in,
				     const char *key, char *msg, size_t size)
{
	const struct rec *x = recs_get(in, 'O', key);
	char *list, *save = NULL;
	size_t len = 0;
	bool bad = false;

	if (!x)
		return skip(msg, size, "not measured");
	if (!strcmp(x->value, "absent") || !strcmp(x->value, "0")) {
		if (strcmp(key, "procsys.global"))
			snprintf(msg, size, "no file under /proc/sys opens for writing (%s)", x->value);
		else
			snprintf(msg, size, "no host-wide file under /proc/sys opens for writing (%s "
				 "writable, %s of the sandbox's own namespaces)", vq(in, "procsys.writable"),
				 vq(in, "procsys.own"));
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

/* How seccomp answered: the default action and each probed call it stopped. */
static enum br_verdict check_denied_by(const struct br_claim *c, const struct recs *in, char *msg,
				       size_t size)
{
	const struct rec *d = recs_get(in, 'O', "seccomp.default");
	size_t len = 0;
	bool bad = false, any = false;

	msg[0] = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct rec *x = &in->v[i];
		const char *how = NULL;
		bool listed = false;

		if (x->kind != 'O')
			continue;
		if (x == d)
			how = !strcmp(x->value, "kill") || !strcmp(x->value, "kill-or-trap") ? "kill" :
			      !strcmp(x->value, "trap") ? "trap" :
			      !strncmp(x->value, "errno", 5) ? "errno" : NULL;
		else if (!strncmp(x->key, "syscall.", 8) || !strncmp(x->key, "io_uring.", 9))
			how = !strcmp(x->cause, "seccomp-kill") ? "kill" :
			      !strcmp(x->cause, "seccomp-trap") ? "trap" :
			      !strcmp(x->cause, "seccomp-errno") ? "errno" : NULL;
		if (!how)
			continue;
		any = true;
		for (size_t j = 0; j < c->nwords; j++)
			listed |= !strcmp(c->words[j], how);
		if (!listed && len < 600) {
			len += snprintf(msg + len, len < size ? size - len : 0, "%s%s: %s (%s)",
					len ? "; " : "", x->key, x->value, how);
			bad = true;
		}
	}
	if (!d && !any)
		return skip(msg, size, "the default action was not measured and no call was seen "
			    "stopped by seccomp");
	if (!any)
		return skip(msg, size, "no call was stopped by seccomp (default: %s)", d->value);
	if (!bad)
		snprintf(msg, size, "every denial seen is %s (default action: %s%s%s)", c->text,
			 d ? d->value : "not measured", d ? "; " : "", d ? d->detail : "");
	return bad ? BR_FAIL : BR_PASS;
}

static enum br_verdict check_groups(const struct br_claim *c, const struct recs *in, char *msg,
				    size_t size)
{
	const char *v = val(in, "groups");
	char *list, *save = NULL;
	size_t n = 0;
	bool bad = false, none = c->nwords == 1 && !strcmp(c->words[0], "none");

	if (!v || !strcmp(v, "error"))
		return skip(msg, size, "getgroups() not measured");
	snprintf(msg, size, "supplementary groups inside: %s (gid_map %s)", v, vq(in, "gid_map"));
	if (!strcmp(v, "none"))
		return c->op == BR_OP_LE || none ? BR_PASS : BR_FAIL;
	list = strdup(v);
	for (char *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save), n++) {
		bool found = false;

		for (size_t i = 0; !none && i < c->nwords; i++)
			found |= !strcmp(c->words[i], w);
		bad |= !found;
	}
	free(list);
	return bad || (c->op == BR_OP_EQ && n != (none ? 0 : c->nwords)) ? BR_FAIL : BR_PASS;
}

/* A socket is tried when a daemon listens there: connected inside, or
 * connected outside (the reference). Absent or refused everywhere, or a
 * socket that could not even be created inside, is not a boundary. */
static enum br_verdict check_sockets(const struct br_claim *c, const struct recs *in,
				     const struct recs *ref, char *msg, size_t size)
{
	char open_list[1024] = "", held[1024] = "";
	size_t olen = 0, hlen = 0;
	int tried = 0, seen = 0;

	for (size_t i = 0; i < in->n; i++) {
		const struct rec *x = &in->v[i], *r;

		if (x->kind != 'O' || strncmp(x->key, "socket.", 7))
			continue;
		seen++;
		r = recs_get(ref, 'O', x->key);
		if (allowed(x)) {
			tried++;
			olen += snprintf(open_list + olen, olen < sizeof(open_list) ? sizeof(open_list) - olen : 0,
					 "%s%s", olen ? " " : "", x->key + 7);
		} else if (strcmp(x->value, "untested") && allowed(r)) {
			tried++;
			hlen += snprintf(held + hlen, hlen < sizeof(held) ? sizeof(held) - hlen : 0,
					 "%s%s (%s)", hlen ? " " : "", x->key + 7, x->value);
		}
	}
	if (!seen)
		return skip(msg, size, "not measured");
	if (!tried)
		return skip(msg, size, "no live daemon socket to try: each of the %d sockets probed "
			    "was absent or had no listener%s, or no socket could be created inside",
			    seen, ref ? " outside too" : " (without -- CMD there is no outside to compare)");
	snprintf(msg, size, "connected: %s; refused although a daemon listens outside: %s",
		 olen ? open_list : "none", hlen ? held : "none");
	return !strcmp(olen ? "reachable" : "unreachable", c->words[0]) ? BR_PASS : BR_FAIL;
}

/* The pid namespace of PID 1 in this /proc (the "pid1=" of ns.pid), or NULL. */
static const char *proc_pid1(const struct recs *r, char *buf, size_t size)
{
	const struct rec *x = recs_get(r, 'O', "ns.pid");
	const char *p = x ? strstr(x->detail, "pid1=") : NULL;

	if (!p || !strncmp(p + 5, "unreadable", 10))
		return NULL;
	snprintf(buf, size, "%.*s", (int)strcspn(p + 5, " ;"), p + 5);
	return buf;
}

/* Do the first four "pid(comm)" of both /proc listings match? Pid numbers
 * are per namespace: the same numbers with the same names are one table. */
static bool same_first_pids(const struct recs *in, const struct recs *ref)
{
	const struct rec *a = recs_get(in, 'O', "proc.pids"), *b = recs_get(ref, 'O', "proc.pids");
	const char *x = a ? strstr(a->detail, "the first: ") : NULL;
	const char *y = b ? strstr(b->detail, "the first: ") : NULL;
	int words = 0;

	if (!x || !y)
		return false;
	for (x += 11, y += 11; *x && *x == *y; x++, y++)
		if (*x == ' ' && ++words == 4)
			return true;
	return false;
}

/*
 * Is this /proc's PID 1 another process than the outside's PID 1, when its
 * namespace links are unreadable? Their start times (/proc/1/stat) differ:
 * a pid namespace has one PID 1, so a /proc whose PID 1 is another process
 * is another namespace's. Only with the outside's own /proc to compare
 * with, and the same time namespace (its offsets shift start times).
 */
static bool other_pid1(const struct recs *in, const struct recs *ref, char *why, size_t size)
{
	const struct rec *a = recs_get(in, 'O', "proc.pid1"), *b = recs_get(ref, 'O', "proc.pid1");
	const char *t;
	char tw[256];

	if (!ref || !a || !b || !strcmp(a->value, "0") || !strcmp(b->value, "0") ||
	    strspn(a->value, "0123456789") != strlen(a->value) ||
	    strspn(b->value, "0123456789") != strlen(b->value) || !val(ref, "proc.pidns") ||
	    strcmp(val(ref, "proc.pidns"), "own") || !strcmp(a->value, b->value))
		return false;
	t = ns_state(in, ref, "time", tw, sizeof(tw));
	if (!t || strcmp(t, "shared"))
		return false;
	snprintf(why, size, "its PID 1 started at tick %s, %s; the outside's PID 1 at tick %s, %s",
		 a->value, strstr(a->detail, "comm ") ? strstr(a->detail, "comm ") : "?", b->value,
		 strstr(b->detail, "comm ") ? strstr(b->detail, "comm ") : "?");
	return true;
}

const char *host_pids(const struct recs *in, const struct recs *ref, char *msg, size_t size)
{
	char why[512], in1[64], out1[64];
	const char *pid = ns_state(in, ref, "pid", why, sizeof(why));
	const char *procns = val(in, "proc.pidns"), *names = NULL;
	const struct rec *pids = recs_get(in, 'O', "proc.pids");

	if (pids)
		names = strstr(pids->detail, "the first: ");
	if (procns && !strcmp(procns, "foreign")) {
		/* /proc is not our pid namespace's: the host's, or a third one. */
		const char *mine = proc_pid1(in, in1, sizeof(in1));
		const char *outside = ref ? val(ref, "ns.pid") : NULL;
		const char *host1 = ref ? proc_pid1(ref, out1, sizeof(out1)) : NULL;

		if (mine && ((outside && !strcmp(mine, outside)) || (host1 && !strcmp(mine, host1)))) {
			snprintf(msg, size, "/proc belongs to the outside's pid namespace (%s processes "
				 "listed)", pids ? pids->value : "?");
			return "visible";
		}
		if (!mine && ref && same_first_pids(in, ref)) {
			snprintf(msg, size, "/proc belongs to the outside's pid namespace: its first "
				 "processes are the outside's (%.200s), %s processes listed",
				 names ? names + 11 : "?", pids ? pids->value : "?");
			return "visible";
		}
		if (mine && outside) {
			snprintf(msg, size, "/proc belongs to an intermediate pid namespace, neither ours "
				 "nor the outside's, with %s processes (%s)", pids ? pids->value : "?",
				 names ? names + 11 : "names unreadable");
			return "hidden";
		}
		if (!mine && other_pid1(in, ref, why, sizeof(why))) {
			snprintf(msg, size, "/proc belongs to an intermediate pid namespace, neither ours "
				 "nor the outside's (%s), with %s processes (%s)", why,
				 pids ? pids->value : "?", names ? names + 11 : "names unreadable");
			return "hidden";
		}
		snprintf(msg, size, "/proc belongs to another pid namespace (%s processes listed), "
			 "and its PID 1's namespace %s", pids ? pids->value : "?",
			 ref ? "is unreadable here" : "cannot be compared without -- CMD");
		return ref ? NULL : "visible";
	}
	if (!pid) {
		snprintf(msg, size, "%s", why);
		return NULL;
	}
	snprintf(msg, size, "pid namespace %s (%s); %s processes in /proc", pid, why,
		 pids ? pids->value : "no");
	return !strcmp(pid, "isolated") ? "hidden" : "visible";
}

/* The probe sections (runners/probe) whose records answer claim key k. */
static const char *claim_sections(const char *k)
{
	static const char *const map[][2] = {
		{"ns.", "identity"}, {"uid", "identity"}, {"setgroups", "identity"},
		{"groups", "identity"}, {"host.pids", "identity"}, {"caps.", "creds"},
		{"securebits", "creds"}, {"nnp", "creds"}, {"seccomp.mode", "creds"},
		{"seccomp.filters", "creds"}, {"landlock.abi", "facts"},
		{"seccomp.denied_by", "seccomp.default syscalls io_uring"},
		{"seccomp.deny", "syscalls io_uring"}, {"syscalls.blocked", "syscalls io_uring"},
		{"seccomp.", "syscalls"}, {"io_uring", "io_uring"}, {"landlock.handled", "landlock"}, {"landlock", "fs"},
		{"fhandle", "fhandle"}, {"procsys.", "procsys"}, {"sockets", "sockets"},
		{"tiocsti", "tiocsti"}, {"mac.", "mac"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strncmp(k, map[i][0], strlen(map[i][0])))
			return map[i][1];
	return "";
}

const char *section_gap(const struct recs *in, const char *sections, char *buf, size_t size)
{
	char list[128], *save = NULL;

	snprintf(list, sizeof(list), "%s", sections);
	for (char *s = strtok_r(list, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		const struct rec *d = recs_get(in, 'D', s);

		if (recs_get(in, 'S', s))
			continue;
		if (d)
			snprintf(buf, size, "the probe's %s section was %s at its attempt: %s", s,
				 d->value, d->detail);
		else
			snprintf(buf, size, "the probe never finished its %s section (the report stopped%s%s)",
				 s, in->last_attempt ? " after attempting: " : "",
				 in->last_attempt ? in->last_attempt : "");
		return buf;
	}
	return NULL;
}

static enum br_verdict claim_check_one(const struct br_claim *c, const struct recs *in,
				       const struct recs *ref, char *msg, size_t size);

/* mac.apparmor, mac.selinux, mac.yama and mac.label, from the mac section
 * as runners/assess_mac.c reads it (system-wide values from outside when
 * the inside cannot read them). */
static enum br_verdict check_mac(const struct br_claim *c, const struct recs *in,
				 const struct recs *ref, char *msg, size_t size)
{
	const char *k = c->key->name;
	struct mac_view m;
	char why[1024];

	mac_view(in, ref, &m);
	if (!recs_get(in, 'O', "mac.lsm"))
		return skip(msg, size, "not measured (no mac records)");
	if (!strcmp(k, "mac.apparmor") || !strcmp(k, "mac.selinux") || !strcmp(k, "mac.yama")) {
		bool outside = !strcmp(k, "mac.selinux") ? m.se_outside : !strcmp(k, "mac.yama") && m.yama_outside;
		const struct rec *x = recs_get(outside ? ref : in, 'O', k);

		if (!x || !strcmp(x->value, "unknown"))
			return skip(msg, size, "%s", x ? x->detail : "not measured");
		snprintf(why, sizeof(why), "%s%s", x->detail, outside ? "; measured outside: it is "
			 "system-wide, and unreadable inside" : "");
		if (strcmp(k, "mac.yama"))
			return choice(c, x->value, msg, size, why);
		snprintf(msg, size, "measured %s (%s)", x->value, why);
		return cmp_int(c, !strcmp(x->value, "absent") ? 0 : strtol(x->value, NULL, 10));
	}
	if (m.label) {
		snprintf(why, sizeof(why), "the %s label", m.label_lsm);
		return choice(c, m.label, msg, size, why);
	}
	if (m.state == MAC_UNKNOWN)
		return skip(msg, size, "%s", m.what);
	snprintf(msg, size, "no LSM labels this process (%s; active LSMs: %s)", m.what,
		 m.lsm ? m.lsm : "unknown");
	return BR_FAIL;
}

/* A claim its sections did not finish cannot pass: what they measured may
 * still show it false, but never true. */
enum br_verdict claim_check(const struct br_claim *c, const struct recs *in,
			    const struct recs *ref, char *msg, size_t size)
{
	char gap[1024];
	enum br_verdict v = claim_check_one(c, in, ref, msg, size);

	if (v == BR_FAIL || !section_gap(in, claim_sections(c->key->name), gap, sizeof(gap)))
		return v;
	return skip(msg, size, "%s", gap);
}

static enum br_verdict claim_check_one(const struct br_claim *c, const struct recs *in,
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
		if (claimed == ~0ULL && last) { /* "all": every cap this kernel has */
			char *end;
			long n = strtol(last->value, &end, 10);

			/* A mask holds caps 0..63: a larger fact would make the shift undefined. */
			if (end == last->value || *end || n < 0 || n > 63)
				return skip(msg, size, "cap_last_cap '%s' is not a capability number (0..63)",
					    last->value);
			claimed = (2ULL << n) - 1;
		}
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
		int open = family(in, "io_uring.", list, sizeof(list));

		if (open < 0)
			return skip(msg, size, "not measured");
		snprintf(why, sizeof(why), "ring operations that work: %s", open ? list : "none");
		return choice(c, open ? "available" : "blocked", msg, size, why);
	}
	if (!strcmp(k, "seccomp.denied_by"))
		return check_denied_by(c, in, msg, size);
	if (!strcmp(k, "setgroups")) {
		const struct rec *x = recs_get(in, 'O', "setgroups.same");

		if (!x || !strncmp(x->value, "error", 5))
			return skip(msg, size, "%s", x ? x->detail : "not measured");
		snprintf(why, sizeof(why), "setgroups(2) to the current list: %s, cause %s; "
			 "/proc/self/setgroups %s; gid_map %s", x->value, x->cause,
			 vq(in, "proc.setgroups"), vq(in, "gid_map"));
		return choice(c, allowed(x) ? "allowed" : "denied", msg, size, why);
	}
	if (!strcmp(k, "groups"))
		return check_groups(c, in, msg, size);
	if (!strcmp(k, "landlock")) {
		const struct rec *x = recs_get(in, 'O', "landlock");

		if (!x)
			return skip(msg, size, "not measured");
		return choice(c, x->value, msg, size, x->detail);
	}
	if (!strcmp(k, "landlock.write"))
		return check_write(c, in, msg, size);
	if (!strcmp(k, "landlock.handled"))
		return check_handled(c, in, msg, size);
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
		return check_procsys(c, in, "procsys.writable", msg, size);
	if (!strcmp(k, "sockets"))
		return check_sockets(c, in, ref, msg, size);
	if (!strcmp(k, "procsys.global"))
		return check_procsys(c, in, "procsys.global", msg, size);
	if (!strcmp(k, "tiocsti")) {
		const struct rec *x = recs_get(in, 'O', "tiocsti");

		if (!x || !strcmp(x->value, "untested"))
			return skip(msg, size, "%s", x ? x->detail : "not measured");
		snprintf(why, sizeof(why), "%s, cause %s", x->value, x->cause);
		return choice(c, allowed(x) ? "allowed" : "denied", msg, size, why);
	}
	if (!strncmp(k, "mac.", 4))
		return check_mac(c, in, ref, msg, size);
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

/* Print "what: not measured (why)" and return true when a section of
 * sections did not finish: no sentence is drawn from records never written. */
static bool gap_line(FILE *f, const struct recs *in, const char *sections, const char *what)
{
	char why[1024];

	if (!section_gap(in, sections, why, sizeof(why)))
		return false;
	line(f, "%s: not measured (%s)", what, why);
	return true;
}

char *reach_summary(const struct recs *in, const struct recs *ref, enum br_area area)
{
	char *s = NULL, why[512], list[4096];
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	const char *v;

	switch (area) {
	case BR_AREA_NS:
		if (gap_line(f, in, "identity", "namespaces, id maps and groups"))
			break;
		for (const char *const *t = (const char *const[]){"user", "pid", "net", "mnt", "ipc",
								   "uts", "cgroup", "time", NULL};
		     *t; t++) {
			v = ns_state(in, ref, *t, why, sizeof(why));
			line(f, "%s namespace: %s (%s)", *t, v ? v : "unknown", why);
		}
		line(f, "uid %s inside; uid_map: %s; gid_map: %s", vq(in, "uid"), vq(in, "uid_map"),
		     vq(in, "gid_map"));
		line(f, "supplementary groups: %s; setgroups(2) to them: %s (/proc/self/setgroups %s)",
		     vq(in, "groups"), vq(in, "setgroups.same"), vq(in, "proc.setgroups"));
		break;
	case BR_AREA_SECCOMP: {
		size_t n = 0;

		if (!gap_line(f, in, "creds", "seccomp mode"))
			line(f, "seccomp mode %s, %s filter(s)", vq(in, "seccomp.mode"),
			     vq(in, "seccomp.filters"));
		if (!gap_line(f, in, "seccomp.default", "the filter's default action")) {
			const struct rec *d = recs_get(in, 'O', "seccomp.default");

			line(f, "default action for a call no rule names: %s (%s)", d ? d->value : "?",
			     d ? d->detail : "");
		}
		if (!gap_line(f, in, "syscalls", "syscalls past seccomp")) {
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
					n += snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0,
						      "%s%s%s", first ? (n ? "), " : "") : ", ",
						      first ? sp->name : "", first ? " (" : "");
					n += snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0,
						      "%s", abis[a]);
					first = false;
				}
			}
			if (n)
				snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, ")");
			line(f, "dangerous syscalls that get past seccomp: %s", n ? list : "none");
			line(f, "ABIs: x32 %s, ia32 %s", vq(in, "syscall.getpid.x32"),
			     vq(in, "syscall.getpid.ia32"));
		}
		if (!gap_line(f, in, "io_uring", "io_uring")) {
			int open = family(in, "io_uring.", list, sizeof(list));

			line(f, "io_uring operations that work (seccomp never sees them): %s; bypass of "
			     "an openat filter: %s", open > 0 ? list : "none", vq(in, "io_uring.bypass"));
		}
		break;
	}
	case BR_AREA_CAPS:
		if (!gap_line(f, in, "creds", "capabilities")) {
			for (const char *const *t = (const char *const[]){"caps.effective", "caps.permitted",
									   "caps.bounding", "caps.ambient",
									   "caps.inheritable", NULL};
			     *t; t++) {
				const struct rec *x = recs_get(in, 'O', *t);

				line(f, "%s: %s", *t + 5, x ? x->detail : "?");
			}
			line(f, "no_new_privs %s; securebits %s", vq(in, "nnp"), vq(in, "securebits"));
		}
		if (!gap_line(f, in, "crossings", "raw sockets and new user namespaces")) {
			line(f, "raw sockets: AF_PACKET %s, AF_INET/SOCK_RAW %s; new user namespaces: %s "
			     "(through int $0x80: %s)", vq(in, "rawsock.packet"), vq(in, "rawsock.inet"),
			     vq(in, "unshare.user"), vq(in, "unshare.user.ia32"));
		}
		break;
	case BR_AREA_LANDLOCK: {
		const struct rec *abi = recs_get(in, 'F', "landlock.abi"), *x;
		int n;

		if (gap_line(f, in, "fs", "file system reach and Landlock"))
			break;
		x = recs_get(in, 'O', "landlock");
		n = family(in, "fs.write.", list, sizeof(list));
		line(f, "kernel Landlock ABI %s; domain: %s (%s)", abi ? abi->value : "?",
		     x ? x->value : "?", x ? x->detail : "");
		line(f, "writable among the probed places: %s", n > 0 ? list : "none");
		if (!gap_line(f, in, "landlock", "Landlock rights")) {
			char h[512] = "", al[512] = "", un[512] = "";
			size_t hl = 0, alen = 0, ul = 0;

			for (size_t i = 0; i < in->n; i++) {
				const struct rec *r = &in->v[i];
				const char *nm = r->key + strlen("landlock.right.");

				if (r->kind != 'O' || strncmp(r->key, "landlock.right.", 15))
					continue;
				if (!strcmp(r->value, "handled"))
					hl += snprintf(h + hl, hl < sizeof(h) ? sizeof(h) - hl : 0, " %s", nm);
				else if (!strcmp(r->value, "allowed"))
					alen += snprintf(al + alen, alen < sizeof(al) ? sizeof(al) - alen : 0,
							 " %s", nm);
				else
					ul += snprintf(un + ul, ul < sizeof(un) ? sizeof(un) - ul : 0, " %s", nm);
			}
			line(f, "Landlock rights refused where DAC allows:%s; left allowed:%s; not "
			     "tested:%s", hl ? h : " none", alen ? al : " none", ul ? un : " none");
		}
		break;
	}
	case BR_AREA_BREACH: {
		int n;

		if (!gap_line(f, in, "identity", "host process table")) {
			v = host_pids(in, ref, why, sizeof(why));
			line(f, "host process table: %s (%s)", v ? v : "unknown", why);
		}
		if (!gap_line(f, in, "sockets", "unix sockets")) {
			n = family(in, "socket.", list, sizeof(list));
			line(f, "unix sockets that accept a connection: %s", n > 0 ? list : "none");
		}
		if (!gap_line(f, in, "procsys", "/proc/sys")) {
			const struct rec *g = recs_get(in, 'O', "procsys.global");

			line(f, "files under /proc/sys that open for writing: %s (%s of them global "
			     "host settings, %s of the sandbox's own namespaces)",
			     vq(in, "procsys.writable"), g ? g->value : "?", vq(in, "procsys.own"));
			if (g && strcmp(g->value, "0"))
				line(f, "global /proc/sys files writable: %.1500s", g->detail);
			if ((g = recs_get(in, 'O', "procsys.namespaces")) && g->detail[0])
				line(f, "/proc/sys files of a namespace, by whose namespace it is: %.1000s",
				     g->detail);
		}
		if (!gap_line(f, in, "fhandle", "open_by_handle_at")) {
			n = family(in, "fhandle.", list, sizeof(list));
			line(f, "open_by_handle_at (shocker): %s", n > 0 ? list : n == 0 ? "refused" :
			     "untested");
		}
		if (!gap_line(f, in, "tiocsti", "TIOCSTI"))
			line(f, "TIOCSTI into the terminal: %s", vq(in, "tiocsti"));
		if (!gap_line(f, in, "mac", "mandatory access control")) {
			struct mac_view m;

			mac_view(in, ref, &m);
			line(f, "mandatory access control: %s; active LSMs: %s; Yama ptrace_scope %s%s",
			     m.what, m.lsm ? m.lsm : "unknown", m.yama ? m.yama : "?",
			     m.yama_outside ? " (measured outside)" : "");
			if (m.compared)
				line(f, "MAC label inside against outside: %s%s", m.same_as_outside ?
				     "the same" : "different", m.outside[0] ? "" : " (no label inside)");
			if (m.outside[0])
				line(f, "%s", m.outside);
		}
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

/* Only sections that finished speak here; incompleteness is said once, by
 * the caller, at the top. */
static bool done(const struct recs *in, const char *sections)
{
	char why[1024];

	return !section_gap(in, sections, why, sizeof(why));
}

char *plain_summary(const struct recs *in, const struct recs *ref)
{
	char *s = NULL, why[512], list[4096];
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	const char *v = done(in, "identity") ? host_pids(in, ref, why, sizeof(why)) : NULL;
	const struct rec *eff = recs_get(in, 'O', "caps.effective"), *g;
	int n;

	if (v && strstr(why, "intermediate"))
		line(f, "cannot see the host's processes; sees %s", why + strlen("/proc belongs to "));
	else if (v)
		line(f, "%s see the host's processes", !strcmp(v, "visible") ? "CAN" : "cannot");
	if (done(in, "procsys") && (g = recs_get(in, 'O', "procsys.global")) &&
	    strcmp(g->value, "0")) {
		const char *root = val(in, "uid_map");
		bool host_root = val(in, "uid") && !strcmp(val(in, "uid"), "0") && root &&
				 !strncmp(root, "0 0 ", 4);

		line(f, "CAN open %s global host settings under /proc/sys for writing%s: %.400s",
		     g->value, host_root ? ", as uid 0 that is uid 0 on the host" : "", g->detail);
	}
	if (done(in, "sockets") && (n = family(in, "socket.", list, sizeof(list))) >= 0)
		line(f, n ? "CAN connect to unix sockets: %s" : "cannot connect to any unix socket "
		     "probed%s", n ? list : "");
	if (done(in, "creds") && eff && strcmp(eff->detail, "none")) {
		const char *user = ns_state(in, ref, "user", why, sizeof(why));

		line(f, "HOLDS capabilities in effect: %s%s", eff->detail,
		     user && !strcmp(user, "isolated") ? " (over what its own user namespace owns)" : "");
	} else if (done(in, "creds") && eff) {
		line(f, "holds no capabilities in effect");
	}
	if (done(in, "syscalls")) {
		n = syscalls_past_seccomp(in);
		line(f, "%s %d of the dangerous syscalls probed past seccomp on some ABI",
		     n ? "CAN get" : "gets", n);
	}
	if (done(in, "seccomp.default") && (v = val(in, "seccomp.default")) && !strcmp(v, "trap"))
		line(f, "CAN catch the SIGSYS of a denied call and carry on (the filter traps)");
	if (done(in, "io_uring") && (n = family(in, "io_uring.", list, sizeof(list))) >= 0)
		line(f, n ? "CAN use io_uring, which seccomp never sees: %s" :
		     "cannot use io_uring%s", n ? list : "");
	if (done(in, "fhandle") && (n = family(in, "fhandle.", list, sizeof(list))) >= 0)
		line(f, "%s open files by handle (open_by_handle_at, the shocker escape)%s%s",
		     n ? "CAN" : "cannot", n ? ": " : "", n ? list : "");
	if (done(in, "identity") && allowed(recs_get(in, 'O', "setgroups.same")) &&
	    (v = val(in, "groups")) && strcmp(v, "none"))
		line(f, "CAN drop its supplementary groups (%s) with setgroups(2)", v);
	if (done(in, "fs") && (n = family(in, "fs.write.", list, sizeof(list))) >= 0)
		line(f, n ? "CAN create files in: %s" : "cannot create files in any place probed%s",
		     n ? list : "");
	if (done(in, "mac")) {
		struct mac_view m;

		mac_view(in, ref, &m);
		if (m.state == MAC_CONFINED)
			line(f, "is %s%s", mac_sentence(&m, list, sizeof(list)), m.compared &&
			     m.same_as_outside ? " (the same label as outside: not the sandbox's own)" : "");
		else if (m.state == MAC_LOGGING)
			line(f, "runs under a MAC policy that only logs: %s", m.what);
		else if (m.state == MAC_NONE)
			line(f, "runs unconfined by any MAC policy: %s", m.what);
	}
	if (done(in, "tiocsti") && (v = val(in, "tiocsti")) && strcmp(v, "untested"))
		line(f, "%s push keystrokes into a terminal (TIOCSTI)",
		     !strcmp(v, "allowed") ? "CAN" : "cannot");
	fclose(f);
	return s;
}
