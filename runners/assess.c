/*
 * `blastradius assess [--claims FILE] [--out DIR] [-- CMD ARGS...]`: run the
 * static probe here, or inside the sandbox CMD launches, check the claims,
 * print KTAP and write the evidence bundle.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assess.h"
#include "cli.h"
#include "fhandle.h"
#include "findings.h"
#include "harness.h" /* br_signame */
#include "redact.h"
#include "sarif.h"

static void usage_assess(FILE *f)
{
	fprintf(f,
		"usage: blastradius assess [--claims FILE] [--out DIR] [--socket PATH]...\n"
		"                          [--probe PATH] [--no-probe-arg] [--fail-on SEVERITY]\n"
		"                          [--sarif FILE] [--redact] [--records FILE] [-- CMD ARGS...]\n"
		"       blastradius assess --keys | --rules\n\n"
		"Measures what a compromised process could reach: namespaces, id maps,\n"
		"capabilities, no_new_privs, seccomp (per syscall on native, x32, ia32),\n"
		"io_uring, Landlock, file handles, the host pid table, /proc/sys, daemon\n"
		"sockets and TIOCSTI. Without CMD it probes here. With -- CMD it runs the\n"
		"static probe inside the sandbox CMD launches (the probe path and its\n"
		"options replace an argument '{}', else they are appended), reads its\n"
		"records from CMD's stdout, and compares with the same probe run outside.\n\n"
		"  --claims FILE   check these claims (README \"Claims keys\"); one KTAP case each\n"
		"  --out DIR       write the evidence bundle (KTAP, facts.json, observations.json,\n"
		"                  the claims, the probe, report.html, manifest.json, SHA256SUMS)\n"
		"  --socket PATH   one more unix socket to try (repeatable); @NAME is abstract\n"
		"  --probe PATH    the probe binary (default: next to blastradius)\n"
		"  --no-probe-arg  CMD starts the probe itself (e.g. a container whose\n"
		"                  entrypoint is the probe): add nothing to CMD\n"
		"  --fail-on SEV   exit 1 when a finding of severity SEV or worse exists\n"
		"                  (critical, high, medium, low, info), or cannot be ruled out\n"
		"                  because its records were not written\n"
		"  --sarif FILE    write the findings as SARIF 2.1.0\n"
		"  --redact        keep the kernel cmdline, hostnames and user names out of\n"
		"                  every file written (the KTAP too)\n"
		"  --strict        a claim the evidence cannot decide fails (not tested = fail)\n"
		"  --records FILE  write the probe's raw output there: inside, then a form\n"
		"                  feed and the run outside (blastradius gallery reads it)\n"
		"  --keys          print the claims keys table (markdown) and exit\n"
		"  --rules         print the findings rules table (markdown) and exit\n\n"
		"Findings (ranked: README \"Findings\") are printed whatever the claims.\n"
		"Exit: 0 every claim holds on complete evidence (or no claims) and no finding\n"
		"reaches --fail-on, 1 a claim does not hold or a finding reaches --fail-on,\n"
		"2 bad input (claims errors name file:line), 3 the evidence is incomplete (no\n"
		"probe report, it stopped early, or --fail-on cannot rule a finding out).\n");
}

/* The values column for the types that have no list of choices. */
static const char *const value_docs[] = {
	[BR_CV_INT] = "integer",
	[BR_CV_CAPS] = "`none`, `all`, or cap names (`cap_net_raw` or `net_raw`)",
	[BR_CV_SECBITS] = "`none` or securebit names",
	[BR_CV_SYSCALLS] = "syscall names (probe table)",
	[BR_CV_PATHS] = "absolute paths",
	[BR_CV_GLOBS] = "`none`, or sysctl globs with `<=`",
	[BR_CV_IDS] = "`none` or decimal ids",
	[BR_CV_LABEL] = "one label (an AppArmor profile, an SELinux context)",
};

