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

static const char *const key_facts[] = {"kernel.release", "landlock.abi", "x32", "ia32", "lsm",
					 "mac.active", "mac.apparmor.label", "mac.apparmor.mode",
					 "mac.selinux.mode", "guest.accel", "guest.variant", NULL};

/* Facts whose change moves a boundary: what an unprivileged process can reach
 * (file handles, user namespaces, sysctls that gate them), the filters and
 * LSMs in force, the syscall ABIs a filter must cover. */
static const char *const security_prefixes[] = {"fhandle.", "userns.", "sysctl.", "seccomp.", "landlock.",
						"lsm", "x32", "ia32", "caps.", "containment.", "exe.",
						"ns.", "mac.", NULL};

static bool is_key_fact(const char *k)
{
	for (int i = 0; key_facts[i]; i++)
		if (!strcmp(key_facts[i], k))
			return true;
	return false;
}

static bool is_security_fact(const char *k)
{
	for (int i = 0; security_prefixes[i]; i++)
		if (!strncmp(k, security_prefixes[i], strlen(security_prefixes[i])))
			return true;
	return false;
}

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

static void header_row(FILE *f, const char *first, const char **cells, int n)
{
	fprintf(f, "<thead><tr><th>%s</th>", first);
	for (int i = 0; i < n; i++) {
		fputs("<th>", f);
		esc(f, cells[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n", f);
}

void open_table(FILE *f, const char *id, const char *first, const char **cells, int n)
{
	fprintf(f, "<div class=\"scroll\"><table%s%s%s>", id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
	header_row(f, first, cells, n);
	fputs("<tbody>\n", f);
}

void close_table(FILE *f)
{
	fputs("</tbody></table></div>\n", f);
}

/* The suite of a case id: "ns" of "ns.uts.hostname_private". */
static int suite_len(const char *id)
{
	return (int)strcspn(id, ".");
}

/* ---- the heatmap ---- */

static void count_suite(json_object *m, const char *suite, const char *cell, struct counts *c)
{
	int sl = (int)strlen(suite);

	memset(c, 0, sizeof(*c));
	json_object_object_foreach(jget(m, "cases"), id, row) {
		json_object *v = jget(row, cell);
		const char *verdict = jstr(v, "verdict");

		if (!v || (sl && (suite_len(id) != sl || strncmp(id, suite, sl))))
			continue;
		if (!sl && !strncmp(id, "lib.", 4))
			continue; /* the boundary total leaves the self-tests out */
		c->pass += !strcmp(verdict, "pass") || !strcmp(verdict, "xfail");
		c->fail += !strcmp(verdict, "fail") || !strcmp(verdict, "error");
		c->skip += !strcmp(verdict, "skip");
	}
}

void heat_cell(FILE *f, const struct counts *c, bool incomplete)
{
	int total = c->pass + c->fail + c->skip;
	const char *cls = incomplete ? "incomplete" : c->fail ? "fail" : !total ? "na" : !c->skip ? "pass"
			  : c->skip * 4 >= total ? "skip" : "mixed";

	fprintf(f, "<td class=\"hm %s\">", cls);
	if (total)
		fprintf(f, "%d / %s%d%s / %d", c->pass, c->fail ? "<b>" : "", c->fail, c->fail ? "</b>" : "",
			c->skip);
	else
		fputs(incomplete ? "incomplete" : "&ndash;", f);
	fputs("</td>", f);
}

static void heatmap(FILE *f, json_object *m, const char **cells, int n)
{
	int nc;
	const char **ids = sorted_keys(jget(m, "cases"), &nc);
	struct counts c;

	fputs("<h2>Verdicts per suite and cell <span class=\"n\">(pass / fail / skip)</span></h2>\n", f);
	open_table(f, "heatmap", "suite", cells, n);
	fputs("<tr><th>status</th>", f);
	for (int i = 0; i < n; i++) {
		json_object *cell = cell_obj(m, cells[i]);
		bool inc = strcmp(jstr(cell, "status"), "complete");

		fprintf(f, "<td class=\"%s\">%s%s, %.0f s", inc ? "fail" : "pass", inc ? "INCOMPLETE" : "complete",
			*jstr(cell, "accel") ? "" : "", json_object_get_int(jget(cell, "wall_ms")) / 1000.0);
		if (*jstr(cell, "accel")) {
			fputs(", ", f);
			esc(f, jstr(cell, "accel"));
		}
		if (inc && *jstr(cell, "reason")) {
			fputs("<div class=\"why\">", f);
			esc(f, jstr(cell, "reason"));
			fputs("</div>", f);
		}
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	/* Boundary suites, then their total, then the library's self-tests apart. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			fprintf(f, "<tr class=\"sep\"><th colspan=\"%d\">library self-tests (lib.*: our own code, not a "
				   "kernel boundary)</th></tr>\n", n + 1);
		for (int r = 0; r < nc; r++) {
			char suite[64];

			if (r && suite_len(ids[r]) == suite_len(ids[r - 1]) &&
			    !strncmp(ids[r], ids[r - 1], suite_len(ids[r])))
				continue;
			snprintf(suite, sizeof(suite), "%.*s", suite_len(ids[r]), ids[r]);
			if ((strcmp(suite, "lib") == 0) != (pass == 1))
				continue;
			fprintf(f, "<tr><th>%s</th>", suite);
			for (int i = 0; i < n; i++) {
				count_suite(m, suite, cells[i], &c);
				heat_cell(f, &c, strcmp(jstr(cell_obj(m, cells[i]), "status"), "complete"));
			}
			fputs("</tr>\n", f);
		}
		if (!pass) {
			fputs("<tr class=\"tot\"><th>boundary verdicts</th>", f);
			for (int i = 0; i < n; i++) {
				count_suite(m, "", cells[i], &c);
				heat_cell(f, &c, strcmp(jstr(cell_obj(m, cells[i]), "status"), "complete"));
			}
			fputs("</tr>\n", f);
		}
	}
	close_table(f);
	free(ids);
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

/* A row that fails somewhere is a regression; one whose cells only pass or skip
 * shows a capability that some kernels have and others lack. */
static bool row_fails(json_object *row, const char **cells, int n)
{
	for (int i = 0; i < n; i++) {
		const char *v = row_value(row, cells[i], true);

		if (v && (!strcmp(v, "fail") || !strcmp(v, "error")))
			return true;
	}
	return false;
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

static void group_open(FILE *f, const char *title, const char *count, const char *first, const char **cells,
		       int n)
{
	fprintf(f, "<details><summary>%s <span class=\"n\">%s</span></summary>\n", title, count);
	open_table(f, NULL, first, cells, n);
}

static void group_close(FILE *f)
{
	close_table(f);
	fputs("</details>\n", f);
}

/* Fact groups: the security-relevant ones (sec) or the rest, key facts aside. */
static int fact_group(FILE *f, json_object *m, const char **keys, int nk, const char **cells, int n, bool sec)
{
	int count = 0;
	char label[64];

	for (int r = 0; r < nk; r++)
		count += !is_key_fact(keys[r]) && is_security_fact(keys[r]) == sec &&
			 row_differs(jget(jget(m, "facts"), keys[r]), cells, n, false);
	if (!count)
		return 0;
	snprintf(label, sizeof(label), "(%d differ)", count);
	group_open(f, sec ? "Security-relevant facts" : "Other facts", label, "fact", cells, n);
	for (int r = 0; r < nk; r++)
		if (!is_key_fact(keys[r]) && is_security_fact(keys[r]) == sec &&
		    row_differs(jget(jget(m, "facts"), keys[r]), cells, n, false))
			fact_row(f, m, keys[r], cells, n, true, false);
	group_close(f);
	return count;
}

static int differences(FILE *f, json_object *m, const char **cells, int n)
{
	int nc, nf, total = 0, nfail = 0;
	const char **ids = sorted_keys(jget(m, "cases"), &nc), **facts = sorted_keys(jget(m, "facts"), &nf);
	json_object *cases = jget(m, "cases");
	char label[96];

	fputs("<h2>What differs</h2>\n<p>Groups open on a click. <span class=\"tag regress\">fails</span> a "
	      "case that fails in some cell; <span class=\"tag capab\">capability</span> a case that passes in "
	      "some cells and skips in others (a kernel feature one has and another lacks); a red frame marks "
	      "the cell whose fact differs from its row's usual value.</p>\n",
	      f);
	for (int r = 0; r < nc; r++)
		nfail += row_fails(jget(cases, ids[r]), cells, n);
	if (nfail) {
		snprintf(label, sizeof(label), "(%d case%s)", nfail, nfail == 1 ? "" : "s");
		group_open(f, "Failing cases", label, "case", cells, n);
		for (int r = 0; r < nc; r++)
			if (row_fails(jget(cases, ids[r]), cells, n))
				case_row(f, m, ids[r], cells, n, true);
		group_close(f);
	}
	total += fact_group(f, m, facts, nf, cells, n, true);
	/* Verdicts by suite, the library's self-tests last. */
	for (int lib = 0; lib < 2; lib++)
		for (int r = 0; r < nc;) {
			int sl = suite_len(ids[r]), e = r, nd = 0, nreg = 0;

			while (e < nc && suite_len(ids[e]) == sl && !strncmp(ids[e], ids[r], sl))
				e++;
			if ((sl == 3 && !strncmp(ids[r], "lib", 3)) == lib)
				for (int k = r; k < e; k++)
					if (row_differs(jget(cases, ids[k]), cells, n, true)) {
						nd++;
						nreg += row_fails(jget(cases, ids[k]), cells, n);
					}
			if (nd) {
				char title[96];

				snprintf(title, sizeof(title), lib ? "lib (library self-tests)" : "%.*s", sl, ids[r]);
				snprintf(label, sizeof(label), "(%d differ: %d failing, %d capability)", nd, nreg, nd - nreg);
				group_open(f, title, label, "case", cells, n);
				for (int k = r; k < e; k++)
					if (row_differs(jget(cases, ids[k]), cells, n, true))
						case_row(f, m, ids[k], cells, n, true);
				group_close(f);
				total += nd;
			}
			r = e;
		}
	total += fact_group(f, m, facts, nf, cells, n, false);
	if (!total && !nfail)
		fputs("<p>No differences between the cells.</p>\n", f);
	free(ids);
	free(facts);
	return total;
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
	fprintf(f, "<h2>Every row</h2>\n<details><summary>All %d cases and %d facts <span class=\"n\">(hover a "
		   "verdict for its reason)</span></summary>\n"
		   "<input id=\"filter\" placeholder=\"filter rows (case id, fact, verdict)\">"
		   "<label><input type=\"checkbox\" id=\"onlydiff\"> only rows that differ</label>\n",
		nc, nf);
	open_table(f, "all", "case or fact", cells, n);
	for (int r = 0; r < nc; r++)
		case_row(f, m, ids[r], cells, n, false);
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
