/*
 * matrix.md: matrix.html's sections as text, for a CI job summary or a
 * terminal. The heatmap of suite x cell (pass / fail / skip), the key facts,
 * then what differs, grouped with counts: failing cases, security-relevant
 * facts, verdicts by suite (lib last), other facts; then every row. A case that
 * fails somewhere is tagged `fails`, one that only passes or skips `capability`.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static void md_cell(FILE *f, const char *s)
{
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s != '\n' && *s != '\r')
			fputc(*s, f);
}

static void md_table(FILE *f, const char *first, const char **cells, int n)
{
	fprintf(f, "\n| %s |", first);
	for (int i = 0; i < n; i++)
		fprintf(f, " %s |", cells[i]);
	fprintf(f, "\n|---|");
	for (int i = 0; i < n; i++)
		fprintf(f, "---|");
	fputc('\n', f);
}

static bool incomplete(json_object *m, const char *cell)
{
	return strcmp(jstr(cell_obj(m, cell), "status"), "complete") != 0;
}

static void heat_row(FILE *f, json_object *m, const char *label, const char *suite, const char **cells, int n)
{
	struct counts c;

	fprintf(f, "| %s |", label);
	for (int i = 0; i < n; i++) {
		count_suite(m, suite, cells[i], &c);
		if (!c.pass && !c.fail && !c.skip)
			fputs(incomplete(m, cells[i]) ? " incomplete |" : " – |", f);
		else if (c.fail)
			fprintf(f, " %d / **%d** / %d |", c.pass, c.fail, c.skip);
		else
			fprintf(f, " %d / %d / %d |", c.pass, c.fail, c.skip);
	}
	fputc('\n', f);
}

static void heatmap(FILE *f, json_object *m, const char **cells, int n)
{
	int ns, r;
	const char **suites = matrix_suites(m, &ns);

	fputs("\n## Verdicts per suite and cell (pass / fail / skip)\n", f);
	md_table(f, "suite", cells, n);
	fputs("| status |", f);
	for (int i = 0; i < n; i++) {
		json_object *cell = cell_obj(m, cells[i]);

		fprintf(f, " %s, %.0f s", incomplete(m, cells[i]) ? "**INCOMPLETE**" : "complete",
			json_object_get_int(jget(cell, "wall_ms")) / 1000.0);
		if (*jstr(cell, "accel"))
			fprintf(f, ", %s", jstr(cell, "accel"));
		if (incomplete(m, cells[i]) && *jstr(cell, "reason")) {
			fputs(": ", f);
			md_cell(f, jstr(cell, "reason"));
		}
		fputs(" |", f);
	}
	fputc('\n', f);
	for (r = 0; r < ns && strcmp(suites[r], "lib"); r++)
		heat_row(f, m, suites[r], suites[r], cells, n);
	heat_row(f, m, "**boundary verdicts**", "", cells, n);
	for (; r < ns; r++)
		heat_row(f, m, "lib (library self-tests, not a kernel boundary)", suites[r], cells, n);
	while (ns)
		free((char *)suites[--ns]);
	free(suites);
}

/* mark: bold the values off the row's usual one; tag: a differing row says so
 * (and whether it matters to security) where rows are not grouped by that. */
static void fact_row(FILE *f, json_object *m, const char *key, const char **cells, int n, bool mark, bool tag)
{
	json_object *row = jget(jget(m, "facts"), key);
	bool d = row_differs(row, cells, n, false);
	const char *mode = mark && d ? row_mode(row, cells, n, false) : NULL;

	fprintf(f, "| %s%s%s |", tag && d ? "**≠** " : "", key, tag && d && is_security_fact(key) ? " `security`" : "");
	for (int i = 0; i < n; i++) {
		const char *v = row_value(row, cells[i], false);
		bool odd = mode && v && strcmp(v, mode);

		fputs(odd ? " **" : " ", f);
		md_cell(f, v ? v : "");
		fputs(odd ? "** |" : " |", f);
	}
	fputc('\n', f);
}