static void print_keys(void)
{
	printf("| key | operators | values | area | holds when |\n| --- | --- | --- | --- | --- |\n");
	for (const struct br_claim_key *k = br_claim_keys; k->name; k++) {
		char ops[32] = "", vals[160] = "";

		for (int op = 0; op < BR_NOPS; op++)
			if (k->ops & (1U << op))
				snprintf(ops + strlen(ops), sizeof(ops) - strlen(ops), "%s`%s`",
					 ops[0] ? " " : "", br_claim_op_str(op));
		if (k->type == BR_CV_CHOICE || k->type == BR_CV_WORDS)
			for (const char *const *c = k->choices; *c; c++)
				snprintf(vals + strlen(vals), sizeof(vals) - strlen(vals), "%s`%s`",
					 vals[0] ? ", " : "", *c);
		else if (k->type < sizeof(value_docs) / sizeof(value_docs[0]) && value_docs[k->type])
			snprintf(vals, sizeof(vals), "%s", value_docs[k->type]);
		printf("| `%s` | %s | %s | %s | %s |\n", k->name, ops, vals, br_area_id(k->area), k->doc);
	}
}

/* The probe next to this executable (build tree and `make install` alike). */
char *find_probe(const char *want)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;

	if (want || (want = getenv("BR_PROBE")))
		return realpath(want, NULL);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(path, sizeof(path), "%s/blastradius-probe", exe);
	return access(path, X_OK) ? NULL : strdup(path);
}

/* The outside's handle for the probe binary: TYPE:HEX, or NULL. */
static char *outside_handle(const char *probe)
{
	struct file_handle *fh = NULL;
	char *s;

	if (br_fh_encode(AT_FDCWD, probe, 0, &fh, NULL))
		return NULL;
	s = malloc(16 + 2 * fh->handle_bytes);
	if (s) {
		int n = sprintf(s, "%d:", fh->handle_type);

		for (unsigned i = 0; i < fh->handle_bytes; i++)
			n += sprintf(s + n, "%02x", fh->f_handle[i]);
	}
	free(fh);
	return s;
}

static void free_probe_args(struct assess *a)
{
	if (a->probe_args && a->probe_args[1] && !strcmp(a->probe_args[1], "--handle"))
		free(a->probe_args[2]);
	free(a->probe_args);
	a->probe_args = NULL;
}

static void build_probe_args(struct assess *a)
{
	char *handle = outside_handle(a->probe);
	int n = 0;

	a->probe_args = calloc(4 + 2 * (MAX_SOCKETS + 16) + 2 * a->claims.n * 8 + 2 * a->nref_sockets,
			       sizeof(char *));
	a->probe_args[n++] = (char *)a->probe;
	if (handle) {
		a->probe_args[n++] = "--handle";
		a->probe_args[n++] = handle;
	}
	for (int i = 0; i < a->nsockets; i++) {
		a->probe_args[n++] = "--socket";
		a->probe_args[n++] = a->sockets[i];
	}
	/* Every unix socket that accepted the outside probe: a live daemon the
	 * inside must not reach (abstract ones too, in a shared network ns). */
	for (size_t i = 0; i < a->nref_sockets; i++) {
		a->probe_args[n++] = "--socket";
		a->probe_args[n++] = a->ref_sockets[i];
	}
	/* Claimed writable places are probed too, so the claim can hold. */
	for (size_t i = 0; i < a->claims.n; i++)
		if (!strcmp(a->claims.v[i].key->name, "landlock.write"))
			for (size_t j = 0; j < a->claims.v[i].nwords && j < 8; j++) {
				a->probe_args[n++] = "--write-path";
				a->probe_args[n++] = a->claims.v[i].words[j];
			}
}

/* Run argv with stdout captured; stderr stays ours. Returns stdout. */
static char *run_capture(char **argv, int *status)
{
	char *out = NULL;

	fflush(NULL);
	*status = run_cmd(argv, NULL, &out, false);
	if (*status < 0)
		die("assess: cannot run %s: %s", argv[0], strerror(-*status));
	return out ? out : strdup("");
}

