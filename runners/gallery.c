/*
 * `blastradius gallery FILE`: assess each sandbox FILE names, side by side.
 * One `blastradius assess` per line runs in parallel (bounded by -j), each
 * from an empty working directory of its own, writing its evidence bundle and
 * its raw probe records; then gallery.{json,md,html} put them in columns:
 * rows grouped by questionnaire area, what was measured first, then every
 * finding rule worst first (runners/findings.c, the one table of rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "cli.h"
#include "findings.h"
#include "proc.h"
#include "report.h"

#define MAX_ENTRIES 64
#define MAX_WORDS 256

static void usage_gallery(FILE *f)
{
	fprintf(f,
		"usage: blastradius gallery [-j N] [--timeout S] [--results DIR] [--id ID]\n"
		"                           [--probe PATH] FILE\n\n"
		"Assesses every sandbox FILE names and compares them side by side. Each\n"
		"line of FILE is NAME = COMMAND ARGS... (a launch line as after assess's --;\n"
		"'{}' stands for the probe and its options, else they are appended), or\n"
		"NAME = --no-probe-arg COMMAND ARGS... for a launcher that starts the probe\n"
		"itself (a container bundle). Words split on blanks; '...' and \"...\" keep\n"
		"blanks; ${VAR} is the environment's VAR (BR_PROBE, BR_PROBE_DIR and\n"
		"BR_GALLERY_DIR, FILE's folder, are set); # starts a comment line.\n"
		"Each entry runs `blastradius assess` from an empty folder of its own.\n\n"
		"  -j, --jobs N     entries assessed at once (default 4)\n"
		"  --timeout S      an entry still running after S seconds is killed and\n"
		"                   incomplete (default 60)\n"
		"  --results DIR    where the gallery folder goes (default results)\n"
		"  --id ID          its name (default gallery-<UTC time>)\n"
		"  --probe PATH     the probe binary (default: next to blastradius)\n\n"
		"Writes DIR/ID/gallery.json, gallery.md and gallery.html, and per entry\n"
		"NAME/evidence/ (its evidence bundle), NAME/assess.out (assess's output)\n"
		"and NAME/records.txt (the probe's records), under .ID.tmp until complete.\n"
		"Exit: 0 every entry gave complete evidence, 1 one did not (its column is\n"
		"incomplete, with the reason), 2 bad input (FILE errors name file:line).\n");
}

struct entry {
	char name[BR_NAME_MAX + 1];
	char cwd[PATH_MAX]; /* its empty working folder, "$PWD" in the reports */
	char **argv;
	int argc, line;
	bool no_probe_arg;
	/* the run */
	pid_t pid;
	int pidfd, status;
	long long t0, ms;
	bool done, timed_out;
	/* the results */
	struct recs in, ref;
	bool records, complete;
	char *reason;
	struct findings fs;
};

static struct entry entries[MAX_ENTRIES];
static int nentries;

/* ---- FILE ---- */

static _Noreturn void bad(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static _Noreturn void bad(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "blastradius: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(BR_EXIT_USAGE);
}

/* One word of s (blanks skipped first) into out, ${VAR} expanded outside
 * single quotes; the rest of s, or NULL at the end of the line. */
static const char *word(const char *s, char *out, size_t size, const char *file, int line)
{
	size_t n = 0;
	char q = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
		if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
			continue;
		}
		if (q && *s == q) {
			q = 0;
			continue;
		}
		if (q != '\'' && s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}'), *v;
			char var[128];

			if (!end || end - s - 2 <= 0 || end - s - 2 >= (long)sizeof(var))
				bad(file, line, "'${' without a variable name and '}'");
			snprintf(var, sizeof(var), "%.*s", (int)(end - s - 2), s + 2);
			if (!(v = getenv(var)))
				bad(file, line, "${%s} is not set in the environment", var);
			for (; *v; v++)
				if (n + 1 < size)
					out[n++] = *v;
			s = end;
			continue;
		}
		if (n + 1 < size)
			out[n++] = *s;
	}
	if (q)
		bad(file, line, "unterminated %c quote", q);
	if (n + 1 >= size)
		bad(file, line, "a word longer than %zu characters", size - 2);
	out[n] = 0;
	return s;
}

static void parse_line(const char *file, int line, char *l)
{
	struct entry *e = &entries[nentries];
	char *eq = strchr(l, '='), name[BR_NAME_MAX + 1], w[PATH_MAX * 2];
	const char *rest, *problem;
	char **v;
	int n = 0;

	if (!eq)
		bad(file, line, "expected NAME = COMMAND ARGS...");
	*eq = 0;
	{
		char *nm = l + strspn(l, " \t");
		size_t len = strlen(nm);

		while (len && (nm[len - 1] == ' ' || nm[len - 1] == '\t'))
			nm[--len] = 0;
		if (!len || strpbrk(nm, " \t'\"") || len >= sizeof(name))
			bad(file, line, "expected one NAME before '='");
		snprintf(name, sizeof(name), "%s", nm);
	}
	if ((problem = name_problem(name)))
		bad(file, line, "entry name '%s': %s", name, problem);
	for (int i = 0; i < nentries; i++)
		if (!strcmp(entries[i].name, name))
			bad(file, line, "entry '%s' is already on line %d", name, entries[i].line);
	if (nentries == MAX_ENTRIES)
		bad(file, line, "more than %d entries", MAX_ENTRIES);
	v = calloc(MAX_WORDS + 1, sizeof(char *));
	for (rest = eq + 1; (rest = word(rest, w, sizeof(w), file, line));) {
		if (n == MAX_WORDS)
			bad(file, line, "more than %d words", MAX_WORDS);
		v[n++] = strdup(w);
	}
	if (n && !strcmp(v[0], "--no-probe-arg")) {
		e->no_probe_arg = true;
		free(v[0]);
		memmove(v, v + 1, n-- * sizeof(char *));
	}
	if (!n)
		bad(file, line, "entry '%s' has no command", name);
	if (v[0][0] == '-')
		bad(file, line, "'%s': the only option an entry takes is --no-probe-arg, first", v[0]);
	for (int i = 0; i < n && e->no_probe_arg; i++)
		if (!strcmp(v[i], "{}"))
			bad(file, line, "'{}' with --no-probe-arg: the command starts the probe itself");
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->argv = v;
	e->argc = n;
	e->line = line;
	nentries++;
}

