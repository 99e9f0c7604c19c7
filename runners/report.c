/*
 * `blastradius report` and `blastradius diff`: the matrix of one or more run
 * dirs as matrix.json, matrix.md, a self-contained matrix.html and junit.xml;
 * the changes between two runs or cells; baselines to check runs against.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "globs.h"
#include "proc.h"
#include "report.h"
#include "sarif.h"

const char *const verdicts[] = {"pass", "fail", "skip", "xfail", "error", NULL};

int verdict_rank(const char *v)
{
	if (!v)
		return 0;
	if (!strcmp(v, "pass") || !strcmp(v, "xfail"))
		return 3;
	if (!strcmp(v, "skip"))
		return 2;
	return 0;
}

json_object *jget(json_object *o, const char *k)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

size_t alen(json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

const char *jstr(json_object *o, const char *k)
{
	json_object *v = jget(o, k);

	return v ? json_object_get_string(v) : "";
}

static void set_case(json_object *cases, const char *id, const char *verdict, const char *reason)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "verdict", json_object_new_string(verdict));
	json_object_object_add(c, "reason", json_object_new_string(reason ? reason : ""));
	json_object_object_add(cases, id, c);
}

/* What made a cell incomplete: "FILE: why" entries joined by "; ". */
static void problem(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(char *why, size_t size, const char *fmt, ...)
{
	size_t l = strlen(why);
	va_list ap;

	if (l + 3 >= size)
		return;
	if (l)
		l += snprintf(why + l, size - l, "; ");
	va_start(ap, fmt);
	vsnprintf(why + l, size - l, fmt, ap);
	va_end(ap);
}

/*
 * One suite binary's KTAP: result lines, with "# FAIL id: why" / "# ERROR id: why"
 * as reasons. Returns NULL when it is whole (a "KTAP version" header, a plan, and
 * as many results as planned), else what is wrong with it.
 */
static const char *parse_ktap(char *text, json_object *cases, char *buf, size_t size)
{
	char *save = NULL, last_id[256] = "", last_reason[1024] = "";
	bool header = false;
	long plan = -1, results = 0;

	if (strncmp(text, "KTAP version ", 13) && strncmp(text, "TAP version ", 12))
		return "not KTAP (no 'KTAP version' header)";
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char id[256], *dir;
		bool ok = !strncmp(l, "ok ", 3), nok = !strncmp(l, "not ok ", 7);

		if (!header) {
			header = true;
			continue;
		}
		if (plan < 0 && !strncmp(l, "1..", 3)) {
			plan = strtol(l + 3, NULL, 10);
			continue;
		}
		if (!strncmp(l, "# FAIL ", 7) || !strncmp(l, "# ERROR ", 8)) {
			char *p = l + (l[2] == 'F' ? 7 : 8), *colon = strstr(p, ": ");

			if (colon) {
				snprintf(last_id, sizeof(last_id), "%.*s", (int)(colon - p), p);
				snprintf(last_reason, sizeof(last_reason), "%s", colon + 2);
			}
			continue;
		}
		if (!ok && !nok)
			continue;
		results++;
		if (sscanf(l + (ok ? 3 : 7), "%*u %255s", id) != 1)
			continue;
		dir = strstr(l, " # ");
		if (ok && dir && !strncmp(dir, " # SKIP", 7))
			set_case(cases, id, "skip", dir[7] ? dir + 8 : "");
		else if (ok && dir && !strncmp(dir, " # XFAIL", 8))
			set_case(cases, id, "xfail", dir[8] ? dir + 9 : "");
		else if (ok)
			set_case(cases, id, "pass", "");
		else if (dir && !strncmp(dir, " # ERROR", 8))
			set_case(cases, id, "error", dir[8] ? dir + 9 : "");
		else
			set_case(cases, id, "fail", !strcmp(last_id, id) ? last_reason : "");
	}
	if (plan < 0)
		return "no plan line (truncated?)";
	if (results != plan) {
		snprintf(buf, size, "truncated or garbled: %ld of %ld planned results", results, plan);
		return buf;
	}
	return NULL;
}

static bool is_ktap_name(const char *name)
{
	size_t l = strlen(name);

	return l > 5 && name[0] != '.' && !strcmp(name + l - 5, ".ktap");
}

/* "ns.uts" from "ns.uts.ktap". */
static const char *suite_of(const char *ktap, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)(strlen(ktap) - 5), ktap);
	return buf;
}

