/* Matrix reports: reading result dirs, writing matrix.{json,md,html} and junit.xml. */
#ifndef BR_REPORT_H
#define BR_REPORT_H

#include <stdbool.h>

struct json_object;

/*
 * The matrix of one or more run dirs (results/<run-id>/), merged:
 *   {"runs": [...], "cells": [{"name", "status", "reason", "accel", ...}],
 *    "cases": {"<case id>": {"<cell>": {"verdict": "pass", "reason": "..."}}},
 *    "facts": {"<key>": {"<cell>": "value"}}}
 * A later run's cell replaces an earlier one of the same name. Every file is
 * validated: one missing, malformed, truncated or not a regular file makes its
 * cell "incomplete" with a reason naming it. NULL (with a message) when a dir
 * holds no cells. Caller puts.
 */
struct json_object *matrix_load(char *const dirs[], int ndirs);
/* Write matrix.json, matrix.md, matrix.html and junit.xml into dir. 0 or -errno. */
int matrix_write_reports(struct json_object *m, const char *dir);
/* Cell names in m, in order (borrowed strings, NULL-terminated; caller frees the array). */
const char **matrix_cells(struct json_object *m, int *n);
/* A cell's verdicts: {"<case>": {"verdict", "reason"}} parsed from its *.ktap. Caller puts. */
struct json_object *cell_cases(const char *cell_dir);
/* Print every verdict that regressed from DIR/<kernel>.json (host cells are
 * skipped: a host baseline means nothing on another machine), and every checked
 * cell with no baseline. Returns their count, or -1 (a message printed) when DIR
 * or a baseline file is missing, not what it should be, or malformed. */
int baseline_check(struct json_object *m, const char *dir);
/* 0 when dir is a directory, else -1 with a message naming it. */
int baseline_dir_check(const char *dir);
/* Verdict rank for regressions: pass/xfail 3, skip 2, fail/error/missing 0. */
int verdict_rank(const char *verdict);

/* ---- shared by the writers (report.c, html.c) ---- */
#include <stddef.h>
#include <stdio.h>
extern const char *const verdicts[]; /* "pass" ... "error", NULL */
struct json_object *jget(struct json_object *o, const char *k);
size_t alen(struct json_object *a);
const char *jstr(struct json_object *o, const char *k); /* "" when absent */
void esc(FILE *f, const char *s);                      /* HTML/XML text */
struct json_object *cell_obj(struct json_object *m, const char *name);
const char *absent(struct json_object *m, const char *cell); /* "n/a" or "incomplete" */
/* A row's value in a cell (its verdict for cases), NULL when absent; whether
 * the cells disagree; the most common value (ties: the leftmost). */
const char *row_value(struct json_object *row, const char *cell, bool verdict);
bool row_differs(struct json_object *row, const char **cells, int n, bool verdict);
const char *row_mode(struct json_object *row, const char **cells, int n, bool verdict);
/* Keys of an object, sorted (borrowed strings; caller frees the array). */
const char **sorted_keys(struct json_object *o, int *n);
/* matrix.html (html.c). 0 or -errno. */
int matrix_write_html(struct json_object *m, const char *path, const char **cells, int n);
/* matrix.md (markdown.c): the same sections as matrix.html, as text. 0 or -errno. */
int matrix_write_md(struct json_object *m, const char *path, const char **cells, int n);
/* How both read the matrix (view.c), so the two pages say the same: */
extern const char *const key_facts[]; /* shown on top, NULL-terminated */
bool is_key_fact(const char *key);
bool is_security_fact(const char *key); /* a change that moves a boundary */
int suite_len(const char *id);          /* "ns" of "ns.uts.x": 2 */
/* The suites of the cases, sorted, lib last (caller frees each and the array). */
const char **matrix_suites(struct json_object *m, int *n);
/* A suite's verdicts in a cell (xfail counts as pass, error as fail); suite ""
 * is every boundary case, lib.* left out. */
struct counts {
	int pass, fail, skip;
};
void count_suite(struct json_object *m, const char *suite, const char *cell, struct counts *c);
/* Does the row fail (or error) in some cell? A row that differs without failing
 * is a capability that some kernels have and others lack. */
bool row_fails(struct json_object *row, const char **cells, int n);
/* "What differs", in page order: failing cases, security-relevant facts, the
 * verdicts that differ by suite (lib last), other facts; empty groups left out.
 * rows are case ids or (facts) fact keys, borrowed from m. Free with groups_free. */
struct group {
	char title[96], count[96];
	bool facts;
	const char **rows;
	int nrows;
};
struct group *matrix_groups(struct json_object *m, const char **cells, int n, int *ngroups);
void groups_free(struct group *g, int n);

#endif