static void parse_file(const char *file)
{
	struct stat st;
	char *l = NULL;
	size_t cap = 0;
	int line = 0;
	FILE *f;

	if (stat(file, &st))
		die_usage("gallery: %s: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die_usage("gallery: %s: not a regular file", file);
	if (!(f = fopen(file, "r")))
		die_usage("gallery: %s: %s", file, strerror(errno));
	while (getline(&l, &cap, f) > 0) {
		char *s = l;

		line++;
		s[strcspn(s, "\r\n")] = 0;
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			continue;
		if (strlen(s) > 8192)
			bad(file, line, "line longer than 8192 characters");
		parse_line(file, line, s);
	}
	free(l);
	fclose(f);
	if (!nentries)
		die_usage("gallery: %s: no entries (NAME = COMMAND ARGS... lines)", file);
}

/* ---- running assess in each ---- */

static void start(struct entry *e, const char *dir, const char *cwd, const char *probe)
{
	char ev[PATH_MAX], rec[PATH_MAX], out[PATH_MAX];
	char **av = calloc(e->argc + 16, sizeof(char *));
	int n = 0;
	pid_t parent = getpid();

	snprintf(ev, sizeof(ev), "%s/%s", dir, e->name);
	if (mkdir(ev, 0755) || mkdir(cwd, 0755))
		die("gallery: cannot create %s or %s: %s", ev, cwd, strerror(errno));
	snprintf(ev, sizeof(ev), "%s/%s/evidence", dir, e->name);
	snprintf(rec, sizeof(rec), "%s/%s/records.txt", dir, e->name);
	snprintf(out, sizeof(out), "%s/%s/assess.out", dir, e->name);
	av[n++] = "blastradius";
	av[n++] = "assess";
	av[n++] = "--out";
	av[n++] = ev;
	av[n++] = "--records";
	av[n++] = rec;
	av[n++] = "--probe";
	av[n++] = (char *)probe;
	if (e->no_probe_arg)
		av[n++] = "--no-probe-arg";
	av[n++] = "--";
	for (int i = 0; i < e->argc; i++)
		av[n++] = e->argv[i];
	fflush(NULL);
	e->t0 = mono_ms();
	e->pid = fork();
	if (e->pid < 0)
		die("gallery: fork: %s", strerror(errno));
	if (e->pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		die_with_parent(parent);
		setpgid(0, 0); /* a timeout kills the whole group */
		if (null < 0 || o < 0 || dup2(null, 0) < 0 || dup2(o, 1) < 0 || dup2(o, 2) < 0 || chdir(cwd))
			_exit(127);
		execv("/proc/self/exe", av);
		fprintf(stderr, "blastradius: gallery: exec /proc/self/exe: %s\n", strerror(errno));
		_exit(127);
	}
	free(av);
	e->pidfd = (int)syscall(SYS_pidfd_open, e->pid, 0);
	if (e->pidfd < 0)
		die("gallery: pidfd_open: %s", strerror(errno));
}

static void reap(struct entry *e)
{
	int st;

	while (waitpid(e->pid, &st, 0) < 0)
		if (errno != EINTR)
			die("gallery: waitpid: %s", strerror(errno));
	close(e->pidfd);
	e->ms = mono_ms() - e->t0;
	e->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	e->done = true;
}

static void run_all(const char *dir, const char *cwds, const char *probe, int jobs, int timeout_s)
{
	int next = 0, running = 0, done = 0;

	while (done < nentries) {
		struct pollfd p[MAX_ENTRIES];
		int idx[MAX_ENTRIES], np = 0;
		long long now, wait_ms = -1;

		while (running < jobs && next < nentries) {
			snprintf(entries[next].cwd, sizeof(entries[next].cwd), "%s/%s", cwds, entries[next].name);
			start(&entries[next], dir, entries[next].cwd, probe);
			next++;
			running++;
		}
		now = mono_ms();
		for (int i = 0; i < next; i++) {
			struct entry *e = &entries[i];
			long long left;

			if (e->done)
				continue;
			left = e->t0 + timeout_s * 1000LL - now;
			if (left <= 0 && !e->timed_out) {
				e->timed_out = true;
				kill(-e->pid, SIGKILL);
				kill(e->pid, SIGKILL);
			}
			if (!e->timed_out && (wait_ms < 0 || left < wait_ms))
				wait_ms = left;
			p[np] = (struct pollfd){e->pidfd, POLLIN, 0};
			idx[np++] = i;
		}
		if (poll(p, np, (int)(wait_ms < 0 ? -1 : wait_ms)) < 0 && errno != EINTR)
			die("gallery: poll: %s", strerror(errno));
		for (int k = 0; k < np; k++)
			if (p[k].revents) {
				struct entry *e = &entries[idx[k]];

				reap(e);
				running--;
				done++;
				fprintf(stderr, "[gallery] %-16s %s in %.1f s\n", e->name,
					e->timed_out ? "killed at its timeout" : "assessed", e->ms / 1000.0);
			}
	}
}

/* The last line of text that is neither blank, nor KTAP, nor assess's own
 * account: the launcher's error (or its exec's). */
static void last_line(const char *text, char *buf, size_t size)
{
	const char *s = text;

	buf[0] = 0;
	while (s && *s) {
		size_t len = strcspn(s, "\n");

		if (len && strncmp(s, "blastradius: assess: ", 21) && strncmp(s, "blastradius: evidence", 21) &&
		    s[0] != '#' &&
		    strncmp(s, "ok ", 3) && strncmp(s, "1..", 3) && strncmp(s, "TAP ", 4))
			snprintf(buf, size, "%.*s", (int)(len > 400 ? 400 : len), s);
		s += len + (s[len] == '\n');
	}
}

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read_more(fd, &buf, &len, &cap, 65536)) > 0 && len < BR_MAX_RESULT)
		;
	close(fd);
	if (!buf)
		return strdup("");
	buf[len] = 0; /* read_more terminates only what it read */
	return buf;
}

