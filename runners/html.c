/*
 * matrix.html: self-contained, read top-down. A heatmap of suite x cell
 * (pass/fail/skip counts) first, then the key facts, then what differs:
 * failing cases, security-relevant facts, verdicts by suite, the library's
 * self-tests, other facts; each group is collapsed, with its count. Last, every
 * row, with a filter. Reasons are printed in the page, not only on hover.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

/* The page's head up to its <title>, which html_start() writes. */
static const char html_doc[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>";
static const char html_head[] =
	"</title>\n<style>\n"
	"body{font:13px/1.35 system-ui,sans-serif;margin:12px 16px;color:#222}\n"
	"h1{font-size:18px;margin:0 0 4px}h2{font-size:15px;margin:14px 0 6px}p{margin:4px 0}\n"
	".scroll{overflow:auto;max-width:100%;max-height:85vh;border:1px solid #ddd}\n"
	"table{border-collapse:separate;border-spacing:0}\n"
	"th,td{border-right:1px solid #ddd;border-bottom:1px solid #ddd;padding:2px 6px;text-align:left;"
	"vertical-align:top;white-space:nowrap;overflow-wrap:normal;word-break:normal}\n"
	"thead th{position:sticky;top:0;background:#f0f0f0;z-index:2}\n"
	"tbody th,thead th:first-child{position:sticky;left:0;background:#f8f8f8;z-index:1;font-weight:normal}\n"
	"thead th:first-child{z-index:3}\n"
	"td.pass{background:#c8efc8}td.fail{background:#f7b0b0;font-weight:bold}td.error{background:#f29a6b}\n"
	"td.skip{background:#fff1b8}td.xfail{background:#c9dcf7}td.na{color:#999}\n"
	"td.incomplete{background:repeating-linear-gradient(45deg,#eee,#eee 4px,#ddd 4px,#ddd 8px)}\n"
	"td.hm{text-align:right;font-variant-numeric:tabular-nums}td.hm b{color:#a00}\n"
	"#heatmap th,#heatmap td{padding:2px 4px}\n"
	"td.mixed{background:#e3f5c8}\n"
	"tr.sep th{background:#e8e8f4;font-weight:bold}tr.tot td,tr.tot th{font-weight:bold;border-top:2px solid #999}\n"
	"div.why{font-size:11px;font-weight:normal;color:#444;white-space:normal;min-width:11em;max-width:22em}\n"
	"span.w{white-space:nowrap}\n"
	"td.fact{white-space:normal;min-width:6em;max-width:26em;font-size:12px}\n"
	"td.delta{outline:2px solid #d33;outline-offset:-2px}\n"
	"tr.regress th{border-left:5px solid #d33}tr.capab th{border-left:5px solid #3a7bd5}\n"
	"span.tag{font-size:11px;padding:0 4px;border-radius:3px;margin-left:6px}\n"
	"span.regress{background:#f7b0b0;color:#700}span.capab{background:#cfe0fa;color:#124}\n"
	"span.sec{background:#fde2b0;color:#630}\n"
	"details{margin:4px 0;border:1px solid #ccc;border-radius:4px;padding:2px 8px}\n"
	"summary{cursor:pointer;font-weight:bold;padding:2px 4px;background:#e9eef7}summary .n{font-weight:normal;color:#555}\n"
	"#filter{width:320px;padding:4px;margin:6px 0}label{margin-left:12px}\n"
	"</style></head><body>\n";

static const char html_js[] =
	"<script>\n"
	"function f(){var q=document.getElementById('filter').value.toLowerCase(),"
	"d=document.getElementById('onlydiff').checked;"
	"document.querySelectorAll('#all tbody tr').forEach(function(r){"
	"var show=r.textContent.toLowerCase().indexOf(q)>=0&&(!d||r.classList.contains('diff'));"
	"r.style.display=show?'':'none';});}\n"
	"document.getElementById('filter').addEventListener('input',f);"
	"document.getElementById('onlydiff').addEventListener('change',f);\n"
	"</script>\n";

/* A fact value: lists wrap after their commas and blanks, never inside a
 * word (a release's hyphens included): each piece is one unbreakable span. */
void html_start(FILE *f, const char *title)
{
	fputs(html_doc, f);
	esc(f, title);
	fputs(html_head, f);
}

void esc_value(FILE *f, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, ", ");
		char piece[512];

		n += s[n] != 0; /* the separator stays with its piece */
		snprintf(piece, sizeof(piece), "%.*s", (int)n, s);
		fputs("<span class=\"w\">", f);
		esc(f, piece);
		fputs("</span><wbr>", f);
		s += n;
	}
}