/* reasons: fail and error cells carry theirs (group tables only). */
static void case_row(FILE *f, json_object *m, const char *id, const char **cells, int n, bool reasons)
{
	json_object *row = jget(jget(m, "cases"), id);
	bool d = row_differs(row, cells, n, true), fails = row_fails(row, cells, n);

	fprintf(f, "| %s%s |", id, fails ? " `fails`" : d ? " `capability`" : "");
	for (int i = 0; i < n; i++) {
		json_object *v = jget(row, cells[i]);
		const char *verdict = v ? jstr(v, "verdict") : absent(m, cells[i]), *why = v ? jstr(v, "reason") : "";
		bool bad = !strcmp(verdict, "fail") || !strcmp(verdict, "error");

		fprintf(f, bad ? " **%s**" : " %s", verdict);
		if (strstr(why, "this kernel may lack: "))
			fputs(" (fix known)", f);
		if (reasons && bad && *why) {
			fputs(": ", f);
			md_cell(f, why);
		}
		fputs(" |", f);
	}
	fputc('\n', f);
}

static void differences(FILE *f, json_object *m, const char **cells, int n)
{
	int ng;
	struct group *g = matrix_groups(m, cells, n, &ng);

	fputs("\n## What differs\n\n`fails`: a case that fails in some cell (a boundary that does not hold there); "
	      "`capability`: a case that passes in some cells and skips in others (a kernel feature one has and "
	      "another lacks). In fact tables, **bold** marks a value that differs from its row's usual one.\n",
	      f);
	for (int i = 0; i < ng; i++) {
		fprintf(f, "\n### %s %s\n", g[i].title, g[i].count);
		md_table(f, g[i].facts ? "fact" : "case", cells, n);
		for (int r = 0; r < g[i].nrows; r++)
			if (g[i].facts)
				fact_row(f, m, g[i].rows[r], cells, n, true, false);
			else
				case_row(f, m, g[i].rows[r], cells, n, true);
	}
	if (!ng)
		fputs("\nNo differences between the cells.\n", f);
	groups_free(g, ng);
}

int matrix_write_md(json_object *m, const char *path, const char **cells, int n)
{
	FILE *f = tmp_open(path);
	int nc, nf;
	const char **ids = sorted_keys(jget(m, "cases"), &nc), **facts = sorted_keys(jget(m, "facts"), &nf);
	json_object *t = jget(m, "totals");

	if (!f) {
		free(ids);
		free(facts);
		return -errno;
	}
	fprintf(f, "# blastradius matrix\n\n%d cells, %d cases: %d pass, %d fail, %d skip, %d xfail, %d error; "
		   "%d incomplete cell(s).\n",
		n, nc, json_object_get_int(jget(t, "pass")), json_object_get_int(jget(t, "fail")),
		json_object_get_int(jget(t, "skip")), json_object_get_int(jget(t, "xfail")),
		json_object_get_int(jget(t, "error")), json_object_get_int(jget(t, "incomplete")));
	heatmap(f, m, cells, n);
	fputs("\n## Key facts\n", f);
	md_table(f, "fact", cells, n);
	for (int k = 0; key_facts[k]; k++)
		if (jget(jget(m, "facts"), key_facts[k]))
			fact_row(f, m, key_facts[k], cells, n, false, false);
	differences(f, m, cells, n);
	fprintf(f, "\n## Every case (%d)\n", nc);
	md_table(f, "case", cells, n);
	for (int r = 0; r < nc; r++)
		case_row(f, m, ids[r], cells, n, false);
	fprintf(f, "\n## Every fact (%d)\n", nf);
	md_table(f, "fact", cells, n);
	for (int r = 0; r < nf; r++)
		fact_row(f, m, facts[r], cells, n, true, true);
	free(ids);
	free(facts);
	return tmp_commit(f, path);
}