/* Read each entry's records and judge its completeness. */
static void collect(struct entry *e, const char *dir, int timeout_s)
{
	char path[PATH_MAX], said[512], line[1024] = "";
	char *out, *rec, *ff;

	snprintf(path, sizeof(path), "%s/%s/assess.out", dir, e->name);
	out = slurp(path);
	snprintf(path, sizeof(path), "%s/%s/records.txt", dir, e->name);
	rec = slurp(path);
	if (rec) {
		ff = strchr(rec, '\f');
		if (ff)
			*ff++ = 0;
		recs_parse(&e->in, rec);
		recs_parse(&e->ref, ff ? ff : "");
		procsys_resolve(&e->in, &e->ref); /* as assess does: procsys.global and .own */
		e->records = e->in.started;
		free(rec);
	}
	e->complete = !e->timed_out && e->status == BR_EXIT_PASS && rec && !recs_incomplete(&e->in);
	if (e->records)
		findings_eval(&e->fs, &e->in, &e->ref);
	if (e->complete) {
		free(out);
		return;
	}
	/* assess's own sentence, then what the launcher said last. */
	if (out) {
		const char *inc = strstr(out, "# INCOMPLETE evidence: ");

		if (inc)
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(inc + 23, "\n"), inc + 23);
		else {
			const char *b = strstr(out, "blastradius: ");

			if (b)
				snprintf(line, sizeof(line), "%.*s", (int)strcspn(b + 13, "\n"), b + 13);
		}
		last_line(out, said, sizeof(said));
	} else {
		said[0] = 0;
	}
	{
		char why[2048];
		size_t l;

		if (e->timed_out)
			l = snprintf(why, sizeof(why), "still running after %d s (--timeout): killed", timeout_s);
		else if (line[0])
			l = snprintf(why, sizeof(why), "%s", line);
		else
			l = snprintf(why, sizeof(why), "assess exit status %d", e->status);
		if (said[0] && l < sizeof(why))
			snprintf(why + l, sizeof(why) - l, "; it said last: %s", said);
		e->reason = strdup(why);
	}
	free(out);
}

/* ---- rows ---- */