/*
 * `blastradius sandbox PROFILE ...`: its tmpfs root holds nothing of ours,
 * so run it with a copy of PROFILE that binds the probe's directory in and
 * lets Landlock read and run it there. The copy lives next to nothing of
 * the host's: a private temporary file, removed after the run.
 */
static char *sandbox_profile(const struct assess *a)
{
	static char path[] = "/tmp/blastradius-assess-profile.XXXXXX";
	const char *base = a->ncmd ? strrchr(a->cmd[0], '/') : NULL;
	char *dir, *text = NULL;
	size_t len = 0;
	int fd;
	FILE *f;

	base = base ? base + 1 : a->ncmd ? a->cmd[0] : "";
	if (a->no_probe_arg || a->ncmd < 3 || strcmp(base, "blastradius") ||
	    strcmp(a->cmd[1], "sandbox") || a->cmd[2][0] == '-')
		return NULL;
	{
		size_t cap = 0;
		ssize_t n;

		fd = open(a->cmd[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return NULL; /* sandbox itself reports the bad path */
		while ((n = read_more(fd, &text, &len, &cap, 65536)) > 0)
			;
		close(fd);
		if (n < 0 || !text) {
			free(text);
			return NULL;
		}
	}
	dir = strdup(a->probe);
	*strrchr(dir, '/') = 0;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		die("assess: cannot write a temporary profile: %s", strerror(errno));
	fprintf(f, "%s\n# added by blastradius assess: the probe\nbind = %s\n"
		"landlock.allow = %s read_file,execute\n", text, dir, dir);
	if (fclose(f))
		die("assess: cannot write %s", path);
	free(text);
	free(dir);
	return path;
}

static char **launcher_argv(const struct assess *a)
{
	int nargs = 0, n = 0;
	bool placed = false;
	char **v;

	while (a->probe_args[nargs])
		nargs++;
	v = calloc(a->ncmd + nargs + 1, sizeof(char *));
	for (int i = 0; i < a->ncmd; i++) {
		if (!strcmp(a->cmd[i], "{}") && !a->no_probe_arg) {
			for (int j = 0; j < nargs; j++)
				v[n++] = a->probe_args[j];
			placed = true;
		} else {
			v[n++] = a->cmd[i];
		}
	}
	if (!placed && !a->no_probe_arg)
		for (int j = 0; j < nargs; j++)
			v[n++] = a->probe_args[j];
	return v;
}

/* "killed by signal 31 (SIGSYS)" or "exit status 1", from a wait status as
 * run_cmd returns it (128 + signal for a signal). */
static const char *status_str(int st, char *buf, size_t size)
{
	if (st > 128)
		snprintf(buf, size, "killed by signal %d (%s)", st - 128, br_signame(st - 128));
	else
		snprintf(buf, size, "exit status %d", st);
	return buf;
}

static void measure(struct assess *a)
{
	char how[64];
	int st;

	if (a->ncmd) {
		char **v, *profile;

		a->ref_text = run_capture(a->probe_args, &st);
		recs_parse(&a->ref, a->ref_text);
		if (recs_incomplete(&a->ref))
			die("assess: the probe did not complete outside the sandbox (%s%s%s)",
			    status_str(st, how, sizeof(how)), a->ref.last_attempt ? "; last attempt: " : "",
			    a->ref.last_attempt ? a->ref.last_attempt : "");
		a->ref_sockets = calloc(a->ref.n + 1, sizeof(char *));
		for (size_t i = 0; i < a->ref.n; i++)
			if (a->ref.v[i].kind == 'O' && !strncmp(a->ref.v[i].key, "socket.", 7) &&
			    !strcmp(a->ref.v[i].value, "allowed") && a->nref_sockets < 256)
				a->ref_sockets[a->nref_sockets++] = a->ref.v[i].key + 7;
		free_probe_args(a);
		build_probe_args(a);
		v = launcher_argv(a);
		if ((profile = sandbox_profile(a)))
			v[2] = profile;
		a->in_text = run_capture(v, &a->launcher_status);
		if (profile)
			unlink(profile);
		free(v);
	} else {
		a->in_text = run_capture(a->probe_args, &a->launcher_status);
	}
	recs_parse(&a->in, a->in_text);
	procsys_resolve(&a->in, a->ncmd ? &a->ref : NULL);
	st = a->launcher_status;
	if (!a->in.started)
		fprintf(stderr, "blastradius: assess: no probe report from %s (%s): %s; every claim is "
			"not tested\n", a->ncmd ? a->cmd[0] : a->probe, status_str(st, how, sizeof(how)),
			a->no_probe_arg ? "does CMD start the probe, and does it write to CMD's stdout?"
			: a->ncmd ? "is the probe reachable inside the sandbox at that path, and may it run?"
			: "the probe did not start");
	else if (recs_incomplete(&a->in))
		fprintf(stderr, "blastradius: assess: INCOMPLETE evidence (%s): claims it did not "
			"reach are not tested\n", status_str(st, how, sizeof(how)));
}

/* Why the evidence is incomplete, one line, or NULL. */
char *incomplete_why(const struct assess *a)
{
	char how[64], *s = NULL;
	size_t len = 0;
	FILE *f;

	if (!recs_incomplete(&a->in))
		return NULL;
	f = open_memstream(&s, &len);
	if (!a->in.started) {
		fprintf(f, "no probe report at all (%s", status_str(a->launcher_status, how, sizeof(how)));
		if (a->no_probe_arg)
			fputs("; the probe CMD starts never wrote its header", f);
		else
			fprintf(f, "; probe path given to CMD: %s", a->probe);
		fputs(")", f);
	} else {
		bool any = false;

		for (size_t i = 0; i < a->in.n; i++) {
			const struct rec *x = &a->in.v[i];

			if (x->kind != 'D')
				continue;
			fprintf(f, "%sthe probe's %s section was %s at its attempt: %s", any ? "; " : "",
				x->key, x->value, x->detail);
			any = true;
		}
		if (!a->in.complete)
			fprintf(f, "%sthe probe stopped (%s) after %zu records, during its attempt: %s",
				any ? "; " : "", status_str(a->launcher_status, how, sizeof(how)),
				a->in.n, a->in.last_attempt ? a->in.last_attempt : "?");
		if (a->in.last_attempt && !strncmp(a->in.last_attempt, "fork:", 5) && !a->in.complete)
			fputs(": the sandbox leaves no fork, so nothing else could be measured", f);
	}
	fclose(f);
	return s;
}

/* Each line of s as an indented KTAP comment; frees s. */
static void comment_lines(FILE *f, char *s)
{
	for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n"))
		fprintf(f, "#   %s\n", l);
	free(s);
}

static void ktap(struct assess *a)
{
	size_t len;
	FILE *f = open_memstream(&a->ktap, &len);
	const char *name = a->claims_path ? a->claims_path : "(no claims)";
	char *why;

	fprintf(f, BR_TAP_VERSION "\n1..%zu\n", a->claims.n);
	fprintf(f, "# assess: claims %s, %s\n", name,
		a->ncmd ? "probe inside the sandbox CMD launched" : "probe in this environment");
	if ((why = incomplete_why(a))) {
		fprintf(f, "# INCOMPLETE evidence: %s\n", why);
		free(why);
	}
	for (size_t i = 0; i < a->claims.n; i++) {
		const struct br_claim *c = &a->claims.v[i];
		char msg[2048], id[128];
		enum br_verdict v = claim_check(c, &a->in, a->ncmd ? &a->ref : NULL, msg, sizeof(msg));

		snprintf(id, sizeof(id), "assess.%s.%s", br_area_id(c->key->area), c->key->name);
		if (v == BR_SKIP && a->strict) {
			char m2[2100];

			snprintf(m2, sizeof(m2), "not tested, and --strict fails that: %s", msg);
			snprintf(msg, sizeof(msg), "%s", m2);
			v = BR_FAIL;
		}
		a->tot[v]++;
		fprintf(f, "# %s:%d: %s %s %s: %s\n", name, c->line, c->key->name,
			br_claim_op_str(c->op), c->text, msg);
		if (v == BR_PASS)
			fprintf(f, "ok %zu %s\n", i + 1, id);
		else if (v == BR_SKIP)
			fprintf(f, "ok %zu %s # SKIP not tested: %s\n", i + 1, id, msg);
		else
			fprintf(f, "# FAIL %s: %s:%d: %s %s %s does not hold\nnot ok %zu %s\n", id,
				name, c->line, c->key->name, br_claim_op_str(c->op), c->text, i + 1, id);
	}
	findings_ktap(f, a->findings);
	fprintf(f, "# In short, a compromised process here%s:\n",
		recs_incomplete(&a->in) ? " (INCOMPLETE: only what the probe measured)" : "");
	comment_lines(f, plain_summary(&a->in, a->ncmd ? &a->ref : NULL));
	for (int area = 0; area < BR_NAREAS; area++) {
		fprintf(f, "# %s:\n", br_area_name(area));
		comment_lines(f, reach_summary(&a->in, a->ncmd ? &a->ref : NULL, area));
	}
	fprintf(f, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n", a->tot[BR_PASS],
		a->tot[BR_FAIL], a->tot[BR_SKIP]);
	fclose(f);
}

/* ---- the evidence bundle ---- */

static json_object *recs_json(const struct recs *r, char kind)
{
	json_object *o = kind == 'F' ? json_object_new_object() : json_object_new_array();

	for (size_t i = 0; r && i < r->n; i++) {
		const struct rec *x = &r->v[i];
		json_object *e;

		if (x->kind != kind)
			continue;
		if (kind == 'F') {
			json_object_object_add(o, x->key, json_object_new_string(x->value));
			continue;
		}
		e = json_object_new_object();
		json_object_object_add(e, "key", json_object_new_string(x->key));
		json_object_object_add(e, "value", json_object_new_string(x->value));
		json_object_object_add(e, "cause", json_object_new_string(x->cause));
		json_object_object_add(e, "detail", json_object_new_string(x->detail));
		json_object_array_add(o, e);
	}
	return o;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		die("assess: cannot write %s: %s", path, strerror(errno));
}

static void copy_file(const char *from, const char *dir, const char *name, mode_t mode)
{
	char path[PATH_MAX], buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (in < 0 || out < 0)
		die("assess: cannot copy %s to %s: %s", from, path, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			die("assess: cannot write %s: %s", path, strerror(errno));
	close(in);
	if (close(out))
		die("assess: cannot write %s: %s", path, strerror(errno));
}

static void bundle(const struct assess *a, const struct redact *rd)
{
	static const char *const files[] = {"assess.ktap", "facts.json", "observations.json",
					    "report.html", "blastradius-probe", "claims.txt", NULL};
	json_object *m = json_object_new_object(), *o, *sums = json_object_new_object();
	char path[PATH_MAX], hex[65], *sha = NULL;
	size_t shalen = 0;
	FILE *sf = open_memstream(&sha, &shalen);
	const struct rec *rel = recs_get(&a->in, 'F', "kernel.release");
	const struct rec *cmdl = recs_get(&a->in, 'F', "kernel.cmdline");

	if (mkdir_p(a->out))
		die("assess: cannot create %s: %s", a->out, strerror(errno));
	write_text(a->out, "assess.ktap", a->ktap);
	snprintf(path, sizeof(path), "%s/facts.json", a->out);
	o = recs_json(&a->in, 'F');
	if (json_write_file(path, o))
		die("assess: cannot write %s", path);
	json_object_put(o);
	o = json_object_new_object();
	json_object_object_add(o, "inside", recs_json(&a->in, 'O'));
	json_object_object_add(o, "outside", a->ncmd ? recs_json(&a->ref, 'O') : NULL);
	json_object_object_add(o, "outside_facts", a->ncmd ? recs_json(&a->ref, 'F') : NULL);
	snprintf(path, sizeof(path), "%s/observations.json", a->out);
	if (json_write_file(path, o))
		die("assess: cannot write %s", path);
	json_object_put(o);
	snprintf(path, sizeof(path), "%s/report.html", a->out);
	assess_html(a, path);
	copy_file(a->probe, a->out, "blastradius-probe", 0755);
	if (a->claims_path)
		copy_file(a->claims_path, a->out, "claims.txt", 0644);
	/* Records were redacted at the source; this catches the rest (paths,
	 * commands, the claims copy). */
	for (const char *const *n = files; rd && *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", a->out, *n);
		if (!access(path, F_OK) && redact_file(rd, path))
			die("assess: --redact: cannot rewrite %s", path);
	}

	for (const char *const *n = files; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", a->out, *n);
		if (access(path, F_OK))
			continue;
		if (sha256_file(path, hex))
			die("assess: cannot read %s: %s", path, strerror(errno));
		json_object_object_add(sums, *n, json_object_new_string(hex));
		fprintf(sf, "%s  %s\n", hex, *n);
	}
	json_object_object_add(m, "tool", json_object_new_string("blastradius"));
	json_object_object_add(m, "version", json_object_new_string(BR_VERSION));
	json_object_object_add(m, "time", json_object_new_string(a->time));
	o = json_object_new_array();
	for (int i = 0; i < a->argc; i++)
		json_object_array_add(o, json_object_new_string(a->argv[i]));
	json_object_object_add(m, "command", o);
	o = json_object_new_array();
	for (int i = 0; i < a->ncmd; i++)
		json_object_array_add(o, json_object_new_string(a->cmd[i]));
	json_object_object_add(m, "sandbox_command", o);
	json_object_object_add(m, "uid", json_object_new_int((int)getuid()));
	o = json_object_new_object();
	json_object_object_add(o, "release", json_object_new_string(rel ? rel->value : ""));
	json_object_object_add(o, "cmdline", json_object_new_string(cmdl ? cmdl->value : ""));
	json_object_object_add(m, "kernel", o);
	o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(a->probe));
	json_object_object_add(o, "sha256", json_object_new_string(a->probe_sha));
	json_object_object_add(m, "probe", o);
	if (a->claims_path) {
		char *abs = realpath(a->claims_path, NULL);

		o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(abs ? abs : a->claims_path));
		/* The bundle's copy: the claims file itself unless --redact changed it. */
		json_object_object_add(o, "sha256", json_object_object_get(sums, "claims.txt") ?
			json_object_get(json_object_object_get(sums, "claims.txt")) : NULL);
		json_object_object_add(m, "claims", o);
		free(abs);
	}
	o = json_object_new_object();
	json_object_object_add(o, "pass", json_object_new_int(a->tot[BR_PASS]));
	json_object_object_add(o, "fail", json_object_new_int(a->tot[BR_FAIL]));
	json_object_object_add(o, "skip", json_object_new_int(a->tot[BR_SKIP]));
	json_object_object_add(m, "totals", o);
	o = json_object_new_object();
	for (int s = 0; s < SEV_N; s++)
		json_object_object_add(o, sev_name(s), json_object_new_int((int)a->findings->count[s]));
	json_object_object_add(m, "findings", o);
	if (rd) {
		o = json_object_new_object();
		json_object_object_add(o, "what", json_object_new_string(
			"the kernel cmdline, this machine's hostnames and its user names are replaced by "
			"[redacted], [host] and [user] in every file of this bundle"));
		json_object_object_add(o, "hostnames", json_object_new_int(rd->hosts));
		json_object_object_add(o, "user_names", json_object_new_int(rd->users));
		json_object_object_add(m, "redacted", o);
	}
	json_object_object_add(m, "files", sums);
	json_object_object_add(m, "verify", json_object_new_string(
		"cd <bundle> && sha256sum -c SHA256SUMS (SHA256SUMS lists every file, manifest.json "
		"included; manifest.json's \"files\" holds the same digests)"));
	snprintf(path, sizeof(path), "%s/manifest.json", a->out);
	if (json_write_file(path, m) || (rd && redact_file(rd, path)))
		die("assess: cannot write %s", path);
	if (sha256_file(path, hex))
		die("assess: cannot read %s", path);
	fprintf(sf, "%s  manifest.json\n", hex);
	fclose(sf);
	write_text(a->out, "SHA256SUMS", sha);
	json_object_put(m);
	free(sha);
}

static void parse_assess_opts(struct assess *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{"claims", required_argument, 0, 'c'}, {"out", required_argument, 0, 'o'},
		{"socket", required_argument, 0, 's'}, {"probe", required_argument, 0, 'p'},
		{"no-probe-arg", no_argument, 0, 'n'}, {"keys", no_argument, 0, 'k'},
		{"fail-on", required_argument, 0, 'F'}, {"sarif", required_argument, 0, 'X'},
		{"redact", no_argument, 0, 'R'},       {"rules", no_argument, 0, 'r'},
		{"strict", no_argument, 0, 'S'},       {"help", no_argument, 0, 'h'},
		{"records", required_argument, 0, 'W'},
		{0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->claims_path = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 's':
			if (a->nsockets == MAX_SOCKETS)
				die_usage("assess: at most %d --socket options", MAX_SOCKETS);
			a->sockets[a->nsockets++] = optarg;
			break;
		case 'p':
			a->probe = optarg;
			break;
		case 'n':
			a->no_probe_arg = true;
			break;
		case 'F':
			if ((a->fail_on = sev_parse(optarg)) < 0)
				die_usage("assess: --fail-on %s: expected critical, high, medium, low or info",
					  optarg);
			break;
		case 'X':
			a->sarif = optarg;
			break;
		case 'R':
			a->redact = true;
			break;
		case 'S':
			a->strict = true;
			break;
		case 'W':
			a->records = optarg;
			break;
		case 'k':
			print_keys();
			exit(BR_EXIT_PASS);
		case 'r':
			findings_markdown(stdout);
			exit(BR_EXIT_PASS);
		default:
			exit(help_or_usage(usage_assess, c));
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--"))
			die_usage("assess: unexpected argument '%s' (a sandbox command goes after --)",
				  argv[optind]);
		a->cmd = argv + optind;
		a->ncmd = argc - optind;
	} else if (!strcmp(argv[argc - 1], "--")) {
		die_usage("assess: '--' must be followed by a sandbox command");
	}
	if (a->no_probe_arg && !a->ncmd)
		die_usage("assess: --no-probe-arg needs -- CMD");
	if (a->records && a->redact)
		die_usage("assess: --records writes the probe's output unredacted: not with --redact");
}

/* --fail-on: BR_EXIT_FAIL when a finding at or above the severity exists,
 * else BR_EXIT_INCOMPLETE when one cannot be ruled out because its records
 * were not written, else rc. */
static int fail_on(const struct assess *a, int rc)
{
	const struct findings *fs = a->findings;

	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];

		if ((int)f->rule->sev > a->fail_on || f->state == F_CLEAR)
			continue;
		if (f->state == F_FOUND) {
			fprintf(stderr, "blastradius: --fail-on %s: %s finding %s: %s\n", sev_name(a->fail_on),
				sev_name(f->rule->sev), f->rule->id, f->title);
			rc = BR_EXIT_FAIL;
		} else {
			fprintf(stderr, "blastradius: --fail-on %s: cannot rule out %s (%s): not measured\n",
				sev_name(a->fail_on), f->rule->id, f->rule->what);
			if (rc != BR_EXIT_FAIL)
				rc = BR_EXIT_INCOMPLETE;
		}
	}
	return rc;
}