/* Every .ktap of a cell; what was wrong with any of them goes to why (if given). */
static json_object *read_cases(const char *cell_dir, char *why, size_t whysize, json_object *dead)
{
	json_object *cases = json_object_new_object();
	struct dirent **ents;
	int n = scandir(cell_dir, &ents, NULL, alphasort);

	if (n < 0 && why)
		problem(why, whysize, "%s: %s", cell_dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char path[PATH_MAX], err[PATH_MAX + 128], buf[96], suite[256], *text;
		const char *bad;

		if (is_ktap_name(name)) {
			snprintf(path, sizeof(path), "%s/%s", cell_dir, name);
			if (!(text = br_read_regular(path, BR_MAX_RESULT, NULL, err, sizeof(err)))) {
				if (why)
					problem(why, whysize, "%s", err);
			} else if ((bad = parse_ktap(text, cases, buf, sizeof(buf))) && why &&
				   /* a binary the guest killed is an error case of its own */
				   !(dead && json_object_object_get_ex(dead, suite_of(name, suite, sizeof(suite)), NULL))) {
				problem(why, whysize, "%s: %s", name, bad);
			}
			free(text);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return cases;
}

json_object *cell_cases(const char *cell_dir)
{
	return read_cases(cell_dir, NULL, 0, NULL);
}

/* cell.json as read: every key a reader relies on has its type, else why says what. */
static json_object *read_cell_json(const char *dir, char *why, size_t whysize)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	json_object *cj, *st, *suites, *k;

	snprintf(path, sizeof(path), "%s/cell.json", dir);
	if (access(path, F_OK) && errno == ENOENT) {
		cj = json_object_new_object(); /* a plain `blastradius run` folder */
		json_object_object_add(cj, "status", json_object_new_string("complete"));
		return cj;
	}
	if (!(cj = json_read_object(path, err, sizeof(err)))) {
		problem(why, whysize, "%s", err);
		return json_object_new_object();
	}
	st = jget(cj, "status");
	if (!json_object_is_type(st, json_type_string) ||
	    (strcmp(json_object_get_string(st), "complete") && strcmp(json_object_get_string(st), "incomplete")))
		problem(why, whysize, "%s: \"status\" is not \"complete\" or \"incomplete\"", path);
	k = jget(cj, "kernel");
	if (k && (!json_object_is_type(k, json_type_string) || name_problem(json_object_get_string(k))))
		problem(why, whysize, "%s: \"kernel\" is not a sane name", path);
	suites = jget(cj, "suites");
	if (suites && !json_object_is_type(suites, json_type_array)) {
		problem(why, whysize, "%s: \"suites\" is not an array", path);
		json_object_object_del(cj, "suites");
	}
	for (size_t i = 0; i < alen(jget(cj, "suites")); i++) {
		json_object *s = json_object_array_get_idx(jget(cj, "suites"), i);

		if (!json_object_is_type(jget(s, "id"), json_type_string) || !*jstr(s, "id") ||
		    !json_object_is_type(jget(s, "exit"), json_type_int)) {
			problem(why, whysize, "%s: suites[%zu] has no string \"id\" and integer \"exit\"", path, i);
			json_object_object_del(cj, "suites");
			break;
		}
	}
	return cj;
}

static void add_cell(json_object *m, const char *run_id, const char *dir, const char *name, const char *run_problem)
{
	char path[PATH_MAX], why[1024] = "", err[PATH_MAX + 128];
	json_object *cells = jget(m, "cells"), *cj, *facts, *cases, *cell = NULL, *t, *dead;
	json_object *all_cases = jget(m, "cases"), *all_facts = jget(m, "facts");
	unsigned cnt[5] = {0};

	if (run_problem && *run_problem)
		problem(why, sizeof(why), "%s", run_problem);
	cj = read_cell_json(dir, why, sizeof(why));
	/* A later run's cell of the same name replaces the earlier one. */
	for (size_t i = 0; i < alen(cells); i++)
		if (!strcmp(jstr(json_object_array_get_idx(cells, i), "name"), name)) {
			cell = json_object_array_get_idx(cells, i);
			json_object_object_foreach(all_cases, k1, v1) {
				(void)k1;
				json_object_object_del(v1, name);
			}
			json_object_object_foreach(all_facts, k2, v2) {
				(void)k2;
				json_object_object_del(v2, name);
			}
		}
	if (!cell) {
		cell = json_object_new_object();
		json_object_array_add(cells, cell);
	}
	json_object_object_add(cell, "name", json_object_new_string(name));
	json_object_object_add(cell, "run", json_object_new_string(run_id));
	json_object_object_foreach(cj, key, val)
		if (strcmp(key, "cell") && strcmp(key, "suites"))
			json_object_object_add(cell, key, json_object_get(val));
	/* Suite binaries that died without a verdict: their KTAP may stop anywhere. */
	dead = json_object_new_object();
	for (size_t i = 0; i < alen(jget(cj, "suites")); i++) {
		json_object *s = json_object_array_get_idx(jget(cj, "suites"), i);
		int ex = json_object_get_int(jget(s, "exit"));

		if (ex != 0 && ex != 1 && ex != 4)
			json_object_object_add(dead, jstr(s, "id"), NULL);
	}
	cases = read_cases(dir, why, sizeof(why), dead);
	json_object_put(dead);
	/* A guest suite binary that died without a verdict still shows up. */
	for (size_t i = 0; i < alen(jget(cj, "suites")); i++) {
		json_object *s = json_object_array_get_idx(jget(cj, "suites"), i);
		int ex = json_object_get_int(jget(s, "exit"));

		if (ex != 0 && ex != 1 && ex != 4) {
			char reason[96];

			if (ex < 0)
				snprintf(reason, sizeof(reason), "did not finish");
			else if (ex > 128 && sigabbrev_np(ex - 128))
				snprintf(reason, sizeof(reason), "binary killed by SIG%s%s", sigabbrev_np(ex - 128),
					 ex - 128 == SIGKILL ? " (the guest's suite timeout, or out of memory)" : "");
			else
				snprintf(reason, sizeof(reason), "binary exit status %d", ex);
			set_case(cases, jstr(s, "id"), "error", reason);
		}
	}
	json_object_object_foreach(cases, cid, cv) {
		const char *v = jstr(cv, "verdict");

		if (!json_object_object_get_ex(all_cases, cid, &t)) {
			t = json_object_new_object();
			json_object_object_add(all_cases, cid, t);
		}
		json_object_object_add(t, name, json_object_get(cv));
		for (int i = 0; verdicts[i]; i++)
			cnt[i] += !strcmp(v, verdicts[i]);
	}
	json_object_put(cases);
	t = json_object_new_object();
	for (int i = 0; verdicts[i]; i++)
		json_object_object_add(t, verdicts[i], json_object_new_int(cnt[i]));
	json_object_object_add(cell, "totals", t);
	snprintf(path, sizeof(path), "%s/facts.json", dir);
	if (!(facts = json_read_object(path, err, sizeof(err)))) {
		problem(why, sizeof(why), "%s", err);
		facts = json_object_new_object();
	}
	json_object_object_foreach(facts, fk, fv) {
		if (!json_object_object_get_ex(all_facts, fk, &t)) {
			t = json_object_new_object();
			json_object_object_add(all_facts, fk, t);
		}
		json_object_object_add(t, name, json_object_get(fv));
	}
	json_object_put(facts);
	json_object_put(cj);
	/* Anything read wrong: the cell is incomplete, and says which file. */
	if (*why) {
		char reason[2048];

		fprintf(stderr, "blastradius: cell %s is incomplete: %s\n", name, why);
		snprintf(reason, sizeof(reason), "%s%s%s", jstr(cell, "reason"), *jstr(cell, "reason") ? "; " : "", why);
		json_object_object_add(cell, "status", json_object_new_string("incomplete"));
		json_object_object_add(cell, "reason", json_object_new_string(reason));
	}
}

static int is_cell_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int yes = 0;

	snprintf(path, sizeof(path), "%s/cell.json", dir);
	if (!access(path, F_OK))
		return 1;
	if (!(d = opendir(dir)))
		return 0;
	while (!yes && (e = readdir(d)))
		yes = is_ktap_name(e->d_name);
	closedir(d);
	return yes;
}

