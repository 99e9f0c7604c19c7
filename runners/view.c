/*
 * How matrix.html and matrix.md read a matrix, so both pages say the same:
 * the key facts, which facts matter to security, verdict counts per suite and
 * cell, and the groups of what differs, in page order.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

const char *const key_facts[] = {"kernel.release", "landlock.abi", "x32", "ia32", "lsm",
				 "mac.active", "mac.apparmor.label", "mac.apparmor.mode",
				 "mac.selinux.mode", "guest.accel", "guest.variant", "guest.suites", NULL};

/* Facts whose change moves a boundary: what an unprivileged process can reach
 * (file handles, user namespaces, sysctls that gate them), the filters and
 * LSMs in force, the syscall ABIs a filter must cover. */
static const char *const security_prefixes[] = {"fhandle.", "userns.", "sysctl.", "seccomp.", "landlock.",
						"lsm", "x32", "ia32", "caps.", "containment.", "exe.",
						"ns.", "mac.", NULL};

bool is_key_fact(const char *k)
{
	for (int i = 0; key_facts[i]; i++)
		if (!strcmp(key_facts[i], k))
			return true;
	return false;
}

bool is_security_fact(const char *k)
{
	for (int i = 0; security_prefixes[i]; i++)
		if (!strncmp(k, security_prefixes[i], strlen(security_prefixes[i])))
			return true;
	return false;
}

int suite_len(const char *id)
{
	return (int)strcspn(id, ".");
}

static bool same_suite(const char *a, const char *b)
{
	return suite_len(a) == suite_len(b) && !strncmp(a, b, suite_len(a));
}

static bool is_lib(const char *id)
{
	return suite_len(id) == 3 && !strncmp(id, "lib", 3);
}

const char **matrix_suites(json_object *m, int *n)
{
	int nc;
	const char **ids = sorted_keys(jget(m, "cases"), &nc), **out = calloc(nc + 1, sizeof(*out));

	*n = 0;
	for (int lib = 0; lib < 2; lib++) /* boundary suites, then lib */
		for (int r = 0; r < nc; r++)
			if ((!r || !same_suite(ids[r], ids[r - 1])) && is_lib(ids[r]) == lib) {
				char *s = strndup(ids[r], suite_len(ids[r]));

				if (s)
					out[(*n)++] = s;
			}
	free(ids);
	return out;
}

void count_suite(json_object *m, const char *suite, const char *cell, struct counts *c)
{
	int sl = (int)strlen(suite);

	memset(c, 0, sizeof(*c));
	json_object_object_foreach(jget(m, "cases"), id, row) {
		json_object *v = jget(row, cell);
		const char *verdict = jstr(v, "verdict");

		if (!v || (sl && (suite_len(id) != sl || strncmp(id, suite, sl))))
			continue;
		if (!sl && is_lib(id))
			continue; /* the boundary total leaves the self-tests out */
		c->pass += !strcmp(verdict, "pass") || !strcmp(verdict, "xfail");
		c->fail += !strcmp(verdict, "fail") || !strcmp(verdict, "error");
		c->skip += !strcmp(verdict, "skip");
	}
}

bool row_fails(json_object *row, const char **cells, int n)
{
	for (int i = 0; i < n; i++) {
		const char *v = row_value(row, cells[i], true);

		if (v && (!strcmp(v, "fail") || !strcmp(v, "error")))
			return true;
	}
	return false;
}

static struct group *add_group(struct group **g, int *ng, bool facts, int max)
{
	struct group *new = realloc(*g, (*ng + 1) * sizeof(**g));

	if (!new)
		return NULL;
	*g = new;
	new = &(*g)[(*ng)++];
	memset(new, 0, sizeof(*new));
	new->facts = facts;
	new->rows = calloc(max + 1, sizeof(*new->rows));
	return new;
}

/* Facts that differ, key facts aside: the security-relevant ones (sec) or the rest. */
static void fact_group(struct group **g, int *ng, json_object *m, const char **keys, int nk, const char **cells,
		       int n, bool sec)
{
	struct group *fg = add_group(g, ng, true, nk);

	if (!fg)
		return;
	for (int r = 0; r < nk; r++)
		if (!is_key_fact(keys[r]) && is_security_fact(keys[r]) == sec &&
		    row_differs(jget(jget(m, "facts"), keys[r]), cells, n, false))
			fg->rows[fg->nrows++] = keys[r];
	snprintf(fg->title, sizeof(fg->title), "%s", sec ? "Security-relevant facts" : "Other facts");
	snprintf(fg->count, sizeof(fg->count), "(%d differ)", fg->nrows);
	if (!fg->nrows)
		free(fg->rows), (*ng)--;
}

struct group *matrix_groups(json_object *m, const char **cells, int n, int *ng)
{
	int nc, nf;
	const char **ids = sorted_keys(jget(m, "cases"), &nc), **facts = sorted_keys(jget(m, "facts"), &nf);
	json_object *cases = jget(m, "cases");
	struct group *g = NULL, *cg;

	*ng = 0;
	if ((cg = add_group(&g, ng, false, nc))) {
		for (int r = 0; r < nc; r++)
			if (row_fails(jget(cases, ids[r]), cells, n))
				cg->rows[cg->nrows++] = ids[r];
		snprintf(cg->title, sizeof(cg->title), "Failing cases");
		snprintf(cg->count, sizeof(cg->count), "(%d case%s)", cg->nrows, cg->nrows == 1 ? "" : "s");
		if (!cg->nrows)
			free(cg->rows), (*ng)--;
	}
	fact_group(&g, ng, m, facts, nf, cells, n, true);
	/* Verdicts by suite, the library's self-tests last. */
	for (int lib = 0; lib < 2; lib++)
		for (int r = 0, e; r < nc; r = e) {
			int nreg = 0;

			for (e = r; e < nc && same_suite(ids[e], ids[r]); e++)
				;
			if (is_lib(ids[r]) != lib || !(cg = add_group(&g, ng, false, e - r)))
				continue;
			for (int k = r; k < e; k++)
				if (row_differs(jget(cases, ids[k]), cells, n, true)) {
					cg->rows[cg->nrows++] = ids[k];
					nreg += row_fails(jget(cases, ids[k]), cells, n);
				}
			snprintf(cg->title, sizeof(cg->title), lib ? "lib (library self-tests)" : "%.*s",
				 suite_len(ids[r]), ids[r]);
			snprintf(cg->count, sizeof(cg->count), "(%d differ: %d failing, %d capability)", cg->nrows, nreg,
				 cg->nrows - nreg);
			if (!cg->nrows)
				free(cg->rows), (*ng)--;
		}
	fact_group(&g, ng, m, facts, nf, cells, n, false);
	free(ids);
	free(facts);
	return g;
}

void groups_free(struct group *g, int n)
{
	for (int i = 0; i < n; i++)
		free(g[i].rows);
	free(g);
}
