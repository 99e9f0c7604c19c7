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

#endif