static const char *const ns_types[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup", "time", NULL};

static const char *ov(const struct recs *r, const char *key, const char **cause, const char **detail)
{
	const struct rec *x = recs_get(r, 'O', key);

	if (cause)
		*cause = x ? x->cause : "";
	if (detail)
		*detail = x ? x->detail : "";
	return x ? x->value : NULL;
}

/* A measured row: the value into v, its cause into c; false: not measured. */
typedef bool (*measure_fn)(const struct entry *e, char *v, char *c, size_t size);

static bool m_ns(const struct entry *e, char *v, char *c, size_t size)
{
	size_t vl = 0, cl = 0;
	char msg[512];

	v[0] = c[0] = 0;
	for (int i = 0; ns_types[i]; i++) {
		const char *s = ns_state(&e->in, &e->ref, ns_types[i], msg, sizeof(msg));

		if (s && !strcmp(s, "isolated"))
			vl += snprintf(v + vl, size - vl, "%s%s", vl ? " " : "", ns_types[i]);
		else
			cl += snprintf(c + cl, size - cl, "%s%s %s", cl ? "; " : "", ns_types[i],
				       s ? "is the host's" : "unknown");
		if (vl >= size || cl >= size)
			break;
	}
	if (!vl)
		snprintf(v, size, "none");
	return recs_get(&e->in, 'O', "ns.user") != NULL;
}

static bool m_uid(const struct entry *e, char *v, char *c, size_t size)
{
	const char *uid = ov(&e->in, "uid", NULL, NULL), *map = ov(&e->in, "uid_map", NULL, NULL);
	const char *how = map ? root_map(map) : NULL;

	if (!uid || !map)
		return false;
	snprintf(v, size, "uid %s; uid 0 is %s", uid, !strcmp(how, "host") ? "the host's uid 0"
		 : !strcmp(how, "mapped") ? "another host uid" : "unmapped");
	snprintf(c, size, "uid_map %s", map);
	return true;
}

static bool m_seccomp(const struct entry *e, char *v, char *c, size_t size)
{
	const char *mode = ov(&e->in, "seccomp.mode", NULL, NULL), *n = ov(&e->in, "seccomp.filters", NULL, NULL);
	const char *def = ov(&e->in, "seccomp.default", NULL, NULL);

	if (!mode)
		return false;
	if (!strcmp(mode, "filter"))
		snprintf(v, size, "%s filter%s", n ? n : "?", n && !strcmp(n, "1") ? "" : "s");
	else
		snprintf(v, size, "%s", mode);
	snprintf(c, size, "default action: %s", def ? def : "not measured");
	return true;
}

static bool m_abis(const struct entry *e, char *v, char *c, size_t size)
{
	const char *x32 = ov(&e->in, "abi.x32", NULL, NULL), *ia32 = ov(&e->in, "abi.ia32", NULL, NULL);

	if (!x32 && !ia32)
		return false;
	snprintf(v, size, "x32 %s, ia32 %s", x32 ? x32 : "?", ia32 ? ia32 : "?");
	snprintf(c, size, "getpid through each ABI");
	return true;
}

static bool m_caps(const struct entry *e, char *v, char *c, size_t size, const char *key)
{
	const char *d, *val = ov(&e->in, key, NULL, &d);
	char msg[256];
	const char *user = ns_state(&e->in, &e->ref, "user", msg, sizeof(msg));

	if (!val)
		return false;
	caps_plain(d, v, size);
	snprintf(c, size, "%s, over %s user namespace", val,
		 !user ? "an unknown" : !strcmp(user, "isolated") ? "its own" : "the host's");
	return true;
}

static bool m_eff(const struct entry *e, char *v, char *c, size_t size)
{
	return m_caps(e, v, c, size, "caps.effective");
}

static bool m_bnd(const struct entry *e, char *v, char *c, size_t size)
{
	return m_caps(e, v, c, size, "caps.bounding");
}

static bool m_rec(const struct entry *e, char *v, char *c, size_t size, const char *key)
{
	const char *cause, *d, *val = ov(&e->in, key, &cause, &d);

	if (!val)
		return false;
	snprintf(v, size, "%s", val);
	snprintf(c, size, "%s%s%s", strcmp(cause, "none") ? cause : "", strcmp(cause, "none") && *d ? ": " : "", d);
	return true;
}

static bool m_nnp(const struct entry *e, char *v, char *c, size_t size)
{
	return m_rec(e, v, c, size, "nnp");
}

static bool m_landlock(const struct entry *e, char *v, char *c, size_t size)
{
	return m_rec(e, v, c, size, "landlock");
}

static bool m_family(const struct entry *e, char *v, char *c, size_t size, const char *prefix, const char *what)
{
	int n = family(&e->in, prefix, v, size);

	if (n < 0)
		return false;
	if (!n)
		snprintf(v, size, "none");
	snprintf(c, size, "%s", what);
	return true;
}

static bool m_writable(const struct entry *e, char *v, char *c, size_t size)
{
	return m_family(e, v, c, size, "fs.write.", "a file created (and removed) in each probed place");
}

static bool m_sockets(const struct entry *e, char *v, char *c, size_t size)
{
	return m_family(e, v, c, size, "socket.", "connect() to each unix socket listening outside");
}

static bool m_pids(const struct entry *e, char *v, char *c, size_t size)
{
	const char *s = host_pids(&e->in, &e->ref, c, size);

	snprintf(v, size, "%s", s ? s : "unknown");
	return recs_get(&e->in, 'O', "ns.pid") != NULL;
}

static bool m_sysctl(const struct entry *e, char *v, char *c, size_t size)
{
	const char *d, *n = ov(&e->in, "procsys.global", NULL, &d);
	int words = 0;
	size_t l = 0;

	if (!n)
		return false;
	snprintf(v, size, "%s", n);
	c[0] = 0;
	/* The first names, as the findings name them. */
	for (const char *s = d; *s && words < 4; words++) {
		size_t w = strcspn(s, " ");

		l += snprintf(c + l, size - l, "%s%.*s", l ? ", " : "", (int)w, s);
		s += w + (s[w] == ' ');
		if (l >= size)
			break;
	}
	if (words == 4 && l < size)
		snprintf(c + l, size - l, ", ...");
	return true;
}

struct measured {
	enum br_area area;
	const char *id, *label;
	measure_fn fn;
};

static const struct measured measured[] = {
	{BR_AREA_NS, "namespaces", "namespaces of its own", m_ns},
	{BR_AREA_NS, "uid", "runs as", m_uid},
	{BR_AREA_SECCOMP, "seccomp", "seccomp filters", m_seccomp},
	{BR_AREA_SECCOMP, "abis", "foreign syscall ABIs", m_abis},
	{BR_AREA_CAPS, "caps.effective", "capabilities in effect", m_eff},
	{BR_AREA_CAPS, "caps.bounding", "bounding set", m_bnd},
	{BR_AREA_CAPS, "nnp", "no_new_privs", m_nnp},
	{BR_AREA_LANDLOCK, "landlock", "Landlock domain", m_landlock},
	{BR_AREA_LANDLOCK, "writable", "writable probed places", m_writable},
	{BR_AREA_BREACH, "host.pids", "the host's process table", m_pids},
	{BR_AREA_BREACH, "procsys.global", "global /proc/sys files that open for writing", m_sysctl},
	{BR_AREA_BREACH, "sockets", "unix sockets that accept a connection", m_sockets},
	{0},
};

static const struct finding *finding_of(const struct entry *e, const struct finding_rule *r)
{
	for (size_t i = 0; e->records && i < e->fs.n; i++)
		if (e->fs.v[i].rule == r)
			return &e->fs.v[i];
	return NULL;
}

/* s with the entry's working folder written "$PWD": it differs per entry and
 * per run, and would mark rows as differing that do not. */
static json_object *pwd_string(const struct entry *e, const char *s)
{
	size_t cl = strlen(e->cwd), len = 0;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);
	json_object *j;

	while (*s) {
		if (cl && !strncmp(s, e->cwd, cl)) {
			fputs("$PWD", f);
			s += cl;
		} else {
			fputc(*s++, f);
		}
	}
	fclose(f);
	j = json_object_new_string(out);
	free(out);
	return j;
}