static void sum_totals(json_object *m)
{
	json_object *t = json_object_new_object(), *cells = jget(m, "cells");
	int inc = 0;

	for (int i = 0; verdicts[i]; i++) {
		int sum = 0;

		for (size_t c = 0; c < alen(cells); c++)
			sum += json_object_get_int(jget(jget(json_object_array_get_idx(cells, c), "totals"),
						       verdicts[i]));
		json_object_object_add(t, verdicts[i], json_object_new_int(sum));
	}
	for (size_t c = 0; c < alen(cells); c++)
		inc += !!strcmp(jstr(json_object_array_get_idx(cells, c), "status"), "complete");
	json_object_object_add(t, "incomplete", json_object_new_int(inc));
	json_object_object_add(t, "cells", json_object_new_int((int)alen(cells)));
	json_object_object_add(m, "totals", t);
}

json_object *matrix_load(char *const dirs[], int ndirs)
{
	json_object *m = json_object_new_object(), *runs = json_object_new_array();

	json_object_object_add(m, "tool", json_object_new_string("blastradius"));
	json_object_object_add(m, "version", json_object_new_string(BR_VERSION));
	json_object_object_add(m, "runs", runs);
	json_object_object_add(m, "cells", json_object_new_array());
	json_object_object_add(m, "cases", json_object_new_object());
	json_object_object_add(m, "facts", json_object_new_object());
	for (int i = 0; i < ndirs; i++) {
		char path[PATH_MAX], real[PATH_MAX], bad[PATH_MAX + 160] = "";
		json_object *run = NULL, *targets;
		const char *rid;
		struct dirent **ents;
		int n;

		if (!realpath(dirs[i], real)) {
			fprintf(stderr, "blastradius: %s: %s\n", dirs[i], strerror(errno));
			json_object_put(m);
			return NULL;
		}
		if (is_cell_dir(real)) { /* a single cell dir */
			add_cell(m, "", real, strrchr(real, '/') + 1, NULL);
			continue;
		}
		/* A missing run.json is a folder of cells; a broken one taints every cell. */
		snprintf(path, sizeof(path), "%s/run.json", real);
		if (!(access(path, F_OK) && errno == ENOENT) && !(run = json_read_object(path, bad, sizeof(bad))))
			run = NULL;
		rid = run && json_object_is_type(jget(run, "id"), json_type_string) ? jstr(run, "id")
										   : strrchr(real, '/') + 1;
		targets = jget(run, "targets");
		if (targets && !json_object_is_type(targets, json_type_array)) {
			snprintf(bad, sizeof(bad), "%s: \"targets\" is not an array", path);
			targets = NULL;
		}
		for (size_t t = 0; t < alen(targets); t++) {
			json_object *tn = json_object_array_get_idx(targets, t);

			if (!json_object_is_type(tn, json_type_string) || name_problem(json_object_get_string(tn))) {
				snprintf(bad, sizeof(bad), "%s: targets[%zu] is not a sane cell name", path, t);
				targets = NULL;
			}
		}
		json_object_array_add(runs, run ? json_object_get(run) : json_object_new_string(rid));
		/* Cells in the run's own order, then any other cell folder. */
		for (size_t t = 0; t < alen(targets); t++) {
			const char *cn = json_object_get_string(json_object_array_get_idx(targets, t));

			/* A listed cell with no folder is incomplete, not gone. */
			snprintf(path, sizeof(path), "%s/%s", real, cn);
			add_cell(m, rid, path, cn, bad);
		}
		n = scandir(real, &ents, NULL, alphasort);
		for (int e = 0; e < n; e++) {
			bool listed = false;

			for (size_t t = 0; t < alen(targets); t++)
				listed |= !strcmp(ents[e]->d_name,
						  json_object_get_string(json_object_array_get_idx(targets, t)));
			snprintf(path, sizeof(path), "%s/%s", real, ents[e]->d_name);
			if (!listed && !name_problem(ents[e]->d_name) && is_cell_dir(path))
				add_cell(m, rid, path, ents[e]->d_name, bad);
			free(ents[e]);
		}
		if (n >= 0)
			free(ents);
		/* A run.json too broken to say which cells it had, and no cell found. */
		if (*bad && !alen(jget(m, "cells")))
			fprintf(stderr, "blastradius: %s\n", bad);
		json_object_put(run);
	}
	if (!alen(jget(m, "cells"))) {
		fprintf(stderr, "blastradius: no result cells in the given dir(s)\n");
		json_object_put(m);
		return NULL;
	}
	sum_totals(m);
	return m;
}