static void header_row(FILE *f, const char *first, const char **cells, int n, bool split)
{
	fprintf(f, "<thead><tr><th>%s</th>", first);
	/* split: a variant on a line of its own ("bookworm-cloud" over
	 * "+selinux"), so every heatmap column of a 10-cell matrix fits 1400 px. */
	for (int i = 0; i < n; i++) {
		const char *plus = strchr(cells[i], '+');
		char kernel[256];

		fputs("<th>", f);
		if (split && plus && plus != cells[i]) {
			snprintf(kernel, sizeof(kernel), "%.*s", (int)(plus - cells[i]), cells[i]);
			esc(f, kernel);
			fputs("<br>", f);
			esc(f, plus);
		} else {
			esc(f, cells[i]);
		}
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n", f);
}

void open_table(FILE *f, const char *id, const char *first, const char **cells, int n)
{
	fprintf(f, "<div class=\"scroll\"><table%s%s%s>", id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
	header_row(f, first, cells, n, id && !strcmp(id, "heatmap"));
	fputs("<tbody>\n", f);
}

void close_table(FILE *f)
{
	fputs("</tbody></table></div>\n", f);
}

/* ---- the heatmap ---- */

void heat_cell(FILE *f, const struct counts *c, bool incomplete)
{
	int total = c->pass + c->fail + c->skip;
	const char *cls = incomplete ? "incomplete" : c->fail ? "fail" : !total ? "na" : !c->skip ? "pass"
			  : c->skip * 4 >= total ? "skip" : "mixed";

	fprintf(f, "<td class=\"hm %s\"%s>", cls, total || incomplete ? "" : " title=\"not run in this cell (guest.suites)\"");
	if (total)
		fprintf(f, "%d / %s%d%s / %d", c->pass, c->fail ? "<b>" : "", c->fail, c->fail ? "</b>" : "",
			c->skip);
	else
		fputs(incomplete ? "incomplete" : "&ndash;", f);
	fputs("</td>", f);
}

/* One heatmap row: label, then the counts of suite ("": every boundary case) per cell. */
static void heat_row(FILE *f, json_object *m, const char *cls, const char *label, const char *suite,
		     const char **cells, int n)
{
	struct counts c;

	fprintf(f, "<tr%s%s%s><th>", *cls ? " class=\"" : "", cls, *cls ? "\"" : "");
	esc(f, label);
	fputs("</th>", f);
	for (int i = 0; i < n; i++) {
		count_suite(m, suite, cells[i], &c);
		heat_cell(f, &c, strcmp(jstr(cell_obj(m, cells[i]), "status"), "complete"));
	}
	fputs("</tr>\n", f);
}

static void heatmap(FILE *f, json_object *m, const char **cells, int n)
{
	int ns, r;
	const char **suites = matrix_suites(m, &ns);

	fputs("<h2>Verdicts per suite and cell <span class=\"n\">(pass / fail / skip)</span></h2>\n", f);
	open_table(f, "heatmap", "suite", cells, n);
	fputs("<tr><th>status</th>", f);
	for (int i = 0; i < n; i++) {
		json_object *cell = cell_obj(m, cells[i]);
		bool inc = strcmp(jstr(cell, "status"), "complete");

		/* The accelerator is a key fact (guest.accel); here only what fits the column. */
		fprintf(f, "<td class=\"%s\">%s, %.0f s", inc ? "fail" : "pass", inc ? "INCOMPLETE" : "complete",
			json_object_get_int(jget(cell, "wall_ms")) / 1000.0);
		if (inc && *jstr(cell, "reason")) {
			fputs("<div class=\"why\">", f);
			esc(f, jstr(cell, "reason"));
			fputs("</div>", f);
		}
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	/* Boundary suites, then their total, then the library's self-tests apart. */
	for (r = 0; r < ns && strcmp(suites[r], "lib"); r++)
		heat_row(f, m, "", suites[r], suites[r], cells, n);
	heat_row(f, m, "tot", "boundary verdicts", "", cells, n);
	for (; r < ns; r++) {
		fprintf(f, "<tr class=\"sep\"><th colspan=\"%d\">library self-tests (lib.*: our own code, not a "
			   "kernel boundary)</th></tr>\n", n + 1);
		heat_row(f, m, "", suites[r], suites[r], cells, n);
	}
	close_table(f);
	while (ns)
		free((char *)suites[--ns]);
	free(suites);
}

/* ---- rows ---- */

/* frame: mark the cells that differ from the row's usual value, and tag a
 * security-relevant row (where the rows are not already grouped by that). */
static void fact_row(FILE *f, json_object *m, const char *key, const char **cells, int n, bool frame,
		     bool tag)
{
	json_object *row = jget(jget(m, "facts"), key);
	bool d = row_differs(row, cells, n, false);
	const char *mode = frame && d ? row_mode(row, cells, n, false) : NULL;

	fprintf(f, "<tr class=\"%s\"><th>", d ? "diff" : "");
	esc(f, key);
	if (tag && is_security_fact(key) && d)
		fputs("<span class=\"tag sec\">security</span>", f);
	fputs("</th>", f);
	for (int i = 0; i < n; i++) {
		const char *v = row_value(row, cells[i], false);

		fprintf(f, "<td class=\"fact%s\">", mode && v && strcmp(v, mode) ? " delta" : "");
		esc_value(f, v ? v : "");
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void case_row(FILE *f, json_object *m, const char *id, const char **cells, int n, bool reasons)
{
	json_object *row = jget(jget(m, "cases"), id);
	bool d = row_differs(row, cells, n, true), fails = row_fails(row, cells, n);

	fprintf(f, "<tr class=\"%s%s\"><th>", d ? "diff " : "", fails ? "regress" : d ? "capab" : "");
	esc(f, id);
	if (reasons && fails)
		fputs("<span class=\"tag regress\">fails</span>", f);
	else if (reasons && d)
		fputs("<span class=\"tag capab\">capability</span>", f);
	fputs("</th>", f);
	for (int i = 0; i < n; i++) {
		json_object *v = jget(row, cells[i]);
		const char *verdict = v ? jstr(v, "verdict") : absent(m, cells[i]);
		const char *why = v ? jstr(v, "reason") : "";

		fprintf(f, "<td class=\"%s\" title=\"", strcmp(verdict, "n/a") ? verdict : "na");
		esc(f, why);
		fprintf(f, "\">%s", verdict);
		/* a failing case that names its upstream fix */
		if (strstr(why, "this kernel may lack: "))
			fputs(" (fix known)", f);
		if (reasons && *why && strcmp(verdict, "pass")) {
			fputs("<div class=\"why\">", f);
			esc(f, why);
			fputs("</div>", f);
		}
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

/* ---- what differs, grouped ---- */

static int differences(FILE *f, json_object *m, const char **cells, int n)
{
	int ng;
	struct group *g = matrix_groups(m, cells, n, &ng);

	fputs("<h2>What differs</h2>\n<p>Groups open on a click. <span class=\"tag regress\">fails</span> a "
	      "case that fails in some cell; <span class=\"tag capab\">capability</span> a case that passes in "
	      "some cells and skips in others (a kernel feature one has and another lacks); a red frame marks "
	      "the cell whose fact differs from its row's usual value.</p>\n",
	      f);
	for (int i = 0; i < ng; i++) {
		fputs("<details><summary>", f);
		esc(f, g[i].title);
		fputs(" <span class=\"n\">", f);
		esc(f, g[i].count);
		fputs("</span></summary>\n", f);
		open_table(f, NULL, g[i].facts ? "fact" : "case", cells, n);
		for (int r = 0; r < g[i].nrows; r++)
			if (g[i].facts)
				fact_row(f, m, g[i].rows[r], cells, n, true, false);
			else
				case_row(f, m, g[i].rows[r], cells, n, true);
		close_table(f);
		fputs("</details>\n", f);
	}
	if (!ng)
		fputs("<p>No differences between the cells.</p>\n", f);
	groups_free(g, ng);
	return ng;
}

int matrix_write_html(json_object *m, const char *path, const char **cells, int n)
{
	FILE *f = tmp_open(path);
	int nc, nf;
	const char **ids = sorted_keys(jget(m, "cases"), &nc), **facts = sorted_keys(jget(m, "facts"), &nf);
	json_object *t = jget(m, "totals");

	if (!f)
		return -errno;
	html_start(f, "blastradius matrix");
	fprintf(f, "<h1>blastradius matrix</h1>\n<p>%d cells, %d cases: %d pass, %d fail, %d skip, %d xfail, "
		   "%d error; %d incomplete cell(s).</p>\n",
		n, nc, json_object_get_int(jget(t, "pass")), json_object_get_int(jget(t, "fail")),
		json_object_get_int(jget(t, "skip")), json_object_get_int(jget(t, "xfail")),
		json_object_get_int(jget(t, "error")), json_object_get_int(jget(t, "incomplete")));
	heatmap(f, m, cells, n);
	fputs("<h2>Key facts</h2>\n", f);
	open_table(f, "keyfacts", "fact", cells, n);
	for (int k = 0; key_facts[k]; k++)
		if (jget(jget(m, "facts"), key_facts[k]))
			fact_row(f, m, key_facts[k], cells, n, false, false);
	close_table(f);
	differences(f, m, cells, n);
	fprintf(f, "<h2>Every row</h2>\n<details><summary>All %d cases and %d facts <span class=\"n\">(a skip "
		   "or failure shows its reason, here too)</span></summary>\n"
		   "<input id=\"filter\" placeholder=\"filter rows (case id, fact, verdict)\">"
		   "<label><input type=\"checkbox\" id=\"onlydiff\"> only rows that differ</label>\n",
		nc, nf);
	open_table(f, "all", "case or fact", cells, n);
	for (int r = 0; r < nc; r++)
		case_row(f, m, ids[r], cells, n, true); /* a case skipped everywhere is in no group */
	for (int r = 0; r < nf; r++)
		fact_row(f, m, facts[r], cells, n, true, true);
	close_table(f);
	fputs("</details>\n", f);
	fputs(html_js, f);
	fputs("</body></html>\n", f);
	free(ids);
	free(facts);
	return tmp_commit(f, path);
}