/* What cmd_assess allocated: LeakSanitizer (make sanitize) checks every exit. */
static void assess_free(struct assess *a)
{
	free_probe_args(a);
	free(a->ref_sockets);
	free((char *)a->probe);
	recs_free(&a->in);
	recs_free(&a->ref);
	free(a->in_text);
	free(a->ref_text);
	free(a->ktap);
	br_claims_free(&a->claims);
	free(a->time);
}

int cmd_assess(int argc, char **argv)
{
	static struct findings fs;
	struct assess a = {.argc = argc, .argv = argv, .fail_on = -1, .findings = &fs};
	struct redact rd;
	char err[1024], where[PATH_MAX];
	const char *probe;
	int rc;

	parse_assess_opts(&a, argc, argv);
	if (a.out) { /* a bundle is never mixed into an older one */
		static char out[PATH_MAX];
		struct stat st;
		size_t l = strlen(a.out);

		while (l > 1 && a.out[l - 1] == '/')
			l--;
		snprintf(out, sizeof(out), "%.*s", (int)l, a.out);
		a.out = out;
		if (!stat(a.out, &st) && !(S_ISDIR(st.st_mode) && rmdir(a.out) == 0))
			die_usage("assess: --out %s already exists (an evidence bundle is never overwritten)", a.out);
	}
	if (a.claims_path && br_claims_parse(a.claims_path, &a.claims, err, sizeof(err))) {
		fprintf(stderr, "blastradius: %s\n", err);
		br_claims_free(&a.claims);
		return BR_EXIT_USAGE;
	}
	probe = find_probe(a.probe);
	if (!probe)
		die_usage("assess: no probe binary %s (build it with make, or pass --probe)",
			  a.probe ? a.probe : "next to blastradius");
	a.probe = probe;
	build_probe_args(&a);
	measure(&a);
	if (a.redact) {
		redact_init(&rd);
		redact_recs(&rd, &a.in);
		redact_recs(&rd, &a.ref);
	}
	findings_eval(&fs, &a.in, a.ncmd ? &a.ref : NULL);
	a.time = iso_time_now();
	if (sha256_file(a.probe, a.probe_sha))
		die("assess: cannot read %s: %s", a.probe, strerror(errno));
	ktap(&a);
	if (a.redact) {
		char *k = redact_str(&rd, a.ktap);

		free(a.ktap);
		a.ktap = k;
	}
	fputs(a.ktap, stdout);
	fflush(stdout);
	if (a.records) {
		char *t = NULL;

		if (asprintf(&t, "%s\f%s", a.in_text, a.ref_text ? a.ref_text : "") < 0 ||
		    write_file(a.records, t, strlen(t)))
			die("assess: cannot write %s", a.records);
		free(t);
	}
	if (a.out) {
		/* Written as OUT.tmp, renamed to OUT when complete (SHA256SUMS last). */
		const char *final = a.out;
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s.tmp", final);
		if (mkdir(tmp, 0755))
			die("assess: cannot create %s: %s", tmp, strerror(errno));
		tmp_guard(tmp);
		a.out = tmp;
		bundle(&a, a.redact ? &rd : NULL);
		results_commit(tmp, final);
		a.out = final;
		fprintf(stderr, "blastradius: evidence bundle in %s (verify: cd %s && sha256sum -c SHA256SUMS)\n",
			final, final);
	}
	if (a.sarif) {
		snprintf(where, sizeof(where), "%s/observations.json", a.out ? a.out : "");
		if (sarif_findings(a.sarif, &a, a.out ? where : NULL) ||
		    (a.redact && redact_file(&rd, a.sarif)))
			die("assess: cannot write %s", a.sarif);
	}
	for (size_t i = 0; i < a.claims.n; i++) {
		char msg[2048];
		const struct br_claim *c = &a.claims.v[i];
		enum br_verdict v = claim_check(c, &a.in, a.ncmd ? &a.ref : NULL, msg, sizeof(msg));

		if (v == BR_FAIL || (v == BR_SKIP && a.strict))
			fprintf(stderr, "blastradius: claim does not hold%s: %s:%d: %s %s %s (%s)\n",
				v == BR_SKIP ? " (not tested, --strict)" : "", a.claims_path, c->line,
				c->key->name, br_claim_op_str(c->op), c->text, msg);
	}
	rc = a.tot[BR_FAIL] ? BR_EXIT_FAIL : recs_incomplete(&a.in) ? BR_EXIT_INCOMPLETE : BR_EXIT_PASS;
	if (a.fail_on >= 0)
		rc = fail_on(&a, rc);
	assess_free(&a);
	if (a.redact)
		redact_free(&rd);
	return rc;
}