static json_object *cell(const struct entry *e, const char *state, const char *value, const char *cause,
			 const char *cls)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "value", pwd_string(e, value));
	json_object_object_add(o, "cause", pwd_string(e, cause));
	json_object_object_add(o, "class", json_object_new_string(cls));
	return o;
}

/* differs: two complete columns' values are not the same. */
static void row_done(json_object *row, json_object *cells)
{
	const char *first = NULL;
	bool differs = false;

	for (int i = 0; i < nentries; i++) {
		const char *v = jstr(jget(cells, entries[i].name), "value");

		if (!entries[i].complete)
			continue;
		if (first && strcmp(first, v))
			differs = true;
		first = v;
	}
	json_object_object_add(row, "differs", json_object_new_boolean(differs));
	json_object_object_add(row, "cells", cells);
}

static json_object *measured_row(const struct measured *m)
{
	json_object *row = json_object_new_object(), *cells = json_object_new_object();

	json_object_object_add(row, "kind", json_object_new_string("measured"));
	json_object_object_add(row, "id", json_object_new_string(m->id));
	json_object_object_add(row, "label", json_object_new_string(m->label));
	for (int i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];
		char v[2048], c[2048];

		if (e->records && m->fn(e, v, c, sizeof(v)))
			json_object_object_add(cells, e->name, cell(e, "measured", v, c, "fact"));
		else
			json_object_object_add(cells, e->name, cell(e, e->records ? "not measured" : "incomplete",
				e->records ? "not measured" : "incomplete", "", e->records ? "na" : "incomplete"));
	}
	row_done(row, cells);
	return row;
}

static json_object *finding_row(const struct finding_rule *r)
{
	json_object *row = json_object_new_object(), *cells = json_object_new_object();

	json_object_object_add(row, "kind", json_object_new_string("finding"));
	json_object_object_add(row, "id", json_object_new_string(r->id));
	json_object_object_add(row, "label", json_object_new_string(r->what));
	json_object_object_add(row, "severity", json_object_new_string(sev_name(r->sev)));
	json_object_object_add(row, "fix", json_object_new_string(r->fix));
	for (int i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];
		const struct finding *f = finding_of(e, r);
		char ev[2048] = "";

		if (!f) {
			json_object_object_add(cells, e->name, cell(e, "incomplete", "incomplete", "", "incomplete"));
			continue;
		}
		finding_evidence(f, &e->in, ev, sizeof(ev));
		if (f->state == F_FOUND)
			json_object_object_add(cells, e->name, cell(e, "found", f->title, ev,
				r->sev <= SEV_HIGH ? "fail" : r->sev <= SEV_LOW ? "skip" : "xfail"));
		else if (f->state == F_CLEAR)
			json_object_object_add(cells, e->name, cell(e, "clear", "clear", ev, "pass"));
		else
			json_object_object_add(cells, e->name, cell(e, "not measured", "not measured", ev, "na"));
	}
	row_done(row, cells);
	return row;
}

