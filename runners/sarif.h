/*
 * SARIF 2.1.0 logs for code-scanning UIs: assess findings (one rule per
 * finding rule, one result per finding) and a matrix's failing verdicts (one
 * rule per case id, one result per failing cell).
 */
#ifndef BR_SARIF_H
#define BR_SARIF_H

#include "assess.h"

struct json_object;

/* Findings of an assess run. The results' location is the claims file when
 * there is one, else `where` (the evidence bundle's observations.json, or
 * NULL: the sandbox command's program). 0 or -errno. */
int sarif_findings(const char *path, const struct assess *a, const char *where);
/* Failing and erroring verdicts of a matrix (report.h's json), located at the
 * case's suite source, suites/<suite>/<file>.c. 0 or -errno. */
int sarif_matrix(const char *path, struct json_object *m);

#endif