const char **matrix_cells(json_object *m, int *n)
{
	json_object *cells = jget(m, "cells");
	const char **v = calloc(alen(cells) + 1, sizeof(*v));

	*n = (int)alen(cells);
	for (int i = 0; i < *n; i++)
		v[i] = jstr(json_object_array_get_idx(cells, i), "name");
	return v;
}

/* ---- writers ---- */

void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
}

/* Do the cells disagree on this row? (missing entries do not count) */
const char *row_value(json_object *row, const char *cell, bool verdict)
{
	json_object *v = jget(row, cell);

	return v ? (verdict ? jstr(v, "verdict") : json_object_get_string(v)) : NULL;
}

bool row_differs(json_object *row, const char **cells, int n, bool verdict)
{
	const char *first = NULL;

	for (int i = 0; i < n; i++) {
		const char *s = row_value(row, cells[i], verdict);

		if (!s)
			continue;
		if (first && strcmp(first, s))
			return true;
		first = s;
	}
	return false;
}

/* The row's most common value (ties: the leftmost): cells that differ from it stand out. */
const char *row_mode(json_object *row, const char **cells, int n, bool verdict)
{
	const char *best = NULL;
	int best_n = 0;

	for (int i = 0; i < n; i++) {
		const char *s = row_value(row, cells[i], verdict);
		int c = 0;

		for (int j = 0; s && j < n; j++) {
			const char *t = row_value(row, cells[j], verdict);

			c += t && !strcmp(s, t);
		}
		if (c > best_n)
			best = s, best_n = c;
	}
	return best;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **sorted_keys(json_object *o, int *n)
{
	const char **k = calloc(json_object_object_length(o) + 1, sizeof(*k));

	*n = 0;
	json_object_object_foreach(o, key, val) {
		(void)val;
		k[(*n)++] = key;
	}
	qsort(k, *n, sizeof(*k), cmp_keys);
	return k;
}

json_object *cell_obj(json_object *m, const char *name)
{
	json_object *cells = jget(m, "cells");

	for (size_t i = 0; i < alen(cells); i++)
		if (!strcmp(jstr(json_object_array_get_idx(cells, i), "name"), name))
			return json_object_array_get_idx(cells, i);
	return NULL;
}

/* Did the cell run case id's suite file? (A variant's cell runs only its suite_files.) */
static bool cell_ran(json_object *cell, const char *id)
{
	const char *dot = strchr(id, '.');
	char file[256];

	dot = dot ? strchr(dot + 1, '.') : NULL;
	snprintf(file, sizeof(file), "%.*s", dot ? (int)(dot - id) : (int)strlen(id), id);
	return globs_match(jstr(cell, "suite_files"), file);
}

/* What an absent case shows in a cell. */
const char *absent(json_object *m, const char *cell)
{
	return strcmp(jstr(cell_obj(m, cell), "status"), "complete") ? "incomplete" : "n/a";
}

/* Does case id belong to the part of a cell's junit: boundary verdicts (0) or
 * the library's self-tests, lib.* (1)? */
static bool in_part(const char *id, int part)
{
	return !strncmp(id, "lib.", 4) == (part == 1);
}

static int write_junit(json_object *m, const char *path, const char **cells, int n)
{
	FILE *f = tmp_open(path);
	int nc;
	const char **cases = sorted_keys(jget(m, "cases"), &nc);

	if (!f)
		return -errno;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"blastradius\">\n", f);
	/* Per cell, one testsuite of boundary verdicts and one of the library's
	 * self-tests ("<cell> lib.*"), each with its own counts. */
	for (int i = 0; i < n * 2; i++) {
		json_object *c = cell_obj(m, cells[i / 2]);
		int part = i % 2, cnt[5] = {0};
		bool inc = !part && strcmp(jstr(c, "status"), "complete");

		for (int r = 0; r < nc; r++) {
			const char *verdict = jstr(jget(jget(jget(m, "cases"), cases[r]), cells[i / 2]), "verdict");

			for (int v = 0; verdicts[v] && in_part(cases[r], part); v++)
				cnt[v] += !strcmp(verdict, verdicts[v]);
		}
		if (part && !(cnt[0] + cnt[1] + cnt[2] + cnt[3] + cnt[4]))
			continue;
		fputs("  <testsuite name=\"", f);
		esc(f, cells[i / 2]);
		/* verdicts[]: pass, fail, skip, xfail, error */
		fprintf(f, "%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
			part ? " lib.*" : "", cnt[0] + cnt[1] + cnt[2] + cnt[3] + cnt[4] + inc, cnt[1], cnt[4] + inc,
			cnt[2], part ? 0 : json_object_get_int(jget(c, "wall_ms")) / 1000.0);
		if (inc) {
			fputs("    <testcase classname=\"matrix\" name=\"cell.complete\"><error message=\"", f);
			esc(f, jstr(c, "reason"));
			fputs("\"/></testcase>\n", f);
		}
		for (int r = 0; r < nc; r++) {
			json_object *v = jget(jget(jget(m, "cases"), cases[r]), cells[i / 2]);
			const char *verdict = jstr(v, "verdict");
			const char *dot = strrchr(cases[r], '.');

			if (!v || !in_part(cases[r], part))
				continue;
			fputs("    <testcase classname=\"", f);
			/* classname: suite.file; name: the full case id */
			{
				const char *second = strchr(cases[r], '.');
				const char *third = second ? strchr(second + 1, '.') : NULL;

				fprintf(f, "%.*s", (int)((third ? third : dot ? dot : cases[r]) - cases[r]), cases[r]);
			}
			fputs("\" name=\"", f);
			esc(f, cases[r]);
			fputs("\">", f);
			if (!strcmp(verdict, "fail") || !strcmp(verdict, "error") || !strcmp(verdict, "skip")) {
				fprintf(f, "<%s message=\"", !strcmp(verdict, "fail") ? "failure" : !strcmp(verdict, "error") ? "error" : "skipped");
				esc(f, jstr(v, "reason"));
				fputs("\"/>", f);
			}
			fputs("</testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	free(cases);
	return tmp_commit(f, path);
}

int matrix_write_reports(json_object *m, const char *dir)
{
	static const char *const names[] = {"matrix.json", "matrix.md", "matrix.html", "junit.xml"};
	char path[PATH_MAX];
	int n, rc = 0;
	const char **cells = matrix_cells(m, &n);

	/* Each one atomic (tmp + rename); the first that fails is named. */
	for (int i = 0; i < 4 && !rc; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = i == 0 ? json_write_file(path, m) : i == 1 ? matrix_write_md(m, path, cells, n)
		     : i == 2 ? matrix_write_html(m, path, cells, n) : write_junit(m, path, cells, n);
	}
	if (rc)
		fprintf(stderr, "blastradius: cannot write %s: %s\n", path, strerror(-rc));
	free(cells);
	return rc;
}

/* ---- baselines ---- */

static int write_baselines(json_object *m, const char *dir)
{
	json_object *cells = jget(m, "cells"), *files = json_object_new_object();
	int rc = 0;

	if (mkdir_p(dir))
		return -errno;
	for (size_t i = 0; i < alen(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i), *b, *bc, *cases = json_object_new_object();
		const char *kernel = jstr(c, "kernel"), *name = jstr(c, "name");

		if (!*kernel || !strcmp(kernel, "host") || strcmp(jstr(c, "status"), "complete") ||
		    name_problem(kernel)) {
			json_object_put(cases);
			continue; /* only complete guest cells make baselines (a bad kernel name is incomplete) */
		}
		if (!json_object_object_get_ex(files, kernel, &b)) {
			b = json_object_new_object();
			json_object_object_add(b, "kernel", json_object_new_string(kernel));
			json_object_object_add(b, "release", json_object_new_string(jstr(c, "release")));
			json_object_object_add(b, "run", json_object_new_string(jstr(c, "run")));
			json_object_object_add(b, "cells", json_object_new_object());
			json_object_object_add(files, kernel, b);
		}
		{
			int nk;
			const char **ids = sorted_keys(jget(m, "cases"), &nk); /* stable, reviewable diffs */

			for (int k = 0; k < nk; k++) {
				json_object *v = jget(jget(jget(m, "cases"), ids[k]), name);

				if (v)
					json_object_object_add(cases, ids[k], json_object_new_string(jstr(v, "verdict")));
			}
			free(ids);
		}
		bc = json_object_new_object();
		json_object_object_add(bc, "cases", cases);
		json_object_object_add(jget(b, "cells"), name, bc);
	}
	json_object_object_foreach(files, kernel, b) {
		char path[PATH_MAX];
		int e;

		snprintf(path, sizeof(path), "%s/%s.json", dir, kernel);
		if ((e = json_write_file(path, b)))
			fprintf(stderr, "blastradius: cannot write %s: %s\n", path, strerror(-(rc = e)));
		else
			fprintf(stderr, "blastradius: wrote %s (review it before committing)\n", path);
	}
	json_object_put(files);
	return rc;
}

/* One baseline file, checked: {"cells": {"<cell>": {"cases": {"<id>": "<verdict>", ...}}}}
 * with at least one case per cell. NULL with err set otherwise. */
static json_object *read_baseline(const char *path, char *err, size_t errsize)
{
	json_object *b = json_read_object(path, err, errsize), *cells = jget(b, "cells");

	if (!b)
		return NULL;
	if (!json_object_is_type(cells, json_type_object)) {
		snprintf(err, errsize, "%s: \"cells\" is not an object", path);
		goto bad;
	}
	json_object_object_foreach(cells, name, bc) {
		json_object *cases = jget(bc, "cases");

		if (!json_object_is_type(cases, json_type_object) || !json_object_object_length(cases)) {
			snprintf(err, errsize, "%s: cell '%s' has no \"cases\" object with a case in it", path, name);
			goto bad;
		}
		json_object_object_foreach(cases, cid, v) {
			bool known = false;

			for (int i = 0; verdicts[i]; i++)
				known |= json_object_is_type(v, json_type_string) &&
					 !strcmp(json_object_get_string(v), verdicts[i]);
			if (!known) {
				snprintf(err, errsize, "%s: %s %s: not a verdict", path, name, cid);
				goto bad;
			}
		}
	}
	return b;
bad:
	json_object_put(b);
	return NULL;
}

int baseline_dir_check(const char *dir)
{
	struct stat st;

	if (stat(dir, &st)) {
		fprintf(stderr, "blastradius: baselines %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "blastradius: baselines %s: not a directory\n", dir);
		return -1;
	}
	return 0;
}

int baseline_check(json_object *m, const char *dir)
{
	json_object *cells = jget(m, "cells");
	int regressions = 0, missing = 0;

	if (baseline_dir_check(dir))
		return -1;
	for (size_t i = 0; i < alen(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i), *b, *bc;
		const char *kernel = jstr(c, "kernel"), *name = jstr(c, "name");
		char path[PATH_MAX], err[PATH_MAX + 256];

		if (!*kernel || !strcmp(kernel, "host"))
			continue;
		if (name_problem(kernel)) {
			fprintf(stderr, "[baseline] %s: kernel name '%s' %s: cannot be checked\n", name, kernel,
				name_problem(kernel));
			missing++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.json", dir, kernel);
		if (access(path, F_OK) && errno == ENOENT) {
			printf("NO-BASELINE %s: no %s\n", name, path);
			missing++;
			continue;
		}
		if (!(b = read_baseline(path, err, sizeof(err)))) {
			fprintf(stderr, "blastradius: %s\n", err);
			return -1;
		}
		bc = jget(jget(b, "cells"), name);
		if (!bc) {
			printf("NO-BASELINE %s: no cell '%s' in %s\n", name, name, path);
			missing++;
			json_object_put(b);
			continue;
		}
		json_object_object_foreach(jget(bc, "cases"), cid, was) {
			json_object *now = jget(jget(jget(m, "cases"), cid), name);
			const char *nv = now ? jstr(now, "verdict") : absent(m, name);

			if (!now && !cell_ran(c, cid))
				continue; /* a variant's cell that does not run this file: not a regression */

			if (verdict_rank(nv) < verdict_rank(json_object_get_string(was))) {
				printf("REGRESSION %s %s: %s -> %s%s%s\n", name, cid, json_object_get_string(was), nv,
				       now && *jstr(now, "reason") ? ": " : "", now ? jstr(now, "reason") : "");
				regressions++;
			}
		}
		json_object_put(b);
	}
	fprintf(stderr, "[baseline] %d regression(s), %d cell(s) without a baseline, against %s\n", regressions,
		missing, dir);
	return regressions + missing;
}

/* ---- the subcommands ---- */

static void usage_report(FILE *f)
{
	fprintf(f, "usage: blastradius report [-o DIR] [--write-baselines DIR] [--check-baseline DIR]\n"
		   "                          [--sarif FILE] RUN [RUN...]\n\n"
		   "Builds matrix.json, matrix.md, matrix.html (self-contained) and junit.xml\n"
		   "from one or more result dirs (results/<run-id>/, e.g. CI shards), merged:\n"
		   "a later RUN's cell replaces an earlier one of the same name.\n\n"
		   "  -o DIR                 where the reports go (default: the first RUN)\n"
		   "  --write-baselines DIR  also write DIR/<kernel>.json from complete guest cells\n"
		   "  --check-baseline DIR   exit 1 when a verdict regressed from DIR/<kernel>.json\n"
		   "                         or a checked cell has no baseline\n"
		   "  --sarif FILE           also write failing verdicts per cell as SARIF 2.1.0\n\n"
		   "A cell whose files are missing, truncated or malformed is incomplete, its\n"
		   "reason naming the file.\n"
		   "Exit: 0 nothing failed, 1 a failure, incomplete cell or regression, 2 bad input\n"
		   "(a missing or malformed baseline directory or file).\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{"write-baselines", required_argument, 0, 'w'}, {"check-baseline", required_argument, 0, 'c'},
		{"sarif", required_argument, 0, 'S'}, {"help", no_argument, 0, 'h'}, {0},
	};
	const char *out = NULL, *wb = NULL, *cb = NULL, *sarif = NULL;
	json_object *m, *t;
	int c, rc = BR_EXIT_PASS;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'w')
			wb = optarg;
		else if (c == 'c')
			cb = optarg;
		else if (c == 'S')
			sarif = optarg;
		else
			return help_or_usage(usage_report, c);
	}
	if (optind >= argc)
		die_usage("report: which run dir? (see blastradius report --help)");
	if (cb && baseline_dir_check(cb)) /* a gate without its input fails before anything */
		return BR_EXIT_USAGE;
	m = matrix_load(argv + optind, argc - optind);
	if (!m)
		return BR_EXIT_USAGE;
	if (!out)
		out = argv[optind];
	if ((c = mkdir_p(out)))
		fprintf(stderr, "blastradius: cannot create %s: %s\n", out, strerror(-c));
	if (c || matrix_write_reports(m, out))
		rc = BR_EXIT_FAIL;
	else
		printf("%s/matrix.html\n", out);
	if (wb && write_baselines(m, wb))
		rc = BR_EXIT_FAIL;
	if (sarif && sarif_matrix(sarif, m))
		die("report: cannot write %s", sarif);
	if (cb && (c = baseline_check(m, cb)))
		rc = c < 0 ? BR_EXIT_USAGE : BR_EXIT_FAIL;
	t = jget(m, "totals");
	fprintf(stderr, "blastradius: %d cells (%d incomplete): %d pass, %d fail, %d skip, %d xfail, %d error\n",
		json_object_get_int(jget(t, "cells")), json_object_get_int(jget(t, "incomplete")),
		json_object_get_int(jget(t, "pass")), json_object_get_int(jget(t, "fail")),
		json_object_get_int(jget(t, "skip")), json_object_get_int(jget(t, "xfail")),
		json_object_get_int(jget(t, "error")));
	if (rc == BR_EXIT_PASS && (json_object_get_int(jget(t, "fail")) || json_object_get_int(jget(t, "error")) ||
				   json_object_get_int(jget(t, "incomplete"))))
		rc = BR_EXIT_FAIL;
	json_object_put(m);
	return rc;
}

/* ---- diff ---- */

struct diffopt {
	char **ignore; /* fnmatch patterns for fact keys */
	int nignore;
	bool json;
};

/* "improved", "regressed" or "changed" for a verdict; "added"/"removed" when a side lacks it. */
static const char *verdict_change(const char *a, const char *b)
{
	if (!a)
		return "added";
	if (!b)
		return "removed";
	return verdict_rank(b) > verdict_rank(a) ? "improved" : verdict_rank(b) < verdict_rank(a) ? "regressed"
											    : "changed";
}

static void change(json_object *list, const char *cell, const char *kind, const char *key, const char *a,
		   const char *b)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "cell", json_object_new_string(cell));
	json_object_object_add(c, "kind", json_object_new_string(kind));
	json_object_object_add(c, "key", json_object_new_string(key));
	json_object_object_add(c, "a", a ? json_object_new_string(a) : NULL);
	json_object_object_add(c, "b", b ? json_object_new_string(b) : NULL);
	json_object_object_add(c, "change", json_object_new_string(!strcmp(kind, "verdict") ? verdict_change(a, b)
								    : "changed"));
	json_object_array_add(list, c);
}

static bool ignored(const struct diffopt *o, const char *key, bool host_pair)
{
	/* A matrix's host cell adds the kernel's config, where the kernel came
	 * from and the guest.* facts, which a plain `blastradius run` does not have. */
	if (host_pair && (!strncmp(key, "kconfig.", 8) || !strncmp(key, "guest.", 6) || !strcmp(key, "kernel.source")))
		return true;
	for (int i = 0; i < o->nignore; i++)
		if (!fnmatch(o->ignore[i], key, 0))
			return true;
	return false;
}

/* Compare one row family (cases or facts) of cell ca in A with cell cb in B. */
static void diff_rows(json_object *A, json_object *B, const char *fam, const char *ca, const char *cb,
		      const char *label, json_object *list, const struct diffopt *o)
{
	json_object *ra = jget(A, fam), *rb = jget(B, fam);
	bool verdict = !strcmp(fam, "cases");
	bool host_pair = !strcmp(jstr(cell_obj(A, ca), "name"), "host") && !strcmp(jstr(cell_obj(B, cb), "name"), "host");
	int na, nb;
	const char **ka = sorted_keys(ra, &na), **kb = sorted_keys(rb, &nb);

	for (int pass = 0; pass < 2; pass++) {
		const char **keys = pass ? kb : ka;
		int nk = pass ? nb : na;

		for (int i = 0; i < nk; i++) {
			json_object *va = jget(jget(ra, keys[i]), ca), *vb = jget(jget(rb, keys[i]), cb);
			const char *sa = va ? (verdict ? jstr(va, "verdict") : json_object_get_string(va)) : NULL;
			const char *sb = vb ? (verdict ? jstr(vb, "verdict") : json_object_get_string(vb)) : NULL;

			if (pass && va)
				continue; /* already seen from A */
			if (!verdict && ignored(o, keys[i], host_pair))
				continue;
			if ((sa || sb) && (!sa || !sb || strcmp(sa, sb)))
				change(list, label, verdict ? "verdict" : "fact", keys[i], sa, sb);
		}
	}
	free(ka);
	free(kb);
}

/* The counts, by suite (a fact's first key part), then every change. */
static void diff_print(json_object *list)
{
	static const char *const cols[] = {"improved", "regressed", "changed", "added", "removed", "facts"};
	json_object *by = json_object_new_object();
	int tot[6] = {0}, n;
	const char **suites;

	for (size_t i = 0; i < alen(list); i++) {
		json_object *c = json_object_array_get_idx(list, i), *row;
		const char *key = jstr(c, "key"), *kind = jstr(c, "kind");
		char suite[64];
		int col = 5;

		if (!strcmp(kind, "cell"))
			continue;
		snprintf(suite, sizeof(suite), "%.*s", (int)strcspn(key, "."), key);
		if (!json_object_object_get_ex(by, suite, &row)) {
			row = json_object_new_array();
			for (int k = 0; k < 6; k++)
				json_object_array_add(row, json_object_new_int(0));
			json_object_object_add(by, suite, row);
		}
		if (!strcmp(kind, "verdict"))
			for (col = 0; col < 5 && strcmp(cols[col], jstr(c, "change")); col++)
				;
		json_object_array_put_idx(row, col, json_object_new_int(
			json_object_get_int(json_object_array_get_idx(row, col)) + 1));
		tot[col]++;
	}
	printf("%-14s", "suite");
	for (int k = 0; k < 6; k++)
		printf(" %9s", cols[k]);
	putchar('\n');
	suites = sorted_keys(by, &n);
	for (int s = 0; s < n; s++) {
		printf("%-14s", suites[s]);
		for (int k = 0; k < 6; k++)
			printf(" %9d", json_object_get_int(json_object_array_get_idx(jget(by, suites[s]), k)));
		putchar('\n');
	}
	printf("%-14s", "total");
	for (int k = 0; k < 6; k++)
		printf(" %9d", tot[k]);
	putchar('\n');
	{
		int only_a = 0, only_b = 0, status = 0;

		for (size_t i = 0; i < alen(list); i++) {
			json_object *c = json_object_array_get_idx(list, i);

			if (strcmp(jstr(c, "kind"), "cell"))
				continue;
			status += !strcmp(jstr(c, "key"), "status");
			only_a += !strcmp(jstr(c, "key"), "present") && !jget(c, "b");
			only_b += !strcmp(jstr(c, "key"), "present") && !jget(c, "a");
		}
		if (only_a || only_b || status)
			printf("cells: %d only in A, %d only in B, %d changed status\n", only_a, only_b, status);
	}
	putchar('\n');
	free(suites);
	json_object_put(by);
	/* Details: cells first, then regressions, then the other verdicts, then facts. */
	for (int pass = 0; pass < 4; pass++)
		for (size_t i = 0; i < alen(list); i++) {
			json_object *c = json_object_array_get_idx(list, i);
			const char *kind = jstr(c, "kind"), *ch = jstr(c, "change");
			int want = !strcmp(kind, "cell") ? 0 : !strcmp(kind, "fact") ? 3 : !strcmp(ch, "regressed") ? 1 : 2;
			json_object *a = jget(c, "a"), *b = jget(c, "b");

			if (want != pass)
				continue;
			printf("%s: %s %s: %s -> %s", jstr(c, "cell"), kind, jstr(c, "key"),
			       a ? json_object_get_string(a) : "(absent)", b ? json_object_get_string(b) : "(absent)");
			if (!strcmp(kind, "verdict"))
				printf(" (%s)", ch);
			putchar('\n');
		}
}

static void usage_diff(FILE *f)
{
	fprintf(f, "usage: blastradius diff [--json] [--ignore PATTERN]... A B\n\n"
		   "Every verdict, fact and cell status that changed from A to B: first the counts\n"
		   "by suite (verdicts improved, regressed, changed, added, removed; facts), then\n"
		   "each change. A and B are two run dirs (cells are paired by name) or two cell\n"
		   "dirs (compared directly); a run and a cell are not compared.\n\n"
		   "  --ignore PATTERN  leave out fact keys matching the glob (repeatable);\n"
		   "                    between two host cells kconfig.*, guest.* and\n"
		   "                    kernel.source always are (a matrix adds them)\n"
		   "  --json            the changes as a JSON array\n\n"
		   "Exit: 0 nothing changed ('no differences'), 1 something changed, 2 bad input.\n");
}

int cmd_diff(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, 0, 'j'}, {"ignore", required_argument, 0, 'i'}, {"help", no_argument, 0, 'h'}, {0},
	};
	struct diffopt o = {.ignore = calloc(argc, sizeof(char *))};
	char **dirs;
	int na, nb, c;
	json_object *A, *B, *list;
	const char **ca, **cb;
	size_t changes;
	bool cell_a, cell_b;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'j')
			o.json = true;
		else if (c == 'i')
			o.ignore[o.nignore++] = optarg;
		else {
			free(o.ignore);
			return help_or_usage(usage_diff, c);
		}
	}
	if (argc - optind != 2) {
		free(o.ignore);
		die_usage("diff: wants two dirs: A B (see blastradius diff --help)");
	}
	dirs = argv + optind;
	cell_a = is_cell_dir(dirs[0]);
	cell_b = is_cell_dir(dirs[1]);
	if (cell_a != cell_b) {
		free(o.ignore);
		die_usage("diff: %s is a %s and %s a %s; compare two runs, or two cells (e.g. %s/host)", dirs[0],
			  cell_a ? "cell" : "run", dirs[1], cell_b ? "cell" : "run", cell_a ? dirs[1] : dirs[0]);
	}
	list = json_object_new_array();
	A = matrix_load(dirs, 1);
	B = matrix_load(dirs + 1, 1);
	if (!A || !B) {
		json_object_put(A);
		json_object_put(B);
		json_object_put(list);
		free(o.ignore);
		return BR_EXIT_USAGE;
	}
	ca = matrix_cells(A, &na);
	cb = matrix_cells(B, &nb);
	if (cell_a) {
		char label[512];

		snprintf(label, sizeof(label), "%s..%s", ca[0], cb[0]);
		diff_rows(A, B, "cases", ca[0], cb[0], label, list, &o);
		diff_rows(A, B, "facts", ca[0], cb[0], label, list, &o);
	} else {
		for (int i = 0; i < na; i++) {
			json_object *cella = cell_obj(A, ca[i]), *cellb = cell_obj(B, ca[i]);

			if (!cellb) {
				change(list, ca[i], "cell", "present", "yes", NULL);
				continue;
			}
			if (strcmp(jstr(cella, "status"), jstr(cellb, "status")))
				change(list, ca[i], "cell", "status", jstr(cella, "status"), jstr(cellb, "status"));
			diff_rows(A, B, "cases", ca[i], ca[i], ca[i], list, &o);
			diff_rows(A, B, "facts", ca[i], ca[i], ca[i], list, &o);
		}
		for (int i = 0; i < nb; i++)
			if (!cell_obj(A, cb[i]))
				change(list, cb[i], "cell", "present", NULL, "yes");
	}
	changes = alen(list);
	if (o.json)
		printf("%s\n", json_object_to_json_string_ext(list, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (!changes)
		printf("no differences\n");
	else
		diff_print(list);
	free(ca);
	free(cb);
	free(o.ignore);
	json_object_put(A);
	json_object_put(B);
	json_object_put(list);
	return changes ? BR_EXIT_FAIL : BR_EXIT_PASS;
}