static json_object *gallery_json(const char *file, int jobs, long long wall_ms)
{
	json_object *g = json_object_new_object(), *cols = json_object_new_array(),
		    *areas = json_object_new_array();
	const char *release = "";
	char *now = iso_time_now();
	int ncomplete = 0;

	for (int i = 0; i < nentries; i++) {
		const struct entry *e = &entries[i];
		json_object *c = json_object_new_object(), *cmd = json_object_new_array(),
			    *fc = json_object_new_object();
		const struct rec *rel = recs_get(&e->in, 'F', "kernel.release");

		if (rel && !*release)
			release = rel->value;
		ncomplete += e->complete;
		for (int k = 0; k < e->argc; k++)
			json_object_array_add(cmd, json_object_new_string(e->argv[k]));
		json_object_object_add(c, "name", json_object_new_string(e->name));
		json_object_object_add(c, "line", json_object_new_int(e->line));
		json_object_object_add(c, "command", cmd);
		json_object_object_add(c, "no_probe_arg", json_object_new_boolean(e->no_probe_arg));
		json_object_object_add(c, "status", json_object_new_string(e->complete ? "complete" : "incomplete"));
		json_object_object_add(c, "reason", json_object_new_string(e->reason ? e->reason : ""));
		json_object_object_add(c, "exit", json_object_new_int(e->status));
		json_object_object_add(c, "wall_ms", json_object_new_int64(e->ms));
		for (int s = 0; s < SEV_N; s++)
			json_object_object_add(fc, sev_name(s), json_object_new_int(e->records ? (int)e->fs.count[s] : 0));
		json_object_object_add(c, "findings", fc);
		json_object_array_add(cols, c);
	}
	for (int a = 0; a < BR_NAREAS; a++) {
		json_object *ao = json_object_new_object(), *rows = json_object_new_array();

		json_object_object_add(ao, "id", json_object_new_string(br_area_id(a)));
		json_object_object_add(ao, "name", json_object_new_string(br_area_name(a)));
		json_object_object_add(ao, "question", json_object_new_string(area_question(a)));
		for (const struct measured *m = measured; m->id; m++)
			if (m->area == (enum br_area)a)
				json_object_array_add(rows, measured_row(m));
		/* The rule table's own order within a severity: worst first. */
		for (int s = 0; s < SEV_N; s++)
			for (const struct finding_rule *r = finding_rules; r->id; r++)
				if (qitems[r->item].area == (enum br_area)a && (int)r->sev == s)
					json_object_array_add(rows, finding_row(r));
		json_object_object_add(ao, "rows", rows);
		json_object_array_add(areas, ao);
	}
	json_object_object_add(g, "tool", json_object_new_string("blastradius"));
	json_object_object_add(g, "version", json_object_new_string(BR_VERSION));
	json_object_object_add(g, "time", json_object_new_string(now));
	json_object_object_add(g, "file", json_object_new_string(file));
	json_object_object_add(g, "kernel", json_object_new_string(release));
	json_object_object_add(g, "uid", json_object_new_int((int)getuid()));
	json_object_object_add(g, "jobs", json_object_new_int(jobs));
	json_object_object_add(g, "wall_ms", json_object_new_int64(wall_ms));
	json_object_object_add(g, "complete", json_object_new_int(ncomplete));
	json_object_object_add(g, "columns", cols);
	json_object_object_add(g, "areas", areas);
	free(now);
	return g;
}

/* ---- gallery.md ---- */

static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
}

static int write_md(json_object *g, const char *path)
{
	FILE *f = tmp_open(path);
	json_object *cols = jget(g, "columns");

	if (!f)
		return -errno;
	fprintf(f, "# blastradius gallery\n\n`%s`, kernel %s, uid %d, %d of %zu columns complete, %.1f s wall "
		   "at -j%d.\n\n", jstr(g, "file"), jstr(g, "kernel"), json_object_get_int(jget(g, "uid")),
		json_object_get_int(jget(g, "complete")), alen(cols), json_object_get_int64(jget(g, "wall_ms")) / 1000.0,
		json_object_get_int(jget(g, "jobs")));
	fputs("| column | status | command |\n| --- | --- | --- |\n", f);
	for (size_t i = 0; i < alen(cols); i++) {
		json_object *c = json_object_array_get_idx(cols, i), *cmd = jget(c, "command");

		fprintf(f, "| %s | %s", jstr(c, "name"), jstr(c, "status"));
		if (*jstr(c, "reason")) {
			fputs(": ", f);
			md_text(f, jstr(c, "reason"));
		}
		fputs(" | `", f);
		if (json_object_get_boolean(jget(c, "no_probe_arg")))
			fputs("--no-probe-arg ", f);
		for (size_t k = 0; k < alen(cmd); k++)
			fprintf(f, "%s%s", k ? " " : "", json_object_get_string(json_object_array_get_idx(cmd, k)));
		fputs("` |\n", f);
	}
	fputs("\nEach cell: the measured value, then its cause in parentheses. A row marked **differs** "
	      "has different values in two complete columns.\n", f);
	for (size_t a = 0; a < alen(jget(g, "areas")); a++) {
		json_object *ao = json_object_array_get_idx(jget(g, "areas"), a), *rows = jget(ao, "rows");

		fprintf(f, "\n## %s\n\n> %s\n\n| |", jstr(ao, "name"), jstr(ao, "question"));
		for (size_t i = 0; i < alen(cols); i++)
			fprintf(f, " %s |", jstr(json_object_array_get_idx(cols, i), "name"));
		fputs("\n| --- |", f);
		for (size_t i = 0; i < alen(cols); i++)
			fputs(" --- |", f);
		fputc('\n', f);
		for (size_t r = 0; r < alen(rows); r++) {
			json_object *row = json_object_array_get_idx(rows, r);

			fputs("| ", f);
			if (*jstr(row, "severity"))
				fprintf(f, "%s `%s`: ", jstr(row, "severity"), jstr(row, "id"));
			md_text(f, jstr(row, "label"));
			if (json_object_get_boolean(jget(row, "differs")))
				fputs(" **differs**", f);
			fputs(" |", f);
			for (size_t i = 0; i < alen(cols); i++) {
				json_object *c = jget(jget(row, "cells"), jstr(json_object_array_get_idx(cols, i), "name"));

				fputc(' ', f);
				md_text(f, jstr(c, "value"));
				if (*jstr(c, "cause")) {
					fputs(" (", f);
					md_text(f, jstr(c, "cause"));
					fputc(')', f);
				}
				fputs(" |", f);
			}
			fputc('\n', f);
		}
	}
	return tmp_commit(f, path);
}

/* ---- gallery.html: matrix.html's page, styles and heatmap rules ---- */

static void heat_row(FILE *f, json_object *g, json_object *ao, const char **names, int n)
{
	fputs("<tr><th>", f);
	esc(f, jstr(ao, "name"));
	fputs("</th>", f);
	for (int i = 0; i < n; i++) {
		struct counts c = {0};
		json_object *col = json_object_array_get_idx(jget(g, "columns"), i);
		json_object *rows = jget(ao, "rows");

		for (size_t r = 0; r < alen(rows); r++) {
			json_object *row = json_object_array_get_idx(rows, r);
			const char *st = jstr(jget(jget(row, "cells"), names[i]), "state");
			const char *sev = jstr(row, "severity");

			if (!*sev || !strcmp(sev, "info"))
				continue;
			if (!strcmp(st, "clear"))
				c.pass++;
			else if (!strcmp(st, "found") && (!strcmp(sev, "critical") || !strcmp(sev, "high")))
				c.fail++;
			else if (!strcmp(st, "found"))
				c.skip++;
		}
		heat_cell(f, &c, strcmp(jstr(col, "status"), "complete"));
	}
	fputs("</tr>\n", f);
}

static void html_cell(FILE *f, json_object *c, const char *mode, bool frame)
{
	const char *v = jstr(c, "value"), *cause = jstr(c, "cause");

	fprintf(f, "<td class=\"%s%s\">", jstr(c, "class"), frame && mode && strcmp(v, mode) ? " delta" : "");
	esc_value(f, v);
	if (*cause) {
		fputs("<div class=\"why\">", f);
		esc(f, cause);
		fputs("</div>", f);
	}
	fputs("</td>", f);
}

/* The value most complete columns share, for the red frame of the others. */
static const char *mode_value(json_object *row, json_object *cols)
{
	const char *best = NULL;
	int bn = 0;

	for (size_t i = 0; i < alen(cols); i++) {
		const char *v = jstr(jget(jget(row, "cells"), jstr(json_object_array_get_idx(cols, i), "name")), "value");
		int k = 0;

		for (size_t j = 0; j < alen(cols); j++) {
			json_object *c = json_object_array_get_idx(cols, j);

			k += !strcmp(jstr(c, "status"), "complete") &&
			     !strcmp(v, jstr(jget(jget(row, "cells"), jstr(c, "name")), "value"));
		}
		if (k > bn) {
			bn = k;
			best = v;
		}
	}
	return best;
}

static int write_html(json_object *g, const char *path)
{
	FILE *f = tmp_open(path);
	json_object *cols = jget(g, "columns"), *areas = jget(g, "areas");
	int n = (int)alen(cols);
	const char *names[MAX_ENTRIES];

	if (!f)
		return -errno;
	for (int i = 0; i < n; i++)
		names[i] = jstr(json_object_array_get_idx(cols, i), "name");
	html_start(f, "blastradius gallery");
	fputs("<h1>blastradius gallery</h1>\n<p>", f);
	esc(f, jstr(g, "file"));
	fprintf(f, ": %d sandboxes, %d complete; kernel ", n, json_object_get_int(jget(g, "complete")));
	esc(f, jstr(g, "kernel"));
	fprintf(f, ", run as uid %d, %.1f s wall at -j%d, ", json_object_get_int(jget(g, "uid")),
		json_object_get_int64(jget(g, "wall_ms")) / 1000.0, json_object_get_int(jget(g, "jobs")));
	esc(f, jstr(g, "time"));
	fputs(".</p>\n<h2>Findings per area and sandbox <span class=\"n\">(clear / critical+high / "
	      "medium+low rules; info left out)</span></h2>\n", f);
	open_table(f, "heatmap", "area", names, n);
	fputs("<tr><th>status</th>", f);
	for (int i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(cols, i);
		bool inc = strcmp(jstr(c, "status"), "complete");

		fprintf(f, "<td class=\"%s\">%s, %.1f s <a href=\"%s/evidence/report.html\">evidence</a>",
			inc ? "fail" : "pass", inc ? "INCOMPLETE" : "complete",
			json_object_get_int64(jget(c, "wall_ms")) / 1000.0, names[i]);
		if (inc) {
			fputs("<div class=\"why\">", f);
			esc(f, jstr(c, "reason"));
			fputs("</div>", f);
		}
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	for (size_t a = 0; a < alen(areas); a++)
		heat_row(f, g, json_object_array_get_idx(areas, a), names, n);
	close_table(f);
	fputs("<p>Below, per questionnaire area: what was measured, then every finding rule worst first. "
	      "Each cell is the measured value with its cause underneath. <span class=\"tag capab\">differs"
	      "</span> marks a row whose complete columns do not agree; a red frame the cells that differ "
	      "from the row's usual value.</p>\n", f);
	for (size_t a = 0; a < alen(areas); a++) {
		json_object *ao = json_object_array_get_idx(areas, a), *rows = jget(ao, "rows");

		fputs("<h2>", f);
		esc(f, jstr(ao, "name"));
		fputs("</h2>\n<p><i>", f);
		esc(f, jstr(ao, "question"));
		fputs("</i></p>\n", f);
		open_table(f, NULL, "", names, n);
		for (size_t r = 0; r < alen(rows); r++) {
			json_object *row = json_object_array_get_idx(rows, r);
			bool d = json_object_get_boolean(jget(row, "differs"));
			const char *mode = d ? mode_value(row, cols) : NULL;

			fprintf(f, "<tr class=\"%s\"><th>", d ? "diff capab" : "");
			if (*jstr(row, "severity"))
				fprintf(f, "<span class=\"tag sec\">%s</span> <code>%s</code> ", jstr(row, "severity"),
					jstr(row, "id"));
			esc(f, jstr(row, "label"));
			if (d)
				fputs("<span class=\"tag capab\">differs</span>", f);
			fputs("</th>", f);
			for (int i = 0; i < n; i++)
				html_cell(f, jget(jget(row, "cells"), names[i]), mode, d);
			fputs("</tr>\n", f);
		}
		close_table(f);
	}
	fputs("</body></html>\n", f);
	return tmp_commit(f, path);
}

/* ---- the command ---- */

int cmd_gallery(int argc, char **argv)
{
	static const struct option lo[] = {
		{"jobs", required_argument, 0, 'j'},    {"timeout", required_argument, 0, 't'},
		{"results", required_argument, 0, 'R'}, {"id", required_argument, 0, 'i'},
		{"probe", required_argument, 0, 'p'},   {"help", no_argument, 0, 'h'},
		{0},
	};
	const char *results = "results", *want_id = NULL, *want_probe = NULL;
	char *file, *probe, *dir, *id, *final, *slash, cwds[PATH_MAX], path[PATH_MAX], gid[64];
	int jobs = 4, timeout_s = 60, c, rc = BR_EXIT_PASS;
	long long t0 = mono_ms();
	json_object *g;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+hj:", lo, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'j':
			jobs = (int)strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > MAX_ENTRIES)
				die_usage("gallery: -j %s: expected 1 to %d", optarg, MAX_ENTRIES);
			break;
		case 't':
			timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || timeout_s < 1 || timeout_s > 3600)
				die_usage("gallery: --timeout %s: expected 1 to 3600 seconds", optarg);
			break;
		case 'R':
			results = optarg;
			break;
		case 'i':
			want_id = optarg;
			break;
		case 'p':
			want_probe = optarg;
			break;
		default:
			return help_or_usage(usage_gallery, c);
		}
	}
	if (optind != argc - 1)
		die_usage("gallery: expected one FILE (see blastradius gallery --help)");
	if (!(probe = find_probe(want_probe)))
		die_usage("gallery: no probe binary %s (build it with make, or pass --probe)",
			  want_probe ? want_probe : "next to blastradius");
	file = realpath(argv[optind], NULL);
	if (!file)
		die_usage("gallery: %s: %s", argv[optind], strerror(errno));
	/* What a launch line may name: the probe and the gallery file's folder. */
	setenv("BR_PROBE", probe, 1);
	snprintf(path, sizeof(path), "%s", probe);
	*strrchr(path, '/') = 0;
	setenv("BR_PROBE_DIR", path, 1);
	snprintf(path, sizeof(path), "%s", file);
	slash = strrchr(path, '/');
	*slash = 0;
	setenv("BR_GALLERY_DIR", path[0] ? path : "/", 1);
	parse_file(argv[optind]);
	if (!want_id) {
		time_t t = time(NULL);

		strftime(gid, sizeof(gid), "gallery-%Y%m%dT%H%M%SZ", gmtime(&t));
		want_id = gid;
	}
	dir = results_new_run(results, want_id, &id, &final);
	{ /* each assess runs from its own folder: absolute paths */
		char *abs = realpath(dir, NULL);

		if (!abs)
			die("gallery: %s: %s", dir, strerror(errno));
		free(dir);
		dir = abs;
	}
	/* Empty working folders, one per entry (srt scans its own with rg). */
	snprintf(cwds, sizeof(cwds), "%s/.cwd", dir);
	if (mkdir(cwds, 0755))
		die("gallery: cannot create %s: %s", cwds, strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	run_all(dir, cwds, probe, jobs, timeout_s);
	if (rm_tree(cwds))
		fprintf(stderr, "blastradius: gallery: cannot remove %s: %s\n", cwds, strerror(errno));
	for (int i = 0; i < nentries; i++) {
		collect(&entries[i], dir, timeout_s);
		if (!entries[i].complete) {
			rc = BR_EXIT_FAIL;
			fprintf(stderr, "blastradius: gallery: %s (%s:%d) is incomplete: %s\n", entries[i].name,
				argv[optind], entries[i].line, entries[i].reason);
		}
	}
	g = gallery_json(file, jobs, mono_ms() - t0);
	snprintf(path, sizeof(path), "%s/gallery.json", dir);
	if (json_write_file(path, g))
		die("gallery: cannot write %s", path);
	snprintf(path, sizeof(path), "%s/gallery.md", dir);
	if (write_md(g, path))
		die("gallery: cannot write %s", path);
	snprintf(path, sizeof(path), "%s/gallery.html", dir);
	if (write_html(g, path))
		die("gallery: cannot write %s", path);
	results_commit(dir, final);
	printf("%s/gallery.html\n", final);
	fprintf(stderr, "blastradius: gallery: %d of %d columns complete in %.1f s: %s/gallery.html\n",
		json_object_get_int(jget(g, "complete")), nentries, (mono_ms() - t0) / 1000.0, final);
	json_object_put(g);
	for (int i = 0; i < nentries; i++) {
		for (int k = 0; k < entries[i].argc; k++)
			free(entries[i].argv[k]);
		free(entries[i].argv);
		free(entries[i].reason);
		recs_free(&entries[i].in);
		recs_free(&entries[i].ref);
	}
	free(file);
	free(probe);
	free(dir);
	free(id);
	free(final);
	return rc;
}
